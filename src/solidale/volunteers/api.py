"""The volunteers API, mounted at ``/api/v1/volunteers/``."""

from ninja import Router

router = Router(tags=["volunteers"])
