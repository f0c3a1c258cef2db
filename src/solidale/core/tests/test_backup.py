"""`solidale backup` / `solidale restore` round-trip the database and the media files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from solidale.core.audit import audit_verify
from solidale.core.models import Neighbourhood


@pytest.mark.django_db(transaction=True)
def test_it_round_trips_the_database_and_media(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "documents").mkdir(parents=True)
    (tmp_path / "media" / "documents" / "verbale.txt").write_text("verbale")
    Neighbourhood.objects.create(name="Romagnano", slug="romagnano")
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", str(archive))
    Neighbourhood.objects.create(name="Bergiola", slug="bergiola")
    Neighbourhood.objects.filter(slug="romagnano").delete()
    (tmp_path / "media" / "documents" / "verbale.txt").unlink()
    call_command("restore", str(archive), "--yes")

    assert list(Neighbourhood.objects.values_list("slug", flat=True)) == ["romagnano"]
    assert (tmp_path / "media" / "documents" / "verbale.txt").read_text() == "verbale"
    assert list(audit_verify()) == []


def test_it_refuses_a_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "nothing.tar.gz"), "--yes")
