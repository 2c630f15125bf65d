"""Photo uploads: a 12-megapixel JPEG through POST /api/v1/media, decoded, turned upright,
stripped and made into six variants (480/960/1600 px, WebP and JPEG), written to disk and
recorded; and the live page with 20 photos.

Each upload sends different bytes (one pixel changes), so none finds its files already
stored. Requests are in-process (the test client), on a temporary SQLite file and a
temporary media directory.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from PIL import Image

from bench.timing import measure, table
from briefing import create_app
from briefing.database import upgrade_schema
from briefing.extensions import db
from briefing.media.storage import media_storage
from briefing.models import BriefingStatus, Role
from briefing.rendering import images
from briefing.services import briefings, updates, users
from briefing.services import media as media_service

WIDTH, HEIGHT = 4000, 3000  # 12 megapixels


def photo(seed: int) -> bytes:
    """A 12 MP JPEG with camera-like detail (noise over a gradient), about as large as a
    phone's."""
    noise = Image.effect_noise((WIDTH, HEIGHT), 40)
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    picture = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    picture.putpixel((seed % WIDTH, 0), (seed % 256, 0, 0))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def run(*, quick: bool, database_url: str | None) -> None:
    repeat = 3 if quick else 15
    folder = Path(tempfile.mkdtemp(prefix="briefing-bench-media-"))
    url = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "MEDIA_ROOT": str(folder)})
    with app.app_context():
        upgrade_schema()
        editor = users.create_user(
            email="bench@example.org", display_name="Bench", role=Role.EDITOR, password="x" * 12
        )
        token = users.create_token(editor, name="bench")[1]
        db.session.remove()

    uploads = iter([photo(n) for n in range(repeat * 2 + 10)])
    size = len(next(uploads)) / 2**20
    client = app.test_client()

    def upload() -> None:
        response = client.post(
            "/api/v1/media",
            data={"file": (io.BytesIO(next(uploads)), "photo.jpg"), "alt": "A photo"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        response.close()

    processing = measure(lambda: images.process(next(uploads)), repeat=repeat, warmup=1)
    uploading = measure(upload, repeat=repeat, warmup=1)

    with app.app_context():
        editor = users.user_by_email_or_404("bench@example.org")
        briefing = briefings.create_briefing(
            actor=editor, title="Photos", slug="photos", status=BriefingStatus.LIVE
        )
        for n in range(20):
            item = media_service.upload_media(
                actor=editor,
                data=photo(1000 + n),
                alt="x",
                storage=media_storage(),
                max_bytes=2**25,
            )
            updates.create_update(
                briefing, actor=editor, body=f"Update {n}.\n\n![A photo](/media/{item.filename})"
            )
        db.session.remove()

    def page() -> None:
        response = client.get("/briefings/photos")
        assert response.status_code == 200
        response.close()

    pages = measure(page, repeat=50 if quick else 300)
    print(
        table(
            f"Photos ({size:.1f} MiB 12 MP JPEG)",
            [
                ("processing alone (decode, 6 variants)", processing),
                ("upload through the API (201)", uploading),
                ("live page with 20 photos", pages),
            ],
        )
    )
