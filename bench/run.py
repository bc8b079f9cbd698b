"""Runs every benchmark in bench/, each in its own process on its own fresh database, and
prints each figure next to the baseline it is compared with, measured in the same run. Not
tests: nothing here passes or fails on time.

    make bench                      # all
    make bench BENCH=roster_import  # one (bench_<name>.py)

A benchmark module declares DATABASE = "sqlite" or "postgres" and a run() function. PostgreSQL
benchmarks use BENCH_PG_URL (default: the local server, database gonghui_bench)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/gonghui_bench")


def _database_url(kind: str, workdir: str) -> str:
    if kind != "postgres":
        return f"sqlite:///{workdir}/bench.sqlite3"
    import psycopg

    admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
    name = PG_URL.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_URL


def _child(name: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    module = importlib.import_module(f"bench.bench_{name}")
    module.run()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        return
    only = os.environ.get("BENCH", "")
    names = [p.stem.removeprefix("bench_") for p in sorted((ROOT / "bench").glob("bench_*.py"))]
    for name in names:
        if only and name != only:
            continue
        source = (ROOT / "bench" / f"bench_{name}.py").read_text()
        kind = "postgres" if 'DATABASE = "postgres"' in source else "sqlite"
        kind = os.environ.get("BENCH_DB", kind)  # e.g. BENCH_DB=postgres for the import too
        workdir = tempfile.mkdtemp(prefix="gonghui-bench-")
        env = dict(
            os.environ,
            GONGHUI_TESTING="1",
            DJANGO_SETTINGS_MODULE="gonghui.settings",
            DATABASE_URL=_database_url(kind, workdir),
            MEDIA_ROOT=workdir,
        )
        print(f"== {name} ({kind})", flush=True)
        subprocess.run([sys.executable, __file__, "--child", name], env=env, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
