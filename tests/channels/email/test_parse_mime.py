"""Reading mail: charsets declared and mislabelled, HTML, format=flowed, quotes, forwards, signatures."""

from channels.email.parsing.charsets import decode_bytes
from channels.email.parsing.html_text import html_to_text
from channels.email.parsing.language import detect_language
from channels.email.parsing.mime import parse_message, read_mail
from channels.email.parsing.quoting import split_text, strip_signature

CZECH = "Žluťoučký kůň úpěl ďábelské ódy, prosím o rezervaci."


def test_a_declared_charset_that_fits_is_used_as_is():
    assert decode_bytes(CZECH.encode("iso-8859-2"), "iso-8859-2") == (CZECH, [])


def test_windows_1250_bytes_labelled_latin1_are_repaired_by_the_partners_language():
    text, warnings = decode_bytes(CZECH.encode("cp1250"), "iso-8859-1", language="cs")
    assert text == CZECH
    assert warnings  # the repair is reported, not hidden


def test_gbk_characters_under_a_gb2312_label_are_read_as_gbk():
    text = "客人姓名：李喆，镕"
    assert decode_bytes(text.encode("gbk"), "gb2312")[0] == text


def test_an_unknown_label_falls_back_to_detection():
    assert decode_bytes("Grüße aus München".encode("utf-8"), "x-unknown-charset")[0] == "Grüße aus München"


def test_a_mislabelled_subject_is_repaired_like_its_body():
    body = "Dobrý večer, plavba s obědem pro 2 osoby, čtvrtek.".encode("cp1250")
    raw = (b"From: a@b.example\r\nSubject: =?iso-8859-1?Q?Objedn=E1vka_-_ob=ECd_=9Atvrtek?=\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body.replace(b"\xe8", b"\x9a"))
    mail = read_mail(parse_message(raw), language="cs")
    assert mail.subject == "Objednávka - oběd štvrtek"


def test_html_tables_become_label_value_lines():
    html = ("<html><head><style>p{}</style></head><body><p>Dear&nbsp;team,</p><table>"
            "<tr><td><b>Date</b></td><td>12&nbsp;May</td></tr><tr><td>Guests</td><td>2 adults<br>1 child</td></tr>"
            "</table><script>x()</script></body></html>")
    assert html_to_text(html).split("\n") == ["Dear team,", "Date: 12 May", "Guests: 2 adults", "        1 child"]


def test_format_flowed_lines_are_joined():
    raw = (b"From: a@b.example\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
           b"book the cruise for 2 \r\nadults please\r\n")
    assert "book the cruise for 2 adults please" in read_mail(parse_message(raw)).text


def test_an_attached_message_is_kept_with_its_sender():
    inner = b"From: Guest One <guest@mail.example>\r\nSubject: hi\r\n\r\nBook 2 adults please.\r\n"
    raw = (b"From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
           b"--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--XX\r\nContent-Type: message/rfc822\r\n\r\n"
           + inner + b"--XX--\r\n")
    mail = read_mail(parse_message(raw))
    assert mail.text.strip() == "see attached"
    assert [(m.from_name, m.from_address) for m in mail.attached_messages] == [("Guest One", "guest@mail.example")]


def test_an_outlook_forward_is_split_into_the_note_and_the_forwarded_mail():
    text = ("Bitte buchen, danke.\n\nGruß\nAnna\n\n-----Ursprüngliche Nachricht-----\n"
            "Von: Max Gast <max@gast.example>\nGesendet: Montag, 8. März 2027 10:00\nAn: info@agentur.example\n"
            "Betreff: Schiff\n\nIch möchte 2 Plätze am 12. März.\n")
    split = split_text(text)
    assert split.written == "Bitte buchen, danke."
    assert split.quoted[0].sender == ("Max Gast", "max@gast.example")
    assert "2 Plätze am 12. März" in split.quoted[0].body


def test_a_bottom_posted_reply_keeps_only_the_new_text():
    text = "On Mon, 8 Mar 2027 at 10:00, Ops <ops@op.example> wrote:\n> Booking confirmed for 2.\n\nThanks a lot!"
    split = split_text(text)
    assert split.written.strip() == "Thanks a lot!"
    assert split.quoted[0].quoted_with_marks


def test_a_signature_is_cut_at_the_closing_line():
    body, signature = strip_signature("Hello,\nplease book it.\nSee below.\n\nKind regards\nJane\n+44 20 7946 0000")
    assert "+44" not in body and "+44" in signature


def test_a_chinese_closing_keeps_the_line_it_ends():
    body, signature = strip_signature("您好！\n请预订。\n另外请问集合地点在哪里？谢谢！\n\n王伟\n电话 010-1234 5678")
    assert body.endswith("谢谢！") and "010" in signature


def test_the_language_is_the_senders():
    assert detect_language("Dobrý den, prosím o rezervaci pro dvě osoby.") == "cs"
    assert detect_language("Guten Tag, wir möchten für zwei Personen buchen.") == "de"
    assert detect_language("Bună ziua, vă rugăm să rezervați pentru două persoane.") == "ro"
    assert detect_language("Добрий день, просимо забронювати для двох осіб.") == "uk"
    assert detect_language("您好，请帮我们预订两个人。") == "zh"
    assert detect_language("Hello, please book it for the two of us.") == "en"


def test_a_text_without_evidence_takes_the_partners_language():
    assert detect_language("12:00 / 2x / 603 218 447", fallback="cs") == "cs"


def test_an_early_thanks_is_not_a_signature_when_the_order_follows():
    body, _ = strip_signature("Hello,\nThanks!\nPlease book the castle tour for 2 adults on 3. 4.\n\nBest regards\nJo")
    assert "2 adults" in body


def test_an_empty_plain_part_gives_way_to_the_html_part():
    raw = (b"From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n"
           b"--B\r\nContent-Type: text/plain\r\n\r\n \r\n--B\r\nContent-Type: text/html\r\n\r\n"
           b"<p>Please book 2 adults on 3. 4. at 9:30</p>\r\n--B--\r\n")
    assert "Please book 2 adults" in read_mail(parse_message(raw)).text


def test_a_line_starting_with_a_closing_word_but_holding_data_is_no_closing():
    body, _ = strip_signature("Hello,\nplease book the cruise.\nBest time would be 10:30.\nGuest: Ann Lee\n\nRegards\nJo")
    assert "10:30" in body and "Ann Lee" in body
