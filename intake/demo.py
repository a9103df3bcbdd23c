"""Demo users: an administrator and a dispatcher, with fixed demo passwords."""

from django.contrib.auth import get_user_model

DEMO_USERS = (("admin", "admin-demo-password", True), ("dispatcher", "dispatcher-demo-password", False))


def seed(stdout) -> None:
    User = get_user_model()
    for username, password, is_superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        if created:
            user.set_password(password)
            user.is_superuser = is_superuser
            user.save()
        stdout.write(f"  login {username} / {password}")
