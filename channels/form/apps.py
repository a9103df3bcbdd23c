from django.apps import AppConfig


class BookingFormConfig(AppConfig):
    name = "channels.form"
    label = "channel_form"
    verbose_name = "Embeddable booking form"
