"""django-q2 tasks of intake: one-line wrappers taking ids. Periodic ones are registered here."""

from intake.periodic import register


def deliveries_send_task(event_id: int):  # enqueued before deliveries_send_many_task existed; kept for those
    from intake.dispatch.services import deliveries_send

    return deliveries_send(event_id=event_id)


def deliveries_send_many_task(event_ids: list[int]):
    from intake.dispatch.services import deliveries_send_many

    return deliveries_send_many(event_ids=event_ids)


def delivery_send_task(delivery_id: int):
    from intake.dispatch.sending import delivery_send

    return delivery_send(delivery_id=delivery_id)


def file_drop_flush_task(connector_id: int):
    from intake.dispatch.sending import file_drop_flush

    return file_drop_flush(connector_id=connector_id)


def deliveries_sweep_task():
    from intake.dispatch.services import deliveries_sweep

    return deliveries_sweep()


def orders_expire_holds_task() -> int:
    from intake.services import orders_expire_holds

    return orders_expire_holds()


register(name="intake.orders_expire_holds", func="intake.tasks.orders_expire_holds_task", minutes=1)
register(name="intake.deliveries_sweep", func="intake.tasks.deliveries_sweep_task", minutes=1)
# availability's own periodic tasks (availability may not import intake).
register(name="availability.schedules_generate_all", func="availability.tasks.schedules_generate_all_task",
         minutes=24 * 60)
register(name="availability.departure_holds_expire", func="availability.tasks.departure_holds_expire_task", minutes=1)
