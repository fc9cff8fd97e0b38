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
from flask.json.provider import DefaultJSONProvider

from benchmarks.sample import SECTION_RULE
from service.catalog_files import ARTICLES_FOLDER, catalog_files, languages
from service.catalogs import compiled_provenance
from service.config import from_environment
from service.content.loader import load_articles
from service.content.model import text_units
from service.content.render import blocks_json, unit_texts
from service.content.translation import translate_blocks
from service.headers import CORS_EXPOSED_HEADERS, JSON
from service.i18n import SOURCE_LANGUAGE
from service.payloads import links_in, translation_provenance
from service.schemas import SectionSchema
from service.urls import article_url, section_url
from service.validation import validated_dump


class SameBytesJSONProvider(DefaultJSONProvider):
    """jsonify as the service writes JSON: UTF-8 (not \\u escapes), keys in the schema's
    order, compact."""

    ensure_ascii = False
    sort_keys = False
    compact = True


def create_app() -> Flask:
    """Create the naive app over CONTENT_DIR and TRANSLATIONS_DIR (as the service reads them)."""
    config = from_environment()
    articles = {article.slug: article for article in load_articles(config["CONTENT_DIR"])}
    # Each article's compiled catalog per language (articles/<slug>.mo), read by gettext.
    translations_by_article = {
        (file.article, file.tag): Translations.load(
            config["TRANSLATIONS_DIR"], [file.babel_name], f"{ARTICLES_FOLDER}/{file.article}"
        )
        for file in catalog_files(config["TRANSLATIONS_DIR"])
        if file.article
    }
    shipped = [SOURCE_LANGUAGE, *languages(config["TRANSLATIONS_DIR"])]
    section_schema = SectionSchema()
    app = Flask(__name__, static_folder=None)
    app.json = SameBytesJSONProvider(app)

    @app.get(SECTION_RULE)
    def section(slug: str, section_id: str):
        article = articles.get(slug)
        section_ids = [each.id for each in article.sections] if article else []
        if article is None or section_id not in section_ids:
            abort(404)
        position = section_ids.index(section_id) + 1
        found = article.sections[position - 1]
        language = request.accept_languages.best_match(shipped, default=SOURCE_LANGUAGE)
        requested = next(iter(request.accept_languages.values()), None)
        translations = translations_by_article.get((slug, language))
        context = article.section_context(found)

        def gettext(text):
            return translations.pgettext(context, text) if translations else text

        units = [unit.source for unit in text_units(found.blocks)]
        blocks = translate_blocks(found.blocks, [gettext(source) for source in units])

        urls = [None, *(section_url(slug, each.id) for each in article.sections), None]
        data = {
            "language": language,
            "direction": Locale.parse(language.replace("-", "_")).text_direction,
            "article": slug,
            "id": found.id,
            "heading": found.heading and gettext(found.heading),
            "position": position,
            "paragraphs": list(unit_texts(blocks)),
            "blocks": blocks_json(blocks, links_in(language)),
            "translation": translations
            and translation_provenance(language, compiled_provenance(translations.info())),
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
                "Access-Control-Expose-Headers": CORS_EXPOSED_HEADERS,
            }
        )
        return response.make_conditional(request)

    return app
