from django.urls import path

from .views import households, merges, persons, timeline

app_name = "people"
urlpatterns = [
    path("", persons.person_list, name="list"),
    path("new/", persons.person_create_view, name="create"),
    path("new/check/", persons.person_duplicate_check, name="duplicate_check"),
    path("claim/", persons.person_claim_view, name="claim"),
    path("<int:pk>/", persons.person_detail, name="detail"),
    path("<int:pk>/edit/", persons.person_update_view, name="update"),
    path("<int:pk>/timeline/", timeline.person_timeline, name="timeline"),
    path("<int:pk>/aliases/new/", persons.alias_add_view, name="alias_add"),
    path("<int:pk>/identifiers/new/", persons.identifier_add_view, name="identifier_add"),
    path("<int:pk>/consents/new/", persons.consent_add_view, name="consent_add"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        persons.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path("<int:pk>/merge/", merges.person_merge_view, name="merge"),
    path("merges/", merges.merge_list, name="merge_list"),
    path("merges/<int:pk>/undo/", merges.merge_undo, name="merge_undo"),
    path("households/", households.household_list, name="household_list"),
    path("households/new/", households.household_create_view, name="household_create"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", households.household_update_view, name="household_update"),
    path("households/<int:pk>/timeline/", timeline.household_timeline, name="household_timeline"),
    path(
        "households/<int:pk>/members/new/",
        households.household_member_add_view,
        name="household_member_add",
    ),
    path(
        "households/<int:pk>/members/<int:member_pk>/end/",
        households.household_member_end_view,
        name="household_member_end",
    ),
]
