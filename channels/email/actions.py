"""Act on what a message says, through the one door: book, cancel, amend, answer, or ignore.

`message_act()` runs inside the processing transaction (see processing.py);
it writes orders, review items and the marker rows, never the network. What
it did is returned as an ActOutcome, from which the reply is written.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from pydantic import ValidationError

from availability.selectors import availability_search
from channels.email.interpretation import ExtractedOrder, Interpretation
from channels.email.models import EmailOrder, InboundMessage
from intake import services
from intake.drafts import ContactDraft, OrderChanges, OrderDraft
from intake.errors import IdempotencyConflict, IntakeError
from intake.models import Order, OrderStatus, Partner
from intake.services.resolution import option_resolve
from intake.services.review import review_open

CHANNEL = "email"
DEPARTURE_PROBLEMS = {"no_such_departure", "over_capacity", "after_cutoff"}
ALTERNATIVES = 3
ALTERNATIVE_DAYS = 14


class LowConfidence(IntakeError):
    """The extractor is unsure of some field: a person checks before anything is booked."""

    code = "low_confidence"
    reviewable = True


@dataclass
class OrderOutcome:
    position: int
    order_id: int
    reference: str
    status: str
    problem: str | None = None
    created: bool = True
    alternatives: list[dict] = field(default_factory=list)


@dataclass
class ActOutcome:
    status: str  # what becomes of the InboundMessage (InboundMessage.Status)
    purpose: str | None = None  # the reply to write; None: no reply
    orders: list[OrderOutcome] = field(default_factory=list)
    changed_order_id: int | None = None  # the cancelled or amended order
    problem: str | None = None
    slots: list[dict] = field(default_factory=list)  # availability answer
    alternatives: list[dict] = field(default_factory=list)


def message_act(*, message: InboundMessage, interpretation: Interpretation) -> ActOutcome:
    kind = interpretation.kind
    if kind in ("order", "orders"):
        return _orders_book(message=message, interpretation=interpretation)
    if kind == "cancellation":
        return _order_cancel(message=message, interpretation=interpretation)
    if kind == "modification":
        return _order_amend(message=message, interpretation=interpretation)
    if kind == "availability_inquiry":
        return _availability_answer(message=message, interpretation=interpretation)
    return ActOutcome(status=InboundMessage.Status.IGNORED)  # not_an_order, duplicate


# --- orders -------------------------------------------------------------------

def _partner(code: str | None) -> Partner | None:
    return Partner.objects.filter(code=code).first() if code else None


def _start(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _draft(*, message: InboundMessage, interpretation: Interpretation, extracted: ExtractedOrder, position: int,
           partner: Partner | None) -> OrderDraft:
    language = extracted.language or interpretation.language or ""
    return OrderDraft(
        channel=CHANNEL,
        partner_code=interpretation.partner,
        external_reference=extracted.external_reference or None,
        product_code=extracted.product,
        option_code=extracted.option,
        start=_start(extracted.start),
        participants={k: v for k, v in extracted.participants.items() if v > 0},
        contact=ContactDraft(
            name=extracted.contact_name or "",
            email=extracted.contact_email or "",
            phone=extracted.contact_phone or "",
            country=partner.country if partner else "",
            language=language,
        ),
        language=language,
        raw_source_id=message.raw_source_id,
        channel_data={"message_id": message.message_id, "position": position},
    )


def _unsure(extracted: ExtractedOrder) -> LowConfidence | None:
    floor = getattr(settings, "EMAIL_MIN_CONFIDENCE", 0.8)
    if extracted.problems or extracted.confidence < floor:
        unsure = ", ".join(extracted.problems) or f"confidence {extracted.confidence:.2f}"
        return LowConfidence(f"the mail is not clear enough to book automatically ({unsure})", fields=unsure)
    if _start(extracted.start) is None and extracted.start:
        return LowConfidence(f"unreadable start {extracted.start!r}", fields="start")
    return None


def _orders_book(*, message: InboundMessage, interpretation: Interpretation) -> ActOutcome:
    partner = _partner(interpretation.partner)
    outcomes: list[OrderOutcome] = []
    done = {link.position: link.order for link in message.orders.select_related("order")}
    for position, extracted in enumerate(interpretation.orders):
        if position in done:  # processed before: never a second order
            order = done[position]
            outcomes.append(OrderOutcome(position, order.pk, order.reference, order.status, created=False))
            continue
        try:
            draft = _draft(message=message, interpretation=interpretation, extracted=extracted, position=position,
                           partner=partner)
        except ValidationError as exc:
            draft = OrderDraft(channel=CHANNEL, partner_code=interpretation.partner, raw_source_id=message.raw_source_id)
            extracted = extracted.model_copy(update={"problems": [*extracted.problems, f"invalid: {exc.errors()[0]['msg']}"]})
        try:
            result = services.submit(draft=draft, review_on_problem=True, review_reason=_unsure(extracted))
        except IdempotencyConflict as exc:
            review_open(reason=exc.code, message=exc.message, channel=CHANNEL, partner=partner,
                        raw_source=message.raw_source, draft=draft.model_dump(mode="json"),
                        details={k: v for k, v in exc.details.items() if isinstance(v, str)})
            continue
        order = result.order
        EmailOrder.objects.create(message=message, position=position, order=order)
        problem = result.problem.code if result.problem else None
        outcome = OrderOutcome(position, order.pk, order.reference, order.status, problem, result.created)
        if problem in DEPARTURE_PROBLEMS:
            outcome.alternatives = next_departures(
                product_code=draft.product_code, option_code=draft.option_code, start=draft.start,
                seats=sum(draft.participants.values()))
        outcomes.append(outcome)
    if partner is None:  # unknown sender: a dispatcher decides, and nobody is answered automatically
        return ActOutcome(status=InboundMessage.Status.REVIEW, orders=outcomes, problem="unknown_partner")
    if not outcomes:
        return ActOutcome(status=InboundMessage.Status.REVIEW, problem="no_order_made")
    problems = [o.problem for o in outcomes if o.problem]
    if not problems:
        purpose = "confirmation"
    elif any(p in DEPARTURE_PROBLEMS for p in problems):
        purpose = "refusal"
    else:
        purpose = "received"
    status = InboundMessage.Status.REVIEW if problems else InboundMessage.Status.PROCESSED
    return ActOutcome(status=status, purpose=purpose, orders=outcomes)


def next_departures(*, product_code: str | None, option_code: str | None, start: datetime | None, seats: int,
                    limit: int = ALTERNATIVES, days: int = ALTERNATIVE_DAYS) -> list[dict]:
    """The next departures of that option (from the asked day on) with room for the whole party."""
    if not product_code:
        return []
    try:
        option = option_resolve(product_code=product_code, option_code=option_code)
    except IntakeError:
        return []
    today = timezone.localdate()
    first = max(start.date() if start else today, today)
    found = []
    for slot in availability_search(option_id=option.pk, date_from=first, date_to=first + timedelta(days=days),
                                    quantity=max(seats, 1)):
        if slot.available and (start is None or slot.starts_at != start):
            found.append(_slot_view(slot, product_code, option.code))
            if len(found) >= limit:
                break
    return found


def _slot_view(slot, product_code: str, option_code: str) -> dict:
    return {"product": product_code, "option": option_code, "start": slot.starts_at.isoformat(),
            "vacancies": slot.vacancies, "status": slot.status}


# --- cancellations and modifications --------------------------------------------

def order_find(*, partner: Partner, reference: str | None, product: str | None = None, start: str | None = None,
               contact_name: str | None = None) -> Order | None:
    """The partner's order by its reference (this channel first, then any), by ours, or by what it was."""
    orders = Order.objects.filter(partner=partner)
    if reference:
        found = (orders.filter(channel=CHANNEL, external_reference=reference).first()
                 or orders.filter(external_reference=reference).order_by("-created_at").first()
                 or orders.filter(Q(reference=reference) | Q(reference=reference.replace("-", ""))).first())
        if found:
            return found
    begin = _start(start)
    if product and begin:
        live = orders.filter(product__code=product, starts_at=begin,
                             status__in=[OrderStatus.CONFIRMED, OrderStatus.HELD, OrderStatus.NEEDS_REVIEW])
        if contact_name:
            live = live.filter(contact_name__iexact=contact_name)
        candidates = list(live[:2])
        if len(candidates) == 1:
            return candidates[0]
    return None


