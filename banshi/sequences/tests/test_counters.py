import pytest

from banshi.sequences.models import Counter
from banshi.sequences.services import (
    counter_advance,
    counter_blocks_forget,
    counter_next,
    counter_next_in_block,
)

pytestmark = pytest.mark.django_db


def test_each_key_counts_on_its_own_from_one():
    assert [counter_next("a"), counter_next("a"), counter_next("b"), counter_next("a")] == [1, 2, 1, 3]
    assert dict(Counter.objects.values_list("key", "value")) == {"a": 3, "b": 1}


def test_advancing_by_a_step_returns_the_new_value():
    counter_next("a")
    assert counter_advance("a", 10) == 11


def test_a_block_is_reserved_at_once_and_handed_out_one_by_one():
    assert [counter_next_in_block("a", block=3) for _ in range(4)] == [1, 2, 3, 4]
    assert Counter.objects.get(key="a").value == 6  # two blocks of three reserved


def test_a_forgotten_block_is_skipped_and_numbers_stay_unique():
    assert counter_next_in_block("a", block=5) == 1
    counter_blocks_forget()
    assert counter_next_in_block("a", block=5) == 6
