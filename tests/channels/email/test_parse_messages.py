"""Whole mails through interpret_message, in each language and layout, against a catalogue unlike the corpus's."""

import json

from channels.email.parsing import interpret_message

from .parse_fixtures import catalogue, mail

CATALOGUE = catalogue()


def interpret(raw, **kwargs):
    return interpret_message(raw, catalogue=CATALOGUE, **kwargs)


def only_order(result):
    assert result.kind == "order", result
    return result.orders[0]


def test_a_czech_free_text_order_is_read_in_full():
    raw = mail("Dobrý den,\n\nprosíme o rezervaci jazzové plavby s večeří v sobotu 13. 3. v 19 hodin "
               "pro 2 dospělé a 1 dítě (6 let).\nJméno: Tomáš Král, tel. 602 111 222\n\nS pozdravem\nRecepce\n"
               "+420 257 000 111")
    order = only_order(interpret(raw))
    assert (order.product, order.option, order.start) == ("jazz-dinner", None, "2027-03-13T19:00:00+01:00")
    assert order.participants == {"ADULT": 2, "CHILD": 1}
    assert (order.contact_name, order.contact_phone, order.language) == ("Tomáš Král", "+420602111222", "cs")


def test_a_german_order_with_option_and_reference():
    raw = mail("Sehr geehrte Damen und Herren,\n\nhiermit buchen wir die Burgführung auf Italienisch am Dienstag, "
               "16. März um 13:30 Uhr für vier Erwachsene.\nKunde: Herr Max Huber, Mobil 0664 1234567\n"
               "Unsere Buchungsnummer: RM-2027-118\n\nMit freundlichen Grüßen\nReisebüro Mayer",
               sender="buchung@mayer.example")
    result = interpret(raw)
    order = only_order(result)
    assert (order.product, order.option, order.start) == ("castle-tour", "it", "2027-03-16T13:30:00+01:00")
    assert order.participants == {"ADULT": 4}
    assert (order.contact_name, order.contact_phone) == ("Max Huber", "+436641234567")
    assert (order.external_reference, order.language, result.partner) == ("RM-2027-118", "de", "reise-mayer")


def test_a_romanian_order_written_without_diacritics():
    raw = mail("Buna ziua,\n\nVa rugam sa rezervati croaziera cu jazz si cina, vineri 19 martie, ora 19:00, "
               "pentru 3 adulti si 2 copii (5 si 8 ani).\nNume client: Elena Radu, telefon 0744 111 222\n"
               "Referinta noastra: CT-5521\n\nMultumim,\nCarpathia", sender="rezervari@carpathia.example")
    order = only_order(interpret(raw))
    assert (order.product, order.start) == ("jazz-dinner", "2027-03-19T19:00:00+01:00")
    assert order.participants == {"ADULT": 3, "CHILD": 2}
    assert (order.contact_name, order.contact_phone, order.external_reference) == ("Elena Radu", "+40744111222", "CT-5521")
    assert order.language == "ro"


def test_a_ukrainian_order():
    raw = mail("Добрий день!\n\nПросимо забронювати екскурсію Празьким градом з гідом англійською мовою.\n"
               "Дата: 20 березня, початок о 09:30\nУчасники: 2 дорослих\nТурист: Андрій Коваленко, "
               "тел. 050 765 43 21\nНаш номер: DT-301\n\nЗ повагою,\nDnipro Tours", sender="info@dniprotours.example")
    order = only_order(interpret(raw))
    assert (order.product, order.option, order.start) == ("castle-tour", "en", "2027-03-20T09:30:00+01:00")
    assert (order.contact_name, order.contact_phone, order.language) == ("Андрій Коваленко", "+380507654321", "uk")


def test_a_chinese_order_with_an_afternoon_time():
    raw = mail("您好！\n\n请帮我们预订布拉格城堡导游游览（英文导游）。\n日期：3月21日（星期日）下午1点半\n"
               "人数：成人5位\n联系人：刘洋\n手机：13700001111\n订单号：DR-0321\n\n谢谢！",
               sender="orders@dragon.example", charset="gb18030")
    order = only_order(interpret(raw))
    assert (order.product, order.option, order.start) == ("castle-tour", "en", "2027-03-21T13:30:00+01:00")
    assert (order.participants, order.contact_name, order.contact_phone) == ({"ADULT": 5}, "刘洋", "+8613700001111")
    assert order.language == "zh"


