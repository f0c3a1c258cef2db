"""The food API, mounted at ``/api/v1/food/``."""

from ninja import Router

router = Router(tags=["food"])
