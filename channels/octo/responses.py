"""The HTTP frame around every OCTO endpoint: auth, body parsing, headers, and JSON for every error."""

import json
import logging
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, ValidationError

from channels.octo.context import OctoContext, context_from_request
from channels.octo.errors import OctoError

log = logging.getLogger(__name__)


def error_response(error: OctoError, request=None) -> JsonResponse:
    response = JsonResponse(error.body(), status=error.status)
    if request is not None and request.META.get("HTTP_OCTO_ENV"):
        response["Octo-Env"] = request.META["HTTP_OCTO_ENV"]
    return response


class JsonText:
    """A response body a renderer wrote as JSON text itself (see slots.SlotRowsJson); sent as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def render(ctx: OctoContext, data, request) -> HttpResponse:
    if isinstance(data, JsonText):
        response = HttpResponse(data.text, content_type="application/json")
    else:
        response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Octo-Capabilities"] = ", ".join(ctx.capabilities)
    if ctx.content:
        response["Content-Language"] = ctx.content_language or "en"
        response["Available-Languages"] = ", ".join(ctx.languages_served or ["en"])
    if request.META.get("HTTP_OCTO_ENV"):
        response["Octo-Env"] = "test" if ctx.test_mode else "live"
    return response


def parse_body(request, model: type[BaseModel]):
    """The JSON body as `model`; BAD_REQUEST names the first bad field."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise OctoError("BAD_REQUEST", "The body is not valid JSON") from None
    if not isinstance(data, dict):
        raise OctoError("BAD_REQUEST", "The body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise OctoError("BAD_REQUEST", f"{where}: {first['msg']}") from None


def octo_endpoint(*methods: str):
    """Wrap a view `(request, ctx, **kwargs) -> data`; other methods get BAD_REQUEST, crashes a JSON 500."""

    def decorate(handler):
        @csrf_exempt
        @wraps(handler)
        def view(request, **kwargs):
            try:
                if request.method not in methods:
                    raise OctoError("BAD_REQUEST", f"{request.method} is not supported here; use {' or '.join(methods)}")
                ctx = context_from_request(request)
                return render(ctx, handler(request, ctx, **kwargs), request)
            except OctoError as error:
                return error_response(error, request)
            except Exception:
                log.exception("OCTO %s %s failed", request.method, request.path)
                return error_response(OctoError("INTERNAL_SERVER_ERROR", status=500), request)

        return view

    return decorate


@csrf_exempt
def not_found(request, path: str = ""):
    """Anything else under /octo/: a JSON BAD_REQUEST, never an HTML 404 (the validator reads 404 as 'not implemented')."""
    return error_response(OctoError("BAD_REQUEST", f"There is no OCTO endpoint {request.method} /{path}"), request)
