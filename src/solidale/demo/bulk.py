"""Large synthetic registries for benchmarks: a million persons in a few minutes.

Rows are generated as tuples from pre-built name pools (search keys and codice fiscale
parts are computed once per name) and written without model instances: ``executemany``
on SQLite, ``COPY`` on PostgreSQL, in transactions of ``chunk`` rows. Person ids are
assigned here so that the ``registered`` links to the Comune can be written in the same
pass; PostgreSQL's sequences are moved past them at the end. Each chunk writes one audit
row per table.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from solidale.accounts.models import Organization
from solidale.core.audit import Action, audit_record
from solidale.people.matching import normalize, phonetic_key
from solidale.people.models import LinkReason, Person, PersonLink

from .city import GENERIC_STREETS
from .codes import codice_fiscale, omocode_variants
from .names import ITALIAN_BIRTHPLACES, Origin, origins

FIRST_BIRTH = date(1930, 1, 1).toordinal()
LAST_BIRTH = date(2010, 12, 31).toordinal()
CODE_SHARE = 0.8
DEFAULT_CHUNK = 20_000


@dataclass(frozen=True)
class Name:
    text: str
    norm: str
    key: str


def _name(text: str) -> Name:
    return Name(text, normalize(text), phonetic_key(text))


@dataclass(frozen=True)
class Pool:
    origin: Origin
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    surnames: tuple[Name, ...]


@dataclass
class BulkResult:
    created: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def _pools() -> tuple[list[Pool], list[int]]:
    pools = [
        Pool(
            o, tuple(map(_name, o.male)), tuple(map(_name, o.female)), tuple(map(_name, o.surnames))
        )
        for o in origins()
    ]
    return pools, [p.origin.weight for p in pools]


class RowFactory:
    """Draws one person row after another; keeps codici fiscali unique across the run."""

    def __init__(
        self, *, rng: random.Random, taken: set[str], neighbourhood_ids: list[int]
    ) -> None:
        self.rng = rng
        self.taken = taken
        self.pools, weights = _pools()
        # A lookup table of 1000 slots makes the weighted origin draw one randrange.
        self.origin_table = [p for p, w in zip(self.pools, weights, strict=True) for _ in range(w)]
        self.places = [(name, code) for name, code, w in ITALIAN_BIRTHPLACES for _ in range(w)]
        self.neighbourhood_ids: list[int | None] = list(neighbourhood_ids) or [None]
        self.streets = GENERIC_STREETS

    def unique_code(self, code: str) -> str | None:
        for candidate in (code, *omocode_variants(code)):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        return None

    def draw(self) -> dict[str, Any]:
        rng = self.rng
        pool = self.origin_table[rng.randrange(len(self.origin_table))]
        sex = "M" if rng.random() < 0.5 else "F"
        given = rng.choice(pool.male if sex == "M" else pool.female)
        family = rng.choice(pool.surnames)
        birth = date.fromordinal(rng.randint(FIRST_BIRTH, LAST_BIRTH))
        if pool.origin.is_italian:
            place, place_code = self.places[rng.randrange(len(self.places))]
        else:
            place, place_code = pool.origin.country, pool.origin.country_code
        code = None
        if rng.random() < CODE_SHARE:
            code = self.unique_code(
                codice_fiscale(
                    family_name=family.text,
                    given_name=given.text,
                    sex=sex,
                    birth_date=birth,
                    place_code=place_code,
                )
            )
        return {
            "given_name": given.text,
            "family_name": family.text,
            "given_norm": given.norm,
            "family_norm": family.norm,
            "given_key": given.key,
            "family_key": family.key,
            "codice_fiscale": code,
            "sex": sex,
            "birth_date": birth,
            "birth_place": place,
            "birth_place_code": place_code,
            "citizenship": pool.origin.citizenship,
            "languages": pool.origin.languages,
            "residence_address": f"{self.streets[rng.randrange(len(self.streets))]} {rng.randint(1, 150)}",
            "residence_municipality": "Massa",
            "neighbourhood_id": self.neighbourhood_ids[rng.randrange(len(self.neighbourhood_ids))],
        }


class PersonTableWriter:
    """Turns drawn values into rows in the table's column order, and writes them fast."""

    def __init__(self, *, registrar: Organization) -> None:
        now = timezone.now()
        self.fields = list(Person._meta.concrete_fields)
        constants: dict[str, Any] = {
            "created_at": now,
            "updated_at": now,
            "registered_by_id": registrar.pk,
            "is_identified": True,
            "homeless": False,
        }
        self.columns = [f.column for f in self.fields]
        self.template: list[Any] = []
        for f in self.fields:
            value = constants[f.attname] if f.attname in constants else f.get_default()
            self.template.append(value)
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.dates = [i for i, f in enumerate(self.fields) if f.get_internal_type() == "DateField"]
        self.link_columns = [
            "person_id",
            "organization_id",
            "reason",
            "source",
            "started_at",
            "ended_at",
        ]
        self.link_constants = (
            registrar.pk,
            LinkReason.REGISTERED,
            "demo.seed --persons",
            now,
            None,
        )
        self.prepare = (
            self._prepare_sqlite if connection.vendor == "sqlite" else self._prepare_native
        )
        self.sqlite_now = connection.ops.adapt_datetimefield_value(now)

    def row(self, pk: int, values: dict[str, Any]) -> list[Any]:
        row = list(self.template)
        row[self.index["id"]] = pk
        for name, value in values.items():
            row[self.index[name]] = value
        return row

    def _prepare_sqlite(self, row: list[Any]) -> list[Any]:
        for i in self.dates:
            if row[i] is not None:
                row[i] = row[i].isoformat()
        for name in ("created_at", "updated_at"):
            row[self.index[name]] = self.sqlite_now
        return row

    def _prepare_native(self, row: list[Any]) -> list[Any]:
        return row

    def write(self, rows: list[list[Any]]) -> None:
        person_rows = [self.prepare(r) for r in rows]
        ids = [r[self.index["id"]] for r in rows]
        link_constants = list(self.link_constants)
        if connection.vendor == "sqlite":
            link_constants[3] = self.sqlite_now
        link_rows = [(pk, *link_constants) for pk in ids]
        self._insert(Person._meta.db_table, self.columns, person_rows)
        self._insert(PersonLink._meta.db_table, self.link_columns, link_rows)

    def _insert(self, table: str, columns: list[str], rows: list[Any]) -> None:
        quote = connection.ops.quote_name
        column_sql = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} ({column_sql}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                # Table and column names come from the models' meta, values are parameters.
                sql = f"INSERT INTO {quote(table)} ({column_sql}) VALUES ({placeholders})"  # noqa: S608
                cursor.executemany(sql, rows)


def _chunks(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size


def bulk_registry_create(
    *,
    count: int,
    registrar: Organization,
    rng: random.Random,
    neighbourhood_ids: list[int],
    chunk: int = DEFAULT_CHUNK,
    progress: bool = True,
) -> BulkResult:
    """Insert ``count`` synthetic persons, each with a ``registered`` link to ``registrar``."""
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB: index pages stay in memory
    taken = set(
        Person.objects.exclude(codice_fiscale=None).values_list("codice_fiscale", flat=True)
    )
    factory = RowFactory(
        rng=rng, taken={str(c) for c in taken}, neighbourhood_ids=neighbourhood_ids
    )
    writer = PersonTableWriter(registrar=registrar)
    created = 0
    with tqdm(
        total=count, unit=" persone", unit_scale=True, file=sys.stderr, disable=not progress
    ) as bar:
        for size in _chunks(count, chunk):
            with transaction.atomic():
                first = (Person.objects.aggregate(last=Max("id"))["last"] or 0) + 1
                rows = [writer.row(first + i, factory.draw()) for i in range(size)]
                writer.write(rows)
                changes = {"count": size, "first_id": first, "last_id": first + size - 1}
                audit_record(
                    actor=None,
                    action=Action.BULK_CREATE,
                    object_type="people.person",
                    changes=changes,
                )
                audit_record(
                    actor=None,
                    action=Action.BULK_CREATE,
                    object_type="people.personlink",
                    changes={"count": size},
                )
            created += size
            bar.update(size)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Person, PersonLink]):
            cursor.execute(sql)
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Person._meta.db_table)}")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(PersonLink._meta.db_table)}")
    return BulkResult(created=created, seconds=time.perf_counter() - started)
