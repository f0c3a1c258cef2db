from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.my_shift, name="my_shift"),
    path("shifts/", views.shift_list_view, name="shift_list"),
    path("shifts/new/", views.shift_create, name="shift_create"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift_detail"),
    path("shifts/<int:pk>/signup/", views.shift_signup, name="shift_signup"),
    path("shifts/<int:pk>/cancel/", views.shift_cancel, name="shift_cancel"),
    path("signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("signups/<int:pk>/swap/", views.swap_offer, name="swap_offer"),
    path("signups/<int:pk>/hours/", views.hours_log, name="hours_log"),
    path("signups/<int:pk>/confirm/", views.hours_confirm, name="hours_confirm"),
    path("swaps/<int:pk>/accept/", views.swap_accept, name="swap_accept"),
    path("swaps/<int:pk>/decline/", views.swap_decline, name="swap_decline"),
    path("hours/", views.hours_report, name="hours_report"),
    path("hours/pending/", views.hours_pending, name="hours_pending"),
    path("hours/export/<str:fmt>/", views.hours_download, name="hours_download"),
    path("registry/", views.volunteer_list_view, name="volunteer_list"),
    path("registry/new/", views.volunteer_create, name="volunteer_create"),
    path("registry/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("registry/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("registry/<int:pk>/certificate/", views.certificate, name="certificate"),
]
