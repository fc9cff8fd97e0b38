"""Operational endpoints: liveness, readiness and the OpenAPI document."""

from flask import Blueprint, Response, current_app

from service.api.serving import send_payload
from service.headers import JSON
from service.payloads import current_store
from service.schemas import HealthSchema, ReadinessSchema

bp = Blueprint("meta", __name__)


def _probe(schema, data) -> Response:
    body = schema.dumps(schema.load(data), separators=(",", ":"))
    return Response(body, headers=current_store().policy.uncacheable(JSON))


@bp.get("/healthz")
def healthz():
    """Liveness probe.
    ---
    get:
      operationId: getHealth
      summary: Liveness
      description: 200 while the process answers HTTP.
      tags: [operations]
      responses:
        "200": {description: Alive., content: {application/json: {schema: Health}},
                headers: {Cache-Control: {$ref: "#/components/headers/NoStore"}}}
    """
    return _probe(HealthSchema(), {"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Readiness probe.
    ---
    get:
      operationId: getReadiness
      summary: Readiness
      description: 200 once every catalog is loaded and every payload built. A worker
        only starts serving after that, so this answers 200 from any serving worker.
      tags: [operations]
      responses:
        "200": {description: Ready., content: {application/json: {schema: Readiness}},
                headers: {Cache-Control: {$ref: "#/components/headers/NoStore"}}}
    """
    store = current_store()
    return _probe(
        ReadinessSchema(),
        {"status": "ready", "articles": len(store.articles), "languages": list(store.offered)},
    )


@bp.get("/openapi.yaml")
def openapi_document():
    """The OpenAPI document.
    ---
    get:
      operationId: getOpenApiDocument
      summary: OpenAPI document
      description: This API's OpenAPI 3.1 document, byte-identical to openapi.yaml in
        the repository.
      tags: [operations]
      parameters: [accept_encoding, if_none_match]
      responses:
        "200": {description: The document., content: {application/yaml: {schema: {}}},
                headers: {ETag: {$ref: "#/components/headers/ETag"},
                          Cache-Control: {$ref: "#/components/headers/Cache-Control"},
                          Vary: {$ref: "#/components/headers/Vary"},
                          Content-Encoding: {$ref: "#/components/headers/Content-Encoding"}}}
        "304": NotModified
        "406": NotAcceptable
    """
    return send_payload(current_app.extensions["openapi_document"])
