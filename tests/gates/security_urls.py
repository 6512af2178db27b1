"""A tiny URLconf for the security gate's own tests: one embeddable view, one ordinary."""

from django.http import HttpResponse
from django.urls import path

from mrm.security import frame_ancestors_allow_list


def ordinary(request):
    return HttpResponse("<p>ordinary</p>")


@frame_ancestors_allow_list
def embeddable(request):
    return HttpResponse("<p>embed</p>")


urlpatterns = [
    path("ordinary/", ordinary, name="ordinary"),
    path("embed/", embeddable, name="embed"),
]
