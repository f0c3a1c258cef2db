from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.access_list_view, name="access_list"),
    path("intake/", views.intake, name="intake"),
    path("intake/search/", views.intake_search, name="intake_search"),
    path("intake/check/", views.intake_check, name="intake_check"),
    path("accesses/<int:pk>/", views.access_detail, name="access_detail"),
    path("accesses/<int:pk>/edit/", views.access_update_view, name="access_update"),
    path(
        "accesses/<int:pk>/follow-up-done/",
        views.access_follow_up_done_view,
        name="access_follow_up_done",
    ),
    path("triage/", views.triage, name="triage"),
    path("triage/assign/", views.triage_assign_view, name="triage_assign"),
    path("triage/bulk-assign/", views.triage_bulk_assign_view, name="triage_bulk_assign"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/status/", views.request_status, name="request_status"),
    path("requests/mine/", views.my_requests, name="my_requests"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
]
