"""Writes on the person registry. Each runs in one transaction and writes the audit trail.

Pages, API and CLI call these functions; none of them checks a rule of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import REGISTRY_ROLES, Organization
from solidale.core.audit import Action, audit_record, diff_fields
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError

from .models import (
    Consent,
    FieldSet,
    Household,
    HouseholdMember,
    LinkReason,
    Person,
    PersonAlias,
    PersonIdentifier,
    PersonLink,
    PersonMerge,
)
from .permissions import can_merge
from .selectors import (
    NAME_REASONS,
    REASON_BIRTH_DATE,
    DuplicateCandidate,
    person_duplicate_candidates,
)
from .validation import (
    check_birth_date,
    check_consistency,
    clean_codice_fiscale,
    decode_codice_fiscale,
)

#: The person fields a page or the API may set through ``data``.
PERSON_DATA_FIELDS = (
    "given_name",
    "family_name",
    "codice_fiscale",
    "sex",
    "birth_date",
    "birth_place",
    "birth_place_code",
    "citizenship",
    "languages",
    "is_identified",
    "description",
    "homeless",
    "residence_address",
    "residence_municipality",
    "domicile_address",
    "neighbourhood",
    "neighbourhood_id",
    "phone",
    "email",
    "accessibility_notes",
)
HOUSEHOLD_DATA_FIELDS = ("name", "address", "neighbourhood", "neighbourhood_id")
_AUDITED_PERSON_FIELDS = tuple(name for name in PERSON_DATA_FIELDS if name != "neighbourhood")
_AUDITED_HOUSEHOLD_FIELDS = ("name", "address", "neighbourhood_id")
_EMPTY_PERSON = dict.fromkeys(_AUDITED_PERSON_FIELDS)


class DuplicateCodiceFiscale(ConflictError):
    """Another current person already holds this codice fiscale; ``existing`` is that person."""

    code = "duplicate_codice_fiscale"

    def __init__(self, existing: Person) -> None:
        super().__init__(
            _("Esiste già una persona con questo codice fiscale."), field="codice_fiscale"
        )
        self.existing = existing


class SimilarPersonsFound(DomainError):
    """Persons with a similar name and the same birth date exist; confirm to save anyway."""

    code = "similar_persons"

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        super().__init__(
            _(
                "Esistono già persone con un nome simile e la stessa data di nascita: "
                "controlla che non sia una di loro prima di registrarla."
            )
        )
        self.candidates = candidates


def _organization_of(actor: Any) -> Organization:
    membership = getattr(actor, "membership", None)
    if membership is None or membership.role not in REGISTRY_ROLES:
        raise PermissionDeniedError(
            _("Il tuo ruolo non permette di lavorare sull'anagrafica delle persone.")
        )
    return membership.organization


def _apply(instance: models.Model, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for name, value in data.items():
        if name not in allowed:
            raise DomainError(
                _("Campo sconosciuto: %(name)s.") % {"name": name}, field=name, code="unknown_field"
            )
        field = instance._meta.get_field(name.removesuffix("_id"))
        if (
            value is None
            and isinstance(field, models.CharField | models.TextField)
            and not field.null
        ):
            value = ""
        setattr(instance, name, value)


def _snapshot(instance: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The names of the changed fields, not their values.

    The trail is append-only, so it must not keep a copy of personal data.
    """
    return {"fields": sorted(diff_fields(before, after))}


