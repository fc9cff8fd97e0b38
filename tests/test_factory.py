"""The app factory: configuration, and start-up that refuses broken content or catalogs."""

import gc
import tomllib
import weakref

import pytest

from service import create_app, reload_store
from service.catalogs import CatalogError
from service.config import REPOSITORY_DIR, SERVICE_VERSION, ConfigError, from_environment
from service.content.loader import ContentError
from tests.helpers import article_po, compile_catalogs, interface_po


def test_version_matches_pyproject():
    pyproject = tomllib.loads((REPOSITORY_DIR / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == SERVICE_VERSION


def test_defaults():
    config = from_environment({})
    assert config["PUBLIC_BASE_URL"] == ""  # links relative to the service
    assert config["CACHE_MAX_AGE"] == 3600
    assert config["CORS_ALLOWED_ORIGINS"] == ("*",)
    assert config["TRANSLATION_COMPLETENESS_THRESHOLD"] == 100


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CACHE_MAX_AGE": "soon"}, "CACHE_MAX_AGE='soon' is not a whole number"),
        ({"CACHE_MAX_AGE": "-1"}, "CACHE_MAX_AGE='-1' is not a whole number"),
        ({"CACHE_MAX_AGE": "99999999999"}, "CACHE_MAX_AGE=99999999999 is outside"),
        # Numbers in ASCII digits only, as in request parameters (service/parameters.py).
        *(
            ({"ARTICLES_PER_PAGE": value}, "is not a whole number in ASCII digits")
            for value in ("５０", "+50", "5_0", "¹", "0x10")
        ),
        ({"TRANSLATION_COMPLETENESS_THRESHOLD": "101"}, "outside 0..100"),
        ({"CORS_ALLOWED_ORIGINS": "portal.example"}, "is not an origin"),
        ({"PUBLIC_BASE_URL": "patient-info.example.org"}, "is not a base URL"),
        ({"PUBLIC_BASE_URL": "ftp://patient-info.example.org"}, "is not a base URL"),
        ({"PUBLIC_BASE_URL": "https://user@patient-info.example.org"}, "is not a base URL"),
        ({"PUBLIC_BASE_URL": "https://patient-info.example.org/?x=1"}, "is not a base URL"),
        ({"PUBLIC_BASE_URL": "https://patient-info.example.org/#top"}, "is not a base URL"),
        ({"PUBLIC_BASE_URL": "https://pátient-info.example.org"}, "is not a base URL"),
    ],
)
def test_bad_settings_are_refused(environ, message):
    with pytest.raises(ConfigError, match=message):
        from_environment(environ)


def test_cors_origin_list(translations_copy):
    app = create_app(
        {
            "TRANSLATIONS_DIR": translations_copy,
            "CORS_ALLOWED_ORIGINS": ("https://portal.example",),
        }
    )
    client = app.test_client()
    allowed = client.get("/v1/articles", headers={"Origin": "https://portal.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://portal.example"
    assert allowed.headers["Vary"] == "Accept-Language, Accept-Encoding, Origin"
    other = client.get("/v1/articles", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert other.headers["Vary"] == "Accept-Language, Accept-Encoding, Origin"


def test_a_reload_with_a_cors_origin_list_lets_the_replaced_store_go(translations_copy):
    app = create_app(
        {
            "TRANSLATIONS_DIR": translations_copy,
            "CORS_ALLOWED_ORIGINS": ("https://portal.example",),
        }
    )
    replaced = weakref.ref(app.extensions["payload_store"])
    assert reload_store(app)
    gc.collect()
    assert replaced() is None
    allowed = app.test_client().get("/v1/articles", headers={"Origin": "https://portal.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://portal.example"


def test_cache_max_age_is_configurable(translations_copy):
    app = create_app({"TRANSLATIONS_DIR": translations_copy, "CACHE_MAX_AGE": 60})
    response = app.test_client().get("/v1/articles")
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_missing_article_section_fails_start_up(tmp_path, translations_copy):
    content = tmp_path / "articles"
    content.mkdir()
    (content / "broken.toml").write_text(
        'slug = "broken"\ntitle = "T"\n[metadata]\nclinical_review = "not_reviewed"\ncodes = []\n'
    )
    with pytest.raises(ContentError, match=r"broken\.toml: sections: Missing data"):
        create_app({"CONTENT_DIR": content, "TRANSLATIONS_DIR": translations_copy})


def test_empty_content_directory_fails_start_up(tmp_path, translations_copy):
    with pytest.raises(ContentError, match="no article files"):
        create_app({"CONTENT_DIR": tmp_path, "TRANSLATIONS_DIR": translations_copy})


def test_corrupted_mo_fails_start_up(translations_copy):
    mo = interface_po(translations_copy, "es").with_suffix(".mo")
    mo.write_bytes(b"\x00garbage" * 4)
    with pytest.raises(CatalogError, match=r"es/LC_MESSAGES/messages\.mo: corrupted"):
        create_app({"TRANSLATIONS_DIR": translations_copy})


def test_missing_mo_fails_start_up(translations_copy):
    interface_po(translations_copy, "es").with_suffix(".mo").unlink()
    with pytest.raises(CatalogError, match="not compiled; run `make translations`"):
        create_app({"TRANSLATIONS_DIR": translations_copy})


def test_stale_mo_fails_start_up(translations_copy):
    po = interface_po(translations_copy, "es")
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Artículo no encontrado"', 'msgstr "Otro texto"'))
    assert po.read_text(encoding="utf-8") != text
    with pytest.raises(CatalogError, match=r"stale against messages\.po"):
        create_app({"TRANSLATIONS_DIR": translations_copy})
    compile_catalogs(translations_copy)
    app = create_app({"TRANSLATIONS_DIR": translations_copy})
    response = app.test_client().get("/v1/articles/nope", headers={"Accept-Language": "es"})
    assert response.get_json()["title"] == "Otro texto"


def test_catalog_without_provenance_is_not_compiled_nor_served(translations_copy):
    po = article_po(translations_copy, "es")
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    po.write_text("".join(line for line in lines if not line.startswith('"X-Translated-By')))
    with pytest.raises(AssertionError, match="X-Translated-By header is missing"):
        compile_catalogs(translations_copy)
    with pytest.raises(CatalogError, match="stale against"):
        create_app({"TRANSLATIONS_DIR": translations_copy})


def test_missing_template_fails_start_up(translations_copy):
    (translations_copy / "messages.pot").unlink()
    with pytest.raises(CatalogError, match="the template is missing"):
        create_app({"TRANSLATIONS_DIR": translations_copy})


@pytest.mark.parametrize(
    ("raw", "base"),
    [
        ("https://patient-info.example.org/", "https://patient-info.example.org"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://clinic.example/patient-info/", "https://clinic.example/patient-info"),
    ],
)
def test_public_base_url_loses_its_trailing_slash(raw, base):
    assert from_environment({"PUBLIC_BASE_URL": raw})["PUBLIC_BASE_URL"] == base
