"""Why a text got its label: the rules' hits and the learned layer's largest contributions.

``explain(text)`` returns the score, who decided it ("model" when the learned layer was at
least ``gate`` sure, else "rules"), the rules' valence by origin (direction x quantity, legal
moves, numbers, finance and general words: ``rules.COMPONENTS``) and the top learned
contributions toward the label: for each n-gram or rule feature present, its weight for the
label minus its mean weight over the three labels (what it adds to that label's odds).
Used by ``python -m core.sentiment --explain`` and the News page's row detail.
"""
from __future__ import annotations

from typing import NamedTuple

from core.sentiment import model as md
from core.sentiment import rules
from core.sentiment.rules import NEUTRAL, Score


class Explanation(NamedTuple):
    score: Score
    decided_by: str                            # "model" | "rules" | "blank"
    probability: float                         # the learned layer's probability of its class
    rule_hits: list[tuple[str, float]]         # rules' valence by origin, non-zero only
    contributions: list[tuple[str, float]]     # top learned contributions toward the label

    def as_dict(self) -> dict:
        return {"compound": self.score.compound, "label": self.score.label,
                "decided_by": self.decided_by, "model_probability": round(self.probability, 4),
                "rule_hits": {k: round(v, 3) for k, v in self.rule_hits},
                "contributions": [[k, round(v, 3)] for k, v in self.contributions]}


def explain(text: str, top: int = 6, model: md.Model | None = None) -> Explanation:
    model = model or md.default_model()
    if not text or text.isspace():
        return Explanation(NEUTRAL, "blank", 0.0, [], [])
    enc = md.encode(text, model)
    z = md.logits([enc], model)
    p = md.probabilities(z)[0]
    final = md.to_scores(z, model, [enc.rules_score])[0]
    b = int(p.argmax())
    decided = "model" if p[b] >= model.gate else "rules"
    c = model.classes.index(final.label)
    rel_rule = model.rule_w[:, c] - model.rule_w.mean(axis=1)
    rel_term = model.term_w[:, c] - model.term_w.mean(axis=1)
    contrib = [(f"rule:{n}", float(x * w)) for n, x, w in zip(model.rule_names, enc.rules, rel_rule)
               if x]
    contrib += [(f"'{model.terms[g]}'", float(rel_term[g])) for g in enc.grams]
    contrib.sort(key=lambda kv: -abs(kv[1]))
    hits = [(n, v) for n, v in zip(rules.COMPONENTS[:rules.N_VALENCE], enc.rules) if v]
    return Explanation(final, decided, float(p[b]), hits, contrib[:top])


def explain_text(e: Explanation) -> str:
    """One human line: the label, who decided, the rule hits and the top contributions."""
    hits = ", ".join(f"{k} {v:+.2f}" for k, v in e.rule_hits) or "none"
    top = ", ".join(f"{k} {v:+.2f}" for k, v in e.contributions) or "none"
    return (f"{e.score.label} {e.score.compound:+.3f} (decided by {e.decided_by}, "
            f"learned p={e.probability:.2f}); rule hits: {hits}; learned toward "
            f"{e.score.label}: {top}")


__all__ = ["Explanation", "explain", "explain_text"]
