"""The directory storage: atomic writes, content-hashed names only, nothing half-written."""

from __future__ import annotations

import pytest

from briefing.media.storage import DirectoryStorage

NAME = "0123456789abcdef0123456789abcdef-480.webp"


def test_a_file_is_written_whole_and_read_back(tmp_path):
    storage = DirectoryStorage(tmp_path / "media")
    assert storage.put(NAME, b"bytes") is True
    assert storage.read(NAME) == b"bytes"
    # No temporary file is left beside it.
    assert [p.name for p in (tmp_path / "media").iterdir()] == [NAME]


def test_a_stored_name_is_never_rewritten(tmp_path):
    storage = DirectoryStorage(tmp_path)
    storage.put(NAME, b"first")
    assert storage.put(NAME, b"second") is False
    assert storage.read(NAME) == b"first"


def test_a_failed_write_leaves_nothing(tmp_path):
    storage = DirectoryStorage(tmp_path)
    with pytest.raises(TypeError):
        storage.put(NAME, "not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["../secret_key", "..", "x.jpg", NAME + "/..", "secret_key", NAME.upper()]
)
def test_names_that_are_not_ours_are_never_touched(tmp_path, name):
    (tmp_path / "secret_key").write_text("s3cret")
    storage = DirectoryStorage(tmp_path / "media")
    with pytest.raises(FileNotFoundError):
        storage.read(name)
    with pytest.raises(FileNotFoundError):
        storage.put(name, b"x")
    assert (tmp_path / "secret_key").read_text() == "s3cret"


def test_deleting_is_quiet_about_missing_files(tmp_path):
    storage = DirectoryStorage(tmp_path)
    storage.put(NAME, b"x")
    storage.delete(NAME)
    storage.delete(NAME)
    with pytest.raises(FileNotFoundError):
        storage.read(NAME)
