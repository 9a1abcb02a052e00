"""Truthful run health: every input failed -> failed; some -> partial, saying k of n; none -> ok."""
from __future__ import annotations

import pytest

from core.models import RunStatus, SourceCounts
from jobs.errors import problem_summary, source_tally, status_for, to_counts

pytestmark = pytest.mark.timeout(10)


def _status(counts: SourceCounts):
    record = to_counts(counts)
    status = status_for(record)
    return status, problem_summary(record, status)


def test_every_source_failed_is_failed_with_the_reasons():
    counts = SourceCounts(reasons=["a: HTTP 404", "b: timed out after 0.3s"], sources=2, sources_failed=2)
    status, why = _status(counts)
    assert status == RunStatus.FAILED
    assert why == "all 2 sources failed: a: HTTP 404; b: timed out after 0.3s"


def test_the_only_source_failing_is_failed():
    assert _status(SourceCounts(reasons=["a: HTTP 500"], sources=1, sources_failed=1)) == (
        RunStatus.FAILED, "the only source failed: a: HTTP 500")


def test_some_sources_failed_is_partial_and_says_how_many():
    counts = SourceCounts(fetched=25, new=25, reasons=["gone: HTTP 404", "quiet: not modified (304)"],
                          sources=3, sources_failed=1)
    status, why = _status(counts)
    assert status == RunStatus.PARTIAL
    assert why == "1 of 3 sources failed: gone: HTTP 404"  # the benign 304 note is not a problem


def test_no_source_failed_is_ok_and_has_no_problem():
    assert _status(SourceCounts(fetched=3, new=3, sources=2)) == (RunStatus.OK, None)


def test_rejected_entries_without_failed_sources_stay_partial():
    status, why = _status(SourceCounts(fetched=3, new=2, rejected=1, reasons=["a: left out 1 entries"], sources=1))
    assert status == RunStatus.PARTIAL and why == "finished with problems: a: left out 1 entries"


def test_nothing_tried_is_not_a_failure():
    """Offline, or every feed paused / not due: no input was tried, so none failed."""
    assert _status(SourceCounts(reasons=["offline"])) == (RunStatus.OK, None)


def test_nested_records_are_tallied():
    record = {"learning": {"rows": 3}, "prices": to_counts(SourceCounts(sources=4, sources_failed=4,
                                                                         reasons=["AAPL: timed out"]))}
    assert source_tally(record) == (4, 4)
    assert status_for(record) == RunStatus.FAILED
