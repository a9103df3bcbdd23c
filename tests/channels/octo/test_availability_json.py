"""The availability check writes its JSON text directly: it must say exactly what the dict renderer says."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from availability.selectors import availability_search
from channels.octo.context import OctoContext
from channels.octo.slots import SlotWire, utc_text
from channels.octo.time_texts import TimeTexts, epoch_us

# Daylight-saving changes of 1 hour and 30 minutes, offsets of :30 and :45, south and north, and an LMT offset with seconds.
ZONES = ["Europe/Prague", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns",
         "Pacific/Chatham", "Africa/Casablanca", "UTC"]


def _instants():
    """Every 20 minutes through the 2026 and 2027 spring and autumn changes, plus instants off the whole second."""
    for first in (datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 9, 26, tzinfo=UTC), datetime(2026, 10, 24, tzinfo=UTC),
                  datetime(2027, 3, 27, tzinfo=UTC), datetime(2027, 4, 3, tzinfo=UTC)):
        for step in range(0, 9 * 24 * 3, 1):
            yield first + timedelta(minutes=20 * step)
    yield datetime(2026, 11, 24, 9, 30, 0, 1, tzinfo=UTC)
    yield datetime(2026, 11, 24, 9, 30, 59, 999999, tzinfo=UTC)
    yield datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("zone_name", ZONES)
def test_local_time_text_is_what_isoformat_writes(zone_name):
    zone = ZoneInfo(zone_name)
    times = TimeTexts(zone)
    for moment in _instants():
        local = moment.astimezone(zone)
        text, of_day = times.local(epoch_us(moment))
        assert text == local.isoformat(), moment
        assert of_day == ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond


@pytest.mark.parametrize("zone_name", ZONES)
def test_a_slots_three_texts_are_what_isoformat_and_utc_text_write(zone_name):
    zone = ZoneInfo(zone_name)
    times = TimeTexts(zone)
    lengths = [timedelta(microseconds=1), timedelta(hours=1), timedelta(hours=8, minutes=30), timedelta(hours=25)]
    cutoffs = [timedelta(0), timedelta(minutes=75), timedelta(hours=20), timedelta(days=2)]
    for n, start in enumerate(_instants()):
        end, cutoff = start + lengths[n % 4], start - cutoffs[n // 4 % 4]
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        texts = times.slot(epoch_us(start), epoch_us(end), epoch_us(cutoff))
        assert texts[0::2] == (local_start.isoformat(), local_end.isoformat(), utc_text(cutoff)), start
        assert texts[1] == times.local(epoch_us(start))[1] and texts[3] == times.local(epoch_us(end))[1]


def test_local_time_text_of_a_zone_with_seconds_in_its_offset():
    moment = datetime(1890, 6, 1, 12, 0, tzinfo=UTC)  # Prague's local mean time: +00:57:44
    assert TimeTexts(ZoneInfo("Europe/Prague")).local(epoch_us(moment))[0] == moment.astimezone(ZoneInfo("Europe/Prague")).isoformat()


def test_no_zone_changes_its_offset_twice_within_a_day():
    """TimeTexts trusts one offset for a whole UTC day whose two midnights agree; this is why it may."""
    import zoneinfo
    from zoneinfo._zoneinfo import ZoneInfo as PythonZoneInfo  # the pure-Python reader exposes the transitions

    closest = min(
        (later - earlier, name)
        for name in zoneinfo.available_timezones()
        for transitions in [PythonZoneInfo.no_cache(name)._trans_utc]
        for earlier, later in zip(transitions, transitions[1:])
    )
    assert closest[0] > 24 * 3600, closest


def test_utc_time_text_is_what_utc_text_writes():
    times = TimeTexts(ZoneInfo("Europe/Prague"))
    for moment in _instants():
        assert times.utc(epoch_us(moment)) == utc_text(moment)


# --- the endpoint against the dict renderer -----------------------------------------------------------------


def _expected_text(catalogue, reseller, product, body, capabilities=()) -> str:
    option = product.options.get(code="DEFAULT")
    day_from = datetime.fromisoformat(body.get("localDateStart") or body["localDate"]).date()
    day_to = datetime.fromisoformat(body.get("localDateEnd") or body["localDate"]).date()
    units = {}
    for unit in body.get("units", []):
        units[unit["id"]] = units.get(unit["id"], 0) + unit["quantity"]
    slots = availability_search(option_id=option.pk, date_from=day_from, date_to=day_to, quantity=sum(units.values()))
    render = SlotWire(ctx=OctoContext(partner=reseller, capabilities=tuple(capabilities)), max_units=option.max_units, units=units)
    return json.dumps([render(slot) for slot in slots], ensure_ascii=False)


def _window(catalogue, days=30):
    return {"localDateStart": catalogue.tomorrow.isoformat(), "localDateEnd": (catalogue.tomorrow + timedelta(days=days)).isoformat()}


@pytest.mark.django_db
@pytest.mark.parametrize("product_code", ["cruise", "museum", "lunch"])
@pytest.mark.parametrize("capabilities", [(), ("octo/pricing",)])
def test_check_text_is_the_dict_renderers_json_byte_for_byte(octo, catalogue, reseller, product_code, capabilities):
    product = {"cruise": catalogue.cruise, "museum": catalogue.museum, "lunch": catalogue.lunch}[product_code]
    body = {"productId": product_code, "optionId": "DEFAULT", **_window(catalogue)}
    response = octo.post("/availability", body, headers={"Octo-Capabilities": ", ".join(capabilities)})
    assert response.status_code == 200 and len(response.data) >= 30
    assert response.content.decode() == _expected_text(catalogue, reseller, product, body, capabilities)


@pytest.mark.django_db
def test_check_text_of_closed_free_sale_and_priced_units_matches_the_dict_renderer(octo, catalogue, reseller):
    from availability.models import Departure, DepartureStatus

    departures = list(Departure.objects.filter(schedule__options__product=catalogue.cruise).order_by("starts_at")[2:6])
    Departure.objects.filter(pk=departures[0].pk).update(status=DepartureStatus.CLOSED)
    Departure.objects.filter(pk__in=[d.pk for d in departures[1:3]]).update(capacity=None)
    body = {"productId": "cruise", "optionId": "DEFAULT", **_window(catalogue, days=5),
            "units": [{"id": "ADULT", "quantity": 2}, {"id": "CHILD", "quantity": 1}]}
    response = octo.post("/availability", body, headers={"Octo-Capabilities": "octo/pricing"})
    statuses = {slot["status"] for slot in response.data}
    assert {"CLOSED", "FREESALE", "AVAILABLE"} <= statuses
    assert response.content.decode() == _expected_text(catalogue, reseller, catalogue.cruise, body, ("octo/pricing",))


@pytest.mark.django_db
def test_check_by_availability_ids_keeps_only_those_slots_in_their_order(octo, catalogue):
    wanted = [catalogue.cruise_slot(days=4, at="10:30"), catalogue.cruise_slot(days=2, at="14:30")]
    response = octo.post("/availability", {"productId": "cruise", "optionId": "DEFAULT", "availabilityIds": wanted})
    assert [slot["id"] for slot in response.data] == sorted(wanted)


@pytest.mark.django_db
def test_check_of_an_empty_range_is_an_empty_list(octo, catalogue):
    far = (catalogue.tomorrow + timedelta(days=300)).isoformat()
    response = octo.post("/availability", {"productId": "cruise", "optionId": "DEFAULT", "localDate": far})
    assert (response.status_code, response.content) == (200, b"[]")


@pytest.mark.django_db
def test_remembered_slot_texts_follow_seat_counts_and_moved_departures(octo, catalogue, reseller):
    """The per-process memory of slot texts holds only what the times decide: a second check still tells the truth."""
    from availability.models import Departure

    body = {"productId": "cruise", "optionId": "DEFAULT", **_window(catalogue, days=3)}
    first = octo.post("/availability", body).content.decode()
    moved, booked = Departure.objects.filter(schedule__options__product=catalogue.cruise).order_by("starts_at")[1:3]
    Departure.objects.filter(pk=moved.pk).update(starts_at=moved.starts_at + timedelta(minutes=15),
                                                 ends_at=moved.ends_at + timedelta(minutes=15))
    Departure.objects.filter(pk=booked.pk).update(confirmed=7)
    second = octo.post("/availability", body).content.decode()
    assert second != first
    assert second == _expected_text(catalogue, reseller, catalogue.cruise, body)