def _validate_person(person: Person) -> None:
    """Identity checks, duplicate codice fiscale, then the model's own ``full_clean``."""
    person.codice_fiscale = clean_codice_fiscale(person.codice_fiscale) or None
    person.birth_place_code = (person.birth_place_code or "").strip().upper()
    check_birth_date(person.birth_date)
    if person.codice_fiscale:
        decoded = decode_codice_fiscale(person.codice_fiscale)
        check_consistency(
            decoded,
            birth_date=person.birth_date,
            sex=person.sex,
            birth_place_code=person.birth_place_code,
        )
        if person.birth_date is None and decoded.birth_date <= timezone.localdate():
            person.birth_date = decoded.birth_date
        person.sex = person.sex or decoded.sex
        person.birth_place_code = person.birth_place_code or decoded.birth_place_code
        person.birth_place = person.birth_place or decoded.birth_place
        existing = (
            Person.objects.current()
            .filter(codice_fiscale=person.codice_fiscale)
            .exclude(pk=person.pk)
            .first()
        )
        if existing is not None:
            raise DuplicateCodiceFiscale(existing)
    person.refresh_search_keys()
    person.full_clean()


def _save_person(person: Person) -> None:
    """Save, turning a lost race on the codice fiscale into the same error as the check."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        existing = (
            Person.objects.current()
            .filter(codice_fiscale=person.codice_fiscale)
            .exclude(pk=person.pk)
            .first()
        )
        if existing is not None:
            raise DuplicateCodiceFiscale(existing) from None
        raise


def similar_persons(person: Person) -> list[DuplicateCandidate]:
    """Candidates with a similar name and the same birth date (the warning before saving)."""
    if person.birth_date is None:
        return []
    candidates = person_duplicate_candidates(
        given_name=person.given_name,
        family_name=person.family_name,
        birth_date=person.birth_date,
        exclude_pk=person.pk,
    )
    return [
        candidate
        for candidate in candidates
        if REASON_BIRTH_DATE in candidate.reasons and NAME_REASONS.intersection(candidate.reasons)
    ]


@transaction.atomic
def person_create(*, actor: Any, data: dict[str, Any], confirm_similar: bool = False) -> Person:
    organization = _organization_of(actor)
    person = Person()
    _apply(person, data, PERSON_DATA_FIELDS)
    _validate_person(person)
    if not confirm_similar and person.is_identified:
        candidates = similar_persons(person)
        if candidates:
            raise SimilarPersonsFound(candidates)
    person.registered_by = organization
    _save_person(person)
    PersonLink.objects.create(
        person=person, organization=organization, reason=LinkReason.REGISTERED
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=person,
        person_id=person.pk,
        changes=_changed_fields(_EMPTY_PERSON, _snapshot(person, _AUDITED_PERSON_FIELDS))
        | ({"confirmed_similar": True} if confirm_similar else {}),
    )
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, data: dict[str, Any]) -> Person:
    _organization_of(actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id is not None:
        raise ConflictError(_("Questa scheda è stata unita a un'altra: modifica quella."))
    before = _snapshot(person, _AUDITED_PERSON_FIELDS)
    _apply(person, data, PERSON_DATA_FIELDS)
    _validate_person(person)
    _save_person(person)
    changes = _changed_fields(before, _snapshot(person, _AUDITED_PERSON_FIELDS))
    if changes["fields"]:
        audit_record(
            actor=actor, action=Action.UPDATE, obj=person, person_id=person.pk, changes=changes
        )
    return person


def person_view(*, actor: Any, person: Person, purpose: str = "") -> None:
    """Record that ``actor`` read this person's record (detail page or API)."""
    audit_record(actor=actor, action=Action.VIEW, obj=person, person_id=person.pk, purpose=purpose)


@transaction.atomic
def person_link_open(
    *,
    actor: Any,
    person: Person,
    organization: Organization,
    reason: str,
    source: str = "",
    fieldsets: Iterable[str] | None = None,
) -> PersonLink:
    """Give ``organization`` a reason to see ``person`` (domain apps call this).

    ``fieldsets`` narrows what the reason opens (a referral that shares identity only);
    ``None`` opens everything the reason opens.
    """
    if reason not in LinkReason.values:
        raise DomainError(_("Motivo di accesso sconosciuto."), field="reason")
    shared = None if fieldsets is None else sorted(set(fieldsets))
    if shared is not None and not set(shared) <= set(FieldSet.values):
        raise DomainError(_("Gruppo di campi sconosciuto."), field="fieldsets")
    existing = PersonLink.objects.open().filter(
        person=person, organization=organization, reason=reason, source=source
    )
    link = existing.first()
    if link is not None:
        return link
    link = PersonLink.objects.create(
        person=person, organization=organization, reason=reason, source=source, fieldsets=shared
    )
    audit_record(
        actor=actor,
        action=Action.GRANT,
        obj=link,
        person_id=person.pk,
        changes={
            "organization": organization.name,
            "reason": reason,
            "source": source,
            "fieldsets": shared,
        },
    )
    return link


