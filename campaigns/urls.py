"""Campaign pages under /campaigns/ and the marketing calendar under /calendar/."""

from django.urls import path

from campaigns import views
from imports import views as import_views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_create, name="create"),
    path("campaigns/board/", views.board, name="board"),
    path("campaigns/bulk/", views.campaign_bulk, name="bulk"),
    path("campaigns/bulk/<int:pk>/undo/", views.campaign_bulk_undo, name="bulk_undo"),
    path("campaigns/import/", import_views.import_upload, name="import"),
    path("campaigns/import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("campaigns/import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("campaigns/import/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("campaigns/import/<int:pk>/undo/", import_views.import_undo, name="import_undo"),
    path("campaigns/import/<slug:kind>/", import_views.import_upload, name="import_kind"),
    path("campaigns/timeline/", views.campaign_timeline, name="timeline"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("campaigns/<int:pk>/clone/", views.campaign_clone, name="clone"),
    path("campaigns/<int:pk>/comments/", views.campaign_comment, name="comment"),
    path("campaigns/<int:pk>/attachments/", views.campaign_attachments, name="attachments"),
    path("campaigns/<int:pk>/save-as-template/", views.campaign_save_template, name="save_template"),
    path("campaigns/templates/", views.template_gallery, name="templates"),
    path("campaigns/templates/<int:pk>/start/", views.template_start, name="template_start"),
    path("campaigns/templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
    path("campaigns/<int:pk>/transition/", views.campaign_transition, name="transition"),
    path("campaigns/<int:pk>/share/", views.campaign_share, name="share"),
    path("campaigns/<int:pk>/share/<int:user_id>/remove/", views.campaign_unshare, name="unshare"),
    path("campaigns/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("campaigns/activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("campaigns/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("campaigns/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("campaigns/my-tasks/", views.my_tasks, name="my_tasks"),
    path("campaigns/tasks/<int:pk>/done/", views.task_toggle, name="task_toggle"),
    path("campaigns/tasks/bulk/", views.task_bulk, name="task_bulk"),
    path("campaigns/tasks/bulk/<int:pk>/undo/", views.task_bulk_undo, name="task_bulk_undo"),
    path("campaigns/tasks/<int:pk>/checklist/", views.checklist_add, name="checklist_add"),
    path("campaigns/checklist/<int:pk>/done/", views.checklist_toggle, name="checklist_toggle"),
    path("campaigns/checklist/<int:pk>/delete/", views.checklist_delete, name="checklist_delete"),
    path("campaigns/<int:pk>/kpis/new/", views.kpi_create, name="kpi_create"),
    path("campaigns/kpis/<int:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("campaigns/activities/<int:pk>/delete/", views.part_delete, {"kind": "activity"}, name="activity_delete"),
    path("campaigns/tasks/<int:pk>/delete/", views.part_delete, {"kind": "task"}, name="task_delete"),
    path("campaigns/kpis/<int:pk>/delete/", views.part_delete, {"kind": "kpi"}, name="kpi_delete"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/feeds/", views.feed_list, name="feeds"),
    path("calendar/feeds/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/ics/<str:token>.ics", views.feed_ics, name="feed_ics"),
    path("calendar/embed/", views.embed, name="embed"),
    path("calendar/embed/events.json", views.embed_events, name="embed_events"),
    path("calendar/embed/snippet/", views.embed_snippet, name="embed_snippet"),
]
