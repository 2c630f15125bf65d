"""/api/v1/media: upload a photo (multipart), list, read, change its words, delete it.

The editor console uploads through the same doors with its session and CSRF token
(web/api/auth.py), so there is one way in for a photo.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from flask import Response, current_app, jsonify, request, url_for
from pydantic import BaseModel, ConfigDict, Field
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from briefing.media.storage import media_storage
from briefing.models import Media as MediaModel
from briefing.services import media
from briefing.services.errors import FieldError, Invalid
from briefing.services.idempotency import create_once
from briefing.web.api import bp
from briefing.web.api.auth import current_actor
from briefing.web.api.input import ABSENT, Query, RequestBody, Text, json_object, max_length
from briefing.web.api.openapi import documented
from briefing.web.api.representations import Media, MediaList, media_json, represent_media
from briefing.web.api.writes import requested_idempotency

MULTIPART = "multipart/form-data"
# Room for the form's other fields and the multipart framing around the file.
FORM_MARGIN = 64 * 1024
FILENAME_MAX = 255


class MediaUpload(BaseModel):
    """A photo upload: multipart/form-data with the file in `file`."""

    model_config = ConfigDict(extra="forbid", strict=True)
    file: bytes = Field(
        description="The image: JPEG, PNG, WebP or GIF, recognised by its bytes.",
        json_schema_extra={"contentMediaType": "application/octet-stream"},
    )
    alt: Annotated[Text, max_length(media.ALT_MAX)] = ABSENT
    caption: Annotated[Text, max_length(media.CAPTION_MAX)] = ABSENT
    credit: Annotated[Text, max_length(media.CREDIT_MAX)] = ABSENT


class MediaChange(RequestBody):
    represents = Media
    alt: Annotated[Text, max_length(media.ALT_MAX)] = ABSENT
    caption: Annotated[Text, max_length(media.CAPTION_MAX)] = ABSENT
    credit: Annotated[Text, max_length(media.CREDIT_MAX)] = ABSENT


ONE = "/media/<id:media_id>"


@bp.get("/media")
@documented(MediaList, query=Query)
def list_media() -> Response:
    """The newest photos, to reuse one."""
    Query.parse()
    items = [represent_media(item) for item in media.recent_media()]
    return jsonify(MediaList(items=items, next=None).model_dump(mode="json"))


@bp.post("/media")
@documented(Media, upload=MediaUpload, errors=("BadRequest", "TooLarge", "UnsupportedMediaType"))
def upload_media() -> Response:
    """Upload a photo (contributors and editors): decoded, turned upright, stripped of its
    metadata and made into variants once. Answers with the media object; with an
    Idempotency-Key, a retry of the same upload answers with the photo it stored."""
    actor = current_actor()
    limit = int(current_app.config["MEDIA_MAX_BYTES"])
    request.max_content_length = limit + FORM_MARGIN
    if (request.content_length or 0) > request.max_content_length:
        # Refused before reading: a parse cut short at the limit leaves its spool file open.
        raise media.too_large(limit)
    if request.mimetype != MULTIPART:
        raise UnsupportedMediaType(
            "Send the photo as multipart/form-data, the file in the field 'file'."
        )
    try:
        files, form = request.files, request.form
    except RequestEntityTooLarge:
        raise media.too_large(limit) from None
    fields = _form_fields(form.to_dict(flat=False), files.to_dict(flat=False))
    upload = files["file"]
    _check_filename(upload)
    data = upload.stream.read(limit + 1)
    # A retried upload is the same request when its words and its file's bytes are.
    idempotency = requested_idempotency({**fields, "file": hashlib.sha256(data).hexdigest()})
    item = create_once(
        lambda remembered: media.upload_media(
            actor=actor,
            data=data,
            storage=media_storage(),
            max_bytes=limit,
            idempotency=remembered,
            **fields,
        ),
        actor=actor,
        idempotency=idempotency,
        model=MediaModel,
    ).resource
    body = current_app.json.dumps(media_json(item))
    location = url_for("api.get_media", media_id=item.id, _external=True)
    return Response(body, 201, mimetype="application/json", headers={"Location": location})


@bp.get(ONE)
@documented(Media)
def get_media(media_id: int) -> Response:
    """Read a photo's media object."""
    return jsonify(media_json(media.media_by_id(media_id)))


@bp.patch(ONE)
@documented(Media, body=MediaChange)
def change_media(media_id: int) -> Response:
    """Change a photo's alt text, caption or credit; every update showing it follows."""
    item = media.media_by_id(media_id)
    values = MediaChange.parse(json_object())
    return jsonify(media_json(media.change_media(item, actor=current_actor(), **values)))


@bp.delete(ONE)
@documented(errors=("Conflict",))
def delete_media(media_id: int) -> Response:
    """Delete a photo no update or briefing shows (editors); 409 names those that do."""
    media.delete_media(media.media_by_id(media_id), actor=current_actor(), storage=media_storage())
    return Response(status=204)


def _form_fields(form: dict[str, list[str]], files: dict[str, list[FileStorage]]) -> dict[str, Any]:
    """The form's text fields as keyword arguments; one file, in `file`."""
    form.pop("csrf_token", None)  # a console form's, already checked (web/api/auth.py)
    errors = []
    sent: dict[str, list[Any]] = {**form, **files}
    for name, values in sent.items():
        if name not in MediaUpload.model_fields:
            errors.append(FieldError(name, "Unknown field."))
        elif len(values) > 1:
            errors.append(FieldError(name, "Send this field once."))
    if "file" in form:
        errors.append(FieldError("file", "Send the photo as a file, not as text."))
    elif "file" not in files:
        errors.append(FieldError("file", "Send the photo in the multipart field 'file'."))
    if errors:
        raise Invalid(errors)
    return {name: values[0] for name, values in form.items()}


def _check_filename(upload: FileStorage) -> None:
    """The bytes decide what a file is and we never use its name, but a name with a path or
    a NUL in it comes from no browser: refuse it rather than guess what was meant."""
    name = upload.filename or ""
    if "\x00" in name or "/" in name or "\\" in name or len(name) > FILENAME_MAX:
        raise Invalid.field("file", "The file name must be a plain name, without a path.")
