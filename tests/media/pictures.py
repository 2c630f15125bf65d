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


def linear_rgb_profile() -> bytes:
    """An ICC v2 display profile: sRGB's primaries with a straight tone curve (gamma 1.0).
    A photo tagged with it means something else by each value than sRGB does (value 128 is
    sRGB's 188), so whether its colours were converted is plain to see."""
    d50 = (0.9642, 1.0, 0.8249)
    primaries = {  # sRGB's, adapted to D50 as ICC's connection space has it
        b"rXYZ": (0.4361, 0.2225, 0.0139),
        b"gXYZ": (0.3851, 0.7169, 0.0971),
        b"bXYZ": (0.1431, 0.0606, 0.7141),
    }

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(struct.pack(">i", round(v * 65536)) for v in values)

    description = b"Linear RGB (test)\0"
    tags = {
        b"desc": b"desc\0\0\0\0"
        + struct.pack(">I", len(description))
        + description
        + bytes(4 + 4 + 2 + 1 + 67),  # no Unicode or ScriptCode description
        b"wtpt": xyz(d50),
        **{sig: xyz(value) for sig, value in primaries.items()},
        # A curve with no entries is the identity: gamma 1.0.
        **{sig: b"curv\0\0\0\0" + struct.pack(">I", 0) for sig in (b"rTRC", b"gTRC", b"bTRC")},
        b"cprt": b"text\0\0\0\0No copyright, test data.\0",
    }
    table_size = 4 + 12 * len(tags)
    offset, directory, data = 128 + table_size, b"", b""
    for sig, body in tags.items():
        body += bytes(-len(body) % 4)
        directory += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = 128 + table_size + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 12, 1, 0, 0, 0)
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8)  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual intent
        + b"".join(struct.pack(">i", round(v * 65536)) for v in d50)
        + bytes(4 + 16 + 28)  # creator, profile ID, reserved
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + directory + data


def tagged_jpeg(value: int, profile: bytes, width: int = 600, height: int = 400) -> bytes:
    """A flat grey JPEG of `value`, tagged with the colour profile `profile`."""
    flat = Image.new("RGB", (width, height), (value, value, value))
    return encode(flat, "JPEG", quality=95, icc_profile=profile)