@transaction.atomic
def person_link_close(*, actor: Any, link: PersonLink) -> PersonLink:
    link = PersonLink.objects.select_for_update().get(pk=link.pk)
    if link.ended_at is not None:
        return link
    link.ended_at = timezone.now()
    link.save(update_fields=["ended_at"])
    audit_record(
        actor=actor,
        action=Action.REVOKE,
        obj=link,
        person_id=link.person_id,
        changes={"organization_id": link.organization_id, "reason": link.reason},
    )
    return link


@transaction.atomic
def person_claim(*, actor: Any, person: Person, legal_basis: str, note: str) -> PersonLink:
    """Register an existing network person at the actor's organization, stating why."""
    organization = _organization_of(actor)
    if legal_basis not in Consent.LegalBasis.values:
        raise DomainError(_("Scegli la base giuridica del trattamento."), field="legal_basis")
    if not note.strip():
        raise DomainError(
            _("Scrivi perché la tua organizzazione registra questa persona."), field="note"
        )
    if person.merged_into_id is not None:
        raise ConflictError(_("Questa scheda è stata unita a un'altra."))
    link = (
        PersonLink.objects.open()
        .filter(person=person, organization=organization, reason=LinkReason.REGISTERED)
        .first()
    )
    if link is None:
        link = PersonLink.objects.create(
            person=person, organization=organization, reason=LinkReason.REGISTERED, source="claim"
        )
    audit_record(
        actor=actor,
        action=Action.GRANT,
        obj=link,
        person_id=person.pk,
        changes={
            "organization": organization.name,
            "legal_basis": legal_basis,
            "note": note.strip(),
        },
        purpose=note.strip(),
    )
    return link


@transaction.atomic
def alias_add(*, actor: Any, person: Person, alias: str) -> PersonAlias:
    alias = alias.strip()
    if not alias:
        raise DomainError(_("Scrivi l'alias o il soprannome."), field="alias")
    record = PersonAlias(person=person, alias=alias)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=record,
        person_id=person.pk,
        changes={"fields": ["alias"]},
    )
    return record


@transaction.atomic
def identifier_add(
    *,
    actor: Any,
    person: Person,
    kind: str,
    value: str,
    issuer: str = "",
    expires_on: date | None = None,
) -> PersonIdentifier:
    record = PersonIdentifier(
        person=person, kind=kind, value=value.strip().upper(), issuer=issuer, expires_on=expires_on
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=record,
        person_id=person.pk,
        changes={"kind": kind, "fields": ["value", "issuer", "expires_on"]},
    )
    return record


