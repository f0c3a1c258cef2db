"""The cartella sociale: taking charge of a person, assessment, plan, interventions, diary.

Phases (DOMAIN.md): A access and orientation → B assessment → C individual plan →
D interventions → E final assessment and closure. The history of openings, closings
and changes of social worker is the append-only :class:`CaseEvent` table; records are
never deleted. Interventions are planned and coded with the SIUSS nomenclature
(:class:`InterventionType`, loaded as data); payments are :class:`Provision` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import TimeStampedModel
from solidale.desk.models import Access
from solidale.people.models import Household, Person


class CaseArea(models.TextChoices):
    MINORS_FAMILIES = "minors_families", _("minori e famiglie")
    ELDERLY = "elderly", _("anziani")
    DISABILITY = "disability", _("disabilità e non autosufficienza")
    ADULTS = "adults", _("adulti in difficoltà")
    MIGRANTS = "migrants", _("migranti")
    ADDICTIONS = "addictions", _("dipendenze")
    OTHER = "other", _("altro")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("aperta")
    CLOSED = "closed", _("chiusa")


class CasePhase(models.TextChoices):
    ACCESS = "A", _("A — accesso e orientamento")
    ASSESSMENT = "B", _("B — valutazione del bisogno")
    PLAN = "C", _("C — progetto personalizzato")
    INTERVENTIONS = "D", _("D — erogazione degli interventi")
    CLOSURE = "E", _("E — valutazione finale e chiusura")


class CaseOutcome(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("obiettivi raggiunti")
    PARTIALLY_REACHED = "partially_reached", _("obiettivi raggiunti in parte")
    TRANSFERRED = "transferred", _("trasferita ad altro servizio")
    MOVED_AWAY = "moved_away", _("trasferimento in altro comune")
    REFUSED = "refused", _("rinuncia della persona")
    DECEASED = "deceased", _("decesso")
    OTHER = "other", _("altro")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.OPEN)


class Case(TimeStampedModel):
    """A presa in carico of a person (and, when stated, their household) by the Comune."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("ente titolare"), related_name="+", on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), related_name="cases", on_delete=models.PROTECT
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("nucleo familiare in carico"),
        related_name="cases",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    area = models.CharField(_("area"), max_length=20, choices=CaseArea.choices)
    status = models.CharField(
        _("stato"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    phase = models.CharField(
        _("fase"), max_length=1, choices=CasePhase.choices, default=CasePhase.ACCESS
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assistente sociale responsabile"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    opening_reason = models.TextField(_("motivo dell'apertura"))
    opened_at = models.DateTimeField(_("aperta il"), default=timezone.now)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    outcome = models.CharField(_("esito"), max_length=20, choices=CaseOutcome.choices, blank=True)
    closing_notes = models.TextField(_("note di chiusura"), blank=True)
    next_review_on = models.DateField(_("prossima verifica"), null=True, blank=True)
    review_reminded_on = models.DateField(
        _("promemoria di verifica inviato per il"), null=True, blank=True, editable=False
    )

    accesses: models.ManyToManyField[Access, CaseAccess] = models.ManyToManyField(
        Access, verbose_name=_("accessi collegati"), through="CaseAccess", related_name="cases"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("cartella sociale")
        verbose_name_plural = _("cartelle sociali")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person", "area"],
                condition=Q(status="open"),
                name="case_one_open_per_person_and_area",
                violation_error_message=_("La persona ha già una cartella aperta in quest'area."),
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True))
                | (Q(status="closed") & Q(closed_at__isnull=False)),
                name="case_closed_has_a_date",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible", "status"], name="case_responsible_status"),
            models.Index(fields=["person", "status"], name="case_person_status"),
        ]

    def __str__(self) -> str:
        return str(_("Cartella n. %(id)s") % {"id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseAccess(models.Model):
    """An access (desk contact) the case came from or that belongs to it."""

    case = models.ForeignKey(Case, related_name="access_links", on_delete=models.CASCADE)
    access = models.ForeignKey(Access, related_name="case_links", on_delete=models.PROTECT)
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["linked_at", "id"]
        verbose_name = _("accesso collegato")
        verbose_name_plural = _("accessi collegati")
        constraints = [
            models.UniqueConstraint(fields=["case", "access"], name="caseaccess_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.access_id}"


class TeamRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("assistente sociale responsabile")
    SOCIAL_WORKER = "social_worker", _("assistente sociale")
    EDUCATOR = "educator", _("educatore")
    PSYCHOLOGIST = "psychologist", _("psicologo")
    PARTNER = "partner", _("operatore dell'ente partner")
    OTHER = "other", _("altro")


class CaseMemberQuerySet(models.QuerySet["CaseMember"]):
    def current(self) -> CaseMemberQuerySet:
        return self.filter(left_at__isnull=True)


class CaseMember(models.Model):
    """A member of the case team: a Comune user or an operator of a partner organization."""

    case = models.ForeignKey(Case, related_name="members", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizzazione"), related_name="+", on_delete=models.PROTECT
    )
    role = models.CharField(_("ruolo nella cartella"), max_length=20, choices=TeamRole.choices)
    joined_at = models.DateTimeField(_("dal"), default=timezone.now)
    left_at = models.DateTimeField(_("al"), null=True, blank=True)

    objects = CaseMemberQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("componente dell'équipe")
        verbose_name_plural = _("équipe")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(left_at__isnull=True),
                name="casemember_once_per_case",
                violation_error_message=_("Questa persona fa già parte dell'équipe."),
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "case"],
                name="casemember_current",
                condition=Q(left_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class CaseEvent(models.Model):
    """The append-only history of a case: openings, closings, changes of social worker."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("presa in carico")
        CLOSED = "closed", _("chiusura")
        REOPENED = "reopened", _("riapertura")
        RESPONSIBLE_CHANGED = "responsible_changed", _("cambio di assistente sociale")
        MEMBER_ADDED = "member_added", _("ingresso nell'équipe")
        MEMBER_LEFT = "member_left", _("uscita dall'équipe")
        PHASE_CHANGED = "phase_changed", _("cambio di fase")
        ACCESS_LINKED = "access_linked", _("accesso collegato")

    case = models.ForeignKey(Case, related_name="events", on_delete=models.PROTECT)
    kind = models.CharField(_("evento"), max_length=24, choices=Kind.choices)
    at = models.DateTimeField(_("quando"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    detail = models.CharField(_("dettaglio"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento della cartella")
        verbose_name_plural = _("storia della cartella")
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class LifeDomain(models.Model):
    """A life domain of the assessment (housing, income, work…): data, not code."""

    code = models.SlugField(_("codice"), max_length=30, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("ambito di vita")
        verbose_name_plural = _("ambiti di vita")

    def __str__(self) -> str:
        return self.name


SCORE_MIN = 1
SCORE_MAX = 5


class Assessment(models.Model):
    """One assessment of the case (repeatable): a score per life domain."""

    case = models.ForeignKey(Case, related_name="assessments", on_delete=models.PROTECT)
    assessed_on = models.DateField(_("data della valutazione"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    summary = models.TextField(_("sintesi"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("valutazione")
        verbose_name_plural = _("valutazioni")

    def __str__(self) -> str:
        return str(_("Valutazione del %(d)s") % {"d": self.assessed_on.strftime("%d/%m/%Y")})


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(Assessment, related_name="scores", on_delete=models.CASCADE)
    domain = models.ForeignKey(LifeDomain, related_name="+", on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField(_("punteggio"))
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["domain__order", "domain__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="assessmentscore_one_per_domain"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX),
                name="assessmentscore_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.score}"


class PlanStage(models.TextChoices):
    """The GePI structure of the Assegno di Inclusione plan."""

    PRELIMINARY = "preliminary", _("analisi preliminare")
    FRAMEWORK = "framework", _("quadro di analisi")
    PACT = "pact", _("patto sottoscritto")


class Plan(TimeStampedModel):
    """The individual plan (progetto personalizzato), one per case."""

    case = models.OneToOneField(Case, related_name="plan", on_delete=models.PROTECT)
    stage = models.CharField(
        _("fase del progetto"),
        max_length=12,
        choices=PlanStage.choices,
        default=PlanStage.PRELIMINARY,
    )
    preliminary_analysis = models.TextField(_("analisi preliminare"), blank=True)
    framework = models.TextField(_("quadro di analisi"), blank=True)
    pact_signed_on = models.DateField(_("patto sottoscritto il"), null=True, blank=True)
    review_on = models.DateField(_("data di verifica"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("progetto personalizzato")
        verbose_name_plural = _("progetti personalizzati")

    def __str__(self) -> str:
        return str(_("Progetto della cartella n. %(id)s") % {"id": self.case_id})


class PlanGoal(models.Model):
    plan = models.ForeignKey(Plan, related_name="goals", on_delete=models.CASCADE)
    title = models.CharField(_("obiettivo"), max_length=200)
    domain = models.ForeignKey(
        LifeDomain,
        verbose_name=_("ambito"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    target_on = models.DateField(_("entro il"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    NOT_STARTED = "todo", _("da fare")
    IN_PROGRESS = "in_progress", _("in corso")
    DONE = "done", _("fatta")
    CANCELLED = "cancelled", _("annullata")


class PlanAction(models.Model):
    """An action of a goal: who does what, by when, and how far along it is."""

    goal = models.ForeignKey(PlanGoal, related_name="actions", on_delete=models.CASCADE)
    title = models.CharField(_("azione"), max_length=200)
    owner_organization = models.ForeignKey(
        Organization, verbose_name=_("chi la svolge"), related_name="+", on_delete=models.PROTECT
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operatore"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    due_on = models.DateField(_("scadenza"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="planaction_progress_pct")
        ]

    def __str__(self) -> str:
        return self.title


class Character(models.TextChoices):
    """SIUSS: 1 periodic, 2 one-off."""

    PERIODIC = "periodic", _("periodica")
    ONE_OFF = "one_off", _("una tantum")


class InterventionType(models.Model):
    """A SIUSS provision code (national table, loaded as data)."""

    code = models.CharField(_("codice SIUSS"), max_length=10, unique=True)
    name = models.CharField(_("denominazione"), max_length=200)
    is_economic = models.BooleanField(_("economica"), default=False)
    default_character = models.CharField(
        _("carattere abituale"), max_length=10, choices=Character.choices
    )
    note = models.CharField(_("nota"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in uso"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tipo di prestazione (SIUSS)")
        verbose_name_plural = _("tipi di prestazione (SIUSS)")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class InterventionStatus(models.TextChoices):
    REQUESTED = "requested", _("richiesta")
    APPROVED = "approved", _("approvata")
    REFUSED = "refused", _("respinta")
    ACTIVE = "active", _("in corso")
    ENDED = "ended", _("conclusa")


class Unit(models.TextChoices):
    HOURS = "hours", _("ore")
    DAYS = "days", _("giorni")
    MONTHS = "months", _("mesi")
    MEALS = "meals", _("pasti")
    VOUCHERS = "vouchers", _("buoni")
    ACCESSES = "accesses", _("accessi")
    OTHER = "other", _("altro")


class Intervention(TimeStampedModel):
    """A planned intervention (prestazione) of the case."""

    case = models.ForeignKey(Case, related_name="interventions", on_delete=models.PROTECT)
    type = models.ForeignKey(
        InterventionType, verbose_name=_("prestazione"), related_name="+", on_delete=models.PROTECT
    )
    provider = models.ForeignKey(
        Organization, verbose_name=_("ente erogatore"), related_name="+", on_delete=models.PROTECT
    )
    start_on = models.DateField(_("inizio"))
    end_on = models.DateField(_("fine"), null=True, blank=True)
    quantity = models.DecimalField(
        _("quantità"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unità"), max_length=10, choices=Unit.choices, blank=True)
    amount = models.DecimalField(
        _("importo (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    character = models.CharField(_("carattere"), max_length=10, choices=Character.choices)
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=InterventionStatus.choices,
        default=InterventionStatus.REQUESTED,
    )
    notes = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decision_notes = models.TextField(_("motivazione"), blank=True)

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("prestazione")
        verbose_name_plural = _("prestazioni")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="intervention_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="intervention_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")),
                name="intervention_four_eyes",
            ),
        ]
        indexes = [models.Index(fields=["status", "case"], name="intervention_status_case")]

    def __str__(self) -> str:
        return f"{self.type.code} — {self.type.name}"


class Provision(models.Model):
    """A payment or delivery of an intervention: what the SIUSS export reads."""

    intervention = models.ForeignKey(
        Intervention, related_name="provisions", on_delete=models.PROTECT
    )
    provided_on = models.DateField(_("data"))
    amount = models.DecimalField(_("importo (€)"), max_digits=10, decimal_places=2)
    reference = models.CharField(_("riferimento (mandato, protocollo)"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-provided_on", "-id"]
        verbose_name = _("erogazione")
        verbose_name_plural = _("erogazioni")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="provision_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.provided_on} {self.amount} €"


class NoteKind(models.TextChoices):
    INTERVIEW = "interview", _("colloquio")
    HOME_VISIT = "home_visit", _("visita domiciliare")
    PHONE = "phone", _("telefonata")
    MEETING = "meeting", _("riunione")
    EMAIL = "email", _("e-mail")
    OTHER = "other", _("altro")


class NoteQuerySet(models.QuerySet["Note"]):
    def readable_by(self, user: object) -> NoteQuerySet:
        """Reserved notes only for their author and the current team of their case."""
        user_id = getattr(user, "pk", None) or 0
        team = CaseMember.objects.current().filter(user_id=user_id).values("case_id")
        return self.filter(Q(reserved=False) | Q(author_id=user_id) | Q(case_id__in=team))


class Note(models.Model):
    """A diary note; a reserved one is for its author and the case team only."""

    case = models.ForeignKey(Case, related_name="notes", on_delete=models.PROTECT)
    kind = models.CharField(_("tipo"), max_length=12, choices=NoteKind.choices)
    at = models.DateTimeField(_("quando"), default=timezone.now)
    text = models.TextField(_("testo"))
    reserved = models.BooleanField(
        _("riservata"), default=False, help_text=_("Visibile solo all'autore e all'équipe.")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nota di diario")
        verbose_name_plural = _("diario")
        indexes = [models.Index(fields=["case", "at"], name="note_case_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    ODT = "odt", "ODT"
    DOCX = "docx", "DOCX"


class Document(models.Model):
    """A private document of the case: stored under MEDIA_ROOT/private with a random name."""

    case = models.ForeignKey(Case, related_name="documents", on_delete=models.PROTECT)
    title = models.CharField(_("titolo"), max_length=200)
    kind = models.CharField(_("formato"), max_length=5, choices=DocumentKind.choices)
    original_name = models.CharField(_("nome originale"), max_length=200)
    path = models.CharField(max_length=200, unique=True, editable=False)
    size = models.PositiveIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    """Something to do on the case by a date; open ones show on the worker's landing page."""

    case = models.ForeignKey(Case, related_name="follow_ups", on_delete=models.PROTECT)
    title = models.CharField(_("cosa fare"), max_length=200)
    due_on = models.DateField(_("entro il"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("a chi"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("fatto il"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("scadenza")
        verbose_name_plural = _("scadenze")
        indexes = [
            models.Index(
                fields=["assigned_to", "due_on"],
                name="followup_open_by_user",
                condition=Q(done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.title
