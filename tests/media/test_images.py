"""Processing: decode by the bytes, turn upright, convert colours to sRGB, strip metadata,
make variants."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from briefing.rendering import images
from tests.media import pictures


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("data", "fallback"),
    [
        (pictures.jpeg(2000, 1000), "image/jpeg"),
        (pictures.png(2000, 1000), "image/jpeg"),
        (pictures.webp(2000, 1000), "image/jpeg"),
        (pictures.gif(2000, 1000), "image/jpeg"),
        (pictures.png(2000, 1000, "RGBA"), "image/png"),
    ],
    ids=["jpeg", "png", "webp", "gif", "png-with-transparency"],
)
def test_each_accepted_format_becomes_webp_and_a_fallback_at_three_widths(data, fallback):
    processed = images.process(data)
    made = [(r.width, r.content_type) for r in processed.renditions]
    assert made == [
        (width, kind) for width in (480, 960, 1600) for kind in ("image/webp", fallback)
    ]
    for rendition in processed.renditions:
        image = opened(rendition.data)
        assert image.size == (rendition.width, rendition.height)
        assert Image.MIME[image.format] == rendition.content_type
        assert rendition.height == rendition.width // 2
        assert rendition.filename.startswith(processed.key)
    assert processed.main == processed.renditions[-1]
    assert (processed.main.width, processed.main.content_type) == (1600, fallback)


def test_a_small_photo_is_never_enlarged():
    processed = images.process(pictures.jpeg(640, 480))
    assert sorted({r.width for r in processed.renditions}) == [480, 640]
    assert (processed.main.width, processed.main.height) == (640, 480)


def test_names_are_content_hashes_the_same_picture_gets_the_same_names():
    first, second = images.process(pictures.jpeg()), images.process(pictures.jpeg())
    assert [r.filename for r in first.renditions] == [r.filename for r in second.renditions]
    other = images.process(pictures.jpeg(1201, 800))
    assert first.key != other.key


def test_gps_and_every_other_piece_of_metadata_are_stripped():
    data = pictures.jpeg(gps=True)
    assert opened(data).getexif().get_ifd(0x8825)  # the upload does carry a position
    for rendition in images.process(data).renditions:
        image = opened(rendition.data)
        assert dict(image.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(image.info)
        # Whatever the container, no EXIF block is in the bytes at all.
        assert b"Exif\x00\x00" not in rendition.data and b"GPS" not in rendition.data


def close_to(value: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    return all(abs(a - b) <= 2 for a, b in zip(value, expected, strict=True))


def test_colours_tagged_with_another_profile_are_converted_to_srgb():
    # Grey 128 in a linear-light profile is sRGB's 188: stripping the profile without
    # converting would leave it at 128, visibly darker than the photographer's.
    processed = images.process(pictures.tagged_jpeg(128, pictures.linear_rgb_profile()))
    for rendition in processed.renditions:
        image = opened(rendition.data)
        assert "icc_profile" not in image.info
        assert close_to(image.convert("RGB").getpixel((10, 10)), (188, 188, 188))


def test_a_transparent_png_with_a_profile_keeps_its_transparency():
    flat = Image.new("RGBA", (300, 200), (128, 128, 128, 100))
    data = pictures.encode(flat, "PNG", icc_profile=pictures.linear_rgb_profile())
    main = opened(images.process(data).main.data)
    assert main.mode == "RGBA" and close_to(main.getpixel((10, 10)), (188, 188, 188, 100))


def test_a_profile_that_cannot_be_read_leaves_the_values_as_they_are():
    data = pictures.tagged_jpeg(128, b"not a colour profile" * 8)
    main = opened(images.process(data).main.data)
    assert close_to(main.getpixel((10, 10)), (128, 128, 128))


def test_an_animation_keeps_its_first_frame_as_a_still():
    frames = [Image.new("RGB", (300, 200), colour) for colour in ("red", "lime", "blue")]
    data = pictures.encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert opened(data).n_frames == 3
    for rendition in images.process(data).renditions:
        image = opened(rendition.data)
        assert not getattr(image, "is_animated", False)
        assert close_to(image.convert("RGB").getpixel((150, 100)), (255, 0, 0))


def test_the_camera_orientation_is_applied():
    # Orientation 6: the camera was turned; the stored pixels lie on their side.
    processed = images.process(pictures.jpeg(800, 400, orientation=6))
    assert (processed.main.width, processed.main.height) == (400, 800)


@pytest.mark.parametrize(
    "data",
    [
        pictures.TEXT_AS_JPEG,
        pictures.SVG_WITH_SCRIPT,
        pictures.GIF_JS_POLYGLOT,
        pictures.encode(pictures.picture(), "BMP"),
    ],
    ids=["text", "svg-with-script", "gif-js-polyglot", "bmp"],
)
def test_what_is_not_an_accepted_image_is_refused_as_such(data):
    with pytest.raises(images.NotAnImage):
        images.process(data)


@pytest.mark.parametrize(
    "data",
    [pictures.truncated_jpeg(), pictures.png_claiming(30_000, 30_000)],
    ids=["truncated-jpeg", "png-30000x30000"],
)
def test_an_image_that_does_not_decode_safely_is_refused(data):
    with pytest.raises(images.BrokenImage):
        images.process(data)


def test_the_pixel_limit_is_checked_from_the_header_before_decoding():
    # 8,000 × 8,000 is under Pillow's own bomb limit but over ours.
    with pytest.raises(images.BrokenImage, match="8,000 × 8,000 pixels; at most 50,000,000"):
        images.process(pictures.png_claiming(8_000, 8_000))


@pytest.mark.parametrize(
    ("width", "height", "orientation", "main"),
    [(4000, 3000, 0, (1600, 1200)), (3400, 2000, 6, (1600, 2720)), (6400, 800, 0, (1600, 200))],
)
def test_large_jpegs_decoded_at_a_reduced_scale_still_give_full_size_variants(
    width, height, orientation, main
):
    processed = images.process(pictures.jpeg(width, height, orientation=orientation))
    assert (processed.main.width, processed.main.height) == main
