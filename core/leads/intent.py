"""Every post gets an intent: ``request`` (wants to pay for work), ``offer`` (offers work), ``other``.

Pure. Three readable steps, the first that speaks decides the reason:

1. the platform's own label (``core.leads.tags``): a title tag, link flair, HN's SEEKING line.
   Confidence ``TAG_CONFIDENCE``: posters do mislabel now and then (see bench/leads_eval.py).
   A bare role letter (gameDevClassifieds' ``[P]``, ``[A]rtist``) is a weak label: studios
   seeking a programmer write ``[P]`` too, so wording at least ``WEAK_TAG_OVERRIDE`` sure of
   another intent wins, and the reason says so.
2. the wording model (``core.leads.model``) on the text with tags stripped, its probabilities
   shifted by the phrase rules below: each phrase that occurs multiplies its intent's odds by
   ``PHRASE_ODDS`` ("asks: 'looking for someone to build'", "offers: 'I am a freelance'").
3. the reason names the phrase that fired, else the words that pushed the model hardest.

The confidence is the probability of the chosen intent, in [0, 1].
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.leads.model import IntentModel, load_model, model_text
from core.leads.tags import OFFER, OTHER, REQUEST, read_tag, strip_tags

INTENTS = (REQUEST, OFFER, OTHER)
TAG_CONFIDENCE = 0.97
WEAK_TAG_OVERRIDE = 0.85  # wording this sure of another intent overrides a bare role letter ([P])
PHRASE_ODDS = 3.0
SCAN_CHARS = 700  # phrases are looked for in the title and the start of the body

_REQUEST_PHRASES = [
    r"looking\s+(?:for|to\s+hire)\s+(?:a|an|some(?:one|body)|experienced|talented|skilled|freelance)\b[^.!?\n]{0,30}",
    r"(?:i|we)\s+(?:need|want|am\s+looking\s+for|are\s+looking\s+for)\s+(?:a|an|some(?:one|body))\s+(?:to\s+)?\w+[^.!?\n]{0,20}",
    r"need\s+(?:some(?:one|body)|a\s+\w+er|an?\s+\w+ist)\b[^.!?\n]{0,25}",
    r"(?:will|willing\s+to|can)\s+pay\b[^.!?\n]{0,20}",
    r"(?:we\s+are|we're|is|are)\s+(?:now\s+)?hiring\b[^.!?\n]{0,25}",
    r"(?:my|our|the)\s+budget\s+(?:is|of)\b[^.!?\n]{0,20}",
    r"(?:pm|message|contact)\s+me\s+(?:with|your)\s+(?:your\s+)?(?:portfolio|rates?|quote|samples?)",
    r"send\s+(?:me\s+)?(?:your\s+)?(?:portfolio|resume|samples?|quote)",
]
_OFFER_PHRASES = [
    r"i(?:'m|\s+am)\s+(?:a|an)\s+(?:freelance|professional|experienced|self[\s-]taught|full[\s-]stack)\b[^.!?\n]{0,25}",
    r"i(?:'m|\s+am)\s+(?:available|looking\s+for\s+(?:work|a\s+job|freelance|clients|projects|gigs))\b[^.!?\n]{0,20}",
    r"(?:available\s+for\s+(?:hire|work|freelance|commissions?)|hire\s+me)\b",
    r"(?:my|check\s+out\s+my)\s+(?:portfolio|rates?|previous\s+work|past\s+work|resume)\b",
    r"i\s+(?:can|will)\s+(?:do|make|build|design|write|create|draw|code|edit|transcribe)\b[^.!?\n]{0,25}",
    r"years?\s+of\s+(?:professional\s+)?experience\s+(?:in|as|with)\b[^.!?\n]{0,20}",
    r"(?:my|our)\s+services\b",
]
# one alternation per intent: one scan of the text each (the first phrase found is quoted)
# meta threads and questions talk about the community or the trade, wherever they are posted
_OTHER_PHRASES = [
    r"\b(?:this|the|our)\s+sub(?:reddit|-reddit)?\b[^.!?\n]{0,25}",
    r"\b(?:subscribers|sidebar|moderators|the\s+mods|wiki)\b[^.!?\n]{0,20}",
    r"\b(?:how\s+do\s+(?:you|i)|any\s+advice|what\s+should\s+i|tips\s+for)\b[^.!?\n]{0,25}",
]
_PHRASES = [(REQUEST, re.compile("|".join(f"(?:{p})" for p in _REQUEST_PHRASES))),
            (OFFER, re.compile("|".join(f"(?:{p})" for p in _OFFER_PHRASES))),
            (OTHER, re.compile("|".join(f"(?:{p})" for p in _OTHER_PHRASES)))]
# every phrase holds one of these words: texts without any skip the scans
_CUES = re.compile(r"looking|need|pay|hiring|budget|pm|message|contact|send|i'm|i am|available|hire|"
                   r"portfolio|rate|previous|past|i can|i will|experience|services|sub|sidebar|"
                   r"moderators|mods|wiki|how do|advice|what should|tips")
_VERB = {REQUEST: "asks", OFFER: "offers", OTHER: "discusses"}


@dataclass(frozen=True, slots=True)
class Intent:
    intent: str
    confidence: float
    reason: str
    source: str  # "tag" | "wording"


def _snippet(text: str, limit: int = 48) -> str:
    s = " ".join(text.split())
    s = s if len(s) <= limit else s[:limit - 1].rstrip() + "…"
    return s.replace("'", "’")


def phrases(text: str) -> list[tuple[str, str]]:
    """(intent, the first phrase of that intent as written) for each intent whose phrases occur."""
    low = text.lower()
    if not _CUES.search(low):
        return []
    same = len(low) == len(text)  # (lower() keeps positions for all but a few scripts)
    hits = []
    for intent, pat in _PHRASES:
        m = pat.search(low)
        if m:
            hits.append((intent, text[m.start():m.end()] if same else m.group(0)))
    return hits


def classify(title: str, body: str = "", flair: str | None = None, *, use_tags: bool = True,
             model: IntentModel | None = None) -> Intent:
    """The intent of one post, with a confidence and a reason a person can check."""
    title, body = title or "", body or ""
    if use_tags:
        tag = read_tag(title, flair, body[:400])
        if tag and tag.weak:
            # "[P] Senior Java Programmer in Austin [Salary]": the letter names the role, and a
            # company seeking one uses it too; only confident wording overrules the convention
            said = classify_wording(strip_tags(title), body, model=model)
            if said.intent != tag.intent and said.confidence >= WEAK_TAG_OVERRIDE:
                return Intent(said.intent, said.confidence, f"{said.reason} (over {tag.reason})", "wording")
        if tag:
            return Intent(tag.intent, TAG_CONFIDENCE, tag.reason, "tag")
    return classify_wording(strip_tags(title), body, model=model)


def classify_wording(title: str, body: str, *, model: IntentModel | None = None) -> Intent:
    model = model or load_model()
    text = model_text(title, body)
    x = model.features(text)
    proba = model.proba(text, x)
    hits = phrases(f"{title}\n{body[:SCAN_CHARS]}")
    for intent, _ in hits:
        proba[intent] *= PHRASE_ODDS
    total = sum(proba.values())
    proba = {k: v / total for k, v in proba.items()}
    best = max(INTENTS, key=lambda k: proba[k])
    said = [words for intent, words in hits if intent == best]
    if said:
        reason = f"{_VERB[best]}: '{_snippet(said[0])}'"
    else:
        words = model.top_terms(text, best, x=x)
        reason = f"wording {_VERB[best]} {best}" + (f": {', '.join(words)}" if words else "")
    return Intent(best, round(proba[best], 4), reason, "wording")


def classify_many(posts: list[tuple[str, str, str | None]], *, use_tags: bool = True) -> list[Intent]:
    model = load_model()
    return [classify(t, b, f, use_tags=use_tags, model=model) for t, b, f in posts]
