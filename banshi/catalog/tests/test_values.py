from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from banshi.catalog.definition import FieldDef
from banshi.catalog.values import EXAMPLES, ValueProblem, clean_value, constraints

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def field(**spec) -> FieldDef:
    return FieldDef.model_validate({"label": {"zh-hans": "字段"}, **spec})


@time_machine.travel(NOW, tick=False)
def test_a_future_date_may_be_today_but_not_before():
    spec = field(type="date", future=True)
    assert clean_value(spec, "2026-03-04") == "2026-03-04"
    with pytest.raises(ValueProblem, match="cannot be in the past"):
        clean_value(spec, "2026-03-03")
    assert constraints(spec).future and not constraints(spec).past


def test_what_a_type_accepts_is_stated_where_it_is_checked():
    address = constraints(field(type="address"))
    assert (address.min_length, address.max_length) == (5, 200)
    with pytest.raises(ValueProblem):
        clean_value(field(type="address"), "x" * 201)
    assert constraints(field(type="text", max_length=20)).max_length == 20
    assert constraints(field(type="integer", min=1, max=3)).maximum == 3
    # Bounds of another type's are not stated: a text has no maximum, a number no length.
    assert constraints(field(type="text", min=1)).minimum is None
    for kind, example in EXAMPLES.items():
        assert clean_value(field(type=kind), example) is not None, kind


def test_identifiers_take_ascii_digits_only():
    with pytest.raises(ValueProblem):
        clean_value(field(type="bank_account"), "６２２２０２０２０００００００００００")
