"""The only code that changes seat counts.

Every change is one conditional UPDATE on the departure row, so the database
decides who gets the last seat, on PostgreSQL and on SQLite alike; no count is
read into Python and written back. Hold rows change state with a conditional
UPDATE too, so a hold is confirmed, released or expired exactly once.
"""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.utils import timezone

from availability.errors import (
    CapacityBelowSold,
    DepartureClosed,
    HoldExpired,
    HoldNotFound,
    InvalidHoldState,
    SoldOut,
)
from availability.models import Departure, DepartureStatus, Hold, HoldStatus
from availability.services import seats_combined
from availability.services.seats_combined import SEATS_FIT


# The two seat-count UPDATEs run on every booking; written as SQL they cost a
# seventh of the CPU of the same statements built by the ORM (bench/README.md).
_DEPARTURE_TABLE = Departure._meta.db_table
_COUNT_FIELDS = ("held", "confirmed")


def _seats_take(*, departure_id: int, quantity: int, field: str = "held") -> bool:
    """Add `quantity` to `field` (held or confirmed) if it fits; True when the row was updated."""
    if field not in _COUNT_FIELDS:
        raise ValueError(f"not a seat count: {field!r}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_DEPARTURE_TABLE} SET {field} = {field} + %s WHERE id = %s AND {SEATS_FIT}",
            [quantity, departure_id, DepartureStatus.OPEN, quantity],
        )
        return cursor.rowcount == 1


