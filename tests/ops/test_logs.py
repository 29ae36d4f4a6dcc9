"""Logs are one JSON object per line; a 500 carries its traceback and the request."""

from __future__ import annotations

import json
import logging
import sys

from django.conf import settings
from django.test import RequestFactory

from fordela.ops.logs import JsonFormatter


def test_a_server_error_is_one_json_line_with_its_traceback():
    request = RequestFactory().get("/c/x/")
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/c/x/",), sys.exc_info()
        )
    record.request, record.status_code = request, 500
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "django.request" and entry["status"] == 500
    assert entry["path"] == "/c/x/" and entry["method"] == "GET"
    assert "ZeroDivisionError: boom" in entry["traceback"]


def test_the_request_logger_uses_it_at_error_level():
    config = settings.LOGGING
    assert config["handlers"]["console"]["formatter"] == "json"
    assert config["loggers"]["django.request"] == {"handlers": ["console"], "level": "ERROR", "propagate": False}
    handler = logging.getLogger("django.request").handlers[0]
    assert isinstance(handler.formatter, JsonFormatter)
