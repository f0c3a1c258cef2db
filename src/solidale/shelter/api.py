"""The shelter API, mounted at ``/api/v1/shelter/``."""

from ninja import Router

router = Router(tags=["shelter"])
