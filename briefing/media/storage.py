"""Where media files live: one small interface, a directory under instance/ by default.

An object store can take the directory's place by implementing `MediaStorage`; nothing else
knows where the bytes are. Names are content-hashed and never reused for other bytes, so a
file once written never changes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Flask, current_app

from briefing.rendering.images import FILENAME_RE
from briefing.services.media import MediaStorage

EXTENSION_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class DirectoryStorage:
    """Files in one directory. A write goes to a temporary file beside its target and is
    renamed into place, so a reader never sees half a file and a crash leaves none."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def put(self, name: str, data: bytes) -> bool:
        target = self._path(name)
        if target.exists():
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def _path(self, name: str) -> Path:
        # Only names as processing makes them: "../secret_key" never reaches the disk.
        if not FILENAME_RE.match(name):
            raise FileNotFoundError(name)
        return self.root / name


def init_app(app: Flask) -> None:
    root = app.config.get("MEDIA_ROOT") or Path(app.instance_path) / "media"
    app.extensions["briefing.media_storage"] = DirectoryStorage(root)


def media_storage() -> MediaStorage:
    storage: MediaStorage = current_app.extensions["briefing.media_storage"]
    return storage
