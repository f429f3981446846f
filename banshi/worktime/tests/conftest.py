import pytest

from banshi.worktime.calendar import clear_calendar_cache


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Overrides a test enters are rolled back with it, so no test may keep them in the cache."""
    clear_calendar_cache()
    yield
    clear_calendar_cache()
