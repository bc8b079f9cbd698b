from django.contrib import admin
from django.urls import include, path

from gonghui.api.main import api

urlpatterns = [
    path("", include("gonghui.core.urls")),
    path("", include("gonghui.orgs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "gonghui.core.views.errors.bad_request"
handler403 = "gonghui.core.views.errors.permission_denied"
handler404 = "gonghui.core.views.errors.page_not_found"
handler500 = "gonghui.core.views.errors.server_error"
