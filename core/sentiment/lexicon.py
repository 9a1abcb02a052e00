"""Finance vocabulary for the sentiment scorer: word valences, metric polarities, directions.

Why a separate module: the scorer's rules ("direction x metric": *costs rose* is bad, *loss
narrowed* is good) need to know which words name a quantity and whether more of it is good
news, and which words move a quantity up or down. Keeping the words here keeps the rules in
``core.sentiment`` short and lets the vocabulary be reviewed on its own.

Sources (no list here is copied from a licensed dictionary):
- VADER's own lexicon (MIT) stays the base; ``GENERIC_OVERRIDES`` corrects VADER words that
  mean something neutral in finance ("share", "interest", "credit", "gross", "crude", ...).
- The *categories* of the Loughran-McDonald finance word lists (negative, positive,
  uncertainty, litigious, constraining), described in words and filled by our own curation of
  common words in news wires and company releases: e.g. negative = losses, impairment,
  restructuring, insolvency; litigious = lawsuit, probe, settlement; uncertainty = hedges.
- Our own curation of metric nouns and direction verbs used in results reporting.

All valences use VADER's scale (about -4 .. +4).
"""
from __future__ import annotations

import re
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# Quantities. +1: more is good news for the company/investor (sales, profit, orders, dividend);
# -1: more is bad news (costs, losses, debt, layoffs).
METRIC_POLARITY: dict[str, int] = {
    **dict.fromkeys((
        "sales revenue revenues profit profits earnings income ebit ebitda eps margin margins "
        "turnover orders order-intake intake backlog dividend dividends demand growth "
        "shares stock stocks equities valuation production output capacity volume volumes "
        "deliveries shipments traffic passengers customers subscribers users result results "
        "performance rating ratings guidance outlook forecast forecasts target targets goal goals "
        "estimate "
        "estimates expectations consensus cashflow cash-flow productivity efficiency "
        "competitiveness exports jobs employment workforce staff headcount occupancy "
        "profitability payout buyback buybacks index ftse dax nasdaq dow s&p "
        "job personnel employees workers stores plants mills factories branches outlets "
        "shops inflows assets aum office offices operations facility facilities factory plant "
        "unit units people persons "
        "value net-sales operating-profit order-book bookings invoicing billings "
        "market-share prospects gdp confidence liquidity solvency ratio returns return roe "
        "roi yield-on-cost recovery"
    ).split(), 1),
    **dict.fromkeys((
        "loss losses cost costs expenses expense spending debt debts liabilities charges charge "
        "impairment impairments writedown writedowns write-down write-downs provisions "
        "unemployment layoffs lay-offs redundancies deficit inflation risk risks churn delays "
        "defaults arrears complaints losses-per-share net-loss operating-loss burn leverage "
        "gearing borrowings indebtedness penalties fines claims concerns concern doubts fears worries "
        "outflows pressure pressures headwinds"
    ).split(), -1),
    # 0: a quantity whose change is no news by itself, or news whose sign depends on whose
    # side one is on: share capital after an issue, input prices,
    # a country's imports, interest rates. A direction tied to them counts nothing.
    **dict.fromkeys((
        "share-capital voting-rights imports prices interest-rate "
        "interest-rates"
    ).split(), 0),
}

# Words that move a quantity: +1 up, -1 down. Forms listed explicitly (no stemming at run time).
DIRECTION: dict[str, int] = {
    **dict.fromkeys((
        "rise rises rose risen rising increase increases increased increasing grow grows grew "
        "grown growing up climb climbs climbed climbing jump jumps jumped jumping surge surges "
        "surged surging soar soars soared soaring gain gains gained gaining improve improves "
        "improved improving rebound rebounds rebounded boost boosts boosted boosting double "
        "doubles doubled doubling triple tripled widen widens widened widening exceed exceeds "
        "exceeded exceeding tops topped higher highest high strengthen strengthens "
        "strengthened expand expands expanded expanding accelerate accelerates accelerated "
        "raise raises raised raising lift lifts lifted hike hikes hiked advance advances "
        "advanced rally rallies rallied recover recovers recovered beat beats beating "
        "outperform outperforms outperformed bigger larger stronger better above record "
        "add adds adding create creates created creating open opens opened opening meet meets met reach "
        "reaches reached achieve achieves achieved upbeat skyrocket skyrockets skyrocketed "
        "spike spikes spiked record-high ahead-of"
    ).split(), 1),
    **dict.fromkeys((
        "fall falls fell fallen falling decrease decreases decreased decreasing decline "
        "declines declined declining drop drops dropped dropping down plunge plunges plunged "
        "plunging slump slumps slumped slide slides slid sliding sink sinks sank sunk tumble "
        "tumbles tumbled shrink shrinks shrank shrunk shrinking narrow narrows narrowed "
        "narrowing weaken weakens weakened weakening cut cuts cutting reduce reduces reduced "
        "reducing lower lowers lowered lowest low slash slashes slashed miss misses missed "
        "dip dips dipped ease eases eased lose loses lost retreat retreats retreated halve "
        "halved plummet plummets plummeted crash crashes crashed sag sags sagged slow slows "
        "slowed slowing slowdown diminish diminished deteriorate deteriorated deteriorating "
        "worse weaker smaller below erode eroded squeeze "
        "squeezed trim trims trimmed shed sheds reduction reductions contracted contracting tanked slip "
        "slips slipped record-low close closes closed closing depress depressed depresses skid skids "
        "skidded withdraw withdraws withdrew withdrawn fade fades faded fading strip strips "
        "stripped hit hits shut shuts shutting falter falters faltered "
        "faltering stop stops stopped halt halts halted suspend suspends suspended discontinue "
        "discontinues discontinued underperform underperforms underperformed"
    ).split(), -1),
}

