"""Multilingual patient-information API: the application factory."""

from pathlib import Path

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import RequestRedirect

from service import config as service_config
from service import preview
from service.api import meta, v1
from service.api.shortcut import ArticleShortcut
from service.cli import register_commands
from service.compiled_store import serving_store
from service.config import StartupError
from service.encoding import Payload, build_payload
from service.errors import register_error_handlers
from service.headers import YAML, HeaderPolicy
from service.host_header import require_valid_host
from service.i18n import SOURCE_LANGUAGE
from service.observability import ObservabilityMiddleware, process_metrics, record_store
from service.openapi import COMMITTED_DOCUMENT
from service.payloads import current_store
from service.redirects import redirect_response


class UnicodeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, as UTF-8 rather than \\u escapes (what the payloads send too)."""

    ensure_ascii = False


class PatientInfoFlask(Flask):
    """Flask, answering OPTIONS with 204 and CORS preflight headers, and routing
    redirects with a relative Location."""

    json_provider_class = UnicodeJSONProvider

    def make_default_options_response(self):
        rule = request.url_rule
        methods = (rule.methods if rule else None) or {"GET", "HEAD", "OPTIONS"}
        allow = ", ".join(sorted(methods))
        response = self.response_class(status=204, headers=current_store().policy.preflight(allow))
        del response.headers["Content-Type"]  # a 204 has no body to describe
        return response

    def handle_http_exception(self, e):
        """Routing redirects (merged slashes, a missing trailing slash) without the Host."""
        if isinstance(e, RequestRedirect):
            return redirect_response(self, e)
        return super().handle_http_exception(e)


def _openapi_payload(policy: HeaderPolicy) -> Payload:
    """The committed openapi.yaml, as served: `make openapi` writes it from the code,
    and `make openapi-check` fails when it is stale. Rendering it costs 50 ms (its
    examples are the app's own answers) and depends on the content, so it is not
    rendered here: every deployment serves the one document, whatever its articles."""
    try:
        document = COMMITTED_DOCUMENT.read_bytes()
    except OSError as error:
        raise StartupError(f"{COMMITTED_DOCUMENT}: {error.strerror}; run `make openapi`") from None
    return build_payload(document, SOURCE_LANGUAGE, policy, YAML)


def reload_store(app: Flask) -> bool:
    """Rebuild (or, with STORE_PATH, reload) the payload store; keep the serving one if
    that fails.

    A file that cannot be read or parsed refuses the reload. A reload that serves less on
    purpose (an article removed, English changed so a translation became fuzzy) goes
    through, and says each article and language that is no longer served."""
    previous = app.extensions["payload_store"]
    try:
        store = serving_store(app.config)
    except StartupError as error:
        app.logger.error("reload refused, still serving the previous content: %s", error)
        return False
    app.extensions["payload_store"] = store
    record_store(app.extensions["metrics"], store)
    for slug, languages in previous.available.items():
        if slug not in store.available:
            why = "withdrawn" if slug in store.withdrawn else "its file is gone"
            app.logger.warning("reload: %s is no longer served (%s)", slug, why)
            continue
        for tag in sorted(languages - store.available[slug]):
            app.logger.warning("reload: %s is no longer served in %s", slug, tag)
    app.logger.info("reloaded content and catalogs")
    return True


def create_app(config: dict | None = None) -> Flask:
    """Create the app: read config, build every payload, register the blueprints.

    Raises a StartupError (ConfigError, ContentError, CatalogError or BuildError) naming
    the file and entry when anything it loads is broken: never a half-loaded app.
    """
    app = PatientInfoFlask(__name__, static_folder=None)
    app.config.from_mapping(service_config.from_environment())
    if config:
        app.config.update(config)
    for key in ("CONTENT_DIR", "TRANSLATIONS_DIR"):
        app.config[key] = Path(app.config[key])

    store = app.extensions["payload_store"] = serving_store(app.config)
    register_error_handlers(app)
    app.before_request(require_valid_host)
    app.register_blueprint(v1.bp)
    app.register_blueprint(meta.bp)
    if app.config["PREVIEW_ENABLED"]:
        app.register_blueprint(preview.bp)
    if not store.policy.any_origin:
        # The store of the moment: a closure over `store` would keep each replaced one.
        app.after_request(
            lambda response: current_store().policy.apply_cors_origin(response, request.origin)
        )
    app.extensions["openapi_document"] = _openapi_payload(store.policy)
    metrics = app.extensions["metrics"] = process_metrics() if app.config["METRICS_PORT"] else None
    record_store(metrics, store)
    app.wsgi_app = ObservabilityMiddleware(  # type: ignore[method-assign]
        ArticleShortcut(app, app.wsgi_app), metrics
    )
    register_commands(app)
    return app
