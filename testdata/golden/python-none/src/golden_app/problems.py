"""RFC 9457 problem details: the one shape of every error response."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Scope

from .models import json_pointer

PROBLEM_JSON = "application/problem+json"

# RFC 9110 reason phrases, fixed here because http.HTTPStatus wording varies by Python version.
_TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

_DETAILS = {
    400: "The request is malformed.",
    404: "The requested resource was not found.",
    405: "The method is not allowed on this resource.",
    422: "The request is invalid.",
    500: "An unexpected error occurred.",
}

_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class ProblemError(Exception):
    """Raised anywhere in a request to answer with a problem details response."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers


def problem_response(
    scope: Scope,
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Build the problem details response for the request in `scope`."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or _DETAILS.get(status) or HTTPStatus(status).description,
        "instance": scope.get("path", ""),
        "request_id": scope.get("state", {}).get("request_id", ""),
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def allowed_methods(scope: Scope) -> str:
    """List the methods that the routes matching this path serve, for an `Allow` header."""
    methods: set[str] = set()
    routes: list[APIRoute] = scope["app"].state.http_routes
    for route in routes:
        if route.path_regex.fullmatch(scope["path"]):
            methods.update(route.methods or ())
    return ", ".join(m for m in _METHOD_ORDER if m in methods)


async def _problem_error(request: Request, exc: ProblemError) -> JSONResponse:
    return problem_response(
        request.scope, exc.status, exc.detail, errors=exc.errors, headers=exc.headers
    )


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request.scope)
    # Starlette's own details ("Not Found") repeat the title; keep ours.
    return problem_response(request.scope, exc.status_code, headers=headers)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for error in exc.errors():
        where, *path = error["loc"] or ("body",)
        pointer = json_pointer(path) if where == "body" else ".".join(map(str, path))
        errors.append({"in": str(where), "pointer": pointer, "message": error["msg"]})
    return problem_response(request.scope, 422, errors=errors)


def install_problem_handlers(app: FastAPI) -> None:
    """Replace FastAPI's default error bodies with problem details."""
    # Through the decorator, which keeps each handler's own exception type for mypy.
    app.exception_handler(ProblemError)(_problem_error)
    app.exception_handler(HTTPException)(_http_error)
    app.exception_handler(RequestValidationError)(_validation_error)
