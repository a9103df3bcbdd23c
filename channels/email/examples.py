"""A dispatcher's correction of an e-mail order, kept as a labelled example (the mail + the right draft).

When a needs_review e-mail order is resubmitted, intake publishes
order.confirmed and audits "order.resubmitted" with the corrected draft; we
keep (raw source, what the machine read, what the dispatcher booked).
"""

from channels.email.models import LabelledExample
from intake.models import AuditEvent, OutboxEvent

CHANNEL = "email"


def labelled_example_record(*, event_id: int) -> LabelledExample | None:
    event = OutboxEvent.objects.select_related("order").filter(pk=event_id).first()
    order = event.order if event else None
    if order is None or order.channel != CHANNEL or order.raw_source_id is None:
        return None
    corrected = AuditEvent.objects.filter(order=order, action="order.resubmitted").order_by("-id").first()
    if corrected is None:
        return None  # booked as the machine read it: nothing to learn
    first_item = order.review_items.order_by("created_at", "id").first()
    example, _ = LabelledExample.objects.get_or_create(
        order=order,
        defaults=dict(
            raw_source_id=order.raw_source_id,
            machine_draft=first_item.draft if first_item else {},
            corrected_draft=corrected.data.get("draft") or order.draft,
            corrected_by=corrected.actor.removeprefix("user:"),
        ),
    )
    return example


def on_orders_confirmed(event_ids: list[int]) -> None:
    """Outbox batch subscriber: only enqueue (see intake/events.py), and only for corrected e-mail orders."""
    from django_q.tasks import async_task

    corrected = (OutboxEvent.objects.filter(
        pk__in=event_ids, order__channel=CHANNEL, order__audit_events__action="order.resubmitted")
        .values_list("pk", flat=True).distinct().order_by("pk"))
    for event_id in corrected:
        async_task("channels.email.tasks.email_labelled_example_task", event_id)
