"""A tiny URLconf for the security gate's own tests: an embeddable view, an ordinary one, two careless ones."""

from csp.decorators import csp_update
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.clickjacking import xframe_options_exempt

from mrm.security import frame_ancestors_allow_list


def ordinary(request):
    return HttpResponse("<p>ordinary</p>")


@frame_ancestors_allow_list
def embeddable(request):
    return HttpResponse("<p>embed</p>")


@csp_update({"script-src": ["'unsafe-inline'"]})
def loosened(request):
    """Someone "fixed" an inline script by loosening the policy."""
    return HttpResponse("<p>loosened</p>")


@xframe_options_exempt
def framed_by_accident(request):
    """Someone dropped X-Frame-Options without declaring the page embeddable."""
    return HttpResponse("<p>framed</p>")


urlpatterns = [
    path("loosened/", loosened, name="loosened"),
    path("framed/", framed_by_accident, name="framed"),
    path("ordinary/", ordinary, name="ordinary"),
    path("embed/", embeddable, name="embed"),
]
