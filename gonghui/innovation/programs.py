"""What innovation registers with the review and scoring apps (studio naming and annual
review, five-small judging). Each part adds its registrations to `register_all`."""

from __future__ import annotations


def register_all() -> None:
    """Called once from InnovationConfig.ready()."""
    _register_studios()
    _register_five_small()


def _register_studios() -> None:
    """Studio naming climbs the review chain to a public notice (R15, R5, R6); the annual
    review is a scoring panel."""
    from django.utils.translation import gettext_lazy as _

    from gonghui.innovation.services import studios
    from gonghui.review.programs import ReviewProgram
    from gonghui.review.programs import register as review_register
    from gonghui.scoring.programs import ScoringProgram
    from gonghui.scoring.programs import register as scoring_register

    review_register(
        ReviewProgram(
            code=studios.NAMING,
            label=_("Innovation studio naming"),
            notice_days=5,
            on_decision=studios.on_decision,
            public_label=studios.case_label,
            detail_url=lambda case: f"/innovation/studios/{case.object_id}/",
        )
    )
    scoring_register(
        ScoringProgram(
            code=studios.ANNUAL_REVIEW,
            label=_("Studio annual review"),
            subject_url=studios.panel_subject_url,
            employer_choices=studios.panel_employers,
            subject_label=_("About the annual review"),
        )
    )


def _register_five_small() -> None:
    """Five-small results are judged by a scoring panel with R14's rubric."""
    from django.utils.translation import gettext_lazy as _

    from gonghui.innovation.services import results
    from gonghui.scoring.programs import ScoringProgram, register

    register(
        ScoringProgram(
            code=results.PROGRAM,
            label=_("Five-small results"),
            subject_url=results.panel_subject_url,
            employer_choices=results.panel_employers,
            subject_label=_("About the five-small round"),
        )
    )
