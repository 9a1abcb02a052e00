"""Yahoo prices: the ``yahoo`` adapter over yfinance 1.7, and the one normaliser of chart data.

Every way a Yahoo price series reaches signaldesk -- yfinance's ``Ticker.history`` frame
(live), a recorded chart JSON body, a CSV in yfinance's layout (replay) -- is first reduced to
the same raw pieces (epoch timestamps, OHLCV arrays, Yahoo's ``adjclose``, split and dividend
events) and then goes through :func:`normalise_chart`, so live and replayed bars are identical.

Time convention: intraday bars are keyed by their start in naive UTC. Daily-or-longer bars are
keyed by their exchange-local trading date at 00:00 (naive): Yahoo stamps a daily bar with the
session open in UTC while yfinance and CSV exports carry only the date, and the same bar must
get the same key whichever way it arrived.

Prices: ``close`` is Yahoo's close (split-adjusted to today's basis, not dividend-adjusted);
``adj_close`` is Yahoo's ``adjclose`` (split and dividend adjusted).

yfinance can stall for minutes on a silent network whatever its own ``timeout=`` says, so each
call runs in a daemon worker thread and is abandoned after the overall timeout.
"""
from __future__ import annotations

import csv
import io
import logging
import math
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from core.models import PriceBar

log = logging.getLogger(__name__)

DAILY_INTERVALS = frozenset({"1d", "5d", "1wk", "1mo", "3mo"})
INTRADAY_INTERVALS = frozenset({"1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h"})
INTERVALS = DAILY_INTERVALS | INTRADAY_INTERVALS
# How far back a first fetch reaches (Yahoo serves 1m for ~30 days, <1h for 60, 1h for 730).
INITIAL_LOOKBACK = {"1m": timedelta(days=7), "1h": timedelta(days=720), "60m": timedelta(days=720)}
INTRADAY_LOOKBACK = timedelta(days=59)
DAILY_LOOKBACK = timedelta(days=5 * 365)
MAX_LOOKBACK = {"1m": timedelta(days=29), "1h": timedelta(days=729), "60m": timedelta(days=729)}


class ChartError(ValueError):
    """The input is not a usable chart; the message is the recorded reason."""


@dataclass(slots=True)
class ChartData:
    """Normalised bars of one symbol/interval plus the corporate actions that came with them."""

    symbol: str
    interval: str
    bars: list[PriceBar] = field(default_factory=list)
    splits: list[tuple[datetime, float]] = field(default_factory=list)  # (bar key, ratio new/old)
    dividends: list[tuple[datetime, float]] = field(default_factory=list)
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)


def is_daily(interval: str) -> bool:
    return interval in DAILY_INTERVALS


def initial_lookback(interval: str) -> timedelta:
    if is_daily(interval):
        return DAILY_LOOKBACK
    return INITIAL_LOOKBACK.get(interval, INTRADAY_LOOKBACK)


def max_lookback(interval: str) -> timedelta | None:
    """How far back Yahoo serves this interval at all (None: no practical limit)."""
    if is_daily(interval):
        return None
    return MAX_LOOKBACK.get(interval, INTRADAY_LOOKBACK)


def bar_key(epoch_s: float, interval: str, tz: ZoneInfo) -> datetime:
    """The stored ``ts`` of a bar (or event) at this epoch second -- see the module docstring."""
    moment = datetime.fromtimestamp(epoch_s, UTC)
    if is_daily(interval):
        local = moment.astimezone(tz).date()
        return datetime(local.year, local.month, local.day)
    return moment.replace(tzinfo=None)


