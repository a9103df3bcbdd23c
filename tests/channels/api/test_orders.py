import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from intake.models import Order, OrderStatus, RawSource
from tests.channels.api.wire import local_start, order_body, problem
from intake.services import submit
from tests.factories import make_departure, make_draft

pytestmark = pytest.mark.django_db


def create(api, product, departure, **overrides):
    response = api.post("/orders", order_body(product, departure, **overrides))
    assert response.status_code == 201, response.content
    return json.loads(response.content)


def test_create_books_seats_and_answers_with_the_canonical_document(api, bookable):
    product, option, departure = bookable
    response = api.post("/orders", order_body(product, departure, participants={"ADULT": 2, "CHILD": 1}))
    document = json.loads(response.content)
    departure.refresh_from_db()
    assert response.status_code == 201
    assert response["Location"].endswith(f"/api/v1/orders/{document['reference']}")
    assert document["status"] == "confirmed" and document["channel"] == "api"
    assert document["partner"] == api.partner.code
    assert document["total_minor"] == 2 * 1000 + 500 and document["currency"] == "CZK"
    assert document["start"] == local_start(product, departure)
    assert departure.confirmed == 3


def test_create_keeps_the_raw_body_and_links_it_to_the_order(api, bookable):
    product, option, departure = bookable
    body = order_body(product, departure)
    document = json.loads(api.post("/orders", body).content)
    order = Order.objects.get(reference=document["reference"])
    raw = order.raw_source
    assert json.loads(bytes(raw.body)) == body
    assert (raw.channel, raw.partner_id, raw.source_key, raw.status) == (
        "api", api.partner.pk, body["external_reference"], RawSource.Status.PROCESSED)


def test_national_phone_number_becomes_e164_with_the_partners_country(api, bookable):
    product, option, departure = bookable
    document = create(api, product, departure, contact={"name": "Jana", "phone": "777 123 456"})
    assert document["contact"]["phone"] == "+420777123456"


def test_get_returns_the_partners_order(api, bookable):
    document = create(api, *bookable[::2])
    response = api.get(f"/orders/{document['reference']}")
    assert response.status_code == 200 and json.loads(response.content) == document


def test_another_partners_order_is_not_found(api, other_api, bookable):
    reference = create(api, *bookable[::2])["reference"]
    assert problem(other_api.get(f"/orders/{reference}"))["code"] == "order_not_found"
    assert problem(other_api.post(f"/orders/{reference}/cancel"))["status"] == 404
    assert problem(other_api.patch(f"/orders/{reference}", {"notes": "mine now"}))["status"] == 404
    assert Order.objects.get(reference=reference).status == OrderStatus.CONFIRMED


def test_unknown_reference_is_404_problem(api):
    assert problem(api.get("/orders/MCNOSUCH1"))["code"] == "order_not_found"


def test_list_shows_only_the_partners_own_orders(api, other_api, bookable):
    product, option, departure = bookable
    mine = [create(api, product, departure, participants={"ADULT": 1})["reference"] for _ in range(2)]
    create(other_api, product, departure, participants={"ADULT": 1})
    page = json.loads(api.get("/orders").content)
    assert page["count"] == 2 and sorted(o["reference"] for o in page["results"]) == sorted(mine)


def test_list_includes_the_partners_orders_from_other_channels(api, bookable):
    product, option, departure = bookable
    by_mail = submit(draft=make_draft(product=product, departure=departure, partner=api.partner, channel="email",
                                      external_reference="<mail-1@hotel.example>")).order
    page = json.loads(api.get("/orders").content)
    assert [(o["reference"], o["channel"]) for o in page["results"]] == [(by_mail.reference, "email")]


def test_test_mode_order_takes_no_seats(api, bookable):
    product, option, departure = bookable
    document = create(api, product, departure, test_mode=True)
    departure.refresh_from_db()
    assert document["test_mode"] and departure.held + departure.confirmed == 0


def test_list_filters_by_external_reference_and_status(api, bookable):
    product, option, departure = bookable
    first = create(api, product, departure, participants={"ADULT": 1})
    second = create(api, product, departure, participants={"ADULT": 1})
    api.post(f"/orders/{second['reference']}/cancel")
    by_reference = json.loads(api.get(f"/orders?external_reference={first['external_reference']}").content)
    cancelled = json.loads(api.get("/orders?status=cancelled").content)
    assert [o["reference"] for o in by_reference["results"]] == [first["reference"]]
    assert [o["reference"] for o in cancelled["results"]] == [second["reference"]]


