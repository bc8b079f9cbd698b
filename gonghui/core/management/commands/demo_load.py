"""Loads the demo city (idempotent) and prints its logins. Refuses unless DEMO is on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.demo import city


class Command(BaseCommand):
    help = "Load the demo city 淮河市 (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("The demo city loads only where DEMO is on (make run sets it).")
        personas = city.load()
        self.stdout.write(self.style.SUCCESS("演示城市「淮河市」已就绪。Demo logins:"))
        for persona in personas:
            self.stdout.write(f"  {persona.username:<16} {persona.description}")
        self.stdout.write(f"  password for all: {city.DEMO_PASSWORD}")
