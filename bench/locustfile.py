"""Locust user for ``solidale bench``: one target per run, chosen by the environment.

Environment (set by ``bench/load.py``):
  SOLIDALE_BENCH_TARGET   hello | search | api
  SOLIDALE_BENCH_SESSION  the desk operator's session cookie (hello and search)
  SOLIDALE_BENCH_TOKEN    the API token (api)
  SOLIDALE_BENCH_QUERIES  JSON file with the typo'd surnames to search
  SOLIDALE_BENCH_SAMPLES  file where every successful response time (ms) is written, one a line

Locust's own statistics round response times to whole milliseconds; the raw samples let
the harness compute exact percentiles for the fast ``/hello`` baseline too.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

TARGET = os.environ.get("SOLIDALE_BENCH_TARGET", "hello")
SESSION = os.environ.get("SOLIDALE_BENCH_SESSION", "")
TOKEN = os.environ.get("SOLIDALE_BENCH_TOKEN", "")
QUERIES: list[str] = (
    json.loads(Path(os.environ["SOLIDALE_BENCH_QUERIES"]).read_text())
    if os.environ.get("SOLIDALE_BENCH_QUERIES")
    else ["rossi"]
)
SAMPLES: list[float] = []


@events.request.add_listener
def record_sample(response_time: float, exception: BaseException | None, **kwargs: Any) -> None:
    if exception is None:
        SAMPLES.append(response_time)


@events.quitting.add_listener
def write_samples(**kwargs: Any) -> None:
    path = os.environ.get("SOLIDALE_BENCH_SAMPLES")
    if path:
        Path(path).write_text("\n".join(f"{s:.3f}" for s in SAMPLES))


class Operator(FastHttpUser):
    """A desk operator hammering one page; no think time (closed loop, maximum throughput)."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.cookie = {"Cookie": f"sessionid={SESSION}"} if SESSION else {}
        self.bearer = {"Authorization": f"Bearer {TOKEN}"}
        self.rng = random.Random()

    def _get(self, path: str, name: str, headers: dict[str, str]) -> None:
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task
    def one_request(self) -> None:
        if TARGET == "hello":
            self._get("/hello", "/hello", self.cookie)
        elif TARGET == "search":
            self._get(f"/people/?q={self.rng.choice(QUERIES)}", "/people/?q=[typo]", self.cookie)
        else:
            self._get(
                f"/api/v1/persons?q={self.rng.choice(QUERIES)}",
                "/api/v1/persons?q=[typo]",
                self.bearer,
            )
