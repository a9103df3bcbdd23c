"""The public form token of a partner: which partner a form belongs to and where it may be embedded."""

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import models

from intake.models import Partner

# scheme://host[:port], nothing else: the value goes into CSP and CORS headers verbatim.
ORIGIN_PATTERN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9a-f:]+\](:[0-9]{1,5})?$")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def origin_is_valid(origin: str) -> bool:
    return bool(ORIGIN_PATTERN.match(origin))


def new_form_token() -> str:
    return "pf_" + secrets.token_urlsafe(12)


def validate_origins(value) -> None:
    if not isinstance(value, list):
        raise ValidationError("a list of origins, e.g. [\"https://www.hotel.example\"]")
    bad = [origin for origin in value if not isinstance(origin, str) or not origin_is_valid(origin)]
    if bad:
        raise ValidationError(f"not an origin (scheme://host[:port], lower case, no path): {', '.join(map(str, bad))}")


def validate_token(value: str) -> None:
    if not TOKEN_PATTERN.match(value):
        raise ValidationError("8-64 characters: letters, digits, '-' and '_'")


class FormToken(models.Model):
    """Public (not secret) token in a partner's widget snippet; it names the partner of every form order.

    A token is not a password: anyone who reads the partner's web page sees it.
    What it grants is only what the page grants anyone: to book as a guest of
    that partner. Where the form may be framed is decided by allowed_origins.
    """

    token = models.CharField(max_length=64, unique=True, default=new_form_token, validators=[validate_token])
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="form_tokens")
    label = models.CharField(max_length=100, blank=True)
    # Web origins allowed to frame the form and to read its JSON: ["https://www.hotel.example"].
    allowed_origins = models.JSONField(default=list, blank=True, validators=[validate_origins])
    # Product codes offered in this form; empty = every active product.
    products = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner", "token"]

    def __str__(self) -> str:
        return f"{self.partner.code}/{self.token}"

    @property
    def origins(self) -> list[str]:
        """Only well-formed origins ever reach a header, whatever was stored."""
        return [o for o in self.allowed_origins if isinstance(o, str) and origin_is_valid(o)]
