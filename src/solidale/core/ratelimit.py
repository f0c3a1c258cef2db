"""Fixed-window rate limits on the shared cache (database cache embedded, Redis in production)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import RateLimitedError


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/60"`` → 120 hits per 60 seconds."""
    hits, _sep, seconds = rate.partition("/")
    return int(hits), int(seconds or 60)


def client_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return "ip" + (request.META.get("REMOTE_ADDR") or "unknown")


def rate_limit_hit(*, scope: str, key: str, rate: str) -> None:
    """Count one hit for ``key`` in ``scope``; raise :class:`RateLimitedError` past the rate."""
    limit, window = parse_rate(rate)
    bucket = int(time.time() // window)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 5):
        return
    try:
        hits = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window + 5)
        return
    if hits > limit:
        raise RateLimitedError(_("Troppe richieste: riprova tra qualche minuto."))
