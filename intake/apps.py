from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Orders and dispatch"

    def ready(self):
        from intake import events
        from intake.dispatch.services import outbox_events_fan_out

        # The outbox relay turns every committed event into delivery rows for the matching connectors.
        events.subscribe_batch("*", outbox_events_fan_out)
