"""Material pages under /materials/."""

from django.urls import path

from materials import views

app_name = "materials"

urlpatterns = [
    path("", views.material_list, name="list"),
    path("new/", views.material_create, name="create"),
    path("campaign/<int:campaign_pk>/", views.campaign_materials, name="campaign_materials"),
    path("<int:pk>/", views.material_detail, name="detail"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/comment/", views.pin, name="pin"),
    path("versions/<int:pk>/file/", views.version_file, name="file"),
    path("versions/<int:pk>/preview/", views.version_preview, name="preview"),
]
