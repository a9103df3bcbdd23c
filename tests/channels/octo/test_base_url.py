import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/octo", "/octo/", "/octo/no-such-endpoint"])
def test_base_url_and_unknown_paths_answer_octo_json_not_html(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "BAD_REQUEST"