def _change_review(*, message: InboundMessage, partner, reason: str, text: str, order=None, details=None) -> ActOutcome:
    review_open(reason=reason, message=text, channel=CHANNEL, partner=partner, raw_source=message.raw_source,
                order=order, details=details or {})
    return ActOutcome(status=InboundMessage.Status.REVIEW, purpose="received" if partner else None, problem=reason,
                      changed_order_id=order.pk if order else None)


def _order_cancel(*, message: InboundMessage, interpretation: Interpretation) -> ActOutcome:
    partner = _partner(interpretation.partner)
    wanted = interpretation.cancellation
    if partner is None:
        return _change_review(message=message, partner=None, reason="unknown_partner",
                              text="cancellation from an unknown sender")
    order = order_find(partner=partner, reference=wanted.external_reference if wanted else None,
                       product=wanted.product if wanted else None, start=wanted.start if wanted else None,
                       contact_name=wanted.contact_name if wanted else None)
    if order is None:
        return _change_review(message=message, partner=partner, reason="order_not_found",
                              text=f"no order {wanted.external_reference if wanted else ''!s} of {partner.code} to cancel",
                              details={"external_reference": wanted.external_reference if wanted else None})
    try:
        services.cancel(order_id=order.pk, actor=f"channel:{CHANNEL}/{partner.code}", reason="cancelled by e-mail")
    except IntakeError as exc:
        return _change_review(message=message, partner=partner, reason=exc.code, text=exc.message, order=order)
    return ActOutcome(status=InboundMessage.Status.PROCESSED, purpose="cancellation", changed_order_id=order.pk)


