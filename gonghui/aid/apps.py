from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "gonghui.aid"
    label = "aid"
    verbose_name = _("Hardship files and student aid")

    def ready(self) -> None:
        from gonghui.aid.services import autumn
        from gonghui.review.programs import ReviewProgram, register

        register(
            ReviewProgram(
                code=autumn.PROGRAM,
                label=_("Golden-autumn student aid"),
                notice_days=5,
                on_decision=autumn.on_decision,
                public_label=autumn.case_label,
                self_open=True,
                detail_url=lambda case: f"/aid/applications/{case.object_id}/",
            )
        )
