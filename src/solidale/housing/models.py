"""Housing emergency: housing cases with eviction timelines, ERP calls with rule-traced
scoring and rankings, dwelling allocation, temporary placements and rent grants."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.cases.models import Case
from solidale.core.models import TimeStampedModel
from solidale.people.models import Household, Person

# --- Rules as versioned data ---------------------------------------------------------------


class RuleScope(models.TextChoices):
    ERP = "erp", _("graduatoria ERP")
    GRANTS = "grants", _("contributi")


class RuleSet(models.Model):
    """One version of a rule table (a law, or a municipal variant of it), kept as data."""

    code = models.SlugField(_("codice"), max_length=60)
    version = models.PositiveIntegerField(_("versione"))
    scope = models.CharField(_("ambito"), max_length=10, choices=RuleScope.choices)
    title = models.CharField(_("titolo"), max_length=200)
    law = models.CharField(_("norma"), max_length=200)
    valid_from = models.DateField(_("in vigore dal"))
    is_demo = models.BooleanField(
        _("tabella dimostrativa"),
        default=False,
        help_text=_("Valori da verificare sul testo ufficiale prima dell'uso reale."),
    )
    definition = models.JSONField(_("definizione"))
    loaded_at = models.DateTimeField(_("caricata il"), default=timezone.now)

    class Meta:
        ordering = ["scope", "code", "-version"]
        verbose_name = _("tabella di regole")
        verbose_name_plural = _("tabelle di regole")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


# --- Housing cases and the eviction procedure -----------------------------------------------


class Situation(models.TextChoices):
    EVICTION_ARREARS = "eviction_arrears", _("sfratto per morosità")
    EVICTION_LEASE = "eviction_lease", _("sfratto per finita locazione")
    FORECLOSURE = "foreclosure", _("pignoramento / vendita all'asta")
    HOMELESS = "homeless", _("senza dimora")
    OVERCROWDING = "overcrowding", _("sovraffollamento")
    UNFIT = "unfit", _("alloggio inadeguato o antigienico")
    VIOLENCE = "violence", _("violenza domestica")
    EMPLOYER_HOUSING = "employer_housing", _("perdita dell'alloggio di servizio")
    SEPARATION = "separation", _("separazione con obbligo di rilascio")
    OTHER = "other", _("altro")


class Risk(models.TextChoices):
    LOW = "low", _("basso")
    MEDIUM = "medium", _("medio")
    HIGH = "high", _("alto")
    IMMINENT = "imminent", _("imminente")


class HousingCaseStatus(models.TextChoices):
    OPEN = "open", _("aperto")
    CLOSED = "closed", _("chiuso")


class LeaseKind(models.TextChoices):
    NONE = "", _("nessun contratto")
    FREE = "free", _("libero (4+4)")
    AGREED = "agreed", _("concordato (3+2)")
    TEMPORARY = "temporary", _("transitorio")
    PUBLIC = "public", _("alloggio ERP")
    OTHER = "other", _("altro")


class EventKind(models.TextChoices):
    NOTICE = "notice", _("intimazione di sfratto")
    VALIDATION = "validation", _("convalida del tribunale")
    WRIT = "writ", _("atto di precetto")
    RELEASE_NOTICE = "release_notice", _("avviso di rilascio")
    ACCESS = "access", _("accesso dell'ufficiale giudiziario")
    EXECUTED = "executed", _("sfratto eseguito")
    SUSPENDED = "suspended", _("sospensione / proroga")


class AccessOutcome(models.TextChoices):
    NONE = "", _("da svolgere")
    POSTPONED = "postponed", _("rinviato")
    EXECUTED = "executed", _("eseguito")
    SUSPENDED = "suspended", _("sospeso")


class HousingCaseQuerySet(models.QuerySet["HousingCase"]):
    def open(self) -> HousingCaseQuerySet:
        return self.filter(status=HousingCaseStatus.OPEN)

    def with_next_event(self, today: date | None = None) -> HousingCaseQuerySet:
        """Annotate the next pending date of the procedure (``next_on``, ``next_kind``)."""
        today = today or timezone.localdate()
        pending = ProcedureEvent.objects.filter(
            case=OuterRef("pk"), on__gte=today, outcome=AccessOutcome.NONE
        ).order_by("on", "pk")
        return self.annotate(  # type: ignore[no-redef]  # declared on the model for typing
            next_on=Subquery(pending.values("on")[:1]),
            next_kind=Subquery(pending.values("kind")[:1]),
        )

    def access_within(self, days: int, today: date | None = None) -> HousingCaseQuerySet:
        """Open cases with a bailiff access still to happen in the next ``days`` days."""
        today = today or timezone.localdate()
        accesses = ProcedureEvent.objects.filter(
            case=OuterRef("pk"),
            kind=EventKind.ACCESS,
            outcome=AccessOutcome.NONE,
            on__gte=today,
            on__lte=today + timedelta(days=days),
        )
        return self.open().filter(Exists(accesses))


class HousingCase(TimeStampedModel):
    """A household's housing emergency followed by the Comune (and shared with the agency)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("ente titolare"), related_name="+", on_delete=models.PROTECT
    )
    agency = models.ForeignKey(
        Organization,
        verbose_name=_("segnalato all'ente gestore"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    referred_at = models.DateTimeField(_("segnalato il"), null=True, blank=True)
    household = models.ForeignKey(
        Household, verbose_name=_("nucleo familiare"), related_name="+", on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        Person, verbose_name=_("persona di riferimento"), related_name="+", on_delete=models.PROTECT
    )
    social_case = models.ForeignKey(
        Case,
        verbose_name=_("cartella sociale collegata"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operatore responsabile"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    situation = models.CharField(_("situazione"), max_length=20, choices=Situation.choices)
    risk = models.CharField(_("livello di rischio"), max_length=10, choices=Risk.choices)
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=HousingCaseStatus.choices,
        default=HousingCaseStatus.OPEN,
    )
    landlord = models.CharField(_("proprietario"), max_length=200, blank=True)
    landlord_contact = models.CharField(_("recapito del proprietario"), max_length=200, blank=True)
    lease_kind = models.CharField(
        _("contratto"), max_length=10, choices=LeaseKind.choices, blank=True
    )
    lease_registered = models.BooleanField(_("contratto registrato"), default=False)
    monthly_rent = models.DecimalField(
        _("canone mensile (€)"), null=True, blank=True, max_digits=10, decimal_places=2
    )
    arrears = models.DecimalField(
        _("morosità accumulata (€)"), null=True, blank=True, max_digits=10, decimal_places=2
    )
    annual_income = models.DecimalField(
        _("reddito annuo (€)"), null=True, blank=True, max_digits=10, decimal_places=2
    )
    isee = models.DecimalField(
        _("ISEE (€)"), null=True, blank=True, max_digits=10, decimal_places=2
    )
    plan = models.TextField(_("progetto abitativo"), blank=True)
    plan_agreed_on = models.DateField(_("progetto concordato il"), null=True, blank=True)
    notes = models.TextField(_("note"), blank=True)
    opened_at = models.DateTimeField(_("aperto il"), default=timezone.now)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    closing_notes = models.TextField(_("note di chiusura"), blank=True)

    objects = HousingCaseQuerySet.as_manager()

    # Set by ``HousingCaseQuerySet.with_next_event`` (and by the list page for its label).
    next_on: date | None
    next_kind: str | None
    next_label: str

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("caso abitativo")
        verbose_name_plural = _("casi abitativi")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="open"),
                name="housingcase_one_open_per_household",
                violation_error_message=_("Il nucleo ha già un caso abitativo aperto."),
            ),
            models.CheckConstraint(
                condition=Q(isee__isnull=True) | Q(isee__gte=0), name="housingcase_isee_positive"
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True))
                | (Q(status="closed") & Q(closed_at__isnull=False)),
                name="housingcase_closed_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Caso abitativo n. %(id)s") % {"id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == HousingCaseStatus.OPEN

    @property
    def has_plan(self) -> bool:
        return self.plan_agreed_on is not None


class ProcedureEvent(models.Model):
    """One step of the eviction procedure; a bailiff access gets its outcome once held."""

    case = models.ForeignKey(HousingCase, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(_("fase"), max_length=20, choices=EventKind.choices)
    on = models.DateField(_("data"))
    outcome = models.CharField(_("esito"), max_length=10, choices=AccessOutcome.choices, blank=True)
    note = models.CharField(_("nota"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("fase della procedura")
        verbose_name_plural = _("fasi della procedura")
        indexes = [models.Index(fields=["kind", "outcome", "on"], name="procevent_pending")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class NoteKind(models.TextChoices):
    MESSAGE = "message", _("messaggio")
    TASK = "task", _("attività")


class CaseNote(models.Model):
    """A message or a shared task on a household's case, between the Comune and the agency."""

    case = models.ForeignKey(HousingCase, related_name="shared_notes", on_delete=models.CASCADE)
    kind = models.CharField(_("tipo"), max_length=10, choices=NoteKind.choices)
    text = models.TextField(_("testo"))
    due_on = models.DateField(_("entro il"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("svolta il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("nota condivisa")
        verbose_name_plural = _("note condivise")

    def __str__(self) -> str:
        return self.text[:60]


# --- ERP calls, applications, rankings -------------------------------------------------------


class Call(TimeStampedModel):
    """A call for public-housing applications (bando ERP)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("Comune"), related_name="+", on_delete=models.PROTECT
    )
    agency = models.ForeignKey(
        Organization, verbose_name=_("ente gestore"), related_name="+", on_delete=models.PROTECT
    )
    title = models.CharField(_("titolo"), max_length=200)
    opens_on = models.DateField(_("apertura"))
    closes_on = models.DateField(_("chiusura"))
    ruleset = models.ForeignKey(
        RuleSet, verbose_name=_("regole"), related_name="+", on_delete=models.PROTECT
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("giorni per l'opposizione"),
        default=30,
        help_text=_("Dalla pubblicazione della graduatoria provvisoria."),
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("bando ERP")
        verbose_name_plural = _("bandi ERP")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="call_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("presentata")
    ELIGIBLE = "eligible", _("ammessa")
    EXCLUDED = "excluded", _("esclusa")
    ALLOCATED = "allocated", _("assegnataria")


class Application(TimeStampedModel):
    """An ERP application: the household's facts, declared conditions and the traced score."""

    call = models.ForeignKey(Call, related_name="applications", on_delete=models.PROTECT)
    protocol = models.CharField(_("protocollo"), max_length=20)
    household = models.ForeignKey(
        Household, verbose_name=_("nucleo"), related_name="+", on_delete=models.PROTECT
    )
    applicant = models.ForeignKey(
        Person, verbose_name=_("richiedente"), related_name="+", on_delete=models.PROTECT
    )
    submitted_on = models.DateField(_("presentata il"))
    household_size = models.PositiveSmallIntegerField(_("componenti del nucleo"))
    minors = models.PositiveSmallIntegerField(_("minori"), default=0)
    over_65 = models.PositiveSmallIntegerField(_("ultrasessantacinquenni"), default=0)
    isee = models.DecimalField(_("ISEE (€)"), max_digits=10, decimal_places=2)
    real_estate_assets = models.DecimalField(
        _("patrimonio immobiliare (€)"), default=0, max_digits=10, decimal_places=2
    )
    movable_assets = models.DecimalField(
        _("patrimonio mobiliare (€)"), default=0, max_digits=10, decimal_places=2
    )
    owns_suitable_dwelling = models.BooleanField(
        _("titolare di alloggio adeguato entro 50 km"), default=False
    )
    serious_conviction = models.BooleanField(
        _("condanna definitiva per reati gravi"), default=False
    )
    residence_years = models.PositiveSmallIntegerField(_("anni di residenza o lavoro in Toscana"))
    waiting_list_years = models.PositiveSmallIntegerField(
        _("anni di presenza in graduatoria"), default=0
    )
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    points = models.IntegerField(_("punteggio"), default=0)
    trace = models.JSONField(_("dettaglio del punteggio"), default=dict)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call", "protocol"]
        verbose_name = _("domanda ERP")
        verbose_name_plural = _("domande ERP")
        constraints = [
            models.UniqueConstraint(fields=["call", "protocol"], name="application_protocol"),
            models.UniqueConstraint(fields=["call", "household"], name="application_one_per_call"),
            models.CheckConstraint(condition=Q(isee__gte=0), name="application_isee_positive"),
            models.CheckConstraint(
                condition=Q(household_size__gte=1), name="application_household_size"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Domanda %(protocol)s") % {"protocol": self.protocol})

    def facts(self) -> dict[str, Any]:
        """The values the rule table reads."""
        return {field: getattr(self, field) for field in FACT_FIELDS}


#: The application fields a rule may test.
FACT_FIELDS = (
    "household_size",
    "minors",
    "over_65",
    "isee",
    "real_estate_assets",
    "movable_assets",
    "owns_suitable_dwelling",
    "serious_conviction",
    "residence_years",
    "waiting_list_years",
)


class ApplicationCondition(models.Model):
    """A condition that gives points, declared with the document that proves it."""

    application = models.ForeignKey(
        Application, related_name="conditions", on_delete=models.CASCADE
    )
    code = models.CharField(_("condizione"), max_length=20)
    document = models.CharField(_("documento"), max_length=200)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="condition_once"),
        ]

    def __str__(self) -> str:
        return self.code


class RankingKind(models.TextChoices):
    PROVISIONAL = "provisional", _("provvisoria")
    FINAL = "final", _("definitiva")


class Ranking(models.Model):
    call = models.ForeignKey(Call, related_name="rankings", on_delete=models.PROTECT)
    kind = models.CharField(_("tipo"), max_length=12, choices=RankingKind.choices)
    ruleset = models.ForeignKey(RuleSet, related_name="+", on_delete=models.PROTECT)
    computed_at = models.DateTimeField(default=timezone.now)
    published_on = models.DateField(_("pubblicata il"), null=True, blank=True)
    appeal_deadline = models.DateField(_("termine per le opposizioni"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["call", "kind"]
        verbose_name = _("graduatoria")
        verbose_name_plural = _("graduatorie")
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="ranking_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.get_kind_display()}"


class RankingEntry(models.Model):
    ranking = models.ForeignKey(Ranking, related_name="entries", on_delete=models.CASCADE)
    application = models.ForeignKey(Application, related_name="+", on_delete=models.CASCADE)
    position = models.PositiveIntegerField(_("posizione"), null=True, blank=True)
    points = models.IntegerField(_("punteggio"))
    excluded = models.BooleanField(_("esclusa"), default=False)

    class Meta:
        ordering = ["ranking", "excluded", "position"]

        constraints = [
            models.UniqueConstraint(fields=["ranking", "application"], name="entry_once"),
            models.UniqueConstraint(fields=["ranking", "position"], name="entry_position"),
            models.CheckConstraint(
                condition=Q(excluded=True, position__isnull=True)
                | Q(excluded=False, position__isnull=False),
                name="entry_excluded_never_ranks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position or '-'}: {self.points}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("da decidere")
    ACCEPTED = "accepted", _("accolta")
    REJECTED = "rejected", _("respinta")


class Appeal(models.Model):
    """An opposition to the provisional ranking; accepted, it changes the declared conditions."""

    application = models.ForeignKey(Application, related_name="appeals", on_delete=models.CASCADE)
    filed_on = models.DateField(_("presentata il"))
    grounds = models.TextField(_("motivi"))
    conditions = models.JSONField(_("condizioni richieste"), default=list)
    status = models.CharField(
        _("esito"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decision_note = models.TextField(_("motivazione della decisione"), blank=True)
    points_before = models.IntegerField(null=True, blank=True)
    points_after = models.IntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["filed_on", "pk"]
        verbose_name = _("opposizione")
        verbose_name_plural = _("opposizioni")

    def __str__(self) -> str:
        return f"{self.application} ({self.get_status_display()})"


# --- Dwellings offered by the agency and their allocation -----------------------------------


class OfferStatus(models.TextChoices):
    OPEN = "open", _("disponibile")
    PROPOSED = "proposed", _("proposto")
    ALLOCATED = "allocated", _("assegnato")
    WITHDRAWN = "withdrawn", _("ritirato")


class DwellingOffer(TimeStampedModel):
    agency = models.ForeignKey(
        Organization, verbose_name=_("ente gestore"), related_name="+", on_delete=models.PROTECT
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("graduatoria del bando"),
        related_name="offers",
        on_delete=models.PROTECT,
    )
    code = models.CharField(_("codice alloggio"), max_length=30)
    address = models.CharField(_("indirizzo"), max_length=200)
    rooms = models.PositiveSmallIntegerField(_("vani"))
    floor_area = models.PositiveSmallIntegerField(_("superficie utile (m²)"))
    status = models.CharField(
        _("stato"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    notes = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alloggio offerto")
        verbose_name_plural = _("alloggi offerti")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="offer_code"),
            models.CheckConstraint(condition=Q(floor_area__gte=1), name="offer_floor_area"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.address}"


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposto")
    ACCEPTED = "accepted", _("accettato")
    REFUSED = "refused", _("rifiutato")


class Allocation(models.Model):
    offer = models.ForeignKey(DwellingOffer, related_name="allocations", on_delete=models.CASCADE)
    application = models.ForeignKey(
        Application, related_name="allocations", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("esito"),
        max_length=10,
        choices=AllocationStatus.choices,
        default=AllocationStatus.PROPOSED,
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("motivo del rifiuto"), max_length=300, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("proposta di assegnazione")
        verbose_name_plural = _("proposte di assegnazione")

        constraints = [
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="allocation_one_live_per_offer",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="accepted"),
                name="allocation_one_dwelling_per_application",
            ),
            models.UniqueConstraint(fields=["offer", "application"], name="allocation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} → {self.application}"


# --- Temporary units and placements ----------------------------------------------------------


class UnitKind(models.TextChoices):
    EMERGENCY_FLAT = "flat", _("alloggio di emergenza")
    AUTHORIZED_USE = "authorized", _("utilizzo autorizzato ERP")
    FACILITY_ROOM = "room", _("stanza in struttura di accoglienza")


class TemporaryUnit(models.Model):
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    name = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=12, choices=UnitKind.choices)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("posti"), default=4)
    active = models.BooleanField(_("in uso"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("unità temporanea")
        verbose_name_plural = _("unità temporanee")

    def __str__(self) -> str:
        return self.name


class PlacementCause(models.TextChoices):
    EVICTION = "eviction", _("sfratto esecutivo")
    DISASTER = "disaster", _("calamità")
    ORDINANCE = "ordinance", _("ordinanza di sgombero")
    FORECLOSURE = "foreclosure", _("pignoramento")
    BARRIERS = "barriers", _("disabilità e barriere architettoniche")
    SEPARATION = "separation", _("separazione con obbligo di rilascio")
    SETTLEMENT = "settlement", _("conciliazione giudiziale")
    CARE = "care", _("invalidità al 100% con assistenza continua")
    OTHER = "other", _("altra emergenza")


class Placement(TimeStampedModel):
    """A household's occupancy of a temporary unit; each night is a row, unique per unit."""

    unit = models.ForeignKey(TemporaryUnit, related_name="placements", on_delete=models.PROTECT)
    household = models.ForeignKey(Household, related_name="+", on_delete=models.PROTECT)
    housing_case = models.ForeignKey(
        HousingCase, related_name="placements", null=True, blank=True, on_delete=models.SET_NULL
    )
    cause = models.CharField(_("causa"), max_length=12, choices=PlacementCause.choices)
    starts_on = models.DateField(_("dal"))
    ends_on = models.DateField(_("fino al (previsto)"))
    closed_on = models.DateField(_("chiuso il"), null=True, blank=True)
    closing_note = models.CharField(_("esito"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("inserimento")
        verbose_name_plural = _("inserimenti")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="placement_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_on} / {self.ends_on}"

    @property
    def last_night(self) -> date:
        return self.closed_on or self.ends_on


class PlacementNight(models.Model):
    unit = models.ForeignKey(TemporaryUnit, related_name="+", on_delete=models.PROTECT)
    night = models.DateField()
    placement = models.ForeignKey(Placement, related_name="nights", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "night"], name="placement_one_household_a_night"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}@{self.night}"


# --- Grants --------------------------------------------------------------------------------


class GrantKind(models.TextChoices):
    RENT = "rent", _("contributo affitto")
    ARREARS = "arrears", _("morosità incolpevole")


class GrantStatus(models.TextChoices):
    SUBMITTED = "submitted", _("presentata")
    INELIGIBLE = "ineligible", _("non ammissibile")
    ELIGIBLE = "eligible", _("ammissibile")
    APPROVED = "approved", _("approvata")
    PAID = "paid", _("in pagamento")


class ArrearsCause(models.TextChoices):
    NONE = "", _("—")
    DISMISSAL = "dismissal", _("licenziamento")
    REDUCED_HOURS = "reduced_hours", _("riduzione dell'orario di lavoro")
    WAGE_FUND = "wage_fund", _("cassa integrazione")
    NOT_RENEWED = "not_renewed", _("contratto a termine non rinnovato")
    BUSINESS_CLOSED = "business_closed", _("cessazione di attività")
    ILLNESS = "illness", _("malattia grave, infortunio o decesso")


class Grant(TimeStampedModel):
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    kind = models.CharField(_("tipo"), max_length=10, choices=GrantKind.choices)
    ruleset = models.ForeignKey(RuleSet, related_name="+", on_delete=models.PROTECT)
    household = models.ForeignKey(Household, related_name="+", on_delete=models.PROTECT)
    applicant = models.ForeignKey(Person, related_name="+", on_delete=models.PROTECT)
    housing_case = models.ForeignKey(
        HousingCase, related_name="grants", null=True, blank=True, on_delete=models.SET_NULL
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    isee = models.DecimalField(_("ISEE (€)"), max_digits=10, decimal_places=2)
    annual_income = models.DecimalField(
        _("reddito annuo del nucleo (€)"), max_digits=10, decimal_places=2
    )
    annual_rent = models.DecimalField(_("canone annuo (€)"), max_digits=10, decimal_places=2)
    arrears = models.DecimalField(_("morosità (€)"), default=0, max_digits=10, decimal_places=2)
    arrears_cause = models.CharField(
        _("causa della morosità"), max_length=20, choices=ArrearsCause.choices, blank=True
    )
    lease_registered = models.BooleanField(_("contratto registrato"), default=True)
    eviction_for_arrears = models.BooleanField(_("sfratto per morosità in corso"), default=False)
    member_over_70 = models.BooleanField(_("componente ultrasettantenne"), default=False)
    member_invalid = models.BooleanField(_("componente invalido almeno al 74%"), default=False)
    member_minor = models.BooleanField(_("componente minorenne"), default=False)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    deadline = models.DateField(_("scadenza"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.SUBMITTED
    )
    checks = models.JSONField(_("verifica dei requisiti"), default=list)
    priority = models.BooleanField(_("priorità"), default=False)
    amount = models.DecimalField(
        _("importo (€)"), null=True, blank=True, max_digits=10, decimal_places=2
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contributo")
        verbose_name_plural = _("contributi")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "household", "year"], name="grant_one_per_household_year"
            ),
            models.CheckConstraint(condition=Q(isee__gte=0), name="grant_isee_positive"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="grant_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"
