"""Read the service's settings from environment variables, once, at start-up."""

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from service.parameters import whole_number

SERVICE_VERSION = "1.0.0"  # kept equal to pyproject.toml's version by tests/test_factory.py
PACKAGE_DIR = Path(__file__).resolve().parent
REPOSITORY_DIR = PACKAGE_DIR.parent


class StartupError(ValueError):
    """Something the service loads at start-up is broken; the message names it."""


class ConfigError(StartupError):
    """A setting has a value the service cannot run with."""


def _integer(environ: Mapping[str, str], name: str, default: int, minimum: int, maximum: int):
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    value = whole_number(raw)
    if value is None:
        raise ConfigError(f"{name}={raw!r} is not a whole number in ASCII digits")
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={raw} is outside {minimum}..{maximum}")
    return value


_SWITCH_VALUES = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}


def switch(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _SWITCH_VALUES:
        raise ConfigError(f"{name}={raw!r} is not one of {', '.join(_SWITCH_VALUES)}")
    return _SWITCH_VALUES[raw]


def _origins(environ: Mapping[str, str]) -> tuple[str, ...]:
    raw = environ.get("CORS_ALLOWED_ORIGINS", "*").strip() or "*"
    if raw == "*":
        return ("*",)
    origins = tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    for origin in origins:
        if not origin.startswith(("http://", "https://")) or origin == "*":
            raise ConfigError(
                f"CORS_ALLOWED_ORIGINS: {origin!r} is not an origin such as https://portal.example"
            )
    return origins


def _public_base_url(environ: Mapping[str, str]) -> str:
    """Where clients reach the service (scheme, host, optional path), or "" for links
    relative to it. Taken from the operator, never from a request's Host header."""
    raw = environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if not raw:
        return ""
    parts = urlsplit(raw)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
        or not raw.isascii()
        or not raw.isprintable()
    ):
        raise ConfigError(
            f"PUBLIC_BASE_URL={raw!r} is not a base URL such as https://patient-info.example.org"
        )
    return raw


def _store_path(environ: Mapping[str, str]) -> Path | None:
    raw = environ.get("STORE_PATH", "").strip()
    return Path(raw).resolve() if raw else None


def from_environment(environ: Mapping[str, str] | None = None) -> dict:
    """Return the Flask config keys this service reads, from the environment."""
    environ = os.environ if environ is None else environ
    return {
        "CONTENT_DIR": Path(
            environ.get("CONTENT_DIR") or PACKAGE_DIR / "content" / "articles"
        ).resolve(),
        "TRANSLATIONS_DIR": Path(
            environ.get("TRANSLATIONS_DIR") or REPOSITORY_DIR / "translations"
        ).resolve(),
        "CACHE_MAX_AGE": _integer(environ, "CACHE_MAX_AGE", 3600, 0, 31_536_000),
        "CORS_ALLOWED_ORIGINS": _origins(environ),
        # Absolute links in documents read away from the service (Infobutton, JSON-LD).
        "PUBLIC_BASE_URL": _public_base_url(environ),
        "ARTICLES_PER_PAGE": _integer(environ, "ARTICLES_PER_PAGE", 50, 1, 1000),
        "TRANSLATION_COMPLETENESS_THRESHOLD": _integer(
            environ, "TRANSLATION_COMPLETENESS_THRESHOLD", 100, 0, 100
        ),
        # The compiled payload store (service/compiled_store.py); unset: built at start-up.
        "STORE_PATH": _store_path(environ),
        # Prometheus metrics, served by the gunicorn master on this port (0: off).
        "METRICS_PORT": _integer(environ, "METRICS_PORT", 0, 0, 65535),
        # The translators' HTML preview (service/preview.py); `make run` turns it on.
        "PREVIEW_ENABLED": switch(environ, "PREVIEW_ENABLED", False),
    }
