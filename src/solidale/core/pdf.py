"""Text for fpdf2's core fonts: they speak Latin-1, so typographic marks become plain ones.

Every PDF the apps write (minutes, certificates, reports) passes its strings through
:func:`pdf_text`; characters with no Latin-1 form and no plain equivalent become "?".
"""

from __future__ import annotations

_PLAIN = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2026": "...",
        "\u20ac": "EUR",
        "\u2264": "<=",
    }
)


def pdf_text(value: object) -> str:
    return str(value).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")
