"""Per-partner label templates kept in the admin, versioned, and read by the extractor."""

import json
from pathlib import Path

import pytest

from channels.email.label_templates import LabelTemplateError, label_template_save
from channels.email.models import PartnerLabelTemplate
from channels.email.parsing import catalogue_index_from_db, interpret_message
from intake.models import Partner
from intake.services.catalogue import catalogue_import

from .parse_fixtures import mail

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[3] / "demo" / "catalogue.json"
LAYOUT = ("Please book:\nTour: 50-minute river cruise\nSvc day: 23/03/2027\nTime: 14:30\nPax: 2 adults\n"
          "Pax lead: Jo Smith\nVch: 55-ABC-1")


@pytest.fixture
def concierge():
    catalogue_import(data=json.loads(DEMO.read_text(encoding="utf-8")), generate_days=0)
    return Partner.objects.get(code="city-concierge")


def _read(raw):
    return interpret_message(raw, catalogue=catalogue_index_from_db()).orders[0]


def test_a_saved_template_teaches_the_extractor_a_partners_fixed_layout(concierge):
    raw = mail(LAYOUT, sender="desk@charlesresidence.example")
    before = _read(raw)
    label_template_save(partner_id=concierge.pk, rules={"reference": ["Vch"], "name": ["Pax lead"],
                                                        "date": ["Svc day"]})
    after = _read(raw)
    assert (before.external_reference, before.contact_name) != ("55-ABC-1", "Jo Smith")
    assert (after.external_reference, after.contact_name, after.start) == (
        "55-ABC-1", "Jo Smith", "2027-03-23T14:30:00+01:00")


def test_each_save_is_a_new_version_and_only_the_newest_is_active(concierge):
    label_template_save(partner_id=concierge.pk, rules={"reference": ["Vch"]})
    label_template_save(partner_id=concierge.pk, rules={"reference": ["Voucher code"]})
    versions = list(PartnerLabelTemplate.objects.filter(partner=concierge).values_list("version", "active"))
    assert versions == [(2, True), (1, False)]
    assert catalogue_index_from_db().partner("city-concierge").label_template == {"reference": ["Voucher code"]}


@pytest.mark.parametrize("rules, word", [({"dat": ["Day"]}, "unknown field 'dat'"), ({"date": []}, "date"),
                                         ([], "rules must be an object")])
def test_a_broken_template_is_refused_with_the_reason(concierge, rules, word):
    with pytest.raises(LabelTemplateError, match=word):
        label_template_save(partner_id=concierge.pk, rules=rules)
    assert not PartnerLabelTemplate.objects.exists()


def test_changing_a_template_in_the_admin_adds_a_version_and_keeps_the_old(admin_client, concierge):
    first = label_template_save(partner_id=concierge.pk, rules={"reference": ["Vch"]})
    url = f"/admin/channel_email/partnerlabeltemplate/{first.pk}/change/"
    response = admin_client.post(url, {"partner": concierge.pk, "rules": json.dumps({"name": ["Pax lead"]}),
                                       "note": "lead name label"})
    assert response.status_code == 302
    first.refresh_from_db()
    newest = PartnerLabelTemplate.objects.get(partner=concierge, active=True)
    assert (first.rules, first.active) == ({"reference": ["Vch"]}, False)
    assert (newest.version, newest.rules, newest.created_by) == (2, {"name": ["Pax lead"]}, "admin")
    bad = admin_client.post(url, {"partner": concierge.pk, "rules": json.dumps({"when": ["Day"]})})
    assert bad.status_code == 200 and "unknown field" in bad.content.decode()
