"""The directory as Open Referral HSDS 3.0: JSON objects for the read API and the JSON
export, flat tables for the Frictionless data package (``datapackage.json`` + CSV).

HSDS identifiers are UUIDs. Ours are stable and derived from the primary key: a fixed
prefix, a group naming the table and the key in the last group, so
``5011da1e-0002-4000-8000-00000000002a`` is service 42 and an API path can be resolved
without storing a second identifier.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from solidale.accounts.models import Organization

from .models import (
    Capacity,
    CapacityKind,
    Location,
    NeedCategory,
    Program,
    Schedule,
    Service,
    ServiceAtLocation,
)
from .selectors import LANGUAGE_NAMES, with_directory_details

_PREFIX = "5011da1e"
_TABLES = {
    "organization": 1,
    "service": 2,
    "location": 3,
    "service_at_location": 4,
    "schedule": 5,
    "program": 6,
    "service_capacity": 7,
    "address": 8,
    "accessibility": 9,
    "language": 10,
    "taxonomy_term": 11,
    "attribute": 12,
    "required_document": 13,
    "unit": 14,
    "phone": 15,
}
HSDS_VERSION = "3.0"
#: HSDS ``unit`` rows: one per kind of capacity, numbered in declaration order.
CAPACITY_UNITS: tuple[str, ...] = tuple(CapacityKind.values)
TAXONOMY_NAME = "solidale-needs"


def hsds_id(table: str, pk: int) -> str:
    return f"{_PREFIX}-{_TABLES[table]:04x}-4000-8000-{pk:012x}"


def pk_from_hsds_id(table: str, value: str) -> int | None:
    """The primary key an HSDS id stands for, or None when it is not one of ours."""
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    text = str(parsed)
    if not text.startswith(f"{_PREFIX}-{_TABLES[table]:04x}-4000-8000-"):
        return None
    return int(text.rsplit("-", 1)[1], 16)


def _iso(value: date | datetime | time | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value.isoformat()


# --- JSON objects ---------------------------------------------------------------------


def organization_json(organization: Organization) -> dict[str, Any]:
    profile = getattr(organization, "profile", None)
    return {
        "id": hsds_id("organization", organization.pk),
        "name": organization.name,
        "alternate_name": organization.short_name or None,
        "description": (profile.description if profile else "") or organization.name,
        "email": (profile.public_email if profile else "") or organization.email or None,
        "website": (profile.website if profile else "") or None,
        "tax_status": organization.get_kind_display(),
        "tax_id": organization.tax_code or None,
        "legal_status": profile.get_legal_form_display()
        if profile and profile.legal_form
        else None,
        "organization_identifiers": (
            [
                {
                    "id": hsds_id("organization", organization.pk),
                    "identifier_scheme": "IT-RUNTS",
                    "identifier_type": "RUNTS",
                    "identifier": organization.runts_number,
                }
            ]
            if organization.runts_number
            else []
        ),
        "phones": [],
        "contacts": [],
        "funding": [],
        "programs": [],
        "attributes": [],
        "metadata": [],
    }


def _address_json(location: Location) -> dict[str, Any]:
    return {
        "id": hsds_id("address", location.pk),
        "location_id": hsds_id("location", location.pk),
        "attention": None,
        "address_1": location.address,
        "address_2": None,
        "city": location.city,
        "region": location.neighbourhood.name if location.neighbourhood else None,
        "state_province": "MS",
        "postal_code": location.postal_code,
        "country": "IT",
        "address_type": "physical",
    }


def location_json(location: Location) -> dict[str, Any]:
    return {
        "id": hsds_id("location", location.pk),
        "location_type": "physical",
        "url": None,
        "organization_id": hsds_id("organization", location.organization_id),
        "name": location.name,
        "alternate_name": None,
        "description": location.description or None,
        "transportation": None,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "external_identifier": None,
        "external_identifier_type": None,
        "addresses": [_address_json(location)] if location.address else [],
        "accessibility": (
            [
                {
                    "id": hsds_id("accessibility", location.pk),
                    "location_id": hsds_id("location", location.pk),
                    "description": location.accessibility,
                    "details": None,
                    "url": None,
                }
            ]
            if location.accessibility
            else []
        ),
        "languages": [],
        "phones": [],
        "contacts": [],
        "schedules": [],
        "attributes": [],
        "metadata": [],
    }


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    return {
        "id": hsds_id("schedule", schedule.pk),
        "service_id": hsds_id("service", schedule.service_id),
        "location_id": None,
        "service_at_location_id": (
            hsds_id("service_at_location", schedule.service_at_location_id)
            if schedule.service_at_location_id
            else None
        ),
        "valid_from": _iso(schedule.valid_from),
        "valid_to": _iso(schedule.valid_to),
        "dtstart": None,
        "timezone": None,
        "until": None,
        "count": None,
        "wkst": "MO",
        "freq": schedule.freq,
        "interval": 1,
        "byday": schedule.byday or None,
        "byweekno": None,
        "bymonthday": None,
        "byyearday": None,
        "description": schedule.description or None,
        "opens_at": _iso(schedule.opens_at),
        "closes_at": _iso(schedule.closes_at),
        "schedule_link": None,
        "attending_type": "in_person",
        "notes": None,
        "attributes": [],
        "metadata": [],
    }


def _capacity_json(capacity: Capacity) -> dict[str, Any]:
    return {
        "id": hsds_id("service_capacity", capacity.pk),
        "service_id": hsds_id("service", capacity.service_id),
        "unit": {
            "id": hsds_id("unit", list(CAPACITY_UNITS).index(capacity.kind) + 1),
            "name": capacity.get_kind_display(),
            "scheme": "SOLIDALE",
            "identifier": capacity.kind,
            "uri": None,
        },
        "available": capacity.available,
        "maximum": capacity.total,
        "description": None,
        "updated": _iso(capacity.updated_at),
    }


def _taxonomy_term_json(category: NeedCategory) -> dict[str, Any]:
    return {
        "id": hsds_id("taxonomy_term", category.pk),
        "code": category.code,
        "name": category.name,
        "description": category.description or category.name,
        "parent_id": None,
        "taxonomy": TAXONOMY_NAME,
        "language": "it",
        "taxonomy_id": None,
        "term_uri": None,
    }


def service_json(service: Service) -> dict[str, Any]:
    """A service with what it links to (call on :func:`with_directory_details` rows)."""
    return {
        **service_json_flat(service),
        "interpretation_services": None,
        "wait_time": None,
        "fees": None,
        "accreditations": None,
        "minimum_age": None,
        "maximum_age": None,
        "assurer_email": None,
        "licenses": None,
        "alert": None,
        "organization": {
            "id": hsds_id("organization", service.organization_id),
            "name": service.organization.name,
        },
        "phones": (
            [{"id": hsds_id("phone", service.pk), "number": service.phone, "type": "voice"}]
            if service.phone
            else []
        ),
        "schedules": [schedule_json(schedule) for schedule in service.schedules.all()],
        "service_areas": [],
        "service_at_locations": [
            {
                "id": hsds_id("service_at_location", link.pk),
                "service_id": hsds_id("service", service.pk),
                "location_id": hsds_id("location", link.location_id),
                "description": link.description or None,
                "location": location_json(link.location),
                "contacts": [],
                "phones": [],
                "schedules": [],
                "attributes": [],
                "metadata": [],
            }
            for link in service.service_at_locations.all()
        ],
        "languages": [
            {
                "id": hsds_id("language", service.pk * 1000 + index),
                "name": LANGUAGE_NAMES.get(code, code),
                "code": code,
                "note": None,
            }
            for index, code in enumerate(service.language_codes)
        ],
        "funding": [],
        "cost_options": [],
        "program": None,
        "required_documents": [
            {"id": hsds_id("required_document", service.pk * 1000 + index), "document": line}
            for index, line in enumerate(_lines(service.required_documents))
        ],
        "contacts": [],
        "capacities": [_capacity_json(capacity) for capacity in service.capacities.all()],
        "attributes": [
            {
                "id": hsds_id("attribute", service.pk * 1000 + category.pk),
                "link_id": hsds_id("service", service.pk),
                "link_type": "service",
                "link_entity": "service",
                "value": None,
                "taxonomy_term": _taxonomy_term_json(category),
                "label": category.name,
            }
            for category in service.need_categories.all()
        ],
        "metadata": [],
    }


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


# --- Querysets for the API and the exports ---------------------------------------------


def hsds_services() -> QuerySet[Service]:
    return with_directory_details(Service.objects.listed().order_by("name", "pk"))


def hsds_organizations() -> QuerySet[Organization]:
    return (
        Organization.objects.filter(is_active=True).select_related("profile").order_by("name", "pk")
    )


def hsds_locations() -> QuerySet[Location]:
    return Location.objects.select_related("neighbourhood").order_by("name", "pk")


# --- Frictionless data package ---------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    fields: tuple[tuple[str, str], ...]  # (name, Frictionless type)
    rows: Callable[[], Iterable[dict[str, Any]]]


def _organization_rows() -> Iterator[dict[str, Any]]:
    for organization in hsds_organizations():
        data = organization_json(organization)
        yield {key: data[key] for key in ORGANIZATION_FIELDS}


def _program_rows() -> Iterator[dict[str, Any]]:
    for program in Program.objects.order_by("pk"):
        yield {
            "id": hsds_id("program", program.pk),
            "organization_id": hsds_id("organization", program.organization_id),
            "name": program.name,
            "alternate_name": None,
            "description": program.description or program.name,
        }


def _service_rows() -> Iterator[dict[str, Any]]:
    for service in Service.objects.listed().select_related("organization").order_by("pk"):
        data = service_json_flat(service)
        yield {key: data[key] for key in SERVICE_FIELDS}


def service_json_flat(service: Service) -> dict[str, Any]:
    """The service's own columns, without what it links to."""
    return {
        "id": hsds_id("service", service.pk),
        "organization_id": hsds_id("organization", service.organization_id),
        "program_id": hsds_id("program", service.program_id) if service.program_id else None,
        "name": service.name,
        "alternate_name": None,
        "description": service.description or None,
        "url": service.url or None,
        "email": service.email or None,
        "status": service.status,
        "application_process": service.application_process or None,
        "fees_description": service.fees_description or ("gratuito" if service.is_free else None),
        "eligibility_description": service.eligibility_description or None,
        "assured_date": _iso(service.last_confirmed_at.date())
        if service.last_confirmed_at
        else None,
        "last_modified": _iso(service.updated_at),
    }


