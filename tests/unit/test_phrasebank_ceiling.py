"""The annotation model behind ``bench/phrasebank_ceiling.py``: exact vote outcomes, and the
perfect reader being Bayes-optimal (never worse than any other reader of the true split)."""
from __future__ import annotations

import numpy as np
import pytest

from bench import phrasebank_ceiling as pc

pytestmark = pytest.mark.timeout(60)


def test_outcomes_are_the_vote_vectors_with_a_unique_majority() -> None:
    five = pc.outcomes(5)
    assert all(sum(o.votes) == 5 and max(o.votes) >= 3 for o in five)
    assert {o.agreement for o in five} == {0.6, 0.8, 1.0}
    # 8 annotators: 4-3-1 has a 50 % majority, 4-4-0 has none
    eight = {o.votes for o in pc.outcomes(8)}
    assert (4, 3, 1) in eight and (4, 4, 0) not in eight and (0, 4, 4) not in eight


def test_outcome_probabilities_are_exact() -> None:
    pi = np.array([[0.2, 0.5, 0.3]])
    for n in pc.ANNOTATORS:
        c = pc.per_count(pi, n)
        assert 0 < c.majority[0] < 1  # ties and splits below half have no majority
        assert c.shares[0, 0] == pytest.approx(0.2**n + 0.5**n + 0.3**n)  # unanimous
        # the subset is every majority outcome below 75 %
        assert c.subset[0].sum() == pytest.approx(c.majority[0] - c.shares[0, 1])
    # five annotators, neutral by 3 of 5 (60 %): C(5,3) 0.5^3 (0.2 + 0.3)^2
    five = pc.per_count(pi, 5)
    p_neutral_3 = 10 * 0.5**3 * (0.2 + 0.3) ** 2
    assert five.subset[0, 1] == pytest.approx(p_neutral_3)


def test_a_sentence_everyone_reads_alike_is_unanimous_and_outside_the_subset() -> None:
    c = pc.per_count(np.array([[0.0, 1.0, 0.0]]), 6)
    assert c.majority[0] == pytest.approx(1.0)
    assert c.shares[0].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert c.subset[0].sum() == pytest.approx(0.0)


def test_the_perfect_reader_is_never_worse_than_a_fresh_annotator() -> None:
    found = pc.fits(samples=400, seed=3)
    assert found == sorted(found) and found[0].error < 0.05  # some prior fits the shares
    for f in found:
        assert 0.33 < f.annotator_accuracy <= f.reader_accuracy <= 1.0