def _seats_shift(*, departure_id: int, held: int = 0, confirmed: int = 0) -> None:
    """Move counts that are already ours (release, confirm, cancel): never needs capacity."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_DEPARTURE_TABLE} SET held = held + %s, confirmed = confirmed + %s WHERE id = %s",
            [held, confirmed, departure_id],
        )


def _refuse(departure_id: int, quantity: int) -> None:
    departure = Departure.objects.filter(pk=departure_id).only("status", "capacity", "held", "confirmed").first()
    if departure is None:
        raise InvalidHoldState(f"departure {departure_id} does not exist", departure_id=departure_id)
    if departure.status != DepartureStatus.OPEN:
        raise DepartureClosed(f"departure {departure_id} is closed", departure_id=departure_id)
    raise SoldOut(departure_id, departure.vacancies, quantity)


def departure_holds_expire(*, departure_id: int | None = None, now: datetime | None = None) -> int:
    """Give back the seats of holds past their expiry; returns how many holds expired.

    One UPDATE ... RETURNING flips the holds, so two workers never both count
    the same hold; the seats go back in the same transaction.
    """
    now = now or timezone.now()
    sql = (
        f"UPDATE {Hold._meta.db_table} SET status = %s, updated_at = %s "
        "WHERE status = %s AND expires_at IS NOT NULL AND expires_at <= %s"
    )
    params: list = [HoldStatus.EXPIRED, now, HoldStatus.HELD, now]
    if departure_id is not None:
        sql += " AND departure_id = %s"
        params.append(departure_id)
    sql += " RETURNING departure_id, quantity, test_mode"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        released: dict[int, int] = {}
        for dep_id, quantity, test_mode in rows:
            if not test_mode:
                released[dep_id] = released.get(dep_id, 0) + quantity
        for dep_id, quantity in released.items():
            _seats_shift(departure_id=dep_id, held=-quantity)
    return len(rows)


def departure_hold(
    *,
    departure_id: int,
    quantity: int,
    ttl: timedelta | None,
    reference: str = "",
    test_mode: bool = False,
) -> Hold:
    """Hold `quantity` seats; raises SoldOut or DepartureClosed. ttl=None holds until released."""
    now = timezone.now()
    return _hold_take(departure_id=departure_id, quantity=quantity, status=HoldStatus.HELD, now=now,
                      expires_at=now + ttl if ttl is not None else None, reference=reference, test_mode=test_mode)


def departure_book(*, departure_id: int, quantity: int, reference: str = "", test_mode: bool = False) -> Hold:
    """Take seats straight into confirmed (a booking with no hold step): one conditional UPDATE."""
    return _hold_take(departure_id=departure_id, quantity=quantity, status=HoldStatus.CONFIRMED,
                      now=timezone.now(), expires_at=None, reference=reference, test_mode=test_mode)


def _hold_take(*, departure_id: int, quantity: int, status: str, now: datetime, expires_at: datetime | None,
               reference: str, test_mode: bool) -> Hold:
    if quantity <= 0:
        raise InvalidHoldState("a hold needs at least one seat", quantity=quantity)
    reference = reference[:200]
    if not test_mode and seats_combined.available():
        hold = seats_combined.hold_take(departure_id=departure_id, quantity=quantity, status=status, now=now,
                                        expires_at=expires_at, reference=reference)
        if hold is not None:
            return hold
    field = "held" if status == HoldStatus.HELD else "confirmed"
    with transaction.atomic():
        if test_mode:
            departure_holds_expire(departure_id=departure_id, now=now)
            _check_fits_without_taking(departure_id, quantity)
        elif not _seats_take(departure_id=departure_id, quantity=quantity, field=field):
            # Lazy expiry: this departure's expired holds are swept when they stand in the way
            # (not on every hold: that cost three round trips per booking).
            departure_holds_expire(departure_id=departure_id, now=now)
            if not _seats_take(departure_id=departure_id, quantity=quantity, field=field):
                _refuse(departure_id, quantity)
        return Hold.objects.create(
            departure_id=departure_id,
            quantity=quantity,
            status=status,
            expires_at=expires_at,
            reference=reference,
            test_mode=test_mode,
        )


def _check_fits_without_taking(departure_id: int, quantity: int) -> None:
    departure = Departure.objects.filter(pk=departure_id).only("status", "capacity", "held", "confirmed").first()
    if departure is None or departure.status != DepartureStatus.OPEN:
        raise DepartureClosed(f"departure {departure_id} is closed", departure_id=departure_id)
    if departure.vacancies is not None and departure.vacancies < quantity:
        raise SoldOut(departure_id, departure.vacancies, quantity)


def _hold_transition(hold: Hold, *, src: str, dst: str, extra_filter: Q | None = None) -> bool:
    query = Hold.objects.filter(pk=hold.pk, status=src)
    if extra_filter is not None:
        query = query.filter(extra_filter)
    return query.update(status=dst, updated_at=timezone.now()) == 1


def _get(hold_id, *, lock: bool = False) -> Hold:
    query = Hold.objects.select_for_update() if lock else Hold.objects
    hold = query.filter(pk=hold_id).first()
    if hold is None:
        raise HoldNotFound(f"hold {hold_id} not found", hold_id=str(hold_id))
    return hold


def _hold_confirm_if_alive(hold: Hold, *, now: datetime) -> bool:
    """HELD and not expired -> CONFIRMED without expiry, in one UPDATE.

    RETURNING gives the departure and size as they are at that moment, so a
    hold_change() that committed after `hold` was read cannot make us move
    the seats of the wrong departure; `hold` is updated in place.
    """
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Hold._meta.db_table} SET status = %s, expires_at = NULL, updated_at = %s "
            "WHERE id = %s AND status = %s AND (expires_at IS NULL OR expires_at > %s) "
            "RETURNING departure_id, quantity",
            [HoldStatus.CONFIRMED, ops.adapt_datetimefield_value(now), Hold._meta.pk.get_db_prep_value(hold.pk, connection),
             HoldStatus.HELD, ops.adapt_datetimefield_value(now)],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    hold.departure_id, hold.quantity = row
    hold.status, hold.expires_at, hold.updated_at = HoldStatus.CONFIRMED, None, now
    return True


def hold_confirm(*, hold_id) -> Hold:
    """Turn held seats into confirmed ones. Confirming twice is harmless."""
    if seats_combined.available():
        hold = seats_combined.hold_confirm(hold_id=hold_id, now=timezone.now())
        if hold is not None:
            return hold
    with transaction.atomic():
        hold = _get(hold_id)
        if hold.status == HoldStatus.CONFIRMED:
            return hold
        now = timezone.now()
        if _hold_confirm_if_alive(hold, now=now):
            if not hold.test_mode:
                _seats_shift(departure_id=hold.departure_id, held=-hold.quantity, confirmed=hold.quantity)
            return hold
        # Raised after the block, so the expiry (seats given back) is kept, not rolled back with the error.
        departure_holds_expire(departure_id=hold.departure_id, now=now)
        hold.refresh_from_db()
    if hold.status == HoldStatus.EXPIRED:
        raise HoldExpired(f"hold {hold_id} expired", hold_id=str(hold_id))
    raise InvalidHoldState(f"hold {hold_id} is {hold.status}", hold_id=str(hold_id), status=hold.status)


def hold_extend(*, hold_id, ttl: timedelta) -> Hold:
    with transaction.atomic():
        hold = _get(hold_id)
        now = timezone.now()
        alive = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        updated = Hold.objects.filter(alive, pk=hold.pk, status=HoldStatus.HELD).update(expires_at=now + ttl)
        if updated:
            hold.refresh_from_db()
            return hold
        departure_holds_expire(departure_id=hold.departure_id, now=now)  # kept: raised after the block
    raise HoldExpired(f"hold {hold_id} is no longer held", hold_id=str(hold_id))


def hold_release(*, hold_id) -> Hold:
    """Give back held or confirmed seats (a cancelled hold or booking). Repeats are harmless."""
    with transaction.atomic():
        hold = _get(hold_id)
        if hold.status == HoldStatus.HELD:
            if _hold_transition(hold, src=HoldStatus.HELD, dst=HoldStatus.RELEASED) and not hold.test_mode:
                _seats_shift(departure_id=hold.departure_id, held=-hold.quantity)
        elif hold.status == HoldStatus.CONFIRMED:
            if _hold_transition(hold, src=HoldStatus.CONFIRMED, dst=HoldStatus.CANCELLED) and not hold.test_mode:
                _seats_shift(departure_id=hold.departure_id, confirmed=-hold.quantity)
        hold.refresh_from_db()
        return hold


def hold_change(*, hold_id, departure_id: int, quantity: int) -> Hold:
    """Move a live hold or booking to another departure and/or size; all or nothing.

    New seats are taken (conditionally) before the old ones are given back, so
    a failed change leaves the booking exactly as it was.
    """
    if quantity <= 0:
        raise InvalidHoldState("a hold needs at least one seat", quantity=quantity)
    with transaction.atomic():
        hold = _get(hold_id, lock=True)  # a concurrent release must wait for us
        if hold.status not in (HoldStatus.HELD, HoldStatus.CONFIRMED):
            raise InvalidHoldState(f"hold {hold_id} is {hold.status}", hold_id=str(hold_id), status=hold.status)
        if hold.departure_id == departure_id and hold.quantity == quantity:
            return hold
        field = "held" if hold.status == HoldStatus.HELD else "confirmed"
        if not hold.test_mode:
            departure_holds_expire(departure_id=departure_id)
            same = hold.departure_id == departure_id
            extra = quantity - hold.quantity if same else quantity
            if extra > 0:
                if not _seats_take(departure_id=departure_id, quantity=extra):
                    _refuse(departure_id, extra)
                if field == "confirmed":
                    _seats_shift(departure_id=departure_id, held=-extra, confirmed=extra)
            elif extra < 0:
                _seats_shift(departure_id=departure_id, **{field: extra})
            if not same:
                _seats_shift(departure_id=hold.departure_id, **{field: -hold.quantity})
        # Guard on status so a concurrent release cannot be overwritten.
        moved = Hold.objects.filter(pk=hold.pk, status=hold.status).update(
            departure_id=departure_id, quantity=quantity, updated_at=timezone.now()
        )
        if not moved:
            raise InvalidHoldState(f"hold {hold_id} changed meanwhile", hold_id=str(hold_id))
        hold.refresh_from_db()
        return hold


def departure_close(*, departure_id: int, reason: str) -> Departure:
    with transaction.atomic():
        Departure.objects.filter(pk=departure_id).update(status=DepartureStatus.CLOSED, closed_reason=reason[:200])
        return Departure.objects.get(pk=departure_id)


def departure_capacity_set(*, departure_id: int, capacity: int | None) -> Departure:
    """Change the capacity (a smaller boat replaces the usual one); None means free sale.

    One conditional UPDATE: refused, not clipped, when more seats are already
    taken than the new capacity, so a booking racing with the change is never
    oversold.
    """
    query = Departure.objects.filter(pk=departure_id)
    if capacity is not None:
        query = query.filter(held__lte=Value(capacity) - F("confirmed"))
    if not query.update(capacity=capacity):
        taken = Departure.objects.filter(pk=departure_id).values_list(F("held") + F("confirmed"), flat=True).first()
        raise CapacityBelowSold(f"{taken} seats are already taken", departure_id=departure_id, taken=taken)
    return Departure.objects.get(pk=departure_id)


def departure_reopen(*, departure_id: int) -> Departure:
    with transaction.atomic():
        Departure.objects.filter(pk=departure_id).update(status=DepartureStatus.OPEN, closed_reason="")
        return Departure.objects.get(pk=departure_id)
