from django.urls import include, path

from reports import views

report_patterns = [
    path("", views.index, name="index"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/new/", views.subscription_create, name="subscription_create"),
    path("subscriptions/<int:pk>/", views.subscription_edit, name="subscription_edit"),
    path("subscriptions/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/download/", views.run_download, name="run_download"),
    path("views/<slug:slug>/", views.saved_view, name="saved_view"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("<slug:slug>/", views.report_detail, name="detail"),
    path("<slug:slug>/export/", views.export, name="export"),
    path("<slug:slug>/save-view/", views.saved_view_create, name="saved_view_create"),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", include((report_patterns, "reports"))),
]
