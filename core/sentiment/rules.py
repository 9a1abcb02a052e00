"""The rule layer of the sentiment scorer: ``score(text) -> Score(compound, label)`` from rules alone.

Why not plain VADER: it reads general English. On financial text it gets direction wrong
("Shares plunge after earnings miss" scores positive) or sees nothing ("Revenue rises 20%").
This scorer keeps VADER's shape (a sum of word valences squashed into [-1, 1] by
``x / sqrt(x^2 + 15)``) and VADER's lexicon as a damped base, and adds what finance needs:

1. a finance lexicon layered over VADER's (``core.sentiment.lexicon``);
2. direction x metric rules: a direction word ("rose", "narrowed", "cut", "higher") is tied
   to the nearest quantity ("sales", "loss", "costs") and signed by whether more of that
   quantity is good news: "loss narrowed" is good, "costs rose" is bad;
3. legal moves: lawsuits and probes that open, widen or end (``core.sentiment.legal``);
   number comparisons without a verb: "EUR 21.1 mn compared with EUR 18.6 mn",
   "to X from Y", "X vs Y", "X ( Y )" (``core.sentiment.amounts``);
4. negation flips ("did not rise"), hedges damp ("may", "expects"), boosters amplify,
   "but" outweighs what precedes it, "despite ..." is the lesser part and an aim ("aims to
   expand") is not an outcome; a deal already known ("the contract includes") is not news;
5. a neutral band on the raw sum that widens with the text's length (one constant, its
   slope, checked by 5-fold cross-validation on the dev sets: docs/sentiment.md).

It is pure Python over one tokenizer pass: deterministic and faster than VADER itself.
The package's ``score`` / ``score_batch`` (``core.sentiment``) add the learned layer
(``core.sentiment.model``) on top of these rules' components; ``score`` here is the rules alone
(the benchmark's "rules" column).
"""
from __future__ import annotations

import math
from typing import NamedTuple

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from core.sentiment import amounts as sn
from core.sentiment import legal as sl
from core.sentiment import lexicon as fl

# Weights are round hand values (a grid over them moved macro-F1 by < 0.005); the band slope
# is the one constant chosen on the dev sets, checked by `bench/sentiment_eval.py --cv 5`.
W_GENERIC = 0.4      # VADER's general-English valences count at 40 %
W_RULE = 2.2         # a direction tied to a quantity ("profit rose")
W_STRONG = 1.4       # plunge, soar, surge ... weigh more
W_BOOST = 1.3        # sharply, significantly ...
W_DAMPEN = 0.6       # slightly, marginally ...
W_HEDGE = 0.8        # may, expects, plans ... damp the whole sentence
W_AIM = 0.3          # "aims to expand ...": an aspiration, not an outcome
NEGATE = -0.74       # VADER's own negation scalar
ALPHA = 15.0         # VADER's normalisation constant
BAND_PER_TOKEN = 0.02   # neutral band on the raw sum: 0.02 per token ...
BAND_MIN = 0.1          # ... at least this (a headline with one mild word is not neutral)
BAND_MAX = 1.5          # ... at most this (long texts still get a label)
MAX_CHARS = 20_000   # longer texts are scored on their start: bounded time per text


# Components of one text (``components``): valence sums by origin, then cues. The first
# N_VALENCE entries add up to the rules' raw valence sum.
COMPONENTS = ("rule_up", "rule_down", "alone", "num_up", "num_down", "fin_pos", "fin_neg",
              "gen_pos", "gen_neg", "tokens", "hedged", "has_metric", "has_number")
(RULE_UP, RULE_DOWN, ALONE, NUM_UP, NUM_DOWN, FIN_POS, FIN_NEG, GEN_POS, GEN_NEG, TOKENS,
 HEDGED, HAS_METRIC, HAS_NUMBER) = range(len(COMPONENTS))
N_VALENCE = TOKENS


class Score(NamedTuple):
    compound: float
    label: str  # "positive" | "neutral" | "negative"


NEUTRAL = Score(0.0, "neutral")



def _build_lexicon() -> dict[str, float]:
    base = {w: v * W_GENERIC for w, v in SentimentIntensityAnalyzer().lexicon.items()}
    base.update(fl.GENERIC_OVERRIDES)
    base.update(fl.FINANCE_LEXICON)
    base.update(fl.ADJECTIVE_OF_RESULT)
    # VADER also lists numbers (police codes like "187") and emoticons: not words here
    return {w: v for w, v in base.items() if v and w[0].isalpha()}


