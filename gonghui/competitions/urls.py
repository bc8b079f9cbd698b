from django.urls import path

from gonghui.competitions.views import contests, entries, public

app_name = "competitions"

urlpatterns = [
    path("contests/", contests.contest_list, name="contests"),
    path("contests/new/", contests.contest_new, name="contest_new"),
    path("contests/<int:pk>/", contests.contest_page, name="contest"),
    path("contests/<int:pk>/open/", contests.contest_open, name="contest_open"),
    path("contests/<int:pk>/draw/", contests.lot_draw, name="lot_draw"),
    path("contests/<int:pk>/judging/", contests.judging_open, name="judging_open"),
    path("contests/<int:pk>/publish/", contests.results_publish, name="results_publish"),
    path("contests/<int:pk>/certificates/", contests.certificates_issue, name="certificates_issue"),
    path("contests/<int:pk>/promotions/", contests.promotions_apply, name="promotions_apply"),
    path("contests/<int:pk>/register/", entries.register, name="register"),
    path("contests/<int:pk>/enter/", entries.enter_self, name="enter_self"),
    path("contests/<int:pk>/appeal/", entries.appeal_file, name="appeal_file"),
    path("contests/<int:pk>/results/", public.results_public, name="results"),
    path("appeals/<int:pk>/", entries.appeal_page, name="appeal"),
    path("verify/<str:code>/", public.verify, name="verify"),
    path("certificates/<int:pk>.pdf", public.certificate_download, name="certificate_download"),
]
