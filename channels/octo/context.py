"""What one OCTO request asks for, read from its headers: who, which capabilities, which language, test or live."""

import hashlib
from dataclasses import dataclass, field

from channels.octo import lookups
from channels.octo.errors import OctoError
from intake.models import Partner
from intake.services.credentials import credential_authenticate

CHANNEL = "octo"
SUPPORTED_CAPABILITIES = ("octo/pricing", "octo/content", "octo/webhooks")
DEFAULT_LANGUAGE = "en"


@dataclass
class OctoContext:
    partner: Partner
    capabilities: tuple[str, ...] = ()
    accept_language: str = ""
    test_mode: bool = False
    request: object = None  # for `endpoint`, worked out only when a response shows it
    languages_served: list[str] = field(default_factory=list)  # filled by content rendering
    content_language: str = ""

    @property
    def endpoint(self) -> str:
        """This server's OCTO base URL, as the reseller reached it."""
        return self.request.build_absolute_uri("/octo").rstrip("/") if self.request is not None else ""

    @property
    def pricing(self) -> bool:
        return "octo/pricing" in self.capabilities

    @property
    def content(self) -> bool:
        return "octo/content" in self.capabilities

    @property
    def actor(self) -> str:
        return f"channel:{CHANNEL}/{self.partner.code}"

    def language_for(self, available: list[str]) -> str:
        """The best of `available` for the Accept-Language header (q-values honoured), else English."""
        for tag in accept_language_tags(self.accept_language):
            if tag in available:
                return tag
            base = tag.split("-")[0]
            if base in available:
                return base
        if DEFAULT_LANGUAGE in available or not available:
            return DEFAULT_LANGUAGE
        return available[0]


def accept_language_tags(header: str) -> list[str]:
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def requested_capabilities(header: str) -> tuple[str, ...]:
    wanted = {item.strip().lower() for item in header.split(",") if item.strip()}
    return tuple(cap for cap in SUPPORTED_CAPABILITIES if cap in wanted)


def partner_from_authorization(header: str | None) -> Partner:
    """The reseller owning the Bearer key; UNAUTHORIZED when none is sent, FORBIDDEN when it is wrong."""
    if not header or not header.strip():
        raise OctoError("UNAUTHORIZED")
    scheme, _, key = header.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise OctoError("UNAUTHORIZED", "Send the API key as 'Authorization: Bearer <key>'")
    digest = hashlib.sha256(key.encode()).hexdigest()  # the plain key is never kept in memory
    partner = lookups.resellers.get(digest, lambda: credential_authenticate(channel=CHANNEL, key=key))
    if partner is None:
        raise OctoError("FORBIDDEN")
    return partner


def context_from_request(request) -> OctoContext:
    # META, not request.headers: building the headers mapping parses every header of the request.
    meta = request.META
    partner = partner_from_authorization(meta.get("HTTP_AUTHORIZATION"))
    return OctoContext(
        partner=partner,
        capabilities=requested_capabilities(meta.get("HTTP_OCTO_CAPABILITIES", "")),
        accept_language=meta.get("HTTP_ACCEPT_LANGUAGE", ""),
        test_mode=meta.get("HTTP_OCTO_ENV", "").strip().lower() == "test",
        request=request,
    )
