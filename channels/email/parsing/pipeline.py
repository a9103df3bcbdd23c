"""The parser's pipeline: decode, classify, extract, check against the catalogue."""

from __future__ import annotations

import email
from email import policy
from email.utils import parseaddr

from ..interpretation import Interpretation
from .catalogue_index import CatalogueIndex


def interpret_message(raw: bytes, *, catalogue: CatalogueIndex, known_message_ids=None) -> Interpretation:
    message = email.message_from_bytes(raw, policy=policy.default)
    message_id = (message.get("Message-ID") or "").strip() or None
    if known_message_ids and message_id and known_message_ids(message_id):
        return Interpretation(kind="duplicate", message_id=message_id)
    address = parseaddr(str(message.get("From", "")))[1].lower()
    partner = catalogue.partner_by_address(address)
    return Interpretation(
        kind="not_an_order",
        partner=partner.code if partner else None,
        message_id=message_id,
        not_an_order_reason="not_understood",
    )
