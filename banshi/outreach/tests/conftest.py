"""Shared set-up of the outreach app's tests."""

import pytest

# --- lecture programmes -------------------------------------------------------------------------------
from banshi.outreach.tests.lectures_world import LectureWorld, build_lecture_world


@pytest.fixture(autouse=True)
def _lecture_photos_dir(settings, tmp_path):
    settings.LECTURE_PHOTOS_DIR = tmp_path / "lecture-photos"


@pytest.fixture
def lw(db) -> LectureWorld:
    """A Yubei lecture programme, its organiser, an organiser of another unit, residents and a
    supervisor."""
    return build_lecture_world()