@transaction.atomic
def consent_record(
    *, actor: Any, person: Person, purpose: str, legal_basis: str, text_version: str
) -> Consent:
    organization = _organization_of(actor)
    consent = Consent(
        person=person,
        purpose=purpose,
        legal_basis=legal_basis,
        text_version=text_version.strip(),
        organization=organization,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=consent,
        person_id=person.pk,
        changes={
            "purpose": purpose,
            "legal_basis": legal_basis,
            "text_version": consent.text_version,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ConflictError(_("Questo consenso è già stato revocato."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=consent,
        person_id=consent.person_id,
        changes={"withdrawn_at": [None, consent.withdrawn_at]},
    )
    return consent


@transaction.atomic
def household_create(*, actor: Any, data: dict[str, Any]) -> Household:
    organization = _organization_of(actor)
    household = Household(registered_by=organization)
    _apply(household, data, HOUSEHOLD_DATA_FIELDS)
    household.full_clean()
    household.save()
    after = _snapshot(household, _AUDITED_HOUSEHOLD_FIELDS)
    changes = _changed_fields(dict.fromkeys(_AUDITED_HOUSEHOLD_FIELDS), after)
    audit_record(actor=actor, action=Action.CREATE, obj=household, changes=changes)
    return household


@transaction.atomic
def household_update(*, actor: Any, household: Household, data: dict[str, Any]) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    before = _snapshot(household, _AUDITED_HOUSEHOLD_FIELDS)
    _apply(household, data, HOUSEHOLD_DATA_FIELDS)
    household.full_clean()
    household.save()
    changes = _changed_fields(before, _snapshot(household, _AUDITED_HOUSEHOLD_FIELDS))
    if changes["fields"]:
        audit_record(actor=actor, action=Action.UPDATE, obj=household, changes=changes)
    return household


@transaction.atomic
def household_member_add(
    *,
    actor: Any,
    household: Household,
    person: Person,
    relationship: str,
    start_date: date | None = None,
) -> HouseholdMember:
    list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk"))
    current = (
        HouseholdMember.objects.filter(person=person, end_date__isnull=True)
        .select_related("household")
        .first()
    )
    if current is not None:
        if current.household_id == household.pk:
            message = _("La persona fa già parte di questo nucleo.")
        else:
            message = _(
                "La persona fa già parte di un altro nucleo: chiudi prima quell'appartenenza."
            )
        raise ConflictError(message, field="person")
    member = HouseholdMember(
        household=household,
        person=person,
        relationship=relationship,
        start_date=start_date or timezone.localdate(),
    )
    member.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ConflictError(
            _("La persona fa già parte di un altro nucleo."), field="person"
        ) from None
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=member,
        person_id=person.pk,
        changes={
            "household_id": household.pk,
            "relationship": relationship,
            "start_date": member.start_date,
        },
    )
    return member


@transaction.atomic
def household_member_end(*, actor: Any, member: HouseholdMember, end_date: date) -> HouseholdMember:
    member = HouseholdMember.objects.select_for_update().get(pk=member.pk)
    if member.end_date is not None:
        raise ConflictError(_("Questa appartenenza al nucleo è già chiusa."), field="end_date")
    if end_date < member.start_date:
        raise DomainError(
            _("La data di uscita non può precedere la data di ingresso (%(date)s).")
            % {"date": member.start_date.strftime("%d/%m/%Y")},
            field="end_date",
        )
    if end_date > timezone.localdate():
        raise DomainError(_("La data di uscita non può essere nel futuro."), field="end_date")
    member.end_date = end_date
    member.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=member,
        person_id=member.person_id,
        changes={"end_date": [None, end_date]},
    )
    return member


def _person_foreign_keys() -> Iterator[tuple[type[models.Model], str]]:
    """Every (model, field) holding a foreign key to Person, apps added later included.

    The merge history itself (``PersonMerge``) never moves.
    """
    for relation in Person._meta.related_objects:
        if relation.many_to_many:
            through = relation.through  # type: ignore[attr-defined]
            for field in through._meta.get_fields():
                if isinstance(field, models.ForeignKey) and field.related_model is Person:
                    yield through, field.name
            continue
        if relation.related_model is PersonMerge:
            continue
        yield relation.related_model, relation.field.name  # type: ignore[misc]


def _lock_persons(*pks: int) -> dict[int, Person]:
    locked = Person.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    return {person.pk: person for person in locked}


@transaction.atomic
def person_merge(*, actor: Any, kept: Person, merged: Person, reason: str) -> PersonMerge:
    """Move every row that points at ``merged`` to ``kept`` and mark ``merged`` as merged."""
    if not can_merge(actor):
        raise PermissionDeniedError(_("Solo un coordinatore può unire due schede."))
    if not reason.strip():
        raise DomainError(_("Scrivi perché le due schede sono la stessa persona."), field="reason")
    if kept.pk == merged.pk:
        raise DomainError(_("Scegli due schede diverse."), field="merged")
    locked = _lock_persons(kept.pk, merged.pk)
    kept, merged = locked[kept.pk], locked[merged.pk]
    if kept.merged_into_id is not None or merged.merged_into_id is not None:
        raise ConflictError(_("Una delle due schede è già stata unita a un'altra."), field="merged")
    both_in_households = (
        HouseholdMember.objects.filter(person__in=[kept, merged], end_date__isnull=True)
        .values("person_id")
        .distinct()
        .count()
        == 2
    )
    if both_in_households:
        raise ConflictError(
            _(
                "Entrambe le schede fanno parte di un nucleo familiare: "
                "chiudi una delle due appartenenze prima di unirle."
            ),
            field="merged",
        )
    moved: list[dict[str, Any]] = []
    for model, field in _person_foreign_keys():
        rows = model._default_manager.filter(**{field: merged})
        pks = list(rows.values_list("pk", flat=True))
        if not pks:
            continue
        try:
            with transaction.atomic():
                model._default_manager.filter(pk__in=pks).update(**{field: kept})
        except IntegrityError:
            raise ConflictError(
                _(
                    "Le due schede hanno dati che non possono stare insieme (%(what)s): "
                    "sistemali prima di unirle."
                )
                % {"what": model._meta.verbose_name},
                field="merged",
            ) from None
        moved.extend({"model": model._meta.label_lower, "pk": pk, "field": field} for pk in pks)
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, updated_at=timezone.now())
    merged.merged_into = kept
    merge = PersonMerge.objects.create(
        kept=kept, merged=merged, moved=moved, reason=reason.strip(), merged_by=actor
    )
    changes = {
        "kept": kept.pk,
        "merged": merged.pk,
        "moved_rows": len(moved),
        "reason": merge.reason,
    }
    audit_record(actor=actor, action=Action.MERGE, obj=merge, person_id=kept.pk, changes=changes)
    audit_record(actor=actor, action=Action.MERGE, obj=merge, person_id=merged.pk, changes=changes)
    return merge


