from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "channels.email"
    label = "channel_email"
    verbose_name = "E-mail channel"

    def ready(self) -> None:
        from channels.email.examples import on_order_confirmed
        from intake import events

        events.subscribe(events.ORDER_CONFIRMED, on_order_confirmed)
