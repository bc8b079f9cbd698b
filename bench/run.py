"""Runs every benchmark in bench/ against a fresh SQLite database. Each prints its own figure
next to the baseline it is compared with, measured in the same run. Not tests: nothing here
passes or fails on time."""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="gonghui-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("GONGHUI_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        print(f"== {path.stem}")
        module.run()


if __name__ == "__main__":
    main()
