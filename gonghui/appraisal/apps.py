from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "gonghui.appraisal"
    label = "appraisal"
    verbose_name = _("Public appraisal votes")

    def ready(self) -> None:
        from django.urls import reverse

        from gonghui.appraisal.services.results import PROGRAM
        from gonghui.scoring.models import Panel
        from gonghui.scoring.programs import ScoringProgram, register

        def employers(panel: Panel) -> list[tuple[str, str]]:
            """The candidates' employers, by name: a judge from one is recused from them."""
            rows = panel.entries.values_list("employer_keys", flat=True)
            return [(k, k) for k in sorted({k for keys in rows for k in keys})]

        register(
            ScoringProgram(
                code=PROGRAM,
                label=_("Public appraisal votes"),
                subject_url=lambda panel: reverse("appraisal:manage", args=[int(panel.object_id)]),
                employer_choices=employers,
                subject_label=_("Back to the appraisal"),
            )
        )
