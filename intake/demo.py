"""Demo users (an administrator and a dispatcher), the Dispatcher group, and a webhook to the reference receiver."""

import os

from django.contrib.auth import get_user_model

from intake.dispatch.desk.access import dispatcher_group_ensure
from intake.dispatch.models import Connector, WebhookSecret

DEMO_USERS = (("admin", "admin-demo-password", True), ("dispatcher", "dispatcher-demo-password", False))
# Fixed so the README can start the receiver with the same secret: never use it outside the demo.
DEMO_WEBHOOK_SECRET = "whsec_ZGVtby1kaXNwYXRjaC1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9uIQ=="
DEMO_RECEIVER_PORT = int(os.environ.get("DEMO_RECEIVER_PORT", "8001"))


def seed(stdout) -> None:
    User = get_user_model()
    group = dispatcher_group_ensure()
    for username, password, is_superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        if created:
            user.set_password(password)
            user.is_superuser = is_superuser
            user.save()
        if not is_superuser:
            user.groups.add(group)
        stdout.write(f"  login {username} / {password}")
    connector, created = Connector.objects.get_or_create(
        name="Demo dispatch system (reference receiver)", kind=Connector.Kind.WEBHOOK,
        defaults={"url": f"http://127.0.0.1:{DEMO_RECEIVER_PORT}/webhooks"})
    if created:
        WebhookSecret.objects.create(connector=connector, secret=DEMO_WEBHOOK_SECRET)
    stdout.write(f"  dispatch webhook -> {connector.url}; run the receiver with:\n"
                 f"    python manage.py dispatch_receiver --port {DEMO_RECEIVER_PORT} "
                 f"--secret {DEMO_WEBHOOK_SECRET} --out var/dispatch-inbox")
