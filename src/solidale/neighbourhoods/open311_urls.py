"""Open311 GeoReport v2 paths. Mounted under ``/neighbourhoods/open311/v2/`` by the app's
URLs; a deployment may also mount them at the site root as ``/open311/v2/`` with
``path("open311/v2/", include("solidale.neighbourhoods.open311_urls"))``."""

from django.urls import path

from . import open311

app_name = "open311"

urlpatterns = [
    path("discovery.<str:fmt>", open311.discovery, name="discovery"),
    path("services.<str:fmt>", open311.service_list, name="services"),
    path("services/<str:code>.<str:fmt>", open311.service_definition, name="service_definition"),
    path("requests.<str:fmt>", open311.request_list, name="requests"),
    path("requests/<str:request_id>.<str:fmt>", open311.request_detail, name="request_detail"),
    path("tokens/<str:token>.<str:fmt>", open311.token_detail, name="token_detail"),
]