def test_a_time_that_is_not_a_departure_is_kept_and_flagged():
    raw = mail("Hi,\n\nplease book the jazz dinner cruise on Friday 19 March at half past eight in the evening "
               "for 2 adults, guest Mr. Paul Green, mobile +44 7700 900999.\n\nThanks\nLondon Desk",
               sender="desk@londondesk.example")
    result = interpret(raw)
    assert only_order(result).start == "2027-03-19T20:30:00+01:00"
    assert result.expect_exception == "no_such_departure"


def test_a_day_the_product_does_not_run_is_no_such_departure():
    raw = mail("Please book the boat to the zoo on 20 March at 11:00 for 2 adults, guest Ann Lee.",
               sender="desk@londondesk.example")
    assert interpret(raw).expect_exception == "no_such_departure"  # the zoo boat sails April to October


def test_too_many_people_for_the_departure_is_over_capacity_and_not_cut_down():
    raw = mail("Please book the castle tour in English on 22 March at 9:30 for 18 adults, group leader Tom Hart.",
               sender="desk@londondesk.example")
    result = interpret(raw)
    assert only_order(result).participants == {"ADULT": 18}
    assert result.expect_exception == "over_capacity"


def test_an_unknown_sender_is_extracted_and_flagged():
    raw = mail("Please book the castle tour in Italian on 22 March at 13:30 for 2 adults, name Luca Bianchi.",
               sender="someone@else.example")
    result = interpret(raw)
    assert (result.partner, result.expect_exception) == (None, "unknown_partner")
    assert only_order(result).option == "it"


def test_an_html_table_order():
    raw = mail("<html><body><p>Objednávka</p><table><tr><td>Produkt</td><td>Lodí do zoo</td></tr>"
               "<tr><td>Datum</td><td>st&nbsp;14.&nbsp;4.</td></tr><tr><td>Čas</td><td>13:00</td></tr>"
               "<tr><td>Osoby</td><td>2 dospělí, 2 děti (3 a 7 let)</td></tr>"
               "<tr><td>Jméno</td><td>Jana Malá</td></tr><tr><td>E-mail</td><td>jana@posta.example</td></tr>"
               "</table></body></html>", html=True)
    order = only_order(interpret(raw))
    assert (order.product, order.start) == ("zoo-boat", "2027-04-14T13:00:00+02:00")
    assert (order.participants, order.contact_email) == ({"ADULT": 2, "CHILD": 2}, "jana@posta.example")


def test_numbered_orders_in_one_mail():
    raw = mail("Hello,\n\n1. Jazz dinner cruise, Thursday 18 March, 7pm, 2 adults - guest Mia Wong\n"
               "2. Castle tour in English on Saturday the 20th at 9:30, 3 adults - guest Omar Aziz\n\nThanks",
               sender="desk@londondesk.example")
    result = interpret(raw)
    assert result.kind == "orders"
    assert [(o.product, o.start, o.contact_name) for o in result.orders] == [
        ("jazz-dinner", "2027-03-18T19:00:00+01:00", "Mia Wong"),
        ("castle-tour", "2027-03-20T09:30:00+01:00", "Omar Aziz"),
    ]


def test_a_comma_separated_utf8_csv_with_english_headers():
    data = ("Date,Time,Tour,Guide language,Adults,Children,Guest,Phone\n"
            "2027-03-24,09:30,Castle tour,Italian,2,1,Marco Rossi,+39 312 345 6789\n"
            "2027-03-25,19:00,Jazz dinner,,4,0,Eva Novak,777 888 999\n").encode()
    raw = mail("Orders attached.", attachments=[("orders.csv", "text/csv", data)])
    result = interpret(raw)
    assert result.kind == "orders"
    first, second = result.orders
    assert (first.product, first.option, first.participants) == ("castle-tour", "it", {"ADULT": 2, "CHILD": 1})
    assert (second.product, second.start, second.contact_phone) == ("jazz-dinner", "2027-03-25T19:00:00+01:00",
                                                                  "+420777888999")


