"""django-q2 tasks of the e-mail channel: one-line wrappers taking ids."""

from intake.periodic import register


def email_process_task(raw_source_id: int) -> None:
    from channels.email.processing import raw_source_process

    raw_source_process(raw_source_id=raw_source_id)


def email_reply_send_task(reply_id: int) -> None:
    from channels.email.replies import reply_send

    reply_send(reply_id=reply_id)


def email_labelled_example_task(event_id: int) -> None:
    from channels.email.examples import labelled_example_record

    labelled_example_record(event_id=event_id)


def email_sweep_task() -> None:
    from channels.email.sweep import email_sweep

    email_sweep()


register(name="email-sweep", func="channels.email.tasks.email_sweep_task", minutes=5)
