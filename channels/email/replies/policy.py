"""When we must not answer: machines, lists, bounces, ourselves, and senders we answered too often.

Answering an auto-reply with an auto-reply makes a mail loop; answering a
bounce or a newsletter makes noise. These rules read the headers only, so
they hold whatever the interpretation says.
"""

from email import policy as email_policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr

from django.conf import settings

from intake.models import OperatorProfile

MACHINE_LOCALPARTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply", "bounce")


def _headers(raw: bytes):
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    return BytesHeaderParser(policy=email_policy.compat32).parsebytes(head + b"\r\n\r\n")


def own_domains() -> set[str]:
    domains = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower()}
    profile = OperatorProfile.objects.first()
    if profile:
        domains.update(d.lower() for d in profile.own_domains or [])
        if profile.order_mailbox:
            domains.add(profile.order_mailbox.rpartition("@")[2].lower())
    domains.update(d.lower() for d in getattr(settings, "EMAIL_OWN_DOMAINS", []))
    return {d for d in domains if d}


def reply_address(raw: bytes) -> str:
    headers = _headers(raw)
    for name in ("Reply-To", "From"):
        found = [addr for _, addr in getaddresses([str(v) for v in headers.get_all(name) or []]) if "@" in addr]
        if found:
            return found[0].lower()
    return ""


def reply_blocker(raw: bytes, *, to_address: str, not_an_order_reason: str | None = None) -> str | None:
    """Why this message must get no reply, or None when a reply is fine."""
    headers = _headers(raw)
    if not_an_order_reason:
        return not_an_order_reason
    auto = str(headers.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return "auto_submitted"
    if any(headers.get(name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")):
        return "auto_reply"
    if str(headers.get("Precedence", "")).strip().lower() in ("bulk", "list", "junk", "auto_reply"):
        return "bulk"
    if headers.get("List-Unsubscribe") or headers.get("List-Id"):
        return "mailing_list"
    if "multipart/report" in str(headers.get("Content-Type", "")).lower():
        return "bounce"
    if str(headers.get("Return-Path", "")).strip() == "<>":
        return "bounce"
    if not to_address or "@" not in to_address:
        return "no_address"
    local, _, domain = to_address.lower().rpartition("@")
    if domain in own_domains():
        return "own_domain"
    if any(local.startswith(machine) for machine in MACHINE_LOCALPARTS):
        return "machine_address"
    return None
