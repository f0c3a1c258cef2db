from django.urls import URLPattern, URLResolver, include, path

from . import views

app_name = "neighbourhoods"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.neighbourhood_list, name="neighbourhood_list"),
    path("segnalazioni/", views.report_public_list, name="report_public_list"),
    path("segnalazioni/nuova/", views.report_create, name="report_create"),
    path("segnalazioni/stato/", views.report_track, name="report_track"),
    path("segnalazioni/mie/", views.my_reports, name="my_reports"),
    path("segnalazioni/<int:pk>/", views.report_public_detail, name="report_public_detail"),
    path("segnalazioni/<int:pk>/foto/", views.report_photo, name="report_photo"),
    path("gestione/segnalazioni/", views.report_queue, name="report_queue"),
    path("gestione/segnalazioni/<int:pk>/", views.report_manage, name="report_manage"),
    path("gestione/moderazione/", views.report_moderation, name="report_moderation"),
    path("gestione/segnalazioni/<int:pk>/pubblica/", views.report_publish, name="report_publish"),
    path("gestione/segnalazioni/<int:pk>/stato/", views.report_status, name="report_status"),
    path(
        "gestione/segnalazioni/<int:pk>/presa-in-carico/",
        views.report_take_charge,
        name="report_take_charge",
    ),
    path("gestione/categorie/", views.category_list, name="category_list"),
    path("presidi/", views.presidio_list, name="presidio_list"),
    path("presidi/nuovo/", views.presidio_create, name="presidio_create"),
    path("presidi/<int:pk>/", views.presidio_detail, name="presidio_detail"),
    path("presidi/<int:pk>/uscite/", views.presidio_session, name="presidio_session"),
    path("partecipazione/", views.event_list, name="event_list"),
    path("partecipazione/nuovo/", views.event_create, name="event_create"),
    path("partecipazione/<int:pk>/", views.event_detail, name="event_detail"),
    path("partecipazione/<int:pk>/iscrizione/", views.event_register, name="event_register"),
    path("partecipazione/<int:pk>/presenze/", views.event_attendance, name="event_attendance"),
    path("partecipazione/<int:pk>/proposte/", views.proposal_create, name="proposal_create"),
    path("partecipazione/<int:pk>/decisioni/", views.event_decisions, name="event_decisions"),
    path("proposte/<int:pk>/risposta/", views.proposal_answer, name="proposal_answer"),
    path("open311/v2/", include("solidale.neighbourhoods.open311_urls")),
    path("<slug:slug>/", views.neighbourhood_detail, name="neighbourhood_detail"),
    path("<slug:slug>/indicatori/", views.neighbourhood_staff, name="neighbourhood_staff"),
]
