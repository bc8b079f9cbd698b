"""The proposal trail is append-only in the database too (R7)."""

from django.db import migrations

from gonghui.core.appendonly import triggers

forwards, backwards = triggers("proposals_step")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
