"""GET /v1/infobutton: HL7 Infobutton requests as MedlinePlus Connect clients send them,
answered in our languages as Atom XML (parsed here with an XML parser) and as
MedlinePlus Connect's JSON."""

import datetime
import json
from html.parser import HTMLParser
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from service import create_app
from service.infobutton import summary_html
from tests.helpers import ICD10CM_OID, SLUG

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# (informationRecipient.languageCode.c as a MedlinePlus client sends it, language served)
RECIPIENT_LANGUAGES = [("en", "en"), ("sp", "es"), ("ar", "ar")]


def request_feed(client, code, language, system=ICD10CM_OID, response_type=None, **extra):
    parameters = {"mainSearchCriteria.v.c": code}
    if system:
        parameters["mainSearchCriteria.v.cs"] = system
    if language is not None:
        parameters["informationRecipient.languageCode.c"] = language
    if response_type:
        parameters["knowledgeResponseType"] = response_type
    parameters.update(extra)
    return client.get(f"/v1/infobutton?{urlencode(parameters)}")


def one(element, name: str) -> ElementTree.Element:
    (found,) = element.findall(f"{ATOM}{name}")
    return found


def text_of(element: ElementTree.Element, name: str) -> str:
    """The text of the one child element `name`; it must have some."""
    text = one(element, name).text
    assert text is not None, name
    return text


def rfc3339(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None
    return moment


def parse_atom(response) -> ElementTree.Element:
    """The feed, checked for what RFC 4287 requires of a feed and its entries."""
    assert response.status_code == 200, response.data
    assert response.content_type == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.data)  # noqa: S314 (our own response)
    assert root.tag == f"{ATOM}feed"
    assert all(element.tag.startswith(ATOM) for element in root.iter())
    assert text_of(root, "id").startswith("urn:")
    assert text_of(root, "title")
    rfc3339(text_of(root, "updated"))
    assert text_of(one(root, "author"), "name")
    for entry in root.findall(f"{ATOM}entry"):
        assert text_of(entry, "id").startswith("urn:")
        assert text_of(entry, "title")
        rfc3339(text_of(entry, "updated"))
        assert [link.get("rel") for link in entry.findall(f"{ATOM}link")] == ["alternate"]
        assert one(entry, "summary").get("type") == "html"
    return root


