"""Structured logs: one JSON object per line (python-json-logger), app and gunicorn alike.

gunicorn loads `JsonLogger` (gunicorn.conf.py's logger_class): its error log, its
access log and the app's own loggers all write JSON. The access record carries what
the app left in the WSGI environ (service/observability.py): route template,
requested and served language, request id. Query strings are never logged raw:
diagnosis codes are health data, so only parameter names are kept, with values for a
short allow-list.
"""

import logging
import os
import sys
from urllib.parse import parse_qsl

from gunicorn.glogging import Logger
from pythonjsonlogger.orjson import OrjsonFormatter

from service.config import switch
from service.observability import REQUEST_ID, REQUESTED_LANGUAGE, ROUTE, SERVED_LANGUAGE

# Query parameters whose values are safe to log (never codes or free text).
LOGGED_QUERY_VALUES = frozenset(
    {
        "lang",
        "page",
        "modified_since",
        "knowledgeResponseType",
        "informationRecipient.languageCode.c",
    }
)


def json_formatter() -> OrjsonFormatter:
    return OrjsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "timestamp", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def query_for_log(query_string: str) -> dict[str, str]:
    """Parameter names, with values only for the allow-list (others "[redacted]")."""
    if not query_string:
        return {}
    return {
        name: value if name in LOGGED_QUERY_VALUES else "[redacted]"
        for name, value in parse_qsl(query_string, keep_blank_values=True)
    }


def access_record(environ, status: str, duration_seconds: float, client_ip: bool) -> dict:
    """The fields of one access-log line."""
    record = {
        "method": environ.get("REQUEST_METHOD"),
        "route": environ.get(ROUTE, "unmatched"),
        "query": query_for_log(environ.get("QUERY_STRING", "")),
        "status": int(status[:3]) if status[:3].isdigit() else None,
        "duration_ms": round(duration_seconds * 1000, 3),
        "requested_language": environ.get(REQUESTED_LANGUAGE),
        "served_language": environ.get(SERVED_LANGUAGE),
        "request_id": environ.get(REQUEST_ID),
    }
    if client_ip:
        record["client_ip"] = environ.get("REMOTE_ADDR")
    return record


class JsonLogger(Logger):
    """gunicorn's logger, writing JSON lines; the app's loggers share its handlers."""

    def setup(self, cfg):
        super().setup(cfg)
        # What no line shows, not gathered per record (the logging HOWTO's
        # "Optimization"): the caller's file and line, thread and process names.
        logging._srcfile = None
        logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
        formatter = json_formatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)
        app_handler = logging.StreamHandler(sys.stderr)
        app_handler.setFormatter(formatter)
        root = logging.getLogger()
        root.handlers[:] = [app_handler]
        root.setLevel(self.loglevel)
        self.log_client_ip = switch(os.environ, "LOG_CLIENT_IP", False)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        seconds = request_time.total_seconds()
        record = access_record(environ, resp.status or "", seconds, self.log_client_ip)
        self.access_log.info("request", extra=record)
