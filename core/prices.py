"""Price ingestion: incremental, split/dividend-consistent, never stalled; and file replay.

Consistent means: every stored ``close`` of a symbol/interval is on today's split basis and
every ``adj_close`` on today's dividend adjustment, i.e. the stored history equals what Yahoo
would answer for it now. Yahoo re-bases the whole past on each split (and ``adjclose`` on each
dividend), so an incremental fetch that crosses one makes older stored rows stale. They are
detected on the overlap (the last few stored bars are fetched again on every run) and fixed
by re-fetching the symbol's whole stored span and swapping it in one transaction.
"""
from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polars as pl

from core import tracing
from core.models import SourceCounts, price_frame
from core.sources.prices import sniff_price_provider
from core.sources.prices.replay import vendor_chart
from core.sources.yahoo import (
    INTERVALS,
    ChartData,
    ChartError,
    YahooSource,
    parse_chart_body,
    parse_history_csv,
)
from core.store import Store
from core.store.feeds import list_watchlist
from core.store.prices import bar_spans, price_history, replace_symbol_history, upsert_prices

log = logging.getLogger(__name__)

OVERLAP_BARS = 3  # stored bars fetched again each run: revisions land, re-basing shows
CLOSE_TOLERANCE = 0.005  # a close differing by more than 0.5% is on another split basis
MAX_FILE_BYTES = 50_000_000  # a replayed price file larger than this is refused
ADJ_TOLERANCE = 1e-4  # an adjustment factor (adj_close/close) moved by >0.01%: a new dividend


def _value(bar_close, bar_adj, column: str):
    if column == "factor":  # Yahoo's dividend adjustment, immune to revisions of the close
        return bar_adj / bar_close if bar_adj and bar_close else None
    return bar_close


def _ratios(stored: pl.DataFrame, data: ChartData, column: str, before=None,
            skip_newest: bool = True) -> list[float]:
    """stored / fetched values of the overlap bars (``column``: "close" or "factor")."""
    fetched = {b.ts: _value(b.close, b.adj_close, column) for b in data.bars}
    newest = stored["ts"].max()
    out = []
    for ts, close, adj in stored.select("ts", "close", "adj_close").iter_rows():
        mine, theirs = _value(close, adj, column), fetched.get(ts)
        if not mine or not theirs or (before is not None and ts >= before):
            continue
        if skip_newest and ts == newest:
            continue  # the newest stored bar may be a partial bar Yahoo is still revising
        out.append(mine / theirs)
    return out


def rebase_reason(stored: pl.DataFrame, data: ChartData) -> str | None:
    """Why stored bars of this symbol are on another basis than the fetched ones (or None).

    ``stored`` holds the stored bars from the incremental fetch start on (the overlap), or
    more. Checked: each split and dividend in the answer against the stored bars before it,
    then the overlap as a whole (a re-basing Yahoo shows no event for).
    """
    if stored.is_empty() or not data.bars:
        return None
    for day, ratio in data.splits:
        earlier = stored.filter(pl.col("ts") < day)
        if earlier.is_empty() or abs(ratio - 1) < 1e-9:
            continue  # nothing stored before the split: nothing stale
        label = f"{data.symbol}: split {ratio:g}:1 on {day.date()}"
        diffs = _ratios(stored, data, "close", before=day, skip_newest=False)
        if diffs:
            if any(abs(r - 1) > CLOSE_TOLERANCE for r in diffs):
                return f"{label}; stored closes before it differ from Yahoo's"
            continue
        # No bar before the split was fetched again: is the last stored close nearer to the
        # first post-split close times the ratio (old basis) than to it (already re-based)?
        after = [b.close for b in data.bars if b.ts >= day and b.close]
        last_close = earlier.sort("ts")["close"][-1]
        if after and last_close:
            r = last_close / after[0]
            if abs(math.log(r) - math.log(ratio)) < abs(math.log(r)):
                return f"{label}; stored bars before it are on the old basis"
    for day, amount in data.dividends:
        diffs = _ratios(stored, data, "factor", before=day, skip_newest=False)
        if any(abs(r - 1) > ADJ_TOLERANCE for r in diffs):
            return (f"{data.symbol}: dividend {amount:g} ex {day.date()}; stored adj_close "
                    f"before it is not adjusted for it")
    closes = _ratios(stored, data, "close")
    if closes and all(abs(r - 1) > CLOSE_TOLERANCE for r in closes) \
            and max(closes) - min(closes) < 0.01 * max(closes):
        return (f"{data.symbol}: stored closes are {closes[0]:.4g}x Yahoo's on the overlap "
                f"(split basis changed)")
    factors = _ratios(stored, data, "factor", skip_newest=False)
    if factors and all(abs(r - 1) > ADJ_TOLERANCE for r in factors):
        return (f"{data.symbol}: stored adj_close is {factors[0]:.6g}x Yahoo's on the overlap "
                f"(dividend adjustment changed)")
    return None


def _watchlist(store: Store, settings) -> list[str]:
    symbols = list_watchlist(store)["symbol"].to_list()
    return symbols or list(settings.watchlist)


