"""The media store refusing writes, for real: a tmpfs that is full, or mounted read-only, in
place of the media folder. Uploads answer 503 with a clear problem, nothing half-written stays
behind, and uploads work again once the store does."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from briefing.extensions import db
from briefing.models import Media
from tests.media import pictures

MEDIA = "/api/v1/media"


def can_mount() -> bool:
    return os.geteuid() == 0 and Path("/proc/filesystems").read_text().count("tmpfs") > 0


pytestmark = pytest.mark.skipif(
    not can_mount() and not os.environ.get("CI"), reason="needs root to mount a tmpfs"
)


@pytest.fixture(params=["full", "read-only"])
def failing_store(request: pytest.FixtureRequest, app) -> Iterator[Path]:
    root = Path(app.config["MEDIA_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    # 16 KiB holds none of a photo's renditions; "ro" refuses every write.
    options = "size=16k" if request.param == "full" else "ro,size=1m"
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(root)], check=True)
    try:
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=True)


def upload(api, data: bytes):
    form = {"file": (io.BytesIO(data), "photo.jpg", "image/jpeg"), "alt": "Smoke over Kyiv"}
    return api.post(MEDIA, data=form, content_type="multipart/form-data")


def test_an_unwritable_or_full_media_store_answers_503_and_keeps_nothing(
    api, app, failing_store: Path
) -> None:
    photo = pictures.jpeg(2400, 1600)
    response = upload(api, photo)
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "could not be stored" in response.get_json()["detail"]
    assert list(failing_store.iterdir()) == []  # no rendition, no temporary file
    assert db.session.scalar(select(func.count()).select_from(Media)) == 0

    subprocess.run(["umount", str(failing_store)], check=True)
    try:
        again = upload(api, photo)
        assert again.status_code == 201, again.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(Media)) == 1
    finally:  # the fixture unmounts what it mounted
        options = "ro,size=1m"
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(failing_store)])
