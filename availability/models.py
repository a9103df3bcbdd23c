"""Catalogue (Product -> Option -> Unit), resources, schedules, departures and holds.

Shaped like OCTO so every channel maps onto it without loss. Seat counts on
Departure are changed only by availability.services (one conditional UPDATE
each); the CHECK constraints below are the last line of defence.
"""

import uuid

from django.db import models
from django.db.models import F, Q


class AvailabilityType(models.TextChoices):
    START_TIME = "START_TIME"
    OPENING_HOURS = "OPENING_HOURS"


class UnitType(models.TextChoices):
    ADULT = "ADULT"
    YOUTH = "YOUTH"
    CHILD = "CHILD"
    INFANT = "INFANT"
    SENIOR = "SENIOR"
    STUDENT = "STUDENT"
    FAMILY = "FAMILY"
    MILITARY = "MILITARY"
    OTHER = "OTHER"


class Product(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    # {"en": "...", "cs": "..."}: one entry per catalogue language.
    name = models.JSONField(default=dict)
    description = models.JSONField(default=dict, blank=True)
    timezone = models.CharField(max_length=64, default="Europe/Prague")
    availability_type = models.CharField(
        max_length=16, choices=AvailabilityType.choices, default=AvailabilityType.START_TIME
    )
    duration_minutes = models.PositiveIntegerField(default=60)
    booking_cutoff_minutes = models.PositiveIntegerField(default=0)
    booking_horizon_days = models.PositiveIntegerField(default=365)
    cancellation_cutoff_minutes = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="CZK")
    active = models.BooleanField(default=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.code

    def title(self, language: str = "en") -> str:
        return self.name.get(language) or self.name.get("en") or next(iter(self.name.values()), self.code)


class Option(models.Model):
    """A sellable variant of a product (e.g. the guide language)."""

    DEFAULT_CODE = "DEFAULT"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(max_length=64)
    name = models.JSONField(default=dict, blank=True)
    is_default = models.BooleanField(default=False)
    min_units = models.PositiveIntegerField(default=1)
    max_units = models.PositiveIntegerField(null=True, blank=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["product", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="option_code_per_product")]

    def __str__(self) -> str:
        return f"{self.product.code}/{self.code}"

    def title(self, language: str = "en") -> str:
        return self.name.get(language) or self.name.get("en") or self.code


class Unit(models.Model):
    """A ticket category of a product (ADULT, CHILD, ...) with its price."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="units")
    code = models.SlugField(max_length=64)
    type = models.CharField(max_length=16, choices=UnitType.choices)
    name = models.JSONField(default=dict, blank=True)
    min_age = models.PositiveIntegerField(default=0)
    max_age = models.PositiveIntegerField(null=True, blank=True)
    min_quantity = models.PositiveIntegerField(default=0)
    max_quantity = models.PositiveIntegerField(null=True, blank=True)
    price_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="CZK")
    requires_id = models.BooleanField(default=False)
    # Unit types that must be on the same booking, e.g. CHILD needs ["ADULT"].
    accompanied_by = models.JSONField(default=list, blank=True)
    seats_per_unit = models.PositiveIntegerField(default=1)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["product", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="unit_code_per_product")]

    def __str__(self) -> str:
        return f"{self.product.code}/{self.code}"

    def title(self, language: str = "en") -> str:
        return self.name.get(language) or self.name.get("en") or self.code


class Resource(models.Model):
    """A boat, a guide, a venue: what physically limits seats."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.code


class Schedule(models.Model):
    """Generates departures of one resource; every option listed sells them."""

    code = models.SlugField(max_length=64, unique=True)
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="schedules")
    options = models.ManyToManyField(Option, related_name="schedules")
    weekdays = models.JSONField(default=list)  # ISO 1=Monday .. 7=Sunday
    months = models.JSONField(default=list, blank=True)  # empty = all year
    start_times = models.JSONField(default=list)  # local "HH:MM"; OPENING_HOURS: opening time
    closing_time = models.CharField(max_length=5, blank=True)  # OPENING_HOURS only
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)  # None = free sale
    timezone = models.CharField(max_length=64, default="Europe/Prague")
    duration_minutes = models.PositiveIntegerField(default=60)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class DepartureStatus(models.TextChoices):
    OPEN = "open"
    CLOSED = "closed"


class Departure(models.Model):
    """One physical run of a resource: the row that holds capacity and counts."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="departures")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="departures")
    starts_at = models.DateTimeField()  # UTC
    ends_at = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    capacity = models.PositiveIntegerField(null=True, blank=True)  # None = free sale
    held = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)
    status = models.CharField(max_length=8, choices=DepartureStatus.choices, default=DepartureStatus.OPEN)
    closed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "starts_at"], name="one_departure_per_resource_time"),
            models.CheckConstraint(condition=Q(held__gte=0), name="held_not_negative"),
            models.CheckConstraint(condition=Q(confirmed__gte=0), name="confirmed_not_negative"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=F("held") + F("confirmed")),
                name="seats_within_capacity",
            ),
        ]
        indexes = [models.Index(fields=["schedule", "starts_at"], name="departure_schedule_start")]

    def __str__(self) -> str:
        return f"{self.resource.code} {self.starts_at:%Y-%m-%d %H:%M}Z"

    @property
    def vacancies(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.held - self.confirmed, 0)


class HoldStatus(models.TextChoices):
    HELD = "held"
    CONFIRMED = "confirmed"
    RELEASED = "released"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Hold(models.Model):
    """Seats taken on one departure: held until expiry, then confirmed or given back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    departure = models.ForeignKey(Departure, on_delete=models.PROTECT, related_name="holds")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default=HoldStatus.HELD)
    expires_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    test_mode = models.BooleanField(default=False)  # takes no real seats
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "expires_at"], name="hold_status_expiry"),
            models.Index(fields=["departure", "status"], name="hold_departure_status"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} on {self.departure_id} ({self.status})"