def ingest_prices(store: Store, settings, interval: str = "1d", symbols: list[str] | None = None,
                  session=None, source: YahooSource | None = None,
                  providers: list[str] | None = None) -> SourceCounts:
    """Fetch new bars for the watchlist (or ``symbols``) and upsert them, each symbol from the
    first provider of ``settings.price_providers`` (or ``providers``) that answers.

    fetched = bars received, new = bars inserted, duplicate = known bars rewritten (the
    overlap), rejected = unusable bars plus symbols no provider served (timeout, error).
    A symbol without data (weekend, unknown, delisted) is a reason, not a rejection. The
    result also says which provider served which symbol and why others were skipped.
    """
    from core.store.provider_usage import load_usage, record_served, save_usage, served_by
    from core.vendors.chain import ChainRunCounts, PriceChain
    from core.vendors.quota import QuotaBook

    counts = SourceCounts()
    if settings.offline:
        counts.reasons.append("offline: no prices fetched")
        return counts
    if interval not in INTERVALS:
        counts.reasons.append(f"unknown interval {interval!r}")
        return counts
    symbols = [s.upper() for s in (symbols or _watchlist(store, settings))]
    yahoo = source or (YahooSource(settings.yahoo_timeout_s, session,
                                   cache_dir=Path(settings.data_dir) / "cache" / "yfinance",
                                   history_days=getattr(settings, "yahoo_history_days", None))
                       if session is not None else None)
    quota = QuotaBook(settings, load_usage(store))
    chain = PriceChain(settings, quota, yahoo, providers)
    spans = bar_spans(store, symbols, interval, OVERLAP_BARS)
    previous = served_by(store, symbols, interval)
    served: dict[str, str] = {}
    started = time.monotonic()
    try:
        for i, symbol in enumerate(symbols):
            if time.monotonic() - started > settings.job_deadline_s:
                counts.reasons.append(f"job deadline of {settings.job_deadline_s:g}s reached: "
                                      f"{', '.join(symbols[i:])} not fetched")
                break
            part, provider = _ingest_symbol(store, settings, chain, symbol, interval, spans.get(symbol),
                                            previous.get(symbol))
            counts = counts.add(part)
            if provider:
                served[symbol] = provider
    finally:
        save_usage(store, quota.changed())  # the quota survives a crash mid-run too
        record_served(store, interval, served)
    failed = [a for a in chain.attempts if a.outcome == "failed"]
    counts.reasons.extend(f"{a.symbol}: {a.reason} (failed over)" for a in failed
                          if a.symbol in served)
    log.info("prices ingested", extra={"interval": interval, "symbols": len(symbols), "served_by": served,
                                       **{k: v for k, v in counts.as_dict().items() if k != "reasons"}})
    return ChainRunCounts(counts.fetched, counts.new, counts.duplicate, counts.rejected, counts.reasons,
                          counts.sources, counts.sources_failed, served_by=served,
                          attempts=chain.attempt_rows())


def _ingest_symbol(store: Store, settings, chain, symbol: str, interval: str, span,
                   previous_provider: str | None) -> tuple[SourceCounts, str | None]:
    from core.store.price_alerts import insert_alerts
    from core.vendors.agreement import stored_vs_fetched, summarise

    counts = SourceCounts(sources=1)
    with tracing.span("price fetch", {"signaldesk.symbol": symbol, "signaldesk.interval": interval}) as sp:
        data, provider, reason = chain.fetch(symbol, interval, start=span.overlap_start if span else None)
        tracing.set_attributes(sp, {"signaldesk.bars": len(data.bars) if data else 0,
                                    "signaldesk.provider": provider or ""})
        if data is None:
            tracing.set_error(sp, reason)
    if data is None or not data.bars:
        counts.reasons.append(reason or f"{symbol} {interval}: no data")
        if reason and "no data" not in reason:
            counts.rejected += 1
            counts.sources_failed = 1
        return counts, None
    counts.fetched, counts.rejected = len(data.bars), data.rejected
    counts.reasons.extend(data.reasons)
    stored = price_history(store, symbol, interval, since=span.overlap_start) if span else None
    why = rebase_reason(stored, data) if stored is not None else None
    if why is None and stored is not None and previous_provider and previous_provider != provider:
        # failover overlap: the same bars from two providers (a re-basing explains itself)
        alerts = stored_vs_fetched(stored, previous_provider, data, provider,
                                   getattr(settings, "price_disagreement_pct", 0.5))
        if alerts:
            insert_alerts(store, alerts)
            counts.reasons.append(f"data quality: {summarise(alerts)}")
    if why is None:
        counts.new, counts.duplicate = upsert_prices(store, price_frame(data.bars))
        return counts, provider
    # Re-base: fetch the whole stored span again (same provider) and swap it in whole.
    full, _, full_reason = chain.fetch(symbol, interval, start=span.first, only=provider)
    if full is None or not full.bars:
        counts.rejected += 1
        counts.reasons.append(f"{why}; full re-fetch failed ({full_reason}): stored history "
                              f"left unchanged, retried next run")
        return counts, provider
    new, rewritten, removed = replace_symbol_history(store, symbol, interval, price_frame(full.bars))
    counts.fetched += len(full.bars)
    counts.new, counts.duplicate = new, rewritten
    counts.rejected += full.rejected
    note = f"; {removed} older bars the provider no longer serves were dropped" if removed else ""
    counts.reasons.append(f"{why}: whole history re-fetched from {provider} ({len(full.bars)} bars){note}")
    log.info("price history re-based", extra={"symbol": symbol, "interval": interval, "why": why})
    return counts, provider


