"""Rationalisation proposals (合理化建议, R13)."""

from __future__ import annotations

from django.urls import path

from gonghui.proposals.views import proposals as views
from gonghui.proposals.views import staff

app_name = "proposals"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.submit, name="submit"),
    path("mine/", views.mine, name="mine"),
    path("new/for-worker/", staff.submit_for, name="submit_for"),
    path("tiers/", staff.tiers, name="tiers"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/evidence/", views.evidence, name="evidence"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_page, name="batch"),
    path("batches/<int:pk>/xlsx/", views.batch_xlsx, name="batch_xlsx"),
    path("figures/", views.figures, name="figures"),
]
