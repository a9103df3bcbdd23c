import pytest
from django.core.exceptions import ValidationError

from channels.form.models import FormToken, origin_is_valid
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("origin", ["https://www.hotel.example", "http://127.0.0.1:8000", "http://localhost:8000"])
def test_bare_origins_are_accepted(origin):
    assert origin_is_valid(origin)


@pytest.mark.parametrize("origin", [
    "https://www.hotel.example/", "https://www.hotel.example/booking", "www.hotel.example", "*",
    "https://Hotel.example", "https://a.example https://b.example", "https://a.example;script-src *",
    "javascript:alert(1)",
])
def test_anything_but_a_bare_origin_is_refused(origin):
    assert not origin_is_valid(origin)


def test_form_token_with_a_bad_origin_does_not_validate():
    form_token = FormToken(partner=make_partner(), allowed_origins=["https://ok.example", "https://bad.example/x"])
    with pytest.raises(ValidationError) as error:
        form_token.full_clean()
    assert "allowed_origins" in error.value.message_dict


def test_new_form_tokens_are_random_and_distinct():
    partner = make_partner()
    first, second = FormToken.objects.create(partner=partner), FormToken.objects.create(partner=partner)
    assert first.token != second.token and len(first.token) >= 16
