"""The import pages of every kind with a column-mapping step (docs/IMPORTS.md); the same views as /campaigns/import/."""

from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("<slug:kind>/", views.import_upload, name="import_kind"),
    path("jobs/<int:pk>/", views.import_preview, name="import_preview"),
    path("jobs/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("jobs/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("jobs/<int:pk>/undo/", views.import_undo, name="import_undo"),
]
