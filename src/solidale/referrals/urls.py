from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_inbox, name="inbox"),
    path("sent/", views.referral_outbox, name="outbox"),
    path("stats/", views.referral_stats_view, name="stats"),
    path("new/", views.referral_create, name="create"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/accept/", views.referral_accept_view, name="accept"),
    path("<int:pk>/decline/", views.referral_decline_view, name="decline"),
    path("<int:pk>/start/", views.referral_start_view, name="start"),
    path("<int:pk>/complete/", views.referral_complete_view, name="complete"),
    path("<int:pk>/cancel/", views.referral_cancel_view, name="cancel"),
    path("<int:pk>/comments/", views.referral_comment_view, name="comment"),
]
