from django.urls import path

from gonghui.competitions import views

app_name = "competitions"

urlpatterns = [
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/<int:pk>.pdf", views.certificate_download, name="certificate_download"),
]
