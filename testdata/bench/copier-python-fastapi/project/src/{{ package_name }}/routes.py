"""HTTP endpoints: health probes and the items resource."""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from .body import JsonBody
from .models import MAX_OFFSET, ItemIn, body_errors, query_int
from .problems import ProblemError
from .storage import ItemStore

router = APIRouter()


def _store(request: Request) -> ItemStore:
    store: ItemStore = request.app.state.store
    return store


def _item_in(data: Any) -> ItemIn:
    try:
        return ItemIn.model_validate(data)
    except ValidationError as exc:
        raise ProblemError(422, errors=body_errors(exc.errors())) from None


def _not_found(item_id: str) -> ProblemError:
    return ProblemError(404, f"No item with id {item_id!r}.")


@router.get("/livez")
async def livez() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    if request.app.state.lifecycle.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/v1/items")
async def list_items(request: Request) -> JSONResponse:
    errors: list[dict[str, str]] = []
    params = request.query_params
    limit = query_int(params, "limit", default=20, minimum=1, maximum=100, errors=errors)
    offset = query_int(params, "offset", default=0, minimum=0, maximum=MAX_OFFSET, errors=errors)
    if errors:
        raise ProblemError(422, errors=errors)
    items, total = await _store(request).page(limit=limit, offset=offset)
    return JSONResponse(
        {
            "items": [item.model_dump(mode="json") for item in items],
            "total": total,
            "limit": limit,
            "offset": offset,
        }
    )


@router.post("/v1/items")
async def create_item(request: Request, body: JsonBody) -> JSONResponse:
    item = await _store(request).create(_item_in(body))
    return JSONResponse(
        item.model_dump(mode="json"),
        status_code=201,
        headers={"Location": f"/v1/items/{item.id}"},
    )


@router.get("/v1/items/{item_id}")
async def get_item(request: Request, item_id: str) -> JSONResponse:
    item = await _store(request).get(item_id)
    if item is None:
        raise _not_found(item_id)
    return JSONResponse(item.model_dump(mode="json"))


@router.put("/v1/items/{item_id}")
async def replace_item(request: Request, item_id: str, body: JsonBody) -> JSONResponse:
    store = _store(request)
    # An unknown (or non-UUID) id is 404 even when the body is also invalid.
    if await store.get(item_id) is None:
        raise _not_found(item_id)
    item = await store.replace(item_id, _item_in(body))
    if item is None:
        raise _not_found(item_id)
    return JSONResponse(item.model_dump(mode="json"))


@router.delete("/v1/items/{item_id}")
async def delete_item(request: Request, item_id: str) -> Response:
    if not await _store(request).delete(item_id):
        raise _not_found(item_id)
    return Response(status_code=204)
