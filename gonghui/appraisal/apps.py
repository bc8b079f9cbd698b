from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "gonghui.appraisal"
    label = "appraisal"
    verbose_name = _("Public appraisal votes")

    def ready(self) -> None:
        from django.urls import reverse

        from gonghui.appraisal.services.results import NOTICE_PROGRAM, PROGRAM, on_notice_entry
        from gonghui.review.programs import ReviewProgram
        from gonghui.review.programs import register as review_register
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
        # The final ranking's public notice (R6): no review chain, only the notice, for the
        # review app's default working days; confirmed results come back through the hook.
        review_register(
            ReviewProgram(
                code=NOTICE_PROGRAM,
                label=_("Public appraisal results"),
                on_notice_entry=on_notice_entry,
            )
        )
