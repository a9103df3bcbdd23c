"""OTA notification layouts (GetYourGuide, Viator and alike): what kind of notice a mail is.

An OTA's notices all repeat the full booking block, so words in the block
("cancel up to 24 hours before", "Previous Travel Date") say nothing about
the kind; the subject and the heading do: "New booking" / "New Booking for …",
"Booking canceled: …" / "Cancelled Booking", "Amended Booking" / "Booking
changed" / "Booking updated". The fields themselves are read by the generic
label extractor (labels.py) with the partner's product mapping (option ids,
product code + tour grade) and unit mapping (age bands), so a new OTA needs
catalogue data, not code.
"""

from __future__ import annotations

import re

from .catalogue_index import PartnerInfo

_HEADINGS = [
    ("cancellation", re.compile(r"\b(?:booking (?:has been )?cancell?ed|cancell?ed booking|(?:booking )?cancell?ation notice|"
                                r"buchung storniert|stornierung)\b", re.IGNORECASE)),
    ("modification", re.compile(r"\b(?:amended booking|booking (?:has been )?(?:amended|changed|updated|modified|"
                                r"rescheduled)|booking (?:change|amendment)|buchung geändert|änderung)\b",
                                re.IGNORECASE)),
    ("order", re.compile(r"\b(?:new booking|booking confirmed|new reservation|neue buchung|has been booked)\b",
                         re.IGNORECASE)),
]


def is_ota(partner: PartnerInfo | None) -> bool:
    return partner is not None and partner.kind == "ota"


def ota_notice_kind(partner: PartnerInfo | None, subject: str, text: str) -> str | None:
    """"order", "cancellation" or "modification" for an OTA's notice; None when not an OTA or unclear."""
    if not is_ota(partner):
        return None
    lines = [line for line in text.split("\n") if line.strip()]
    for heading in (subject, "\n".join(lines[:3])):  # the subject first, then the notice's heading
        for kind, pattern in _HEADINGS:
            if pattern.search(heading):
                return kind
    return None
