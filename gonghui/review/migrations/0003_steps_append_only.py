"""The review trail is append-only in the database too (R7)."""

from django.db import migrations

from gonghui.core.appendonly import triggers

forwards, backwards = triggers("review_reviewstep")


class Migration(migrations.Migration):
    dependencies = [("review", "0002_notices")]
    operations = [migrations.RunPython(forwards, backwards)]
