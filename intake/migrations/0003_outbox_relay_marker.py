"""Outbox events get a per-event relay marker; the fan-out's high-water mark (FanoutMark) goes.

Events that existed before were handed to their subscribers at commit by the
code this replaces. Those older than five minutes, or behind the old sweep's
mark, are marked relayed; the last few minutes' events are left to the relay,
which is safe because subscribers are idempotent.
"""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone


def mark_existing_events_relayed(apps, schema_editor):
    OutboxEvent = apps.get_model("intake", "OutboxEvent")
    FanoutMark = apps.get_model("intake", "FanoutMark")
    mark = FanoutMark.objects.order_by("pk").values_list("last_event_id", flat=True).first() or 0
    settled = Q(created_at__lt=timezone.now() - timedelta(minutes=5)) | Q(pk__lte=mark)
    OutboxEvent.objects.filter(settled, relayed_at__isnull=True).update(relayed_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0002_dispatch_connectors_deliveries"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxevent",
            name="relayed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboxevent",
            name="relay_failures",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="outboxevent",
            name="relay_retry_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboxevent",
            name="relay_error",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(mark_existing_events_relayed, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="outboxevent",
            index=models.Index(condition=models.Q(("relayed_at__isnull", True)), fields=["id"], name="outbox_unrelayed"),
        ),
        migrations.DeleteModel(
            name="FanoutMark",
        ),
    ]