def test_list_filters_by_local_start_date(api, bookable):
    product, option, departure = bookable
    later = make_departure(schedule=departure.schedule, starts_at=departure.starts_at + timedelta(days=3))
    create(api, product, departure, participants={"ADULT": 1})
    late = create(api, product, later, participants={"ADULT": 1})
    day = later.starts_at.astimezone(ZoneInfo(product.timezone)).date().isoformat()  # the filter is in local dates
    page = json.loads(api.get(f"/orders?from={day}&to={day}").content)
    assert [o["reference"] for o in page["results"]] == [late["reference"]]


def test_list_pages_through_orders_with_next_links(api, bookable):
    product, option, departure = bookable
    for _ in range(3):
        create(api, product, departure, participants={"ADULT": 1})
    first = json.loads(api.get("/orders?limit=2").content)
    second = json.loads(api.client.get(first["next"], headers={"Authorization": f"Bearer {api.key}"}).content)
    assert (first["count"], len(first["results"]), len(second["results"]), second["next"]) == (3, 2, 1, None)
    assert {o["reference"] for o in first["results"]}.isdisjoint(o["reference"] for o in second["results"])


def test_list_with_bad_status_is_400(api):
    assert problem(api.get("/orders?status=paid"))["errors"][0]["field"] == "status"


def test_cancel_gives_the_seats_back(api, bookable):
    product, option, departure = bookable
    reference = create(api, product, departure)["reference"]
    response = api.post(f"/orders/{reference}/cancel", {"reason": "guest ill"})
    departure.refresh_from_db()
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "cancelled"
    assert json.loads(response.content)["cancel_reason"] == "guest ill"
    assert departure.confirmed == 0


def test_cancelling_twice_is_harmless(api, bookable):
    reference = create(api, *bookable[::2])["reference"]
    api.post(f"/orders/{reference}/cancel")
    response = api.post(f"/orders/{reference}/cancel")
    assert response.status_code == 200 and json.loads(response.content)["status"] == "cancelled"


def test_cancel_after_the_cancellation_cutoff_is_422(api, bookable):
    product, option, departure = bookable
    product.cancellation_cutoff_minutes = 60 * 24 * 30
    product.save()
    reference = create(api, product, departure)["reference"]
    assert problem(api.post(f"/orders/{reference}/cancel"))["code"] == "after_cancellation_cutoff"
    assert Order.objects.get(reference=reference).status == OrderStatus.CONFIRMED


def test_amend_participants_moves_the_seats(api, bookable):
    product, option, departure = bookable
    reference = create(api, product, departure, participants={"ADULT": 2})["reference"]
    response = api.patch(f"/orders/{reference}", {"participants": {"ADULT": 3, "CHILD": 1}})
    departure.refresh_from_db()
    assert response.status_code == 200
    assert json.loads(response.content)["total_minor"] == 3 * 1000 + 500
    assert departure.confirmed == 4


def test_amend_start_moves_the_order_to_the_other_departure(api, bookable):
    product, option, departure = bookable
    later = make_departure(schedule=departure.schedule, starts_at=departure.starts_at + timedelta(days=1))
    reference = create(api, product, departure)["reference"]
    response = api.patch(f"/orders/{reference}", {"start": local_start(product, later)})
    departure.refresh_from_db()
    later.refresh_from_db()
    assert json.loads(response.content)["start"] == local_start(product, later)
    assert (departure.confirmed, later.confirmed) == (0, 2)


def test_amend_beyond_capacity_is_409_and_keeps_the_order_as_it_was(api, bookable):
    product, option, departure = bookable
    reference = create(api, product, departure, participants={"ADULT": 2})["reference"]
    body = problem(api.patch(f"/orders/{reference}", {"participants": {"ADULT": 11}}))
    departure.refresh_from_db()
    assert (body["status"], body["code"]) == (409, "over_capacity")
    assert departure.confirmed == 2
    assert json.loads(api.get(f"/orders/{reference}").content)["participants"][0]["quantity"] == 2


def test_amend_contact_and_notes(api, bookable):
    reference = create(api, *bookable[::2])["reference"]
    response = api.patch(f"/orders/{reference}", {"contact": {"email": "new@example.com"}, "notes": "wheelchair"})
    document = json.loads(response.content)
    assert document["contact"]["email"] == "new@example.com" and document["contact"]["name"] == "Jana Nováková"
    assert document["notes"] == "wheelchair"


def test_amending_a_cancelled_order_is_409(api, bookable):
    reference = create(api, *bookable[::2])["reference"]
    api.post(f"/orders/{reference}/cancel")
    assert problem(api.patch(f"/orders/{reference}", {"notes": "too late"}))["code"] == "invalid_order_state"


def test_empty_amendment_is_400(api, bookable):
    reference = create(api, *bookable[::2])["reference"]
    assert problem(api.patch(f"/orders/{reference}", {}))["code"] == "validation_error"
