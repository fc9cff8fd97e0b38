"""The OpenAPI document: generated from the code, committed, served byte for byte."""

import yaml
from openapi_spec_validator import validate

from service.config import REPOSITORY_DIR
from service.openapi import EXAMPLE_SECTION, EXAMPLE_SLUG, render_document

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
        "getHealth",
        "getInfobuttonFeed",
        "getOpenApiDocument",
        "getReadiness",
        "getSection",
        "listArticles",
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
