"""The OpenAPI document: generated from the code, committed, served byte for byte."""

import shutil

import jsonschema_rs
import pytest
import yaml
from openapi_spec_validator import validate

from service import create_app
from service.config import PACKAGE_DIR, REPOSITORY_DIR
from service.errors import (
    BAD_REQUEST,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    PROBLEM_TYPES,
    REQUEST_ERROR,
)
from service.headers import CORS_EXPOSED_HEADERS
from service.openapi import render_document
from service.openapi_examples import (
    EXAMPLE_REQUEST_ID,
    EXAMPLE_SECTION,
    EXAMPLE_SLUG,
    PROBLEM_EXAMPLES,
)
from tests.helpers import SLUG

COMMITTED = REPOSITORY_DIR / "openapi.yaml"


def test_committed_document_is_what_the_code_generates(app):
    assert COMMITTED.read_bytes() == render_document(app), "run `make openapi` and commit"


def test_served_document_is_byte_identical_to_the_committed_one(client):
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.content_type == "application/yaml; charset=utf-8"
    assert response.data == COMMITTED.read_bytes()
    again = client.get("/openapi.yaml", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_every_deployment_serves_the_committed_document(tmp_path):
    """Served as committed, not rendered per app: a clinic's own content changes neither
    the document nor its ETag, though the examples a render makes would change with it
    (they are the app's own answers)."""
    content = tmp_path / "articles"
    shutil.copytree(PACKAGE_DIR / "content" / "articles", content)
    edited = content / f"{SLUG}.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace(
            "attribution: Project seed text", "attribution: A clinic's copy of seed text", 1
        ),
        encoding="utf-8",
    )
    app = create_app({"CONTENT_DIR": content})
    client = app.test_client()
    article = client.get(f"/v1/articles/{SLUG}").get_json()
    assert article["attribution"].startswith("A clinic's copy")
    assert render_document(app) != COMMITTED.read_bytes()
    assert client.get("/openapi.yaml").data == COMMITTED.read_bytes()


def test_document_is_valid_openapi_3_1():
    document = yaml.safe_load(COMMITTED.read_bytes())
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_documented_with_examples(app):
    document = yaml.safe_load(COMMITTED.read_bytes())
    rules = {
        rule.rule.replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    }
    assert set(document["paths"]) == rules
    # One GET per path, each with a readable operationId: a generated client's methods.
    operation_ids = []
    for path, operations in document["paths"].items():
        assert set(operations) == {"get"}, path
        operation_ids.append(operations["get"]["operationId"])
    assert sorted(operation_ids) == [
        "getArticle",
        "getBundle",
        "getHealth",
        "getInfobuttonFeed",
        "getOpenApiDocument",
        "getReadiness",
        "getSection",
        "listArticles",
        "listBundles",
        "listLanguages",
        "listSections",
        "searchArticles",
    ]
    # HEAD and OPTIONS, left out of the published document, for the fuzzing test.
    every_method = yaml.safe_load(render_document(app, every_method=True))
    for path, operations in every_method["paths"].items():
        assert set(operations) == {"get", "head", "options"}, path
        get_id = operations["get"]["operationId"]
        assert operations["head"]["operationId"] == f"{get_id}Head"
        assert operations["options"]["operationId"] == f"{get_id}Options"
    parameters = document["components"]["parameters"]
    assert parameters["slug"]["example"] == EXAMPLE_SLUG
    assert parameters["section_id"]["example"] == EXAMPLE_SECTION
    assert parameters["lang"]["example"] == "es"


def test_errors_are_documented_as_problem_json_not_422():
    document = yaml.safe_load(COMMITTED.read_bytes())
    for operations in document["paths"].values():
        assert "422" not in operations["get"]["responses"]
    not_found = document["components"]["responses"]["NotFound"]
    assert set(not_found["content"]) == {"application/problem+json"}


def _resolved(document: dict, item: dict) -> dict:
    while "$ref" in item:
        *_, kind, name = item["$ref"].split("/")
        item = document["components"][kind][name]
    return item


def test_query_parameters_are_plain_names_with_scalar_schemas(app):
    """Issue 21: no object-valued (form-exploded) query parameter, which generated clients
    send as `?code_lookup[code]=`: every query parameter is one name on the wire."""
    for published in (False, True):
        document = yaml.safe_load(render_document(app, every_method=published))
        query: dict[str, dict[str, dict]] = {}
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                for item in operation.get("parameters", []):
                    parameter = _resolved(document, item)
                    if parameter["in"] != "query":
                        continue
                    assert "[" not in parameter["name"], parameter["name"]
                    schema = _resolved(document, parameter["schema"])
                    assert schema["type"] in {"string", "integer"}, (path, parameter["name"])
                    assert not {"properties", "items", "style", "explode"} & (
                        set(schema) | set(parameter)
                    )
                    if "enum" in schema:
                        assert all(isinstance(value, str) for value in schema["enum"])
                    assert parameter["description"]
                    assert "example" in parameter
                    query.setdefault(f"{method} {path}", {})[parameter["name"]] = parameter
    articles = query["get /v1/articles"]
    assert {"code", "system", "modified_since", "page", "lang"} == set(articles)
    assert articles["code"]["schema"] == {"type": "string", "minLength": 1}
    assert "icd10cm" in articles["system"]["schema"]["enum"]
    assert "400" in articles["system"]["description"]
    assert "ICD-10-CM" in articles["code"]["description"]
    infobutton = query["get /v1/infobutton"]
    assert infobutton["mainSearchCriteria.v.c"]["required"] is True
    assert "mainSearchCriteria.v.cs" in infobutton
    assert not infobutton["mainSearchCriteria.v.cs"].get("required")
    assert query["head /v1/articles"] == articles


