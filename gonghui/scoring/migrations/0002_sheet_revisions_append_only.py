"""The trail of score sheets is append-only in the database too."""

from django.db import migrations

from gonghui.core.appendonly import triggers

forwards, backwards = triggers("scoring_sheetrevision")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
