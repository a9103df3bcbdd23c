"""The partner API's own OpenAPI document: only /api/v1/ paths, OpenAPI 3.1 (pydantic's JSON Schema dialect)."""

from drf_spectacular.views import SpectacularAPIView

PREFIX = "/api/v1/"
SCHEMA_PATH = PREFIX + "schema"

SETTINGS = {
    "TITLE": "Tour intake partner API",
    "DESCRIPTION": "Catalogue, availability and orders for partners (hotels, agencies). See docs/partner-api.md.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "PREPROCESSING_HOOKS": ["channels.api.openapi.partner_api_endpoints"],
}


def partner_api_endpoints(endpoints, **kwargs):
    """Keep only this package's endpoints: other channels document themselves."""
    return [e for e in endpoints if e[0].startswith(PREFIX) and e[0] != SCHEMA_PATH]


class PartnerApiSchemaView(SpectacularAPIView):
    custom_settings = SETTINGS
