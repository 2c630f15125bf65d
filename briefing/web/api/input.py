"""Strict JSON input: the request body must be one JSON object whose fields have the right
types; anything else is refused with a clear problem, never guessed at or ignored.

A request body is a pydantic model (`RequestBody`): the same class parses the body and is the
schema the OpenAPI document shows, so the two cannot disagree. Pydantic's errors become the
API's `Invalid` in one place, `_invalid`, in the words users have always seen.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

from annotated_types import GroupedMetadata
from flask import request
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticCustomError
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from briefing.models.base import INTEGER_MAX
from briefing.services.errors import FieldError, Invalid, Unreadable

JSON = "application/json"
# Longer numbers are refused before Python spends time converting them.
NUMBER_DIGITS_MAX = 100
# The default of a field a client may leave out: absent, so the service verb's own default
# (or, on a change, the stored value) applies. Typed Any so a field may be `Text = ABSENT`.
ABSENT: Any = None


def json_object() -> dict[str, Any]:
    """The request body as a JSON object: 415 for another media type, 413 when too large
    (raised by Werkzeug while reading), 400 when it is not one well-formed JSON object.

    Hand-written rather than pydantic's JSON parser, which keeps the last of repeated keys
    and cannot cap a number's length; the stdlib parser's hooks refuse both."""
    if request.mimetype != JSON:
        raise UnsupportedMediaType("Send the request body as application/json.")
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if limit is not None and len(data) >= limit:
        # Werkzeug cuts a body without Content-Length (chunked) at the limit without a
        # word; reading on makes it raise 413 (also for a body of exactly the limit).
        request.stream.read(1)
    try:
        payload = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constant,
            parse_int=_integer,
        )
    except UnicodeDecodeError:
        raise BadRequest("The request body is not valid UTF-8.") from None
    except RecursionError:
        raise BadRequest("The request body is nested too deeply.") from None
    except ValueError as error:  # JSONDecodeError, or refused by a hook below
        raise BadRequest(f"The request body is not valid JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise BadRequest("The request body must be a JSON object.")
    return payload


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        counts = Counter(name for name, _ in pairs)
        repeated = sorted(name for name, n in counts.items() if n > 1)
        raise ValueError(f"repeated key {', '.join(map(repr, repeated))}")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _integer(text: str) -> int:
    if len(text) > NUMBER_DIGITS_MAX:
        raise ValueError(f"a number is longer than {NUMBER_DIGITS_MAX} digits")
    return int(text)


# Request bodies ----------------------------------------------------------------------------


class RequestBody(BaseModel):
    """The fields a request body may carry. Fields of the representation (`represents`) that
    are not writable here are named as read-only when sent, so a client learns why."""

    model_config = ConfigDict(extra="forbid", strict=True)
    represents: ClassVar[type[BaseModel]]

    @classmethod
    def parse(cls, payload: dict[str, Any]) -> dict[str, Any]:
        """The fields the client sent, checked and converted, as keyword arguments."""
        try:
            body = cls.model_validate(payload)
        except ValidationError as error:
            raise _invalid(error, read_only=cls.represents.model_fields) from None
        return {name: getattr(body, name) for name in body.model_fields_set}


class Query(BaseModel):
    """Query-string parameters of a view. A parameter it does not take, one given twice or
    one it cannot read is refused (400) by name, never ignored: `?before=…` silently
    answering the first page would look like an answer to the question asked."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @classmethod
    def parse(cls) -> Self:
        """This request's parameters, checked and converted."""
        repeated = [name for name, values in request.args.lists() if len(values) > 1]
        if repeated:
            raise Unreadable([FieldError(name, "Give this parameter once.") for name in repeated])
        try:
            return cls.model_validate(request.args.to_dict())
        except ValidationError as error:
            known = ", ".join(cls.model_fields) or "none"
            unknown = f"Unknown parameter; this list takes: {known}."
            raise Unreadable(_invalid(error, unknown=unknown).errors) from None


