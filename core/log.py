"""Structured logs: one JSON object per line, or readable text when stderr is a terminal.

``run_id`` is carried by a context variable, so every line written inside a job run names it;
``trace_id`` / ``span_id`` are those of the current OpenTelemetry span (``core.tracing``), so a
log line can be found from the Jobs page's waterfall and the other way round.
Every message, extra field and traceback goes through ``core.redact`` on its way out, so no
caller can log a key by mistake.
"""
from __future__ import annotations

import contextvars
import json
import logging
import sys
from contextlib import contextmanager
from datetime import UTC, datetime

from opentelemetry import trace

from core.redact import mask_any, mask_text

run_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("run_id", default=None)

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}


def _extras(record: logging.LogRecord) -> dict:
    """Extra fields, with every string masked (a URL or key can arrive in any of them)."""
    return {k: mask_any(v) for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask_text(record.getMessage()),
        }
        rid = getattr(record, "run_id", None) or run_id_var.get()
        if rid:
            out["run_id"] = rid
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            out["trace_id"] = format(ctx.trace_id, "032x")
            out["span_id"] = format(ctx.span_id, "016x")
        out.update({k: v for k, v in _extras(record).items() if k != "run_id"})
        if record.exc_info:
            out["exc"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(out, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        t = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")  # noqa: DTZ006 - the reader's clock
        rid = run_id_var.get()
        extras = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        line = f"{t} {record.levelname:<7} {record.name}: {mask_text(record.getMessage())}"
        if rid:
            line += f" [run {rid}]"
        if extras:
            line += f"  {extras}"
        if record.exc_info:
            line += "\n" + mask_text(self.formatException(record.exc_info))
        return line


# libraries whose INFO chatter is held back to WARNING (unless the root level is higher)
NOISY_LOGGERS = ("urllib3", "asyncio", "discord", "yfinance", "peewee", "apscheduler", "tzlocal")


def setup_logging(level: str = "INFO", stream=None, json_lines: bool | None = None) -> None:
    """Configure the root logger once per process."""
    stream = stream or sys.stderr
    if json_lines is None:
        json_lines = not (hasattr(stream, "isatty") and stream.isatty())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


@contextmanager
def bound_run_id(run_id: str):
    token = run_id_var.set(run_id)
    try:
        yield
    finally:
        run_id_var.reset(token)
