"""The duplicate-check part of the bench: latency and recall at a million persons.

It calls ``solidale.people.selectors.person_duplicate_candidates`` in-process, as the
registration form does, with queries made from existing persons by ``corruption.plan``.

A query can be impossible to answer: with neither birth date nor codice fiscale, "Diop
Fatou" may match a dozen records identical on every field the query gives, and no check
can tell which one the operator meant. Such queries are counted apart ("ambiguous": more
than five records identical to the true one on the fields the query carries) and the
recall target applies to the others; the report gives both figures.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .corruption import KINDS, Record, plan
from .stats import percentile

TARGET_P50_MS = 10.0
TARGET_P95_MS = 30.0
TARGET_RECALL = 0.995
TOP = 5


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass
class KindResult:
    kind: str
    queries: int
    found: int
    p50_ms: float
    p95_ms: float
    ambiguous: int = 0
    ambiguous_found: int = 0

    @property
    def recall(self) -> float:
        return _share(self.found, self.queries)

    @property
    def recall_distinct(self) -> float:
        """Recall over the queries that single the person out."""
        return _share(self.found - self.ambiguous_found, self.queries - self.ambiguous)


@dataclass
class DedupResult:
    persons: int
    queries: int
    found: int
    p50_ms: float
    p95_ms: float
    kinds: list[KindResult] = field(default_factory=list)
    without_code_queries: int = 0
    without_code_found: int = 0
    ambiguous: int = 0
    ambiguous_found: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return _share(self.found, self.queries)

    @property
    def recall_distinct(self) -> float:
        return _share(self.found - self.ambiguous_found, self.queries - self.ambiguous)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["recall"] = self.recall
        data["recall_distinct"] = self.recall_distinct
        for kind, entry in zip(self.kinds, data["kinds"], strict=True):
            entry["recall"] = kind.recall
            entry["recall_distinct"] = kind.recall_distinct
        return data


def twins(record: Record, query: Record) -> int:
    """Current persons identical to ``record`` on every field ``query`` carries (itself included)."""
    from solidale.people.matching import normalize
    from solidale.people.models import Person

    same = Person.objects.current().filter(
        family_norm=normalize(record.family_name), given_norm=normalize(record.given_name)
    )
    if query.birth_date is not None:
        same = same.filter(birth_date=record.birth_date)
    if query.codice_fiscale:
        same = same.filter(codice_fiscale=record.codice_fiscale)
    return same.count()


def sample_records(count: int, rng: random.Random) -> list[Record]:
    """``count`` random current, identified persons (ids drawn at random, misses redrawn)."""
    from django.db.models import Max, Min

    from solidale.people.models import Person

    bounds = Person.objects.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        raise RuntimeError("the registry is empty")
    chosen: dict[int, Record] = {}
    while len(chosen) < count:
        ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(count)]
        rows = (
            Person.objects.current()
            .filter(pk__in=ids, is_identified=True)
            .exclude(family_name="")
            .exclude(given_name="")
            .values_list("pk", "given_name", "family_name", "birth_date", "codice_fiscale")
        )
        for pk, given, family, born, code in rows:
            chosen.setdefault(pk, Record(pk, given, family, born, code))
    ordered = sorted(chosen.values(), key=lambda r: r.pk)
    rng.shuffle(ordered)
    return ordered[:count]


def run_dedup(
    *,
    samples: int,
    rng: random.Random,
    check: Callable[..., list[Any]],
    persons: int,
    warm_up: int = 50,
) -> DedupResult:
    """Time ``check`` on ``samples`` corrupted queries; recall = true record in the first five."""
    records = sample_records(samples + warm_up, rng)
    for record in records[samples:]:
        check(given_name=record.given_name, family_name=record.family_name, birth_date=record.birth_date,
              codice_fiscale=record.codice_fiscale, limit=TOP)  # fmt: skip
    timings: dict[str, list[float]] = defaultdict(list)
    found: dict[str, int] = defaultdict(int)
    ambiguous: dict[str, int] = defaultdict(int)
    ambiguous_found: dict[str, int] = defaultdict(int)
    result = DedupResult(persons=persons, queries=0, found=0, p50_ms=0.0, p95_ms=0.0)
    answers = []
    for record, kind, query in plan(records[:samples], rng):
        started = time.perf_counter()
        candidates = check(
            given_name=query.given_name,
            family_name=query.family_name,
            birth_date=query.birth_date,
            codice_fiscale=query.codice_fiscale,
            limit=TOP,
        )
        timings[kind].append((time.perf_counter() - started) * 1000)
        answers.append(
            (record, kind, query, any(c.person.pk == record.pk for c in candidates[:TOP]))
        )
    for record, kind, query, hit in answers:  # after the timing: these counts cost queries too
        found[kind] += hit
        if not query.codice_fiscale:
            result.without_code_queries += 1
            result.without_code_found += hit
        if twins(record, query) > TOP:
            ambiguous[kind] += 1
            ambiguous_found[kind] += hit
        elif not hit and len(result.misses) < 20:
            result.misses.append({"kind": kind, "true": asdict(record), "query": asdict(query)})
    every = [t for kind in KINDS for t in timings[kind]]
    result.queries, result.found = len(every), sum(found.values())
    result.p50_ms, result.p95_ms = percentile(every, 50), percentile(every, 95)
    result.ambiguous, result.ambiguous_found = (
        sum(ambiguous.values()),
        sum(ambiguous_found.values()),
    )
    result.kinds = [
        KindResult(
            kind,
            len(timings[kind]),
            found[kind],
            percentile(timings[kind], 50),
            percentile(timings[kind], 95),
            ambiguous[kind],
            ambiguous_found[kind],
        )
        for kind in KINDS
        if timings[kind]
    ]
    return result


def dedup_report(result: DedupResult) -> list[str]:
    def verdict(ok: bool) -> str:
        return "OK" if ok else "BELOW TARGET"

    distinct = result.queries - result.ambiguous
    lines = [
        f"queries {result.queries:,} on {result.persons:,} persons",
        f"p50 {result.p50_ms:7.2f} ms   (target ≤ {TARGET_P50_MS:g} ms)   {verdict(result.p50_ms <= TARGET_P50_MS)}",
        f"p95 {result.p95_ms:7.2f} ms   (target ≤ {TARGET_P95_MS:g} ms)   {verdict(result.p95_ms <= TARGET_P95_MS)}",
        f"recall {result.recall_distinct:8.2%} of the {distinct:,} queries that single the person out "
        f"(target ≥ {TARGET_RECALL:.1%}; true record among the first {TOP})   "
        f"{verdict(result.recall_distinct >= TARGET_RECALL)}",
        f"recall {result.recall:8.2%} of all queries; {result.ambiguous} ambiguous (more than {TOP} persons "
        f"identical on every field the query gives), true record found for {result.ambiguous_found} of them",
    ]
    if result.without_code_queries:
        share = _share(result.without_code_found, result.without_code_queries)
        lines.append(
            f"  queries without codice fiscale: {result.without_code_queries}, recall {share:.2%}"
        )
    lines.append(
        f"{'corruption':<20} {'queries':>8} {'ambig.':>7} {'recall':>8} {'all':>8} {'p50 ms':>8} {'p95 ms':>8}"
    )
    for kind in result.kinds:
        lines.append(
            f"{kind.kind:<20} {kind.queries:>8} {kind.ambiguous:>7} {kind.recall_distinct:>8.2%} "
            f"{kind.recall:>8.2%} {kind.p50_ms:>8.2f} {kind.p95_ms:>8.2f}"
        )
    lines.append("recall: over the queries that single the person out; all: over every query.")
    return lines
