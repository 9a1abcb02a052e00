"""What the learn job last computed from: a fingerprint of its inputs per part.

A fingerprint is counts plus order-free sums or XORed row hashes over the columns a part reads,
so an insert, delete or change of those rows changes it, while a run with nothing new costs a
scan of a few columns instead of the whole recomputation. The keyword posteriors read only the
lead totals (``core.store.lead_totals``, a few hundred rows), so their fingerprint hashes those:
equal totals give equal weights. Sums could in principle cancel out; the next real change
recomputes anyway. The
signals are tracked per symbol instead (``core.store.signal_record``, ``core.signals.incremental``).
"""
from __future__ import annotations

from datetime import datetime

from core.store import Store

_INPUTS = {
    # posteriors read the decided statuses' lead totals, and nothing else (core.leads.learning)
    "keywords": "SELECT count(*), bit_xor(h) FROM ("
                "SELECT hash(status, leads) AS h FROM lead_status_totals WHERE status IN ('won', 'lost', 'ignored') "
                "UNION ALL SELECT hash(keyword, status, leads) FROM lead_keyword_totals "
                "WHERE status IN ('won', 'lost', 'ignored'))",
}


def fingerprint(store: Store, part: str, extra: str = "") -> str:
    """The current fingerprint of ``part``'s inputs (``extra``: e.g. the settings it ran with)."""
    with store.read() as con:
        row = con.execute(_INPUTS[part]).fetchone()
    return ":".join(str(v) for v in row) + (f"|{extra}" if extra else "")


def unchanged(store: Store, part: str, fp: str) -> bool:
    """True when ``part`` was last computed from inputs with this fingerprint."""
    with store.read() as con:
        row = con.execute("SELECT fingerprint FROM learn_state WHERE part = ?", [part]).fetchone()
    return row is not None and row[0] == fp


def remember(store: Store, part: str, fp: str, at: datetime) -> None:
    with store.write() as con:
        con.execute("INSERT OR REPLACE INTO learn_state (part, fingerprint, computed_at) VALUES (?, ?, ?)",
                    [part, fp, at])
