"""Photos of reports: only real images, not too large, re-encoded without any metadata.

Re-encoding with Pillow drops EXIF (GPS position, camera, time), XMP and ICC data: only
the pixels are kept, rotated as the camera meant and scaled to a sensible size.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from solidale.core.errors import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


def photo_clean(upload: Any) -> bytes:
    """The JPEG bytes to keep, or a ``DomainError`` on the ``photo`` field."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise DomainError(_("La foto è troppo grande: massimo 5 MB."), field="photo")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(_("La foto è troppo grande: massimo 5 MB."), field="photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ALLOWED_FORMATS:
            raise DomainError(_("Carica una foto JPEG, PNG o WebP."), field="photo")
        with Image.open(io.BytesIO(data)) as opened:
            image: Image.Image = ImageOps.exif_transpose(opened) or opened
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            pixels = Image.new("RGB", image.size)
            pixels.paste(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise DomainError(_("Il file non è un'immagine valida."), field="photo") from error
    out = io.BytesIO()
    pixels.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
