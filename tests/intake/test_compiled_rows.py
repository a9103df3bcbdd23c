"""The booking path's compiled reads and writes give exactly what the ORM gives (intake/compiled_rows.py)."""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.utils import OperationalError

from intake.booking_rows import order_by_key, order_lines, order_locked, order_of_partner, option_with_product
from intake.compiled_rows import insert_all, insert_together, update_by_pk, update_fields
from intake.models import AuditEvent, Order, OrderLine, OutboxEvent, RawSource
from intake.services import order_submit
from tests.factories import make_bookable, make_draft, make_partner


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def order(db):
    product, _option, departure = make_bookable(capacity=10)
    partner = make_partner(code="compiled-partner")
    draft = make_draft(product=product, departure=departure, partner=partner, participants={"ADULT": 2, "CHILD": 1},
                       external_reference="ext-1", notes="Žluťoučký kůň", channel_data={"unit_items": [{"a": [1, None]}]})
    return order_submit(draft=draft, review_on_problem=False).order


def test_an_order_read_with_its_catalogue_equals_the_orms(order):
    expected = Order.objects.select_related("product", "option", "partner").get(pk=order.pk)
    with transaction.atomic():
        found = order_locked(order.pk)
    assert _values(found) == _values(expected)
    for related in ("product", "option", "partner"):
        assert _values(getattr(found, related)) == _values(getattr(expected, related))
    assert found.draft == expected.draft and found.channel_data == {"unit_items": [{"a": [1, None]}]}
    assert found._state.adding is False and found._state.db == "default"


def test_orders_by_key_and_of_partner_are_the_same_row(order):
    assert order_by_key(channel="api", external_reference="ext-1", partner_code="compiled-partner").pk == order.pk
    assert order_by_key(channel="api", external_reference="ext-1", partner_code="someone-else") is None
    assert order_by_key(channel="api", external_reference="ext-1", partner_code=None) is None  # partnerless only
    assert order_of_partner(channel="api", partner_id=order.partner_id, external_reference="ext-1").pk == order.pk
    assert order_of_partner(channel="octo", partner_id=order.partner_id, external_reference="ext-1") is None


def test_lines_come_with_their_units_in_written_order(order):
    expected = list(OrderLine.objects.filter(order=order).select_related("unit").order_by("pk"))
    found = order_lines(order.pk)
    assert [_values(line) for line in found] == [_values(line) for line in expected]
    assert [line.unit.code for line in found] == ["ADULT", "CHILD"]


def test_an_option_of_an_inactive_product_is_not_found(order):
    assert option_with_product(order.product.code, "DEFAULT").product.pk == order.product_id
    order.product.active = False
    order.product.save()
    assert option_with_product(order.product.code, "DEFAULT") is None


@pytest.mark.django_db
def test_inserted_rows_read_back_through_the_orm_as_written():
    body = "Objednávka pro 3 osoby\r\n".encode() + bytes(range(256))
    raws = [RawSource(channel="email", content_type="message/rfc822", body=body, sha256="x" * 64,
                      metadata={"from": "hotel@example.com", "n": [1, 2.5, None, True]}) for _ in range(2)]
    insert_all(raws)
    assert raws[1].pk > raws[0].pk > 0
    for raw in raws:
        again = RawSource.objects.get(pk=raw.pk)
        assert bytes(again.body) == body and again.metadata == raw.metadata
        assert again.received_at == raw.received_at and again.status == "received"
    update_by_pk(RawSource, raws[0].pk, status="failed", error="boom")
    assert RawSource.objects.values_list("status", "error").get(pk=raws[0].pk) == ("failed", "boom")
    assert RawSource.objects.get(pk=raws[1].pk).status == "received"


def test_updates_write_only_the_named_fields_and_stamp_updated_at(order):
    before = Order.objects.get(pk=order.pk)
    order.notes, order.contact_name = "changed", "not saved"
    update_fields(order, ["notes", "updated_at"])
    after = Order.objects.get(pk=order.pk)
    assert (after.notes, after.contact_name) == ("changed", before.contact_name)
    assert after.updated_at > before.updated_at
    audit = AuditEvent(actor="test", action="x", order=order, data={"k": "v"})
    insert_all([audit])
    assert AuditEvent.objects.get(pk=audit.pk).data == {"k": "v"}


@pytest.mark.postgres_only
@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="SQLite has no row locks")
@pytest.mark.django_db(transaction=True)
def test_the_order_lock_holds_the_order_row_and_only_it(order):
    """Confirm and cancel serialise on this lock; without FOR UPDATE the second locker below would get the row."""
    locked, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic():
            order_locked(order.pk)
            locked.set()
            release.wait(10)
        connections["default"].close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError), transaction.atomic():
            list(Order.objects.select_for_update(nowait=True).filter(pk=order.pk))
        with transaction.atomic():  # the catalogue rows read with it are not locked
            from availability.models import Product

            list(Product.objects.select_for_update(nowait=True).filter(pk=order.product_id))
    finally:
        release.set()
        thread.join(10)
    assert connection.vendor == "postgresql"


def test_rows_of_several_models_written_together_keep_their_order_and_get_their_own_keys(order):
    audits = [AuditEvent(actor="test", action=f"a{n}", order=order, data={"n": n}) for n in range(3)]
    outbox = [OutboxEvent(topic=f"t{n}", order=order, payload={"n": n}) for n in range(2)]
    insert_together(audits, [], outbox)
    assert [a.pk for a in audits] == sorted(a.pk for a in audits) and all(not a._state.adding for a in audits)
    assert [AuditEvent.objects.get(pk=a.pk).action for a in audits] == ["a0", "a1", "a2"]
    assert [OutboxEvent.objects.get(pk=e.pk).payload for e in outbox] == [{"n": 0}, {"n": 1}]
    assert OutboxEvent.objects.get(pk=outbox[0].pk).uuid == outbox[0].uuid


@pytest.mark.skipif("sqlite" not in settings.DATABASES["default"]["ENGINE"], reason="only SQLite may lack RETURNING")
@pytest.mark.django_db
def test_without_returning_rows_are_saved_one_by_one_with_their_keys(monkeypatch):
    """SQLite before 3.35 has no RETURNING: the ORM's save() writes them instead."""
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    raws = [RawSource(channel="api", content_type="application/json", body=b"{}", sha256="y" * 64) for _ in range(2)]
    insert_all(raws)
    assert all(raw.pk and not raw._state.adding for raw in raws)
    assert RawSource.objects.filter(pk__in=[raw.pk for raw in raws]).count() == 2
