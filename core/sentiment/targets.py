"""Per-target sentiment: the part of a text that is about one company.

"Walmart beats, Target misses" is good news for Walmart and bad for Target; the overall score
cannot say both. Here a text is cut into clauses (at ``,`` ``;`` and before "but", "while",
"whereas"); the score for a target is the score of the clauses naming it, or of the whole
text when every clause names it, none does, or its clauses carry no valence of their own (a
name in a list: "RBS, Lloyds most exposed").

A target is a company name or a ticker; ``mentions`` finds it as a whole word (a cashtag
``$AAPL``, the symbol in upper case, or a name such as "Apple", case-sensitive, with legal
suffixes dropped: ``core.tickers.company_aliases``).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from core.sentiment import rules
from core.sentiment.rules import Score
from core.tickers import company_aliases

# Clause cuts: a comma or semicolon, or a contrast ("but", "while", "whereas"). Not a colon
# ("Tesco share price: ..." introduces the story) nor a dash ("... - Reuters" names a source),
# nor "as" / "after" / "amid" ("X to slash costs as profits plunge" is one company's story).
_CLAUSE_RE = re.compile(r"\s*[,;]\s+|\s+(?=(?:but|while|whereas)\s)", re.IGNORECASE)


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


def target_text(text: str, target: str, name: str | None = None) -> str:
    """The part of ``text`` about ``target``: the clauses naming it, or the whole text."""
    pat = patterns(target, name)
    parts = clauses(text)
    hits = [p for p in parts if pat.search(p)]
    if not hits or len(hits) == len(parts):
        return text
    part = " ".join(hits)
    # a clause that is only a name ("BP, China's CNPC to unveil an alliance", "RBS, Lloyds
    # most exposed") is one of a list, not a story of its own
    acc = rules.components(part)
    return part if any(acc[:rules.N_VALENCE]) else text


def score_for(texts: Iterable[tuple[str, str, str | None]],
              batch: Callable[[list[str]], list[Score]]) -> list[Score]:
    """Scores of (text, target, company name) triples with ``batch`` (the package's
    ``score_batch``): each target gets the score of its own clauses."""
    return batch([target_text(text, target, name) for text, target, name in texts])


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
