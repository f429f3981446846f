"""The counter moved from cases to sequences without its table changing: a database migrated before
the move keeps its values, and a fresh one migrates from nothing. Each case runs `manage.py` on its own
SQLite file, away from the test database."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def manage(data_dir: Path, *args: str) -> str:
    env = {
        **os.environ,
        "BANSHI_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'banshi.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "banshi.settings",
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


NEXT = "from banshi.sequences.services import counter_next; print(counter_next('ticket:1:20261127'))"


def test_a_fresh_database_migrates_from_nothing_and_counts(tmp_path):
    manage(tmp_path, "migrate", "--noinput", "-v0")
    assert manage(tmp_path, "shell", "-v0", "-c", NEXT).strip() == "1"
    assert "No changes detected" in manage(tmp_path, "makemigrations", "--check", "--dry-run")


def test_a_database_from_before_the_move_keeps_its_counters_and_their_permissions(tmp_path):
    manage(tmp_path, "migrate", "--noinput", "-v0", "cases", "0003_window_confirmation")
    with sqlite3.connect(tmp_path / "banshi.sqlite3") as db:
        db.execute("INSERT INTO cases_counter (key, value) VALUES ('ticket:1:20261127', 41)")
        (content_type,) = db.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'cases' AND model = 'counter'"
        ).fetchone()
    manage(tmp_path, "migrate", "--noinput", "-v0")
    assert manage(tmp_path, "shell", "-v0", "-c", NEXT).strip() == "42"
    with sqlite3.connect(tmp_path / "banshi.sqlite3") as db:
        assert db.execute("SELECT app_label FROM django_content_type WHERE model = 'counter'").fetchall() == [
            ("sequences",)
        ]
        assert db.execute(
            "SELECT COUNT(*) FROM auth_permission WHERE codename LIKE '%_counter' AND content_type_id = ?",
            [content_type],
        ).fetchone() == (4,)
