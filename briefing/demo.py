"""The demo behind `seed-demo`: an admin, two editors and a day of fictional live coverage,
one edition of a series.

Everything is created through the service verbs, so the demo obeys the same rules as real
data. Seeding twice changes nothing: existing accounts and an existing `demo` briefing stay.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from briefing.models import Briefing, BriefingStatus, Role, Update, User
from briefing.services import briefings as briefing_service
from briefing.services import series as series_service
from briefing.services import sources as source_service
from briefing.services import timeline
from briefing.services import updates as update_service
from briefing.services import users as user_service
from briefing.services.errors import NotFound
from briefing.services.permissions import Actor
from briefing.web.routing import absolute_url

DEMO_SLUG = "demo"
# The running story the demo briefing is one edition of.
SERIES_SLUG = "russias-invasion-of-ukraine"
SERIES_TITLE = "Russia's Invasion of Ukraine"
SERIES_DESCRIPTION = "Live coverage of the war, one briefing a day."
ADMIN_EMAIL = "admin@briefing.example"
ADMIN_NAME = "Demo Admin"
EDITORS = (
    ("iryna.bondar@briefing.example", "Iryna Bondar"),
    ("daniel.whitlock@briefing.example", "Daniel Whitlock"),
)

TITLE = "Ukraine war live: strikes on the power grid, frontline town evacuated"
STANDFIRST = (
    "Missiles and drones hit energy facilities in three regions, bringing rolling blackouts, "
    "as authorities order families out of a frontline town. This is demonstration content: "
    "the events, figures and statements below are invented."
)
SUMMARY = """\
- Missile and drone strikes damaged **energy facilities in three regions**; rolling blackouts \
are in place
- Families with children are being evacuated from the frontline town of Novoselivka
- 95 service members came home in a prisoner exchange
- The UN warns that attacks on the grid put millions at risk as winter approaches
"""


@dataclass(frozen=True)
class SeedResult:
    created_admin: bool
    reset_admin_password: bool
    admin_email: str
    url: str
    update_count: int


@dataclass(frozen=True)
class _Entry:
    minutes_ago: int
    body: str
    headline: str = ""
    sources: tuple[str, ...] = ()
    key_event: bool = False
    pinned: bool = False
    # (corrected body, public note): applied as an edit after everything is published.
    correction: tuple[str, str] | None = None


# Oldest first, so the change log reads in the order the day unfolded.
ENTRIES = (
    _Entry(
        1195,
        headline="Air-raid alert across most of the country",
        body=(
            "An air-raid alert is in force across most regions, including the capital. The air "
            "force says several groups of attack drones are approaching from the south-east and "
            "has urged people to stay in shelters until the all-clear."
        ),
        sources=("ukrinform",),
    ),
    _Entry(
        1168,
        body=(
            "Explosions were heard in Kyiv as air defences engaged targets over the city, "
            "residents said. The city military administration said debris fell in two districts; "
            "there were no immediate reports of casualties."
        ),
        sources=("reuters", "ukrinform"),
    ),
    _Entry(
        1131,
        headline="Strikes hit energy facilities in three regions",
        body=(
            "The national grid operator says missiles and drones struck **power generation and "
            "transmission facilities** in the Kharkiv, Dnipropetrovsk and Odesa regions.\n\n"
            "- Emergency power cuts are in place in all three regions.\n"
            "- Repair crews will start work once the alert is lifted.\n"
            "- The operator has asked neighbouring countries for emergency imports."
        ),
        sources=("reuters", "afp", "interfax-ukraine"),
        key_event=True,
    ),
    _Entry(
        1084,
        body=(
            "The all-clear has sounded in Kyiv after a little over three hours. Metro stations "
            "used as shelters are reopening to passengers."
        ),
        sources=("ukrinform",),
    ),
    _Entry(
        1019,
        headline="Air force says most drones were shot down",
        body=(
            "The air force says it shot down 41 of the 58 drones and six of the nine cruise "
            "missiles launched in the attack. The figures could not be independently verified."
        ),
        sources=("ap", "interfax-ukraine"),
    ),
    _Entry(
        957,
        headline="Rolling blackouts announced",
        body=(
            "The grid operator has announced scheduled outages of up to eight hours a day in the "
            "worst-affected regions. Hospitals, water utilities and heating plants are exempt. "
            "Households can look up their group in the "
            "[published schedule](https://example.com/outage-schedule)."
        ),
        sources=("interfax-ukraine",),
    ),
    _Entry(
        903,
        headline="Evacuation ordered from frontline town",
        body=(
            "The regional governor has ordered the mandatory evacuation of families with "
            "children from Novoselivka, about 10 km from the front line, citing intensifying "
            "shelling.\n\n"
            "> Staying here is no longer safe. Buses will leave every two hours from the station "
            "square, and no one will be turned away.\n\n"
            "The governor's office said about 1,200 people remained in the town, down from "
            "roughly 9,000 before the full-scale invasion."
        ),
        sources=("ukrinform", "dpa"),
        key_event=True,
    ),
    _Entry(
        846,
        body=(
            "Volunteers in the regional centre are turning a school gym into a shelter with room "
            "for 300 people arriving from Novoselivka, a local aid group said."
        ),
    ),
    _Entry(
        771,
        headline="Foreign ministry condemns strikes on the grid",
        body=(
            "A spokesperson for the foreign ministry called the attacks *a deliberate attempt to "
            "leave civilians without heat and light* as temperatures fall, and urged partners to "
            "speed up deliveries of air-defence systems."
        ),
        sources=("afp", "ukrinform"),
    ),
    _Entry(
        722,
        headline="Grain ship leaves Odesa despite the strikes",
        body=(
            "A bulk carrier loaded with about 45,000 tonnes of wheat has left a port in the "
            "Odesa region bound for Egypt, the port authority said. "
            "[Ship-tracking data](https://example.com/vessel-tracker) showed the vessel keeping "
            "close to the western coast of the Black Sea."
        ),
        sources=("reuters", "anadolu"),
        key_event=True,
    ),
    _Entry(
        658,
        body=(
            "Power has been restored to about 80% of customers in the Kharkiv region, the "
            "regional administration said, but water supply in parts of the city is intermittent "
            "because pumping stations lack electricity."
        ),
        sources=("interfax-ukraine",),
        correction=(
            "Power has been restored to about 60% of customers in the Kharkiv region, the "
            "regional administration said, but water supply in parts of the city is intermittent "
            "because pumping stations lack electricity.",
            "This update first said power had been restored to 80% of customers; the regional "
            "administration's figure is about 60%.",
        ),
    ),
    _Entry(
        596,
        headline="Prisoner exchange: 95 service members come home",
        body=(
            "**95 service members** have returned home in the latest prisoner exchange, the "
            "coordination headquarters for prisoners of war said. Among them:\n\n"
            "- 61 soldiers captured in the east\n"
            "- 22 members of the National Guard\n"
            "- 12 border guards\n\n"
            "The headquarters thanked the mediators and said work on the next exchange had begun."
        ),
        sources=("reuters", "ap", "afp"),
        key_event=True,
    ),
    _Entry(
        541,
        body=(
            "Russia's defence ministry said its forces had struck military-industrial targets "
            "with precision weapons. Its statement did not mention power plants."
        ),
        sources=("reuters", "afp"),
    ),
    _Entry(
        477,
        headline="UN warns of the human cost of strikes on the grid",
        body=(
            "The UN humanitarian coordinator for Ukraine said in a statement that repeated "
            "strikes on energy facilities put *millions of people* at risk as winter approaches, "
            "and reminded all parties that civilian infrastructure is protected under "
            "international humanitarian law."
        ),
        sources=("ap", "efe"),
        key_event=True,
    ),
    _Entry(
        418,
        body=(
            "Schools in the Kharkiv region will teach online for the rest of the week because "
            "of the power cuts, the regional education department said."
        ),
    ),
    _Entry(
        333,
        headline="EU ministers to discuss air-defence support",
        body=(
            "EU foreign ministers will discuss new air-defence support at their next meeting, a "
            "diplomat in Brussels told reporters. The item is on the "
            "[provisional agenda](https://example.com/council-agenda); no figure has been agreed."
        ),
        sources=("dpa", "ansa"),
    ),
    _Entry(
        247,
        body=(
            "Falling drone debris damaged a residential building in the Odesa region and two "
            "people were treated for cuts from broken glass, the regional governor said."
        ),
        sources=("ukrinform", "interfax-ukraine"),
    ),
    _Entry(
        152,
        headline="What we know so far",
        body=(
            "- Missiles and drones hit **energy facilities in three regions**; rolling "
            "blackouts are in place.\n"
            "- Families with children are being evacuated from the frontline town of "
            "**Novoselivka**.\n"
            "- **95 service members** came home in a prisoner exchange.\n"
            "- A grain ship left the Odesa region for Egypt despite the strikes.\n"
            "- The UN warned of the human cost of attacks on the power grid."
        ),
        sources=("reuters", "afp", "ukrinform"),
        pinned=True,
    ),
    _Entry(
        93,
        headline="Second convoy leaves Novoselivka",
        body=(
            "A second convoy of 14 buses has left Novoselivka, the regional administration said, "
            "bringing the number of people evacuated since the order to about 450, including "
            "130 children."
        ),
        sources=("ukrinform",),
    ),
    _Entry(
        41,
        body=(
            "A new air-raid alert is in force in the eastern regions after the air force "
            "reported ballistic missile launches. Residents are advised to take shelter."
        ),
        sources=("ukrinform",),
    ),
    _Entry(
        12,
        body="The alert in the eastern regions has ended. No damage has been reported so far.",
    ),
)


def seed(admin_password: str, *, actor: Actor, reset_admin_password: bool = False) -> SeedResult:
    """Create what is missing of the demo; `admin_password` is used for a new admin, and
    for the existing one when `reset_admin_password` is set."""
    source_service.seed_default_sources(actor=actor)
    admin, created_admin = _account(actor, ADMIN_EMAIL, ADMIN_NAME, Role.ADMIN, admin_password)
    reset = reset_admin_password and not created_admin
    if reset:
        user_service.set_password(
            admin,
            actor=actor,
            password=admin_password,
            password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
    # Nobody logs in as the demo editors; they exist to sign the updates.
    editors = [
        _account(actor, email, name, Role.EDITOR, secrets.token_urlsafe(24))[0]
        for email, name in EDITORS
    ]
    _series(actor)
    if briefing_service.slug_taken(DEMO_SLUG):
        briefing = timeline.briefing_by_slug(DEMO_SLUG, public=False)
    else:
        briefing = _demo_briefing(editors)
    return SeedResult(
        created_admin=created_admin,
        reset_admin_password=reset,
        admin_email=ADMIN_EMAIL,
        url=absolute_url("public.briefing_page", slug=DEMO_SLUG),
        update_count=timeline.published_count(briefing),
    )


def _series(actor: Actor) -> None:
    try:
        series_service.series_by_slug(SERIES_SLUG)
    except NotFound:
        series_service.create_series(
            actor=actor, slug=SERIES_SLUG, title=SERIES_TITLE, description=SERIES_DESCRIPTION
        )


def _account(actor: Actor, email: str, name: str, role: Role, password: str) -> tuple[User, bool]:
    """The user with this email, and whether it had to be created."""
    user = user_service.user_by_email(email)
    if user is not None:
        return user, False
    created = user_service.create_user(
        actor=actor,
        email=email,
        display_name=name,
        role=role,
        password=password,
        password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )
    return created, True


def _demo_briefing(editors: list[User]) -> Briefing:
    now = datetime.now(UTC)
    briefing = briefing_service.create_briefing(
        actor=editors[0],
        slug=DEMO_SLUG,
        title=TITLE,
        standfirst=STANDFIRST,
        summary=SUMMARY,
        timezone="Europe/Kyiv",
        language="en",
        status=BriefingStatus.LIVE,
        opened_at=now - timedelta(minutes=max(entry.minutes_ago for entry in ENTRIES) + 5),
        series=SERIES_SLUG,
    )
    corrections: list[tuple[Update, User, tuple[str, str]]] = []
    for n, entry in enumerate(ENTRIES):
        author = editors[n % len(editors)]
        item = update_service.create_update(
            briefing,
            actor=author,
            headline=entry.headline,
            body=entry.body,
            sources=entry.sources,
            key_event=entry.key_event,
            pinned=entry.pinned,
            published_at=now - timedelta(minutes=entry.minutes_ago),
        )
        if entry.correction is not None:
            corrections.append((item, editors[(n + 1) % len(editors)], entry.correction))
    for item, editor, (body, note) in corrections:
        update_service.edit_update(
            item, actor=editor, version=item.version, body=body, correction=note
        )
    return briefing
