"""What the platforms themselves say a post is: title tags, link flair, HN's SEEKING lines.

Pure. Each community has a convention, written loosely by its posters:

* r/forhire, r/jobbit, r/hireaprogrammer: ``[Hiring]`` (a request) vs ``[For Hire]`` (an offer),
  also as ``(HIRING)``, ``[For-Hire]``, ``[fore hire]``, ``{for hire}``, ``Hiring:`` ...
* r/slavelabour: ``[TASK]`` (a request) vs ``[OFFER]`` (an offer).
* r/gameDevClassifieds: ``[LF…]`` ("looking for", e.g. ``[LFA]`` artist, ``[LFP]`` programmer) is a
  request; a bare role letter ``[P]``/``[A]``/``[M]``/``[S]``/``[W]``/``[V]``/``[T]``/``[C]``/``[D]``
  (programmer, artist, music, sound, writer, voice, tester, concept, designer) is someone offering.
* Hacker News "Freelancer? Seeking freelancer?" threads: ``SEEKING FREELANCER`` vs ``SEEKING WORK``.
* Reddit link flair ``Hiring`` / ``For Hire`` / ``Task`` / ``Offer`` (``Hiring - Filled`` too).
* Meta tags (``[META]``, ``[Testimonial]``, ``[Update]``, ``[Hired]``, ``[Question]`` ...) are other.

``read_tag(title, flair)`` returns a ``Tag`` (intent, the tag as written, where it was) or None
when the platform said nothing; ``strip_tags(title)`` removes a leading tag so a model can be
trained on (and evaluated without) the wording alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

REQUEST, OFFER, OTHER = "request", "offer", "other"

# One bracketed tag at the start of the title: [..], (..), {..}; several may follow each other.
_BRACKET = re.compile(r"^\s*[\[\(\{<]\s*([^\]\)\}>]{1,40}?)\s*[\]\)\}>]\s*[:\-–|]?\s*")
# A bare leading tag word followed by a colon or dash: "Hiring: ...", "FOR HIRE - ...".
_BARE = re.compile(r"^\s*(hiring|for[\s\-_]*hire|fore[\s\-_]*hire|task|offer|seeking\s+work|"
                   r"seeking\s+freelancers?|help\s+wanted)\s*[:\-–|]\s*", re.IGNORECASE)
# gameDevClassifieds without brackets: "LF Programmers", "LF[A/P] ...", "Writer/Artist LF 3D Modeler"
_BARE_LF = re.compile(r"(?:^|(?<=\s))LF(?=[\s\[\(\d])")

_NORMALISE = re.compile(r"[^a-z0-9/&]+")


def _norm(tag: str) -> str:
    return _NORMALISE.sub(" ", tag.lower()).strip()


_OFFER_WORDS = re.compile(
    r"^(?:fore?\s*hire|forhire|for\s*hir|fh|offer(?:ing)?|available|freelancer\s+available|"
    r"seeking\s+work|for\s+free|portfolio|for\s+trade|artist\s+available)$")
_REQUEST_WORDS = re.compile(
    r"^(?:hiring|hire|hiring\s+open|now\s+hiring|task|paid\s+task|request|"
    r"seeking\s+freelancers?|looking\s+for\s+\w+|wanted|help\s+wanted|one\s+time\s+project|"
    r"commission\s+wanted|who\s+is\s+hiring)$")  # not [paid]: gameDev posters tag the pay, not intent
_OTHER_WORDS = re.compile(
    r"^(?:meta|testimonial|update|hired|hired\s+success|thanks|thank\s+you.*|question|notice|"
    r"discussion|announcement|mod\s*post|psa|warning|scam|scam\s+warning|filled|closed|"
    r"event|news|tip|tips|pic|infographic|quote|unpaid|collab|collaboration|revshare|rev\s+share)$")
# gameDevClassifieds: LF + role letters ([LFA], [LFP], [LF2DA], [LFA/D], [LF Artist]).
_LOOKING_FOR = re.compile(r"^lf(?:[a-z0-9/& ]{0,12}|\s+\w+(?:\s+\w+)?)$")
# gameDevClassifieds: one or two role letters of someone offering ([P], [A], [A/M], [AU]).
_ROLE_LETTERS = re.compile(r"^(?:[pamswvtcd]|au|sfx|2d|3d)(?:\s*/\s*(?:[pamswvtcd]|au))*$")


@dataclass(frozen=True, slots=True)
class Tag:
    intent: str
    written: str  # the tag as the poster wrote it, e.g. "(HIRING)"
    where: str  # "title tag", "link flair", "HN line"
    weak: bool = False  # a bare role letter ([P], [A]rtist): names a role, sought or offered

    @property
    def reason(self) -> str:
        return f"{self.where} {self.written}"


def classify_tag(tag: str, *, letters: bool = True) -> str | None:
    """A tag's text (without brackets) -> request / offer / other, or None when unknown."""
    t = _norm(tag)
    if not t:
        return None
    if _REQUEST_WORDS.match(t):
        return REQUEST
    if _OFFER_WORDS.match(t):
        return OFFER
    if _OTHER_WORDS.match(t):
        return OTHER
    if _LOOKING_FOR.match(t):
        return REQUEST
    if letters and _ROLE_LETTERS.match(t):
        return OFFER
    # loose spellings: "for-hire", "fore hire", "[hiring remote]", "[hiring] [remote]"
    if re.match(r"^fore?\s*hire\b", t):
        return OFFER
    if re.match(r"^(?:now\s+)?hiring\b", t):
        return REQUEST
    return None


