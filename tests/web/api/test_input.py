"""Whatever a client sends, the answer is a clear 4xx problem, never a 500, and nothing
unstorable is stored."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from briefing.extensions import db
from briefing.models import Update

UPDATES = "/api/v1/briefings/war/updates"
MIB = 1024 * 1024


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


def assert_nothing_created():
    assert db.session.scalar(select(func.count(Update.id))) == 0


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b'{"body": "x",}',
        b"{'body': 'x'}",
        b'{"body": NaN}',
        b'{"body": "x"} trailing',
        b"\xef\xbb\xbf{}",
        b'{"body": "\xff\xfe"}',
        b'{"body": "x", "body": "y"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"key_event": ' + b"9" * 5000 + b"}",
    ],
    ids=[
        "empty",
        "truncated",
        "trailing-comma",
        "single-quotes",
        "nan",
        "trailing-text",
        "bom",
        "invalid-utf8",
        "duplicate-key",
        "deep-nesting",
        "5000-digit-number",
    ],
)
def test_malformed_json_is_400(api, briefing, data):
    response = api.post(UPDATES, data=data, content_type="application/json")
    assert_problem(response, 400)
    assert_nothing_created()


@pytest.mark.parametrize("payload", [b"[]", b'"body"', b"42", b"null", b'[{"body": "x"}]'])
def test_json_that_is_not_an_object_is_400(api, briefing, payload):
    response = api.post(UPDATES, data=payload, content_type="application/json")
    assert "JSON object" in assert_problem(response, 400)["detail"]


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_body_that_is_not_json_is_415(api, briefing, content_type):
    response = api.post(UPDATES, data=b'{"body": "x"}', content_type=content_type)
    assert_problem(response, 415)
    assert_nothing_created()


def test_json_with_a_charset_parameter_is_accepted(api, briefing):
    response = api.post(
        UPDATES, data=b'{"body": "x"}', content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 201


def test_body_over_one_mebibyte_is_413(api, briefing):
    data = b'{"body": "' + b"x" * MIB + b'"}'
    assert_problem(api.post(UPDATES, data=data, content_type="application/json"), 413)
    assert_nothing_created()


def test_chunked_body_over_one_mebibyte_is_413_while_reading(api, briefing):
    # No Content-Length: the limit is enforced on the stream as it is read.
    response = api.post(
        UPDATES,
        input_stream=io.BytesIO(b'{"body": "' + b"x" * (2 * MIB) + b'"}'),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_problem(response, 413)
    assert_nothing_created()


STATUSES = "Must be one of: draft, scheduled, published."
WRONG_TYPES = [
    ({"body": 42}, "body", "Must be a string."),
    ({"body": True}, "body", "Must be a string."),
    ({"body": None}, "body", "Must be a string."),
    ({"body": {"text": "x"}}, "body", "Must be a string."),
    ({"body": ["x"]}, "body", "Must be a string."),
    ({"body": "x", "headline": False}, "headline", "Must be a string."),
    ({"body": "x", "key_event": "yes"}, "key_event", "Must be true or false."),
    ({"body": "x", "key_event": 1}, "key_event", "Must be true or false."),
    ({"body": "x", "pinned": None}, "pinned", "Must be true or false."),
    ({"body": "x", "sources": "reuters"}, "sources", "Must be a list of strings."),
    ({"body": "x", "sources": ["reuters", 5]}, "sources", "Must be a list of strings."),
    ({"body": "x", "sources": [["reuters"]]}, "sources", "Must be a list of strings."),
    ({"body": "x", "sources": {"reuters": True}}, "sources", "Must be a list of strings."),
    ({"body": "x", "status": 1}, "status", "Must be one of: draft, scheduled, published."),
    (
        {"body": "x", "status": "PUBLISHED"},
        "status",
        "Must be one of: draft, scheduled, published.",
    ),
]


@pytest.mark.parametrize(("payload", "field", "message"), WRONG_TYPES)
def test_wrong_json_type_is_422_naming_the_field(api, briefing, payload, field, message):
    body = assert_problem(api.post(UPDATES, payload), 422)
    assert body["errors"] == [{"field": field, "message": message}]
    assert_nothing_created()


@pytest.mark.parametrize(
    "published_at",
    [
        12,
        True,
        "yesterday",
        "2026-11-20T12:30:00",
        "2026-11-20",
        "0000-01-01T00:00:00+00:00",
        "99999-01-01T00:00:00+00:00",
        "2026-13-01T00:00:00+00:00",
        "2026-11-20T25:00:00+00:00",
        "2026-11-20T12:30:00+25:00",
        "",
    ],
)
def test_published_at_must_be_iso_8601_with_an_offset(api, briefing, published_at):
    body = assert_problem(api.post(UPDATES, {"body": "x", "published_at": published_at}), 422)
    assert [e["field"] for e in body["errors"]] == ["published_at"]


@pytest.mark.parametrize(
    "published_at",
    ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "1989-12-31T23:59:59+00:00"],
)
def test_absurd_but_parseable_dates_are_out_of_range(api, briefing, published_at):
    body = assert_problem(api.post(UPDATES, {"body": "x", "published_at": published_at}), 422)
    assert body["errors"] == [{"field": "published_at", "message": "This time is out of range."}]


def test_published_at_in_another_offset_is_stored_as_that_instant(api, briefing):
    body = api.post(UPDATES, {"body": "x", "published_at": "2026-11-20T10:30:00Z"}).get_json()
    assert body["published_at"] == "2026-11-20T10:30:00+00:00"


@pytest.mark.parametrize("version", [True, "1", 1.0, 0, -1, 2**31, 2**64, 10**99, None, [1]])
def test_version_must_be_a_sane_integer(api, briefing, make_update, version):
    item = make_update(briefing)
    body = assert_problem(api.patch(f"{UPDATES}/{item.id}", {"version": version}), 422)
    assert [e["field"] for e in body["errors"]] == ["version"]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("id", "This field is read-only."),
        ("briefing", "This field is read-only."),
        ("body_html", "This field is read-only."),
        ("credit", "This field is read-only."),
        ("version", "This field is read-only."),
        ("updated_at", "This field is read-only."),
        ("url", "This field is read-only."),
        ("author", "Unknown field."),
        ("bodyy", "Unknown field."),
        ("", "Unknown field."),
    ],
)
def test_unknown_and_read_only_fields_are_refused_by_name(api, briefing, field, message):
    body = assert_problem(api.post(UPDATES, {"body": "x", field: "anything"}), 422)
    assert body["errors"] == [{"field": field, "message": message}]
    assert_nothing_created()


def test_every_field_at_fault_is_named_at_once(api, briefing):
    body = assert_problem(
        api.post(UPDATES, {"headline": 1, "key_event": "no", "colour": "red"}), 422
    )
    assert sorted(e["field"] for e in body["errors"]) == ["body", "colour", "headline", "key_event"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "before\x00after"}, "body"),
        ({"body": "x", "headline": "\x00"}, "headline"),
        ({"body": "x", "sources": ["reuters\x00"]}, "sources"),
        ({"body": "lone \ud800 surrogate"}, "body"),
        ({"body": "x", "sources": ["\udfff"]}, "sources"),
    ],
)
def test_text_the_database_cannot_hold_is_refused(api, briefing, payload, field):
    body = assert_problem(api.post(UPDATES, payload), 422)
    assert [e["field"] for e in body["errors"]] == [field]
    assert_nothing_created()


def test_control_characters_are_cleaned_from_text(api, briefing):
    body = api.post(UPDATES, {"body": "bell\x07 and\x1b escape", "headline": "a\x0bb"}).get_json()
    assert (body["body"], body["headline"]) == ("bell and escape", "ab")


def test_unicode_text_round_trips(api, briefing):
    text = "Вибухи в Києві — 🚨 «terminé» 北京"
    body = api.post(UPDATES, {"body": text, "headline": text}).get_json()
    assert (body["body"], body["headline"]) == (text, text)


LISTS = ["/api/v1/briefings/war/updates", "/api/v1/briefings", "/api/v1/sources", "/api/v1/media"]
PAGED = LISTS[:2]


@pytest.mark.parametrize(
    "query", ["limit=abc", "limit=0", "limit=101", "limit=-1", "limit=1e3", "limit=%EF%BC%95"]
)
def test_bad_limit_is_400_naming_it(api, briefing, query):
    for url in PAGED:
        body = assert_problem(api.get(f"{url}?{query}"), 400)
        assert body["errors"] == [
            {"field": "limit", "message": "Must be a whole number from 1 to 100."}
        ]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("query", ["before=abc", "utm_source=newsletter", "Limit=5", "_=1"])
def test_every_list_refuses_a_query_parameter_it_does_not_take(api, briefing, url, query):
    body = assert_problem(api.get(f"{url}?{query}"), 400)
    (error,) = body["errors"]
    assert error["field"] == query.split("=")[0]
    assert error["message"].startswith("Unknown parameter; this list takes: ")


@pytest.mark.parametrize("url", PAGED)
def test_a_parameter_given_twice_is_refused(api, briefing, url):
    body = assert_problem(api.get(f"{url}?limit=5&limit=6"), 400)
    assert body["errors"] == [{"field": "limit", "message": "Give this parameter once."}]


def test_known_parameters_still_work_and_an_empty_cursor_is_the_first_page(
    api, briefing, make_update
):
    make_update(briefing)
    response = api.get(f"{UPDATES}?limit=5&cursor=")
    assert response.status_code == 200
    assert len(response.get_json()["items"]) == 1
    for url in LISTS[2:]:
        assert api.get(url).status_code == 200


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "-5", "0", "1.5", "99999999999", "9" * 5000, "%D9%A3", "%00", "12%20"],
)
def test_bad_cursor_is_400_naming_it(api, briefing, cursor):
    for url in PAGED:
        body = assert_problem(api.get(f"{url}?cursor={cursor}"), 400)
        assert body["errors"][0]["field"] == "cursor"


def test_the_document_lists_each_lists_query_parameters_and_its_400(openapi):
    for path, names in [
        ("/api/v1/briefings/{slug}/updates", ["cursor", "limit"]),
        ("/api/v1/briefings", ["cursor", "limit"]),
        ("/api/v1/sources", []),
        ("/api/v1/media", []),
    ]:
        operation = openapi.doc["paths"][path]["get"]
        query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        assert query == names
        assert operation["responses"]["400"] == {"$ref": "#/components/responses/BadQuery"}


def test_unknown_routes_and_methods_under_the_api_are_problems(api):
    assert_problem(api.get("/api/v1/nothing-here"), 404)
    response = api.request("PUT", "/api/v1/briefings")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_chunked_body_within_the_limit_is_read_whole(api, briefing):
    response = api.post(
        UPDATES,
        input_stream=io.BytesIO(b'{"body": "' + b"x" * 1000 + b'"}'),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 201
    assert response.get_json()["body"] == "x" * 1000


def test_body_of_exactly_one_mebibyte_is_read_not_refused_for_size(api, briefing):
    start = b'{"body": "'
    data = start + b"x" * (MIB - len(start) - 2) + b'"}'
    assert len(data) == MIB
    response = api.post(UPDATES, data=data, content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "body"


def test_a_number_too_long_to_be_a_number_is_named_as_such(api, briefing):
    response = api.post(
        UPDATES, data=b'{"version": 1' + b"0" * 200 + b"}", content_type="application/json"
    )
    assert "longer than 100 digits" in assert_problem(response, 400)["detail"]
