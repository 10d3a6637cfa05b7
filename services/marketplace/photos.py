"""Product photos: what an upload really is, and the bounded JPEG the service keeps.

A file's name and declared type say nothing: a ``.jpg`` that is a PDF, a
script or a truncated download is refused because Pillow cannot decode it as
one of the accepted formats. What is kept is re-encoded, never the upload
itself: turned upright (EXIF orientation), at most ``MAX_SIDE`` pixels on its
longer side, as JPEG without any metadata (a phone photo's EXIF carries the
GPS position of the seller's home). Beside it a thumbnail for the catalogue's
cards (``THUMB_SIDE``, ~10-15 KB: twelve fit the 150 KB first page, issue 12).
Plain functions; the service runs
``prepare`` in a real thread (``eventlet.tpool``) because decoding and
encoding are CPU work that would otherwise stall the worker's event loop.
"""
import base64
import binascii
import hashlib
import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from services.shared.errors import InvalidInput

from services.marketplace.contract.requests import MAX_PHOTO_BYTES

#: what Pillow must find inside the file (its own format names)
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_SIDE = 1280
JPEG_QUALITY = 82
#: the catalogue card's picture: at most this many pixels on its longer side
THUMB_SIDE = 320
THUMB_QUALITY = 75
#: refuse before decoding anything that would unpack to more than this (a
#: "decompression bomb": a few KB of PNG that unpack to gigabytes)
MAX_PIXELS = 40_000_000


def _refuse(message):
    return InvalidInput("The photo was refused: %s." % message, {"photo": [message]})


def decode(content_base64):
    """The uploaded bytes from their base64 over RPC; InvalidInput naming ``photo``."""
    try:
        return base64.b64decode(content_base64 or "", validate=True)
    except (binascii.Error, ValueError):
        raise _refuse("the file's bytes did not arrive (not base64)") from None


def prepare(content):
    """Check an upload and return the photo to keep.

    Args:
        content (bytes): the uploaded file, as sent.
    Returns:
        dict: ``{"data": JPEG bytes, "content_type": "image/jpeg", "width",
        "height", "bytes", "sha256", "thumb": {"data", "width", "height", "bytes"}}``.
    Raises InvalidInput naming ``photo`` when it is empty, larger than 2 MB,
    not a JPEG, PNG or WebP image whatever its name says, damaged, or too large
    in pixels.
    """
    if not content:
        raise _refuse("the file is empty")
    if len(content) > MAX_PHOTO_BYTES:
        raise _refuse("must be at most 2 MB (this one is %.1f MB)" % (len(content) / 2 ** 20))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                kind = probe.format
                if kind not in ACCEPTED_FORMATS:
                    raise _refuse("must be a JPEG, PNG or WebP image (this is %s)" % kind)
                if probe.width * probe.height > MAX_PIXELS:
                    raise _refuse("at most %d megapixels" % (MAX_PIXELS // 1_000_000))
                probe.verify()  # checksums and structure, without decoding all pixels
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                return _encode(image)
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("at most %d megapixels" % (MAX_PIXELS // 1_000_000)) from None
    except UnidentifiedImageError:
        raise _refuse("must be a JPEG, PNG or WebP image") from None
    except (OSError, SyntaxError, ValueError, EOFError):  # truncated or damaged data
        raise _refuse("the image is damaged or incomplete") from None


def _encode(image):
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    data = _jpeg(image, JPEG_QUALITY)
    return {"data": data, "content_type": "image/jpeg", "width": image.width,
            "height": image.height, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "thumb": _thumb(image)}


def thumb_size(width, height):
    """``(width, height)`` of the thumbnail of a ``width`` x ``height`` photo: at most
    ``THUMB_SIDE`` on the longer side, the same proportions, never enlarged."""
    scale = min(1.0, THUMB_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def thumbnail(data):
    """The thumbnail of a kept photo's JPEG ``data`` (bytes), for a photo stored before
    thumbnails existed: ``{"data", "width", "height", "bytes"}``."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return _thumb(image)


def _thumb(image):
    small = image.convert("RGB").resize(thumb_size(image.width, image.height),
                                        Image.Resampling.LANCZOS)
    data = _jpeg(small, THUMB_QUALITY)
    return {"data": data, "width": small.width, "height": small.height, "bytes": len(data)}


def _jpeg(image, quality):
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()