LEXICON = _build_lexicon()
LEXICON.update(fl.PHRASE_VALENCE)
_METRIC = fl.METRIC_POLARITY
_METRIC_WEIGHT = fl.METRIC_WEIGHT
_DIRECTION = fl.DIRECTION
# a quantity after these belongs to another clause ("fell to a low on debt concerns")
_FORWARD_STOPS = frozenset(", on amid over from due because since by".split())
_TRANSPARENT = fl.HEDGES | frozenset("to be been being have has had will its the a an".split())
_REACH = frozenset(("hit", "hits"))
_HIGHS = frozenset(("record-high", "record-low"))
_MILESTONES = frozenset(("record-high", "record-low", "high", "low", "target", "targets", "goal"))
# A mild corporate-action word after these refers to a deal already known ("the contract
# includes", "details of the agreement"); news of a deal comes with a verb or an "a"/"an".
_REFERRING = frozenset("the this that these those such".split())
MILD = 0.7  # valences up to this are corporate-action words, not evaluations
_COMPARED = frozenset(("ahead-of",))
_OF_PLACE = frozenset("at in of for from within".split())
_DETERMINERS = frozenset("its the a an their his her our this that full-year annual quarterly"
                         .split())



def _negated(toks: list[str], i: int) -> bool:
    """A negator within three words before ``i``; hedges, auxiliaries and quantities in
    between do not count ("does not expect profit to improve")."""
    seen = 0
    for j in range(i - 1, max(-1, i - 9), -1):
        t = toks[j]
        if t in fl.NEGATORS or t.endswith("n't"):
            return True
        if t in fl.CLAUSE_BREAKS or t == ",":
            return False
        if t not in _TRANSPARENT and t not in _METRIC:
            seen += 1
            if seen == 3:
                return False
    return False


def _find_metric(toks: list[str], i: int, claimed: bytearray) -> int | None:
    """Index of the quantity a direction word at ``i`` moves, or None."""
    n = len(toks)

    def back() -> int | None:
        for j in range(i - 1, max(-1, i - 9), -1):
            t = toks[j]
            if t in fl.CLAUSE_BREAKS:
                return None
            if t in _METRIC and not claimed[j] and t not in fl.ASPIRATIONS:
                return _head(toks, j, claimed)  # "goal is to strengthen": not the goal
        return None

    def forward() -> int | None:
        for j in range(i + 1, min(n, i + 6)):
            t = toks[j]
            if t in fl.CLAUSE_BREAKS or t in _FORWARD_STOPS:
                return None
            if t in _METRIC and not claimed[j]:
                # "... profit depressed": a verb right after the quantity owns it
                if any(k < n and toks[k] in _DIRECTION and toks[k] not in fl.FORWARD_FIRST
                       for k in (j + 1, j + 2)):
                    return None
                return j
        return None

    # an object right after the verb ("drops dividend", "cuts its costs") is the quantity
    j = i + 1
    while j < n and toks[j] in _DETERMINERS:
        j += 1
    if j < n and j <= i + 3 and toks[j] in _METRIC and not claimed[j]:
        return j
    if toks[i] in _COMPARED:  # "ahead of the consensus" compares; "ahead of the vote" is time
        return forward()
    if toks[i] in fl.FORWARD_FIRST:
        m = forward()
        return m if m is not None else back()
    m = back()
    return m if m is not None else forward()


def _head(toks: list[str], j: int, claimed: bytearray) -> int:
    """The quantity a verb moves when the nearest one sits in a prepositional phrase:
    "losses at the Swedish unit widened" moves losses, not the unit."""
    for k in range(j - 1, max(-1, j - 4), -1):
        if toks[k] in _OF_PLACE:
            for h in range(k - 1, max(-1, k - 4), -1):
                if toks[h] in fl.CLAUSE_BREAKS:
                    break
                if toks[h] in _METRIC and not claimed[h]:
                    return h
            break
    return j


def _position_weights(toks: list[str]) -> list[float] | None:
    """Weight of each token's contribution: after "but" 1.5 and before it 0.5 (VADER's
    rule); inside a "despite ..." clause 0.5; after an aim ("aims to expand") W_AIM to the
    clause's end. None when the text has none of these."""
    if not any(t in fl.CONTRAST_AFTER or t in fl.CONCESSIVE or t in fl.ASPIRATIONS
               for t in toks):
        return None
    n = len(toks)
    w = [1.0] * n
    for i, t in enumerate(toks):
        if t in fl.CONTRAST_AFTER and i:
            w[:i] = [0.5] * i
            w[i:] = [1.5] * (n - i)
            break
    for i, t in enumerate(toks):
        f = 0.5 if t in fl.CONCESSIVE else W_AIM if t in fl.ASPIRATIONS else 0.0
        if f:
            j = i
            while j < n and toks[j] not in (",", ";", "."):
                w[j] *= f
                j += 1
    return w