def test_a_json_export_with_its_own_keys():
    data = json.dumps({"items": [
        {"reference": "X-1", "tour": "Boat to the zoo", "day": "2027-05-02", "start_time": "11:00",
         "adults": 1, "kids": 2, "kids_ages": [4, 6], "guest": {"full_name": "Ana Pop", "mobile": "0722 000 111"}},
    ]}).encode()
    raw = mail("Atașat.", sender="rezervari@carpathia.example", attachments=[("export.json", "application/json", data)])
    order = only_order(interpret(raw))
    assert (order.product, order.start, order.external_reference) == ("zoo-boat", "2027-05-02T11:00:00+02:00", "X-1")
    assert (order.participants, order.contact_name, order.contact_phone) == ({"ADULT": 1, "CHILD": 2}, "Ana Pop",
                                                                            "+40722000111")


def test_an_inline_forward_takes_the_order_from_the_guest_and_the_language_from_the_note():
    raw = mail("Dobrý den, přeposílám objednávku hosta.\n\nDěkuji\nRecepce\n\n"
               "---------- Forwarded message ---------\nFrom: Kate Moss <kate.moss@mail.example>\n"
               "Date: Sun, 7 Mar 2027\nSubject: boat\nTo: front@umostu.example\n\n"
               "Hi, could you book the boat to the zoo for us on 10 April at 3 pm? 2 adults. +44 7700 900321")
    order = only_order(interpret(raw))
    assert (order.product, order.start, order.language) == ("zoo-boat", "2027-04-10T15:00:00+02:00", "cs")
    assert (order.contact_name, order.contact_email, order.contact_phone) == ("Kate Moss", "kate.moss@mail.example",
                                                                             "+447700900321")


def test_an_ota_layout_maps_its_option_id_and_unit_labels():
    raw = mail("New booking\n\nActivity: Castle (option ID 990011)\nBooking reference: OTA-XYZ-77\n"
               "Date: Monday, March 22, 2027 1:30 PM\nParticipants: 2 x Grown-up\n  1 x Kid\n"
               "Lead traveler: Sofia Russo\nEmail: guest-1@relay.ota.example\nPhone: +39 333 111 2222",
               sender="bookings@ota.example", subject="New booking OTA-XYZ-77")
    order = only_order(interpret(raw))
    assert (order.product, order.option, order.start) == ("castle-tour", "it", "2027-03-22T13:30:00+01:00")
    assert (order.participants, order.external_reference) == ({"ADULT": 2, "CHILD": 1}, "OTA-XYZ-77")
    assert (order.contact_email, order.language) == ("guest-1@relay.ota.example", "en")


def test_an_ota_amendment_changes_only_what_it_says_changed():
    raw = mail("Amended booking\nWhat has changed: Date Mon, Mar 22, 2027 -> Tue, Mar 23, 2027\n\n"
               "Booking reference: OTA-XYZ-77\nDate: Tue, Mar 23, 2027\nPrevious date: Mon, Mar 22, 2027\n"
               "Activity: Castle (option ID 990011) 1:30 PM\nParticipants: 2 x Grown-up",
               sender="bookings@ota.example", subject="Amended booking OTA-XYZ-77")
    result = interpret(raw)
    assert result.kind == "modification"
    assert result.modification.external_reference == "OTA-XYZ-77"
    assert result.modification.start == "2027-03-23T13:30:00+01:00"
    assert result.modification.participants is None


def test_a_cancellation_by_reference_in_czech():
    raw = mail("Dobrý den,\nprosíme o zrušení rezervace UM-4410 (jazz, 13. 3.), host onemocněl.\nDěkuji",
               subject="Storno")
    result = interpret(raw)
    assert (result.kind, result.cancellation.external_reference) == ("cancellation", "UM-4410")


def test_a_change_of_participants_in_german():
    raw = mail("Guten Tag,\nbitte ändern Sie die Buchung RM-2027-118: jetzt 5 Erwachsene statt 4 Erwachsene.\n"
               "Danke", sender="buchung@mayer.example", subject="Änderung RM-2027-118")
    result = interpret(raw)
    assert result.kind == "modification"
    assert (result.modification.external_reference, result.modification.participants) == ("RM-2027-118", {"ADULT": 5})
    assert result.modification.start is None


def test_an_availability_question_in_english():
    raw = mail("Hello,\ndo you still have availability on the jazz dinner cruise on Saturday 27 March for "
               "6 people? If so we will send the booking.\nThanks", sender="desk@londondesk.example",
               subject="Availability question")
    result = interpret(raw)
    assert result.kind == "availability_inquiry"
    assert (result.inquiry.product, result.inquiry.date, result.inquiry.quantity) == ("jazz-dinner", "2027-03-27", 6)
    assert result.inquiry.times is None
    assert result.orders == []


