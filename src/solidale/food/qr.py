"""The card's QR code: the counter URL of the card, so a phone camera opens it directly."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def card_qr_svg(url: str) -> SafeString:
    """An inline SVG (no script, no style attribute) that prints sharply at any size."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=5, title=_("Codice QR della tessera"), svgclass="food-qr")
    return mark_safe(svg)  # noqa: S308 — segno's own markup of our URL, escaped by segno
