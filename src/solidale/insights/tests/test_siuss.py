"""The SIUSS flow: records validated one by one, valid ones in the XML, errors reported."""

from __future__ import annotations

from datetime import date

import pytest
from defusedxml import ElementTree as ET
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent

from ..models import SiussFlow
from ..siuss import NAMESPACE, flow_create
from .factories import identified_person, old_case, paid_intervention

pytestmark = pytest.mark.django_db
OPERATOR = "RSSMRA70A01F023N"
PURPOSE = "Trasmissione mensile al Casellario"


def _month() -> tuple[date, date]:
    today = timezone.localdate()
    return today.replace(day=1), today


def test_valid_records_go_in_the_flow_and_invalid_ones_in_the_report(personas: Personas) -> None:
    good = paid_intervention(personas, old_case(personas, identified_person(personas), days=1))
    anonymous = identified_person(
        personas, given_name="Marco", family_name="Neri", codice_fiscale=None, sex=""
    )
    bad = paid_intervention(personas, old_case(personas, anonymous, days=1), code="A2.01")
    start, end = _month()
    flow = flow_create(
        actor=personas.coordinator, start=start, end=end, operator_cf=OPERATOR, purpose=PURPOSE
    )
    assert flow.valid_records == 1
    assert flow.flow_id.endswith(".0000001") and ".PS." in flow.flow_id
    [error] = flow.errors
    assert error["intervention"] == bad.pk
    assert "Manca il codice fiscale del beneficiario." in error["errors"]
    assert "Manca il sesso (M o F)." in error["errors"]
    root = ET.fromstring(flow.xml)
    beneficiaries = root.findall(f"{{{NAMESPACE}}}Beneficiario")
    assert [b.get("CodiceFiscale") for b in beneficiaries] == ["BRTLRI80D43F023G"]
    provision = beneficiaries[0].find(f"{{{NAMESPACE}}}Prestazione")
    assert provision.get("CodicePrestazione") == "A1.04"
    assert provision.get("Carattere") == "2" and provision.get("Importo") == "150.00"
    assert provision.get("ProtocolloDomanda") == f"SOL-{good.pk}"
    assert beneficiaries[0].find(f"{{{NAMESPACE}}}Indirizzo").get("Comune") == "045010"
    assert AuditEvent.objects.filter(action="export", object_type="insights.siussflow").exists()


def test_bad_input_changes_nothing(personas: Personas) -> None:
    start, end = _month()
    with pytest.raises(DomainError):
        flow_create(
            actor=personas.coordinator, start=start, end=end, operator_cf="XYZ", purpose=PURPOSE
        )
    with pytest.raises(DomainError):
        flow_create(
            actor=personas.coordinator,
            start=end,
            end=start.replace(year=start.year - 1),
            operator_cf=OPERATOR,
            purpose=PURPOSE,
        )
    with pytest.raises(PermissionDeniedError):
        flow_create(
            actor=personas.social_worker,
            start=start,
            end=end,
            operator_cf=OPERATOR,
            purpose=PURPOSE,
        )
    assert not SiussFlow.objects.exists()


def test_the_pages_prepare_show_and_download_a_flow(personas: Personas, login) -> None:
    paid_intervention(personas, old_case(personas, identified_person(personas), days=1))
    client = login(personas.coordinator)
    month = timezone.localdate().strftime("%Y-%m")
    response = client.post(
        reverse("insights:siuss"), {"month": month, "operator_cf": OPERATOR, "purpose": PURPOSE}
    )
    flow = SiussFlow.objects.get()
    assert response.url == reverse("insights:siuss_detail", args=[flow.pk])
    download = client.get(reverse("insights:siuss_download", args=[flow.pk]))
    assert download["Content-Type"].startswith("application/xml")
    assert b"BRTLRI80D43F023G" in download.content
    assert login(personas.viewer).get(reverse("insights:siuss")).status_code == 403