def _location_rows() -> Iterator[dict[str, Any]]:
    for location in hsds_locations():
        data = location_json(location)
        yield {key: data[key] for key in LOCATION_FIELDS}


def _address_rows() -> Iterator[dict[str, Any]]:
    for location in hsds_locations().exclude(address=""):
        yield _address_json(location)


def _accessibility_rows() -> Iterator[dict[str, Any]]:
    for location in hsds_locations().exclude(accessibility=""):
        yield location_json(location)["accessibility"][0]


def _service_at_location_rows() -> Iterator[dict[str, Any]]:
    for link in ServiceAtLocation.objects.exclude(service__status="defunct").order_by("pk"):
        yield {
            "id": hsds_id("service_at_location", link.pk),
            "service_id": hsds_id("service", link.service_id),
            "location_id": hsds_id("location", link.location_id),
            "description": link.description or None,
        }


def _schedule_rows() -> Iterator[dict[str, Any]]:
    for schedule in Schedule.objects.exclude(service__status="defunct").order_by("pk"):
        data = schedule_json(schedule)
        yield {key: data[key] for key in SCHEDULE_FIELDS}


def _language_rows() -> Iterator[dict[str, Any]]:
    for service in Service.objects.listed().exclude(languages="").order_by("pk"):
        for index, code in enumerate(service.language_codes):
            yield {
                "id": hsds_id("language", service.pk * 1000 + index),
                "service_id": hsds_id("service", service.pk),
                "location_id": None,
                "phone_id": None,
                "name": LANGUAGE_NAMES.get(code, code),
                "code": code,
                "note": None,
            }