def _zone(tz_name: str | None, gmtoffset: int | None = None):
    if tz_name:
        try:
            return ZoneInfo(tz_name)
        except Exception:  # noqa: BLE001 - unknown zone name: fall back to the fixed offset
            pass
    return timezone(timedelta(seconds=gmtoffset or 0))


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def normalise_chart(symbol: str, interval: str, timestamps: list, quote: dict,
                    adjclose: list | None, splits: list[tuple[float, float]],
                    dividends: list[tuple[float, float]], tz_name: str | None,
                    gmtoffset: int | None = None) -> ChartData:
    """(epoch timestamps, OHLCV arrays, adjclose, events) -> PriceBars. The one normaliser.

    ``splits`` are (epoch, new shares per old share), ``dividends`` (epoch, amount). Rows where
    Yahoo sent no prices at all (a minute without trades) are skipped silently; rows with some
    prices but no usable close, or non-positive prices, are rejected with a reason.
    """
    symbol = symbol.upper()
    if interval not in INTERVALS:
        raise ChartError(f"unknown interval {interval!r}")
    tz = _zone(tz_name, gmtoffset)
    out = ChartData(symbol, interval)
    n = len(timestamps)
    cols = {k: list(quote.get(k) or [None] * n) for k in ("open", "high", "low", "close", "volume")}
    adj = list(adjclose) if adjclose is not None else list(cols["close"])
    if any(len(v) != n for v in cols.values()) or len(adj) != n:
        raise ChartError(f"{symbol}: price arrays and timestamps differ in length")
    seen: dict[datetime, PriceBar] = {}
    bad = 0
    for i, stamp in enumerate(timestamps):
        o, h, lo, c = (_num(cols[k][i]) for k in ("open", "high", "low", "close"))
        if o is None and h is None and lo is None and c is None:
            continue
        if c is None or c <= 0 or any(v is not None and v <= 0 for v in (o, h, lo)):
            bad += 1
            continue
        vol = _num(cols["volume"][i])
        key = bar_key(stamp, interval, tz)
        seen[key] = PriceBar(symbol, interval, key, o, h, lo, c, _num(adj[i]),
                             int(vol) if vol is not None and 0 <= vol < 2**63 else None)
    out.bars = [seen[k] for k in sorted(seen)]
    if bad:
        out.rejected = bad
        out.reasons.append(f"{symbol} {interval}: {bad} bars without a usable close rejected")
    out.splits = sorted((bar_key(t, interval, tz), float(r)) for t, r in splits if r and r > 0)
    out.dividends = sorted((bar_key(t, interval, tz), float(a)) for t, a in dividends if a)
    return out


# --- input shapes ---------------------------------------------------------------------------

def parse_chart_body(body: object, symbol: str | None = None,
                     interval: str | None = None) -> ChartData:
    """A Yahoo ``/v8/finance/chart`` body -> ChartData. Raises ChartError with the reason."""
    if not isinstance(body, dict) or "chart" not in body:
        kind = next(iter(body), "?") if isinstance(body, dict) and body else type(body).__name__
        raise ChartError(f"not a Yahoo chart response (top-level key {kind!r})")
    chart = body["chart"] or {}
    if chart.get("error"):
        err = chart["error"]
        desc = err.get("description") if isinstance(err, dict) else str(err)
        raise ChartError(f"Yahoo error: {desc}")
    results = chart.get("result") or []
    if not results:
        raise ChartError("Yahoo chart has no result")
    res = results[0] or {}
    meta = res.get("meta") or {}
    symbol = (symbol or meta.get("symbol") or "").upper()
    interval = interval or meta.get("dataGranularity") or "1d"
    if not symbol:
        raise ChartError("chart names no symbol")
    quotes = (res.get("indicators") or {}).get("quote") or [{}]
    stamps = res.get("timestamp") or []
    if not stamps or not quotes[0]:
        return ChartData(symbol, interval, reasons=[f"{symbol} {interval}: no data (no bars in the answer)"])
    adj_list = (res.get("indicators") or {}).get("adjclose") or []
    adj = adj_list[0].get("adjclose") if adj_list else None
    events = res.get("events") or {}
    splits = [(e["date"], e["numerator"] / e["denominator"])
              for e in (events.get("splits") or {}).values() if e.get("denominator")]
    dividends = [(e["date"], e.get("amount")) for e in (events.get("dividends") or {}).values()]
    return normalise_chart(symbol, interval, stamps, quotes[0], adj, splits, dividends,
                           meta.get("exchangeTimezoneName"), meta.get("gmtoffset"))


