"""Orders in data attachments: CSV (separator and encoding sniffed) and JSON exports.

Each row or object becomes a list of labelled fields, mapped by the same
multilingual label lexicon as labelled mail text, so a partner's own export
format needs no code.
"""

from __future__ import annotations

import csv
import io
import json

from .charsets import decode_bytes
from .labels import Field, field_for_label
from .participants import category_of_word
from .mime import Attachment

_CSV_TYPES = {"text/csv", "text/comma-separated-values", "application/csv", "text/tab-separated-values",
              "application/vnd.ms-excel"}


def is_csv(attachment: Attachment) -> bool:
    return attachment.content_type in _CSV_TYPES or attachment.filename.lower().endswith((".csv", ".tsv"))


def is_json(attachment: Attachment) -> bool:
    return attachment.content_type in ("application/json", "text/json") or attachment.filename.lower().endswith(".json")


def csv_records(attachment: Attachment, *, language: str | None) -> list[list[Field]]:
    text, _ = decode_bytes(attachment.data, attachment.charset, language=language)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    sample = "\n".join(text.split("\n")[:5])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(";,\t|", key=sample.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    # The header is the row (of the first five) whose cells name the most known fields: exports often
    # start with a title line.
    scored = [(sum(1 for cell in row if cell.strip() and field_for_label(cell.strip())), i)
              for i, row in enumerate(rows[:5])]
    best, header_index = max(scored, default=(0, 0), key=lambda item: (item[0], -item[1]))
    if len(rows) < header_index + 2 or best < 2:
        return []
    header = [h.strip() for h in rows[header_index]]
    fields_for = [field_for_label(h) for h in header]
    records = []
    for row in rows[header_index + 1:]:
        if not any(cell.strip() for cell in row):
            continue
        records.append([
            Field(label, field, value.strip(), 0)
            for label, field, value in zip(header, fields_for, row)
            if value.strip()
        ])
    return records


def _flatten(value, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        out = []
        for key, inner in value.items():
            out += _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return [(prefix, ", ".join(str(v) for v in value))] if value else []
        return _category_counts(value, prefix)
    if value is None or value == "":
        return []
    return [(prefix, str(value))]


def _category_counts(items: list, prefix: str) -> list[tuple[str, str]]:
    """[{"type": "adult", "count": 2}, ...] -> ("prefix.adult", "2"), one per item that names a category."""
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        words = [v for v in item.values() if isinstance(v, str) and category_of_word(v.split()[0] if v.split() else v)]
        numbers = [v for v in item.values() if isinstance(v, int) and not isinstance(v, bool)]
        if words and numbers:
            out.append((f"{prefix}.{words[0]}", str(numbers[0])))
    return out


def _record_lists(value) -> list[list[dict]]:
    found = []
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        found.append(value)
    if isinstance(value, dict):
        for inner in value.values():
            found += _record_lists(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _record_lists(inner)
    return found


def _json_label(path: str) -> tuple[str, str | None]:
    parts = path.split(".")
    last = parts[-1].replace("_", " ")
    field = field_for_label(last)
    if field is None and len(parts) > 1:
        field = field_for_label(f"{parts[-2].replace('_', ' ')} {last}") or field_for_label(parts[-2].replace("_", " "))
        if field in ("persons",) and last not in ("total", "count"):
            field = None
    if field == "count:PERSON":
        field = "persons"
    return path, field


def json_records(attachment: Attachment, *, language: str | None) -> list[list[Field]]:
    text, _ = decode_bytes(attachment.data, attachment.charset or "utf-8", language=language)
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except ValueError:
        return []
    lists = _record_lists(data)
    if not lists:
        return [] if not isinstance(data, dict) else [_record(data)]
    # the list whose items say the most (bookings, not the passengers inside each booking)
    best = max(lists, key=lambda items: (sum(1 for f in _record(items[0]) if f.field), len(items)))
    return [_record(item) for item in best]


def _record(item: dict) -> list[Field]:
    fields = []
    for path, value in _flatten(item):
        label, field = _json_label(path)
        fields.append(Field(label, field, value, 0))
    return fields


def attachment_records(attachments: list[Attachment], *, language: str | None) -> list[list[Field]]:
    records: list[list[Field]] = []
    for attachment in attachments:
        if is_csv(attachment):
            records += csv_records(attachment, language=language)
        elif is_json(attachment):
            records += json_records(attachment, language=language)
    return [r for r in records if r]
