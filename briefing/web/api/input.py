"""Strict JSON input: the request body must be one JSON object whose fields have the right
types; anything else is refused with a clear problem, never guessed at or ignored.

Each field's `Kind` both parses a value and describes it in the OpenAPI document, so the
document cannot say one thing while the parser does another.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from briefing.models.base import INTEGER_MAX
from briefing.services.checks import Collector
from briefing.services.errors import Invalid

JSON = "application/json"
# Longer numbers are refused before Python spends time converting them.
NUMBER_DIGITS_MAX = 100


class Refused(ValueError):
    """A value of the wrong shape; the message says what was expected."""


@dataclass(frozen=True)
class Kind:
    """How one JSON value is checked and converted, and its JSON Schema."""

    schema: dict[str, Any]
    parse: Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = False


@dataclass(frozen=True)
class RequestBody:
    """The fields a request body may carry. Fields of the representation that are not
    writable here are named as read-only when sent, so a client learns why."""

    fields: Mapping[str, Field]
    representation: Collection[str] = field(default_factory=tuple)

    def parse(self, payload: dict[str, Any]) -> dict[str, Any]:
        errors = Collector()
        for name in payload:
            if name in self.fields:
                continue
            if name in self.representation:
                errors.add(name, "This field is read-only.")
            else:
                errors.add(name, "Unknown field.")
        values: dict[str, Any] = {}
        for name, spec in self.fields.items():
            if name not in payload:
                if spec.required:
                    errors.add(name, "This field is required.")
                continue
            try:
                values[name] = spec.kind.parse(payload[name])
            except Refused as refused:
                errors.add(name, str(refused))
        errors.raise_if_any()
        return values

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {name: spec.kind.schema for name, spec in self.fields.items()},
            "required": [name for name, spec in self.fields.items() if spec.required],
            "additionalProperties": False,
        }


def json_object() -> dict[str, Any]:
    """The request body as a JSON object: 415 for another media type, 413 when too large
    (raised by Werkzeug while reading), 400 when it is not one well-formed JSON object."""
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


def query_cursor() -> str | None:
    """`?cursor=`: where a list continues; the `next` of the previous page."""
    return request.args.get("cursor") or None


def query_limit(default: int = 20, maximum: int = 100) -> int:
    """`?limit=`: how many items a list returns."""
    text = request.args.get("limit")
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 3) or not 1 <= int(text) <= maximum:
        raise Invalid.field("limit", f"Must be a whole number from 1 to {maximum}.")
    return int(text)


# Kinds -----------------------------------------------------------------------------------


def _storable(value: str) -> str:
    """Text the databases can hold: no NUL, no unpaired surrogate (from a `\\ud800` escape)."""
    if "\x00" in value:
        raise Refused("Must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused("Must be valid Unicode text.") from None
    return value


def string(max_length: int | None = None) -> Kind:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise Refused("Must be a string.")
        return _storable(value)

    schema: dict[str, Any] = {"type": "string"}
    if max_length is not None:
        schema["maxLength"] = max_length
    return Kind(schema, parse)


def choice(values: Collection[StrEnum]) -> Kind:
    """One of the given enum values, by name."""
    names = [v.value for v in values]
    by_name = {v.value: v for v in values}

    def parse(value: Any) -> StrEnum:
        if not isinstance(value, str) or value not in by_name:
            raise Refused("Must be one of: " + ", ".join(names) + ".")
        return by_name[value]

    return Kind({"type": "string", "enum": names}, parse)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Refused("Must be true or false.")
    return value


def _positive_integer(value: Any) -> int:
    # bool is an int in Python, but `true` is not a version number.
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= INTEGER_MAX:
        raise Refused(f"Must be a whole number from 1 to {INTEGER_MAX}.")
    return value


def _moment(value: Any) -> datetime:
    message = "Must be an ISO 8601 date and time with a UTC offset, like 2024-03-01T14:32:00+02:00."
    if not isinstance(value, str):
        raise Refused(message)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Refused(message) from None
    if moment.tzinfo is None:
        raise Refused(message)
    return moment


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Refused("Must be a list of strings.")
    return [_storable(item) for item in value]


BOOLEAN = Kind({"type": "boolean"}, _boolean)
POSITIVE_INTEGER = Kind(
    {"type": "integer", "minimum": 1, "maximum": INTEGER_MAX}, _positive_integer
)
MOMENT = Kind({"type": "string", "format": "date-time"}, _moment)
STRINGS = Kind({"type": "array", "items": {"type": "string"}}, _strings)
