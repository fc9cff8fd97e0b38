"""Unexpected failures: a problem+json 500 that leaks nothing, logged once."""

import logging

from service import create_app


def test_unexpected_exception_becomes_an_opaque_localized_500(translations_copy, caplog):
    app = create_app({"TRANSLATIONS_DIR": translations_copy})

    @app.get("/v1/explode")
    def explode():
        raise RuntimeError("secret detail in /srv/app/service/payloads.py")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/v1/explode", headers={"Accept-Language": "fr"})
    assert response.status_code == 500
    assert response.content_type == "application/problem+json; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    problem = response.get_json()
    assert problem["type"] == "urn:patient-info:problem:internal-error"
    assert problem["language"] == "fr"
    assert problem["title"] != "Internal server error"
    body = response.get_data(as_text=True)
    for leak in ("secret", "/srv/app", "payloads.py", "RuntimeError", "Traceback"):
        assert leak not in body
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info[0] is RuntimeError
