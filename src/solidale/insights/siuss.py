"""The SIUSS flow of provisions (prestazioni sociali) for INPS's Casellario dell'assistenza.

One record per intervention with provisions paid in the period: the body, the
beneficiary, up to five addresses and the provision (DOMAIN.md, "SIUSS"). Every record is
validated before the flow is built; records with errors stay out of the XML and are
listed, each with its reasons, so the office can correct them and send them next time.
Element names follow the published record layout and are to be checked against the
official XSD before the first transmission.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from codicefiscale import codicefiscale
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from solidale.cases.models import CaseArea, Character, InterventionStatus, Provision
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError

from .models import SiussFlow
from .permissions import is_comune_coordinator, membership_of

NAMESPACE = "http://inps.it/Casellario"
#: Citizenship (as written in the registry) → ISO 3166 numeric; 990 = unknown.
CITIZENSHIP = {
    "italiana": "380",
    "rumena": "642",
    "marocchina": "504",
    "albanese": "008",
    "ucraina": "804",
    "senegalese": "686",
    "nigeriana": "566",
    "peruviana": "604",
    "tunisina": "788",
    "pakistana": "586",
    "cinese": "156",
}
UNKNOWN_CITIZENSHIP = "990"
ITALY = "380"
#: The Comune's own municipality: ISTAT code and region (Tuscany).
HOME_MUNICIPALITIES = {"massa": ("09", "045010")}
#: The user area of a taken-in-charge provision: 1 family and minors, 2 disability and
#: dependence, 3 poverty and exclusion.
USER_AREA = {
    CaseArea.MINORS_FAMILIES: "1",
    CaseArea.DISABILITY: "2",
    CaseArea.ELDERLY: "2",
}
BELFIORE = re.compile(r"^[A-Z]\d{3}$")


def body_code() -> str:
    return str(settings.SOLIDALE_SIUSS_BODY_CODE)


def body_belfiore() -> str:
    return str(settings.SOLIDALE_SIUSS_BODY_BELFIORE)


@dataclass
class Record:
    intervention_id: int
    case_id: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def build_records(organization_id: int, start: date, end: date) -> list[Record]:
    """One validated record per intervention of the organization's cases with provisions
    in ``start``…``end``."""
    provisions = (
        Provision.objects.filter(
            provided_on__range=(start, end),
            intervention__case__organization_id=organization_id,
        )
        .exclude(intervention__status=InterventionStatus.REFUSED)
        .select_related("intervention__type", "intervention__case__person")
        .order_by("intervention_id", "provided_on")
    )
    grouped: dict[int, list[Provision]] = defaultdict(list)
    for provision in provisions:
        grouped[provision.intervention_id].append(provision)
    return [_record(rows) for rows in grouped.values()]


def _record(provisions: list[Provision]) -> Record:
    intervention = provisions[0].intervention
    case = intervention.case
    person = case.person
    kind = intervention.type
    record = Record(intervention.pk, case.pk, kind.code)
    errors = record.errors
    cf = (person.codice_fiscale or "").upper()
    if not cf:
        errors.append(_("Manca il codice fiscale del beneficiario."))
    elif not codicefiscale.is_valid(cf):
        errors.append(_("Il codice fiscale del beneficiario non è valido."))
    surname, name = person.family_name.strip(), person.given_name.strip()
    if not surname or not name:
        errors.append(_("Mancano cognome o nome del beneficiario."))
    if person.birth_date is None:
        errors.append(_("Manca l'anno di nascita."))
    birthplace = (person.birth_place_code or "").upper()
    if not BELFIORE.match(birthplace):
        errors.append(_("Manca il codice catastale (Belfiore) del luogo di nascita."))
    sex = {"M": "1", "F": "2"}.get(person.sex or "")
    if sex is None:
        errors.append(_("Manca il sesso (M o F)."))
    citizenship = CITIZENSHIP.get(person.citizenship.strip().lower(), UNKNOWN_CITIZENSHIP)
    addresses = []
    municipality = (person.residence_municipality or "").strip().lower()
    if municipality in HOME_MUNICIPALITIES:
        region, istat = HOME_MUNICIPALITIES[municipality]
        addresses.append({"Stato": ITALY, "Regione": region, "Comune": istat})
    if not 5 <= len(kind.code) <= 10:
        errors.append(_("Il codice della prestazione deve avere da 5 a 10 caratteri."))
    denomination = kind.name.strip()
    if not 10 <= len(denomination) <= 200:
        errors.append(_("La denominazione della prestazione deve avere da 10 a 200 caratteri."))
    amount = sum((p.amount for p in provisions), Decimal("0"))
    if amount <= 0:
        errors.append(_("L'importo erogato deve essere maggiore di zero."))
    provision: dict[str, Any] = {
        "Operazione": "I",
        "ProvaMezzi": "4",
        "CodicePrestazione": kind.code,
        "Denominazione": denomination[:200],
        "ProtocolloDomanda": f"SOL-{intervention.pk}",
        "PresaInCarico": "1",
        "AreaUtenza": USER_AREA.get(CaseArea(case.area), "3"),
        "QuotaEnte": f"{amount:.2f}",
        "QuotaUtente": "0.00",
        "QuotaSSN": "0.00",
    }
    if intervention.character == Character.PERIODIC:
        first = provisions[0].provided_on
        begin = max(intervention.start_on, date(first.year, 1, 1))
        finish = intervention.end_on or date(begin.year, 12, 31)
        if finish.year != begin.year:
            finish = date(begin.year, 12, 31)
        months = _months(begin, finish)
        paid_months = len({(p.provided_on.year, p.provided_on.month) for p in provisions})
        if not 1 <= months <= 12:
            errors.append(_("I mesi di una prestazione periodica vanno da 1 a 12."))
        provision.update(
            Carattere="1",
            DataInizio=begin.isoformat(),
            DataFine=finish.isoformat(),
            ImportoMensile=f"{amount / max(paid_months, 1):.2f}",
            NumeroMesi=str(months),
        )
    else:
        provision.update(
            Carattere="2",
            DataErogazione=provisions[-1].provided_on.isoformat(),
            Importo=f"{amount:.2f}",
        )
    shares = sum(Decimal(provision[k]) for k in ("QuotaEnte", "QuotaUtente", "QuotaSSN"))
    if shares != amount:
        errors.append(_("Le quote di ente, utente e SSN non corrispondono all'importo."))
    record.values = {
        "beneficiary": {
            "CodiceFiscale": cf,
            "Cognome": surname[:36],
            "Nome": name[:36],
            "AnnoNascita": str(person.birth_date.year) if person.birth_date else "",
            "LuogoNascita": birthplace,
            "Sesso": sex or "",
            "Cittadinanza": citizenship,
        },
        "addresses": addresses[:5],
        "provision": provision,
    }
    return record


def flow_xml(flow_id: str, operator_cf: str, records: list[Record]) -> str:
    ET.register_namespace("", NAMESPACE)

    def tag(name: str) -> str:
        return f"{{{NAMESPACE}}}{name}"

    root = ET.Element(tag("FlussoPrestazioni"), {"IdFlusso": flow_id})
    ET.SubElement(
        root,
        tag("Ente"),
        {
            "CodiceEnte": body_code(),
            "CodiceBelfiore": body_belfiore(),
            "CodiceFiscaleOperatore": operator_cf,
        },
    )
    for record in records:
        beneficiary = ET.SubElement(root, tag("Beneficiario"), record.values["beneficiary"])
        for address in record.values["addresses"]:
            ET.SubElement(beneficiary, tag("Indirizzo"), address)
        ET.SubElement(beneficiary, tag("Prestazione"), record.values["provision"])
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def flow_create(*, actor: Any, start: date, end: date, operator_cf: str, purpose: str) -> SiussFlow:
    """Validate every record of the period and keep the valid ones in a new flow."""
    if not is_comune_coordinator(actor):
        raise PermissionDeniedError(_("Solo un coordinatore del Comune prepara i flussi SIUSS."))
    if start > end:
        raise DomainError(_("La data di inizio è successiva a quella di fine."), field="month")
    operator_cf = operator_cf.strip().upper()
    if not codicefiscale.is_valid(operator_cf):
        raise DomainError(_("Il codice fiscale dell'operatore non è valido."), field="operator_cf")
    if len(purpose.strip()) < 10:
        raise DomainError(_("Indica la finalità (almeno 10 caratteri)."), field="purpose")
    records = build_records(membership_of(actor).organization_id, start, end)
    valid = [record for record in records if not record.errors]
    errors = [
        {"intervention": r.intervention_id, "case": r.case_id, "code": r.code, "errors": r.errors}
        for r in records
        if r.errors
    ]
    with transaction.atomic():
        sequence = SiussFlow.objects.count() + 1
        flow_id = f"{body_code()[:5]:0>5}.PS.{end:%Y%m%d}.{sequence:07d}"
        try:
            with transaction.atomic():
                flow = SiussFlow.objects.create(
                    flow_id=flow_id,
                    period_start=start,
                    period_end=end,
                    created_by=actor,
                    purpose=purpose.strip()[:255],
                    xml=flow_xml(flow_id, operator_cf, valid),
                    valid_records=len(valid),
                    errors=errors,
                )
        except IntegrityError:
            raise ConflictError(_("Un altro flusso è stato creato ora: riprova.")) from None
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=flow,
            changes={"records": len(valid), "rejected": len(errors)},
            purpose=purpose,
        )
    return flow
