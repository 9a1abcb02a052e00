"""Lawsuits, probes and investigations that open, widen or end, for ``core.sentiment``.

Why a module of its own: litigation is a quantity where more is bad news, but it is moved by
its own verbs. "Judge dismisses lawsuit", "SEC closes probe", "investigation cleared the
company" are good news; "SEC opens probe", "probe widens" bad. The general direction words
must not reach it: "Apple loses lawsuit" is a lost case, not less litigation, and "denies a
motion to dismiss the lawsuit" is a failed attempt, not a dismissal. ``legal_moves(toks,
used)`` returns each move's verb position and valence and marks noun and verb as used, so the
lexicon does not count the lawsuit (negative) or "dismissed" (a layoff word) again; the
scorer applies negation and position weights as it does for its other rules.
"""
from __future__ import annotations

from core.sentiment.lexicon import CLAUSE_BREAKS, NEGATORS

W_LEGAL = 2.2        # a tied legal move weighs like a direction x quantity rule

# Not "case", "claims", "suit", "charges": other senses ("in any case", "claims to be",
# "follow suit", "one-off charges") would tie to any nearby "ended" or "closed".
LITIGATION = frozenset((
    "lawsuit lawsuits probe probes investigation investigations inquiry inquiries litigation "
    "allegations"
).split())

# -1: the litigation ends or shrinks (good news); +1: it opens or grows (bad news).
MOVES: dict[str, int] = {
    **dict.fromkeys((
        "dismiss dismisses dismissed dismissing drop drops dropped dropping end ends ended "
        "ending close closes closed closing withdraw withdraws withdrew withdrawn clears "
        "cleared no-wrongdoing quash quashes quashed overturn overturns overturned "
        "acquitted"
    ).split(), -1),
    **dict.fromkeys((
        "open opens opened opening launch launches launched widen widens widened widening "
        "expand expands expanded escalate escalates escalated intensify intensifies "
        "intensified files filed revive revives revived reopen reopens reopened"
    ).split(), 1),
}
# "motion to dismiss", "bid to dismiss": an attempt, not the outcome
_ATTEMPTS = frozenset((
    "motion motions bid bids request requests attempt attempts effort efforts petition "
    "petitions seeks seek sought asks asked move push tries tried wants"
).split())
# ... unless the attempt succeeded: "grants motion to dismiss", "wins bid to dismiss"
_GRANTED = frozenset((
    "grant grants granted granting win wins won winning approve approves approved accept "
    "accepts accepted uphold upholds upheld"
).split())
# The scorer's clause breaks (after, as, despite ...) and adjuncts: in "Shares dropped after
# lawsuit filed" or "opens new store amid lawsuit" the verb is another noun's
_STOPS = CLAUSE_BREAKS | frozenset(", amid following because since when".split())
# "filed and later dismissed": the last of coordinated moves is where the litigation stands
_THEN = frozenset("later then subsequently eventually finally quickly since".split())
_BEFORE, _AFTER = 4, 5   # how far a verb may stand before / after its noun


def _attempt(toks: list[str], v: int) -> bool:
    """The verb at ``v`` is what someone asks for ("motion to dismiss"), not what happened;
    an attempt granted or won ("judge grants motion to dismiss") is what happened."""
    if not (v >= 2 and toks[v - 1] == "to" and toks[v - 2] in _ATTEMPTS):
        return False
    return not any(t in _GRANTED for t in toks[max(0, v - 6):v - 2])


def _outcome_named(toks: list[str], v: int) -> bool:
    """An ending followed by what it ended with ("probe ended with charges"): the outcome,
    not the ending, is the news ("ended with no charges" stays an ending)."""
    return (MOVES[toks[v]] < 0 and v + 1 < len(toks) and toks[v + 1] == "with"
            and not (v + 2 < len(toks) and toks[v + 2] in NEGATORS))


def _last_of_chain(toks: list[str], v: int, used: bytearray) -> int:
    """The last move coordinated with ``v`` by "and" ("filed and later dismissed")."""
    n = len(toks)
    while v + 1 < n and toks[v + 1] == "and":
        k = v + 2
        while k < n and toks[k] in _THEN:
            k += 1
        if k < n and toks[k] in MOVES and not used[k]:
            used[v] = 1  # the earlier move is spent, not scored
            v = k
        else:
            break
    return v


def _verb_for(toks: list[str], j: int, used: bytearray) -> int | None:
    """Index of the legal move tied to the noun at ``j``: before it first ("dismisses the
    lawsuit"), then after it ("lawsuit against Barclays dismissed"), within its clause."""
    for v in range(j - 1, max(-1, j - 1 - _BEFORE), -1):
        t = toks[v]
        if t in _STOPS:
            break
        if t in MOVES and not used[v]:
            return v
    for v in range(j + 1, min(len(toks), j + 1 + _AFTER)):
        t = toks[v]
        if t in _STOPS:
            break
        if t in MOVES and not used[v]:
            return v
    return None


def legal_moves(toks: list[str], used: bytearray) -> list[tuple[int, float]]:
    """(verb index, valence) of each tied legal move, good news positive; marks noun and
    verb as used. Negation and position weights are the caller's."""
    moves = []
    for j, t in enumerate(toks):
        if t not in LITIGATION or used[j]:
            continue
        v = _verb_for(toks, j, used)
        if v is None or _attempt(toks, v):
            continue
        v = _last_of_chain(toks, v, used)
        if _outcome_named(toks, v):
            continue
        used[j] = used[v] = 1
        moves.append((v, -W_LEGAL * MOVES[toks[v]]))
    return moves


__all__ = ["LITIGATION", "MOVES", "W_LEGAL", "legal_moves"]
