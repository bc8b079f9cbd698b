from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "gonghui.competitions"
    label = "competitions"
    verbose_name = _("Labour and skills contests")

    def ready(self) -> None:
        from gonghui.competitions import services
        from gonghui.scoring.programs import ScoringProgram, register

        register(
            ScoringProgram(
                code=services.PROGRAM,
                label=_("Labour and skills contests"),
                subject_url=services.panel_subject_url,
                employer_choices=services.panel_employers,
                subject_label=_("About the contest"),
                position_label=_("Station %(n)s"),
            )
        )