def parse_history_frame(symbol: str, interval: str, df, tz_name: str | None = None) -> ChartData:
    """yfinance ``history(auto_adjust=False, actions=True)`` pandas frame -> ChartData."""
    if df is None or len(df) == 0:
        return ChartData(symbol.upper(), interval,
                         reasons=[f"{symbol.upper()} {interval}: no data (empty answer)"])
    index = df.index
    tz_name = tz_name or (str(index.tz) if getattr(index, "tz", None) is not None else "UTC")
    if getattr(index, "tz", None) is None:
        index = index.tz_localize(tz_name)
    stamps = [ts.timestamp() for ts in index]

    def col(name):
        return df[name].tolist() if name in df.columns else None

    quote = {"open": col("Open"), "high": col("High"), "low": col("Low"), "close": col("Close"),
             "volume": col("Volume")}
    splits = [(t, r) for t, r in zip(stamps, col("Stock Splits") or []) if _num(r)]
    divs = [(t, a) for t, a in zip(stamps, col("Dividends") or []) if _num(a)]
    return normalise_chart(symbol, interval, stamps, quote, col("Adj Close"), splits, divs, tz_name)


CSV_COLUMNS = ("Open", "High", "Low", "Close", "Adj Close", "Volume")


def parse_history_csv(text: str, symbol: str, interval: str = "1d",
                      tz_name: str = "America/New_York") -> ChartData:
    """CSV in yfinance's ``to_csv`` layout (Date/Datetime, Open, High, Low, Close, Adj Close,
    Volume, Dividends, Stock Splits) -> ChartData. Dates without an offset are read in
    ``tz_name`` (the exchange's zone)."""
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in (reader.fieldnames or [])]
    date_col = next((f for f in ("Date", "Datetime") if f in fields), None)
    if date_col is None or "Close" not in fields:
        raise ChartError(f"not a yfinance CSV: columns {fields[:6]} (need Date and Close)")
    tz = _zone(tz_name)
    stamps, quote, adj, splits, divs = [], {k.lower(): [] for k in CSV_COLUMNS[:4]}, [], [], []
    quote["volume"] = []
    bad_dates = 0
    for row in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            moment = datetime.fromisoformat(row[date_col].replace("Z", "+00:00"))
        except ValueError:
            bad_dates += 1
            continue
        if is_daily(interval):  # the date as written is the trading day, whatever the offset
            moment = datetime(moment.year, moment.month, moment.day, 12, tzinfo=tz)
        elif moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        t = moment.timestamp()
        stamps.append(t)
        for k in ("Open", "High", "Low", "Close", "Volume"):
            quote[k.lower()].append(_num(row.get(k) or None))
        adj.append(_num(row.get("Adj Close") or None) if "Adj Close" in fields else None)
        if _num(row.get("Stock Splits") or None):
            splits.append((t, float(row["Stock Splits"])))
        if _num(row.get("Dividends") or None):
            divs.append((t, float(row["Dividends"])))
    if "Adj Close" not in fields:
        adj = quote["close"]
    data = normalise_chart(symbol, interval, stamps, quote, adj, splits, divs, tz_name)
    if bad_dates:
        data.rejected += bad_dates
        data.reasons.append(f"{symbol} {interval}: {bad_dates} rows with an unreadable date rejected")
    return data


# --- the live adapter -----------------------------------------------------------------------

@dataclass(slots=True)
class FetchResult:
    symbol: str
    interval: str
    data: ChartData | None = None
    reason: str | None = None  # set when nothing usable came back
    timed_out: bool = False


