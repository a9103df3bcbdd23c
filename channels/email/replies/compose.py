"""Decide whether, to whom and in which language to answer, and write the reply row with its content.

Runs inside the processing transaction: the reply is committed with the
orders it talks about, and sent by a task after commit (send.py).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from availability.models import Product, Unit
from channels.email.models import InboundMessage, OutgoingReply
from channels.email.replies.policy import reply_address, reply_blocker
from intake.models import OperatorProfile, Order, Partner

LANGUAGES = ("cs", "de", "ro", "uk", "zh", "en")
DATE_FORMATS = {  # how each language writes a day and a time (Babel patterns)
    "cs": "EEEE d. MMMM y, HH:mm",
    "de": "EEEE, d. MMMM y, HH:mm",
    "ro": "EEEE, d MMMM y, HH:mm",
    "uk": "EEEE, d MMMM y, HH:mm",
    "zh": "y年M月d日 EEEE HH:mm",
    "en": "EEEE d MMMM y, HH:mm",
}


def reply_language(interpretation, partner: Partner | None) -> str:
    candidates = [interpretation.language, *(o.language for o in interpretation.orders)]
    if interpretation.inquiry:
        candidates.append(interpretation.inquiry.language)
    candidates.append(partner.language if partner else None)
    for language in candidates:
        code = (language or "").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


def _when(value, language: str, zone: str = "") -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    if zone:
        moment = moment.astimezone(ZoneInfo(zone))
    try:
        return format_datetime(moment, DATE_FORMATS.get(language, DATE_FORMATS["en"]), tzinfo=moment.tzinfo,
                               locale=language)
    except Exception:  # an unknown locale never blocks a reply
        return moment.strftime("%Y-%m-%d %H:%M")


def _product_title(code: str | None, language: str, cache: dict) -> str:
    if not code:
        return ""
    if code not in cache:
        product = Product.objects.filter(code=code).first()
        cache[code] = product.title(language) if product else code
    return cache[code]


def _order_view(order: Order, language: str, cache: dict) -> dict:
    lines = [f"{line.quantity} × {line.unit.title(language)}" for line in order.lines.select_related("unit")]
    product_code = order.product.code if order.product_id else order.draft.get("product_code")
    if not lines:  # a needs_review order has no lines yet: show what was asked
        units = {}
        for unit in Unit.objects.filter(product__code=product_code):
            units.setdefault(unit.type, unit)
            units[unit.code] = unit
        lines = [f"{n} × {units[k].title(language) if k in units else k}"
                 for k, n in (order.draft.get("participants") or {}).items()]
    option = order.option.title(language) if order.option_id and order.option.code != "DEFAULT" else ""
    start = order.starts_at or order.draft.get("start")
    zone = order.product.timezone if order.product_id else ""
    return {
        "reference": order.reference,
        "external_reference": order.external_reference or "",
        "product": _product_title(product_code, language, cache),
        "option": option,
        "start": _when(start, language, zone) if start else "",
        "participants": ", ".join(lines),
        "contact": order.contact_name,
        "status": order.status,
    }


def _slot_views(slots: list[dict], language: str, cache: dict) -> list[dict]:
    return [{"product": _product_title(s["product"], language, cache), "start": _when(s["start"], language),
             "vacancies": s["vacancies"], "status": s["status"]} for s in slots]


def reply_context(*, outcome, language: str, partner: Partner | None) -> dict:
    cache: dict = {}
    orders = []
    by_id = {o.pk: o for o in Order.objects.filter(pk__in=[o.order_id for o in outcome.orders])
             .select_related("product", "option")}
    for item in outcome.orders:
        view = _order_view(by_id[item.order_id], language, cache)
        view.update(problem=item.problem or "", repeat=not item.created,
                    alternatives=_slot_views(item.alternatives, language, cache))
        orders.append(view)
    changed = None
    if outcome.changed_order_id:
        order = Order.objects.select_related("product", "option").get(pk=outcome.changed_order_id)
        changed = _order_view(order, language, cache)
    profile = OperatorProfile.objects.first()
    return {
        "purpose": outcome.purpose,
        "problem": outcome.problem or "",
        "partner": partner.name if partner else "",
        "operator": profile.name if profile else "",
        "orders": orders,
        "changed": changed,
        "slots": _slot_views(outcome.slots, language, cache),
        "alternatives": _slot_views(outcome.alternatives, language, cache),
    }


def replies_in_last_hour(to_address: str) -> int:
    since = timezone.now() - timezone.timedelta(hours=1)
    return OutgoingReply.objects.filter(
        to_address=to_address, created_at__gte=since,
        status__in=[OutgoingReply.Status.PENDING, OutgoingReply.Status.SENDING, OutgoingReply.Status.SENT],
    ).count()


def reply_plan(*, message: InboundMessage, interpretation, outcome) -> OutgoingReply | None:
    """Write the reply row (or nothing) and enqueue its sending for after commit."""
    if outcome.purpose is None or OutgoingReply.objects.filter(message=message).exists():
        return None
    raw = bytes(message.raw_source.body)
    to_address = reply_address(raw)
    if reply_blocker(raw, to_address=to_address, not_an_order_reason=interpretation.not_an_order_reason):
        return None
    partner = Partner.objects.filter(code=interpretation.partner).first() if interpretation.partner else None
    language = reply_language(interpretation, partner)
    limit = getattr(settings, "EMAIL_REPLY_LIMIT_PER_HOUR", 10)
    status = OutgoingReply.Status.PENDING
    error = ""
    if replies_in_last_hour(to_address) >= limit:
        status, error = OutgoingReply.Status.SUPPRESSED, f"more than {limit} replies to {to_address} in an hour"
    reply = OutgoingReply.objects.create(
        message=message, purpose=outcome.purpose, to_address=to_address, language=language,
        context=reply_context(outcome=outcome, language=language, partner=partner), status=status, error=error,
    )
    if status == OutgoingReply.Status.PENDING:
        transaction.on_commit(lambda: reply_enqueue(reply.pk))
    return reply


def reply_enqueue(reply_id: int) -> None:
    from django_q.tasks import async_task

    async_task("channels.email.tasks.email_reply_send_task", reply_id)
