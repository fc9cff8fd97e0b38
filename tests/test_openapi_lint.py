"""The OpenAPI lints of `make openapi-lint` (Spectral's spectral:oas, Redocly's
recommended, with .spectral.yaml's and redocly.yaml's exceptions) can fail: on a broken
copy of openapi.yaml each exits non-zero and names what is wrong, a warning included.
`make test` runs them on openapi.yaml itself.

Needs Spectral and Redocly from npm (`make openapi-lint-deps`)."""

import json
import os
import subprocess

import pytest
import yaml

from service.config import REPOSITORY_DIR

LINT_BIN = REPOSITORY_DIR / "tools" / "openapi-lint" / "node_modules" / ".bin"
SPECTRAL, REDOCLY = LINT_BIN / "spectral", LINT_BIN / "redocly"

if not (SPECTRAL.exists() and REDOCLY.exists()):
    if os.environ.get("CI"):
        pytest.fail(f"the OpenAPI lints need {LINT_BIN}: make openapi-lint-deps", pytrace=False)
    pytest.skip(
        f"the OpenAPI lints need {LINT_BIN}: make openapi-lint-deps", allow_module_level=True
    )


def _broken_copy(path):
    """openapi.yaml with an operation without operationId (a warning in both rulesets), an
    example its schema refuses and a component nothing uses."""
    document = yaml.safe_load((REPOSITORY_DIR / "openapi.yaml").read_bytes())
    del document["paths"]["/v1/articles/{slug}"]["get"]["operationId"]
    health = document["paths"]["/healthz"]["get"]["responses"]["200"]
    health["content"]["application/json"]["examples"]["alive"]["value"] = {"status": 1}
    document["components"]["headers"]["Unused"] = {"schema": {"type": "string"}}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


@pytest.mark.timeout(60)
def test_both_lints_fail_on_a_broken_document(tmp_path):
    broken = tmp_path / "openapi.yaml"
    _broken_copy(broken)
    runs = {
        "spectral": subprocess.Popen(
            [
                SPECTRAL,
                "lint",
                "--ruleset",
                ".spectral.yaml",
                "--fail-severity=warn",
                "--format=json",
                broken,
            ],
            cwd=REPOSITORY_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        ),
        "redocly": subprocess.Popen(
            [REDOCLY, "lint", "--config", "redocly.yaml", "--format=json", broken],
            cwd=REPOSITORY_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={
                **os.environ,
                "REDOCLY_TELEMETRY": "off",
                "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
            },
        ),
    }
    outputs = {name: run.communicate(timeout=50)[0] for name, run in runs.items()}
    assert runs["spectral"].returncode != 0
    assert runs["redocly"].returncode != 0
    assert {"operation-operationId", "oas3-valid-media-example", "oas3-unused-component"} <= {
        result["code"] for result in json.loads(outputs["spectral"])
    }
    assert {"operation-operationId", "no-invalid-media-type-examples", "no-unused-components"} <= {
        problem["ruleId"] for problem in json.loads(outputs["redocly"])["problems"]
    }
