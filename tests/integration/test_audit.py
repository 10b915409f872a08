"""Audit trail: append-only, chained, verifiable (#4), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor

ACTOR = Actor("chef")


def write_events(db, n: int) -> None:
    with db.uow() as uow:
        for k in range(n):
            audit.record(
                uow,
                ACTOR,
                AuditAction.IMPORT_UPDATE,
                entity="contract",
                entity_key=f"P{k}",
                before={"montant": k},
                after={"montant": k + 1, "nom": "Sèna Dossou"},
            )
        audit.record_many(
            uow, ACTOR, [{"action": AuditAction.LOGIN, "entity_key": str(k)} for k in range(3)]
        )
        uow.commit()


def test_chain_verifies_when_untouched(db) -> None:
    write_events(db, 5)
    status = audit.verify_chain(db.uow())
    assert status.ok and status.events == 8


def test_the_action_is_stored_as_its_code_and_a_stray_string_is_refused(db) -> None:
    """The stored code is the plain string of before AuditAction (old journals still
    verify and are still named); a code outside AuditAction is never written."""
    write_events(db, 1)
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT action FROM audit_event ORDER BY id")).scalars().all()
    assert stored == ["import.update", "login", "login", "login"]
    assert all(type(code) is str for code in stored)
    with db.uow() as uow:
        with pytest.raises(ValueError):
            audit.record(uow, ACTOR, "edition.imprime")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            audit.record_many(uow, ACTOR, [{"action": "bulk"}])  # type: ignore[typeddict-item]
        uow.commit()
    assert audit.verify_chain(db.uow()).events == 4


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET actor = 'x' WHERE id = 2", "DELETE FROM audit_event WHERE id = 2"],
)
def test_audit_table_refuses_update_and_delete(db, statement) -> None:
    write_events(db, 3)
    with pytest.raises(SADatabaseError, match="ajout seul"), db.engine.begin() as conn:
        conn.execute(text(statement))
    assert audit.verify_chain(db.uow()).ok


def _drop_triggers(conn, dialect: str) -> None:
    if dialect == "sqlite":
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER audit_event_no_update_delete ON audit_event"))


def test_tampered_event_is_found(db) -> None:
    write_events(db, 5)
    with db.engine.begin() as conn:
        _drop_triggers(conn, db.engine.dialect.name)
        conn.execute(text("UPDATE audit_event SET actor = 'quelquun' WHERE id = 3"))
    status = audit.verify_chain(db.uow())
    assert (status.first_broken, status.problem) == (3, "HASH")


def test_deleted_event_is_found(db) -> None:
    write_events(db, 5)
    with db.engine.begin() as conn:
        _drop_triggers(conn, db.engine.dialect.name)
        conn.execute(text("DELETE FROM audit_event WHERE id = 4"))
    status = audit.verify_chain(db.uow())
    assert (status.first_broken, status.problem) == (4, "GAP")


def test_deleted_last_event_is_found(db) -> None:
    write_events(db, 2)
    with db.engine.begin() as conn:
        _drop_triggers(conn, db.engine.dialect.name)
        conn.execute(text("DELETE FROM audit_event WHERE id = 5"))
    status = audit.verify_chain(db.uow())
    assert (status.first_broken, status.problem) == (5, "HEAD")


def test_rewritten_event_with_recomputed_hash_breaks_the_next_link(db) -> None:
    write_events(db, 4)
    with db.engine.begin() as conn:
        _drop_triggers(conn, db.engine.dialect.name)
        conn.execute(text("UPDATE audit_event SET hash = :h WHERE id = 2"), {"h": "f" * 64})
    status = audit.verify_chain(db.uow())
    assert status.first_broken == 2
