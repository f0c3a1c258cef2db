"""The English catalogs are complete: Italian is the gettext source (docs/decisions/0004).

Every ``locale/en/LC_MESSAGES/django.po`` under ``src/solidale`` has a translation for
each message, none is fuzzy, placeholders survive the translation, the compiled ``.mo``
matches it, and running ``makemessages`` over a copy of the sources finds no message
that the committed catalogs lack.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command

SOURCE = Path(__file__).resolve().parent.parent / "src" / "solidale"
CATALOG = Path("locale") / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")


@dataclass
class Message:
    context: str | None = None
    msgid: str | None = None
    plural: str | None = None
    translations: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid or "")

    @property
    def label(self) -> str:
        return f"{self.context}|{self.msgid}" if self.context else str(self.msgid)


def _unquote(text: str) -> str:
    return str(ast.literal_eval(text))


def read_catalog(path: Path) -> list[Message]:
    """The messages of a .po file (the header included, obsolete entries left out)."""
    messages: list[Message] = []
    current = Message()
    target: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal current, target
        if current.msgid is not None:
            messages.append(current)
        current, target = Message(), None

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            current.context, target = _unquote(line[8:]), ("context", 0)
        elif line.startswith("msgid_plural "):
            current.plural, target = _unquote(line[13:]), ("plural", 0)
        elif line.startswith("msgid "):
            current.msgid, target = _unquote(line[6:]), ("msgid", 0)
        elif line.startswith("msgstr"):
            index = int(line[7 : line.index("]")]) if line.startswith("msgstr[") else 0
            current.translations.append(_unquote(line[line.index(" ") + 1 :]))
            target = ("msgstr", index)
        elif line.startswith('"') and target is not None:
            name, index = target
            text = _unquote(line)
            if name == "msgstr":
                current.translations[index] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
    return messages


def english_catalogs(root: Path) -> list[Path]:
    return sorted(root.glob(f"**/{CATALOG}"))


def app_directories(root: Path) -> list[Path]:
    return sorted(path.parent for path in root.glob("*/apps.py"))


CATALOGS = english_catalogs(SOURCE)


def test_every_app_with_messages_and_the_project_have_an_english_catalog() -> None:
    found = {path.relative_to(SOURCE).parts[0] for path in CATALOGS}
    assert "locale" in found, "the project-level catalog src/solidale/locale is missing"
    assert len(CATALOGS) >= 2


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_message_is_translated_and_none_is_fuzzy(path: Path) -> None:
    messages = read_catalog(path)
    untranslated = [m.label for m in messages if m.msgid and not all(m.translations)]
    fuzzy = [m.label or "(header)" for m in messages if "fuzzy" in m.flags]
    assert untranslated == [], f"{path}: empty msgstr for {untranslated}"
    assert fuzzy == [], f"{path}: fuzzy entries {fuzzy}"


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def placeholders_differ(message: Message) -> bool:
    """A translation must keep the source's named placeholders (and add none).

    With plurals, the singular may leave out the count (``"one member"``), but the
    forms together must use exactly the placeholders of ``msgid`` and ``msgid_plural``.
    """
    source = _placeholders(message.msgid or "") | _placeholders(message.plural or "")
    used = [_placeholders(text) for text in message.translations]
    if message.plural is None:
        return used != [source]
    return any(not forms <= source for forms in used) or set().union(*used) != source


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(SOURCE)))
def test_translations_keep_the_placeholders(path: Path) -> None:
    # Empty and fuzzy entries are the completeness test's to report.
    messages = [
        m for m in read_catalog(path) if m.msgid and all(m.translations) and "fuzzy" not in m.flags
    ]
    wrong = [m.label for m in messages if placeholders_differ(m)]
    assert wrong == [], f"{path}: placeholders differ in {wrong}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(SOURCE)))
def test_the_compiled_catalog_matches_its_source(path: Path) -> None:
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run compilemessages"
    with compiled.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for m in read_catalog(path):
        if not m.msgid or not all(m.translations) or "fuzzy" in m.flags:
            continue  # untranslated or fuzzy: the completeness test reports it
        key = f"{m.context}\x04{m.msgid}" if m.context else m.msgid
        if m.plural is None:
            if catalog.get(key) != m.translations[0]:
                stale.append(m.label)
        elif any(catalog.get((key, n)) != text for n, text in enumerate(m.translations)):
            stale.append(m.label)
    assert stale == [], f"{compiled} is older than {path.name} for {stale}: run compilemessages"


def test_makemessages_finds_no_message_missing_from_the_catalogs(
    tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One run from the package root fills every app's own locale/ (makemessages files
    # each source under the nearest locale/ above it) and src/solidale/locale for the
    # project-level templates and modules. A new app gets a catalog folder here, so
    # its messages show up as missing until its catalog is committed.
    copy = tmp_path / "solidale"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    for directory in [copy, *app_directories(copy)]:
        (directory / "locale").mkdir(exist_ok=True)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)

    missing = {}
    for regenerated in english_catalogs(copy):
        committed = SOURCE / regenerated.relative_to(copy)
        known = {m.key for m in read_catalog(committed)} if committed.exists() else set()
        new = [m.label for m in read_catalog(regenerated) if m.msgid and m.key not in known]
        if new:
            missing[str(committed.relative_to(SOURCE))] = new
    assert missing == {}, (
        f"messages missing from the English catalogs: {missing}; run makemessages -l en "
        "--no-obsolete (see CONTRIBUTING.md), translate and compilemessages"
    )
