from django.urls import path

from . import views

app_name = "tavolo"
urlpatterns = [
    path("", views.meeting_list_view, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/invite/", views.meeting_invite, name="meeting_invite"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/agenda/", views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting_publish"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("agenda/<int:pk>/minutes/", views.minutes_save, name="minutes_save"),
    path("agenda/<int:pk>/history/", views.minutes_history, name="minutes_history"),
    path("agenda/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/", views.action_list_view, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", views.action_progress, name="action_progress"),
    path("needs/", views.need_list_view, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/close/", views.need_close, name="need_close"),
    path("needs/<int:pk>/pledges/", views.pledge_create, name="pledge_create"),
    path("pledges/<int:pk>/status/", views.pledge_status, name="pledge_status"),
]