def _directions(toks: list[str], used: bytearray, pw: list[float] | None,
                acc: list[float]) -> None:
    """Add direction x quantity valences to ``acc`` (tied: RULE_UP/RULE_DOWN; a direction
    word alone, "Tesla plunges": ALONE)."""
    n = len(toks)
    for i, t in enumerate(toks):
        d = _DIRECTION.get(t)
        if d is None or used[i]:
            continue
        nxt = toks[i + 1] if i + 1 < n else ""
        if t in _REACH and any(k in _MILESTONES for k in toks[i + 1:i + 5]):
            continue  # "hit a 10-month high": reaching, not hurting
        # "rose to a record high": the high may reuse the quantity its verb already moved
        m = _find_metric(toks, i, bytearray(n) if t in _HIGHS else used)
        if m is not None:
            v = W_RULE * d * _METRIC[toks[m]] * _METRIC_WEIGHT.get(toks[m], 1.0)
            if t in fl.STRONG_DIRECTION:
                v *= W_STRONG
            used[m] = 1
            slot = RULE_UP
        else:
            v = fl.DIRECTION_ALONE.get(t, 0.0)
            slot = ALONE
        if (i and toks[i - 1] in fl.BOOSTERS) or nxt in fl.BOOSTERS:
            v *= W_BOOST
        elif (i and toks[i - 1] in fl.DAMPENERS) or nxt in fl.DAMPENERS:
            v *= W_DAMPEN
        if v and _negated(toks, i):
            v *= NEGATE
        used[i] = 1
        if pw:
            v *= pw[i]
        if slot == RULE_UP and v < 0:
            slot = RULE_DOWN
        acc[slot] += v


def components(text: str) -> list[float]:
    """The valence sum split by where it came from (see ``COMPONENTS``), plus the token
    count, hedge and cue flags: what the label model reads, before damping and squashing."""
    return components_of_tokens(fl.tokenize(text[:MAX_CHARS]))


def components_of_tokens(toks: list[str]) -> list[float]:
    """``components`` of an already tokenized text (the learned layer reuses the tokens)."""
    acc = [0.0] * len(COMPONENTS)
    if not toks:
        return acc
    used = bytearray(len(toks))
    pw = _position_weights(toks)
    for v, value in sl.legal_moves(toks, used):  # "lawsuit dismissed", "opens probe"
        if _negated(toks, v):
            value *= NEGATE
        acc[RULE_UP if value > 0 else RULE_DOWN] += value * (pw[v] if pw else 1.0)
    _directions(toks, used, pw, acc)
    acc[NUM_UP], acc[NUM_DOWN] = sn.numbers(toks, used)
    lex = LEXICON
    finance = fl.CURATED
    for i, t in enumerate(toks):
        if t in fl.HEDGES:
            acc[HEDGED] = 1.0
        if t in _METRIC:
            acc[HAS_METRIC] = 1.0
        elif t[0].isdigit():
            acc[HAS_NUMBER] = 1.0
        if used[i]:
            continue
        v = lex.get(t)
        if v is None:
            continue
        if 0 < v <= MILD and i and toks[i - 1] in _REFERRING:
            continue  # "the deal covers ...": a deal already known, not news of one
        if i and toks[i - 1] in fl.BOOSTERS:
            v *= W_BOOST
        if _negated(toks, i):
            v *= NEGATE
        if pw:
            v *= pw[i]
        if t in finance:
            acc[FIN_POS if v > 0 else FIN_NEG] += v
        else:
            acc[GEN_POS if v > 0 else GEN_NEG] += v
    acc[TOKENS] = float(len(toks))
    return acc


def features(text: str) -> tuple[float, int, bool]:
    """(valence sum, token count, hedged) of one text, before damping and squashing."""
    acc = components(text)
    return sum(acc[:N_VALENCE]), int(acc[TOKENS]), bool(acc[HEDGED])


def neutral_band(n_tokens: int, per_token: float | None = None) -> float:
    """Half-width of the neutral band on the raw sum: wider for longer texts, whose general
    words pile up small valences by chance; a headline's few words are chosen on purpose."""
    per_token = BAND_PER_TOKEN if per_token is None else per_token
    return min(BAND_MAX, max(BAND_MIN, per_token * n_tokens))


def combine(raw: float, n_tokens: int, hedged: bool, per_token: float | None = None) -> Score:
    """Squash the valence sum into a compound (VADER's formula) and label it.

    ``per_token`` overrides the band's slope (the benchmark's cross-validation uses it)."""
    if hedged:
        raw *= W_HEDGE
    if not raw:
        return NEUTRAL
    c = round(max(-1.0, min(1.0, raw / math.sqrt(raw * raw + ALPHA))), 4)
    band = neutral_band(n_tokens, per_token)
    label = "positive" if raw >= band and c > 0 else "negative" if raw <= -band and c < 0 else "neutral"
    return Score(c, label)


def score(text: str) -> Score:
    """Finance-aware sentiment of one text; empty or blank text is neutral 0.0."""
    if not text or text.isspace():
        return NEUTRAL
    return combine(*features(text))


def score_batch(texts: list[str]) -> list[Score]:
    """Scores in input order (what the pipeline calls)."""
    return [score(t) for t in texts]
