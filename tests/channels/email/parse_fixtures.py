"""A catalogue and mail builder for the parser's tests: another operator, other products, other partners."""

from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta

from channels.email.parsing import catalogue_index_from_data

CET = timezone(timedelta(hours=1))
ADULT_CHILD = [
    {"code": "ADULT", "name": {"en": "Adult"}, "min_age": 13, "max_age": None, "price": 1000},
    {"code": "CHILD", "name": {"en": "Child"}, "min_age": 0, "max_age": 12, "price": 500},
]
CATALOGUE = {
    "schema_version": 1,
    "operator": {"name": "Bohemia Boats", "timezone": "Europe/Prague", "currency": "CZK",
                 "own_domains": ["bohemiaboats.example"], "phones": ["+420222333444"], "country": "CZ"},
    "products": [
        {"code": "jazz-dinner", "name": {"en": "Jazz dinner cruise", "cs": "Jazzová plavba s večeří",
                                         "de": "Jazz-Dinnerfahrt"},
         "options": [], "schedule": {"times": ["19:00"], "weekdays": [3, 4, 5, 6], "months": []},
         "capacity": 60, "departure_per_option": False, "ticket_categories": ADULT_CHILD},
        {"code": "castle-tour", "name": {"en": "Prague Castle guided tour", "cs": "Prohlídka Pražského hradu",
                                         "de": "Prager Burg Führung"},
         "options": [{"code": "en", "name": {"en": "in English", "cs": "v angličtině", "de": "auf Englisch"}},
                     {"code": "it", "name": {"en": "in Italian", "cs": "v italštině", "de": "auf Italienisch"}}],
         "schedule": {"times": ["09:30", "13:30"], "weekdays": [1, 2, 3, 4, 5, 6, 7], "months": []},
         "capacity": 15, "departure_per_option": True, "ticket_categories": ADULT_CHILD},
        {"code": "zoo-boat", "name": {"en": "Boat to the zoo", "cs": "Lodí do zoo", "de": "Schiff zum Zoo"},
         "options": [], "schedule": {"times": ["09:00", "11:00", "13:00", "15:00"], "weekdays": [1, 2, 3, 4, 5, 6, 7],
                                     "months": [4, 5, 6, 7, 8, 9, 10]},
         "capacity": 120, "departure_per_option": False, "ticket_categories": ADULT_CHILD},
    ],
    "partners": [
        {"code": "hotel-u-mostu", "name": "Hotel U Mostu", "kind": "hotel", "language": "cs", "country": "CZ",
         "sender_addresses": ["front@umostu.example"], "phones": ["+420257000111"]},
        {"code": "reise-mayer", "name": "Reisebüro Mayer", "kind": "agency", "language": "de", "country": "AT",
         "sender_addresses": ["buchung@mayer.example"], "phones": ["+4315550100"]},
        {"code": "carpathia", "name": "Carpathia Travel", "kind": "agency", "language": "ro", "country": "RO",
         "sender_addresses": ["rezervari@carpathia.example"], "phones": []},
        {"code": "dnipro", "name": "Dnipro Tours", "kind": "agency", "language": "uk", "country": "UA",
         "sender_addresses": ["info@dniprotours.example"], "phones": []},
        {"code": "dragon", "name": "Dragon Travel", "kind": "agency", "language": "zh", "country": "CN",
         "sender_addresses": ["orders@dragon.example"], "phones": []},
        {"code": "london-desk", "name": "London Desk", "kind": "agency", "language": "en", "country": "GB",
         "sender_addresses": ["desk@londondesk.example"], "phones": []},
        {"code": "ota", "name": "Some OTA", "kind": "ota", "language": "en", "country": "DE",
         "sender_addresses": ["bookings@ota.example"], "phones": [],
         "product_mapping": [{"external_id": "990011", "product": "castle-tour", "option": "it"},
                             {"external_id": "990012", "product": "jazz-dinner", "option": None}],
         "unit_mapping": {"Grown-up": "ADULT", "Kid": "CHILD"}},
    ],
}


def catalogue():
    return catalogue_index_from_data(CATALOGUE)


def mail(body, *, sender="front@umostu.example", subject="Order", date=datetime(2027, 3, 8, 9, 30, tzinfo=CET),
         charset="utf-8", html=False, headers=None, attachments=(), message_id="<m1@umostu.example>"):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "orders@bohemiaboats.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body, subtype="html" if html else "plain", charset=charset)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
