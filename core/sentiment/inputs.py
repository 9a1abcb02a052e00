"""What the learned layer reads of a text: word n-grams of the normalised text + the rules' components.

One pass per text: the text is normalised (links, cashtags and @handles removed, so a model
trained on finance tweets learns their wording, not Twitter's artefacts), tokenized once
with the rules' tokenizer (set phrases such as "laid off" are one token), and that token
list feeds both the rules (``rules.components_of_tokens``) and the n-grams. Numbers become
one token ``#num`` (an amount is not a word; "rose #num %" is). Shared by training
(``core.sentiment.train``) and run-time scoring (``core.sentiment.model``) so the two cannot
drift apart.
"""
from __future__ import annotations

import math
import re

from core.sentiment import lexicon as fl
from core.sentiment import rules

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\bt\.co/\S+", re.IGNORECASE)
_CASHTAG_RE = re.compile(r"(?<![\w$])\$[A-Za-z]{1,6}(?:\.[A-Za-z]{1,2})?\b")
_HANDLE_RE = re.compile(r"(?<!\w)@\w+")
_PUNCT = frozenset(";.,():!?$£€")
NUM = "#num"

# Rule features, in order: the rules' valence components, then cues and the rules' verdict.
RULE_FEATURES = (*rules.COMPONENTS[:rules.N_VALENCE], "log_tokens", "hedged", "has_metric",
                 "has_number", "rules_compound", "rules_positive", "rules_negative")


def normalise(text: str) -> str:
    """The text without links, cashtags and @handles (tweet artefacts, not finance wording)."""
    if "http" in text or "www." in text or "t.co/" in text:
        text = _URL_RE.sub(" ", text)
    if "$" in text:
        text = _CASHTAG_RE.sub(" ", text)
    if "@" in text:
        text = _HANDLE_RE.sub(" ", text)
    return text


def tokens(text: str) -> list[str]:
    return fl.tokenize(normalise(text[:rules.MAX_CHARS]))


def ngrams(toks: list[str]) -> list[str]:
    """Unigrams and bigrams of the word tokens (numbers as ``#num``, punctuation dropped,
    a bigram never spans punctuation)."""
    words: list[str] = []
    out: list[str] = []
    prev = ""
    for t in toks:
        if t in _PUNCT:
            prev = ""
            continue
        w = NUM if (t[0].isdigit() or (t[0] in "+-" and len(t) > 1 and t[1].isdigit())) else t
        words.append(w)
        out.append(w)
        if prev:
            out.append(prev + " " + w)
        prev = w
    return out


def rule_features(toks: list[str]) -> tuple[list[float], rules.Score]:
    """The rules' components of ``toks`` as model inputs (valences squashed into (-1, 1)),
    and the rules' own score."""
    acc = rules.components_of_tokens(toks)
    raw = sum(acc[:rules.N_VALENCE])
    s = rules.combine(raw, int(acc[rules.TOKENS]), bool(acc[rules.HEDGED])) if toks else rules.NEUTRAL
    # each valence squashed like the compound: a long text's sums stay in the range the
    # model was trained on (a linear weight must not extrapolate to a 20,000-character text)
    vec = [v / math.sqrt(v * v + rules.ALPHA) for v in acc[:rules.N_VALENCE]] + [
        math.log1p(acc[rules.TOKENS]), acc[rules.HEDGED], acc[rules.HAS_METRIC],
        acc[rules.HAS_NUMBER], s.compound,
        1.0 if s.label == "positive" else 0.0, 1.0 if s.label == "negative" else 0.0]
    return vec, s
