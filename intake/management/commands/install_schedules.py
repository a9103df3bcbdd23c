from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django_q.models import Schedule

from intake.periodic import registered


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules every room registered in its tasks module."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise
        for task in registered():
            Schedule.objects.update_or_create(
                name=task.name,
                defaults={"func": task.func, "schedule_type": Schedule.MINUTES, "minutes": task.minutes, "repeats": -1},
            )
            self.stdout.write(f"schedule {task.name}: {task.func} every {task.minutes} min")
