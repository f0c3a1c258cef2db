from django.urls import path

from .views import directory, organizations, services

app_name = "network"
urlpatterns = [
    # Public: the directory of services, for citizens, and its HSDS export.
    path("servizi/", directory.directory, name="directory"),
    path("servizi/<int:pk>/", directory.directory_service, name="directory_service"),
    path("hsds/export/", directory.hsds_export, name="hsds_export"),
    # Staff: organizations.
    path("organizzazioni/", organizations.organization_list, name="organization_list"),
    path("organizzazioni/<int:pk>/", organizations.organization_detail, name="organization_detail"),
    path(
        "organizzazioni/<int:pk>/modifica/",
        organizations.organization_update,
        name="organization_update",
    ),
    path("organizzazioni/<int:pk>/accordi/", organizations.agreement_add, name="agreement_add"),
    # Staff: the organization's own services.
    path("miei-servizi/", services.service_list, name="service_list"),
    path("miei-servizi/nuovo/", services.service_create_view, name="service_create"),
    path("miei-servizi/<int:pk>/", services.service_update_view, name="service_update"),
    path("miei-servizi/<int:pk>/conferma/", services.service_confirm_view, name="service_confirm"),
    path("miei-servizi/<int:pk>/luoghi/nuovo/", services.location_add, name="location_add"),
    path(
        "miei-servizi/<int:pk>/luoghi/",
        services.service_location_link,
        name="service_location_link",
    ),
    path("miei-servizi/<int:pk>/orari/", services.schedule_add_view, name="schedule_add"),
    path("orari/<int:pk>/togli/", services.schedule_remove_view, name="schedule_remove"),
    path("miei-servizi/<int:pk>/disponibilita/", services.capacity_add, name="capacity_add"),
    path("disponibilita/<int:pk>/", services.capacity_update, name="capacity_update"),
]