# Directions that usually take their quantity *after* them ("raised guidance", "cut costs",
# "higher sales", "record profit"); the rest look back first ("sales rose").
FORWARD_FIRST = frozenset((
    "raise raises raised raising boost boosts boosted boosting cut cuts cutting reduce reduces "
    "reduced reducing lower lowers lowered slash slashes slashed lift lifts lifted hike hikes "
    "hiked higher highest lower lowest bigger larger stronger better worse weaker smaller "
    "record above below beat beats beating miss misses missed trim trims trimmed shed sheds "
    "double doubled triple tripled halve halved improve improves improved strengthen "
    "strengthens strengthened expand expands expanded squeeze squeezed high low increase "
    "decrease close closes "
    "add adds adding withdraw withdraws withdrew withdrawn strip strips stripped hit hits "
    "shut shuts shutting closed closing open opens opened "
    "opening create creates created creating meet meets met reach reaches reached achieve "
    "achieves achieved stop stops "
    "stopped halt halts halted suspend suspends suspended discontinue discontinues discontinued"
).split())

# Direction words that carry a meaning even without a named quantity ("Tesla plunges"), with
# the valence used then. Words not listed here count only when a quantity is found.
DIRECTION_ALONE: dict[str, float] = {
    **dict.fromkeys("plunge plunges plunged plunging plummet plummets plummeted crash crashes "
                    "crashed tumble tumbles tumbled slump slumps slumped tanked "
                    "sinks sank".split(), -2.0),
    **dict.fromkeys("soar soars soared soaring surge surges surged surging skyrocket "
                    "skyrockets skyrocketed rally rallies rallied rebound rebounds "
                    "rebounded".split(), 2.0),
    **dict.fromkeys("fall falls fell falling decline declines declined declining drop drops "
                    "dropped dropping slide slides slid sliding dip dips dipped slip slips "
                    "slipped lose loses lost weaken weakens weakened weakening deteriorate "
                    "deteriorated deteriorating shrink shrinks shrank shrinking decrease "
                    "decreased decreasing".split(), -1.2),
    **dict.fromkeys("rise rises rose rising climb climbs climbed climbing jump jumps jumped "
                    "gain gains gained gaining grow grows grew growing improve improves "
                    "improved improving increase increases increased increasing strengthen "
                    "strengthens strengthened expand expands expanded expanding advance "
                    "advances advanced recover recovers recovered".split(), 1.2),
    **dict.fromkeys("beat beats outperform outperforms outperformed upbeat".split(), 1.8),
    **dict.fromkeys("miss misses missed underperform underperforms underperformed".split(), -1.8),
    **dict.fromkeys("cut cuts slash slashes slashed shed sheds".split(), -1.0),
    "up": 0.6, "down": -0.6, "higher": 0.8, "lower": -0.8,
    "raise": 0.6, "raises": 0.6, "raised": 0.6, "raising": 0.6, "depressed": -1.2,
    "skid": -1.2, "skids": -1.2, "skidded": -1.2, "weaker": -0.8, "stronger": 0.8,
    "hit": -0.8, "hits": -0.8, "record-high": 2.2, "record-low": -2.2, "shut": -1.2,
    "shuts": -1.2, "shutting": -1.2, "falter": -1.2,
    "falters": -1.2, "faltered": -1.2, "faltering": -1.2, "fade": -1.0, "fades": -1.0,
    "faded": -1.0, "fading": -1.0,
    **dict.fromkeys("boost boosts boosted boosting exceed exceeds exceeded".split(), 1.5),
    **dict.fromkeys("lift lifts lifted tops topped accelerate accelerates accelerated double "
                    "doubles doubled triple tripled".split(), 1.0),
    **dict.fromkeys("halve halved lowers lowered reduce reduces reduced trim trims trimmed "
                    "strip strips stripped".split(), -0.6),
    **dict.fromkeys("stop stops stopped halt halts halted suspend suspends suspended discontinue "
                    "discontinues discontinued".split(), -1.2),
}

