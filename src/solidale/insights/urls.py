from django.urls import path

from . import views, views_reports

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organization/", views.organization_dashboard, name="organization"),
    path("neighbourhoods/", views.neighbourhood_index, name="neighbourhoods"),
    path("neighbourhoods/<slug:slug>/", views.neighbourhood_dashboard, name="neighbourhood"),
    path("refresh/", views.refresh, name="refresh"),
    path("alerts/", views.alert_inbox, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<str:key>/", views.rule_edit, name="rule_edit"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("siuss/", views_reports.siuss_list, name="siuss"),
    path("siuss/<int:pk>/", views_reports.siuss_detail, name="siuss_detail"),
    path("siuss/<int:pk>/xml/", views_reports.siuss_download, name="siuss_download"),
    path("report/", views_reports.report, name="report"),
    path("report/pdf/", views_reports.report_pdf, name="report_pdf"),
    path("open-data/", views_reports.open_data, name="open_data"),
    path("open-data/schema/", views_reports.open_data_schema, name="open_data_schema"),
    path("open-data/publish/", views_reports.open_data_publish, name="open_data_publish"),
    path(
        "open-data/<int:year>-<int:month>.<str:fmt>",
        views_reports.open_data_file,
        name="open_data_file",
    ),
]
