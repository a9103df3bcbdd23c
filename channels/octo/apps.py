from django.apps import AppConfig


class OctoConfig(AppConfig):
    name = "channels.octo"
    label = "channel_octo"
    verbose_name = "OCTO channel"
