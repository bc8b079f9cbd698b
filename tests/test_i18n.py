"""Every user-facing string has a zh_Hans translation, and the compiled catalogue is current."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_msgid_has_a_chinese_translation() -> None:
    catalogue = polib.pofile(str(PO))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert missing == [] and fuzzy == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.pofile(str(PO))
        if not e.obsolete and e.msgid
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.mofile(str(MO))
        if e.msgid
    }
    assert compiled == source, "run `make messages` to recompile the .mo"


def test_catalogue_holds_every_string_in_the_code(tmp_path: Path) -> None:
    """makemessages on a copy of the tree finds exactly the committed catalogue's msgids."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT / "gonghui", copy / "gonghui", ignore=shutil.ignore_patterns("__pycache__", "static")
    )
    shutil.copytree(ROOT / "locale", copy / "locale")
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "GONGHUI_TESTING": "1",
            "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        },
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new entries"
    assert sorted(committed - fresh) == [], "the catalogue has entries no code uses any more"
