"""Mail that must never become an order, and the sender's intent."""

from channels.email.parsing import interpret_message

from .parse_fixtures import catalogue, mail

CATALOGUE = catalogue()
ORDER = "Please book the castle tour in English on 22 March at 9:30 for 2 adults, guest Ann Lee."


def kind_and_reason(raw):
    result = interpret_message(raw, catalogue=CATALOGUE)
    return result.kind, result.not_an_order_reason, result.orders


def test_an_auto_submitted_mail_is_not_an_order_even_with_an_order_in_it():
    assert kind_and_reason(mail(ORDER, headers={"Auto-Submitted": "auto-replied"}))[:2] == ("not_an_order", "auto_reply")


def test_a_precedence_auto_reply_without_auto_submitted_is_not_an_order():
    assert kind_and_reason(mail(ORDER, headers={"Precedence": "auto_reply"}))[:2] == ("not_an_order", "auto_reply")


def test_an_out_of_office_subject_is_not_an_order():
    assert kind_and_reason(mail(ORDER, subject="Abwesenheitsnotiz: Ihre Buchung"))[0] == "not_an_order"


def test_a_newsletter_is_not_an_order():
    raw = mail(ORDER, headers={"List-Id": "<news.ota.example>"}, sender="bookings@ota.example")
    assert kind_and_reason(raw)[:2] == ("not_an_order", "newsletter")


def test_a_bounce_is_not_an_order():
    raw = mail(ORDER, sender="MAILER-DAEMON@mx.example", subject="Undelivered Mail Returned to Sender")
    assert kind_and_reason(raw)[:2] == ("not_an_order", "bounce")


def test_a_reply_to_our_confirmation_is_not_an_order():
    raw = mail("Thanks, all fine!\n\n> " + ORDER, headers={"In-Reply-To": "<conf-1@bohemiaboats.example>"},
               sender="desk@londondesk.example")
    assert kind_and_reason(raw) == ("not_an_order", "reply_to_us", [])


def test_a_reply_to_our_confirmation_that_cancels_is_a_cancellation():
    raw = mail("Sorry, please cancel our booking LD-100.\n\n> Booking confirmed",
               headers={"In-Reply-To": "<conf-1@bohemiaboats.example>"}, sender="desk@londondesk.example")
    result = interpret_message(raw, catalogue=CATALOGUE)
    assert (result.kind, result.cancellation.external_reference) == ("cancellation", "LD-100")


def test_mail_from_our_own_domain_is_not_an_order():
    assert kind_and_reason(mail(ORDER, sender="orders@bohemiaboats.example"))[0] == "not_an_order"


def test_a_mail_with_no_order_in_it_is_not_an_order():
    assert kind_and_reason(mail("Hello, what is your address? Thanks", sender="desk@londondesk.example"))[0] == \
        "not_an_order"


def test_a_firm_order_with_a_side_question_is_an_order():
    raw = mail(ORDER + " Also, is there still availability for a pram?", sender="desk@londondesk.example")
    assert kind_and_reason(raw)[0] == "order"


def test_a_cancellation_policy_mention_does_not_cancel():
    raw = mail(ORDER + "\nWe read your cancellation policy.", sender="desk@londondesk.example")
    assert kind_and_reason(raw)[0] == "order"


def test_an_availability_question_in_romanian():
    raw = mail("Bună ziua,\nmai aveți locuri libere la croaziera cu jazz și cină pe 26 martie pentru 10 persoane?\n"
               "Mulțumim", sender="rezervari@carpathia.example")
    result = interpret_message(raw, catalogue=CATALOGUE)
    assert result.kind == "availability_inquiry"
    assert (result.inquiry.product, result.inquiry.date, result.inquiry.quantity) == ("jazz-dinner", "2027-03-26", 10)
    assert result.inquiry.language == "ro"


def test_a_date_change_in_ukrainian_moves_the_start():
    raw = mail("Добрий день!\nПросимо перенести замовлення DT-301 з 20 березня на 21 березня, час той самий 09:30.",
               sender="info@dniprotours.example", subject="Зміна DT-301")
    result = interpret_message(raw, catalogue=CATALOGUE)
    assert result.kind == "modification"
    assert result.modification.start == "2027-03-21T09:30:00+01:00"
    assert result.modification.participants is None


def test_a_time_change_keeps_the_date_and_takes_the_new_time():
    raw = mail("Dobrý den,\nprosím o změnu rezervace UM-4410 na 13. 3.: místo 19:00 by chtěli až ve 20:30.\nDěkuji",
               subject="Změna rezervace")
    result = interpret_message(raw, catalogue=CATALOGUE)
    assert (result.kind, result.modification.start) == ("modification", "2027-03-13T20:30:00+01:00")


def test_an_amendment_of_travelers_changes_only_the_participants():
    raw = mail("Amended Booking\nWhat has changed: Travelers 2 Adults -> 3 Adults, 1 Child\n\n"
               "Booking Reference: OTA-9\nTravel Date: Fri, Mar 19, 2027\nTravelers: 3 Adults, 1 Child",
               sender="bookings@ota.example", subject="Amended Booking (OTA-9)")
    result = interpret_message(raw, catalogue=CATALOGUE)
    assert (result.modification.start, result.modification.participants) == (None, {"ADULT": 3, "CHILD": 1})


def test_a_booking_notification_that_mentions_cancelling_is_still_a_booking():
    raw = mail("New booking\nGreat news: your activity has been booked.\nBooking reference: OTA-1\n"
               "Date: Monday, March 22, 2027 1:30 PM\nActivity: Castle (option ID 990011)\nParticipants: 2 x Grown-up\n"
               "Lead traveler: Sofia Russo\n\nThe customer can cancel up to 24 hours before the start.",
               sender="bookings@ota.example", subject="New booking OTA-1")
    assert interpret_message(raw, catalogue=CATALOGUE).kind == "order"


def test_an_availability_question_without_a_question_mark():
    raw = mail("Guten Tag,\nbitte teilen Sie uns mit, ob am 24. März noch Plätze frei sind für die Jazz-Dinnerfahrt, "
               "8 Personen.\nDanke", sender="buchung@mayer.example")
    assert interpret_message(raw, catalogue=CATALOGUE).kind == "availability_inquiry"


def test_an_ota_notice_is_classified_by_its_heading_not_by_its_repeated_booking_block():
    from channels.email.parsing.ota import ota_notice_kind

    ota = CATALOGUE.partner("ota")
    block = "\nBooking reference: X-1\nPrevious date: Mon\nFree cancellation up to 24 hours before\n"
    assert ota_notice_kind(ota, "New booking X-1", "Great news" + block) == "order"
    assert ota_notice_kind(ota, "X-1", "Cancelled Booking" + block) == "cancellation"
    assert ota_notice_kind(ota, "Booking changed: X-1", block) == "modification"
    assert ota_notice_kind(CATALOGUE.partner("london-desk"), "New booking", block) is None  # not an OTA
