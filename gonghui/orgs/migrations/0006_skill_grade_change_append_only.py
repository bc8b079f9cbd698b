"""Skill-grade changes are append-only in the database too (R19, like the review trail)."""

from django.db import migrations

from gonghui.core.appendonly import triggers

forwards, backwards = triggers("orgs_skillgradechange")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0005_skill_grade_change")]
    operations = [migrations.RunPython(forwards, backwards)]
