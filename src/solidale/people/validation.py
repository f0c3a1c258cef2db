"""Checks on a person's identity data that need no database: codice fiscale, birth date.

They raise :class:`~solidale.core.errors.DomainError` with the field to blame, so the
page shows the message next to the input and the API in ``error.fields``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from codicefiscale import codicefiscale
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.core.errors import DomainError

_SHAPE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)


@dataclass(frozen=True)
class DecodedCodiceFiscale:
    """What a codice fiscale says about its holder (omocodia already undone)."""

    code: str
    birth_date: date
    sex: str
    birth_place_code: str
    birth_place: str


def clean_codice_fiscale(value: str | None) -> str:
    """Upper case without spaces: ``" rss mra 80a01 f023x "`` → ``"RSSMRA80A01F023X"``."""
    return re.sub(r"\s+", "", value or "").upper()


def decode_codice_fiscale(value: str) -> DecodedCodiceFiscale:
    """Validate format, check character and birthplace code; raise ``DomainError`` if any fails."""
    code = clean_codice_fiscale(value)
    if len(code) != 16 or not _SHAPE.match(code):
        raise DomainError(
            _("Il codice fiscale deve avere 16 caratteri nel formato RSSMRA80A01F023X."),
            field="codice_fiscale",
            code="invalid_codice_fiscale",
        )
    if not codicefiscale.is_valid(code):
        raise DomainError(
            _(
                "Codice fiscale non valido: il carattere di controllo non corrisponde. "
                "Controlla di averlo trascritto bene."
            ),
            field="codice_fiscale",
            code="invalid_codice_fiscale",
        )
    try:
        decoded = codicefiscale.decode(code)
    except ValueError as error:
        raise DomainError(
            _("Codice fiscale non valido: il codice del luogo di nascita non esiste."),
            field="codice_fiscale",
            code="invalid_codice_fiscale",
        ) from error
    birthplace = decoded.get("birthplace") or {}
    return DecodedCodiceFiscale(
        code=code,
        birth_date=decoded["birthdate"].date(),
        sex=decoded["gender"],
        birth_place_code=str(birthplace.get("code", "")),
        birth_place=str(birthplace.get("name", "")),
    )


def check_consistency(
    decoded: DecodedCodiceFiscale, *, birth_date: date | None, sex: str, birth_place_code: str
) -> None:
    """The codice fiscale must agree with the birth date, sex and birthplace that were given.

    The century is not in the code, so only day, month and the last two digits of the
    year are compared.
    """
    if birth_date is not None and (
        (birth_date.day, birth_date.month, birth_date.year % 100)
        != (decoded.birth_date.day, decoded.birth_date.month, decoded.birth_date.year % 100)
    ):
        raise DomainError(
            _("Il codice fiscale non corrisponde alla data di nascita indicata (%(date)s).")
            % {"date": birth_date.strftime("%d/%m/%Y")},
            field="codice_fiscale",
            code="inconsistent_codice_fiscale",
        )
    if sex in ("M", "F") and sex != decoded.sex:
        raise DomainError(
            _("Il codice fiscale non corrisponde al sesso indicato."),
            field="codice_fiscale",
            code="inconsistent_codice_fiscale",
        )
    if birth_place_code and birth_place_code.upper() != decoded.birth_place_code:
        raise DomainError(
            _("Il codice fiscale non corrisponde al luogo di nascita indicato (codice %(code)s).")
            % {"code": birth_place_code.upper()},
            field="codice_fiscale",
            code="inconsistent_codice_fiscale",
        )


def check_birth_date(birth_date: date | None) -> None:
    if birth_date is not None and birth_date > timezone.localdate():
        raise DomainError(
            _("La data di nascita non può essere nel futuro."),
            field="birth_date",
            code="future_birth_date",
        )
