"""The needs board is aggregate by design: refuse text that obviously holds personal data."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from solidale.core.errors import DomainError

# Sixteen characters of a codice fiscale, the digits possibly replaced (omocodia).
_CODICE_FISCALE = re.compile(
    r"(?<![A-Z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Z0-9])",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Italian numbers: landlines start with 0, mobiles with 3, optionally after +39/0039.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\d{2}[\s.-]?)?[03]\d[\d\s.-]{5,}\d(?![\w])")


def _is_phone(candidate: str) -> bool:
    return 8 <= sum(char.isdigit() for char in candidate) <= 13


def personal_data_found(text: str) -> str:
    """What kind of personal data ``text`` holds ('' if none is obvious)."""
    if _CODICE_FISCALE.search(text):
        return _("un codice fiscale")
    if _EMAIL.search(text):
        return _("un indirizzo e-mail")
    if any(_is_phone(match.group()) for match in _PHONE.finditer(text)):
        return _("un numero di telefono")
    return ""


def reject_personal_data(text: str, *, field: str) -> None:
    found = personal_data_found(text)
    if found:
        raise DomainError(
            _(
                "Il testo contiene %(what)s: la bacheca dei bisogni accoglie solo dati "
                "aggregati, mai dati personali. Togli il dato e riprova."
            )
            % {"what": found},
            field=field,
        )
