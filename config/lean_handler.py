"""A WSGI handler with its own, shorter middleware list, for machine-to-machine routes.

OCTO resellers authenticate every request with an API key and never carry a
session, a CSRF token or a flash message; running the session, CSRF, auth and
messages middleware for them cost about 0.3 ms of the ~3 ms an availability
check takes. Requests under LEAN_PATH_PREFIXES go through LEAN_MIDDLEWARE
(the security middleware still runs: HTTPS redirect, HSTS, nosniff); every
other request goes through MIDDLEWARE as usual.
"""

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string


class LeanWSGIHandler(WSGIHandler):
    """Django's WSGI handler, built from settings.LEAN_MIDDLEWARE instead of settings.MIDDLEWARE."""

    def load_middleware(self, is_async=False):
        # The same chain BaseHandler.load_middleware builds, for a WSGI (synchronous) server only.
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(settings.LEAN_MIDDLEWARE):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class PathRoutedApplication:
    """Send a request to `lean` when its path is under one of `prefixes`, else to `full`."""

    def __init__(self, *, full, lean, prefixes: tuple[str, ...]):
        self.full, self.lean = full, lean
        self.prefixes = tuple(p.rstrip("/") for p in prefixes)
        self.starts = tuple(p + "/" for p in self.prefixes)

    def is_lean(self, path: str) -> bool:
        return path in self.prefixes or path.startswith(self.starts)

    def __call__(self, environ, start_response):
        app = self.lean if self.is_lean(environ.get("PATH_INFO", "")) else self.full
        return app(environ, start_response)
