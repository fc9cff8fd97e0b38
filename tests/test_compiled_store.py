"""The compiled payload store (`make store`): what loads is what an in-process build
serves, byte for byte; a stale, damaged or foreign store refuses to start (or reload)
with one line naming what differs."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from benchmarks.servers import free_port
from service import create_app, reload_store
from service.compiled_store import StoreError, compile_store, load_store
from service.config import REPOSITORY_DIR, from_environment
from service.payloads import build_store
from tests.helpers import (
    ARTICLE_FILE,
    SLUG,
    catalog_entry,
    compile_catalogs,
    interface_po,
    running_gunicorn,
)


@pytest.fixture
def inputs(tmp_path, translations_copy) -> dict:
    """The config of a writable copy of the shipped content and catalogs, with a store path."""
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ARTICLE_FILE, content)
    return from_environment(
        {
            "CONTENT_DIR": str(content),
            "TRANSLATIONS_DIR": str(translations_copy),
            "STORE_PATH": str(tmp_path / "build" / "store.pickle"),
        }
    )


def encoded_parts(payload) -> tuple:
    parts = [payload.identity.body, payload.identity.headers, payload.identity.not_modified_headers]
    if payload.gzip:
        parts += [payload.gzip.body, payload.gzip.headers]
    return tuple(parts)


def test_a_loaded_store_serves_what_an_in_process_build_does(inputs):
    path = inputs["STORE_PATH"]
    assert compile_store(inputs, path)
    assert not compile_store(inputs, path)  # up to date: left alone
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    assert compile_store(inputs, path)  # a damaged body is rebuilt, not "up to date"
    built, loaded = build_store(inputs), load_store(inputs, path)
    assert set(loaded.payloads) == set(built.payloads)
    for key, payload in built.payloads.items():
        assert encoded_parts(loaded.payloads[key]) == encoded_parts(payload), key
    for pages in ("list_pages", "language_pages", "prebuilt_alternates"):
        built_pages, loaded_pages = getattr(built, pages), getattr(loaded, pages)
        assert set(built_pages) == set(loaded_pages)
        for key, payload in built_pages.items():
            assert encoded_parts(loaded_pages[key]) == encoded_parts(payload), (pages, key)
    # What is built on request works the same on a loaded store (its memos are new).
    negotiation = loaded.negotiator.negotiate((), "vi, es;q=0.5")
    assert negotiation.candidates == built.negotiator.negotiate((), "vi, es;q=0.5").candidates
    page = loaded.list_page(negotiation, loaded.all_articles, 1)
    assert page.identity.body == built.list_page(negotiation, built.all_articles, 1).identity.body


def test_the_app_serves_from_the_store_it_is_given(inputs):
    compile_store(inputs, inputs["STORE_PATH"])
    client = create_app({"TESTING": True, **inputs}).test_client()
    response = client.get(f"/v1/articles/{SLUG}/sections/pain", headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert json.loads(response.data)["language"] == "es"


def edit_spanish_catalog(translations_dir: Path) -> None:
    path = interface_po(translations_dir, "es")
    catalog = polib.pofile(str(path))
    catalog_entry(catalog, "Not found").msgstr = "No encontrado (editado)"
    catalog.save()
    compile_catalogs(translations_dir)


def edit_article(content_dir: Path) -> None:
    path = content_dir / ARTICLE_FILE.name
    path.write_text(path.read_text(encoding="utf-8").replace("Stretch marks", "Striae", 1))


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "{path}: no compiled store; run `make store`"),
        ("catalog edited", "{path}: stale: the catalogs changed since it was compiled; "),
        ("article edited", "{path}: stale: the content changed since it was compiled; "),
        (
            "other settings",
            "{path}: compiled with other settings: CACHE_MAX_AGE=3600 (configured: 60); ",
        ),
        ("body damaged", "{path}: damaged (its digest does not match); run `make store`"),
        ("not a store", "{path}: not a compiled store (damaged?); run `make store`"),
        ("other format", "{path}: compiled by another version of the service (format 0, "),
    ],
)
def test_a_store_that_is_not_this_one_refuses_with_one_line(inputs, case, message):
    path = inputs["STORE_PATH"]
    if case != "missing":
        compile_store(inputs, path)
    if case == "catalog edited":
        edit_spanish_catalog(inputs["TRANSLATIONS_DIR"])
    elif case == "article edited":
        edit_article(inputs["CONTENT_DIR"])
    elif case == "other settings":
        inputs = {**inputs, "CACHE_MAX_AGE": 60}
    elif case == "body damaged":
        data = bytearray(path.read_bytes())
        data[-100] ^= 0xFF
        path.write_bytes(bytes(data))
    elif case == "not a store":
        path.write_bytes(b"\x80\x05 not a store\n" + path.read_bytes()[:1000])
    elif case == "other format":
        header_line, _, body = path.read_bytes().partition(b"\n")
        magic, _, header = header_line.partition(b" ")
        older = json.dumps({**json.loads(header), "format": 0}).encode()
        path.write_bytes(magic + b" " + older + b"\n" + body)
    with pytest.raises(StoreError) as raised:
        load_store(inputs, path)
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith(message.format(path=path)), text


def test_a_reload_refuses_a_stale_store_and_takes_a_recompiled_one(inputs):
    compile_store(inputs, inputs["STORE_PATH"])
    app = create_app({"TESTING": True, **inputs})
    serving = app.extensions["payload_store"]
    edit_spanish_catalog(inputs["TRANSLATIONS_DIR"])
    assert not reload_store(app)  # stale: the old store keeps serving
    assert app.extensions["payload_store"] is serving
    compile_store(inputs, inputs["STORE_PATH"])
    assert reload_store(app)
    response = app.test_client().get("/nope", headers={"Accept-Language": "es"})
    assert json.loads(response.data)["title"] == "No encontrado (editado)"


def test_gunicorn_serves_a_compiled_store_and_refuses_a_stale_one_in_one_line(tmp_path, inputs):
    environ = {
        name: str(inputs[name]) for name in ("CONTENT_DIR", "TRANSLATIONS_DIR", "STORE_PATH")
    }
    compile_store(inputs, inputs["STORE_PATH"])
    with running_gunicorn(
        tmp_path,
        CONTENT_DIR=environ["CONTENT_DIR"],
        TRANSLATIONS_DIR=environ["TRANSLATIONS_DIR"],
        STORE_PATH=environ["STORE_PATH"],
    ) as server:
        status, headers, _ = server.fetch(f"/v1/articles/{SLUG}", **{"Accept-Language": "fr"})
        assert (status, headers["Content-Language"].split(", ")[0]) == (200, "fr")
    edit_article(inputs["CONTENT_DIR"])
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py"],
        cwd=REPOSITORY_DIR,
        env={**os.environ, **environ, "PORT": str(free_port())},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        f"patient-info-api: cannot start: {inputs['STORE_PATH']}: stale: the content changed"
    )
    assert "Traceback" not in result.stderr