def call_with_timeout(fn, timeout_s: float, name: str = "yahoo-call"):
    """Run ``fn()`` in a daemon thread; raise TimeoutError if it has not returned in time.

    A stalled call is abandoned, not killed (Python cannot kill threads); being a daemon it
    never keeps the process alive.
    """
    box: dict = {}
    done = threading.Event()

    def work():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name=name, daemon=True).start()
    if not done.wait(timeout_s):
        raise TimeoutError(f"no answer within {timeout_s:g}s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _describe_error(symbol: str, interval: str, exc: BaseException) -> str:
    from yfinance.exceptions import YFException, YFRateLimitError

    text = str(exc).strip().replace("\n", " ").split(" See https://curl.se")[0][:300]
    if isinstance(exc, YFRateLimitError):
        return f"{symbol} {interval}: rate limited by Yahoo"
    if isinstance(exc, YFException):  # PricesMissing / TzMissing / TickerMissing ...
        return f"{symbol} {interval}: no data ({text})"
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 404:
        return f"{symbol} {interval}: no data (Yahoo answered 404: unknown or delisted symbol)"
    if status:
        return f"{symbol} {interval}: Yahoo answered HTTP {status}"
    return f"{symbol} {interval}: error {type(exc).__name__}: {text}"


_cache_dir: str | None = None


class YahooSource:
    """The ``yahoo`` adapter: one symbol/interval per call, through yfinance's public API.

    ``session`` is handed to yfinance as is (a curl_cffi or requests Session; None lets
    yfinance build its own curl_cffi session). yfinance keeps one process-wide session
    (``YfData`` is a singleton), so calls are made one at a time.
    """

    name = "yahoo"

    def __init__(self, timeout_s: float = 30.0, session=None, cache_dir=None,
                 history_days: int | None = None):
        self.timeout_s = timeout_s
        self.session = session
        self.cache_dir = cache_dir
        self.history_days = history_days

    def _prepare(self) -> None:
        import yfinance as yf

        # Errors as exceptions (the documented replacement of raise_errors=True), so a reason
        # can be recorded instead of yfinance logging it and returning an empty frame.
        yf.config.debug.hide_exceptions = False
        # yfinance caches ticker time zones and cookies in files: keep them in our data dir
        # (public set_tz_cache_location moves all its caches); re-pointing closes its DBs.
        global _cache_dir
        if self.cache_dir is not None and str(self.cache_dir) != _cache_dir:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            yf.set_tz_cache_location(str(self.cache_dir))
            _cache_dir = str(self.cache_dir)

    def fetch(self, symbol: str, interval: str = "1d", start: datetime | None = None) -> FetchResult:
        """Bars of ``symbol`` from ``start`` (a stored bar key; None = initial lookback) to now."""
        symbol = symbol.upper()
        if interval not in INTERVALS:
            return FetchResult(symbol, interval, reason=f"{symbol}: unknown interval {interval!r}")
        self._prepare()
        since = _fetch_start(interval, start, self.history_days)

        def call():
            import yfinance as yf

            ticker = yf.Ticker(symbol, session=self.session)
            frame = ticker.history(start=since, interval=interval, auto_adjust=False,
                                   actions=True, prepost=False, repair=False,
                                   timeout=min(self.timeout_s, 30.0))
            # the frame's index is in the exchange's zone (yfinance sets it from chart meta)
            return frame, None

        try:
            frame, tz_name = call_with_timeout(call, self.timeout_s, f"yahoo-{symbol}")
        except TimeoutError as exc:
            return FetchResult(symbol, interval, reason=f"{symbol} {interval}: timed out ({exc})",
                               timed_out=True)
        except Exception as exc:  # noqa: BLE001 - reported to the caller, never lost
            return FetchResult(symbol, interval, reason=_describe_error(symbol, interval, exc))
        try:
            data = parse_history_frame(symbol, interval, frame, tz_name)
        except ChartError as exc:
            return FetchResult(symbol, interval, reason=f"{symbol} {interval}: {exc}")
        if not data.bars:
            return FetchResult(symbol, interval, data=data,
                               reason=(data.reasons or [f"{symbol} {interval}: no data"])[0])
        return FetchResult(symbol, interval, data=data)


def _fetch_start(interval: str, start: datetime | None, history_days: int | None = None):
    """yfinance ``start``: a date for daily bars (read in the exchange's zone), else UTC."""
    import pandas as pd

    now = datetime.now(UTC).replace(tzinfo=None)
    if start is None:
        lookback = initial_lookback(interval)
        if history_days and is_daily(interval):
            lookback = timedelta(days=history_days)
        start = now - lookback
    limit = max_lookback(interval)
    if limit is not None and start < now - limit:
        start = now - limit
    if is_daily(interval):
        return start.date()
    return pd.Timestamp(start, tz="UTC")