# --- replay ---------------------------------------------------------------------------------

def _symbol_from_name(path: Path) -> tuple[str | None, str | None]:
    """``AAPL.csv`` -> (AAPL, None); ``AAPL_1d.csv`` / ``BRK-B_5m.csv`` -> (symbol, interval)."""
    parts = path.stem.split("_")
    symbol = parts[0].upper() or None
    interval = parts[1] if len(parts) > 1 and parts[1] in INTERVALS else None
    return symbol, interval


def read_price_file(path: Path, symbol: str | None = None, interval: str | None = None,
                    provider: str | None = None, text: str | None = None) -> ChartData:
    """A chart body, a vendor's recorded answer (by ``provider`` or by shape), a recorded
    exchange of either, or a yfinance CSV -> ChartData (ChartError on junk). ``text``: the
    file's content when the caller has already read it (capped)."""
    text = path.read_text(encoding="utf-8-sig") if text is None else text
    if path.suffix.lower() == ".csv":
        name_symbol, name_interval = _symbol_from_name(path)
        symbol = symbol or name_symbol
        if not symbol:
            raise ChartError("no symbol: name the file SYMBOL.csv or SYMBOL_1d.csv, or pass one")
        return parse_history_csv(text, symbol, interval or name_interval or "1d")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChartError(f"not JSON and not a .csv file ({exc.msg} at line {exc.lineno})") from exc
    url = ""
    if isinstance(doc, dict) and isinstance(doc.get("response"), dict):  # recorded exchange
        response = doc["response"]
        url = (doc.get("request") or {}).get("url") or ""
        if provider not in (None, "yahoo") or "/finance/chart/" not in url:
            body = response.get("bodyJson")
            if isinstance(response.get("status"), int) and response["status"] >= 400:
                raise ChartError(f"recorded answer is HTTP {response['status']}")
            if body is not None and (provider not in (None, "yahoo") or sniff_price_provider(body)
                                     not in (None, "yahoo")):
                return vendor_chart(body, provider, symbol, interval, url, path)
        query = parse_qs(urlsplit(url).query)
        interval = interval or (query.get("interval") or [None])[0]
        if "/finance/chart/" in url:
            symbol = symbol or urlsplit(url).path.rsplit("/", 1)[-1]
        status = response.get("status")
        body = response.get("bodyJson")
        if body is None:
            raise ChartError(f"recorded exchange without a JSON body (HTTP {status})")
        if isinstance(status, int) and status >= 400 and not (isinstance(body, dict) and "chart" in body):
            raise ChartError(f"recorded answer is HTTP {status}")
        doc = body
    if provider not in (None, "yahoo") or sniff_price_provider(doc) not in (None, "yahoo"):
        return vendor_chart(doc, provider, symbol, interval, url, path)
    return parse_chart_body(doc, symbol, interval)


def replay_price_file(store: Store, path: str | Path, symbol: str | None = None,
                      interval: str | None = None, provider: str | None = None) -> dict:
    """Load one recorded price file into the store, as the live path would store it.

    CSV files take their symbol from ``symbol`` or the file name (see ``_symbol_from_name``).
    """
    path = Path(path)
    out = {"file": str(path), "kind": "prices", "status": "error", "fetched": 0, "new": 0,
           "duplicate": 0, "rejected": 0, "reason": ""}
    from core.local_file import LocalFileError, read_capped

    try:
        text = read_capped(path, MAX_FILE_BYTES).decode("utf-8-sig")
        data = read_price_file(path, symbol.upper() if symbol else None, interval, provider, text)
    except LocalFileError as exc:
        out["reason"] = str(exc)
        return out
    except ChartError as exc:
        out["reason"] = str(exc)
        return out
    except (OSError, UnicodeDecodeError) as exc:
        out["reason"] = f"cannot read the file: {exc}"
        return out
    reasons = list(data.reasons)
    out["fetched"], out["rejected"] = len(data.bars), data.rejected
    if data.bars:
        stored = price_history(store, data.symbol, data.interval)
        why = rebase_reason(stored, data)
        if why:
            reasons.append(f"{why}; replay cannot re-fetch: run a live price ingest to re-base")
        out["new"], out["duplicate"] = upsert_prices(store, price_frame(data.bars))
    out["reason"] = "; ".join(reasons)
    if data.bars and (data.rejected or (reasons and not all("no data" in r for r in reasons))):
        out["status"] = "partial"
    else:
        out["status"] = "ok"
    return out
