"""The real URLs and one do-nothing view: the floor of a Django request on this machine."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from gonghui.urls import urlpatterns as site


@csrf_exempt
def noop(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/noop/", noop), *site]
