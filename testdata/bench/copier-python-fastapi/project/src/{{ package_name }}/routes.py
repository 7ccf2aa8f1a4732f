"""HTTP endpoints: health probes and the items resource, as typed FastAPI routes. Their
parameters, models and `responses=` are also what FastAPI's OpenAPI document says."""

import re
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from .body import ContractRoute
from .database import Database, Store
from .models import MAX_OFFSET, Item, ItemIn, ItemList, Live, NotReady, Ready
from .problems import (
    BAD_REQUEST,
    CONTENT_TOO_LARGE,
    INTERNAL_ERROR,
    NOT_FOUND,
    SERVICE_UNAVAILABLE,
    UNPROCESSABLE,
    UNSUPPORTED_MEDIA_TYPE,
    ProblemError,
    Responses,
)
from .storage import StorageUnavailable

router = APIRouter(route_class=ContractRoute, responses=INTERNAL_ERROR)

# What a body route can answer besides its success (413 comes from the middleware).
BODY_PROBLEMS: Responses = {
    **BAD_REQUEST,
    **CONTENT_TOO_LARGE,
    **UNSUPPORTED_MEDIA_TYPE,
    **UNPROCESSABLE,
}


# An id as the server makes them (lowercase UUID v4): any other is simply unknown (404),
# known without asking the store.
_ITEM_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _decimal(value: object) -> object:
    """Query integers in plain decimal digits: "05" is 5; "+5", " 5", "1e1", "" fail
    (pydantic's own reading of a string as an int would take some of them)."""
    if isinstance(value, str):
        digits = value.lstrip("0") or "0"
        if not value.isascii() or not value.isdigit():
            raise PydanticCustomError("decimal", "must be a whole number in decimal digits")
        # Too many digits for any bound: a stand-in past every bound (int() refuses huge).
        return int(digits) if len(digits) <= 18 else 10**18
    return value


# The bounds before the validator, so that the document shows them as minimum/maximum.
Limit = Annotated[int, Field(ge=1, le=100), BeforeValidator(_decimal), Query()]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET), BeforeValidator(_decimal), Query()]


async def single_query_values(request: Request) -> None:
    """A repeated limit or offset is invalid (FastAPI would take the last one)."""
    params = request.query_params
    errors = [
        {"in": "query", "pointer": name, "message": "must be given at most once"}
        for name in ("limit", "offset")
        if len(params.getlist(name)) > 1
    ]
    if errors:
        raise ProblemError(422, errors=errors)


async def known_id(item_id: Annotated[str, Path(alias="id")]) -> str:
    """The id of the path, or 404 when it cannot be an item's id (before any store work)."""
    if not _ITEM_ID.fullmatch(item_id):
        raise ProblemError(404, "No item with this id.")
    return item_id


ItemId = Annotated[str, Depends(known_id)]


async def existing_item(item_id: ItemId, store: Store) -> Item:
    """The item of the path, or 404."""
    item = await store.get(item_id)
    if item is None:
        raise ProblemError(404, "No item with this id.")
    return item


async def item_to_replace(item_id: ItemId, store: Store) -> Item | None:
    """The item a PUT replaces, or 404. A dependency, so that FastAPI runs it before it
    validates the body: an unknown id is 404 even when the body is also invalid. None
    while the store is unavailable: the body's 422 still comes first (it needs no
    database), then the handler answers 503."""
    try:
        return await existing_item(item_id, store)
    except StorageUnavailable:
        return None


@router.get("/livez", response_model=Live, tags=["probes"])
async def livez() -> JSONResponse:
    # The probe answers most often: a Response returned as is skips FastAPI's check of
    # the value against response_model (a tenth of this request's time); Live still
    # describes it in the document.
    return JSONResponse({"status": "ok"})


@router.get(
    "/readyz",
    response_model=Ready,
    responses={503: {"model": NotReady, "description": "Draining, or unavailable."}},
    tags=["probes"],
)
async def readyz(request: Request) -> Ready | JSONResponse:
    if request.app.state.lifecycle.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    database: Database = request.app.state.database
    if not await database.ready():
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return Ready(status="ready")


# The contract's document, read once: served as is, never rebuilt per request.
_CONTRACT_DOCUMENT = (resources.files(__package__) / "openapi.json").read_bytes()

# What the contract's document says of itself: an OpenAPI 3.1 document.
_DOCUMENT_SCHEMA = {
    "type": "object",
    "required": ["openapi", "info", "paths"],
    "properties": {"openapi": {"type": "string", "pattern": r"^3\.1\.[0-9]+$"}},
}


@router.get(
    "/openapi.json",
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {"schema": _DOCUMENT_SCHEMA}}}},
    tags=["meta"],
)
async def openapi() -> Response:
    """The contract's OpenAPI document (openapi.json, package data), the same bytes in
    every stack; tests/test_openapi.py checks that FastAPI's document of these routes is
    equivalent to it."""
    return Response(_CONTRACT_DOCUMENT, media_type="application/json")


@router.get(
    "/v1/items",
    response_model=ItemList,
    responses={**UNPROCESSABLE, **SERVICE_UNAVAILABLE},
    dependencies=[Depends(single_query_values)],
    tags=["items"],
)
async def list_items(store: Store, limit: Limit = 20, offset: Offset = 0) -> ItemList:
    items, total = await store.page(limit=limit, offset=offset)
    return ItemList(items=items, total=total, limit=limit, offset=offset)


@router.post(
    "/v1/items",
    status_code=201,
    response_model=Item,
    responses={**BODY_PROBLEMS, **SERVICE_UNAVAILABLE},
    tags=["items"],
)
async def create_item(body: ItemIn, store: Store, response: Response) -> Item:
    item = await store.create(body)
    response.headers["Location"] = f"/v1/items/{item.id}"
    return item


@router.get(
    "/v1/items/{id}",
    response_model=Item,
    responses={**NOT_FOUND, **SERVICE_UNAVAILABLE},
    tags=["items"],
)
async def get_item(item: Annotated[Item, Depends(existing_item)]) -> Item:
    return item


@router.put(
    "/v1/items/{id}",
    response_model=Item,
    responses={**BODY_PROBLEMS, **NOT_FOUND, **SERVICE_UNAVAILABLE},
    tags=["items"],
)
async def replace_item(
    item: Annotated[Item | None, Depends(item_to_replace)], body: ItemIn, store: Store
) -> Item:
    if item is None:
        raise StorageUnavailable
    replaced = await store.replace(item.id, body)
    if replaced is None:  # deleted in the meantime
        raise ProblemError(404, "No item with this id.")
    return replaced


@router.delete(
    "/v1/items/{id}",
    status_code=204,
    response_class=Response,
    responses={**NOT_FOUND, **SERVICE_UNAVAILABLE},
    tags=["items"],
)
async def delete_item(item_id: ItemId, store: Store) -> None:
    # One statement: the delete itself says whether the item existed.
    if not await store.delete(item_id):
        raise ProblemError(404, "No item with this id.")
