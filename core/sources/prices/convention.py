"""The one price convention, for every provider's bars (stated in docs/prices.md).

- ``ts``: intraday bars by their start in naive UTC; daily bars by the exchange-local trading
  date at 00:00 (naive) -- Yahoo's rule, so a symbol keeps one key per bar across providers.
- ``close`` (and open/high/low): split-adjusted to today's basis, not dividend-adjusted.
  Vendors that send raw prices plus split coefficients (Alpha Vantage adjusted, Nasdaq Data
  Link EOD/WIKI) are divided by the product of the later splits here; volumes multiplied.
- ``adj_close``: split- and dividend-adjusted close when the vendor sends one; ``None``
  (unknown) when it does not -- the store then keeps what it had, never a made-up factor.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core.models import PriceBar
from core.sources.yahoo import ChartData, is_daily

EXCHANGE_TZ = ZoneInfo("America/New_York")


@dataclass(slots=True)
class RawBar:
    """One vendor row before the convention: raw prices, its time and its corporate actions."""

    when: datetime | date        # aware or naive-UTC datetime, or a trading date
    open: float | None
    high: float | None
    low: float | None
    close: float | None
    volume: float | None
    adj_close: float | None = None
    split: float = 1.0           # new shares per old share taking effect on this bar
    dividend: float = 0.0        # cash dividend with this bar as ex-date
    raw_prices: bool = False     # prices are as traded (not split-adjusted): adjust here


def daily_key(when: datetime | date, tz: ZoneInfo = EXCHANGE_TZ) -> datetime:
    """Trading date at 00:00 of a daily bar however the vendor stamps it: a date; midnight UTC
    (the date as written); or another instant (the exchange-local date of it)."""
    if isinstance(when, datetime):
        aware = when if when.tzinfo else when.replace(tzinfo=UTC)
        utc = aware.astimezone(UTC)
        if (utc.hour, utc.minute, utc.second) == (0, 0, 0):
            d = utc.date()
        else:
            d = aware.astimezone(tz).date()
    else:
        d = when
    return datetime(d.year, d.month, d.day)


def intraday_key(when: datetime | date) -> datetime:
    if not isinstance(when, datetime):
        return datetime(when.year, when.month, when.day)
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def to_convention(symbol: str, interval: str, rows: list[RawBar],
                  since: datetime | None = None) -> ChartData:
    """Vendor rows (any order) -> ChartData in the stored convention, with split and dividend
    events so stored history is re-based exactly as for Yahoo. Rows before ``since`` (a
    stored bar key) are dropped after adjusting, so the adjustment sees the later splits."""
    symbol = symbol.upper()
    out = ChartData(symbol, interval)
    key = daily_key if is_daily(interval) else intraday_key
    keyed = sorted(((key(r.when), r) for r in rows), key=lambda kr: kr[0])
    factor, factors = 1.0, [1.0] * len(keyed)
    for i in range(len(keyed) - 1, -1, -1):  # newest first: a split re-bases all bars before it
        factors[i] = factor
        split = keyed[i][1].split
        if split and split > 0 and abs(split - 1) > 1e-9:
            factor *= split
    bars: dict[datetime, PriceBar] = {}
    bad = 0
    for (ts, r), f in zip(keyed, factors):
        if r.split and r.split > 0 and abs(r.split - 1) > 1e-9:
            out.splits.append((ts, float(r.split)))
        if r.dividend:
            out.dividends.append((ts, float(r.dividend)))
        div = f if r.raw_prices else 1.0
        o, h, lo, c = (None if v is None else v / div for v in (r.open, r.high, r.low, r.close))
        if o is None and h is None and lo is None and c is None:
            continue
        if c is None or c <= 0 or any(v is not None and v <= 0 for v in (o, h, lo)):
            bad += 1
            continue
        if since is not None and ts < since:
            continue
        vol = None if r.volume is None else r.volume * div
        bars[ts] = PriceBar(symbol, interval, ts, o, h, lo, c, r.adj_close,
                            int(round(vol)) if vol is not None and 0 <= vol < 2**63 else None)
    out.bars = [bars[k] for k in sorted(bars)]
    if bad:
        out.rejected = bad
        out.reasons.append(f"{symbol} {interval}: {bad} bars without a usable close rejected")
    return out