def _capacity_rows() -> Iterator[dict[str, Any]]:
    for capacity in Capacity.objects.exclude(service__status="defunct").order_by("pk"):
        data = _capacity_json(capacity)
        yield {
            "id": data["id"],
            "service_id": data["service_id"],
            "unit_id": data["unit"]["id"],
            "available": data["available"],
            "maximum": data["maximum"],
            "description": None,
            "updated": data["updated"],
        }


def _unit_rows() -> Iterator[dict[str, Any]]:
    for index, kind in enumerate(CAPACITY_UNITS, start=1):
        yield {
            "id": hsds_id("unit", index),
            "name": str(CapacityKind(kind).label),
            "scheme": "SOLIDALE",
            "identifier": kind,
            "uri": None,
        }


def _taxonomy_term_rows() -> Iterator[dict[str, Any]]:
    for category in NeedCategory.objects.order_by("order", "pk"):
        yield _taxonomy_term_json(category)


def _attribute_rows() -> Iterator[dict[str, Any]]:
    links = Service.need_categories.through.objects.exclude(service__status="defunct")
    for service_id, category_id in links.order_by("pk").values_list(
        "service_id", "needcategory_id"
    ):
        yield {
            "id": hsds_id("attribute", service_id * 1000 + category_id),
            "link_id": hsds_id("service", service_id),
            "taxonomy_term_id": hsds_id("taxonomy_term", category_id),
            "link_type": "service",
            "link_entity": "service",
            "value": None,
            "label": None,
        }


