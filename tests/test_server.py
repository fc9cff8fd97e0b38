"""The service under the real server: gunicorn on a loopback port, as `make run` starts it."""

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.servers import free_port
from service.config import REPOSITORY_DIR
from tests.helpers import SLUG, running_gunicorn


def test_gunicorn_serves_a_spanish_section(tmp_path):
    with running_gunicorn(tmp_path) as server:
        status, headers, body = server.fetch(
            f"/v1/articles/{SLUG}/sections/pain", **{"Accept-Language": "es"}
        )
        assert status == 200
        assert headers["Content-Language"] == "es"
        assert headers["Vary"] == "Accept, Accept-Language, Accept-Encoding"  # HTML too; > 1 KB
        section = json.loads(body)
        assert (section["language"], section["id"]) == ("es", "pain")
        status, _, body = server.fetch("/v1/articles/nope", **{"Accept-Language": "es"})
        assert status == 404
        assert json.loads(body)["language"] == "es"
        assert headers["Server"] == "gunicorn"  # no version disclosed


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
        "run `make translations-update`"
    )
    assert "Traceback" not in result.stderr
