"""The framework floor: a Flask view returning constant prebuilt bytes.

Body and headers are the service's own answer to the sample request, captured once at
start-up through its test client, so the floor sends exactly what the section endpoint
sends while running none of the service's code per request.
"""

from flask import Flask, Response

from benchmarks.sample import ACCEPT_LANGUAGE, SECTION_PATH, SECTION_RULE
from service import create_app as create_service_app


def capture_section() -> tuple[bytes, list[tuple[str, str]]]:
    """The service's body and headers for the sample request (Content-Length left out)."""
    response = (
        create_service_app()
        .test_client()
        .get(SECTION_PATH, headers={"Accept-Language": ACCEPT_LANGUAGE})
    )
    if response.status_code != 200:
        raise RuntimeError(f"{SECTION_PATH}: the service answered {response.status}")
    headers = [(name, value) for name, value in response.headers if name != "Content-Length"]
    return response.get_data(), headers


def create_app() -> Flask:
    """Create the floor app serving the captured section on the section's URL rule."""
    body, headers = capture_section()
    app = Flask(__name__, static_folder=None)

    @app.get(SECTION_RULE)
    def constant_section(slug: str, section_id: str):
        return Response(body, headers=headers)

    return app
