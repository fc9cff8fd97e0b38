"""The naive baseline: the section built per request, the way a first version would.

Each request negotiates with Werkzeug's `best_match` over the shipped languages, runs
gettext on every paragraph (Babel Translations from the same compiled catalogs), dumps
the service's marshmallow schema, validates it as the service validates its payloads,
`jsonify`s it, hashes it for its ETag and sets the same caching, CORS and language
headers as the service: the same answer, with the cost build-once avoids.
"""

import hashlib

from babel import Locale
from babel.support import Translations
from flask import Flask, abort, jsonify, request

from benchmarks.sample import SECTION_RULE
from service.catalogs import DOMAIN, catalog_paths
from service.config import from_environment
from service.content.loader import load_articles
from service.headers import JSON
from service.i18n import SOURCE_LANGUAGE, parse_tag
from service.payloads import article_url, section_url, validated_dump
from service.schemas import SectionSchema


def create_app() -> Flask:
    """Create the naive app over CONTENT_DIR and TRANSLATIONS_DIR (as the service reads them)."""
    config = from_environment()
    articles = {article.slug: article for article in load_articles(config["CONTENT_DIR"])}
    translations_by_tag = {
        tag: Translations.load(config["TRANSLATIONS_DIR"], [parse_tag(tag).babel_name], DOMAIN)
        for tag in catalog_paths(config["TRANSLATIONS_DIR"])
    }
    shipped = [SOURCE_LANGUAGE, *translations_by_tag]
    section_schema = SectionSchema()
    app = Flask(__name__, static_folder=None)
    app.json.ensure_ascii = False  # the same UTF-8 bytes the service sends
    app.json.sort_keys = False  # in the schema's order, as the service sends them
    app.json.compact = True

    @app.get(SECTION_RULE)
    def section(slug: str, section_id: str):
        article = articles.get(slug)
        section_ids = [each.id for each in article.sections] if article else []
        if section_id not in section_ids:
            abort(404)
        position = section_ids.index(section_id) + 1
        found = article.sections[position - 1]
        language = request.accept_languages.best_match(shipped, default=SOURCE_LANGUAGE)
        requested = next(iter(request.accept_languages.values()), None)
        translations = translations_by_tag.get(language)
        context = article.section_context(found)

        def gettext(text):
            return translations.pgettext(context, text) if translations else text

        urls = [None, *(section_url(slug, each.id) for each in article.sections), None]
        data = {
            "language": language,
            "direction": Locale.parse(language.replace("-", "_")).text_direction,
            "article": slug,
            "id": found.id,
            "heading": found.heading and gettext(found.heading),
            "position": position,
            "paragraphs": [gettext(paragraph) for paragraph in found.paragraphs],
            "links": {
                "self": urls[position],
                "article": article_url(slug),
                "previous": urls[position - 1],
                "next": urls[position + 1],
            },
        }
        if requested and requested.lower() != language.lower():
            data["requested_language"] = requested
        response = jsonify(validated_dump(section_schema, data, request.path))
        response.headers.update(
            {
                "Content-Type": JSON,
                "Content-Language": language,
                "Content-Location": f"{request.path}?lang={language}",
                "ETag": '"' + hashlib.sha256(response.get_data()).hexdigest()[:32] + '"',
                "Cache-Control": f"public, max-age={config['CACHE_MAX_AGE']}",
                "Vary": "Accept-Language",
                "X-Content-Type-Options": "nosniff",
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Expose-Headers": "ETag, Content-Language, Content-Location",
            }
        )
        return response.make_conditional(request)

    return app
