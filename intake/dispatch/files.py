"""Rendering events for file-drop connectors: CSV (encoding, separator, decimal comma, date format) or JSON Lines."""

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from django.conf import settings

CSV_COLUMNS = [
    "event_id", "message_id", "topic", "event_time", "reference", "uuid", "status", "channel", "partner",
    "external_reference", "product", "option", "start", "participants", "pax", "total", "currency",
    "contact_name", "contact_email", "contact_phone", "language", "notes", "cancel_reason", "departure_id",
]


def _date(value: str | None, fmt: str, tz: str | None = None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return (moment.astimezone(ZoneInfo(tz)) if tz and moment.tzinfo else moment).strftime(fmt)


def money_text(minor: int | None, currency: str | None, *, decimal_comma: bool) -> str:
    if minor is None:
        return ""
    digits = get_currency_precision(currency) if currency else 2
    text = f"{minor / 10 ** digits:.{digits}f}" if digits else str(minor)
    return text.replace(".", ",") if decimal_comma else text


def csv_row(item: dict, connector) -> list[str]:
    """item: {"event_id", "message_id", "topic", "timestamp", "data"} (data: canonical document or event payload)."""
    doc = item["data"] or {}
    contact = doc.get("contact") or {}
    participants = doc.get("participants") or []
    values = {
        "event_id": item["event_id"],
        "message_id": item["message_id"],
        "topic": item["topic"],
        "event_time": _date(item["timestamp"], connector.date_format, settings.TIME_ZONE),
        "reference": doc.get("reference"),
        "uuid": doc.get("uuid"),
        "status": doc.get("status"),
        "channel": doc.get("channel"),
        "partner": doc.get("partner"),
        "external_reference": doc.get("external_reference"),
        "product": doc.get("product"),
        "option": doc.get("option"),
        "start": _date(doc.get("start") or doc.get("starts_at"), connector.date_format),
        "participants": " ".join(f"{p['unit']}={p['quantity']}" for p in participants),
        "pax": sum(p["quantity"] for p in participants) if participants else "",
        "total": money_text(doc.get("total_minor"), doc.get("currency"), decimal_comma=connector.decimal_comma)
        if "total_minor" in doc else "",
        "currency": doc.get("currency"),
        "contact_name": contact.get("name"),
        "contact_email": contact.get("email"),
        "contact_phone": contact.get("phone"),
        "language": doc.get("language"),
        "notes": doc.get("notes"),
        "cancel_reason": doc.get("cancel_reason") or doc.get("reason"),
        "departure_id": doc.get("departure_id"),
    }
    return ["" if values[c] is None else str(values[c]) for c in CSV_COLUMNS]


def render(items: list[dict], connector) -> bytes:
    if connector.file_format == "jsonl":
        lines = [json.dumps({"id": i["message_id"], "type": i["topic"], "timestamp": i["timestamp"], "data": i["data"]},
                            ensure_ascii=False) for i in items]
        return ("\n".join(lines) + "\n").encode("utf-8")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=connector.separator or ";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow(csv_row(item, connector))
    # Characters the target code page lacks become "?", so one odd name never blocks the whole file.
    return buffer.getvalue().encode(connector.encoding or "utf-8-sig", errors="replace")


def file_name(items: list[dict], connector, *, stamp: str) -> str:
    ext = "jsonl" if connector.file_format == "jsonl" else "csv"
    first, last = items[0], items[-1]
    if len(items) == 1 and connector.file_per == "order":
        reference = (first["data"] or {}).get("reference") or "event"
        return f"{stamp}-{first['event_id']:012d}-{reference}-{first['topic']}.{ext}"
    return f"orders-{stamp}-{first['event_id']:012d}-{last['event_id']:012d}.{ext}"
