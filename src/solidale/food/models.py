"""Food support: programs and cards, distributions, inventory with lots, home meal rounds.

Stock lives in :class:`Lot` rows; every change is an append-only :class:`Movement`, and
the lot's ``quantity`` is the running sum of its movements, changed only by a conditional
UPDATE in the same transaction (never below zero: a check constraint backs it).
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood
from solidale.people.models import Household, Person, Sex

ZERO = Decimal("0")
CARD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_card_code() -> str:
    return "".join(secrets.choice(CARD_ALPHABET) for _ in range(8))


class ProgramKind(models.TextChoices):
    PARCEL = "parcel", _("pacco alimentare mensile")
    CANTEEN = "canteen", _("mensa (pasti caldi)")
    EMPORIO = "emporio", _("emporio solidale a punti")
    HOME_MEALS = "home_meals", _("pasti a domicilio")
    VOUCHER = "voucher", _("buoni spesa")


class EntitlementUnit(models.TextChoices):
    PARCELS = "parcels", _("pacchi")
    MEALS = "meals", _("pasti")
    POINTS = "points", _("punti")
    EURO = "euro", _("euro")


class Program(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("ente gestore"), related_name="+", on_delete=models.PROTECT
    )
    name = models.CharField(_("nome"), max_length=150)
    kind = models.CharField(_("tipo"), max_length=12, choices=ProgramKind.choices)
    unit = models.CharField(
        _("unità del diritto mensile"), max_length=8, choices=EntitlementUnit.choices
    )
    isee_ceiling = models.DecimalField(
        _("soglia ISEE (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Vuoto: nessuna soglia ISEE."),
    )
    min_household_size = models.PositiveSmallIntegerField(_("componenti minimi"), default=1)
    max_household_size = models.PositiveSmallIntegerField(
        _("componenti massimi"), null=True, blank=True
    )
    residence_municipality = models.CharField(
        _("residenza richiesta nel comune di"),
        max_length=100,
        blank=True,
        help_text=_("Vuoto: nessun requisito di residenza."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validità della tessera (mesi)"), default=3
    )
    max_per_day = models.PositiveSmallIntegerField(_("massimo di ritiri al giorno"), default=1)
    min_interval_days = models.PositiveSmallIntegerField(
        _("giorni minimi tra due ritiri"), default=0
    )
    exclusive_group = models.CharField(
        _("gruppo di esclusione"),
        max_length=40,
        blank=True,
        help_text=_(
            "Programmi con lo stesso gruppo si escludono a vicenda nello stesso mese "
            "(es. «pacco» per pacco mensile ed emporio)."
        ),
    )
    presence_required = models.BooleanField(
        _("ritiro solo di persona"),
        default=False,
        help_text=_("No: può ritirare un componente del nucleo o un delegato."),
    )
    points: models.ManyToManyField[DistributionPoint, Any] = models.ManyToManyField(
        "DistributionPoint", verbose_name=_("punti di distribuzione"), related_name="programs"
    )
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programma")
        verbose_name_plural = _("programmi")
        constraints = [
            models.CheckConstraint(condition=Q(max_per_day__gte=1), name="program_max_per_day"),
            models.CheckConstraint(
                condition=Q(max_household_size__isnull=True)
                | Q(max_household_size__gte=F("min_household_size")),
                name="program_household_size_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Entitlement(models.Model):
    """From ``household_size`` members up (until the next row), ``quantity`` units a month."""

    program = models.ForeignKey(Program, related_name="entitlements", on_delete=models.CASCADE)
    household_size = models.PositiveSmallIntegerField(_("da componenti"))
    quantity = models.PositiveIntegerField(_("quantità mensile"))

    class Meta:
        ordering = ["program", "household_size"]
        verbose_name = _("diritto mensile")
        verbose_name_plural = _("diritti mensili")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "household_size"], name="entitlement_one_per_size"
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1), name="entitlement_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.household_size}+ → {self.quantity}"


class DistributionPoint(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizzazione"), related_name="+", on_delete=models.PROTECT
    )
    name = models.CharField(_("nome"), max_length=150)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartiere"), null=True, blank=True, on_delete=models.SET_NULL
    )
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("punto di distribuzione")
        verbose_name_plural = _("punti di distribuzione")

    def __str__(self) -> str:
        return self.name

    @property
    def duty_target(self) -> str:
        return f"food.point:{self.pk}"


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("attiva")
    SUSPENDED = "suspended", _("sospesa")
    CLOSED = "closed", _("chiusa")


class Card(models.Model):
    """A household's enrolment in a program: the tessera with its QR code."""

    program = models.ForeignKey(Program, related_name="cards", on_delete=models.PROTECT)
    household = models.ForeignKey(
        Household, verbose_name=_("nucleo"), related_name="+", on_delete=models.PROTECT
    )
    holder = models.ForeignKey(
        Person, verbose_name=_("intestatario"), related_name="+", on_delete=models.PROTECT
    )
    code = models.CharField(_("codice tessera"), max_length=12, unique=True, default=new_card_code)
    status = models.CharField(
        _("stato"), max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    household_size = models.PositiveSmallIntegerField(_("componenti del nucleo"))
    isee = models.DecimalField(_("ISEE (€)"), max_digits=9, decimal_places=2, null=True, blank=True)
    eligibility = models.JSONField(_("esito della verifica dei requisiti"), default=list)
    exception_reason = models.TextField(_("motivo della deroga"), blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deroga decisa da"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    delegate_name = models.CharField(_("delegato al ritiro"), max_length=150, blank=True)
    valid_from = models.DateField(_("valida dal"))
    valid_until = models.DateField(_("valida fino al"))
    status_reason = models.TextField(_("motivo dell'ultimo cambio di stato"), blank=True)
    reminded_at = models.DateTimeField(_("promemoria di rinnovo inviato il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tessera")
        verbose_name_plural = _("tessere")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "household"],
                condition=~Q(status="closed"),
                name="card_one_open_per_household_and_program",
                violation_error_message=_("Il nucleo ha già una tessera per questo programma."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="card_validity_ordered"
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1), name="card_household_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Tessera %(code)s") % {"code": self.code})

    def is_expired(self, day: object = None) -> bool:
        return self.valid_until < (day or timezone.localdate())  # type: ignore[operator]


