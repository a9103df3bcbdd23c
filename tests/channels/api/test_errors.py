import json
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from channels.api import views
from intake.models import Order, RawSource, ReviewItem
from tests.channels.api.wire import order_body, problem

pytestmark = pytest.mark.django_db

MALFORMED = b'{"product": "river-cruise-50", "participants": {"ADULT": 2'


def test_malformed_json_is_400_problem(api, bookable):
    body = problem(api.post("/orders", raw=MALFORMED))
    assert (body["status"], body["code"]) == (400, "malformed_json")


def test_malformed_json_is_still_kept_as_raw_source(api, bookable):
    api.post("/orders", raw=MALFORMED, headers={"Idempotency-Key": "broken-1"})
    raw = RawSource.objects.get(channel="api")
    assert bytes(raw.body) == MALFORMED
    assert (raw.partner_id, raw.source_key, raw.status) == (api.partner.pk, "broken-1", RawSource.Status.FAILED)
    assert raw.error.startswith("malformed_json")


def test_wrong_types_are_400_with_one_error_per_field(api, bookable):
    product, option, departure = bookable
    body = order_body(product, departure, participants={"ADULT": "two"}, test_mode="yes", start="tomorrow")
    errors = problem(api.post("/orders", body))["errors"]
    assert {e["field"] for e in errors} == {"participants.ADULT", "test_mode", "start"}
    assert {e["pointer"] for e in errors} >= {"#/participants/ADULT"}


def test_unknown_fields_are_400(api, bookable):
    product, option, departure = bookable
    body = problem(api.post("/orders", order_body(product, departure, voucher="FREE")))
    assert body["code"] == "validation_error" and body["errors"][0]["field"] == "voucher"


def test_start_without_an_offset_is_400(api, bookable):
    product, option, departure = bookable
    body = order_body(product, departure)
    body["start"] = body["start"][:19]
    assert problem(api.post("/orders", body))["errors"][0]["field"] == "start"


def test_a_json_array_is_400(api):
    assert problem(api.post("/orders", raw=b"[1, 2]"))["code"] == "validation_error"


def test_zero_participants_are_400(api, bookable):
    product, option, departure = bookable
    assert problem(api.post("/orders", order_body(product, departure, participants={"ADULT": 0})))["status"] == 400


def test_a_form_encoded_body_is_415_and_kept(api):
    response = api.post("/orders", raw="product=x", content_type="application/x-www-form-urlencoded")
    assert problem(response)["code"] == "unsupported_media_type"
    assert bytes(RawSource.objects.get().body) == b"product=x"


def test_invalid_phone_is_400(api, bookable):
    product, option, departure = bookable
    body = problem(api.post("/orders", order_body(product, departure, contact={"phone": "call me maybe"})))
    assert body["errors"][0]["field"] == "contact.phone"


def test_sold_out_is_409_problem_and_creates_no_order(api, bookable):
    product, option, departure = bookable
    response = api.post("/orders", order_body(product, departure, participants={"ADULT": 11}))
    body = problem(response)
    departure.refresh_from_db()
    assert (body["status"], body["code"], body["vacancies"], body["requested"]) == (409, "over_capacity", 10, 11)
    assert not Order.objects.exists() and not ReviewItem.objects.exists()
    assert departure.held + departure.confirmed == 0
    assert RawSource.objects.get().status == RawSource.Status.FAILED


def test_unknown_ticket_category_is_422_with_field_error(api, bookable):
    product, option, departure = bookable
    body = problem(api.post("/orders", order_body(product, departure, participants={"PENSIONER": 1})))
    assert (body["status"], body["code"], body["errors"][0]["field"]) == (422, "unknown_unit", "participants")


def test_no_departure_at_that_time_is_422(api, bookable):
    product, option, departure = bookable
    body = order_body(product, departure)
    body["start"] = body["start"].replace(":00:00", ":17:00")
    assert problem(api.post("/orders", body))["code"] == "no_such_departure"


def test_unknown_product_is_422(api, bookable):
    product, option, departure = bookable
    body = order_body(product, departure)
    body["product"] = "no-such-tour"
    assert problem(api.post("/orders", body))["code"] == "unknown_product"


def test_closed_departure_is_422(api, bookable):
    product, option, departure = bookable
    departure.status = "closed"
    departure.save()
    assert problem(api.post("/orders", order_body(product, departure)))["code"] == "after_cutoff"


def test_unknown_path_is_a_problem_not_an_html_page(api):
    response = api.get("/bookings", contract=False)
    assert problem(response)["code"] == "not_found"


def test_trailing_slash_is_a_problem_not_a_redirect(api):
    assert problem(api.get("/orders/", contract=False))["status"] == 404


def test_wrong_method_is_405_problem_with_allow_header(api):
    response = api.call("DELETE", "/products", contract=False)
    assert problem(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_asking_only_for_html_is_406_problem_in_json(api):
    response = api.get("/products", headers={"Accept": "text/html"}, contract=False)
    assert problem(response)["code"] == "not_acceptable"


def test_an_unexpected_failure_is_a_500_problem(api, monkeypatch):
    def broken():
        raise RuntimeError("bug")

    monkeypatch.setattr(views, "products_sellable", broken)
    body = problem(api.get("/products", contract=False))
    assert (body["status"], body["code"]) == (500, "internal_error") and "bug" not in json.dumps(body)


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"product": "\xff\xfe"}', b" ", b"null"],
                         ids=["deeply-nested", "not-utf8", "blank", "null"])
def test_hostile_bodies_are_400_problems_and_kept(api, raw):
    assert problem(api.post("/orders", raw=raw, headers={"Idempotency-Key": "k"}))["status"] == 400
    assert bytes(RawSource.objects.get().body) == raw


def test_a_body_over_the_size_limit_is_413_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/orders", raw=b'{"notes": "' + b"x" * 2000 + b'"}', contract=False)
    assert problem(response)["code"] == "payload_too_large"


def test_canary_without_raw_first_a_malformed_body_would_be_lost(api, monkeypatch):
    """Shows test_malformed_json_is_still_kept_as_raw_source can fail: skip the store and nothing is left."""

    @contextmanager
    def parse_without_storing(request, **kwargs):
        yield SimpleNamespace(pk=None)

    monkeypatch.setattr(views, "raw_input", parse_without_storing)
    assert problem(api.post("/orders", raw=MALFORMED))["code"] == "malformed_json"
    assert not RawSource.objects.exists()
