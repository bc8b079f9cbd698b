from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "gonghui.proposals"
    label = "proposals"
    verbose_name = _("Rationalisation proposals")

    def ready(self) -> None:
        from gonghui.proposals.services import lifecycle, panel
        from gonghui.review.programs import ReviewProgram
        from gonghui.review.programs import register as review_register
        from gonghui.scoring.programs import ScoringProgram
        from gonghui.scoring.programs import register as scoring_register

        # The unit union forwards, the district decides the preliminary review; no public
        # notice follows: the panel comes next.
        review_register(
            ReviewProgram(
                code=lifecycle.PROGRAM,
                label=_("Rationalisation proposals"),
                chain=(4, 2),
                on_decision=lifecycle.on_decision,
                public_label=lifecycle.case_label,
                self_open=True,
                public_notice=False,
                detail_url=lambda case: f"/proposals/{case.object_id}/",
            )
        )
        scoring_register(
            ScoringProgram(
                code=panel.SCORING_PROGRAM,
                label=_("Rationalisation proposals"),
                subject_url=panel.panel_subject_url,
                employer_choices=panel.panel_employers,
                subject_label=_("About the round"),
            )
        )
