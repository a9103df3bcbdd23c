"""The catalogue and departure admin, driven by a logged-in superuser through the test client."""

import pytest
from django.urls import reverse

from availability.models import Departure, DepartureStatus, Product
from intake.models import ReviewItem
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner, make_product, make_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    """A logged-in superuser without a password (hashing one costs seconds on a busy machine)."""
    client.force_login(django_user_model.objects.create_superuser(username="eva", email="eva@example.com",
                                                                  password=None))
    return client


@pytest.fixture
def booked():
    """A departure of capacity 10 with one confirmed order of 3 seats."""
    product, _, departure = make_bookable(capacity=10)
    order = submit(draft=make_draft(product=product, departure=departure, partner=make_partner(),
                                    participants={"ADULT": 3})).order
    departure.refresh_from_db()
    return departure, order


def _change_url(departure):
    return reverse("admin:availability_departure_change", args=[departure.pk])


def test_departure_list_shows_counts_and_vacancies(admin_client, booked):
    departure, _ = booked
    response = admin_client.get(reverse("admin:availability_departure_changelist"))
    assert response.status_code == 200
    row = next(r for r in response.context["cl"].result_list if r.pk == departure.pk)
    assert (row.capacity, row.confirmed, row.vacancies) == (10, 3, 7)
    assert b"vacancies" in response.content


@pytest.mark.parametrize("query", ["status__exact=closed", "starts_at__gte=2020-01-01T00:00:00%2B00:00", "resource__id__exact=1"])
def test_departure_list_filters_render(admin_client, booked, query):
    assert admin_client.get(reverse("admin:availability_departure_changelist") + "?" + query).status_code == 200


def test_departure_page_lists_its_orders_read_only(admin_client, booked):
    departure, order = booked
    response = admin_client.get(_change_url(departure))
    assert response.status_code == 200
    assert order.reference.encode() in response.content
    form = response.context["adminform"].form
    assert list(form.fields) == ["capacity"]  # held, confirmed and the orders are display only


def test_posting_counts_to_the_departure_page_changes_nothing_but_capacity(admin_client, booked):
    departure, _ = booked
    response = admin_client.post(_change_url(departure), {"capacity": "12", "held": "0", "confirmed": "0"})
    assert response.status_code == 302
    departure.refresh_from_db()
    assert (departure.capacity, departure.held, departure.confirmed) == (12, 0, 3)


def test_capacity_below_the_seats_taken_is_refused_in_the_form(admin_client, booked):
    departure, _ = booked
    response = admin_client.post(_change_url(departure), {"capacity": "2"})
    assert response.status_code == 200 and b"already taken" in response.content
    departure.refresh_from_db()
    assert departure.capacity == 10


def test_departures_cannot_be_added_or_deleted_by_hand(admin_client, booked):
    departure, _ = booked
    assert admin_client.get(reverse("admin:availability_departure_add")).status_code == 403
    assert admin_client.get(reverse("admin:availability_departure_delete", args=[departure.pk])).status_code == 403


def test_closing_a_departure_in_the_admin_flags_its_orders(admin_client, booked):
    departure, order = booked
    response = admin_client.post(reverse("admin:availability_departure_changelist"), {
        "action": "close_departures", "_selected_action": [departure.pk], "reason": "high water"})
    assert response.status_code == 302
    departure.refresh_from_db()
    assert (departure.status, departure.closed_reason) == (DepartureStatus.CLOSED, "high water")
    assert ReviewItem.objects.get(order=order).reason == "departure_closed"


def test_reopening_a_departure_in_the_admin_puts_it_back_on_sale(admin_client, booked):
    departure, _ = booked
    url = reverse("admin:availability_departure_changelist")
    admin_client.post(url, {"action": "close_departures", "_selected_action": [departure.pk]})
    admin_client.post(url, {"action": "reopen_departures", "_selected_action": [departure.pk]})
    departure.refresh_from_db()
    assert departure.status == DepartureStatus.OPEN


def test_generate_now_action_creates_a_schedules_departures(admin_client, settings):
    settings.INTAKE = {**settings.INTAKE, "DEPARTURE_HORIZON_DAYS": 2}
    schedule = make_schedule(options=[make_product().options.get()])
    response = admin_client.post(reverse("admin:availability_schedule_changelist"), {
        "action": "generate_departures_now", "_selected_action": [schedule.pk]})
    assert response.status_code == 302
    assert Departure.objects.filter(schedule=schedule).count() == 3


def test_product_page_shows_options_and_units_inline(admin_client):
    product = make_product(options=("EN", "DE"))
    response = admin_client.get(reverse("admin:availability_product_change", args=[product.pk]))
    assert response.status_code == 200
    assert {formset.formset.prefix for formset in response.context["inline_admin_formsets"]} == {"options", "units"}
    assert b"CHILD" in response.content


@pytest.mark.parametrize("name", ["product", "resource", "schedule", "hold"])
def test_catalogue_lists_render(admin_client, booked, name):
    assert admin_client.get(reverse(f"admin:availability_{name}_changelist")).status_code == 200


def test_product_add_page_renders(admin_client):
    assert admin_client.get(reverse("admin:availability_product_add")).status_code == 200
    assert Product.objects.count() == 0
