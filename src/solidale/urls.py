from django.urls import include, path
from django.views.i18n import set_language

from .api import api

urlpatterns = [
    path("", include("solidale.core.urls")),
    path("account/", include("solidale.accounts.urls")),
    path("people/", include("solidale.people.urls")),
    path("network/", include("solidale.network.urls")),
    path("desk/", include("solidale.desk.urls")),
    path("appointments/", include("solidale.appointments.urls")),
    path("cases/", include("solidale.cases.urls")),
    path("referrals/", include("solidale.referrals.urls")),
    path("tavolo/", include("solidale.tavolo.urls")),
    path("food/", include("solidale.food.urls")),
    path("shelter/", include("solidale.shelter.urls")),
    path("housing/", include("solidale.housing.urls")),
    path("neighbourhoods/", include("solidale.neighbourhoods.urls")),
    path("volunteers/", include("solidale.volunteers.urls")),
    path("insights/", include("solidale.insights.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
]

handler403 = "solidale.core.views.permission_denied"
handler404 = "solidale.core.views.page_not_found"
handler500 = "solidale.core.views.server_error"
