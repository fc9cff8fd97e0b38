"""The framework floor: a Flask view returning constant prebuilt bytes.

Body and headers are the service's own answer to the sample request, captured once at
start-up through its test client, so the floor sends exactly what the section endpoint
sends while running none of the service's code per request.

The rotating floor is the same over a corpus: the sample section of every article,
captured the same way (in Spanish) and looked up by slug, whatever the Accept-Language:
what Flask and gunicorn alone cost when requests rotate over 1,000 articles and 10,000
headers, as the service's rotating case does. The capture runs in a child process, so
the floor's worker holds the answers only, not the service's store beside them (which
cost the same Flask view about 5% of its throughput, measured).
"""

import pickle
import subprocess
import sys
from pathlib import Path

from flask import Flask, Response
from flask.testing import FlaskClient

from benchmarks.sample import ACCEPT_LANGUAGE, SECTION_ID, SECTION_PATH, SECTION_RULE
from service import create_app as create_service_app
from service.urls import section_url

Answer = tuple[bytes, list[tuple[str, str]]]


def capture(client: FlaskClient, path: str, accept_language: str) -> Answer:
    """The service's body and headers for a request (Content-Length left out)."""
    response = client.get(path, headers={"Accept-Language": accept_language})
    if response.status_code != 200:
        raise RuntimeError(f"{path}: the service answered {response.status}")
    headers = [(name, value) for name, value in response.headers if name != "Content-Length"]
    return response.get_data(), headers


def capture_section() -> Answer:
    """The service's answer to the sample request."""
    return capture(create_service_app().test_client(), SECTION_PATH, ACCEPT_LANGUAGE)


def create_app() -> Flask:
    """Create the floor app serving the captured section on the section's URL rule."""
    body, headers = capture_section()
    app = Flask(__name__, static_folder=None)

    @app.get(SECTION_RULE)
    def constant_section(slug: str, section_id: str):
        return Response(body, headers=headers)

    return app


def capture_corpus() -> dict[str, Answer]:
    """Every article's sample section in Spanish, by slug, from the service over the
    corpus the environment names."""
    client = create_service_app().test_client()
    pages = client.get("/v1/articles").get_json()["pagination"]["total_pages"]
    answers = {}
    for page in range(1, pages + 1):
        for article in client.get(f"/v1/articles?page={page}").get_json()["articles"]:
            path = section_url(article["slug"], SECTION_ID)
            answers[article["slug"]] = capture(client, path, "es")
    return answers


def create_rotating_app() -> Flask:
    """Create the rotating floor over the corpus the environment names: every article's
    sample section, prebuilt (by a child process), on the section's URL rule."""
    captured = subprocess.run(
        [sys.executable, "-m", "benchmarks.floor_app"],
        cwd=Path(__file__).parents[1],
        capture_output=True,
        check=True,
    )
    answers = pickle.loads(captured.stdout)  # noqa: S301 - our own child's output
    app = Flask(__name__, static_folder=None)

    @app.get(SECTION_RULE)
    def prebuilt_section(slug: str, section_id: str):
        body, headers = answers[slug]
        return Response(body, headers=headers)

    return app


if __name__ == "__main__":
    sys.stdout.buffer.write(pickle.dumps(capture_corpus()))
