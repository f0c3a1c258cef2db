from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.appointment_index, name="index"),
    path("book/", views.appointment_book_view, name="book"),
    path("<int:pk>/", views.appointment_detail, name="detail"),
    path("<int:pk>/move/", views.appointment_move_view, name="move"),
    path("<int:pk>/cancel/", views.appointment_cancel_view, name="cancel"),
    path("<int:pk>/mark/", views.appointment_mark_view, name="mark"),
    path("offices/<int:pk>/day/", views.day_office, name="day_office"),
    path("operators/<int:pk>/day/", views.day_operator, name="day_operator"),
    path("offices/<int:pk>/schedule/", views.schedule_manage, name="schedule"),
    path("offices/<int:pk>/hours/new/", views.opening_hours_add_view, name="opening_hours_add"),
    path("hours/<int:pk>/remove/", views.opening_hours_remove_view, name="opening_hours_remove"),
    path("offices/<int:pk>/closures/new/", views.closure_add_view, name="closure_add"),
    path("offices/<int:pk>/schedules/new/", views.schedule_add_view, name="schedule_add"),
    path("schedules/<int:pk>/remove/", views.schedule_remove_view, name="schedule_remove"),
    path("offices/<int:pk>/slots/generate/", views.slots_generate_view, name="slots_generate"),
    path("calendar/", views.calendar_feed, name="calendar"),
    path("calendar/regenerate/", views.calendar_feed_regenerate_view, name="calendar_regenerate"),
    path("calendar/revoke/", views.calendar_feed_revoke_view, name="calendar_revoke"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
]