# Verbs strong enough to weigh more when they move a named quantity.
STRONG_DIRECTION = frozenset((
    "plunge plunges plunged plunging soar soars soared soaring surge surges surged surging "
    "slump slumps slumped tumble tumbles tumbled plummet plummets plummeted crash crashes "
    "crashed skyrocket skyrockets skyrocketed jump jumps jumped tanked double "
    "doubled triple tripled halve halved slash slashes slashed"
).split())

# ---------------------------------------------------------------------------------------------
# Finance word valences (Loughran-McDonald-style categories, own curation).
_NEGATIVE_STRONG = (
    "bankruptcy bankrupt insolvency insolvent liquidation receivership default defaulted "
    "defaults fraud scandal collapse collapsed collapses delisting delisted delist "
    "chapter-11 profit-warning embezzlement bribery manslaughter"
)
_NEGATIVE = (
    "loss losses impairment impairments writedown writedowns write-down write-off writeoff "
    "layoffs layoff lay-offs laid redundant redundancies dismissed dismissals restructuring "
    "lawsuit lawsuits litigation sued sue sues probe probes investigation investigations "
    "penalty penalties fine fined fines sanction sanctions recall recalls recalled "
    "shutdown shut closure closures close-down strike strikes walkout halt halted halts "
    "suspend suspended suspends suspension downturn recession slowdown weak weakness "
    "deficit deficits unprofitable losing loss-making lossmaking shortfall headwinds "
    "warning warns warned cautious overcapacity oversupply violation violated infringed "
    "infringement breach breached dispute disputes delay delayed delays cancel canceled "
    "cancelled cancels cancellation terminate terminated termination dilution dilutive "
    "bearish sell-off selloff selloffs volatile volatility turmoil uncertainty "
    "underperform underperformed downgrade downgraded plunge plunged slump slumped "
    "tumble tumbled crash crashed plummet plummeted slashed decline declined declining "
    "worst worse hurt hurts hit hits struggles struggling struggle troubled woes "
    "problems problem difficulties difficult challenging pressure pressured concerns "
    "concern doubts fears worries spill invalidated rejects rejected reject skeptical "
    "sceptical cautions cautioned recalling junk downgrades subpoena subpoenas subpoenaed "
    "antitrust disrupted disruption disruptions slams slammed bans banned revolt "
    "headache headaches exposed allegations inquiry"
)
_POSITIVE = (
    "profitable profitability record-high upgrade upgrades upgraded outperform outperformed bullish "
    "rally rallied rebound rebounded surge surged soar soared jump jumped beat beats "
    "awarded award wins won win winner contract-win breakthrough milestone dividend "
    "buyback expansion expand expanding expands expanded growth grow growing grew strong "
    "strengthen strengthened strengthening robust solid improved improvement improving "
    "upbeat boost boosted gain gained gains rise rose rising increase increased increasing "
    "efficient efficiency success successful successfully profit profits exceeded "
    "outstanding launch launched launches partnership collaboration selected signed "
    "agreement deal deals acquire acquired acquisition approval approved"
)
_STRONGLY_CHOSEN = {  # a few words where one fixed value reads better than the category's
    "profit": 0.4, "profits": 0.4, "loss": -1.8, "losses": -1.8, "strong": 1.8, "weak": -1.8,
    "agreement": 0.5, "signed": 0.5, "acquire": 0.3,
    "acquired": 0.3, "acquisition": 0.3, "launch": 0.6, "launched": 0.6, "launches": 0.6,
    "selected": 0.8, "partnership": 0.8, "collaboration": 0.6, "dividend": 0.6,
    "approved": 0.8, "approval": 0.8, "fine": -1.0, "close": 0.0, "hit": -0.8, "hits": -0.8,
    "pressure": -0.8, "problem": -1.2, "problems": -1.2, "uncertainty": -0.8,
    "volatile": -0.8, "volatility": -0.6, "cautious": -0.8, "laid": -1.5, "record-high": 2.2,
    "wins": 2.2, "won": 2.2, "win": 2.0, "awarded": 2.0, "award": 1.5,
}

