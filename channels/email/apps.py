from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "channels.email"
    label = "channel_email"
    verbose_name = "E-mail channel"

    def ready(self) -> None:
        from channels.email.examples import on_orders_confirmed
        from intake import events

        events.subscribe_batch(events.ORDER_CONFIRMED, on_orders_confirmed)
