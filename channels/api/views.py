"""Partner REST API views: parse the wire format, call one service or selector, render the result."""

from contextlib import contextmanager

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from pydantic import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from availability.selectors import availability_search
from channels.api import schemas
from channels.api.auth import IsPartner, PartnerKeyAuthentication
from channels.api.errors import PROBLEM_CONTENT_TYPE, ApiProblem, problem_exception_handler, validation_problem
from channels.api.mapping import (
    CHANNEL,
    body_parse,
    changes_from_amend,
    draft_from_order_create,
    languages_from_header,
    product_to_wire,
    slot_to_wire,
    source_key_peek,
)
from channels.api.selectors import partner_order, partner_orders, products_sellable
from intake import services as intake
from intake.canonical import order_document
from intake.models import Partner, RawSource
from intake.services.resolution import option_resolve


def problems(*codes: int) -> dict:
    return {(code, PROBLEM_CONTENT_TYPE): schemas.Problem for code in (401, *codes)}


REFERENCE = OpenApiParameter("reference", str, OpenApiParameter.PATH, description="Our order reference (MC...)")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="Makes a retry return the first result; may be left out when the body has external_reference.",
)
ACCEPT_LANGUAGE = OpenApiParameter("Accept-Language", str, OpenApiParameter.HEADER, description="e.g. cs, de;q=0.8")


def _query(model, request: Request):
    try:
        return model.model_validate(request.query_params.dict())
    except ValidationError as exc:
        raise validation_problem(exc, detail="The query has invalid parameters")


def _json_body_required(request: Request) -> None:
    media_type = (request.META.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ApiProblem("unsupported_media_type", f"send the body as application/json, not {media_type or 'nothing'}")


@contextmanager
def raw_input(request: Request, *, partner: Partner, source_key: str):
    """Store the body exactly as it came before reading it; mark how its handling ended."""
    raw = intake.raw_source_store(
        channel=CHANNEL,
        body=request.body,
        content_type=request.META.get("CONTENT_TYPE", ""),
        partner=partner,
        source_key=source_key,
        metadata={"method": request.method, "path": request.path},
    )
    try:
        yield raw
    except Exception as exc:
        reason = getattr(exc, "code", type(exc).__name__)
        message = getattr(exc, "detail", None) or getattr(exc, "message", None) or str(exc)
        intake.raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.FAILED, error=f"{reason}: {message}")
        raise
    intake.raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.PROCESSED)


class PartnerApiView(APIView):
    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartner]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    throttle_classes: list = []

    def get_exception_handler(self):
        return problem_exception_handler

    @property
    def partner(self) -> Partner:
        return self.request.user.partner

    @property
    def actor(self) -> str:
        return f"channel:{CHANNEL}/{self.partner.code}"


class ProductListView(PartnerApiView):
    @extend_schema(operation_id="products_list", summary="The catalogue: products, options and ticket prices",
                   parameters=[ACCEPT_LANGUAGE], responses={200: schemas.ProductList, **problems()})
    def get(self, request: Request) -> Response:
        languages = languages_from_header(request.headers.get("Accept-Language", ""))
        products = [product_to_wire(product, languages) for product in products_sellable()]
        return Response({"products": products}, headers={"Vary": "Accept-Language, Authorization"})


class AvailabilityView(PartnerApiView):
    @extend_schema(
        operation_id="availability_search",
        summary="Departures of one product option between two local dates",
        parameters=[
            OpenApiParameter("product", str, required=True),
            OpenApiParameter("option", str, description="Default: the product's default option"),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First local date"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last local date, at most from + 92 days"),
            OpenApiParameter("quantity", int, description="Seats wanted; slots with fewer show SOLD_OUT"),
        ],
        responses={200: schemas.Availability, **problems(400, 422)},
    )
    def get(self, request: Request) -> Response:
        query = _query(schemas.AvailabilityQuery, request)
        option = option_resolve(product_code=query.product, option_code=query.option)
        slots = availability_search(option_id=option.pk, date_from=query.from_, date_to=query.to,
                                    quantity=query.quantity)
        return Response({
            "product": option.product.code,
            "option": option.code,
            "timezone": option.product.timezone,
            "slots": [slot_to_wire(slot) for slot in slots],
        })