# Corporate actions that read as mildly good news for the company doing them (own curation:
# growth by deals, hiring, new business), and a few mild negatives (departures, expiries).
_MILD_POSITIVE = (
    "hires hire extends contract orders leader competitive streamline "
    "streamlining recruit recruits opens opened help helps bounce new-orders backs "
    "innovative demand appoint appoints appointed tie-up alliance approves nod savings "
    "bestseller boomed prime employ cooperate cooperation joint-venture helping order acquitted "
    "reaffirms reaffirmed reaffirm"
)
# Deal-making: good news in a headline about the dealer, often plain fact in a report, so
# weak enough that one of them alone does not lift a long sentence out of the neutral band.
_DEALS = (
    "buy buys acquires stake takeover merger bid partners partner invest invests investment "
    "investments sell sale sells secure secures secured support supports deal deals ipo float listing "
    "chosen"
)
_MILD_NEGATIVE = (
    "resigned resigns resign quits quit suspected expires expired "
    "settlement expensive tough outflows departs departed bumpy"
)
_MORE_NEGATIVE = (
    "temporary temporarily"
)

FINANCE_LEXICON: dict[str, float] = {  # later, narrower lists win over the broad categories
    **dict.fromkeys(_POSITIVE.split(), 1.5),
    **dict.fromkeys(_NEGATIVE.split(), -1.6),
    **dict.fromkeys(_NEGATIVE_STRONG.split(), -3.0),
    **dict.fromkeys(_MILD_POSITIVE.split(), 0.7),
    **dict.fromkeys(_DEALS.split(), 0.45),
    **dict.fromkeys(_MILD_NEGATIVE.split(), -0.8),
    **dict.fromkeys(_MORE_NEGATIVE.split(), -1.2),
    **_STRONGLY_CHOSEN,
}

# VADER words that mislead on financial text: neutral there, or a different sense.
GENERIC_OVERRIDES: dict[str, float] = {
    **dict.fromkeys((
        "share shares interest interests credit credits fund funds trust trusts security "
        "securities liability liabilities gross crude capital reserve reserves asset assets "
        "value values worth care support supports help helps like well pretty free please "
        "top solution solutions number numbers energy natural special secure interested hand "
        "united valued clear certain pay parties party l ha lol yeah joke leading lead "
        "agreements agree agreed demand gain gains cut cuts no bull bear default charge "
        "charges block miss misses missed increase increased decrease lower low high higher "
        "reach reached major significant growing expands allow ensure commitment positive tips "
        "negative important safe safety great huge cancer disease tumor friends admiral wells "
        "heart jp"
    ).split(), 0.0),
}
# "positive"/"negative" are often literal in results text ("positive result", "negative
# growth") and handled below as adjectives of results.
ADJECTIVE_OF_RESULT: dict[str, float] = {
    "positive": 1.5, "negative": -1.5, "good": 1.2, "great": 1.8, "poor": -1.8,
    "disappointing": -2.0, "solid": 1.2, "soft": -1.2, "strong": 1.8, "weak": -1.8, "huge": 0.0,
}

NEGATORS = frozenset((
    "not no never without nor neither none cannot failed fails fail unable isn't wasn't "
    "aren't weren't didn't doesn't don't won't wouldn't hasn't haven't hadn't couldn't "
    "shouldn't unlikely"
).split())

HEDGES = frozenset((
    "may might could would expects expect expected expecting plans plan planned planning "
    "aims aim aiming targets intends intend likely possibly potentially hopes hope seeks "
    "seek should estimated anticipates anticipated anticipate projected predicts predicted "
    "if unless"
).split())

BOOSTERS = frozenset((
    "sharply significantly strongly substantially considerably markedly dramatically "
    "steeply heavily very massive massively"
).split())

# Words that soften the move next to them ("fell slightly").
DAMPENERS = frozenset("slightly marginally somewhat modestly little mildly".split())

# Currency words, normalised, so that "EUR 10 mn ( USD 13.2 mn )" is read as a conversion.
CURRENCY: dict[str, str] = {
    **dict.fromkeys("eur euro euros € eurm".split(), "eur"),
    **dict.fromkeys("usd $ dollars dollar usdm".split(), "usd"),
    **dict.fromkeys("gbp £ pounds pound stg".split(), "gbp"),
    **{c: c for c in "sek nok dkk rub jpy cny chf".split()},
}