def _order_amend(*, message: InboundMessage, interpretation: Interpretation) -> ActOutcome:
    partner = _partner(interpretation.partner)
    wanted = interpretation.modification
    if partner is None:
        return _change_review(message=message, partner=None, reason="unknown_partner",
                              text="modification from an unknown sender")
    order = order_find(partner=partner, reference=wanted.external_reference if wanted else None)
    if order is None or wanted is None:
        return _change_review(message=message, partner=partner, reason="order_not_found",
                              text="no order to amend",
                              details={"external_reference": wanted.external_reference if wanted else None})
    start = _start(wanted.start)
    if wanted.start and start is None or (start is None and wanted.participants is None):
        return _change_review(message=message, partner=partner, reason="low_confidence",
                              text="the requested change is not clear", order=order)
    changes = OrderChanges(start=start, participants=wanted.participants)
    try:
        services.amend(order_id=order.pk, changes=changes, actor=f"channel:{CHANNEL}/{partner.code}")
    except IntakeError as exc:
        outcome = _change_review(message=message, partner=partner, reason=exc.code, text=exc.message, order=order,
                                 details={"changes": changes.model_dump(mode="json", exclude_none=True)})
        if exc.code in DEPARTURE_PROBLEMS:
            outcome.purpose = "refusal"
            seats = sum((wanted.participants or {}).values()) or sum(l.quantity for l in order.lines.all())
            outcome.alternatives = next_departures(product_code=order.product.code, option_code=order.option.code,
                                                   start=start or order.starts_at, seats=seats)
        return outcome
    return ActOutcome(status=InboundMessage.Status.PROCESSED, purpose="amendment", changed_order_id=order.pk)


# --- availability questions -----------------------------------------------------

def _availability_answer(*, message: InboundMessage, interpretation: Interpretation) -> ActOutcome:
    partner = _partner(interpretation.partner)
    inquiry = interpretation.inquiry
    if partner is None:
        return _change_review(message=message, partner=None, reason="unknown_partner",
                              text="availability question from an unknown sender")
    if inquiry is None or not inquiry.product or not inquiry.date:
        return _change_review(message=message, partner=partner, reason="low_confidence",
                              text="the availability question is not clear")
    try:
        option = option_resolve(product_code=inquiry.product, option_code=inquiry.option)
        day = date.fromisoformat(inquiry.date)
    except (IntakeError, ValueError) as exc:
        return _change_review(message=message, partner=partner, reason=getattr(exc, "code", "low_confidence"),
                              text=str(exc))
    quantity = inquiry.quantity or sum((inquiry.participants or {}).values()) or 1
    slots = [s for s in availability_search(option_id=option.pk, date_from=day, date_to=day)
             if not inquiry.times or s.starts_at.strftime("%H:%M") in inquiry.times]
    views = [_slot_view(s, inquiry.product, option.code) for s in slots]
    fits = [v for v in views if v["status"] in ("AVAILABLE", "LIMITED", "FREESALE")
            and (v["vacancies"] is None or v["vacancies"] >= quantity)]
    alternatives = []
    if not fits:
        start = datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())
        alternatives = next_departures(product_code=inquiry.product, option_code=option.code, start=start,
                                       seats=quantity)
    return ActOutcome(status=InboundMessage.Status.PROCESSED, purpose="availability", slots=views,
                      alternatives=alternatives)
