from django.urls import path

from gonghui.scoring import views

app_name = "scoring"

urlpatterns = [
    path("scoring/", views.mine, name="mine"),
    path("scoring/panels/<int:pk>/", views.panel_page, name="panel"),
    path("scoring/panels/<int:pk>/judges/", views.judge_add, name="judge_add"),
    path("scoring/panels/<int:pk>/lock/", views.lock, name="lock"),
    path("scoring/panels/<int:pk>/mark/", views.mark, name="mark"),
    path(
        "scoring/panels/<int:pk>/entries/<int:entry_pk>/sheet/",
        views.sheet_save,
        name="sheet_save",
    ),
    path(
        "scoring/panels/<int:pk>/entries/<int:entry_pk>/time/",
        views.entry_time,
        name="entry_time",
    ),
]
