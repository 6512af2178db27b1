from django.urls import path

from attachments import views

app_name = "attachments"

urlpatterns = [
    path("<int:pk>/download/", views.download, name="download"),
]
