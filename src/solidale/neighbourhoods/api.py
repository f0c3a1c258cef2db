"""The neighbourhoods API, mounted at ``/api/v1/neighbourhoods/``."""

from ninja import Router

router = Router(tags=["neighbourhoods"])
