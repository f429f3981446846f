"""The site speaks three languages completely. English is the source language (every msgid is the English
text), so the two Chinese catalogues must translate every message, none of them fuzzy, and must hold every
message the code and templates have today: a text added without `make messages` fails here too."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BANSHI = Path(__file__).resolve().parents[1]
LOCALE = BANSHI / "locale"
CATALOGUES = ["zh_Hans", "zh_Hant"]
# GNU gettext's own messages in English, whatever the machine's locale.
C_LOCALE = {**os.environ, "LC_ALL": "C", "LANGUAGE": ""}


def catalogue(locale: str) -> Path:
    return LOCALE / locale / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("locale", CATALOGUES)
def test_every_message_is_translated_and_none_is_fuzzy(locale):
    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(catalogue(locale))],
        capture_output=True,
        text=True,
        env=C_LOCALE,
    )
    assert checked.returncode == 0, checked.stderr
    assert "fuzzy" not in checked.stderr and "untranslated" not in checked.stderr, checked.stderr


def test_the_catalogues_hold_every_message_of_the_code_and_templates(tmp_path):
    """makemessages run on a copy of the tree (the code linked, the catalogues copied) finds no message the
    committed catalogue lacks."""
    tree = tmp_path / "banshi"
    tree.mkdir()
    for entry in BANSHI.iterdir():
        if entry.name != "locale":
            (tree / entry.name).symlink_to(entry)
    (tree / "locale" / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            os.fspath(BANSHI.parent / "manage.py"),
            "makemessages",
            "-l",
            "zh_Hans",
            "--symlinks",
            "--no-obsolete",
            "--verbosity",
            "0",
        ],
        cwd=tree,
        check=True,
        env={**C_LOCALE, "BANSHI_DEMO": "1"},
    )
    fresh = tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    compared = subprocess.run(
        ["msgcmp", "--use-untranslated", str(catalogue("zh_Hans")), str(fresh)],
        capture_output=True,
        text=True,
        env=C_LOCALE,
    )
    assert compared.returncode == 0, "run `make messages` and translate:\n" + compared.stderr
