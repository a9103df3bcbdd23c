"""octo/webhooks: a reseller registers URLs and receives its own bookings and availability changes, signed."""

import socket

import pytest

from intake.dispatch.receiver import ReceiverState, received
from intake.drafts import ContactDraft, OrderDraft
from intake.services import submit
from tests.channels.octo.conftest import reserve
from tests.factories import make_partner
from tests.intake.dispatch_world import run_worker_for_events, running_receiver

PORTS = range(18470, 18499)


def _port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18470-18498")


@pytest.mark.django_db
def test_register_list_and_delete_a_webhook(octo, other_octo):
    created = octo.post("/webhooks", {"url": "https://reseller.example/hook", "event": "booking_update"})
    assert created.status_code == 200 and created.data["secret"].startswith("whsec_")
    listed = octo.get("/webhooks").data
    assert [(w["id"], w["event"], w["url"]) for w in listed] == [(created.data["id"], "booking_update", "https://reseller.example/hook")]
    assert "secret" not in listed[0]
    assert other_octo.get("/webhooks").data == []
    assert other_octo.call("DELETE", f"/webhooks/{created.data['id']}").data["error"] == "BAD_REQUEST"
    assert octo.call("DELETE", f"/webhooks/{created.data['id']}").status_code == 200
    assert octo.get("/webhooks").data == []


@pytest.mark.django_db
def test_unknown_webhook_event_is_bad_request(octo):
    assert octo.post("/webhooks", {"url": "https://x.example/", "event": "everything"}).data["error"] == "BAD_REQUEST"


@pytest.mark.django_db(transaction=True)
def test_booking_updates_reach_the_reseller_as_signed_octo_booking_json(octo, catalogue, tmp_path):
    port = _port()
    hook = octo.post("/webhooks", {"url": f"http://127.0.0.1:{port}/octo-hook", "event": "booking_update"}).data
    with running_receiver(port=port, state=ReceiverState(secrets=[hook["secret"]], out_dir=tmp_path)):
        booking = reserve(octo, catalogue).data
        octo.post(f"/bookings/{booking['uuid']}/confirm", {"contact": {"fullName": "Hook Guest"}})
        other = make_partner()
        submit(draft=OrderDraft(channel="email", partner_code=other.code, external_reference="not-mine",
                                product_code="cruise", start=catalogue.cruise_slot(days=2),
                                participants={"ADULT": 1}, contact=ContactDraft(name="Someone else")))
        run_worker_for_events()
    bodies = [r["body"] for r in received(tmp_path)]
    assert [b["booking"]["uuid"] for b in bodies] == [booking["uuid"], booking["uuid"]]
    assert bodies[-1]["booking"]["status"] == "CONFIRMED"
    assert bodies[0]["webhook"]["id"] == hook["id"]


@pytest.mark.django_db(transaction=True)
def test_availability_updates_carry_the_new_vacancies(octo, catalogue, tmp_path):
    port = _port()
    hook = octo.post("/webhooks", {"url": f"http://127.0.0.1:{port}/", "event": "availability_update"}).data
    with running_receiver(port=port, state=ReceiverState(secrets=[hook["secret"]], out_dir=tmp_path)):
        reserve(octo, catalogue, units=("ADULT",) * 3)
        run_worker_for_events()
    bodies = [r["body"] for r in received(tmp_path)]
    update = bodies[-1]["availabilities"][0]
    assert (update["productId"], update["availability"]["id"]) == ("cruise", catalogue.cruise_slot())
    assert update["availability"]["vacancies"] == 97
