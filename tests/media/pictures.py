"""Real image files, made with Pillow, for upload tests: good ones and hostile ones."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

# A GPS position in EXIF (Kyiv): it must never reach a reader.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (50.0, 27.0, 0.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (30.0, 31.0, 0.0),
}


def picture(width: int = 1200, height: int = 800, mode: str = "RGB") -> Image.Image:
    """A picture with some detail (a gradient), so encoders have something to do."""
    gradient = Image.linear_gradient("L").resize((width, height))
    if mode == "RGB":
        return Image.merge(
            "RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient)
        )
    if mode == "RGBA":
        base = Image.merge("RGB", (gradient, gradient, gradient)).convert("RGBA")
        base.putalpha(gradient)
        return base
    return gradient.convert(mode)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg(width: int = 1200, height: int = 800, *, gps: bool = False, orientation: int = 0) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Newsroom Camera"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.Base.GPSInfo] = GPS
    return encode(picture(width, height), "JPEG", quality=90, exif=exif.tobytes())


def png(width: int = 800, height: int = 600, mode: str = "RGB") -> bytes:
    return encode(picture(width, height, mode), "PNG")


def webp(width: int = 800, height: int = 600) -> bytes:
    return encode(picture(width, height), "WEBP")


def gif(width: int = 300, height: int = 200) -> bytes:
    return encode(picture(width, height, "L").convert("P"), "GIF")


def truncated_jpeg() -> bytes:
    whole = jpeg(1200, 800)
    return whole[: len(whole) // 2]


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb's
    opening, a few hundred bytes long."""
    data = png(1, 1, "L")
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return data[:8] + patched + data[8 + 8 + len(ihdr) + 4 :]


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b"<script>alert(document.cookie)</script><rect width='100' height='100'/></svg>"
)
# The classic GIF/JavaScript polyglot: a GIF header whose size bytes open a JS comment.
GIF_JS_POLYGLOT = b"GIF89a/*\x0a\x00\x00\x00\x00*/=1;alert(document.domain);//" + b"\x00" * 32
TEXT_AS_JPEG = b"Not a photo at all, just words in a file named photo.jpg.\n"
