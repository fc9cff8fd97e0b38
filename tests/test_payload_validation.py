"""Every payload is validated against its documented JSON Schema before it is served."""

import json
from datetime import date
from typing import Any

import pytest

from service import schemas
from service.encoding import BuildError, build_payload
from service.headers import JSON, HeaderPolicy
from service.validation import serialize

SECTION: dict[str, Any] = {
    "language": "en",
    "direction": "ltr",
    "article": "laser-treatment-for-stretch-marks",
    "id": "pain",
    "heading": None,
    "position": 1,
    "paragraphs": ["It may sting."],
    "blocks": [{"type": "paragraph", "text": [{"text": "It may sting."}]}],
    "translation": None,
    "links": {"self": "/s", "article": "/a", "previous": None, "next": None},
}
NARRATIVE = {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">x</div>'}
COMPOSITION = {
    "resource_type": "Composition",
    "language": "en",
    "text": NARRATIVE,
    "status": "final",
    "type": {"text": "Patient information"},
    "author": [{"display": "Clinic"}],
    "title": "Stretch marks",
    "section": [{"text": NARRATIVE}],
}
UNKNOWN = {
    "extension": [{"url": "http://hl7.org/fhir/data-absent-reason", "value_code": "unknown"}]
}


def test_a_valid_payload_is_served_as_dumped():
    body = serialize(schemas.SectionSchema(), SECTION, "section pain [en]")
    assert json.loads(body) == SECTION


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"id": None}, r"'id': \['null is not of type \"string\"'\]"),
        ({"direction": "up"}, r"'direction': \['\"up\" is not one of \"ltr\" or \"rtl\"'\]"),
        ({"position": 0}, r"'position': \['0 is less than the minimum of 1'\]"),
        ({"paragraphs": []}, r"'paragraphs': \['\[\] has less than 1 item'\]"),
        ({"links": {**SECTION["links"], "self": None}}, r"'links/self': \['null is not of type"),
    ],
)
def test_a_payload_violating_its_schema_stops_the_build(change, complaint):
    shape = r"^section pain \[en\]: payload does not match SectionSchema: \{.*"
    with pytest.raises(BuildError, match=shape + complaint):
        serialize(schemas.SectionSchema(), SECTION | change, "section pain [en]")


def test_a_missing_required_field_stops_the_build():
    incomplete = {key: value for key, value in SECTION.items() if key != "article"}
    with pytest.raises(BuildError, match=r"'\(payload\)': \['\"article\" is a required property'"):
        serialize(schemas.SectionSchema(), incomplete, "section pain [en]")


@pytest.mark.parametrize(
    "dates",
    [{}, {"date": date(2026, 1, 31), "date_element": UNKNOWN}],
    ids=["neither", "both"],
)
def test_a_composition_needs_exactly_one_of_date_and_its_absence(dates):
    serialize(schemas.FhirCompositionSchema(), COMPOSITION | {"date": date(2026, 1, 31)}, "fhir")
    serialize(schemas.FhirCompositionSchema(), COMPOSITION | {"date_element": UNKNOWN}, "fhir")
    with pytest.raises(BuildError, match=r"^fhir: payload does not match FhirCompositionSchema"):
        serialize(schemas.FhirCompositionSchema(), COMPOSITION | dates, "fhir")


@pytest.mark.parametrize(
    "value", ["/v1/articles/x\r\nSet-Cookie: a=b", "/v1/articles/x\nX: y", "/v1/artículos"]
)
def test_a_header_value_that_is_not_printable_ascii_stops_the_build(value):
    """Stored headers are sent unchecked per response, so the build checks them."""
    policy = HeaderPolicy(max_age=60, allowed_origins=("*",))
    with pytest.raises(BuildError, match="Content-Location"):
        build_payload(b"{}", "en", policy, JSON, extra=(("Content-Location", value),))
