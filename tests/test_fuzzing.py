"""Schema fuzzing: schemathesis drives real gunicorn from the document the code generates,
with the HEAD and OPTIONS operations the published openapi.yaml leaves out."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from service.config import REPOSITORY_DIR
from service.openapi import render_document
from tests.helpers import running_gunicorn

# Allows a 400 for schema-valid code lookups (a rule across two parameters): see the file.
CONFIG = REPOSITORY_DIR / "schemathesis.toml"
SEED = "42"
EXAMPLES_PER_OPERATION = "30"
MINIMUM_SUCCESSES_CHECKED = 300


@pytest.mark.timeout(240)
def test_schemathesis_finds_nothing(app, tmp_path):
    har_path = tmp_path / "schemathesis.har.json"
    document = tmp_path / "openapi-every-method.yaml"
    document.write_bytes(render_document(app, every_method=True))
    with running_gunicorn(tmp_path) as server:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                f"--config-file={CONFIG}",
                "run",
                str(document),
                f"--url={server.base_url}",
                "--phases=examples,coverage,fuzzing",
                "--checks=all",
                f"--max-examples={EXAMPLES_PER_OPERATION}",
                f"--seed={SEED}",
                "--report=har",
                f"--report-har-path={har_path}",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-6000:]
    entries = json.loads(har_path.read_text())["log"]["entries"]
    statuses = Counter(entry["response"]["status"] for entry in entries)
    print(f"schemathesis: {len(entries)} requests, statuses {sorted(statuses.items())}")
    assert not [status for status in statuses if status >= 500]
    # Every 2xx was checked against its documented schema, headers and content type.
    assert sum(n for status, n in statuses.items() if 200 <= status < 300) >= (
        MINIMUM_SUCCESSES_CHECKED
    )
    methods = {entry["request"]["method"] for entry in entries}
    assert {"GET", "HEAD", "OPTIONS"} <= methods  # exercised, though not published
