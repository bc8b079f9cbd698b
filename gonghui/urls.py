from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import urlencode

from gonghui.api.main import api


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The admin signs in through the site's own login, so two-factor and lockout apply."""
    return redirect(f"/login/?{urlencode({'next': request.GET.get('next', '/admin/')})}")


admin.site.login = admin_login  # type: ignore[method-assign]  # one login for the whole site

urlpatterns = [
    # The public vote first: the busiest path is resolved before every other pattern.
    path("", include("gonghui.appraisal.urls")),
    path("", include("gonghui.core.urls")),
    path("", include("gonghui.orgs.urls")),
    path("", include("gonghui.review.urls")),
    path("aid/", include("gonghui.aid.urls")),
    path("", include("gonghui.competitions.urls")),
    path("", include("gonghui.scoring.urls")),
    path("innovation/", include("gonghui.innovation.urls")),
    path("proposals/", include("gonghui.proposals.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "gonghui.core.views.errors.bad_request"
handler403 = "gonghui.core.views.errors.permission_denied"
handler404 = "gonghui.core.views.errors.page_not_found"
handler500 = "gonghui.core.views.errors.server_error"
