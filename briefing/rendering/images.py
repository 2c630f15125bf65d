"""Photos in, web files out: decode by the bytes alone, turn upright, bring the colours into
sRGB, strip every piece of metadata, and make responsive variants (WebP plus a JPEG or PNG
fallback) once, at upload.

Pure: bytes in, bytes out. Storing them is storage.py's job, deciding who may is the
service's.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Pillow's name for each format we take → what we call it on the web. Nothing else is even
# tried: SVG (script), TIFF, BMP, PSD and the rest are refused before any decoder runs.
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# Widths of the variants, in CSS pixels at 1x to 2x of the page's column.
WIDTHS = (480, 960, 1600)
# 50 megapixels: past any camera a newsroom uses, and still a bounded amount of memory
# (about 200 MB as RGBA) for one upload. Checked from the header, before decoding.
MAX_PIXELS = 50_000_000
WEBP = "image/webp"
ORIENTATION = 0x0112  # the EXIF tag
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", WEBP: "webp"}
# What a file's name looks like: content hash, width, extension (see `process`).
FILENAME_RE = re.compile(r"^[0-9a-f]{32}-[0-9]{1,5}\.(?:jpg|png|webp)$")


class ImageRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAnImage(ImageRefused):
    """Bytes that are not one of the accepted formats."""


class BrokenImage(ImageRefused):
    """An accepted format that does not decode, or would take absurd memory to."""


@dataclass(frozen=True)
class Rendition:
    filename: str
    width: int
    height: int
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Processed:
    key: str  # hash of the main file; part of every file's name
    main: Rendition  # the widest fallback: what `url` names
    renditions: list[Rendition]  # every file, narrowest first, WebP before fallback


def process(data: bytes, *, max_pixels: int = MAX_PIXELS) -> Processed:
    """Decode `data` and make the files readers get. Raises NotAnImage or BrokenImage."""
    picture, _type = _decode(data, max_pixels)
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    picture = _in_srgb(picture).convert("RGBA" if has_alpha else "RGB")
    # Nothing of the original's metadata (EXIF, XMP, ICC, comments) goes into a new file.
    picture.info.clear()
    fallback = "image/png" if has_alpha else "image/jpeg"

    widths = sorted({min(width, picture.width) for width in WIDTHS})
    encoded: list[tuple[int, int, str, bytes]] = []
    for width in widths:
        height = max(1, round(picture.height * width / picture.width))
        sized = picture
        if width != picture.width:
            sized = picture.resize((width, height), Image.Resampling.LANCZOS)
        encoded.append((width, height, WEBP, _encode(sized, WEBP)))
        encoded.append((width, height, fallback, _encode(sized, fallback)))
    key = hashlib.sha256(encoded[-1][3]).hexdigest()[:32]
    renditions = [
        Rendition(f"{key}-{w}.{EXTENSIONS[kind]}", w, h, kind, blob) for w, h, kind, blob in encoded
    ]
    return Processed(key=key, main=renditions[-1], renditions=renditions)


# The modes LittleCMS converts from (a palette or grey with alpha has no profile to speak of).
_PROFILED_MODES = frozenset({"RGB", "RGBA", "CMYK", "L"})


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _in_srgb(picture: Image.Image) -> Image.Image:
    """The picture's colours in sRGB, which browsers assume of a file with no profile: a
    photo tagged Adobe RGB by a camera, or CMYK by an agency's desk, would otherwise look
    dull or wrong once its profile is stripped."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in _PROFILED_MODES:
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if picture.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(picture, source, _srgb(), outputMode=mode)
    except (ImageCms.PyCMSError, OSError):
        # A profile LittleCMS cannot read or apply to these pixels: they are taken as
        # sRGB, as a browser that ignored the profile would take them.
        return picture
    assert converted is not None  # profileToProfile returns None only with inPlace=True
    return converted


def check(data: bytes, content_type: str, *, max_pixels: int = MAX_PIXELS) -> None:
    """That `data` decodes whole as an image of `content_type` (a file from elsewhere, such
    as an archive, that is kept as it is rather than processed again)."""
    _picture, found = _decode(data, max_pixels)
    if found != content_type:
        raise BrokenImage(f"The file is {found or 'not an image'}, not {content_type}.")


def _decode(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    """The picture upright, and the content type its bytes are."""
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own pixel limit and raises past twice that; either way
            # this upload is refused, never decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=list(ACCEPTED))
            if opened.width * opened.height > max_pixels:
                raise BrokenImage(
                    _(
                        "The image is %(width)s × %(height)s pixels; at most %(max)s pixels "
                        "are accepted.",
                        width=format(opened.width, ","),
                        height=format(opened.height, ","),
                        max=format(max_pixels, ","),
                    )
                )
            if opened.format == "JPEG":
                # Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while it decodes, as
                # far as the widest variant allows: a 12 MP photo decodes in a quarter of
                # the time and memory. The orientation says which side becomes the width.
                turned = opened.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
                opened.draft("RGB", (1, WIDTHS[-1]) if turned else (WIDTHS[-1], 1))
            opened.load()
            # Upright as the camera held it; the orientation tag goes with the rest.
            picture = ImageOps.exif_transpose(opened)
    except UnidentifiedImageError:
        raise NotAnImage(_("The file is not a JPEG, PNG, WebP or GIF image.")) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BrokenImage(_("The image has too many pixels to be decoded safely.")) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Truncated or corrupt data: Pillow says which, in its words.
        raise BrokenImage(_("The image could not be decoded (%(error)s).", error=error)) from None
    return picture, ACCEPTED[opened.format or ""]


def _encode(picture: Image.Image, content_type: str) -> bytes:
    out = io.BytesIO()
    if content_type == WEBP:
        picture.save(out, "WEBP", quality=80, method=4)
    elif content_type == "image/png":
        picture.save(out, "PNG", optimize=True)
    else:
        picture.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()
