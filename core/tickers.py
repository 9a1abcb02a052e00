"""Which symbols a headline is about: cashtags, exchange tags and watchlist company names.

Pure. Deliberately conservative, because a wrong ticker moves a sentiment signal:
* ``$AAPL`` / ``$BRK.B`` — a cashtag is letters only, so ``$5`` or ``$100M`` is money, not a ticker;
* ``(NASDAQ: AAPL)``, ``(NYSE:XOM)``, ``NYSE American: ...`` — the press-release convention;
* a watchlist company name ("Apple", "Microsoft"), matched case-sensitively as whole words
  with legal suffixes ("Inc.", "Corporation") removed, so "apple pie" does not count;
* a bare watchlist symbol of 3+ letters in upper case ("NVDA shares") — but never a bare
  one- or two-letter word ("A", "IT", "ON") and never a common English word ("ALL", "NOW").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_CASHTAG_RE = re.compile(r"(?<![\w$])\$([A-Za-z]{1,5}(?:\.[A-Za-z]{1,2})?)(?![\w.]*\d)(?!\w)")
_EXCHANGE_RE = re.compile(
    r"\b(?:NASDAQ(?:GS|GM|CM)?|NYSE(?:\s+American|\s+Arca|\s+MKT)?|AMEX|OTC(?:QX|QB)?|TSX(?:V)?|"
    r"LSE|CBOE|BATS)\s*:\s*([A-Z]{1,5}(?:\.[A-Z]{1,2})?)\b",
)
_LEGAL_SUFFIX_RE = re.compile(
    r"[,\s]+(inc\.?|incorporated|corp\.?|corporation|co\.?|company|ltd\.?|limited|plc|n\.v\.|"
    r"s\.a\.|ag|se|holdings?|group|platforms|technologies|class [a-c]|common stock|etf trust|"
    r"trust|\(the\))$",
    re.IGNORECASE,
)
_COMMON_WORDS = frozenset("""
ALL ANY ARE BIG CAN CAR CEO CFO DAY EPS ETF FOR FUN GDP GO HAS IPO ITS JOB KEY LOW NEW NOW
ONE OUT OWN RUN SEC SEE TOP TWO USA USD WAS WHO WIN YOU FED API AI CPI PMI EUR GBP JPY
""".split())


def company_aliases(name: str | None) -> list[str]:
    """'Apple Inc.' -> ['Apple Inc.', 'Apple']; names of fewer than 3 letters are ignored."""
    if not name:
        return []
    out, current = [], name.strip()
    while current and current not in out:
        out.append(current)
        shorter = _LEGAL_SUFFIX_RE.sub("", current).strip(" ,")
        if shorter == current:
            break
        current = shorter
    return [a for a in out if len(a) >= 3]


class TickerMatcher:
    """Built once per batch from the watchlist (symbol -> company name)."""

    def __init__(self, watchlist: Mapping[str, str | None] | Iterable[str] = ()):
        if not isinstance(watchlist, Mapping):
            watchlist = {s: None for s in watchlist}
        self.symbols = {s.upper() for s in watchlist}
        by_alias: dict[str, str] = {}
        for symbol, name in watchlist.items():
            for alias in company_aliases(name):
                by_alias.setdefault(alias, symbol.upper())
        self._alias_to_symbol = by_alias
        self._alias_re = None
        if by_alias:
            alts = "|".join(re.escape(a) for a in sorted(by_alias, key=len, reverse=True))
            self._alias_re = re.compile(rf"(?<![\w&])({alts})(?![\w&])")
        bare = sorted(s for s in self.symbols
                      if len(s) >= 3 and s.isalpha() and s not in _COMMON_WORDS)
        self._bare_re = (re.compile(r"(?<![\w$.])(" + "|".join(map(re.escape, bare)) + r")(?![\w])")
                         if bare else None)

    def extract(self, text: str) -> list[str]:
        """Symbols mentioned in ``text``, upper case, sorted, each once."""
        if not text:
            return []
        found: set[str] = set()
        for m in _CASHTAG_RE.finditer(text):
            sym = m.group(1).upper()
            if len(sym) == 1 and sym not in self.symbols:
                continue  # "$A" alone is too often noise unless you watch it
            found.add(sym)
        found.update(m.group(1) for m in _EXCHANGE_RE.finditer(text))
        if self._alias_re is not None:
            found.update(self._alias_to_symbol[m.group(1)] for m in self._alias_re.finditer(text))
        if self._bare_re is not None:
            found.update(m.group(1) for m in self._bare_re.finditer(text))
        return sorted(found)


def extract_tickers(text: str, watchlist: Mapping[str, str | None] | Iterable[str] = ()) -> list[str]:
    """One-off convenience; batch code should build a ``TickerMatcher`` once."""
    return TickerMatcher(watchlist).extract(text)
