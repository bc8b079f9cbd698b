"""Loads the demo city (idempotent) and prints its logins. Refuses unless DEMO is on.

Core imports no domain app: each installed app that has a `demo` module with a `load(size=…)`
function adds its part of the city, in INSTALLED_APPS order."""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.demo import city


class Command(BaseCommand):
    help = "Load the demo city 淮河市 (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size", type=int, default=20_000, help="members to generate (default 20,000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("The demo city loads only where DEMO is on (make run sets it).")
        started = time.monotonic()
        personas = city.load()
        for config in apps.get_app_configs():
            if not config.name.startswith("gonghui.") or config.label == "core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.load(size=options["size"])
        self.stdout.write(
            self.style.SUCCESS(
                f"演示城市「淮河市」已就绪（{time.monotonic() - started:.1f}s）。Demo logins:"
            )
        )
        for persona in personas:
            self.stdout.write(f"  {persona.username:<16} {persona.description}")
        self.stdout.write(f"  password for all: {city.DEMO_PASSWORD}")
