from django.urls import path

from gonghui.review import views

app_name = "review"

urlpatterns = [
    path("review/", views.waiting, name="waiting"),
    path("review/cases/<int:pk>/", views.case_page, name="case"),
    path("review/bulk/", views.bulk_decide, name="bulk"),
    path("review/publish/", views.publish, name="publish"),
    path("notices/<int:pk>/", views.public_notice, name="notice"),
    path("notices/<int:pk>/objections/", views.notice_objections, name="objections"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path(
        "objections/<int:pk>/attachment/",
        views.objection_attachment,
        name="objection_attachment",
    ),
]