@pytest.fixture(scope="module")
def document() -> dict:
    return yaml.safe_load(COMMITTED.read_bytes())


def _responses(document: dict):
    """(where, response) for every response of every operation, references resolved."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                yield f"{method} {path} {status}", status, _resolved(document, response)


def test_every_response_documents_its_headers_by_reference(app, document):
    """CORS and X-Request-ID on every response, the validators on every 200, the
    problem's on every error; each header defined once, as a component."""
    headers = document["components"]["headers"]
    assert headers["Access-Control-Expose-Headers"]["schema"]["enum"] == [CORS_EXPOSED_HEADERS]
    for published in (document, yaml.safe_load(render_document(app, every_method=True))):
        for where, status, response in _responses(published):
            listed = response["headers"]
            assert all(set(header) == {"$ref"} for header in listed.values()), where
            assert {
                "X-Request-ID",
                "Access-Control-Allow-Origin",
                "Access-Control-Expose-Headers",
            } <= set(listed), where
            if status >= "400":
                assert listed["Cache-Control"]["$ref"].endswith("/NoStore"), where
                assert "Content-Language" in listed, where
    for path, operations in document["paths"].items():
        get = operations["get"]
        assert {"400", "500"} <= set(get["responses"]), path
        ok_headers = set(get["responses"]["200"]["headers"])
        parameters = {item["$ref"].rsplit("/", 1)[1] for item in get.get("parameters", [])}
        assert "Cache-Control" in ok_headers, path
        if "if_none_match" in parameters:
            assert "ETag" in ok_headers, path
            assert "304" in get["responses"], path
        if "page" in parameters:
            assert "Link" in ok_headers, path


def test_every_media_type_is_documented_with_real_examples(document):
    """Each 200 media type and each problem response has examples, which are what the app
    answered (service/openapi_examples.py), so they validate against their schemas."""
    paths = document["paths"]
    contents = {path: ops["get"]["responses"]["200"]["content"] for path, ops in paths.items()}
    assert list(contents["/v1/infobutton"]) == ["application/atom+xml", "application/json"]
    assert set(contents["/v1/articles/{slug}"]) == {
        "application/json",
        "application/ld+json",
        "application/fhir+json",
    }
    assert set(contents["/v1/articles/{slug}/sections/{section_id}"]) == {
        "application/json",
        "text/html",
    }
    # Left without: the document itself, those that change with every translation or
    # article (readiness counts them, the language list gives completeness, the bundle
    # index their ETags), and a bundle (every article of a language, whole).
    without = {"/openapi.yaml", "/readyz", "/v1/languages", "/v1/bundles"}
    without.add("/v1/bundles/{language}")
    components = document["components"]
    for path, content in contents.items():
        for media_type, media in content.items():
            assert ("examples" not in media) == (path in without), (path, media_type)
            for example in media.get("examples", {}).values():
                _assert_valid(components, media["schema"], example["value"], media_type)
    atom = contents["/v1/infobutton"]["application/atom+xml"]["examples"]["atomFeed"]["value"]
    assert atom.startswith("<?xml")
    assert "<feed" in atom
    html = contents["/v1/articles/{slug}/sections/{section_id}"]["text/html"]["examples"]
    assert html["htmlFragment"]["value"].startswith("<section")
    for name in PROBLEM_EXAMPLES:
        media = components["responses"][name]["content"]["application/problem+json"]
        assert len(media["examples"]) == len(PROBLEM_EXAMPLES[name]), name
        for example in media["examples"].values():
            _assert_valid(components, media["schema"], example["value"], name)
            assert example["value"]["request_id"] == EXAMPLE_REQUEST_ID


def _assert_valid(components: dict, schema: dict, value, where) -> None:
    if not isinstance(value, dict):
        assert schema["type"] == "string", where
        return
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": components})
    assert validator.is_valid(value), where


def test_problem_types_come_from_the_registry(document):
    """The Problem schema lists every type of errors.PROBLEM_TYPES (as the README does),
    and every type an operation can get has an example."""
    listed = document["components"]["schemas"]["Problem"]["properties"]["type"]["description"]
    assert "enum" not in document["components"]["schemas"]["Problem"]["properties"]["type"]
    for problem_type in PROBLEM_TYPES:
        assert f"`{problem_type.uri}`: " in listed
    examples = {
        example["value"]["type"]
        for response in document["components"]["responses"].values()
        for media in response.get("content", {}).values()
        for example in media.get("examples", {}).values()
    }
    # No request can bring these to an operation: werkzeug's generic 400s and 4xx (the
    # app answers what it can parse with its own types), not-found on no path, and 405
    # to no method an operation has (info.description tells of it).
    unreachable = {BAD_REQUEST.uri, REQUEST_ERROR.uri, NOT_FOUND.uri, METHOD_NOT_ALLOWED.uri}
    assert examples == {problem_type.uri for problem_type in PROBLEM_TYPES} - unreachable
