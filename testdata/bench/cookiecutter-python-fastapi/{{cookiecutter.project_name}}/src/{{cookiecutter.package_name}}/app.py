"""The application factory: builds the ASGI app without listening."""

from fastapi import FastAPI
from fastapi.routing import APIRoute

from . import DESCRIPTION, NAME, routes
from .middleware import RequestContextMiddleware
from .problems import install_problem_handlers
from .settings import Settings
from .storage import ItemStore


class Lifecycle:
    """Process state shared with the server: `draining` turns true once shutdown began."""

    def __init__(self) -> None:
        self.draining = False


def create_app(settings: Settings, *, store: ItemStore | None = None) -> FastAPI:
    """Build the app for `settings` without listening; pass `store` to plug in another
    storage (a database) with the same interface as ItemStore."""
    app = FastAPI(
        title=NAME,
        description=DESCRIPTION,
        # The API is the contract in README.md: no docs pages (the CSP forbids them)
        # and no /openapi.json, so that every path the app serves is in the contract.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.store = store if store is not None else ItemStore()
    app.state.lifecycle = Lifecycle()

    install_problem_handlers(app)
    app.include_router(routes.router)
    # For the Allow header of a 405: every method each path serves.
    app.state.http_routes = [r for r in routes.router.routes if isinstance(r, APIRoute)]

    app.add_middleware(
        RequestContextMiddleware,
        body_limit=settings.body_limit_bytes,
        cors_origins=settings.cors_origins,
    )
    return app
