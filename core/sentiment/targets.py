"""Per-target sentiment: the part of a text that is about one company.

"Walmart beats, Target misses" is good news for Walmart and bad for Target; "Nokia files
lawsuit against Apple" is bad news for Apple. The overall score cannot say both. Here a text
is cut into clauses (at ``,`` ``;`` ``:`` `` - `` and at "but", "while", "whereas", "as",
"after", "amid", "despite"); the score for a target is the score of the clauses naming it, or
of the whole text when every clause names it or none does. A target after "against" / "sues"
/ "sued by" is the other side of a legal action: litigation is bad news for the one sued.

A target is a company name or a ticker; ``mentions`` finds it as a whole word (a cashtag
``$AAPL``, the symbol in upper case, or a name such as "Apple", case-sensitive, with legal
suffixes dropped: ``core.tickers.company_aliases``).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from core.sentiment.rules import Score
from core.tickers import company_aliases

_CLAUSE_RE = re.compile(
    r"\s*[,;:]\s+|\s+[-\u2013\u2014]\s+|\s+(?=(?:but|while|whereas|as|after|amid|despite)\s)",
    re.IGNORECASE)
_SUED_RE = re.compile(r"\b(?:against|sues|sued by|sue)\s+(?:the\s+)?$", re.IGNORECASE)
_LEGAL = re.compile(r"\b(?:lawsuit|suit|sues|sued|litigation|complaint|probe|charges|"
                    r"antitrust|infringement)\b", re.IGNORECASE)


def patterns(target: str, name: str | None = None) -> re.Pattern:
    """Whole-word pattern for a ticker and/or company name (``target`` may be either)."""
    alts: set[str] = set()
    for t in (target, name):
        if not t:
            continue
        t = t.strip().lstrip("$")
        if not t:
            continue
        if t.isupper() and len(t) <= 6:
            alts.update((t, "$" + t))
        alts.update(company_aliases(t))
        alts.add(t)
    body = "|".join(re.escape(a) for a in sorted(alts, key=len, reverse=True))
    return re.compile(rf"(?<![\w&$])(?:{body})(?![\w&])")


def clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE_RE.split(text) if c and c.strip()]


def target_text(text: str, target: str, name: str | None = None) -> tuple[str, bool]:
    """(the part of ``text`` about ``target``, whether the target is the one sued)."""
    pat = patterns(target, name)
    parts = clauses(text)
    hits = [p for p in parts if pat.search(p)]
    sued = False
    for p in hits:
        m = pat.search(p)
        if m and _SUED_RE.search(p[:m.start()]) and _LEGAL.search(p):
            sued = True
    if not hits or len(hits) == len(parts):
        return text, sued
    return " ".join(hits), sued


def score_for(texts: Iterable[tuple[str, str, str | None]],
              batch: Callable[[list[str]], list[Score]]) -> list[Score]:
    """Scores of (text, target, company name) triples with ``batch`` (the package's
    ``score_batch``): each target gets the score of its own clauses."""
    parts, sued = [], []
    for text, target, name in texts:
        p, s = target_text(text, target, name)
        parts.append(p)
        sued.append(s)
    out = batch(parts)
    for i, s in enumerate(sued):
        if s and out[i].label != "negative":
            c = -max(abs(out[i].compound), 0.3)
            out[i] = Score(round(c, 4), "negative")
    return out


def ticker_rows(ids: list[str], texts: list[str], tickers: list[list[str]],
                names: dict[str, str], batch: Callable[[list[str]], list[Score]]
                ) -> list[tuple[str, str, float, str]]:
    """(news id, ticker, compound, label) for every ticker of every row: what
    ``news_ticker_sentiment`` stores. ``names`` maps a symbol to its company name."""
    keys, triples = [], []
    for nid, text, syms in zip(ids, texts, tickers):
        for sym in dict.fromkeys(s.upper() for s in syms or ()):
            keys.append((nid, sym))
            triples.append((text, sym, names.get(sym)))
    scores = score_for(triples, batch)
    return [(nid, sym, s.compound, s.label) for (nid, sym), s in zip(keys, scores)]
