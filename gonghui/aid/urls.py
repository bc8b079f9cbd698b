from django.urls import path

from gonghui.aid.views import hardship

app_name = "aid"

urlpatterns = [
    *hardship.urlpatterns,
]
