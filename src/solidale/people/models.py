"""The person registry (anagrafica): persons, households, identifiers, consents, links.

Visibility follows DESIGN.md: an organization sees a person only through a reason the
data shows — a :class:`PersonLink` (registered, program, referral, case…). Domain apps
open and close links through ``people.services``; they never widen ``visible_to``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import REGISTRY_ROLES, Organization
from solidale.core.models import Neighbourhood, TimeStampedModel

from .matching import normalize, phonetic_key

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User


class Sex(models.TextChoices):
    MALE = "M", _("maschio")
    FEMALE = "F", _("femmina")
    OTHER = "X", _("altro / non specificato")


class LinkReason(models.TextChoices):
    REGISTERED = "registered", _("registrata dall'organizzazione")
    PROGRAM = "program", _("seguita in un programma")
    REFERRAL = "referral", _("ricevuta con un invio")
    CASE = "case", _("in carico ai servizi sociali")
    HOUSING = "housing", _("seguita per l'emergenza abitativa o una domanda ERP")


class FieldSet(models.TextChoices):
    """Groups of person fields a reason opens (see ``permissions.FIELDSETS_BY_REASON``)."""

    IDENTITY = "identity", _("identità")
    CONTACTS = "contacts", _("contatti")
    REGISTRY = "registry", _("dati anagrafici completi")
    SENSITIVE = "sensitive", _("note riservate di accessibilità")
    HOUSEHOLD = "household", _("composizione del nucleo familiare")
    HOUSEHOLD_SIZE = "household_size", _("numero di componenti del nucleo")


def _open_link_for(organization_id: int) -> Exists:
    return Exists(
        PersonLink.objects.filter(
            person=OuterRef("pk"), organization_id=organization_id, ended_at__isnull=True
        )
    )


class PersonQuerySet(models.QuerySet["Person"]):
    def current(self) -> PersonQuerySet:
        """Records not merged into another one."""
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user: User | AnonymousUser) -> PersonQuerySet:
        """The persons the user's current organization has an open reason to see."""
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None or membership.role not in REGISTRY_ROLES:
            return self.none()
        return self.current().filter(_open_link_for(membership.organization_id))


