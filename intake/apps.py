from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Orders and dispatch"

    def ready(self):
        from intake import events
        from intake.dispatch.services import outbox_event_committed

        # Every committed outbox event becomes delivery rows for the matching connectors.
        events.subscribe("*", outbox_event_committed)
