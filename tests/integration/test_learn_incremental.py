"""The learn job recomputes only what changed: a run with nothing new skips each part."""
from __future__ import annotations

from datetime import datetime

import pytest

from bench.stores import synthetic
from core import signals
from core.leads import learning
from core.store import learn_state
from core.store.funnel import set_lead_status

pytestmark = pytest.mark.timeout(120)


def test_learn_skips_parts_whose_inputs_did_not_change(store, settings):
    now = datetime(2026, 11, 20, 12)
    synthetic.fill(store, now, news=300, leads=200, n_symbols=3, years=1, news_days=30, lead_days=30)
    first = learning.refresh(store)
    assert first["terms"] > 0
    assert "skipped" in learning.refresh(store)
    assert signals.refresh(store, settings)["signals"] > 0
    assert "skipped" in signals.refresh(store, settings)

    set_lead_status(store, ["l10"], "won", now=now)  # a decided lead more: the posteriors move
    assert learning.refresh(store)["decided"] == first["decided"] + 1
    assert "skipped" in signals.refresh(store, settings)  # bars and stories did not change

    with store.write() as con:  # a new daily bar: the signals are recomputed
        con.execute("UPDATE prices SET close = close + 1 WHERE symbol = 'AAPL' AND ts = "
                    "(SELECT max(ts) FROM prices WHERE symbol = 'AAPL')")
    assert signals.refresh(store, settings)["signals"] > 0
    other = settings.model_copy(update={"signal_horizon_days": settings.signal_horizon_days + 1})
    assert "skipped" not in signals.refresh(store, other)  # other settings: computed again
    assert learn_state.fingerprint(store, "keywords") == learn_state.fingerprint(store, "keywords")
