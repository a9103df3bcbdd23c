from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "channels.email"
    label = "channel_email"
    verbose_name = "E-mail channel"
