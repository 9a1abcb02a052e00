"""Turning what a job raised or returned into a run record: readable error, fingerprint, counts.

The fingerprint groups recurring errors: the exception type, the message with the parts that
change from run to run (numbers, ids, hex, URLs, quoted paths) replaced by placeholders, and
the innermost frame (file:function) where it was raised. "timeout after 3.2s on id 123" and
"timeout after 4.1s on id 456" from the same place are one group.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import traceback
from pathlib import PurePath
from typing import Any

from core.models import RunStatus
from core.redact import mask_text

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.I)
_UUID = re.compile(r"\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b", re.I)
_HEX = re.compile(r"\b(?:0x[0-9a-f]+|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,})\b", re.I)
_NUM = re.compile(r"[-+]?\d+(?:[.,:]\d+)*")
_SPACE = re.compile(r"\s+")
# secrets that can hide in messages: Discord webhook tokens, bearer tokens, key=value secrets

MAX_ERROR_CHARS = 2000


def normalize_message(message: str) -> str:
    """The message with its run-specific parts replaced, for grouping."""
    text = _URL.sub("<url>", message)
    text = _UUID.sub("<id>", text)
    text = _HEX.sub("<hex>", text)
    text = _NUM.sub("<n>", text)
    return _SPACE.sub(" ", text).strip().lower()


def top_frame(exc: BaseException) -> str:
    """``file.py:function`` of the innermost frame the exception passed through."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{PurePath(last.filename).name}:{last.name}"


def fingerprint(exc_type: str, message: str, frame: str) -> str:
    key = f"{exc_type}|{normalize_message(message)}|{frame}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def exception_fingerprint(exc: BaseException) -> str:
    return fingerprint(type(exc).__qualname__, str(exc), top_frame(exc))


def redact(text: str, secrets: list[str] | None = None) -> str:
    """Remove known secret values and secret-looking URL parts from a message."""
    for secret in secrets or []:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return mask_text(text)


def settings_secrets(settings) -> list[str]:
    """Plain values of every SecretStr setting, so they can be scrubbed from error text."""
    out = []
    for name in type(settings).model_fields:
        value = getattr(settings, name, None)
        getter = getattr(value, "get_secret_value", None)
        if getter:
            out.append(getter())
    return out


def readable_error(exc: BaseException, secrets: list[str] | None = None) -> str:
    """``TypeName: message`` with secrets removed, cut to a size the dashboard can show."""
    message = str(exc).strip() or repr(exc)
    text = redact(f"{type(exc).__name__}: {message}", secrets)
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: timeouts, dropped connections, a store busy in another process, HTTP 429/5xx."""
    flag = getattr(exc, "transient", None)
    if flag is not None:
        return bool(flag)
    if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)):
        return False
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) or getattr(exc, "status", None)
    if isinstance(status, int) and status:
        return status == 429 or status >= 500
    if isinstance(exc, (TimeoutError, ConnectionError)):
        return True
    if type(exc).__name__ in ("StoreBusy", "ReadTimeout", "ConnectTimeout", "Timeout",
                              "ConnectionError", "ServerDisconnectedError", "ClientConnectorError"):
        return True
    return isinstance(exc, OSError) and "lock" in str(exc).lower()


# --- what a job returned ------------------------------------------------------------------

def to_counts(result: Any) -> Any:
    """A JSON-able record of what the job returned (SourceCounts, report objects, dicts)."""
    if result is None:
        return {}
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {k: to_counts(v) for k, v in dataclasses.asdict(result).items()}
    if hasattr(result, "as_dict") and callable(result.as_dict):
        return to_counts(result.as_dict())
    if hasattr(result, "model_dump"):
        return to_counts(result.model_dump())
    if hasattr(result, "counts") and not callable(result.counts):
        return to_counts(result.counts)
    if isinstance(result, dict):
        return {str(k): to_counts(v) for k, v in result.items()}
    if isinstance(result, (list, tuple, set)):
        return [to_counts(v) for v in result]
    if isinstance(result, (str, int, float, bool)):
        return result
    return str(result)


# Reasons that explain a quiet run rather than a problem (ingest's per-feed notes).
_BENIGN = re.compile(r"not modified|\(304\)|skipped|not due|paused|offline|no enabled|no new|nothing to",
                     re.I)


def _problems(counts: Any) -> bool:
    if isinstance(counts, dict):
        for key in ("rejected", "failed", "errors"):
            v = counts.get(key)
            if (isinstance(v, (int, float)) and v > 0) or (isinstance(v, list) and v):
                return True
        reasons = counts.get("reasons")
        if isinstance(reasons, list) and any(not _BENIGN.search(str(r)) for r in reasons):
            return True
        return any(_problems(v) for v in counts.values() if isinstance(v, dict))
    return False


def source_tally(counts: Any) -> tuple[int, int]:
    """(inputs tried, inputs failed) over the whole record (``SourceCounts.sources``, nested too)."""
    if not isinstance(counts, dict):
        return 0, 0
    tried = counts.get("sources") if isinstance(counts.get("sources"), int) else 0
    failed = counts.get("sources_failed") if isinstance(counts.get("sources_failed"), int) else 0
    for v in counts.values():
        if isinstance(v, dict):
            t, f = source_tally(v)
            tried, failed = tried + t, failed + f
    return tried, failed


def status_for(counts: Any) -> RunStatus:
    """failed when every input the run tried failed; partial when some did, or the job finished
    but something was rejected along the way (a rejected/failed count, or a reason that is not
    just "not modified", "skipped", "offline"...); ok otherwise."""
    tried, failed = source_tally(counts)
    if tried and failed >= tried:
        return RunStatus.FAILED
    return RunStatus.PARTIAL if failed or _problems(counts) else RunStatus.OK


def _reasons(counts: Any) -> list[str]:
    if not isinstance(counts, dict):
        return []
    out = [str(r) for r in counts.get("reasons") or [] if not _BENIGN.search(str(r))]
    for v in counts.values():
        if isinstance(v, dict):
            out += _reasons(v)
    return out


def problem_summary(counts: Any, status: RunStatus) -> str | None:
    """What went wrong in a finished run, in words for the Jobs page: "all 4 sources failed: ...",
    "1 of 4 sources failed: ...", or the problems of a partial run. None for an ok run."""
    if status not in (RunStatus.PARTIAL, RunStatus.FAILED):
        return None
    tried, failed = source_tally(counts)
    if tried and failed >= tried:
        head = f"all {tried} sources failed" if tried > 1 else "the only source failed"
    elif failed:
        head = f"{failed} of {tried} sources failed"
    else:
        head = "finished with problems"
    reasons = _reasons(counts)
    text = f"{head}: {'; '.join(reasons)}" if reasons else head
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


def new_items(counts: Any) -> int:
    """How many new rows the run stored (for adaptive polling of the job-level source)."""
    if isinstance(counts, dict):
        n = counts.get("new")
        total = int(n) if isinstance(n, (int, float)) else 0
        return total + sum(new_items(v) for v in counts.values() if isinstance(v, dict))
    return 0
