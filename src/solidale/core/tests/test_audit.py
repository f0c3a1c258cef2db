"""The audit trail is append-only and hash-chained: tampering is detected by ``solidale audit verify``."""

from __future__ import annotations

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from solidale.core.audit import Action, audit_record, audit_verify
from solidale.core.models import AuditChainHead, AuditEvent


def _write_events(count: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None,
            action=Action.UPDATE,
            object_type="people.person",
            object_id=index,
            changes={"n": index},
        )
        for index in range(count)
    ]


def _verify_output() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", "verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_chain_verifies_after_many_writes() -> None:
    _write_events(120)
    assert list(audit_verify()) == []
    out, _err = _verify_output()
    assert out.startswith("OK: 120 audit events")


@pytest.mark.django_db
def test_each_event_points_to_the_previous_one() -> None:
    first, second, third = _write_events(3)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert AuditChainHead.objects.get().last_hash == third.hash


@pytest.mark.django_db
def test_a_row_changed_through_raw_sql_is_detected() -> None:
    events = _write_events(5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET actor_label = %s WHERE id = %s",
            ["qualcun altro", events[2].pk],
        )
    problems = list(audit_verify())
    assert [(problem.event_id, "changed" in problem.message) for problem in problems] == [
        (events[2].pk, True)
    ]
    with pytest.raises(CommandError) as failure:
        _verify_output()
    assert failure.value.returncode == 1


@pytest.mark.django_db
def test_a_deleted_row_is_detected() -> None:
    events = _write_events(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    problems = list(audit_verify())
    assert problems[0].event_id == events[2].pk
    assert "removed" in problems[0].message


@pytest.mark.django_db
def test_a_deleted_last_row_is_detected_by_the_chain_head() -> None:
    events = _write_events(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    problems = list(audit_verify())
    assert [problem.event_id for problem in problems] == [None]


@pytest.mark.django_db
def test_the_command_prints_each_break() -> None:
    events = _write_events(4)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET purpose = 'x' WHERE id IN (%s, %s)",
            [events[0].pk, events[3].pk],
        )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert f"BROKEN event {events[0].pk}" in err.getvalue()
    assert f"BROKEN event {events[3].pk}" in err.getvalue()


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_events() -> None:
    (event,) = _write_events(1)
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        event.delete()
    event.purpose = "riscritto"
    with pytest.raises(TypeError):
        event.save()
    assert list(audit_verify()) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_a_linear_chain() -> None:
    threads_count, per_thread = 4, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)

    def append(worker: int) -> None:
        try:
            start.wait()
            for index in range(per_thread):
                audit_record(
                    actor=None,
                    action=Action.VIEW,
                    object_type="people.person",
                    object_id=f"{worker}-{index}",
                )
        except BaseException as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == threads_count * per_thread
    assert list(audit_verify()) == []
    hashes = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert all(previous[1] == current[0] for previous, current in itertools.pairwise(hashes))
