"""OCTO requests run through the short middleware list (config/lean_handler.py), the rest through the full one.

These call the project's real WSGI application, as gunicorn does, not the test
client (which always builds the full list).
"""

import io
import json
import sys

import pytest

from config.wsgi import application


def _call(path: str, *, method: str = "GET", body: bytes = b"", headers: dict | None = None):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"], started["headers"] = int(status.split()[0]), dict(response_headers)

    result = application(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        result.close()
    return started["status"], started["headers"], content


# transaction=True: the handler's request_finished signal closes a connection found inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_octo_availability_answers_through_the_short_list(catalogue, octo):
    body = json.dumps({"productId": "cruise", "optionId": "DEFAULT",
                       "localDate": catalogue.tomorrow.isoformat()}).encode()
    status, headers, content = _call("/octo/availability", method="POST", body=body,
                                     headers={"Authorization": f"Bearer {octo.key}"})
    assert status == 200, content
    assert len(json.loads(content)) == 2  # 10:30 and 14:30
    assert headers["X-Content-Type-Options"] == "nosniff"  # the security middleware ran
    assert "X-Frame-Options" not in headers  # the full list's clickjacking middleware did not
    assert "Cookie" not in headers.get("Vary", "")  # nor the session middleware


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/octo", "/octo/", "/octo/supplier"])
def test_octo_errors_stay_octo_json_on_the_short_list(path):
    status, headers, content = _call(path, headers={"Authorization": "Bearer wrong"})
    assert status in (400, 403)
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(content)["error"] in ("BAD_REQUEST", "FORBIDDEN")
    assert "X-Frame-Options" not in headers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/admin/login/", "/octopus/"])
def test_other_paths_keep_the_full_list(path):
    status, headers, _content = _call(path)
    assert headers["X-Frame-Options"] == "DENY"  # clickjacking middleware: the full list
    assert status in (200, 404)
