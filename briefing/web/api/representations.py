"""What the API says about briefings, updates, series and sources (SPEC §7, §13).

Each representation is a pydantic model: it shapes the JSON (fields in the order declared)
and is the schema the OpenAPI document shows, so the two change together. The models are
named as the document names them; the database models are `models.Briefing` and so on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from briefing import models
from briefing.models import BriefingStatus, UpdateStatus
from briefing.rendering.timefmt import iso
from briefing.services.checks import SLUG_RE
from briefing.services.timeline import Page
from briefing.web.routing import absolute_url

T = TypeVar("T")
R = TypeVar("R", bound=BaseModel)

Slug = Annotated[str, StringConstraints(pattern=SLUG_RE.pattern)]
Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]
# Seconds and a numeric offset ("+00:00"), as the feeds write them; pydantic would write "Z".
Time = Annotated[
    AwareDatetime,
    PlainSerializer(iso, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Representation(BaseModel):
    """Every field always present; nothing else."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @classmethod
    def of(cls, thing: object, **computed: Any) -> Self:
        """The representation of `thing`: each field is its attribute of the same name,
        unless given here."""
        values = {
            name: computed[name] if name in computed else getattr(thing, name)
            for name in cls.model_fields
        }
        return cls(**values)


class MediaVariant(Representation):
    """One file of a photo: a width in one format."""

    url: Url
    width: int
    content_type: str


class Media(Representation):
    """An uploaded photo. Place it in an update's body as `![alt text](url)` on its own line."""

    id: int
    url: Url = Field(description="The widest JPEG or PNG; what a body names.")
    width: int
    height: int
    alt: str = Field(description="Alt text: what the photo shows, for readers who cannot see it.")
    caption: str
    credit: str = Field(description="Photo credit, e.g. 'Photo: AFP'.")
    content_type: str = Field(description="Of the file at `url`: image/jpeg or image/png.")
    variants: list[MediaVariant] = Field(description="Every file, narrowest first (WebP too).")


class Briefing(Representation):
    """A briefing: one live page on a running story."""

    slug: Slug
    title: str
    standfirst: str
    summary: str = Field(description="Markdown: the key-developments box.")
    status: BriefingStatus
    timezone: str = Field(description="IANA name, such as Europe/Kyiv.")
    language: str = Field(description="BCP 47 tag, such as en or en-GB.")
    opened_at: Time | None
    ended_at: Time | None
    version: int = Field(description="Bumped by every change.")
    url: Url = Field(description="The public live page.")
    lead_media: int | None = Field(description="The id of the photo under the title, if any.")
    series: Slug | None = Field(description="The slug of the series it is an edition of, if any.")


class Update(Representation):
    """An update: one timestamped post in a briefing."""

    id: int
    briefing: Slug = Field(description="The slug of the briefing.")
    headline: str
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="Sanitized HTML rendered from the body.")
    sources: list[Slug] = Field(description="Credited source slugs.")
    credit: str = Field(description="The credit line, e.g. 'With reporting by Reuters'.")
    key_event: bool
    pinned: bool
    status: UpdateStatus
    published_at: Time | None
    publish_at: Time | None = Field(description="When a scheduled update goes out.")
    updated_at: Time
    version: int = Field(description="Send it back when editing.")
    url: Url = Field(description="The public permalink.")
    correction: str = Field(
        description="Public correction note shown under an edited update ('' if none)."
    )
    media: list[Media] = Field(description="The photos the body shows, in order.")


class Series(Representation):
    """A series: the editions (briefings) of a running story, one after another."""

    slug: Slug
    title: str
    description: str
    created_at: Time
    version: int = Field(description="Bumped by every change to the series or its editions.")
    url: Url = Field(description="The public series page.")


class Source(Representation):
    """A news agency updates may credit."""

    slug: Slug
    name: str
    url: Url


class Listing(Representation, Generic[R]):
    items: list[R]
    next: str | None = Field(
        description="Pass as ?cursor= to get the next page; null on the last page."
    )


class MediaList(Listing[Media]):
    """The newest photos."""


class BriefingList(Listing[Briefing]):
    """A page of briefings."""


class UpdateList(Listing[Update]):
    """A page of updates."""


class SeriesList(Listing[Series]):
    """A page of series."""


class SourceList(Listing[Source]):
    """A page of sources."""


def page_json(
    page: Page[T], listing: type[Listing[R]], represent: Callable[[T], R]
) -> dict[str, Any]:
    """One page of a list; `next` is the cursor of the following page."""
    return _json(listing(items=[represent(item) for item in page.items], next=page.next_cursor))


def briefing_json(briefing: models.Briefing) -> dict[str, Any]:
    return _json(represent_briefing(briefing))


def update_json(item: models.Update) -> dict[str, Any]:
    return _json(represent_update(item))


def source_json(source: models.Source) -> dict[str, Any]:
    return _json(represent_source(source))


def media_json(item: models.Media) -> dict[str, Any]:
    return _json(represent_media(item))


def represent_briefing(briefing: models.Briefing) -> Briefing:
    return Briefing.of(
        briefing,
        url=absolute_url("public.briefing_page", slug=briefing.slug),
        lead_media=briefing.lead_media_id,
        series=briefing.series.slug if briefing.series else None,
    )


def series_json(series: models.Series) -> dict[str, Any]:
    return _json(represent_series(series))


def represent_series(series: models.Series) -> Series:
    return Series.of(series, url=absolute_url("public.series_page", slug=series.slug))


def represent_media(item: models.Media) -> Media:
    return Media.of(
        item,
        url=absolute_url("media.media_file", name=item.filename),
        variants=[
            MediaVariant(
                url=absolute_url("media.media_file", name=v["filename"]),
                width=v["width"],
                content_type=v["content_type"],
            )
            for v in item.variants
        ],
    )


def represent_update(item: models.Update) -> Update:
    slug = item.briefing.slug
    return Update.of(
        item,
        briefing=slug,
        sources=[source.slug for source in item.sources],
        url=absolute_url("public.update_page", slug=slug, update_id=item.id),
        media=[represent_media(photo) for photo in item.media],
    )


def represent_source(source: models.Source) -> Source:
    return Source.of(source)


def _json(representation: BaseModel) -> dict[str, Any]:
    return representation.model_dump(mode="json")
