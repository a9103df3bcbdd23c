"""The sample corpus (../shared/samples/emails): accuracy per field and per file, with the issue's bars.

Run with -s to see the table; it is also written to $VAR_DIR (or var/)/email-corpus-accuracy.txt.
Bars: >= 95 % of the expected orders right in every field, no order from a mail that is not an order,
every duplicate detected. Kind, partner, inquiry, cancellation, modification and expect_exception are
checked too.
"""

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from channels.email.ingest.identity import message_identity
from channels.email.parsing import catalogue_index_from_file, interpret_message

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT.parent / "shared" / "samples" / "emails"
ORDER_FIELDS = ("product", "option", "start", "participants", "contact_name", "contact_phone", "contact_email",
                "external_reference", "language")
MESSAGE_FIELDS = ("kind", "partner", "inquiry", "cancellation", "modification", "expect_exception", "duplicate_of")

pytestmark = pytest.mark.skipif(
    not (CORPUS / "expected.json").exists(), reason=f"the sample corpus is not at {CORPUS} (CI checks out ../shared)"
)


def _same(expected, got) -> bool:
    """A sub-record (inquiry, cancellation, ...) is right when every key the corpus gives matches."""
    if expected is None or got is None:
        return expected == got
    return all(got.get(key) == value for key, value in expected.items())


def corpus_results() -> list[dict]:
    catalogue = catalogue_index_from_file(CORPUS / "catalogue.json")
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    seen: dict[tuple[str, str], str] = {}
    results = []
    for record in expected:
        raw = (CORPUS / record["file"]).read_bytes()
        identity = message_identity(raw)
        got = interpret_message(raw, catalogue=catalogue).model_dump(mode="json")
        key = (identity.message_id, identity.content_sha256)
        if key in seen:
            got.update(kind="duplicate", duplicate_of=seen[key], orders=[])
        seen.setdefault(key, record["file"])
        results.append({"file": record["file"], "expected": record, "got": got})
    return results


def accuracy(results: list[dict]) -> dict:
    fields = Counter()
    fields_total = Counter()
    per_file = []
    orders_right = orders_total = 0
    for result in results:
        expected, got = result["expected"], result["got"]
        wrong = []
        for name in MESSAGE_FIELDS:
            ok = _same(expected[name], got[name]) if name in ("inquiry", "cancellation", "modification") \
                else expected[name] == got[name]
            fields_total[name] += 1
            fields[name] += ok
            if not ok:
                wrong.append(f"{name}={got[name]!r} (expected {expected[name]!r})")
        for index, order in enumerate(expected["orders"]):
            mine = got["orders"][index] if index < len(got["orders"]) else {}
            orders_total += 1
            order_ok = True
            for name in ORDER_FIELDS:
                ok = mine.get(name) == order[name]
                fields_total[f"order.{name}"] += 1
                fields[f"order.{name}"] += ok
                if not ok:
                    order_ok = False
                    wrong.append(f"order{index + 1}.{name}={mine.get(name)!r} (expected {order[name]!r})")
            orders_right += order_ok
        if len(got["orders"]) > len(expected["orders"]):
            wrong.append(f"{len(got['orders']) - len(expected['orders'])} order(s) too many")
        per_file.append((result["file"], wrong))
    not_orders = [r for r in results if r["expected"]["kind"] not in ("order", "orders")]
    return {
        "fields": {name: (fields[name], fields_total[name]) for name in fields_total},
        "per_file": per_file,
        "orders_right": orders_right,
        "orders_total": orders_total,
        "orders_from_not_orders": sum(len(r["got"]["orders"]) for r in not_orders),
        "duplicates_missed": [r["file"] for r in results
                              if r["expected"]["kind"] == "duplicate" and r["got"]["duplicate_of"] != r["expected"]["duplicate_of"]],
    }


def report(summary: dict) -> str:
    lines = ["field                      right / total", "-" * 40]
    for name, (right, total) in summary["fields"].items():
        lines.append(f"{name:26} {right:5} / {total:<5} {100 * right / total:6.1f} %")
    lines += ["", f"orders exactly right: {summary['orders_right']} / {summary['orders_total']}",
              f"orders made from mail that is not an order: {summary['orders_from_not_orders']}",
              f"duplicates missed: {summary['duplicates_missed'] or 'none'}", "", "per file:"]
    for name, wrong in summary["per_file"]:
        lines.append(f"  {'ok ' if not wrong else 'BAD'} {name}")
        lines += [f"        {w}" for w in wrong]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def summary():
    result = accuracy(corpus_results())
    text = report(result)
    print("\n" + text)
    out = Path(os.environ.get("VAR_DIR") or ROOT / "var")
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "email-corpus-accuracy.txt").write_text(text + "\n", encoding="utf-8")
    except OSError:
        pass
    return result


def test_at_least_95_percent_of_expected_orders_are_right_in_every_field(summary):
    assert summary["orders_right"] >= 0.95 * summary["orders_total"], report(summary)


def test_no_order_is_made_from_mail_that_is_not_an_order(summary):
    assert summary["orders_from_not_orders"] == 0, report(summary)


def test_every_duplicate_is_detected(summary):
    assert not summary["duplicates_missed"], report(summary)


@pytest.mark.parametrize("field", MESSAGE_FIELDS)
def test_message_level_field_is_right_for_at_least_95_percent_of_files(summary, field):
    right, total = summary["fields"][field]
    assert right >= 0.95 * total, report(summary)


def test_every_expected_order_field_is_right_for_at_least_95_percent_of_orders(summary):
    low = {name: v for name, v in summary["fields"].items() if name.startswith("order.") and v[0] < 0.95 * v[1]}
    assert not low, report(summary)


def test_canary_without_the_header_checks_machine_mail_is_misread(monkeypatch):
    """The not-an-order bars are only meaningful if the corpus's machine mail would be misread without the
    header checks (auto-reply, newsletter, bounce, reply to us): the newsletter's bait becomes a question."""
    from channels.email.parsing import pipeline

    monkeypatch.setattr(pipeline, "not_an_order_reason", lambda mail, catalogue: None)
    monkeypatch.setattr(pipeline, "is_reply_to_us", lambda mail, catalogue: False)
    summary = accuracy(corpus_results())
    right, total = summary["fields"]["kind"]
    assert right < total
