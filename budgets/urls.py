from django.urls import path

from budgets import funding_views, views

app_name = "budgets"

urlpatterns = [
    path("", views.index, name="index"),
    path("allocations/<int:period_pk>/<int:team_pk>/<int:category_pk>/", views.allocation_cell, name="allocation_cell"),
    path("years/", views.years, name="years"),
    path("years/new/", views.year_create, name="year_create"),
    path("years/<int:pk>/edit/", views.year_edit, name="year_edit"),
    path("years/<int:pk>/delete/", views.year_delete, name="year_delete"),
    path("years/<int:year_pk>/periods/new/", views.period_create, name="period_create"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("periods/<int:pk>/delete/", views.period_delete, name="period_delete"),
    path("categories/", views.categories, name="categories"),
    path("categories/new/", views.category_edit, name="category_create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    path("imports/", views.imports, name="imports"),
    path("imports/new/<slug:kind>/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("sources/", views.sources, name="sources"),
    path("sources/new/", views.source_edit, name="source_create"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("actuals/", views.actuals, name="actuals"),
    path("actuals/<int:pk>/", views.actual_line, name="actual_line"),
    path("actuals/<int:pk>/status/", views.actual_line_status, name="actual_line_status"),
    path("actuals/<int:pk>/map/", funding_views.actual_line_map, name="actual_line_map"),
    path("requests/", funding_views.request_list, name="requests"),
    path("requests/new/", funding_views.request_edit, name="request_create"),
    path("requests/budget-info/", funding_views.request_budget_info, name="request_budget_info"),
    path("requests/review/", funding_views.review_queue, name="review_queue"),
    path("requests/<int:pk>/", funding_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", funding_views.request_edit, name="request_edit"),
    path(
        "requests/<int:pk>/decision-context/",
        funding_views.request_decision_context,
        name="decision_context",
    ),
    path("requests/<int:pk>/submit/", funding_views.request_submit, name="request_submit"),
    path("requests/<int:pk>/withdraw/", funding_views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/<slug:kind>/new/", funding_views.spend_create, name="spend_create"),
    path("spend/<slug:kind>/<int:pk>/attachment/", funding_views.spend_attachment, name="spend_attachment"),
    path("utilisation/", funding_views.utilisation, name="utilisation"),
    path("campaigns/<int:campaign_pk>/money/", funding_views.campaign_money, name="campaign_money"),
]
