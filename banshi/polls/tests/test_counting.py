"""The counting rule: more than the threshold of the voters present passes; the most voted take the
places; a tie across the last place is reported, not decided."""

from fractions import Fraction

from banshi.polls.selectors import Outcome, count_papers

CANDIDATES = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]


def outcomes(papers, *, places=2, present=None, threshold=Fraction(1, 2)):
    rows = count_papers(
        candidates=CANDIDATES,
        papers=papers,
        places=places,
        present=len(papers) if present is None else present,
        threshold=threshold,
    )
    return {row.key: (row.votes, row.outcome) for row in rows}


def test_a_candidate_with_more_than_half_of_the_present_passes_and_exactly_half_does_not():
    papers = [["a", "b"], ["a", "b"], ["a", "c"], ["c"]]  # 4 present: a 3, b 2, c 2
    result = outcomes(papers)
    assert result["a"] == (3, Outcome.CHOSEN)
    assert result["b"] == (2, Outcome.FAILED)  # 2 of 4 is not more than half
    assert result["c"] == (2, Outcome.FAILED)
    assert result["d"] == (0, Outcome.FAILED)


def test_blank_papers_count_among_the_present():
    papers = [["a"], ["a"], ["a"], [], [], []]  # a has 3 of 6 present: not more than half
    assert outcomes(papers)["a"] == (3, Outcome.FAILED)


def test_the_threshold_is_configurable():
    papers = [["a"], ["a"], ["b"], ["b"], ["b"]]
    two_thirds = outcomes(papers, threshold=Fraction(2, 3))
    assert two_thirds["b"] == (3, Outcome.FAILED)  # 3 of 5 is not more than two thirds
    low = outcomes(papers, threshold=Fraction(1, 3))
    assert low["a"] == (2, Outcome.CHOSEN) and low["b"] == (3, Outcome.CHOSEN)


def test_more_passing_than_places_the_most_voted_are_chosen():
    papers = [["a", "b"], ["a", "b"], ["a", "c"], ["a", "c"], ["b", "c"]]  # a 4, b 3, c 3 of 5
    result = outcomes(papers, places=1)
    assert result["a"] == (4, Outcome.CHOSEN)
    assert result["b"] == (3, Outcome.NOT_CHOSEN) and result["c"] == (3, Outcome.NOT_CHOSEN)


def test_a_tie_across_the_last_place_chooses_none_of_the_tied_and_flags_them():
    papers = [["a", "b"], ["a", "b"], ["a", "c"], ["a", "c"], ["b", "c"]]  # a 4, b 3, c 3 of 5
    result = outcomes(papers, places=2)
    assert result["a"] == (4, Outcome.CHOSEN)
    assert result["b"] == (3, Outcome.TIED) and result["c"] == (3, Outcome.TIED)


def test_a_tie_that_fits_in_the_places_chooses_all_the_tied():
    papers = [["a", "b"], ["a", "b"], ["a", "b"], ["c"]]  # a 3, b 3 of 4
    result = outcomes(papers, places=2)
    assert result["a"] == (3, Outcome.CHOSEN) and result["b"] == (3, Outcome.CHOSEN)


def test_nobody_present_nobody_passes():
    assert all(outcome == Outcome.FAILED for _votes, outcome in outcomes([]).values())
