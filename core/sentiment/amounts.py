"""Number comparisons without a direction word, for ``core.sentiment``.

Why a module of its own: results sentences often state two amounts and no verb ("operating
profit EUR 21.1 mn compared with EUR 18.6 mn", "net sales EUR 5.2 mn ( EUR 3.1 mn )"); which
amount is the new one, whether a number is a year or a currency conversion, and whether a
"loss of EUR 2.3 mn" is a negative profit are questions about numbers, not words.
``numbers(toks, used)`` returns the (positive, negative) valence these comparisons add and
marks the quantity words it used so the lexicon does not count them again.
"""
from __future__ import annotations

import re

from core.sentiment import lexicon as fl

W_NUMBER = 2.0       # a number comparison tied to a quantity ("EUR 5 mn vs EUR 4 mn")

_NUMBER_RE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_THOUSANDS_RE = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_METRIC = fl.METRIC_POLARITY
_METRIC_WEIGHT = fl.METRIC_WEIGHT
_DIRECTION = fl.DIRECTION
_RESULT_SIGN = {**dict.fromkeys("loss losses deficit".split(), -1),
                **dict.fromkeys("profit profits surplus".split(), 1)}
_RESULT_FILLER = frozenset("net operating pretax pre-tax year-ago last year's".split())


def _number(tok: str) -> float | None:
    if not _NUMBER_RE.fullmatch(tok):
        return None
    if _THOUSANDS_RE.fullmatch(tok):
        tok = tok.replace(",", "")
    else:
        tok = tok.replace(",", ".")
    try:
        return float(tok)
    except ValueError:  # "1.2.3"
        return None


def _scan_number(toks: list[str], start: int, step: int) -> int | None:
    j = start
    for _ in range(5):
        if j < 0 or j >= len(toks):
            return None
        if _number(toks[j]) is not None:
            return j
        if toks[j] not in fl.UNITS:
            return None
        j += step
    return None


def _scan_other(toks: list[str], start: int) -> tuple[int | None, int, int | None]:
    """The amount compared against, after "from"/"compared with"/"(": its index, and the sign
    a result word gives it ("a loss of EUR 2.3 mn" is -2.3), with that word's index."""
    sign, si = 0, None
    for j in range(start, min(len(toks), start + 8)):
        t = toks[j]
        if _number(t) is not None:
            return j, sign, si
        if t in _RESULT_SIGN:
            sign, si = _RESULT_SIGN[t], j
        elif t not in fl.UNITS and t not in _RESULT_FILLER:
            break
    return None, 0, None


def _looks_like_year(tok: str, value: float) -> bool:
    return "." not in tok and 1980 <= value <= 2035


def _currency(toks: list[str], start: int, stop: int) -> str | None:
    """The currency named in toks[start:stop], normalised ("euro" -> "eur"), or None."""
    for t in toks[max(0, start):stop]:
        c = fl.CURRENCY.get(t)
        if c is not None:
            return c
    return None


def _negative_results(toks: list[str], used: bytearray) -> float:
    """A result reported as a negative amount: "operating result was EUR -4.5 mn"."""
    total = 0.0
    for j, t in enumerate(toks):
        if t[0] != "-" or len(t) < 2 or not t[1].isdigit():
            continue
        for k in range(j - 1, max(-1, j - 6), -1):
            if toks[k] in fl.CLAUSE_BREAKS:
                break
            if toks[k] in fl.METRIC_WEIGHT and _METRIC[toks[k]] > 0 and not used[k]:
                used[k] = 1
                total -= W_NUMBER
                break
    return total


def numbers(toks: list[str], used: bytearray) -> tuple[float, float]:
    """Comparisons of two amounts with no direction word: "X compared with Y", "X ( Y )".

    Returns (good news, bad news) as two sums (the second <= 0)."""
    up, down = 0.0, _negative_results(toks, used)
    for j, t in enumerate(toks):
        if t not in fl.NUMBER_COMPARATORS:
            continue
        xi = _scan_number(toks, j - 1, -1)
        yi, ysign, si = _scan_other(toks, j + 1)
        if xi is None and t == "from" and yi is not None:  # "from Y to X"
            to = _scan_number(toks, yi + 1, 1)
            xi, yi = (to, yi) if to is not None and "to" in toks[yi + 1:to] else (None, yi)
        if xi is None or yi is None:
            continue
        x, y = _number(toks[xi]), _number(toks[yi])
        if x is None or y is None or x == y:
            continue
        if _looks_like_year(toks[xi], x) or _looks_like_year(toks[yi], y):
            continue
        cx, cy = _currency(toks, xi - 3, min(xi + 3, j)), _currency(toks, j + 1, yi + 3)
        if cx and cy and cx != cy:
            continue  # "EUR 10 mn ( USD 13.2 mn )" is a conversion, not a change
        first = min(xi, yi)
        if any(used[k] and toks[k] in _DIRECTION for k in range(max(0, first - 7), first)):
            continue  # "rose to X from Y": the verb already counted
        m = None
        for k in range(first - 1, max(-1, first - 11), -1):
            if toks[k] in fl.CLAUSE_BREAKS:
                break
            if toks[k] in _METRIC:
                m = k
                break
        if m is None:
            continue
        # compare in "profit space": a loss is a negative profit
        pol = _METRIC[toks[m]]
        if not pol:  # "ownership 76 % ( 38 % )": no news either way
            continue
        xs = -abs(x) if pol < 0 else x
        ys = ysign * abs(y) if ysign else (-abs(y) if pol < 0 else y)
        if xs == ys:
            continue
        v = W_NUMBER * _METRIC_WEIGHT.get(toks[m], 1.0)
        used[m] = 1
        if si is not None:
            used[si] = 1
        if xs > ys:
            up += v
        else:
            down -= v
    return up, down