@transaction.atomic
def person_merge_undo(*, actor: Any, merge: PersonMerge) -> PersonMerge:
    """Move back exactly the rows the merge moved and make the merged record current again."""
    if not can_merge(actor):
        raise PermissionDeniedError(_("Solo un coordinatore può annullare un'unione."))
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ConflictError(_("Questa unione è già stata annullata."))
    locked = _lock_persons(merge.kept_id, merge.merged_id)
    kept, merged = locked[merge.kept_id], locked[merge.merged_id]
    if kept.merged_into_id is not None:
        raise ConflictError(
            _("La scheda tenuta è stata poi unita a un'altra: annulla prima quell'unione.")
        )
    by_target: dict[tuple[str, str], list[Any]] = {}
    for row in merge.moved:
        by_target.setdefault((row["model"], row["field"]), []).append(row["pk"])
    try:
        with transaction.atomic():
            for (label, field), pks in by_target.items():
                model = apps.get_model(label)
                model._default_manager.filter(pk__in=pks, **{field: kept}).update(**{field: merged})
            Person.objects.filter(pk=merged.pk).update(merged_into=None, updated_at=timezone.now())
    except IntegrityError:
        raise ConflictError(
            _(
                "Non è possibile annullare l'unione: "
                "i dati sono cambiati nel frattempo (es. codice fiscale)."
            )
        ) from None
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    changes = {"kept": kept.pk, "merged": merged.pk, "moved_back_rows": len(merge.moved)}
    audit_record(actor=actor, action=Action.UNMERGE, obj=merge, person_id=kept.pk, changes=changes)
    audit_record(
        actor=actor, action=Action.UNMERGE, obj=merge, person_id=merged.pk, changes=changes
    )
    return merge
