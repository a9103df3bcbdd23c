"""`Authorization: Bearer <key>`: a partner's API key, checked against its stored hash."""

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from intake.models import Partner
from intake.services.credentials import credential_authenticate

CHANNEL = "api"


@dataclass(frozen=True)
class PartnerPrincipal:
    """Who is calling: stands in for request.user in the partner API views."""

    partner: Partner
    is_authenticated: bool = True


class PartnerKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request)
        if not header:
            return None
        try:
            scheme, _, key = header.decode("ascii").partition(" ")
        except UnicodeDecodeError:
            raise AuthenticationFailed("the Authorization header is not ASCII")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise AuthenticationFailed("use 'Authorization: Bearer <key>'")
        partner = credential_authenticate(channel=CHANNEL, key=key)
        if partner is None:
            raise AuthenticationFailed("the API key is unknown, revoked or belongs to an inactive partner")
        return PartnerPrincipal(partner=partner), key

    def authenticate_header(self, request):
        return 'Bearer realm="partner-api"'


class IsPartner(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, PartnerPrincipal)


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "channels.api.auth.PartnerKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A partner API key: `<prefix>.<secret>`"}
