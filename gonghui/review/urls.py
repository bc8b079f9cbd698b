from django.urls import path

from gonghui.review import views

app_name = "review"

urlpatterns = [
    path("notices/<int:pk>/", views.public_notice, name="notice"),
    path("notices/<int:pk>/objections/", views.notice_objections, name="objections"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
]