def _invalid(
    error: ValidationError, read_only: Iterable[str] = (), unknown: str = "Unknown field."
) -> Invalid:
    """Pydantic's errors in the API's words, one per field at fault. Each field type below
    carries its own message (`_refused`); only absence and extra fields are worded here."""
    errors = []
    for problem in error.errors(include_url=False):
        name = str(problem["loc"][0]) if problem["loc"] else ""
        if problem["type"] == "missing":
            message = "This field is required."
        elif problem["type"] == "extra_forbidden":
            message = "This field is read-only." if name in read_only else unknown
        else:
            message = problem["msg"]
        errors.append(FieldError(name, message))
    return Invalid(errors)


# Field types -------------------------------------------------------------------------------


def _refused(message: str) -> WrapValidator:
    """Whatever pydantic finds wrong with the value, the client reads `message`."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError("refused", message) from None

    return WrapValidator(validate)


def _storable(value: str) -> str:
    """Text the databases can hold: no NUL, no unpaired surrogate (from a `\\ud800` escape).
    Pydantic's `str` takes both; PostgreSQL refuses the one and UTF-8 cannot encode the other."""
    if "\x00" in value:
        raise PydanticCustomError("refused", "Must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("refused", "Must be valid Unicode text.") from None
    return value


def _all_storable(values: list[str]) -> list[str]:
    return [_storable(value) for value in values]


def _from_iso(value: Any) -> Any:
    # Strict mode takes only datetime objects from Python values, and JSON carries text:
    # the stdlib's ISO 8601 parser reads it (pydantic's lax mode would also take Unix times).
    # A ValueError from it is worded by Moment's _refused.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def max_length(limit: int) -> Any:
    """Documents a text limit. The service verb enforces it after cleaning the text (and
    tells how long the text was), for the API and the editor's forms alike."""
    return WithJsonSchema({"type": "string", "maxLength": limit})


@dataclass(frozen=True)
class OneOf(GroupedMetadata):
    """One of the given values of an enum, by name. Strictness is off for it: JSON has
    no enums, only their names. A subset (such as the statuses a client may set) is both
    checked and documented; pydantic's own enum type would accept and show every member."""

    choices: tuple[StrEnum, ...]

    def __iter__(self) -> Iterator[Any]:
        names = [choice.value for choice in self.choices]

        def allowed(value: StrEnum) -> StrEnum:
            if value not in self.choices:
                raise ValueError("not one of the choices")
            return value

        yield Strict(False)
        yield AfterValidator(allowed)
        yield _refused("Must be one of: " + ", ".join(names) + ".")
        yield WithJsonSchema({"type": "string", "enum": names})


Text = Annotated[str, _refused("Must be a string."), AfterValidator(_storable)]
Flag = Annotated[bool, _refused("Must be true or false.")]
PositiveInteger = Annotated[
    int,
    Field(ge=1, le=INTEGER_MAX),
    _refused(f"Must be a whole number from 1 to {INTEGER_MAX}."),
]
MaybeId = Annotated[
    PositiveInteger | None,
    _refused(f"Must be null or a whole number from 1 to {INTEGER_MAX}."),
]
MaybeSlug = Annotated[
    Text | None,
    _refused("Must be null or a string."),
    WithJsonSchema({"type": ["string", "null"]}),
]
Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_from_iso),
    _refused(
        "Must be an ISO 8601 date and time with a UTC offset, like 2024-03-01T14:32:00+02:00."
    ),
]
Strings = Annotated[
    list[str], _refused("Must be a list of strings."), AfterValidator(_all_storable)
]


def _query_number(value: Any) -> Any:
    # Query values are text. Only plain ASCII digits become a number: int() would also take
    # signs, spaces, underscores and other scripts' digits.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 3:
        return int(value)
    return value


def _query_cursor(value: Any) -> Any:
    # The `next` the previous page gave out: an id, as text.
    if value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        return int(value)
    return value


class ListQuery(Query):
    """Where a list starts and how long it is."""

    cursor: Annotated[
        PositiveInteger | None,
        BeforeValidator(_query_cursor),
        _refused("Not a valid page cursor: send the `next` of the previous page."),
        WithJsonSchema({"type": "string"}),
    ] = Field(None, description="The `next` of the previous page.")
    limit: Annotated[
        int,
        Field(ge=1, le=100),  # first, so that the schema shows it as minimum and maximum
        BeforeValidator(_query_number),
        _refused("Must be a whole number from 1 to 100."),
    ] = Field(20, description="How many items to return.")
