"""The API's models: request and response bodies as pydantic models. FastAPI validates
requests against them and generates the OpenAPI document from them."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

# ECMAScript's String.prototype.trim() whitespace (WhiteSpace and LineTerminator), the
# same in every stack. Python's str.strip() differs: it keeps U+FEFF and strips U+001C..
# U+001F and U+0085.
TRIMMED = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# The same set as a regular-expression class, spelled as the contract's document does.
_WS = "\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

# The largest offset, as in JavaScript (Number.MAX_SAFE_INTEGER): every stack agrees.
MAX_OFFSET = 2**53 - 1
MAX_QUANTITY = 1_000_000


def trimmed_pattern(maximum: int) -> str:
    """The JSON Schema pattern of a string of 1..maximum code points after trimming, with
    no NUL (a literal U+0000 in the pattern, which every regular-expression engine reads)."""
    return f"^[{_WS}]*(?:[^{_WS}\x00]|[^{_WS}\x00][^\x00]{{0,{maximum - 2}}}[^{_WS}\x00])[{_WS}]*$"


def _trimmed(maximum: int) -> Callable[[str], str]:
    def trim(value: str) -> str:
        value = value.strip(TRIMMED)
        if not 1 <= len(value) <= maximum:
            raise PydanticCustomError(
                "trimmed_length",
                "must be 1 to {maximum} characters, leading and trailing whitespace aside",
                {"maximum": maximum},
            )
        if "\x00" in value:
            # PostgreSQL's text cannot hold it; refused in every engine, so that the API
            # answers alike whatever database is behind it.
            raise PydanticCustomError("nul", "must not contain U+0000 (NUL)")
        return value

    return trim


# Strings stored trimmed, of 1..100 (a name) or 1..32 (a tag) code points after trimming.
Name = Annotated[
    str,
    AfterValidator(_trimmed(100)),
    WithJsonSchema({"type": "string", "pattern": trimmed_pattern(100)}),
]
Tag = Annotated[
    str,
    AfterValidator(_trimmed(32)),
    WithJsonSchema({"type": "string", "pattern": trimmed_pattern(32)}),
]


class ItemIn(BaseModel):
    """The body of POST and PUT: exactly `name`, `quantity` and optional `tags`, never
    coerced (strict: "5", true and 5.5 are not quantities)."""

    model_config = ConfigDict(strict=True, extra="forbid", title="ItemInput")

    name: Name
    quantity: Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
    tags: Annotated[list[Tag], Field(max_length=10)] = []


def format_timestamp(value: datetime) -> str:
    """Render a UTC datetime as `YYYY-MM-DDTHH:MM:SS.sssZ`."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


Timestamp = Annotated[
    datetime,
    PlainSerializer(format_timestamp, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$",
        }
    ),
]


class Item(BaseModel):
    """A stored item, as the API returns it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[
        str,
        Field(
            json_schema_extra={"format": "uuid"},
            pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        ),
    ]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    quantity: Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
    tags: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=32)], ...], Field(max_length=10)
    ]
    created_at: Timestamp
    updated_at: Timestamp


class ItemList(BaseModel):
    """One page of items."""

    model_config = ConfigDict(extra="forbid")

    items: Annotated[list[Item], Field(max_length=100)]
    total: Annotated[int, Field(ge=0)]
    limit: Annotated[int, Field(ge=1, le=100)]
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)]


class Live(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"]


class Ready(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ready"]


class NotReady(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["draining", "unavailable"]


class Problem(BaseModel):
    """RFC 9457 problem details: the body of every error."""

    model_config = ConfigDict(extra="forbid")

    # Always present (required in the document), about:blank for every problem today.
    type: Annotated[
        str,
        WithJsonSchema({"type": "string", "format": "uri-reference", "default": "about:blank"}),
    ]
    title: str
    status: Annotated[int, Field(ge=100, le=599)]
    detail: str
    instance: str
    request_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,128}$")]


class FieldError(BaseModel):
    """Where a request is invalid: `in` body (a JSON pointer) or query (the name). (Not
    named ValidationError, the name FastAPI gives its own schema.)"""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    in_: Annotated[Literal["body", "query"], Field(alias="in")]
    pointer: str
    message: str


class ValidationProblem(Problem):
    """The 422 problem: Problem plus `errors`."""

    type: Annotated[str, WithJsonSchema({"type": "string", "format": "uri-reference"})]

    errors: Annotated[list[FieldError], Field(min_length=1)]
