"""Members management: org_admins manage their own organization only, never the last admin."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from solidale.accounts.models import Membership, Role, User
from solidale.accounts.services import member_invite, membership_change_role, membership_deactivate
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _membership(user: User) -> Membership:
    return Membership.objects.get(user=user)


def test_org_admin_sees_the_members_of_their_organization_only(login, personas) -> None:
    response = login(personas.association_admin).get(reverse("accounts:member_list"))
    assert response.status_code == 200
    emails = {m.user.email for m in response.context["members"]}
    assert emails == {
        personas.association_admin.email,
        personas.association_operator.email,
        personas.volunteer.email,
    }
    assert personas.social_worker.email not in response.content.decode()


def test_org_admin_cannot_see_another_organizations_members(login, personas) -> None:
    client = login(personas.association_admin)
    other = _membership(personas.social_worker)
    assert client.post(reverse("accounts:member_deactivate", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:member_change_role", args=[other.pk]), {"role": "viewer"}
        ).status_code
        == 404
    )
    assert client.post(reverse("accounts:member_reactivate", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    assert other.role == Role.SOCIAL_WORKER


@pytest.mark.parametrize(
    "persona", ["association_operator", "volunteer", "social_worker", "outsider", "citizen"]
)
def test_who_does_not_manage_members_gets_403(login, personas, persona: str) -> None:
    client = login(getattr(personas, persona))
    assert client.get(reverse("accounts:member_list")).status_code == 403
    assert client.get(reverse("accounts:member_add")).status_code == 403
    target = _membership(personas.volunteer)
    assert client.post(reverse("accounts:member_deactivate", args=[target.pk])).status_code == 404


def test_a_comune_coordinator_manages_the_comune(login, personas) -> None:
    client = login(personas.coordinator)
    response = client.get(reverse("accounts:member_list"))
    assert {m.user.email for m in response.context["members"]} >= {personas.social_worker.email}
    target = _membership(personas.desk_operator)
    client.post(
        reverse("accounts:member_change_role", args=[target.pk]), {"role": Role.SOCIAL_WORKER}
    )
    target.refresh_from_db()
    assert target.role == Role.SOCIAL_WORKER


def _link_in(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/account/password/reset/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_it_invites_a_new_member_who_then_sets_a_password(
    login, personas, django_capture_on_commit_callbacks
) -> None:
    client = login(personas.association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:member_add"),
            {"email": "Nuova@Ponte.invalid", "full_name": "Nora Nuova", "role": Role.VOLUNTEER},
        )
    assert response["Location"] == reverse("accounts:member_list")
    user = User.objects.get(email="nuova@ponte.invalid")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).organization == personas.cooperative
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Solidale: sei stato aggiunto a Cooperativa Sociale Il Ponte"

    newcomer = Client()
    form_page = newcomer.get(_link_in(str(mail.outbox[0].body)), follow=True)
    assert form_page.context["validlink"]
    password = "La-mia-password-2026"
    newcomer.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    login_response = newcomer.post(
        reverse("accounts:login"), {"username": user.email, "password": password}
    )
    assert login_response.status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.GRANT, object_type="accounts.membership"
    ).exists()


def test_an_invited_member_who_lost_the_email_can_ask_for_a_new_link(personas, client) -> None:
    member_invite(
        actor=personas.association_admin,
        organization=personas.cooperative,
        email="smemorato@ponte.invalid",
        full_name="Sandro Smemorato",
        role=Role.VOLUNTEER,
        site_url="http://testserver",
    )
    client.post(reverse("accounts:password_reset"), {"email": "smemorato@ponte.invalid"})
    assert [message.to for message in mail.outbox] == [["smemorato@ponte.invalid"]]


def test_an_existing_user_is_added_without_a_new_password(
    login, personas, django_capture_on_commit_callbacks
) -> None:
    client = login(personas.association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:member_add"),
            {"email": personas.outsider.email, "role": Role.ORG_OPERATOR},
        )
    assert personas.outsider.memberships.filter(organization=personas.cooperative).exists()
    assert "/account/password/reset/" not in mail.outbox[0].body
    assert personas.outsider.email in mail.outbox[0].to


def test_a_new_user_needs_a_name(login, personas) -> None:
    response = login(personas.association_admin).post(
        reverse("accounts:member_add"), {"email": "anonimo@ponte.invalid", "role": Role.VOLUNTEER}
    )
    assert response.status_code == 200
    assert 'id="id_full_name_error"' in response.content.decode()
    assert not User.objects.filter(email="anonimo@ponte.invalid").exists()


def test_an_association_cannot_grant_comune_roles(login, personas) -> None:
    response = login(personas.association_admin).post(
        reverse("accounts:member_add"),
        {"email": "capo@ponte.invalid", "full_name": "Capo", "role": Role.COORDINATOR},
    )
    assert response.status_code == 200
    assert 'id="id_role_error"' in response.content.decode()
    with pytest.raises(DomainError):
        member_invite(
            actor=personas.association_admin,
            organization=personas.cooperative,
            email="capo@ponte.invalid",
            full_name="Capo",
            role=Role.SOCIAL_WORKER,
            site_url="http://testserver",
        )


def test_the_same_role_twice_is_refused(personas) -> None:
    with pytest.raises(DomainError, match="ha già questo ruolo"):
        member_invite(
            actor=personas.association_admin,
            organization=personas.cooperative,
            email=personas.volunteer.email,
            role=Role.VOLUNTEER,
            site_url="http://testserver",
        )


def test_an_org_admin_cannot_invite_into_another_organization(personas) -> None:
    with pytest.raises(PermissionDeniedError):
        member_invite(
            actor=personas.association_admin,
            organization=personas.other_association,
            email="infiltrato@altrove.invalid",
            full_name="Infiltrato",
            role=Role.ORG_ADMIN,
            site_url="http://testserver",
        )


def test_it_changes_a_role_and_audits_it(login, personas) -> None:
    target = _membership(personas.volunteer)
    response = login(personas.association_admin).post(
        reverse("accounts:member_change_role", args=[target.pk]), {"role": Role.ORG_OPERATOR}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.ORG_OPERATOR
    event = AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_id=str(target.pk)
    ).get()
    assert event.changes == {"role": ["volunteer", "org_operator"]}
    assert event.actor_id == personas.association_admin.pk


def test_a_deactivated_member_loses_the_organization(login, personas) -> None:
    target = _membership(personas.association_operator)
    admin = login(personas.association_admin)
    admin.post(reverse("accounts:member_deactivate", args=[target.pk]))
    target.refresh_from_db()
    assert not target.is_active
    assert User.objects.get(pk=personas.association_operator.pk).membership is None

    admin.post(reverse("accounts:member_reactivate", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active
    actions = list(
        AuditEvent.objects.filter(object_id=str(target.pk), object_type="accounts.membership")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == [AuditEvent.Action.REVOKE, AuditEvent.Action.GRANT]


def test_it_refuses_to_remove_the_last_org_admin(login, personas) -> None:
    admin_membership = _membership(personas.association_admin)
    client = login(personas.association_admin)
    response = client.post(
        reverse("accounts:member_deactivate", args=[admin_membership.pk]), follow=True
    )
    assert "ultimo amministratore" in response.content.decode()
    client.post(
        reverse("accounts:member_change_role", args=[admin_membership.pk]), {"role": Role.VOLUNTEER}
    )
    admin_membership.refresh_from_db()
    assert admin_membership.is_active
    assert admin_membership.role == Role.ORG_ADMIN


def test_an_org_admin_can_step_down_once_there_is_another(personas) -> None:
    operator = _membership(personas.association_operator)
    membership_change_role(
        actor=personas.association_admin, membership=operator, role=Role.ORG_ADMIN
    )
    membership_deactivate(
        actor=personas.association_admin, membership=_membership(personas.association_admin)
    )
    assert not _membership(personas.association_admin).is_active


def test_a_csrf_less_post_is_refused(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.association_admin)
    target = _membership(personas.volunteer)
    response = client.post(reverse("accounts:member_deactivate", args=[target.pk]))
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_the_member_list_has_a_fixed_number_of_queries(
    login, personas, django_assert_num_queries
) -> None:
    client = login(personas.association_admin)
    # session, user, current membership, the switcher's memberships, the members
    with django_assert_num_queries(6):
        client.get(reverse("accounts:member_list"))
    for index in range(15):
        member_invite(
            actor=personas.association_admin,
            organization=personas.cooperative,
            email=f"volontario{index}@ponte.invalid",
            full_name=f"Volontario {index}",
            role=Role.VOLUNTEER,
            site_url="http://testserver",
        )
    with django_assert_num_queries(6):
        response = client.get(reverse("accounts:member_list"))
    assert len(response.context["members"]) == 18
