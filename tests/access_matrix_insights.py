"""Who may reach the cruscotto's pages and API.

The service manager's dashboard and the results report are for the Comune's
coordinators, social workers and viewers; every network member but volunteers sees their
organization's and the neighbourhoods' dashboards (aggregates). An alert item is seen by
the user it is assigned to and by the coordinators of its organization; an export and
its file by its requester alone; SIUSS flows by the Comune's coordinators. Open data is
public.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from solidale.core.alerts import AlertCandidate
from solidale.insights.models import AlertItem, MonthlyFact, OpenDataRelease
from solidale.insights.opendata import build, last_closed_month
from solidale.insights.services import _upsert, export_create
from solidale.insights.siuss import flow_create
from solidale.insights.tests.factories import neighbourhood

from .access_matrix_registry import ANONYMOUS, PERSONAS, STAFF, Endpoint, Target, scoped

if TYPE_CHECKING:
    from conftest import Personas

MANAGERS = frozenset({"social_worker", "coordinator", "viewer"})
MEMBERS = frozenset(STAFF) - {"volunteer"}
INBOX = MEMBERS - {"viewer"}
COORDINATOR = frozenset({"coordinator"})
ASSIGNED = frozenset({"social_worker", "coordinator"})
REQUESTER = frozenset({"desk_operator"})
EVERYONE = frozenset(PERSONAS) | {ANONYMOUS}
ALERT_TITLE = "Nessun contatto con Zanobetti"


def build_alert(personas: Personas) -> Target:
    _upsert(
        "cases.no_contact",
        AlertCandidate(
            subject="cases.case:999",
            title=ALERT_TITLE,
            reason="Nessuno l'ha incontrata da 45 giorni.",
            url="/cases/",
            organization_id=personas.comune.pk,
            assignee_id=personas.social_worker.pk,
        ),
        timezone.localdate(),
    )
    item = AlertItem.objects.get(subject="cases.case:999")
    return Target(
        kwargs={"pk": item.pk, "alert_id": item.pk},
        payload={"outcome": "contacted", "note": "Telefonata fatta"},
        secrets=(ALERT_TITLE,),
    )


def build_export(personas: Personas) -> Target:
    job = export_create(
        actor=personas.desk_operator,
        source_key="desk.accesses",
        fmt="csv",
        purpose="Verifica degli accessi del mese",
        params={},
    )
    return Target(kwargs={"pk": job.pk, "export_id": job.pk}, secrets=("Verifica degli accessi",))


def build_new_export(personas: Personas) -> Target:
    return Target(
        query={"source": "insights.figures"},
        payload={"source": "insights.figures", "format": "csv", "purpose": ""},
    )


def build_flow(personas: Personas) -> Target:
    today = timezone.localdate()
    flow = flow_create(
        actor=personas.coordinator,
        start=today.replace(day=1),
        end=today,
        operator_cf="RSSMRA70A01F023N",
        purpose="Trasmissione al Casellario",
    )
    return Target(kwargs={"pk": flow.pk}, secrets=(flow.flow_id,))


def build_area(personas: Personas) -> Target:
    return Target(kwargs={"slug": neighbourhood().slug})


def build_release(personas: Personas) -> Target:
    month = last_closed_month(timezone.localdate())
    MonthlyFact.objects.create(indicator="desk.accesses", month=month, value=12)
    OpenDataRelease.objects.create(month=month, data=build(month))
    return Target(kwargs={"year": month.year, "month": month.month, "fmt": "csv"})


def build_publish(personas: Personas) -> Target:
    month = last_closed_month(timezone.localdate()) - timedelta(days=1)
    return Target(payload={"month": month.strftime("%Y-%m")})


def build_rule(personas: Personas) -> Target:
    return Target(kwargs={"key": "cases.no_contact"}, payload={"enabled": "on", "days": "40"})


ENDPOINTS: dict[str, Endpoint] = {
    "insights:dashboard": scoped(sees=MANAGERS),
    "insights:organization": scoped(sees=MEMBERS),
    "insights:neighbourhoods": scoped(sees=MEMBERS),
    "insights:neighbourhood": scoped(build_area, sees=MEMBERS),
    "insights:refresh": scoped(sees=COORDINATOR, methods=("GET", "POST")),
    "insights:alerts": scoped(build_alert, sees=ASSIGNED, may_open=INBOX - ASSIGNED),
    "insights:alert_detail": scoped(build_alert, sees=ASSIGNED, methods=("GET", "POST")),
    "insights:rules": scoped(sees=MEMBERS),
    "insights:rule_edit": scoped(build_rule, sees=COORDINATOR, methods=("GET", "POST")),
    "insights:export_list": scoped(build_export, sees=REQUESTER, may_open=EVERYONE - {ANONYMOUS}),
    "insights:export_create": scoped(build_new_export, sees=MEMBERS, methods=("GET", "POST")),
    "insights:export_detail": scoped(build_export, sees=REQUESTER),
    "insights:export_download": scoped(build_export, sees=REQUESTER),
    "insights:siuss": scoped(sees=COORDINATOR, methods=("GET", "POST")),
    "insights:siuss_detail": scoped(build_flow, sees=COORDINATOR),
    "insights:siuss_download": scoped(build_flow, sees=COORDINATOR),
    "insights:report": scoped(sees=MANAGERS),
    "insights:report_pdf": scoped(sees=MANAGERS),
    "insights:open_data": scoped(sees=EVERYONE),
    "insights:open_data_schema": scoped(sees=EVERYONE),
    "insights:open_data_file": scoped(build_release, sees=EVERYONE),
    "insights:open_data_publish": scoped(build_publish, sees=COORDINATOR, methods=("POST",)),
    # API
    "GET /api/v1/insights/figures": scoped(sees=MEMBERS, api=True),
    "GET /api/v1/insights/alerts": scoped(
        build_alert, sees=ASSIGNED, may_open=INBOX - ASSIGNED, api=True
    ),
    "POST /api/v1/insights/alerts/{alert_id}/close": scoped(build_alert, sees=ASSIGNED, api=True),
    "POST /api/v1/insights/exports": scoped(build_new_export, sees=MEMBERS, api=True),
    "GET /api/v1/insights/exports/{export_id}": scoped(build_export, sees=REQUESTER, api=True),
}
