"""The service under the real server: gunicorn on a loopback port, as `make run` starts it."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service.config import REPOSITORY_DIR
from tests.conftest import SLUG, compile_catalogs, free_port, running_gunicorn


def test_gunicorn_serves_a_spanish_section(tmp_path):
    with running_gunicorn(tmp_path) as server:
        status, headers, body = server.get(
            f"/v1/articles/{SLUG}/sections/pain", **{"Accept-Language": "es"}
        )
        assert status == 200
        assert headers["Content-Language"] == "es"
        assert headers["Vary"] == "Accept-Language"
        section = json.loads(body)
        assert (section["language"], section["id"]) == ("es", "pain")
        status, _, body = server.get("/v1/articles/nope", **{"Accept-Language": "es"})
        assert status == 404
        assert json.loads(body)["language"] == "es"
        assert "Server: gunicorn/" not in server.log()


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_hup_reloads_catalogs_and_refuses_a_broken_one(tmp_path, translations_copy):
    po = translations_copy / "es" / "LC_MESSAGES" / "messages.po"
    with running_gunicorn(tmp_path, TRANSLATIONS_DIR=str(translations_copy)) as server:

        def title():
            _, _, body = server.get("/v1/articles/nope", **{"Accept-Language": "es"})
            return json.loads(body)["title"]

        original = title()
        po.write_text(po.read_text(encoding="utf-8").replace(original, "Título recargado"))
        compile_catalogs(translations_copy)
        os.kill(server.process.pid, signal.SIGHUP)
        wait_for(lambda: title() == "Título recargado")

        (po.with_suffix(".mo")).write_bytes(b"corrupted")
        os.kill(server.process.pid, signal.SIGHUP)
        wait_for(lambda: "reload refused" in server.log())
        time.sleep(1)  # new workers fork from the master that kept the last good store
        assert title() == "Título recargado"
        assert server.get("/readyz")[0] == 200


def test_broken_start_up_is_one_line_and_a_non_zero_exit(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py"],
        cwd=REPOSITORY_DIR,
        env={**os.environ, "TRANSLATIONS_DIR": str(tmp_path), "PORT": str(free_port())},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        f"patient-info-api: cannot start: {tmp_path}/messages.pot: the template is missing; "
        "run `make translations-extract`"
    )
    assert "Traceback" not in result.stderr
