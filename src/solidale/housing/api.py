"""The housing API, mounted at ``/api/v1/housing/``."""

from ninja import Router

router = Router(tags=["housing"])
