"""The application factory: builds the ASGI app without listening."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, APIWebSocketRoute

from . import DESCRIPTION, NAME, routes
from .database import Database
from .middleware import RequestContextMiddleware
from .problems import PROBLEM_JSON, install_problem_handlers
from .settings import Settings


class Lifecycle:
    """Process state shared with the server: `draining` turns true once shutdown began."""

    def __init__(self) -> None:
        self.draining = False


def create_app(settings: Settings) -> FastAPI:
    """Build the app for `settings` without listening or connecting: the database at
    DATABASE_URL is reached on the first request that needs it."""
    database = Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await database.close()

    app = FastAPI(
        title=NAME,
        description=DESCRIPTION,
        # GET /openapi.json, a route of routes.py, serves the contract's document;
        # tests/test_openapi.py checks FastAPI's document of the routes against it. No
        # docs pages: the contract's Content-Security-Policy forbids their scripts.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        # Exact routing: /livez/ is 404, not a redirect to /livez.
        redirect_slashes=False,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.lifecycle = Lifecycle()

    install_problem_handlers(app)
    _add_routes(app, routes.router)
    # For the Allow header of a 405: every method each path serves (FastAPI's own names
    # only the methods of the first route that matched).
    app.state.http_routes = app.router.routes
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    app.add_middleware(
        RequestContextMiddleware,
        body_limit=settings.body_limit_bytes,
        cors_origins=settings.cors_origins,
    )
    return app


def _add_routes(app: FastAPI, router: APIRouter) -> None:
    """Declare the router's routes on the app itself, as @app.get would, rather than
    through include_router: FastAPI (the pinned version) keeps an included router nested
    and matches through it on every request, about a seventh of a GET /livez. Declared on
    the app, the routes still see app.dependency_overrides."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            app.router.add_api_route(
                route.path,
                route.endpoint,
                methods=sorted(route.methods or ()),
                response_model=route.response_model,
                status_code=route.status_code,
                tags=route.tags,
                dependencies=route.dependencies,
                summary=route.summary,
                description=route.description,
                response_description=route.response_description,
                responses=route.responses,
                deprecated=route.deprecated,
                operation_id=route.operation_id,
                include_in_schema=route.include_in_schema,
                response_class=route.response_class,
                name=route.name,
                openapi_extra=route.openapi_extra,
                route_class_override=type(route),
            )
        elif isinstance(route, APIWebSocketRoute):
            app.router.add_api_websocket_route(
                route.path, route.endpoint, name=route.name, dependencies=route.dependencies
            )
        else:
            app.router.routes.append(route)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, less the 422 FastAPI adds to every route with a parameter:
    only the routes whose `responses=` declare a 422 can answer one (an id that is not
    a UUID is simply unknown, 404)."""
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        for operations in document["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                if "HTTPValidationError" in str(responses.get("422", "")):
                    del responses["422"]
                for status, response in responses.items():
                    # A problem's schema belongs to application/problem+json, where
                    # `responses=` declared it, not to the routes' application/json.
                    content = response.get("content", {})
                    if int(status) >= 400 and PROBLEM_JSON in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
        document.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
        app.openapi_schema = document
    return app.openapi_schema