def test_a_redelivered_message_is_a_duplicate_when_the_ingest_knows_its_id():
    raw = mail("Please book the castle tour in English on 22 March at 9:30 for 2 adults.", message_id="<dup@x>")
    result = interpret(raw, known_message_ids=lambda message_id: message_id == "<dup@x>")
    assert (result.kind, result.orders) == ("duplicate", [])


def test_garbage_is_not_an_order_and_does_not_raise():
    result = interpret(b"\x00\xff not a mail at all \r\n\r\n\x81")
    assert result.kind == "not_an_order"


def test_a_partners_label_template_reads_its_fixed_layout():
    from copy import deepcopy

    from channels.email.parsing import catalogue_index_from_data

    from .parse_fixtures import CATALOGUE as DATA

    data = deepcopy(DATA)
    data["partners"][5]["label_template"] = {"reference": ["Vch"], "name": ["Pax lead"], "date": ["Svc day"]}
    index = catalogue_index_from_data(data)
    raw = mail("Please book:\nTour: castle tour in English\nSvc day: 23/03/2027\nTime: 09:30\nPax: 2 adults\n"
               "Pax lead: Jo Smith\nVch: 55-ABC-1", sender="desk@londondesk.example")
    order = interpret_message(raw, catalogue=index).orders[0]
    assert (order.external_reference, order.contact_name, order.start) == ("55-ABC-1", "Jo Smith",
                                                                         "2027-03-23T09:30:00+01:00")


def test_the_same_labels_twice_are_two_orders():
    raw = mail("Dobrý den,\nprosím o rezervace:\n\nDatum: 17. 3.\nProdukt: jazzová plavba\nOsoby: 2 dospělí\n"
               "Jméno: Jan Dvořák\n\nDatum: 18. 3.\nProdukt: jazzová plavba\nOsoby: 4 dospělí\nJméno: Eva Malá\n\n"
               "Děkuji\nRecepce")
    result = interpret(raw)
    assert result.kind == "orders"
    assert [(o.start, o.participants, o.contact_name) for o in result.orders] == [
        ("2027-03-17T19:00:00+01:00", {"ADULT": 2}, "Jan Dvořák"),
        ("2027-03-18T19:00:00+01:00", {"ADULT": 4}, "Eva Malá"),
    ]


def test_headed_bookings_in_german_are_separate_orders():
    raw = mail("Guten Tag,\n\nBuchung 1: Burgführung auf Englisch am 22. März um 9:30 Uhr, 2 Erwachsene, Kunde Herr Otto "
               "Berg\nBuchung 2: Jazz-Dinnerfahrt am 24. März, 4 Erwachsene, Kundin Frau Ute Kern\n\nGruß\nAnna",
               sender="buchung@mayer.example")
    result = interpret(raw)
    assert [(o.product, o.start, o.contact_name) for o in result.orders] == [
        ("castle-tour", "2027-03-22T09:30:00+01:00", "Otto Berg"),
        ("jazz-dinner", "2027-03-24T19:00:00+01:00", "Ute Kern"),
    ]


def test_a_romanian_outlook_forward():
    raw = mail("Bună ziua,\nvă trimit cererea clientului. Referința noastră: CT-77\n\nMulțumim,\nIoana\n\n"
               "-----Mesaj original-----\nDe la: Dan Popa <dan.popa@mail.example>\nTrimis: luni, 8 martie 2027 10:00\n"
               "Către: rezervari@carpathia.example\nSubiect: vapor\n\nBuna ziua, as dori vaporul la zoo pe 14 aprilie "
               "la 11:00 pentru 2 adulti. Telefon 0721 000 999.\nDan", sender="rezervari@carpathia.example")
    order = only_order(interpret(raw))
    assert (order.product, order.start, order.external_reference) == ("zoo-boat", "2027-04-14T11:00:00+02:00", "CT-77")
    assert (order.contact_name, order.contact_email, order.contact_phone) == ("Dan Popa", "dan.popa@mail.example",
                                                                             "+40721000999")


