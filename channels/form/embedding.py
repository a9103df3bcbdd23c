"""Who may frame the form, who may read its JSON, and how a form post proves it came from our page.

Decisions (docs/booking-form.md explains them):
- Framing: `Content-Security-Policy: frame-ancestors 'self' <partner origins>` on
  the form's pages; X-Frame-Options is left off those views only, because it
  cannot name more than one origin.
- Form posts: Django's cookie-based CSRF check is replaced, for the form post
  only, by a signed form key in the page (HMAC of SECRET_KEY over the form token
  and the submission id, with a timestamp) plus an Origin check. A cookie would
  have to be `SameSite=None; Secure` to reach us inside a third-party iframe,
  which needs HTTPS and is still refused by browsers that block third-party
  cookies; the signed key works in every browser and over plain http in tests.
- JSON: CORS headers are written by hand for the token's allowed origins only.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from channels.form.models import FormToken, origin_is_valid

FORM_KEY_SALT = "channels.form.submit"
FORM_KEY_MAX_AGE = 6 * 60 * 60  # a guest may leave the tab open for an afternoon


def own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def frame_ancestors_policy(form_token: FormToken) -> str:
    sources = " ".join(["'self'", *form_token.origins])
    return (
        f"frame-ancestors {sources}; default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"
    )


def response_allow_framing(response: HttpResponse, form_token: FormToken) -> HttpResponse:
    """Pair with @xframe_options_exempt: CSP frame-ancestors takes over from X-Frame-Options."""
    response["Content-Security-Policy"] = frame_ancestors_policy(form_token)
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def embed_origin_checked(form_token: FormToken, origin: str | None) -> str:
    """The partner page's origin the iframe may postMessage its height to, if it is an allowed one."""
    return origin if origin and origin in form_token.origins else ""


# --- CORS for the JSON endpoint ---------------------------------------------------

def cors_origin_allowed(request: HttpRequest, form_token: FormToken) -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin == own_origin(request) or origin in form_token.origins


def response_add_cors(request: HttpRequest, response: HttpResponse, form_token: FormToken) -> HttpResponse:
    """Echo an allowed Origin back; any other origin gets no CORS header, so its browser hides the answer."""
    origin = request.headers.get("Origin")
    response["Vary"] = "Origin"
    if origin and origin_is_valid(origin) and origin in form_token.origins:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
        response["Access-Control-Max-Age"] = "600"
    return response


# --- the signed form key (our CSRF check for the form post) ------------------------

@dataclass(frozen=True)
class FormKeyCheck:
    ok: bool
    expired: bool = False
    submission_id: str = ""


def form_key_issue(*, token: str, submission_id: str) -> str:
    return signing.TimestampSigner(salt=FORM_KEY_SALT).sign_object({"t": token, "s": submission_id})


def form_key_check(*, key: str, token: str, submission_id: str, max_age: int | None = None) -> FormKeyCheck:
    """Valid only for this form token and submission id, and only for max_age seconds."""
    max_age = FORM_KEY_MAX_AGE if max_age is None else max_age
    signer = signing.TimestampSigner(salt=FORM_KEY_SALT)
    try:
        payload = signer.unsign_object(key, max_age=max_age)
    except signing.SignatureExpired:
        payload = _unsign_ignoring_age(signer, key)
        if payload and payload == {"t": token, "s": submission_id}:
            return FormKeyCheck(ok=False, expired=True, submission_id=submission_id)
        return FormKeyCheck(ok=False)
    except (signing.BadSignature, ValueError, TypeError):
        return FormKeyCheck(ok=False)
    if payload != {"t": token, "s": submission_id}:
        return FormKeyCheck(ok=False)
    return FormKeyCheck(ok=True, submission_id=submission_id)


def _unsign_ignoring_age(signer: signing.TimestampSigner, key: str):
    try:
        return signer.unsign_object(key)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def post_origin_allowed(request: HttpRequest) -> bool:
    """A browser always sends Origin with a POST: it must be our own page (the iframe), never the partner's."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser, or a very old one: the signed key still has to match
    trusted = {own_origin(request), *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    return origin in trusted
