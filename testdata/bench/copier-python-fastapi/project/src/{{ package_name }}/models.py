"""Request and response models, and the translation of validation errors to JSON pointers."""

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints


def format_timestamp(value: datetime) -> str:
    """Render a UTC datetime as `YYYY-MM-DDTHH:MM:SS.sssZ`."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


Timestamp = Annotated[datetime, PlainSerializer(format_timestamp, return_type=str)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class ItemIn(BaseModel):
    """The body of POST and PUT: exactly `name`, `quantity` and optional `tags`, never coerced."""

    model_config = ConfigDict(strict=True, extra="forbid")

    name: Name
    quantity: Annotated[int, Field(ge=0, le=1_000_000)]
    tags: Annotated[list[Tag], Field(max_length=10)] = []


class Item(BaseModel):
    """A stored item, as the API returns it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    quantity: int
    tags: tuple[str, ...]
    created_at: Timestamp
    updated_at: Timestamp


def json_pointer(path: Iterable[Any]) -> str:
    """Build an RFC 6901 JSON pointer from a validation error location."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def body_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Turn pydantic errors for a request body into the contract's `errors` entries."""
    return [
        {"in": "body", "pointer": json_pointer(error["loc"]), "message": error["msg"]}
        for error in errors
    ]


# Leading zeros aside, no accepted value has more digits (and int() refuses huge strings).
_DECIMAL = re.compile(r"0*[0-9]{1,18}")

# The largest offset, as in JavaScript (Number.MAX_SAFE_INTEGER): every stack agrees.
MAX_OFFSET = 2**53 - 1


def query_int(
    params: Mapping[str, str],
    name: str,
    *,
    default: int,
    minimum: int,
    maximum: int,
    errors: list[dict[str, str]],
) -> int:
    """Read a decimal-integer query parameter, appending an error entry when it is invalid."""
    raw = params.get(name)
    if raw is None:
        return default
    if _DECIMAL.fullmatch(raw) and minimum <= int(raw) <= maximum:
        return int(raw)
    message = f"must be a decimal integer from {minimum} to {maximum}"
    errors.append({"in": "query", "pointer": name, "message": message})
    return default