class OrderCollectionView(PartnerApiView):
    @extend_schema(
        operation_id="orders_list",
        summary="The partner's own orders, newest first",
        parameters=[
            OpenApiParameter("external_reference", str),
            OpenApiParameter("status", str, enum=["held", "confirmed", "cancelled", "expired", "rejected",
                                                   "needs_review"]),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First start date (operator's timezone)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last start date (operator's timezone)"),
            OpenApiParameter("limit", int, description="1..200, default 50"),
            OpenApiParameter("offset", int),
        ],
        responses={200: schemas.OrderPage, **problems(400)},
    )
    def get(self, request: Request) -> Response:
        query = _query(schemas.OrderListQuery, request)
        orders = partner_orders(partner=self.partner, external_reference=query.external_reference,
                                status=query.status, start_from=query.from_, start_to=query.to)
        count = orders.count()
        page = orders[query.offset:query.offset + query.limit]
        return Response({
            "count": count,
            "limit": query.limit,
            "offset": query.offset,
            "next": self._page_url(query.offset + query.limit, query.limit) if query.offset + query.limit < count
            else None,
            "previous": self._page_url(max(query.offset - query.limit, 0), query.limit) if query.offset else None,
            "results": [order_document(order) for order in page],
        })

    def _page_url(self, offset: int, limit: int) -> str:
        params = self.request.query_params.copy()
        params["offset"], params["limit"] = str(offset), str(limit)
        return self.request.build_absolute_uri(f"{self.request.path}?{params.urlencode()}")

    @extend_schema(
        operation_id="orders_create",
        summary="Book seats: 201 for a new order, 200 for a repeat of an earlier request",
        parameters=[IDEMPOTENCY_KEY],
        request=schemas.OrderCreate,
        responses={201: schemas.Order, 200: schemas.Order, **problems(400, 409, 415, 422)},
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        with raw_input(request, partner=self.partner, source_key=source_key_peek(request.body, key)) as raw:
            _json_body_required(request)
            wire = body_parse(schemas.OrderCreate, request.body)
            draft = draft_from_order_create(wire=wire, partner=self.partner, idempotency_key=key,
                                            raw_source_id=raw.pk)
            result = intake.submit(draft=draft, review_on_problem=False)
        location = request.build_absolute_uri(f"{request.path}/{result.order.reference}")
        return Response(order_document(result.order), status=201 if result.created else 200,
                        headers={"Location": location})


class OrderDetailView(PartnerApiView):
    @extend_schema(operation_id="orders_retrieve", summary="One of the partner's orders", parameters=[REFERENCE],
                   responses={200: schemas.Order, **problems(404)})
    def get(self, request: Request, reference: str) -> Response:
        return Response(order_document(partner_order(partner=self.partner, reference=reference)))

    @extend_schema(
        operation_id="orders_amend",
        summary="Change start, participants, contact or notes; seats move all or nothing",
        parameters=[REFERENCE],
        request=schemas.OrderAmend,
        responses={200: schemas.Order, **problems(400, 404, 409, 415, 422)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        order = partner_order(partner=self.partner, reference=reference)
        with raw_input(request, partner=self.partner, source_key=f"amend:{reference}"):
            _json_body_required(request)
            wire = body_parse(schemas.OrderAmend, request.body)
            changes = changes_from_amend(wire=wire, partner=self.partner)
            order = intake.amend(order_id=order.pk, changes=changes, actor=self.actor)
        return Response(order_document(order))


class OrderCancelView(PartnerApiView):
    @extend_schema(
        operation_id="orders_cancel",
        summary="Cancel an order and give its seats back; cancelling twice is harmless",
        parameters=[REFERENCE],
        request=schemas.OrderCancel,
        responses={200: schemas.Order, **problems(400, 404, 409, 422)},
    )
    def post(self, request: Request, reference: str) -> Response:
        order = partner_order(partner=self.partner, reference=reference)
        with raw_input(request, partner=self.partner, source_key=f"cancel:{reference}"):
            wire = body_parse(schemas.OrderCancel, request.body, empty_allowed=True)
            order = intake.cancel(order_id=order.pk, actor=self.actor, reason=wire.reason)
        return Response(order_document(order))
