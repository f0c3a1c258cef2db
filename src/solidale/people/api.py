from ninja import Router

persons_router = Router(tags=["persons"])
households_router = Router(tags=["households"])
