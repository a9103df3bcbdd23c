import os

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

from config.lean_handler import LeanWSGIHandler, PathRoutedApplication  # noqa: E402  (needs settings)

# OCTO (API keys, no sessions) through a short middleware list; the admin, the form and the API through the full one.
application = PathRoutedApplication(full=WSGIHandler(), lean=LeanWSGIHandler(), prefixes=settings.LEAN_PATH_PREFIXES)
