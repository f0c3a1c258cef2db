"""Emergenza Freddo: the season plan, activations, facilities and beds, nightly stays,
street outreach rounds and encounters, follow-ups and the daily situation report.

A bed never holds two people on the same night: a stay is one row per bed per night,
and a conditional unique constraint on (bed, night) over the stays that hold the bed
(assigned, checked in, checked out) makes a second assignment fail in the database on
SQLite and PostgreSQL alike. Encounters carry a client-generated key, unique, so a
retried submission from a phone never creates a duplicate.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import TimeStampedModel
from solidale.people.models import Person

USER = settings.AUTH_USER_MODEL


class FacilityKind(models.TextChoices):
    NIGHT_SHELTER = "night_shelter", _("asilo notturno")
    DORMITORY = "dormitory", _("dormitorio d'emergenza")
    DAY_SPACE = "day_space", _("spazio caldo diurno")


class Facility(TimeStampedModel):
    name = models.CharField(_("nome"), max_length=120, unique=True)
    kind = models.CharField(_("tipo"), max_length=15, choices=FacilityKind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("ente gestore"), related_name="+", on_delete=models.PROTECT
    )
    address = models.CharField(_("indirizzo"), max_length=200)
    opening_times = models.CharField(_("orari"), max_length=200, blank=True)
    rules = models.TextField(_("regole"), blank=True)
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    is_open = models.BooleanField(
        _("aperta"), default=True, help_text=_("Una struttura chiusa non riceve assegnazioni.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("struttura")
        verbose_name_plural = _("strutture")

    def __str__(self) -> str:
        return self.name


class Season(TimeStampedModel):
    """A cold-emergency plan: the calendar window, thresholds, facilities, organizations."""

    name = models.CharField(_("nome"), max_length=120)
    starts_on = models.DateField(_("inizio della finestra"))
    ends_on = models.DateField(_("fine della finestra"))
    min_temperature = models.DecimalField(
        _("soglia di temperatura minima (°C)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0.0"),
        help_text=_("Si propone l'attivazione se la minima prevista è pari o inferiore."),
    )
    apparent_temperature = models.DecimalField(
        _("soglia di temperatura percepita (°C)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_(
            "Freddo percepito con il vento: vale se la percepita minima è pari o inferiore."
        ),
    )
    consecutive_nights = models.PositiveSmallIntegerField(
        _("notti consecutive"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    no_show_release_at = models.TimeField(
        _("ora di rilascio dei posti non occupati"),
        default="22:30",
        help_text=_("I posti assegnati a chi non si è presentato tornano liberi a quest'ora."),
    )
    facilities = models.ManyToManyField(
        Facility, verbose_name=_("strutture aperte"), related_name="seasons", blank=True
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizzazioni di turno"), related_name="+", blank=True
    )
    contacts = models.TextField(_("contatti"), blank=True)
    created_by = models.ForeignKey(USER, related_name="+", on_delete=models.PROTECT)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("piano freddo")
        verbose_name_plural = _("piani freddo")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="season_window_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ActivationStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposta")
    ACTIVE = "active", _("attiva")
    CLOSED = "closed", _("chiusa")
    DECLINED = "declined", _("non approvata")


class ActivationOrigin(models.TextChoices):
    FORECAST = "forecast", _("previsioni meteo")
    ORDINANCE = "ordinance", _("ordinanza o decisione manuale")


class Activation(TimeStampedModel):
    season = models.ForeignKey(
        Season, verbose_name=_("piano"), related_name="activations", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=ActivationStatus.choices,
        default=ActivationStatus.PROPOSED,
    )
    origin = models.CharField(_("origine"), max_length=10, choices=ActivationOrigin.choices)
    starts_on = models.DateField(_("prima notte"))
    ends_on = models.DateField(_("ultima notte"))
    opens_surge_beds = models.BooleanField(_("apre i posti di emergenza"), default=False)
    reason = models.TextField(_("motivazione"), blank=True)
    ordinance = models.CharField(_("riferimento dell'ordinanza"), max_length=120, blank=True)
    proposed_by = models.ForeignKey(
        USER, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    approved_at = models.DateTimeField(_("approvata il"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("attivazione")
        verbose_name_plural = _("attivazioni")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="activation_nights_ordered"
            ),
            # One proposal at a time per season: the daily forecast task never piles them up.
            models.UniqueConstraint(
                fields=["season"],
                condition=Q(status="proposed"),
                name="activation_one_proposal_per_season",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.season} {self.starts_on:%d/%m}-{self.ends_on:%d/%m}"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Forecast(models.Model):
    """The daily forecast for the town, one row per day, refreshed by the task worker."""

    day = models.DateField(_("giorno"), unique=True)
    min_temperature = models.DecimalField(_("minima (°C)"), max_digits=4, decimal_places=1)
    apparent_min_temperature = models.DecimalField(
        _("minima percepita (°C)"), max_digits=4, decimal_places=1
    )
    max_wind_speed = models.DecimalField(_("vento massimo (km/h)"), max_digits=5, decimal_places=1)
    fetched_at = models.DateTimeField(_("aggiornata il"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("previsione")
        verbose_name_plural = _("previsioni")

    def __str__(self) -> str:
        return f"{self.day}: {self.min_temperature} °C"


class Bed(models.Model):
    facility = models.ForeignKey(
        Facility, verbose_name=_("struttura"), related_name="beds", on_delete=models.CASCADE
    )
    label = models.CharField(_("posto"), max_length=20)
    for_men = models.BooleanField(_("uomini"), default=True)
    for_women = models.BooleanField(_("donne"), default=False)
    for_families = models.BooleanField(_("famiglie"), default=False)
    accessible = models.BooleanField(_("accessibile"), default=False)
    pets_allowed = models.BooleanField(_("animali ammessi"), default=False)
    surge_only = models.BooleanField(
        _("solo in emergenza"),
        default=False,
        help_text=_(
            "Posto aggiuntivo aperto solo con un'attivazione che apre i posti di emergenza."
        ),
    )
    is_active = models.BooleanField(_("in uso"), default=True)

    class Meta:
        ordering = ["facility__name", "label"]
        verbose_name = _("posto letto")
        verbose_name_plural = _("posti letto")
        constraints = [
            models.UniqueConstraint(fields=["facility", "label"], name="bed_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.facility} — {self.label}"

    @property
    def choice_label(self) -> str:
        return str(self)

    @property
    def guests(self) -> str:
        """Who the bed is for, in words ("uomini, donne")."""
        kinds = (
            (self.for_men, _("uomini")),
            (self.for_women, _("donne")),
            (self.for_families, _("famiglie")),
        )
        return ", ".join(str(label) for allowed, label in kinds if allowed)

    @property
    def badges(self) -> list[str]:
        flags = (
            (self.accessible, _("accessibile")),
            (self.pets_allowed, _("animali")),
            (self.surge_only, _("emergenza")),
        )
        return [str(label) for on, label in flags if on]


class Guest(models.TextChoices):
    """Who a bed or a request is for: used to check a bed's type."""

    MAN = "man", _("uomo")
    WOMAN = "woman", _("donna")
    FAMILY = "family", _("famiglia")


