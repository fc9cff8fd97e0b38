"""Unexpected failures: a problem+json 500 that leaks nothing, logged once; the registry
of problem types."""

import ast
import logging

from service import create_app
from service.config import REPOSITORY_DIR
from service.errors import PROBLEM_TYPES, ProblemType


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


def _problem_type_calls() -> list[tuple[str, ast.Call]]:
    """Every `ProblemType(...)` written anywhere in the service: (file, call)."""
    calls = []
    for path in sorted((REPOSITORY_DIR / "service").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) == "ProblemType"
                or getattr(node.func, "attr", None) == "ProblemType"
            ):
                calls.append((str(path.relative_to(REPOSITORY_DIR)), node))
    return calls


def test_every_problem_type_in_the_code_is_registered():
    """PROBLEM_TYPES feeds the README's list: a type defined anywhere must be in it."""
    registered = {problem_type.name for problem_type in PROBLEM_TYPES}
    calls = _problem_type_calls()
    assert len(calls) > len(registered)  # the scan sees the definitions in errors.py
    for path, call in calls:
        names = [*call.args[:1], *(item.value for item in call.keywords if item.arg == "name")]
        if not names:  # ProblemType(**{**vars(REGISTERED), "status": ...}): a copy
            assert all(item.arg is None for item in call.keywords), (path, call.lineno)
            continue
        (name,) = names
        assert isinstance(name, ast.Constant), (path, call.lineno)
        assert isinstance(name.value, str), (path, call.lineno)
        assert name.value in registered, f"{path}:{call.lineno}: {name.value} is not registered"


def test_one_name_has_one_status_and_title():
    by_name: dict[str, ProblemType] = {}
    for problem_type in PROBLEM_TYPES:
        status_and_title = by_name.setdefault(problem_type.name, problem_type)
        assert (status_and_title.status, status_and_title.title) == (
            problem_type.status,
            problem_type.title,
        )
