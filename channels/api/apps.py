from django.apps import AppConfig


class PartnerApiConfig(AppConfig):
    name = "channels.api"
    label = "channel_api"
    verbose_name = "Partner REST API"
