"""Change request pages under /changes/."""

from django.urls import path

from changes import views

app_name = "changes"

urlpatterns = [
    path("", views.change_list, name="list"),
    path("new/", views.change_create, name="create"),
    path("new/affected/", views.affected_preview, name="preview"),
    path("<int:pk>/", views.change_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/object/", views.object_to, name="object"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
]
