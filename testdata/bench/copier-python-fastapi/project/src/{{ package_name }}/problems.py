"""RFC 9457 problem details: the one shape of every error response, and the exception
handlers that turn FastAPI's and Starlette's errors into it."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from .models import Problem, ValidationProblem
from .storage import StorageUnavailable

PROBLEM_JSON = "application/problem+json"

# RFC 9110 reason phrases, fixed here because http.HTTPStatus wording varies by Python version.
TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

# Fixed texts: a detail never repeats what the client sent.
_DETAILS = {
    400: "The request is malformed.",
    404: "The requested resource was not found.",
    405: "The method is not allowed on this resource.",
    422: "The request is invalid.",
    500: "An unexpected error occurred.",
    503: "The database is unavailable; try again later.",
}

_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


Responses = dict[int | str, dict[str, Any]]


def _described(status: int, description: str, model: type[Problem] = Problem) -> Responses:
    return {status: {"model": model, "description": description, "content": {PROBLEM_JSON: {}}}}


# For `responses=` of the routes: the problems each can answer, in the OpenAPI document.
BAD_REQUEST = _described(400, "Malformed JSON.")
NOT_FOUND = _described(404, "Unknown id.")
CONTENT_TOO_LARGE = _described(413, "The body is over BODY_LIMIT_BYTES.")
UNSUPPORTED_MEDIA_TYPE = _described(415, "Not application/json, or encoded.")
UNPROCESSABLE = _described(422, "Validation failed.", ValidationProblem)
INTERNAL_ERROR = _described(500, "Anything unexpected.")
SERVICE_UNAVAILABLE = _described(503, "The database cannot be reached (or failed).")


class ProblemError(HTTPException):
    """Raised anywhere in a request to answer with a problem details response. An
    HTTPException, so that FastAPI lets it through while it reads a body."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, detail, dict(headers) if headers else None)
        self.problem_detail = detail
        self.errors = errors


def request_path(scope: Scope) -> str:
    """The path as the client sent it: percent-encoding kept, no query."""
    raw: bytes | None = scope.get("raw_path")
    if raw is None:
        return str(scope.get("path", ""))
    return raw.decode("latin-1")


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
        "title": TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or _DETAILS.get(status) or HTTPStatus(status).description,
        "instance": request_path(scope),
        "request_id": scope.get("state", {}).get("request_id", ""),
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def allowed_methods(scope: Scope) -> str:
    """The methods the routes matching this path serve, for an `Allow` header (HEAD,
    answered wherever GET is, is left out, as the contract allows)."""
    methods: set[str] = set()
    for route in scope["app"].state.http_routes:
        regex, route_methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and route_methods and regex.fullmatch(scope["path"]):
            methods.update(route_methods)
    return ", ".join(m for m in _METHOD_ORDER if m in methods)


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """The router's answer for an unknown path: the 404 problem, for a WebSocket
    handshake too (as an HTTP response instead of the bare 403 of a refused socket)."""
    await problem_response(scope, 404)(scope, receive, send)


async def _problem_error(request: Request, exc: ProblemError) -> JSONResponse:
    return problem_response(
        request.scope, exc.status_code, exc.problem_detail, errors=exc.errors, headers=exc.headers
    )


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request.scope)
    # Starlette's own details ("Not Found") repeat the title; keep ours.
    return problem_response(request.scope, exc.status_code, headers=headers)


async def _storage_unavailable(request: Request, exc: StorageUnavailable) -> JSONResponse:
    # The cause (driver text) stays in the server: the log has its class.
    return problem_response(request.scope, 503)


def _pointer(path: list[Any]) -> str:
    """An RFC 6901 JSON pointer from a validation error's location in the body."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # pydantic's locations: ("body", "tags", 0) is /tags/0, ("body",) is the body
    # itself (""), ("query", "limit") is the parameter's name.
    errors = []
    for error in exc.errors():
        where, *path = error["loc"] or ("body",)
        pointer = _pointer(path) if where == "body" else ".".join(map(str, path))
        errors.append({"in": str(where), "pointer": pointer, "message": str(error["msg"])})
    return problem_response(request.scope, 422, errors=errors)


def install_problem_handlers(app: FastAPI) -> None:
    """Replace FastAPI's default error bodies with problem details."""
    # Through the decorator, which keeps each handler's own exception type for mypy.
    app.exception_handler(ProblemError)(_problem_error)
    app.exception_handler(HTTPException)(_http_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(StorageUnavailable)(_storage_unavailable)
    app.router.default = not_found