# Contrast: what follows "but" outweighs what came before (VADER's rule); what follows
# "despite" until the clause ends is the lesser part.
CONTRAST_AFTER = frozenset("but however yet nevertheless nonetheless".split())
CONCESSIVE = frozenset("despite notwithstanding although though".split())
# An aim is not an outcome: "with the aim of growing", "aims to expand its network", "our
# strategy is to strengthen ..." state what a company wants, not what happened to it; the
# rest of such a clause counts at W_AIM (``core.sentiment``). "Plans to cut 500 jobs" is a
# decision, not an aspiration, and "expects profit to rise" a forecast (a hedge): not here.
ASPIRATIONS = frozenset((
    "aim aims aimed aiming goal goals objective objectives ambition ambitions "
    "intends intend intention purpose mission vision endeavour endeavor strive strives"
).split())

# Tokens that end the window a direction word searches for its quantity.
CLAUSE_BREAKS = frozenset((
    "; . while whereas but although though however meanwhile despite after as"
).split())

# Words skipped when reading numbers ("EUR 13.1 mn", "USD 5 million", "12 %").
UNITS = frozenset((
    "eur euro euros usd dollars $ £ € gbp sek nok dkk rub jpy cny chf mn m mln million "
    "millions bn b billion billions k thousand % percent pct per cent cents pence p a an the "
    "of with to about around some approximately ( ) , eurm usdm mio"
).split())

NUMBER_COMPARATORS = frozenset("from compared versus vs vs. against ( compare".split())

# Quantities that matter more than others when a sentence moves several ("sales rose while
# operating profit fell" is read as bad news by analysts).
METRIC_WEIGHT: dict[str, float] = dict.fromkeys(
    "profit profits earnings income ebit ebitda eps result results loss losses "
    "operating-profit net-loss operating-loss".split(), 1.3)

# Set phrases rewritten to one token before scoring (phrasal verbs and fixed expressions whose
# meaning is not the sum of their words: "laid off", "swings to loss", "set up").
PHRASES_FILE = Path(__file__).resolve().parent / "data" / "finance_phrases.tsv"


def _load_phrases(path: Path = PHRASES_FILE) -> dict[str, str]:
    phrases: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            token, alternatives = line.split("\t")
            phrases.update(dict.fromkeys(alternatives.split("|"), token))
    return phrases


PHRASES: dict[str, str] = _load_phrases()

PHRASE_VALENCE: dict[str, float] = {
    "layoffs": -2.2, "workforce-cuts": -2.2, "cost-savings": 1.5, "profit-warning": -3.0,
    "beat-expectations": 2.5, "miss-expectations": -2.5, "record-low": -2.2,
    "in-the-red": -2.2, "in-the-black": 2.2, "under-pressure": -1.5, "pulls-plug": -1.6,
    "step-down": -0.8, "shutdown": -1.8, "no-wrongdoing": 1.2,
    "sell-rating": -1.2, "buy-rating": 1.2,
}
# Words whose valence is our finance curation rather than VADER's general English.
CURATED = frozenset(FINANCE_LEXICON) | frozenset(ADJECTIVE_OF_RESULT) | frozenset(PHRASE_VALENCE)


# ---------------------------------------------------------------------------------------------
# Tokens: one regex pass; set phrases merged into one token each.
TOKEN_RE = re.compile(
    r"(?:eur|usd|sek|nok|dkk|gbp|rub)(?=\d)"  # "EUR5.4m" is a currency and a number
    r"|[a-z][a-z0-9&'\-]*[a-z0-9]|[a-z]"
    r"|(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?"
    r"|[;.,():!?%$£€]"
)
_SPLIT_DECIMAL_RE = re.compile(r"(\d) \.(\d)")  # "EUR0 .38" in wire text is 0.38
_BY_FIRST: dict[str, dict[tuple[str, ...], str]] = {}
for _p, _tok in PHRASES.items():
    _words = tuple(TOKEN_RE.findall(_p))
    _BY_FIRST.setdefault(_words[0], {})[_words] = _tok
_LENGTHS = sorted({len(k) for d in _BY_FIRST.values() for k in d}, reverse=True)


def tokenize(text: str) -> list[str]:
    """Lower-cased tokens of ``text`` with set phrases ("laid off") merged into one token."""
    text = text.lower()
    if " ." in text:
        text = _SPLIT_DECIMAL_RE.sub(r"\1.\2", text)
    toks = TOKEN_RE.findall(text)
    out: list[str] = []
    i, n = 0, len(toks)
    while i < n:
        cands = _BY_FIRST.get(toks[i])
        if cands:
            for k in _LENGTHS:
                rep = cands.get(tuple(toks[i:i + k]))
                if rep is not None:
                    out.append(rep)
                    i += k
                    break
            else:
                out.append(toks[i])
                i += 1
        else:
            out.append(toks[i])
            i += 1
    return out
