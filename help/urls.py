"""Help pages under /help/."""

from django.urls import path

from help import views

app_name = "help"

urlpatterns = [
    path("", views.index, name="index"),
    path("questions/", views.my_questions, name="questions"),
    path("questions/ask/", views.ask, name="ask"),
    path("questions/to-answer/", views.inbox, name="inbox"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    path("questions/<int:pk>/answer/", views.answer, name="answer"),
    path("questions/<int:pk>/publish/", views.publish, name="publish"),
    path("champions/", views.champions, name="champions"),
    path("articles/new/", views.article_new, name="article_new"),
    path("<slug:slug>/", views.article, name="article"),
    path("<slug:slug>/edit/<str:language>/", views.article_edit, name="article_edit"),
]
