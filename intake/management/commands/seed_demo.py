from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Demo users and credentials. Each room may add its own in <app>/demo.py: seed(stdout)."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not (config.name in ("intake", "availability") or config.name.startswith("channels.")):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(self.stdout)
