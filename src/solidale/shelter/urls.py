from django.urls import path

from . import outreach_views, views

app_name = "shelter"
urlpatterns = [
    path("", views.home, name="home"),
    path("season/new/", views.season_edit, name="season_create"),
    path("season/<int:pk>/", views.season_edit, name="season_edit"),
    path("activations/open/", views.activation_open, name="activation_open"),
    path("activations/<int:pk>/decide/", views.activation_decide, name="activation_decide"),
    path("activations/<int:pk>/extend/", views.activation_extend, name="activation_extend"),
    path("activations/<int:pk>/close/", views.activation_close, name="activation_close"),
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/beds/", views.beds_add, name="beds_add"),
    path("facilities/<int:pk>/toggle/", views.facility_toggle, name="facility_toggle"),
    path("board/", views.board, name="board"),
    path("board/assign/", views.stay_assign, name="stay_assign"),
    path("board/waiting/", views.request_add, name="request_add"),
    path("board/waiting/<int:pk>/", views.request_close, name="request_close"),
    path("stays/<int:pk>/", views.stay_update, name="stay_update"),
    path("board/transfer/", views.stay_transfer, name="stay_transfer"),
    path("board/identify/", views.stay_identify, name="stay_identify"),
    path("outreach/", outreach_views.outreach, name="outreach"),
    path("outreach/<int:pk>/", outreach_views.round_detail, name="round_detail"),
    path("outreach/<int:pk>/end/", outreach_views.round_end, name="round_end"),
    path("map/", outreach_views.encounter_map, name="map"),
    path("report/", views.report, name="report"),
    path("report/pdf/", views.report_pdf_view, name="report_pdf"),
    path("follow-up/", views.followup_list, name="followups"),
    path("follow-up/<int:pk>/", views.followup_close, name="followup_close"),
]