class Person(TimeStampedModel):
    given_name = models.CharField(_("nome"), max_length=100, blank=True)
    family_name = models.CharField(_("cognome"), max_length=100, blank=True)
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, null=True, blank=True)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("data di nascita"), null=True, blank=True)
    birth_place = models.CharField(_("luogo di nascita"), max_length=100, blank=True)
    birth_place_code = models.CharField(
        _("codice catastale del luogo di nascita"), max_length=4, blank=True
    )
    citizenship = models.CharField(_("cittadinanza"), max_length=60, blank=True)
    languages = models.CharField(
        _("lingue parlate"), max_length=200, blank=True, help_text=_("Separate da virgola.")
    )
    is_identified = models.BooleanField(
        _("identificata"),
        default=True,
        help_text=_("No per una persona incontrata senza generalità: serve una descrizione."),
    )
    description = models.TextField(
        _("descrizione"),
        blank=True,
        help_text=_("Per le persone non identificate: aspetto, luogo abituale."),
    )
    homeless = models.BooleanField(_("senza dimora"), default=False)
    residence_address = models.CharField(_("indirizzo di residenza"), max_length=200, blank=True)
    residence_municipality = models.CharField(_("comune di residenza"), max_length=100, blank=True)
    domicile_address = models.CharField(_("domicilio"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartiere"), null=True, blank=True, on_delete=models.SET_NULL
    )
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    accessibility_notes = models.TextField(_("esigenze di accessibilità"), blank=True)

    registered_by = models.ForeignKey(
        Organization,
        verbose_name=_("registrata da"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("unita in"),
        related_name="merged_records",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        # Almost every row is NULL here: a plain index would tempt the planner into
        # reading the whole table for "merged_into IS NULL". See ``person_merged_into``.
        db_index=False,
    )
    pseudonymized_at = models.DateTimeField(_("pseudonimizzata il"), null=True, blank=True)

    # Search keys, kept in step by ``refresh_search_keys`` (services call it before saving).
    family_norm = models.CharField(max_length=100, blank=True, editable=False)
    given_norm = models.CharField(max_length=100, blank=True, editable=False)
    family_key = models.CharField(max_length=8, blank=True, editable=False)
    given_key = models.CharField(max_length=8, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_norm", "given_norm", "id"]
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=Q(codice_fiscale__isnull=False) & Q(merged_into__isnull=True),
                name="person_unique_codice_fiscale",
                violation_error_message=_("Esiste già una persona con questo codice fiscale."),
            ),
            models.CheckConstraint(
                condition=Q(is_identified=False) | ~Q(family_name="") | ~Q(given_name=""),
                name="person_identified_has_a_name",
                violation_error_message=_("Una persona identificata deve avere nome o cognome."),
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="person_not_merged_into_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["family_norm", "given_norm"], name="person_name_norm"),
            models.Index(fields=["given_norm"], name="person_given_norm"),
            models.Index(fields=["family_key", "given_key"], name="person_name_keys"),
            models.Index(fields=["given_key", "family_key"], name="person_name_keys_rev"),
            models.Index(fields=["birth_date"], name="person_birth_date"),
            models.Index(
                fields=["merged_into"],
                name="person_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        if not self.is_identified and not (self.family_name or self.given_name):
            return str(_("Persona non identificata n. %(id)s") % {"id": self.pk})
        return f"{self.family_name} {self.given_name}".strip()

    def refresh_search_keys(self) -> None:
        self.codice_fiscale = (self.codice_fiscale or "").strip().upper() or None
        self.family_norm = normalize(self.family_name)
        self.given_norm = normalize(self.given_name)
        self.family_key = phonetic_key(self.family_name)
        self.given_key = phonetic_key(self.given_name)

    @property
    def age(self) -> int | None:
        if self.birth_date is None:
            return None
        today = timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, related_name="aliases", on_delete=models.CASCADE)
    alias = models.CharField(_("alias / soprannome"), max_length=100)
    alias_norm = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("alias")

    def __str__(self) -> str:
        return self.alias

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.alias_norm = normalize(self.alias)
        super().save(*args, **kwargs)


class PersonIdentifier(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("passaporto")
        RESIDENCE_PERMIT = "permit", _("permesso di soggiorno")
        IDENTITY_CARD = "id_card", _("carta d'identità")
        STP = "stp", _("codice STP (stranieri temporaneamente presenti)")
        ENI = "eni", _("codice ENI (europei non iscritti)")
        OTHER = "other", _("altro")

    person = models.ForeignKey(Person, related_name="identifiers", on_delete=models.CASCADE)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("numero"), max_length=40)
    issuer = models.CharField(_("rilasciato da"), max_length=100, blank=True)
    expires_on = models.DateField(_("scadenza"), null=True, blank=True)

    class Meta:
        verbose_name = _("documento / identificativo")
        verbose_name_plural = _("documenti / identificativi")
        indexes = [models.Index(fields=["kind", "value"], name="identifier_kind_value")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class PersonLinkQuerySet(models.QuerySet["PersonLink"]):
    def open(self) -> PersonLinkQuerySet:
        return self.filter(ended_at__isnull=True)


class PersonLink(models.Model):
    """A reason an organization may see a person (DESIGN.md, access model)."""

    person = models.ForeignKey(Person, related_name="links", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization, related_name="person_links", on_delete=models.CASCADE
    )
    reason = models.CharField(_("motivo"), max_length=12, choices=LinkReason.choices)
    source = models.CharField(
        _("origine"),
        max_length=100,
        blank=True,
        help_text=_("Il record che dà il motivo, es. cases.case:12."),
    )
    fieldsets = models.JSONField(
        _("gruppi di campi condivisi"),
        null=True,
        blank=True,
        help_text=_(
            "Limita i campi che il motivo apre (es. un invio che condivide solo l'identità)."
        ),
    )
    started_at = models.DateTimeField(_("dal"), default=timezone.now)
    ended_at = models.DateTimeField(_("al"), null=True, blank=True)

    objects = PersonLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("motivo di accesso")
        verbose_name_plural = _("motivi di accesso")
        indexes = [
            models.Index(
                fields=["organization", "person"],
                name="personlink_org_person",
                condition=Q(ended_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_reason_display()}"


class Household(TimeStampedModel):
    name = models.CharField(_("denominazione"), max_length=150, help_text=_("Es. «Nucleo Rossi»."))
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartiere"), null=True, blank=True, on_delete=models.SET_NULL
    )
    registered_by = models.ForeignKey(
        Organization,
        verbose_name=_("registrato da"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("nucleo familiare")
        verbose_name_plural = _("nuclei familiari")
        indexes = [models.Index(fields=["name", "id"], name="household_name")]

    def __str__(self) -> str:
        return self.name


class HouseholdMember(models.Model):
    class Relationship(models.TextChoices):
        HEAD = "head", _("intestatario")
        SPOUSE = "spouse", _("coniuge / convivente")
        CHILD = "child", _("figlio/a")
        PARENT = "parent", _("genitore")
        SIBLING = "sibling", _("fratello / sorella")
        GRANDCHILD = "grandchild", _("nipote")
        OTHER_RELATIVE = "relative", _("altro parente")
        OTHER = "other", _("altro convivente")

    household = models.ForeignKey(Household, related_name="members", on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, related_name="household_memberships", on_delete=models.CASCADE
    )
    relationship = models.CharField(
        _("relazione con l'intestatario"), max_length=10, choices=Relationship.choices
    )
    start_date = models.DateField(_("dal"), default=timezone.localdate)
    end_date = models.DateField(_("al"), null=True, blank=True)

    class Meta:
        ordering = ["household", "start_date"]
        verbose_name = _("componente del nucleo")
        verbose_name_plural = _("componenti del nucleo")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="householdmember_one_current_household",
                violation_error_message=_("La persona fa già parte di un altro nucleo."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="householdmember_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_relationship_display()})"


class Consent(TimeStampedModel):
    class Purpose(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("informativa privacy consegnata")
        NETWORK_SHARING = "network_sharing", _("condivisione con la rete dei servizi")
        CONTACT_SMS = "contact_sms", _("contatto via SMS")
        CONTACT_EMAIL = "contact_email", _("contatto via e-mail")
        PHOTO = "photo", _("uso di immagini")

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("consenso (GDPR art. 6.1.a / 9.2.a)")
        PUBLIC_TASK = (
            "public_task",
            _("interesse pubblico (GDPR art. 6.1.e, 9.2.g; Codice privacy art. 2-sexies)"),
        )
        VITAL_INTEREST = "vital_interest", _("interessi vitali (GDPR art. 6.1.d / 9.2.c)")
        LEGAL_OBLIGATION = "legal_obligation", _("obbligo di legge (GDPR art. 6.1.c)")

    person = models.ForeignKey(Person, related_name="consents", on_delete=models.CASCADE)
    purpose = models.CharField(_("finalità"), max_length=20, choices=Purpose.choices)
    legal_basis = models.CharField(_("base giuridica"), max_length=20, choices=LegalBasis.choices)
    text_version = models.CharField(_("versione del testo mostrato"), max_length=40)
    given_at = models.DateTimeField(_("espresso il"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consenso / base giuridica")
        verbose_name_plural = _("consensi / basi giuridiche")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.get_legal_basis_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class PersonMerge(models.Model):
    """A merge of a duplicate record into a kept one, with what moved, so it can be undone."""

    kept = models.ForeignKey(Person, related_name="merges_kept", on_delete=models.PROTECT)
    merged = models.ForeignKey(Person, related_name="merges_merged", on_delete=models.PROTECT)
    moved = models.JSONField(_("righe spostate"), default=list)
    reason = models.CharField(_("motivo"), max_length=255)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("unione di schede")
        verbose_name_plural = _("unioni di schede")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"
