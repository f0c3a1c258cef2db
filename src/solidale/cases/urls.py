from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_mine, name="mine"),
    path("caseload/", views.case_caseload, name="caseload"),
    path("open/<int:person_pk>/", views.case_open_view, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/assessments/new/", views.assessment_add_view, name="assessment_add"),
    path("<int:pk>/assessments/compare/", views.assessment_compare, name="assessment_compare"),
    path("<int:pk>/team/new/", views.member_add_view, name="member_add"),
    path("<int:pk>/team/<int:item_pk>/remove/", views.member_remove_view, name="member_remove"),
    path("<int:pk>/responsible/", views.responsible_change_view, name="responsible_change"),
    path("<int:pk>/close/", views.case_close_view, name="close"),
    path("<int:pk>/reopen/", views.case_reopen_view, name="reopen"),
    path("<int:pk>/plan/", views.plan_edit_view, name="plan_edit"),
    path("<int:pk>/plan/goals/new/", views.goal_add_view, name="goal_add"),
    path("<int:pk>/plan/actions/new/", views.action_add_view, name="action_add"),
    path(
        "<int:pk>/plan/actions/<int:item_pk>/progress/",
        views.action_progress_view,
        name="action_progress",
    ),
    path("<int:pk>/interventions/new/", views.intervention_add_view, name="intervention_add"),
    path(
        "<int:pk>/interventions/<int:item_pk>/decide/",
        views.intervention_decide_view,
        name="intervention_decide",
    ),
    path(
        "<int:pk>/interventions/<int:item_pk>/status/",
        views.intervention_status_view,
        name="intervention_status",
    ),
    path(
        "<int:pk>/interventions/<int:item_pk>/provisions/new/",
        views.provision_add_view,
        name="provision_add",
    ),
    path("<int:pk>/notes/new/", views.note_add_view, name="note_add"),
    path("<int:pk>/documents/new/", views.document_upload_view, name="document_upload"),
    path(
        "<int:pk>/documents/<int:item_pk>/download/",
        views.document_download,
        name="document_download",
    ),
    path("<int:pk>/follow-ups/new/", views.followup_add_view, name="followup_add"),
    path("<int:pk>/follow-ups/<int:item_pk>/done/", views.followup_done_view, name="followup_done"),
]
