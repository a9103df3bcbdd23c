from django.apps import AppConfig


class OctoConfig(AppConfig):
    name = "channels.octo"
    label = "channel_octo"
    verbose_name = "OCTO channel"

    def ready(self) -> None:
        # Reseller webhooks (octo/webhooks) carry OCTO JSON: register the payload builder for kind "octo".
        from channels.octo.webhooks import PAYLOAD_KIND, octo_webhook_payload
        from intake.dispatch import payloads

        payloads.register(PAYLOAD_KIND, octo_webhook_payload)
