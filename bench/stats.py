"""Percentiles, load-test summaries and their ratios to the bare ``/hello`` view."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0 to 100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class LoadResult:
    """One load run against one target: throughput and latency (milliseconds)."""

    target: str
    path: str
    requests: int
    failures: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float

    @classmethod
    def from_samples(
        cls,
        *,
        target: str,
        path: str,
        samples_ms: Sequence[float],
        failures: int,
        requests_per_second: float,
    ) -> LoadResult:
        return cls(
            target=target,
            path=path,
            requests=len(samples_ms) + failures,
            failures=failures,
            requests_per_second=requests_per_second,
            p50_ms=percentile(samples_ms, 50),
            p95_ms=percentile(samples_ms, 95),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Ratios:
    """A target against the baseline: throughput share and latency multiples."""

    throughput: float  # target req/s ÷ baseline req/s (1.0 = as fast as /hello)
    p50: float  # target p50 ÷ baseline p50 (1.0 = as quick as /hello)
    p95: float


def ratios(result: LoadResult, baseline: LoadResult) -> Ratios:
    def divide(a: float, b: float) -> float:
        return a / b if b else math.inf

    return Ratios(
        throughput=divide(result.requests_per_second, baseline.requests_per_second),
        p50=divide(result.p50_ms, baseline.p50_ms),
        p95=divide(result.p95_ms, baseline.p95_ms),
    )


def load_table(results: Sequence[LoadResult], baseline: LoadResult) -> list[str]:
    """The load report as aligned text lines, ratios to the baseline in the last columns."""
    lines = [
        f"{'target':<10} {'requests':>9} {'fail':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}"
        f"   {'req/s:hello':>11} {'p50:hello':>10} {'p95:hello':>10}"
    ]
    for result in results:
        r = ratios(result, baseline)
        lines.append(
            f"{result.target:<10} {result.requests:>9} {result.failures:>5} {result.requests_per_second:>8.1f}"
            f" {result.p50_ms:>8.2f} {result.p95_ms:>8.2f}   {r.throughput:>11.3f} {r.p50:>10.2f} {r.p95:>10.2f}"
        )
    return lines
