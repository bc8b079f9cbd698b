"""Below the model's refusal, the database itself refuses to change audit entries (R7); see
gonghui.core.appendonly for what each database refuses."""

from django.db import migrations

from gonghui.core.appendonly import triggers

forwards, backwards = triggers("core_auditentry")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
