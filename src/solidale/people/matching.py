"""Name normalization and phonetic keys used by search and duplicate detection.

Pure functions, no database: the keys are stored on :class:`~solidale.people.models.Person`
so that indexes serve both the search-as-you-type and the duplicate check.
"""

from __future__ import annotations

import re
import unicodedata

_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
# Spellings that sound alike in Italian (and in names transcribed into Italian).
_SOUND_RULES = (
    ("ch", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("sc", "s"),
    ("gn", "n"),
    ("gl", "l"),
    ("q", "k"),
    ("c", "k"),
    ("x", "s"),
    ("z", "s"),
    ("j", "i"),
    ("y", "i"),
    ("w", "v"),
    ("h", ""),
)
_VOWELS = set("aeiou")


def normalize(text: str) -> str:
    """Lower case, no accents, letters and single spaces: ``"D'Angelò"`` → ``"d angelo"``."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _SPACES.sub(" ", _NON_LETTERS.sub(" ", stripped)).strip()


def phonetic_key(text: str) -> str:
    """A coarse sound key: first letter plus the consonant skeleton, doubles collapsed.

    ``rossi``/``rosi`` → ``rs``; ``bianchi``/``bianci`` → ``bnk``. Spaces and
    apostrophes are ignored, so ``de luca``/``deluca`` agree.
    """
    word = normalize(text).replace(" ", "")
    if not word:
        return ""
    for pattern, replacement in _SOUND_RULES:
        word = word.replace(pattern, replacement)
    if not word:
        return ""
    key = [word[0]]
    for ch in word[1:]:
        if ch in _VOWELS or ch == key[-1]:
            continue
        key.append(ch)
    return "".join(key)[:8]