class Paragraphs(HTMLParser):
    """(attributes, text) of each <p> and list item in a summary (v1's paragraphs: one
    per item), and the attributes of its <div>."""

    def __init__(self, html: str):
        super().__init__()
        self.block: dict[str, str | None] | None = None
        self.paragraphs: list[tuple[dict[str, str | None], str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "div":
            self.block = dict(attrs)
        elif tag in ("p", "li"):
            self.paragraphs.append((dict(attrs), ""))
        else:
            assert tag in ("ul", "ol"), tag

    def handle_data(self, data):
        attributes, text = self.paragraphs[-1]
        self.paragraphs[-1] = (attributes, text + data)


def article_in(client, language: str) -> dict:
    return json.loads(client.get(f"/v1/articles/{SLUG}?lang={language}").data)


def expected_summary(client, language: str) -> list[str]:
    """What an entry summarizes: the opening section, review status and disclaimer."""
    article = article_in(client, language)
    return [
        *article["sections"][0]["paragraphs"],
        article["clinical_review"]["summary"],
        article["disclaimer"]["text"],
    ]


@pytest.mark.parametrize(("recipient", "language"), RECIPIENT_LANGUAGES)
@pytest.mark.parametrize("code", ["L90.6", "L90.62", "l9062", "L90.6291"])
def test_atom_feed_walks_up_to_the_nearest_article(client, recipient, language, code):
    response = request_feed(client, code, recipient)
    root = parse_atom(response)
    assert root.get(XML_LANG) == language
    assert response.headers["Content-Language"] == language
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.get(XML_LANG) == language
    article = article_in(client, language)
    assert text_of(entry, "title") == article["title"]
    assert one(entry, "title").get("type") == "text"
    link = one(entry, "link")
    assert link.attrib == {
        "href": f"/v1/articles/{SLUG}?lang={language}",
        "rel": "alternate",
        "type": "application/json",
        "hreflang": language,
        "title": article["title"],
    }
    # The link is the article's canonical URL in the feed's language.
    assert client.get(link.get("href")).headers["Content-Location"] == link.get("href")
    summary = Paragraphs(text_of(entry, "summary"))
    direction = "rtl" if language == "ar" else "ltr"
    assert summary.block == {"lang": language, "dir": direction}
    assert summary.paragraphs == [({}, text) for text in expected_summary(client, language)]
    categories = [(c.get("scheme"), c.get("term")) for c in root.findall(f"{ATOM}category")]
    assert categories == [
        ("mainSearchCriteria.v.c", code),
        ("mainSearchCriteria.v.cs", ICD10CM_OID),
        ("informationRecipient.languageCode.c", recipient),
    ]


@pytest.mark.parametrize(("recipient", "language"), RECIPIENT_LANGUAGES)
def test_json_feed_mirrors_medlineplus_connect(client, recipient, language):
    response = request_feed(
        client,
        "L90.62",
        recipient,
        response_type="application/json",
        **{"mainSearchCriteria.v.dn": "Striae <atrophicae> & co"},
    )
    assert response.status_code == 200
    assert response.content_type == "application/json; charset=utf-8"
    feed = json.loads(response.data)["feed"]
    assert feed["lang"] == language
    for name in ("title", "subtitle", "updated", "id"):
        assert isinstance(feed[name]["_value"], str)
        assert feed[name]["_value"]
    assert feed["title"]["type"] == feed["subtitle"]["type"] == "text"
    assert "L90.62" in feed["subtitle"]["_value"]
    assert "ICD-10-CM" in feed["subtitle"]["_value"]
    assert feed["author"]["name"]["_value"]
    assert feed["category"] == [
        {"scheme": "mainSearchCriteria.v.c", "term": "L90.62"},
        {"scheme": "mainSearchCriteria.v.cs", "term": ICD10CM_OID},
        {"scheme": "mainSearchCriteria.v.dn", "term": "Striae <atrophicae> & co"},
        {"scheme": "informationRecipient.languageCode.c", "term": recipient},
    ]
    (entry,) = feed["entry"]
    article = article_in(client, language)
    assert entry["lang"] == language
    assert entry["title"] == {"_value": article["title"], "type": "text"}
    assert entry["link"] == [
        {
            "href": f"/v1/articles/{SLUG}?lang={language}",
            "rel": "alternate",
            "type": "application/json",
            "hreflang": language,
            "title": article["title"],
        }
    ]
    assert entry["id"] == {"_value": f"urn:patient-info:article:{SLUG}:{language}"}
    rfc3339(entry["updated"]["_value"])
    assert entry["summary"]["type"] == "html"
    paragraphs = Paragraphs(entry["summary"]["_value"]).paragraphs
    assert [text for _, text in paragraphs] == expected_summary(client, language)
    # The same feed as the Atom one, element for element.
    atom = parse_atom(request_feed(client, "L90.62", recipient))
    (atom_entry,) = atom.findall(f"{ATOM}entry")
    assert text_of(atom_entry, "summary") == entry["summary"]["_value"]
    assert text_of(atom, "id") == feed["id"]["_value"]
    assert text_of(atom, "subtitle") == feed["subtitle"]["_value"]


def test_summaries_escape_html():
    html = summary_html(
        "<ul><li>A list</li></ul>", [('Say "no" to <script> & co', "en"), ("مرحبا", "ar")], "en"
    )
    assert html == (
        '<div lang="en" dir="ltr"><ul><li>A list</li></ul>'
        '<p>Say "no" to &lt;script&gt; &amp; co</p>'
        '<p lang="ar" dir="rtl">مرحبا</p></div>'
    )
    assert Paragraphs(html).paragraphs == [
        ({}, "A list"),
        ({}, 'Say "no" to <script> & co'),
        ({"lang": "ar", "dir": "rtl"}, "مرحبا"),
    ]


@pytest.mark.parametrize(
    ("recipient", "accept_language", "language"),
    [
        ("sp", "", "es"),
        ("SP", "", "es"),
        ("es-MX", "", "es"),
        ("ar-EG", "", "ar"),
        ("zh-CN", "", "zh-Hans"),
        ("pt", "", "pt-BR"),
        ("en-US", "es", "en"),
        (None, "ar", "ar"),  # no recipient language: Accept-Language decides
        (None, "", "en"),
        ("tlh", "es", "es"),  # not offered: Accept-Language, then English
        ("not a tag", "ar", "ar"),  # malformed: ignored, never a 400 for an EHR
    ],
)
def test_recipient_language_is_negotiated_like_lang(client, recipient, accept_language, language):
    parameters = {"mainSearchCriteria.v.c": "L90.6", "knowledgeResponseType": "application/json"}
    if recipient is not None:
        parameters["informationRecipient.languageCode.c"] = recipient
    response = client.get(
        f"/v1/infobutton?{urlencode(parameters)}", headers={"Accept-Language": accept_language}
    )
    feed = json.loads(response.data)["feed"]
    assert feed["lang"] == feed["entry"][0]["lang"] == language
    assert feed["entry"][0]["link"][0]["href"] == f"/v1/articles/{SLUG}?lang={language}"
    assert response.headers["Vary"].startswith("Accept-Language")


@pytest.mark.parametrize(("recipient", "language"), RECIPIENT_LANGUAGES)
@pytest.mark.parametrize(
    ("code", "system"),
    [
        ("L91.0", ICD10CM_OID),
        ("L90", "icd10cm"),  # a category has no ancestor; L90.6 is narrower than L90
        ("200938002", "2.16.840.1.113883.6.96"),
        ("Z99", None),
    ],
)
def test_unknown_code_is_a_valid_empty_feed(client, recipient, language, code, system):
    root = parse_atom(request_feed(client, code, recipient, system=system))
    assert root.findall(f"{ATOM}entry") == []
    assert root.get(XML_LANG) == language
    assert code in text_of(root, "subtitle")
    response = request_feed(
        client, code, recipient, system=system, response_type="application/json"
    )
    assert json.loads(response.data)["feed"]["entry"] == []


def test_titles_are_localized(client):
    titles = {
        language: json.loads(
            request_feed(client, "L90.6", recipient, response_type="application/json").data
        )["feed"]["title"]
        for recipient, language in RECIPIENT_LANGUAGES
    }
    assert titles["en"] == {"_value": "Patient health information", "type": "text"}
    assert len({title["_value"] for title in titles.values()}) == 3
    assert all("lang" not in title for title in titles.values())  # all translated


@pytest.mark.parametrize(("recipient", "language"), RECIPIENT_LANGUAGES)
@pytest.mark.parametrize(
    ("parameters", "kind"),
    [
        ({}, "code-required"),
        ({"mainSearchCriteria.v.c": ""}, "code-required"),
        ({"mainSearchCriteria.v.cs": ICD10CM_OID}, "code-required"),
        ({"mainSearchCriteria.v.c": "L9", "mainSearchCriteria.v.cs": ICD10CM_OID}, "invalid-code"),
        (
            {
                "mainSearchCriteria.v.c": "L90.6",
                "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.103",
            },
            "unknown-code-system",
        ),
        (
            {"mainSearchCriteria.v.c": "L90.6", "knowledgeResponseType": "application/javascript"},
            "invalid-response-type",
        ),
    ],
)
def test_bad_requests_are_400s_in_the_recipients_language(
    client, recipient, language, parameters, kind
):
    query = urlencode({**parameters, "informationRecipient.languageCode.c": recipient})
    response = client.get(f"/v1/infobutton?{query}", headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert response.content_type == "application/problem+json; charset=utf-8"
    assert response.headers["Content-Language"] == language
    body = json.loads(response.data)
    assert body["type"] == f"urn:patient-info:problem:{kind}"
    assert body["language"] == language
    english = json.loads(client.get(f"/v1/infobutton?{urlencode(parameters)}").data)
    assert (body["title"] == english["title"]) == (language == "en")


def test_repeated_codes_and_response_types_are_400s(client):
    query = "mainSearchCriteria.v.c=L90.6&mainSearchCriteria.v.c=L90"
    assert client.get(f"/v1/infobutton?{query}").status_code == 400
    query = (
        "mainSearchCriteria.v.c=L90.6&knowledgeResponseType=text/xml&knowledgeResponseType=text/xml"
    )
    assert client.get(f"/v1/infobutton?{query}").status_code == 400


@pytest.mark.parametrize(("recipient", "language"), RECIPIENT_LANGUAGES)
@pytest.mark.parametrize(
    ("code", "system"),
    [
        ("L90.62", "icd10cm"),
        ("L90.62", "http://hl7.org/fhir/sid/icd-10-cm"),
        ("L90.62", ICD10CM_OID),
        ("HP:0001065", "hpo"),
        ("HP:0001065", "http://human-phenotype-ontology.org"),
    ],
)
def test_systems_by_short_name_uri_and_oid(client, recipient, language, code, system):
    response = request_feed(client, code, recipient, system, response_type="application/json")
    feed = json.loads(response.data)["feed"]
    assert [entry["link"][0]["href"] for entry in feed["entry"]] == [
        f"/v1/articles/{SLUG}?lang={language}"
    ]
    assert feed["category"][1] == {"scheme": "mainSearchCriteria.v.cs", "term": system}


@pytest.mark.parametrize(("recipient", "language"), RECIPIENT_LANGUAGES)
@pytest.mark.parametrize("response_type", [None, "application/json"])
def test_feeds_cache_like_every_response(client, recipient, language, response_type):
    response = request_feed(client, "L90.62", recipient, response_type=response_type)
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["ETag"].startswith('"')
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    url = response.request.url
    revalidated = client.get(url, headers={"If-None-Match": f"W/{response.headers['ETag']}"})
    assert revalidated.status_code == 304
    for name in ("ETag", "Cache-Control", "Vary"):
        assert revalidated.headers[name] == response.headers[name]
    compressed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert compressed.headers["ETag"] != response.headers["ETag"]
    head = client.head(url)
    assert head.status_code == 200
    assert head.headers["ETag"] == response.headers["ETag"]


def test_xml_stays_well_formed_whatever_is_echoed(client):
    root = parse_atom(
        request_feed(client, "Z99\x01", "sp", system=None, **{"mainSearchCriteria.v.dn": "\x0b<&>"})
    )
    terms = [category.get("term") for category in root.findall(f"{ATOM}category")]
    assert terms == ["Z99\ufffd", "\ufffd<&>", "sp"]
    assert "Z99\ufffd" in text_of(root, "subtitle")
    assert "Z99%01" in text_of(root, "id")


def test_feeds_are_built_once_per_distinct_request(app, client):
    memo = app.extensions["payload_store"].query_payload
    request_feed(client, "L90.62", "ar")
    hits = memo.cache_info().hits
    request_feed(client, "L90.62", "ar")
    assert memo.cache_info().hits == hits + 1


def test_links_are_absolute_with_a_public_base_url():
    """An EHR shows the feed away from the service: the operator's base URL makes its
    links absolute (the request's Host never does)."""
    base = "https://patient-info.example.org/v"
    client = create_app({"PUBLIC_BASE_URL": base}).test_client()
    href = f"{base}/v1/articles/{SLUG}?lang=es"
    atom = parse_atom(request_feed(client, "L90.6", "es"))
    (entry,) = atom.findall(f"{ATOM}entry")
    assert one(entry, "link").get("href") == href
    feed = json.loads(request_feed(client, "L90.6", "es", response_type="application/json").data)
    assert feed["feed"]["entry"][0]["link"][0]["href"] == href
    # The API's own headers stay relative: they are read where they were fetched.
    response = client.get(f"/v1/articles/{SLUG}?lang=es", headers={"Host": "evil.example"})
    assert response.headers["Content-Location"] == f"/v1/articles/{SLUG}?lang=es"