def test_an_ota_update_without_a_change_line_takes_its_labelled_block_as_the_new_state():
    raw = mail("The following booking has been changed by the customer.\n\nBooking reference: OTA-5\n"
               "Date: Sunday, March 21, 2027 1:30 PM\nParticipants: 3 x Grown-up\n",
               sender="bookings@ota.example", subject="Booking updated: OTA-5")
    result = interpret(raw)
    assert result.kind == "modification"
    assert (result.modification.start, result.modification.participants) == ("2027-03-21T13:30:00+01:00",
                                                                           {"ADULT": 3})


def test_an_option_nobody_asked_for_is_flagged_for_a_person():
    raw = mail("Please book the castle tour on 22 March at 9:30 for 2 adults, guest Ann Lee.",
               sender="desk@londondesk.example")
    order = only_order(interpret(raw))
    assert order.product == "castle-tour"
    assert "option" in order.problems


def test_an_order_written_in_the_subject_only():
    raw = mail("Dobrý den, viz předmět. Děkuji", subject="Rezervace: jazzová plavba 17. 3., 2 dospělí, Jan Dvořák")
    order = only_order(interpret(raw))
    assert (order.product, order.start, order.participants) == ("jazz-dinner", "2027-03-17T19:00:00+01:00",
                                                               {"ADULT": 2})


def test_a_semicolon_csv_with_a_title_line_and_german_headers():
    data = ("Buchungen KW 12;;;;;\nDatum;Uhrzeit;Tour;Erwachsene;Kinder;Name\n"
            "24.03.2027;19:00;Jazz-Dinnerfahrt;2;1;Eva Berger\n").encode("cp1252")
    raw = mail("Anbei.", sender="buchung@mayer.example", attachments=[("kw12.csv", "text/csv", data)])
    order = only_order(interpret(raw))
    assert (order.product, order.start, order.participants, order.contact_name) == (
        "jazz-dinner", "2027-03-24T19:00:00+01:00", {"ADULT": 2, "CHILD": 1}, "Eva Berger")


def test_a_json_export_with_a_list_of_passenger_types():
    data = json.dumps({"bookings": [{"id": "D-9", "product": "Jazz dinner cruise", "date": "2027-03-26",
                                     "time": "19:00", "passengers": [{"type": "adult", "count": 3},
                                                                     {"type": "child", "count": 1}],
                                     "contact": {"name": "Ivan Petrenko"}}]}).encode()
    raw = mail("Нові замовлення у вкладенні.", sender="info@dniprotours.example",
               attachments=[("export.json", "application/json", data)])
    order = only_order(interpret(raw))
    assert (order.participants, order.external_reference, order.contact_name) == ({"ADULT": 3, "CHILD": 1}, "D-9",
                                                                                 "Ivan Petrenko")


def test_a_reply_quoting_the_senders_own_earlier_order_does_not_repeat_it():
    raw = mail("Dobrý den, ještě prosím o potvrzení.\nDěkuji\n\n-----Original Message-----\n"
               "Od: Hotel U Mostu <front@umostu.example>\nOdesláno: pondělí 8. března 2027 9:00\n"
               "Komu: orders@bohemiaboats.example\nPředmět: Objednávka\n\n"
               "Prosíme o rezervaci jazzové plavby 13. 3. pro 2 dospělé, jméno Jan Král.", subject="RE: Objednávka")
    assert interpret(raw).kind == "not_an_order"


def test_the_time_is_taken_beside_the_labelled_date_not_from_elsewhere():
    raw = mail("Booked on: Mon, Mar 8, 2027 08:12\nBooking reference: OTA-3\nTravel date: Sat, Mar 20, 2027\n"
               "Tour: Castle (option ID 990011) 1:30 PM\nParticipants: 2 x Grown-up\nLead traveler: Ana Ruiz",
               sender="bookings@ota.example", subject="New booking OTA-3")
    assert only_order(interpret(raw)).start == "2027-03-20T13:30:00+01:00"


def test_a_forwarded_guest_without_a_display_name_is_named_by_the_signature():
    raw = mail("Přeposílám, děkuji.\nRecepce\n\n-----Original Message-----\nFrom: kate.moss@mail.example\n"
               "Sent: Sunday, March 7, 2027 20:00\nTo: front@umostu.example\nSubject: boat\n\n"
               "Hi, please book the boat to the zoo on 10 April at 3 pm for 2 adults.\n\nThanks a lot,\nKate Moss\n"
               "Room 12")
    order = only_order(interpret(raw))
    assert (order.contact_name, order.contact_email) == ("Kate Moss", "kate.moss@mail.example")