class Distribution(models.Model):
    class CollectedBy(models.TextChoices):
        HOLDER = "holder", _("intestatario")
        MEMBER = "member", _("altro componente del nucleo")
        DELEGATE = "delegate", _("delegato")

    card = models.ForeignKey(Card, related_name="distributions", on_delete=models.PROTECT)
    program = models.ForeignKey(Program, related_name="+", on_delete=models.PROTECT)
    household = models.ForeignKey(Household, related_name="+", on_delete=models.PROTECT)
    point = models.ForeignKey(DistributionPoint, related_name="+", on_delete=models.PROTECT)
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    at = models.DateTimeField(_("quando"), default=timezone.now)
    day = models.DateField(_("giorno"))
    period = models.DateField(_("mese"), help_text=_("Il primo giorno del mese di competenza."))
    quantity = models.PositiveIntegerField(_("quantità"))
    household_size = models.PositiveSmallIntegerField(_("componenti del nucleo"))
    collected_by = models.CharField(
        _("ritirato da"), max_length=10, choices=CollectedBy.choices, default=CollectedBy.HOLDER
    )
    delegate_name = models.CharField(_("nome del delegato"), max_length=150, blank=True)
    override_reason = models.TextField(_("motivo della forzatura"), blank=True)
    warnings = models.JSONField(_("avvisi"), default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("distribuzione")
        verbose_name_plural = _("distribuzioni")
        indexes = [
            models.Index(fields=["household", "period"], name="distribution_household_period"),
            models.Index(fields=["card", "day"], name="distribution_card_day"),
            models.Index(fields=["day"], name="distribution_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="distribution_quantity")
        ]

    def __str__(self) -> str:
        return str(_("Distribuzione del %(day)s") % {"day": self.day})


class AgeBand(models.TextChoices):
    UNKNOWN = "", _("non nota")
    CHILD = "0-17", _("0-17 anni")
    YOUNG = "18-29", _("18-29 anni")
    ADULT = "30-64", _("30-64 anni")
    ELDER = "65+", _("65 anni e oltre")


class AnonymousDistribution(models.Model):
    """Emergency mode: goods given without a person record, counted by kind, age band, sex."""

    class Kind(models.TextChoices):
        MEAL = "meal", _("pasto")
        PARCEL = "parcel", _("pacco")
        HOT_DRINK = "drink", _("bevanda calda")
        HYGIENE_KIT = "hygiene", _("kit igiene")
        BLANKET = "blanket", _("coperta / sacco a pelo")

    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    point = models.ForeignKey(
        DistributionPoint, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartiere"), null=True, blank=True, on_delete=models.SET_NULL
    )
    day = models.DateField(_("giorno"), default=timezone.localdate)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    age_band = models.CharField(
        _("fascia d'età"), max_length=6, choices=AgeBand.choices, blank=True
    )
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices, blank=True)
    count = models.PositiveIntegerField(_("quante"), default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("distribuzione anonima")
        verbose_name_plural = _("distribuzioni anonime")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="anonymous_count_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} x {self.count}"


# --- Inventory -----------------------------------------------------------------------------


class ItemCategory(models.TextChoices):
    PASTA = "pasta", _("pasta, riso e cereali")
    CANNED = "canned", _("conserve e legumi")
    DAIRY = "dairy", _("latte e latticini")
    OIL = "oil", _("olio e condimenti")
    FRESH = "fresh", _("frutta e verdura")
    BABY = "baby", _("prima infanzia")
    HYGIENE = "hygiene", _("igiene personale")
    MEAL = "meal", _("pasti pronti")
    OTHER = "other", _("altro")


class NutritionalGroup(models.TextChoices):
    CEREALS = "cereals", _("cereali e derivati")
    PROTEINS = "proteins", _("carne, pesce, uova, legumi")
    DAIRY = "dairy", _("latte e derivati")
    FATS = "fats", _("grassi da condimento")
    FRUIT_VEG = "fruit_veg", _("frutta e ortaggi")
    NONE = "none", _("non alimentare")


class Item(models.Model):
    class Unit(models.TextChoices):
        PIECE = "pz", _("pezzi")
        KG = "kg", _("kg")
        LITRE = "l", _("litri")

    name = models.CharField(_("nome"), max_length=150, unique=True)
    category = models.CharField(_("categoria"), max_length=10, choices=ItemCategory.choices)
    unit = models.CharField(_("unità"), max_length=3, choices=Unit.choices, default=Unit.PIECE)
    unit_weight_kg = models.DecimalField(
        _("peso per unità (kg)"), max_digits=8, decimal_places=3, default=Decimal("1")
    )
    nutritional_group = models.CharField(
        _("gruppo nutrizionale"), max_length=10, choices=NutritionalGroup.choices
    )
    perishable = models.BooleanField(_("deperibile"), default=False)
    low_stock_threshold = models.DecimalField(
        _("scorta minima"), max_digits=10, decimal_places=2, default=ZERO
    )
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("articolo")
        verbose_name_plural = _("articoli")

    def __str__(self) -> str:
        return self.name


class Warehouse(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizzazione"), related_name="+", on_delete=models.PROTECT
    )
    name = models.CharField(_("nome"), max_length=150)
    point = models.OneToOneField(
        DistributionPoint,
        verbose_name=_("punto di distribuzione"),
        related_name="warehouse",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("magazzino")
        verbose_name_plural = _("magazzini")

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    FOOD_BANK = "food_bank", _("rete del Banco Alimentare")
    FSE = "fse", _("programma FSE+ (ex FEAD)")
    RETAIL = "retail", _("eccedenze della grande distribuzione")
    PRIVATE = "private", _("donatori privati e collette")
    MUNICIPAL = "municipal", _("acquisto del Comune")
    PURCHASE = "purchase", _("acquisto dell'organizzazione")


class Donation(models.Model):
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    warehouse = models.ForeignKey(Warehouse, related_name="donations", on_delete=models.PROTECT)
    donor = models.CharField(_("donatore"), max_length=150)
    source = models.CharField(_("fonte"), max_length=10, choices=Source.choices)
    received_on = models.DateField(_("ricevuta il"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("donazione")
        verbose_name_plural = _("donazioni")

    def __str__(self) -> str:
        return f"{self.donor} ({self.received_on})"


class Lot(models.Model):
    item = models.ForeignKey(Item, related_name="lots", on_delete=models.PROTECT)
    warehouse = models.ForeignKey(Warehouse, related_name="lots", on_delete=models.PROTECT)
    expiry = models.DateField(_("scadenza"), null=True, blank=True)
    source = models.CharField(_("fonte"), max_length=10, choices=Source.choices)
    donation = models.ForeignKey(
        Donation, related_name="lots", null=True, blank=True, on_delete=models.PROTECT
    )
    received_on = models.DateField(_("ricevuto il"), default=timezone.localdate)
    #: The sum of the lot's movements, kept by a conditional UPDATE beside each movement.
    quantity = models.DecimalField(_("giacenza"), max_digits=12, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ["item__name", "expiry", "id"]
        verbose_name = _("lotto")
        verbose_name_plural = _("lotti")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="lot_stock_never_negative",
                violation_error_message=_("La giacenza non può diventare negativa."),
            )
        ]
        indexes = [models.Index(fields=["warehouse", "item", "expiry"], name="lot_fefo")]

    def __str__(self) -> str:
        expiry = self.expiry.strftime("%d/%m/%Y") if self.expiry else "—"
        return f"{self.item} · {expiry}"


class MovementKind(models.TextChoices):
    DONATION = "donation", _("donazione in entrata")
    PURCHASE = "purchase", _("acquisto")
    TRANSFER_OUT = "transfer_out", _("trasferimento in uscita")
    TRANSFER_IN = "transfer_in", _("trasferimento in entrata")
    DISTRIBUTION = "distribution", _("distribuzione")
    ISSUE = "issue", _("uscita per altro servizio")
    WASTE = "waste", _("scarto")
    ADJUSTMENT = "adjustment", _("rettifica da inventario")


class Movement(models.Model):
    """Append-only: a movement is never changed or deleted (a mistake is corrected by another)."""

    lot = models.ForeignKey(Lot, related_name="movements", on_delete=models.PROTECT)
    kind = models.CharField(_("tipo"), max_length=12, choices=MovementKind.choices)
    quantity = models.DecimalField(_("quantità"), max_digits=12, decimal_places=2)
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("motivo"), max_length=255, blank=True)
    reference = models.CharField(_("riferimento"), max_length=100, blank=True)
    distribution = models.ForeignKey(
        Distribution, related_name="movements", null=True, blank=True, on_delete=models.PROTECT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("movimento")
        verbose_name_plural = _("movimenti")
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="movement_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind="waste") | ~Q(reason=""), name="movement_waste_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity}"


class Transfer(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("spedito")
        RECEIVED = "received", _("ricevuto")

    from_warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("da"), related_name="+", on_delete=models.PROTECT
    )
    to_warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("a"), related_name="+", on_delete=models.PROTECT
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    note = models.CharField(_("note"), max_length=255, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("trasferimento")
        verbose_name_plural = _("trasferimenti")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_warehouse=F("to_warehouse")),
                name="transfer_not_to_itself",
                violation_error_message=_("Un magazzino non trasferisce a se stesso."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_warehouse} → {self.to_warehouse}"


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, related_name="lines", on_delete=models.CASCADE)
    lot = models.ForeignKey(Lot, related_name="+", on_delete=models.PROTECT)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    received_lot = models.ForeignKey(
        Lot, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transferline_positive")
        ]

    def __str__(self) -> str:
        return f"{self.lot} x {self.quantity}"


class StockTake(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("in corso")
        CLOSED = "closed", _("chiuso")

    warehouse = models.ForeignKey(Warehouse, related_name="stocktakes", on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("inventario")
        verbose_name_plural = _("inventari")
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse"],
                condition=Q(status="open"),
                name="stocktake_one_open_per_warehouse",
                violation_error_message=_("Un inventario è già in corso in questo magazzino."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Inventario del %(day)s") % {"day": self.started_at.strftime("%d/%m/%Y")})


class StockTakeLine(models.Model):
    stocktake = models.ForeignKey(StockTake, related_name="lines", on_delete=models.CASCADE)
    lot = models.ForeignKey(Lot, related_name="+", on_delete=models.PROTECT)
    expected = models.DecimalField(max_digits=12, decimal_places=2)
    counted = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["lot__item__name", "lot__expiry"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "lot"], name="stocktakeline_one_per_lot"),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0),
                name="stocktakeline_counted_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot}: {self.counted}"


# --- Home meal rounds ----------------------------------------------------------------------


class MealRecipient(models.Model):
    """A person assessed as needing home-delivered meals, with the delivery schedule."""

    card = models.ForeignKey(Card, related_name="meal_recipients", on_delete=models.PROTECT)
    person = models.ForeignKey(Person, related_name="+", on_delete=models.PROTECT)
    address = models.CharField(_("indirizzo di consegna"), max_length=200)
    latitude = models.FloatField(_("latitudine"))
    longitude = models.FloatField(_("longitudine"))
    weekdays = models.CharField(
        _("giorni di consegna"),
        max_length=7,
        default="12345",
        help_text=_("Numeri dei giorni: 1 = lunedì … 7 = domenica."),
    )
    window_start = models.TimeField(_("consegna dalle"))
    window_end = models.TimeField(_("consegna entro le"))
    meals = models.PositiveSmallIntegerField(_("pasti per consegna"), default=1)
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assistente sociale di riferimento"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    missed_in_a_row = models.PositiveSmallIntegerField(_("assenze consecutive"), default=0)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["person__family_name"]
        verbose_name = _("destinatario di pasti a domicilio")
        verbose_name_plural = _("destinatari di pasti a domicilio")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="mealrecipient_window"
            ),
            models.UniqueConstraint(
                fields=["card", "person"], name="mealrecipient_one_per_card_person"
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Round(models.Model):
    kitchen = models.ForeignKey(
        DistributionPoint, verbose_name=_("cucina"), related_name="+", on_delete=models.PROTECT
    )
    day = models.DateField(_("giorno"))
    vehicles = models.PositiveSmallIntegerField(_("mezzi"), default=1)
    capacity = models.PositiveSmallIntegerField(_("pasti per mezzo"), default=30)
    start_time = models.TimeField(_("partenza"))
    distance_m = models.PositiveIntegerField(_("percorso totale (m)"), default=0)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    planned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("giro di consegna")
        verbose_name_plural = _("giri di consegna")
        constraints = [
            models.UniqueConstraint(fields=["kitchen", "day"], name="round_one_per_kitchen_day"),
            models.CheckConstraint(condition=Q(vehicles__gte=1), name="round_vehicles"),
        ]

    def __str__(self) -> str:
        return str(_("Giro del %(day)s") % {"day": self.day.strftime("%d/%m/%Y")})


class StopOutcome(models.TextChoices):
    PENDING = "", _("da consegnare")
    DELIVERED = "delivered", _("consegnato")
    NOT_HOME = "not_home", _("non in casa")
    REFUSED = "refused", _("rifiutato")


class RoundStop(models.Model):
    round = models.ForeignKey(Round, related_name="stops", on_delete=models.CASCADE)
    recipient = models.ForeignKey(MealRecipient, related_name="stops", on_delete=models.PROTECT)
    vehicle = models.PositiveSmallIntegerField(_("mezzo"))
    sequence = models.PositiveSmallIntegerField(_("ordine"))
    eta = models.TimeField(_("arrivo previsto"), null=True, blank=True)
    outcome = models.CharField(
        _("esito"), max_length=10, choices=StopOutcome.choices, blank=True, default=""
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["vehicle", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["round", "recipient"], name="roundstop_one_per_round"),
            models.UniqueConstraint(
                fields=["round", "vehicle", "sequence"], name="roundstop_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle}.{self.sequence} {self.recipient}"