ORGANIZATION_FIELDS = (
    "id",
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "tax_status",
    "tax_id",
    "legal_status",
)
SERVICE_FIELDS = (
    "id",
    "organization_id",
    "program_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "application_process",
    "fees_description",
    "eligibility_description",
    "assured_date",
    "last_modified",
)
LOCATION_FIELDS = (
    "id",
    "location_type",
    "organization_id",
    "name",
    "description",
    "latitude",
    "longitude",
)
SCHEDULE_FIELDS = (
    "id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "valid_from",
    "valid_to",
    "wkst",
    "freq",
    "interval",
    "byday",
    "description",
    "opens_at",
    "closes_at",
)

_TYPES = {
    "latitude": "number",
    "longitude": "number",
    "interval": "integer",
    "available": "number",
    "maximum": "number",
    "valid_from": "date",
    "valid_to": "date",
    "assured_date": "date",
    "last_modified": "datetime",
    "updated": "datetime",
    "opens_at": "time",
    "closes_at": "time",
}


def _fields(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, _TYPES.get(name, "string")) for name in names)


TABLES: tuple[Table, ...] = (
    Table("organizations", _fields(*ORGANIZATION_FIELDS), _organization_rows),
    Table(
        "programs",
        _fields("id", "organization_id", "name", "alternate_name", "description"),
        _program_rows,
    ),
    Table("services", _fields(*SERVICE_FIELDS), _service_rows),
    Table("locations", _fields(*LOCATION_FIELDS), _location_rows),
    Table(
        "addresses",
        _fields(
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
        _address_rows,
    ),
    Table(
        "accessibility",
        _fields("id", "location_id", "description", "details", "url"),
        _accessibility_rows,
    ),
    Table(
        "service_at_locations",
        _fields("id", "service_id", "location_id", "description"),
        _service_at_location_rows,
    ),
    Table("schedules", _fields(*SCHEDULE_FIELDS), _schedule_rows),
    Table(
        "languages",
        _fields("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
        _language_rows,
    ),
    Table(
        "service_capacity",
        _fields("id", "service_id", "unit_id", "available", "maximum", "description", "updated"),
        _capacity_rows,
    ),
    Table("units", _fields("id", "name", "scheme", "identifier", "uri"), _unit_rows),
    Table(
        "taxonomy_terms",
        _fields(
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "language",
            "taxonomy_id",
            "term_uri",
        ),
        _taxonomy_term_rows,
    ),
    Table(
        "attributes",
        _fields(
            "id",
            "link_id",
            "taxonomy_term_id",
            "link_type",
            "link_entity",
            "value",
            "label",
        ),
        _attribute_rows,
    ),
)


def _csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [name for name, _ in table.fields]
    writer.writerow(names)
    for row in table.rows():
        writer.writerow(["" if row.get(name) is None else row[name] for name in names])
    return buffer.getvalue()


def datapackage_descriptor(now: datetime) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "solidale-hsds",
        "title": f"{settings.SOLIDALE_SITE_NAME} — HSDS {HSDS_VERSION}",
        "description": "Open Referral Human Services Data Specification 3.0",
        "created": now.isoformat(),
        "version": HSDS_VERSION,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": name, "type": kind} for name, kind in table.fields],
                    "primaryKey": "id",
                },
            }
            for table in TABLES
        ],
    }


def datapackage_zip() -> bytes:
    """The whole directory as a Frictionless data package in a zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json",
            json.dumps(datapackage_descriptor(timezone.now()), ensure_ascii=False, indent=2),
        )
        for table in TABLES:
            archive.writestr(f"{table.name}.csv", _csv(table))
    return buffer.getvalue()


def directory_json() -> dict[str, Any]:
    """The whole directory as HSDS 3.0 JSON objects."""
    return {
        "hsds_version": HSDS_VERSION,
        "generated_at": timezone.now().isoformat(),
        "organizations": [organization_json(item) for item in hsds_organizations()],
        "services": [service_json(item) for item in hsds_services()],
        "locations": [location_json(item) for item in hsds_locations()],
    }