def _is_role_letter(tag: str) -> bool:
    t = _norm(tag)
    return bool(_ROLE_LETTERS.match(t)) and not (_REQUEST_WORDS.match(t) or _OFFER_WORDS.match(t))


def _leading_tags(title: str) -> list[tuple[str, str]]:
    """[(inner text, as written)] of the tags at the start of the title, in order."""
    out, rest = [], title or ""
    for _ in range(4):
        m = _BRACKET.match(rest)
        if not m:
            break
        out.append((m.group(1), rest[m.start():m.end()].strip(" :-–|")))
        rest = rest[m.end():]
    return out


def _any_tags(title: str) -> list[tuple[str, str, bool]]:
    """Bracketed tags anywhere in the title ("Unity dev [For Hire]", "3D [A]rtist"), in order;
    the flag says the tag is glued to the word it abbreviates (gameDevClassifieds' "[A]rtist")."""
    return [(m.group(1), m.group(0), m.end() < len(title) and title[m.end()].isalpha())
            for m in re.finditer(r"[\[\(\{]\s*([^\]\)\}]{1,30}?)\s*[\]\)\}]", title or "")]


_HN_LINE = re.compile(r"^\s*(?:<p>)?\s*(SEEKING\s+FREELANCERS?|SEEKING\s+WORK|SEEKING\s+FREELANCE\s+WORK)\b",
                      re.IGNORECASE)
_HN_ANY = re.compile(r"\bSEEKING\s+(FREELANCERS?|WORK)\b")  # upper case, as the thread asks


def read_tag(title: str, flair: str | None = None, body: str | None = None) -> Tag | None:
    """The platform's own label of a post, or None when it gives none."""
    for inner, written in _leading_tags(title):
        intent = classify_tag(inner)
        if intent:
            return Tag(intent, written, "title tag", weak=_is_role_letter(inner))
    m = _BARE.match(title or "")
    if m:
        intent = classify_tag(m.group(1), letters=False)
        if intent:
            word = " ".join(m.group(1).split())
            if word.lower().startswith("seeking"):
                return Tag(intent, word.upper(), "HN line")
            return Tag(intent, m.group(0).strip(" :-–|"), "title tag")
    m = _BARE_LF.search(title or "")
    if m:
        return Tag(REQUEST, "LF", "title tag")
    for text in (title or "", (body or "")[:400]):
        m = _HN_LINE.match(text) or _HN_ANY.search(text[:200])
        if m:
            word = m.group(1).upper()
            intent = OFFER if "WORK" in word else REQUEST
            return Tag(intent, " ".join(m.group(0).split()).upper(), "HN line")
    if flair:
        intent = classify_tag(flair, letters=False)
        if intent:
            return Tag(intent, f"'{flair.strip()[:40]}'", "link flair")
    for inner, written, glued in _any_tags(title):
        intent = classify_tag(inner, letters=glued)
        if intent in (REQUEST, OFFER):
            return Tag(intent, written, "title tag", weak=_is_role_letter(inner))
    return None


def strip_tags(title: str) -> str:
    """The title without the platform's tags (what a model may learn from)."""
    rest = title or ""
    # "[A]rtist", "[LFP]rogrammer": the tag abbreviates the word it is glued to; keep the word
    rest = re.sub(r"[\[\(]\s*(?:LF)?([A-Za-z])\s*[\]\)](?=[a-z])", r"\1", rest)
    for _ in range(4):
        m = _BRACKET.match(rest) or _BARE.match(rest)
        if not m:
            break
        rest = rest[m.end():]
    rest = re.sub(r"[\[\(\{]\s*([^\]\)\}]{1,30}?)\s*[\]\)\}]",
                  lambda m: " " if classify_tag(m.group(1)) else m.group(0), rest)
    rest = _BARE_LF.sub(" ", rest)
    rest = re.sub(r"\bSEEKING\s+(?:FREELANCERS?|WORK)\b", " ", rest)
    return " ".join(rest.split())
