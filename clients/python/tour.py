"""The generated Python client (`make clients`) on the tasks an integrator starts with.

Run against a server: PYTHONPATH=build/clients/python .venv/bin/python
clients/python/tour.py http://127.0.0.1:8000 prints a JSON report, which
tests/test_clients.py compares with the TypeScript tour's; the README quotes the
passages between `readme:` markers (`make docs`).
"""

import json
import re
import sys
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

# readme:python-article:start
from patient_info_api_client import Client
from patient_info_api_client.api.articles import get_article, list_articles
from patient_info_api_client.api.infobutton import get_infobutton_feed
from patient_info_api_client.api.sections import get_section, list_sections
from patient_info_api_client.models import (
    Article,
    ArticleList,
    GetInfobuttonFeedKnowledgeResponseType,
    InfobuttonFeed,
    Problem,
    Section,
    SectionIndex,
)

# readme:python-article:end

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LINK = re.compile(r'<([^>]*)>\s*;\s*rel="([^"]*)"')


def next_page(link: str) -> int | None:
    """The page number of the Link header's rel="next" target (RFC 8288), if any."""
    targets = {rel: target for target, rel in LINK.findall(link)}
    if "next" not in targets:
        return None
    return int(parse_qs(urlsplit(targets["next"]).query)["page"][0])


def tour(base_url: str) -> dict:
    report: dict = {}
    # readme:python-article:start
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    slug = "laser-treatment-for-stretch-marks"
    response = get_article.sync_detailed(slug, client=client, lang="es")
    article = response.parsed
    assert isinstance(article, Article), response.status_code
    print(article.title, article.language, response.headers["Content-Language"], file=sys.stderr)
    # Revalidate with the ETag: 304, no body, the copy you have is current.
    again = get_article.sync_detailed(
        slug, client=client, lang="es", if_none_match=response.headers["ETag"]
    )
    assert again.status_code == 304
    # readme:python-article:end
    report["article_es"] = {
        "language": article.language,
        "content_language": response.headers["Content-Language"],
        "sections": len(article.sections),
    }
    report["revalidated"] = again.status_code

    index = list_sections.sync(slug, client=client, lang="ar")
    assert isinstance(index, SectionIndex)
    report["sections_ar"] = []
    for entry in index.sections:
        section = get_section.sync(slug, entry.id, client=client, lang="ar")
        assert isinstance(section, Section)
        report["sections_ar"].append([section.id, section.language, section.direction.value])

    # readme:python-problem:start
    missing = get_article.sync_detailed("no-such-article", client=client, lang="de")
    problem = missing.parsed
    assert isinstance(problem, Problem)  # every 4xx is an RFC 9457 problem
    if problem.type_ == "urn:patient-info:problem:article-not-found":
        print(problem.title, problem.detail, problem.request_id, file=sys.stderr)
    # readme:python-problem:end
    report["not_found"] = {
        "status": missing.status_code,
        "type": problem.type_,
        "language": problem.language,
    }

    lookups = {}
    for code in ("L90.6", "Q99"):
        found = list_articles.sync(client=client, code=code)
        assert isinstance(found, ArticleList)
        lookups[code] = found.pagination.total_articles
    report["lookup"] = lookups

    # readme:python-infobutton:start
    json_feed = get_infobutton_feed.sync(
        client=client,
        main_search_criteria_v_c="L90.62",
        information_recipient_language_code_c="sp",
        knowledge_response_type=GetInfobuttonFeedKnowledgeResponseType.APPLICATIONJSON,
    )
    assert isinstance(json_feed, InfobuttonFeed)
    # Atom, the Infobutton's default: the generated function parses every 200 as JSON
    # (it reads one media type per status), so fetch it with the client's own httpx.
    atom = client.get_httpx_client().get(
        "/v1/infobutton",
        params={"mainSearchCriteria.v.c": "L90.62", "informationRecipient.languageCode.c": "ar"},
    )
    assert atom.headers["Content-Type"].startswith("application/atom+xml")
    # readme:python-infobutton:end
    feed = ElementTree.fromstring(atom.content)  # noqa: S314 (the test's own server)
    report["infobutton"] = {
        "json": [json_feed.feed.lang, len(json_feed.feed.entry)],
        "atom": [
            atom.headers["Content-Type"].split(";")[0],
            feed.get(XML_LANG),
            len(feed.findall(f"{ATOM}entry")),
        ],
    }

    pages: list[list[str]] = []
    page: int | None = 1
    while page is not None:
        listed = list_articles.sync_detailed(client=client, lang="es", page=page)
        assert isinstance(listed.parsed, ArticleList)
        pages.append([summary.slug for summary in listed.parsed.articles])
        page = next_page(listed.headers["Link"])
    report["pages"] = pages
    return report


if __name__ == "__main__":
    print(json.dumps(tour(sys.argv[1])))