class StayStatus(models.TextChoices):
    ASSIGNED = "assigned", _("assegnato")
    CHECKED_IN = "checked_in", _("entrato")
    CHECKED_OUT = "checked_out", _("uscito")
    NO_SHOW = "no_show", _("non presentato (posto rilasciato)")
    TRANSFERRED = "transferred", _("trasferito")
    CANCELLED = "cancelled", _("annullato")


#: The statuses in which a stay holds its bed for the night.
HOLDING = (StayStatus.ASSIGNED, StayStatus.CHECKED_IN, StayStatus.CHECKED_OUT)


class Stay(models.Model):
    """One person on one bed for one night."""

    bed = models.ForeignKey(
        Bed, verbose_name=_("posto"), related_name="stays", on_delete=models.PROTECT
    )
    night = models.DateField(_("notte"))
    person = models.ForeignKey(
        Person, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    alias = models.CharField(_("nome d'uso o soprannome"), max_length=60, blank=True)
    description = models.CharField(_("descrizione"), max_length=200, blank=True)
    guest = models.CharField(_("ospite"), max_length=6, choices=Guest.choices, default=Guest.MAN)
    status = models.CharField(
        _("stato"), max_length=12, choices=StayStatus.choices, default=StayStatus.ASSIGNED
    )
    activation = models.ForeignKey(
        Activation, null=True, blank=True, related_name="stays", on_delete=models.PROTECT
    )
    request = models.ForeignKey(
        "BedRequest", null=True, blank=True, related_name="stays", on_delete=models.SET_NULL
    )
    assigned_by = models.ForeignKey(USER, related_name="+", on_delete=models.PROTECT)
    assigned_at = models.DateTimeField(_("assegnato il"))
    checked_in_at = models.DateTimeField(_("entrato il"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("uscito il"), null=True, blank=True)
    transferred_to = models.OneToOneField(
        "self", null=True, blank=True, related_name="transferred_from", on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["night", "bed__facility__name", "bed__label"]
        verbose_name = _("pernottamento")
        verbose_name_plural = _("pernottamenti")
        constraints = [
            models.UniqueConstraint(
                fields=["bed", "night"],
                condition=Q(status__in=HOLDING),
                name="stay_one_person_per_bed_per_night",
            ),
            models.UniqueConstraint(
                fields=["person", "night"],
                condition=Q(status__in=HOLDING, person__isnull=False),
                name="stay_one_bed_per_person_per_night",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(alias=""), name="stay_names_someone"
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_in_at__isnull=False),
                name="stay_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["night", "status"], name="stay_night_status")]

    def __str__(self) -> str:
        return f"{self.bed} {self.night}"

    @property
    def holds_bed(self) -> bool:
        return self.status in HOLDING

    @property
    def choice_label(self) -> str:
        """The bed and the guest, for the transfer and identify forms."""
        return f"{self.bed} — {self.person or self.alias}"


class BedRequestStatus(models.TextChoices):
    WAITING = "waiting", _("in attesa")
    PLACED = "placed", _("sistemato")
    TURNED_AWAY = "turned_away", _("senza posto")
    WITHDRAWN = "withdrawn", _("ritirata")


class BedRequest(TimeStampedModel):
    """The waiting list of a night: someone who needs a bed (from the door or the street)."""

    night = models.DateField(_("notte"))
    person = models.ForeignKey(
        Person, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    alias = models.CharField(_("nome d'uso o soprannome"), max_length=60, blank=True)
    description = models.CharField(_("descrizione"), max_length=200, blank=True)
    guest = models.CharField(_("ospite"), max_length=6, choices=Guest.choices, default=Guest.MAN)
    needs_accessible = models.BooleanField(_("serve un posto accessibile"), default=False)
    with_pet = models.BooleanField(_("con un animale"), default=False)
    status = models.CharField(
        _("stato"),
        max_length=12,
        choices=BedRequestStatus.choices,
        default=BedRequestStatus.WAITING,
    )
    encounter = models.OneToOneField(
        "Encounter", null=True, blank=True, related_name="bed_request", on_delete=models.SET_NULL
    )
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    created_by = models.ForeignKey(USER, related_name="+", on_delete=models.PROTECT)

    class Meta:
        ordering = ["night", "created_at"]
        verbose_name = _("richiesta di posto")
        verbose_name_plural = _("lista d'attesa")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(alias=""), name="bedrequest_names_someone"
            )
        ]

    def __str__(self) -> str:
        return self.alias or str(self.person)


class Round(TimeStampedModel):
    """An evening street round (unità di strada)."""

    night = models.DateField(_("notte"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizzazione"), related_name="+", on_delete=models.PROTECT
    )
    team = models.CharField(_("squadra"), max_length=200)
    vehicle = models.CharField(_("mezzo"), max_length=60, blank=True)
    area = models.CharField(_("zona"), max_length=120)
    warehouse = models.ForeignKey(
        "food.Warehouse",
        verbose_name=_("magazzino da cui attingere"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    started_by = models.ForeignKey(USER, related_name="+", on_delete=models.PROTECT)
    ended_at = models.DateTimeField(_("conclusa il"), null=True, blank=True)

    class Meta:
        ordering = ["-night", "-created_at"]
        verbose_name = _("uscita dell'unità di strada")
        verbose_name_plural = _("uscite dell'unità di strada")

    def __str__(self) -> str:
        return f"{self.area} {self.night:%d/%m/%Y}"


class Condition(models.TextChoices):
    ASLEEP_OUTSIDE = "asleep_outside", _("dorme all'aperto")
    INTOXICATED = "intoxicated", _("in stato di alterazione")
    ILL = "ill", _("malato o ferito")
    WITH_CHILDREN = "with_children", _("con bambini")
    COLD = "cold", _("infreddolito o bagnato")
    WELL = "well", _("in buone condizioni")


class Answer(models.TextChoices):
    NOT_OFFERED = "", _("niente offerto")
    ACCEPTED = "accepted", _("accettato")
    REFUSED = "refused", _("rifiutato")


class Encounter(models.Model):
    """A contact on the street, logged from a phone in seconds."""

    key = models.UUIDField(_("chiave dell'invio"), unique=True, default=uuid.uuid4)
    round = models.ForeignKey(
        Round, verbose_name=_("uscita"), related_name="encounters", on_delete=models.PROTECT
    )
    met_at = models.DateTimeField(_("ora"))
    latitude = models.FloatField(_("latitudine"))
    longitude = models.FloatField(_("longitudine"))
    person = models.ForeignKey(
        Person, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    alias = models.CharField(_("nome d'uso o soprannome"), max_length=60, blank=True)
    description = models.CharField(_("descrizione"), max_length=200, blank=True)
    conditions = models.JSONField(_("condizioni"), default=list, blank=True)
    offered_bed = models.BooleanField(_("offerto un posto letto"), default=False)
    offered_referral = models.BooleanField(_("offerto un invio ai servizi"), default=False)
    answer = models.CharField(_("risposta"), max_length=10, choices=Answer.choices, blank=True)
    health_alert = models.BooleanField(_("allertato il 112/118"), default=False)
    notes = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("registrato il"))

    class Meta:
        ordering = ["-met_at"]
        verbose_name = _("incontro")
        verbose_name_plural = _("incontri")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="encounter_position_valid",
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(offered_bed=True) | Q(offered_referral=True),
                name="encounter_answer_needs_an_offer",
            ),
        ]
        indexes = [models.Index(fields=["met_at"], name="encounter_met_at")]

    def __str__(self) -> str:
        return f"{self.met_at:%d/%m %H:%M}"

    @property
    def who(self) -> str:
        return str(self.person) if self.person_id else (self.alias or self.description)


class OutreachGood(models.Model):
    """What a street unit hands out, counted (hot drink, blanket, sleeping bag…)."""

    name = models.CharField(_("nome"), max_length=60, unique=True)
    unit = models.CharField(_("unità"), max_length=20, default="pz")
    is_active = models.BooleanField(_("in uso"), default=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=100)
    food_item = models.ForeignKey(
        "food.Item",
        verbose_name=_("articolo del magazzino"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text=_("Se l'uscita attinge a un magazzino, il bene si scarica da questo articolo."),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("bene distribuito in strada")
        verbose_name_plural = _("beni distribuiti in strada")

    def __str__(self) -> str:
        return self.name


class EncounterGood(models.Model):
    encounter = models.ForeignKey(Encounter, related_name="goods", on_delete=models.CASCADE)
    good = models.ForeignKey(OutreachGood, related_name="+", on_delete=models.PROTECT)
    quantity = models.PositiveSmallIntegerField(_("quantità"), validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["encounter", "good"], name="encountergood_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="encountergood_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.good} x{self.quantity}"


class FollowUpKind(models.TextChoices):
    LEFT_OUTSIDE = "left_outside", _("rimasto fuori in una notte fredda")
    MET_OFTEN = "met_often", _("incontrato più volte senza una presa in carico")
    REPEATED_STAYS = "repeated_stays", _("pernottamenti ripetuti senza una presa in carico")


class FollowUpOutcome(models.TextChoices):
    CONTACTED = "contacted", _("ricontattato, accolto o orientato")
    CASE_OPENED = "case_opened", _("presa in carico aperta")
    REFUSED_AGAIN = "refused_again", _("rifiuta di nuovo ogni aiuto")
    NOT_FOUND = "not_found", _("non rintracciato")
    HOSPITAL = "hospital", _("ricoverato o affidato al 118")


class FollowUp(TimeStampedModel):
    """ "Nobody left on the street": an item that closes only with an outcome."""

    kind = models.CharField(_("motivo"), max_length=15, choices=FollowUpKind.choices)
    subject = models.CharField(_("soggetto"), max_length=80)
    day = models.DateField(_("giorno"))
    person = models.ForeignKey(
        Person, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    alias = models.CharField(_("nome d'uso o soprannome"), max_length=60, blank=True)
    encounter = models.ForeignKey(
        Encounter, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    detail = models.CharField(_("dettaglio"), max_length=300)
    outcome = models.CharField(
        _("esito"), max_length=15, choices=FollowUpOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("nota sull'esito"), max_length=300, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)

    class Meta:
        ordering = ["closed_at", "-day"]
        verbose_name = _("da seguire")
        verbose_name_plural = _("da seguire")
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject"], name="followup_once_per_subject"),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(closed_at__isnull=True))
                | (~Q(outcome="") & Q(closed_at__isnull=False)),
                name="followup_closed_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.alias or self.person}"


class ReportDispatch(models.Model):
    """The morning situation report of a night was sent (once)."""

    night = models.DateField(_("notte"), unique=True)
    activation = models.ForeignKey(Activation, related_name="+", on_delete=models.PROTECT)
    sent_at = models.DateTimeField(_("inviato il"))
    recipients = models.PositiveIntegerField(_("destinatari"))

    class Meta:
        ordering = ["-night"]
        verbose_name = _("invio del rapporto")
        verbose_name_plural = _("invii del rapporto")

    def __str__(self) -> str:
        return str(self.night)
