"""Step 6 (#15): the CRI entered, the chef's countersign, the contract terminated —
each rule on SQLite and PostgreSQL (R9, R10, R11, R13, R1, segregation)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from sbee_desk.db.models import (
    AuditEvent,
    Contract,
    ContractTermination,
    InterventionReport,
    OrderAssignment,
    Suspension,
    WorkOrder,
)
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.cri import CriError, countersign, enter_cri, find_order, list_pending
from tests.integration.cri_world import (
    AGENT,
    CHEF,
    CHEF2,
    VISIT,
    CriWorld,
    cri_clock,
    done,
    not_done,
)

__all__ = ["cri_clock"]


@pytest.fixture
def world(db, cri_clock) -> CriWorld:
    return CriWorld(db, 3, mt=1)


def status(db, order_id: int) -> str:
    with db.uow() as uow:
        return uow.session.get_one(WorkOrder, order_id).status


def count(db, model) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def refused(code: str, call, *args, **kwargs) -> CriError:
    with pytest.raises(CriError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, str(caught.value)
    return caught.value


def test_find_order_shows_what_the_paper_shows(db, world) -> None:
    order = find_order(db.uow(), str(world.ids[0]))
    assert (order.number, order.police, order.meter_serial) == (
        world.number(0), world.police(0), f"M{world.police(0)}"
    )  # fmt: skip
    assert order.agent_matricule == "A001" and order.visit_on == VISIT
    refused("CRI_UNKNOWN_ORDER", find_order, db.uow(), "99999999")
    refused("CRI_BAD_NUMBER", find_order, db.uow(), "12a")


def test_cri_done_executes_the_order_and_ends_its_assignment(db, world) -> None:
    result = enter_cri(db.uow(), AGENT, done(world, 0))
    assert result.status == "EXECUTE" and not result.outside_window
    assert status(db, world.ids[0]) == "EXECUTE"
    with db.uow() as uow:
        report = uow.session.scalars(select(InterventionReport)).one()
        assert (report.index_read, report.meter_removed, report.breaker_removed) == (
            12345, True, True
        )  # fmt: skip
        assert report.entered_by == "agent" and report.attempt == 1
        ended = uow.session.scalars(
            select(OrderAssignment.end_reason).where(OrderAssignment.order_id == world.ids[0])
        ).all()
        assert ended == ["VISITED"]
        actions = uow.session.scalars(select(AuditEvent.action)).all()
        assert "cri.enter" in actions


def test_cri_not_done_sends_the_order_back_to_dispatch_with_its_remark(db, world) -> None:
    result = enter_cri(db.uow(), AGENT, not_done(world, 1, "REFUS_ACCES"))
    assert result.status == "NON_EXECUTE" and result.attempt == 1
    with db.uow() as uow:
        order = uow.session.get_one(WorkOrder, world.ids[1])
        assert (order.status, order.attempts, order.agent_id) == ("NON_EXECUTE", 1, None)
        assignment = uow.session.scalars(
            select(OrderAssignment).where(OrderAssignment.order_id == world.ids[1])
        ).one()
        assert (assignment.end_reason, assignment.note) == ("NOT_DONE", "REFUS_ACCES")
    # entered twice: refused, naming the order
    error = refused("CRI_ALREADY_ENTERED", enter_cri, db.uow(), AGENT, not_done(world, 1))
    assert world.number(1) in str(error)
    # no countersign for a « non exécuté »: the contract is not terminated (R11)
    refused("CRI_NOTHING_TO_COUNTERSIGN", countersign, db.uow(), CHEF, [world.number(1)])


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"index": "12a45"}, "CRI_INDEX_NOT_NUMBER", "index"),
        ({"index": ""}, "CRI_INDEX_REQUIRED", "index"),
        ({"visit_on": dt.date(2026, 12, 9)}, "CRI_VISIT_IN_FUTURE", "visit_on"),
        ({"visit_on": dt.date(2026, 12, 6)}, "CRI_VISIT_BEFORE_DISPATCH", "visit_on"),
        ({"visit_time": "9h3"}, "CRI_BAD_TIME", "visit_time"),
        ({"agent": "X999"}, "CRI_UNKNOWN_AGENT", "agent"),
        ({"agent": "R001"}, "CRI_NOT_A_FIELD_AGENT", "agent"),
        ({"meter_serial": "OTHER"}, "CRI_MISMATCH_NOTE_REQUIRED", "mismatch_note"),
        ({"meter_removed": False}, "CRI_METER_NOT_REMOVED", "meter_removed"),
        ({"remarks": ("POURRI",)}, "CRI_UNKNOWN_REMARK", "remarks"),
        ({"remarks": ("AUTRE",)}, "CRI_OTHER_NEEDS_NOTE", "note"),
    ],
)
def test_bad_input_names_the_order_and_the_field_and_changes_nothing(
    db, world, changes, code, field
) -> None:
    before = count(db, AuditEvent)
    error = refused(code, enter_cri, db.uow(), AGENT, done(world, 0, **changes))
    assert error.field == field
    assert world.number(0) in str(error)
    assert status(db, world.ids[0]) == "REPARTI"
    assert count(db, InterventionReport) == 0 and count(db, AuditEvent) == before


def test_unknown_cancelled_or_undispatched_order_is_refused(db, world) -> None:
    refused("CRI_UNKNOWN_ORDER", enter_cri, db.uow(), AGENT, done(world, 0, number="4242"))
    with db.uow() as uow:
        uow.session.execute(
            update(WorkOrder)
            .where(WorkOrder.id == world.ids[1])
            .values(status="ANNULE", cancelled_on=VISIT, cancel_reason="rétablissement")
        )
        uow.session.execute(
            update(WorkOrder).where(WorkOrder.id == world.ids[2]).values(status="A_REPARTIR")
        )
        uow.commit()
    error = refused("CRI_ORDER_CANCELLED", enter_cri, db.uow(), AGENT, done(world, 1))
    assert "rétablissement" in str(error)
    refused("CRI_ORDER_NOT_DISPATCHED", enter_cri, db.uow(), AGENT, done(world, 2))


def test_only_the_agent_de_controle_enters_a_cri(db, world) -> None:
    with pytest.raises(PermissionDenied):
        enter_cri(db.uow(), CHEF, done(world, 0))


def test_R9_outside_the_window_is_saved_flagged_and_needs_an_override(db, world) -> None:
    result = enter_cri(db.uow(), AGENT, done(world, 0, visit_time="15:10"))
    assert result.outside_window
    world.store_return(0)
    [pending] = list_pending(db.uow())
    assert pending.outside_window and pending.flagged
    error = refused("CRI_WINDOW_OVERRIDE_REQUIRED", countersign, db.uow(), CHEF, [world.number(0)])
    assert "15h10" in str(error)
    countersign(db.uow(), CHEF, [world.number(0)], override_window="coupure tardive autorisée")
    with db.uow() as uow:
        report = uow.session.scalars(select(InterventionReport)).one()
        assert report.override_reason == "R9 : coupure tardive autorisée"
        assert report.countersigned_by == "chef"


def test_R9_window_bounds_are_inside(db, world) -> None:
    assert not enter_cri(db.uow(), AGENT, done(world, 0, visit_time="08:00")).outside_window
    assert not enter_cri(db.uow(), AGENT, done(world, 1, visit_time="14:30")).outside_window
    assert enter_cri(db.uow(), AGENT, done(world, 2, visit_time="07:59")).outside_window


def test_serial_mismatch_is_explained_and_flagged(db, world) -> None:
    result = enter_cri(
        db.uow(), AGENT, done(world, 0, meter_serial="ZZ9", mismatch_note="compteur remplacé")
    )
    assert result.serial_mismatch
    [pending] = list_pending(db.uow())
    assert pending.serial_mismatch and pending.mismatch_note == "compteur remplacé"
    # same serial, other case and spaces: no mismatch
    assert not enter_cri(
        db.uow(), AGENT, done(world, 1, meter_serial=f" m{world.police(1).lower()} ")
    ).serial_mismatch


def test_segregation_who_entered_may_not_countersign(db, world) -> None:
    enter_cri(db.uow(), AGENT, done(world, 0))
    world.store_return(0)
    with db.uow() as uow:  # a user holding both roles
        uow.session.execute(update(InterventionReport).values(entered_by="chef2"))
        uow.commit()
    error = refused("CRI_SELF_COUNTERSIGN", countersign, db.uow(), CHEF2, [world.number(0)])
    assert "séparation des tâches" in str(error)
    countersign(db.uow(), CHEF, [world.number(0)])
    with pytest.raises(PermissionDenied):
        countersign(db.uow(), AGENT, [world.number(1)])


def test_store_return_before_countersign_or_an_override(db, world) -> None:
    enter_cri(db.uow(), AGENT, done(world, 0))
    enter_cri(db.uow(), AGENT, done(world, 1))
    pending = {p.number: p for p in list_pending(db.uow())}
    assert pending[world.number(0)].no_store_return
    error = refused("CRI_STORE_RETURN_REQUIRED", countersign, db.uow(), CHEF, [world.number(0)])
    assert world.number(0) in str(error) and count(db, ContractTermination) == 0
    world.store_return(0)
    countersign(db.uow(), CHEF, [world.number(0)])
    countersign(db.uow(), CHEF, [world.number(1)], override_store="magasin fermé, vu par le chef")
    with db.uow() as uow:
        reasons = uow.session.scalars(
            select(InterventionReport.override_reason).order_by(InterventionReport.order_id)
        ).all()
    assert reasons == [None, "retour magasin : magasin fermé, vu par le chef"]


def test_countersign_terminates_the_contract_once_R13(db, world) -> None:
    enter_cri(db.uow(), AGENT, done(world, 0, visit_on=dt.date(2026, 12, 8)))
    world.store_return(0)
    result = countersign(db.uow(), CHEF, [world.number(0)])
    assert result.terminated == {world.police(0): dt.date(2026, 12, 8)}
    with db.uow() as uow:
        termination = uow.session.scalars(select(ContractTermination)).one()
        assert (termination.cause, termination.terminated_on) == ("IMPAYES", dt.date(2026, 12, 8))
        assert termination.order_id == world.ids[0] and termination.report_id is not None
        contract = uow.session.get_one(Contract, world.police(0))
        assert contract.terminated_on == dt.date(2026, 12, 8)
        actions = uow.session.scalars(select(AuditEvent.action)).all()
        assert {"cri.countersign", "contract.terminate"} <= set(actions)
    assert status(db, world.ids[0]) == "CONTRESIGNE"
    error = refused("CRI_ALREADY_COUNTERSIGNED", countersign, db.uow(), CHEF2, [world.number(0)])
    assert "une seule fois" in str(error)
    assert count(db, ContractTermination) == 1


def test_a_unique_constraint_keeps_one_termination_per_contract(db, world) -> None:
    from sqlalchemy.exc import IntegrityError

    from sbee_desk.services.audit import now

    with db.uow() as uow, pytest.raises(IntegrityError):
        for _ in range(2):
            uow.session.add(
                ContractTermination(
                    police=world.police(0), terminated_on=VISIT, cause="IMPAYES",
                    recorded_by="x", recorded_at=now(),
                )
            )  # fmt: skip
            uow.session.flush()


def test_MT_index_check_is_terminated_without_removal(db, world) -> None:
    mt = 3
    refused(
        "CRI_REMOVAL_ON_INDEX_CHECK", enter_cri, db.uow(), AGENT,
        done(world, mt, breaker_removed=True),
    )  # fmt: skip
    enter_cri(db.uow(), AGENT, done(world, mt, breaker_removed=False))
    [pending] = list_pending(db.uow())
    assert not pending.meter_removed and not pending.no_store_return
    result = countersign(db.uow(), CHEF, [world.number(mt)])
    assert world.police(mt) in result.terminated


def test_R1_a_restored_suspension_is_not_terminated(db, world) -> None:
    enter_cri(db.uow(), AGENT, done(world, 0))
    world.store_return(0)
    with db.uow() as uow:
        uow.session.execute(
            update(Suspension)
            .where(Suspension.police == world.police(0))
            .values(restored_on=dt.date(2026, 12, 6))
        )
        uow.commit()
    error = refused("CRI_NOT_CURRENT_SUSPENSION", countersign, db.uow(), CHEF, [world.number(0)])
    assert "06/12/2026" in str(error)
    assert count(db, ContractTermination) == 0


def test_a_contract_terminated_in_the_export_is_not_terminated_again(db, world) -> None:
    enter_cri(db.uow(), AGENT, done(world, 0))
    world.store_return(0)
    with db.uow() as uow:
        uow.session.get_one(Contract, world.police(0)).terminated_on = dt.date(2026, 12, 1)
        uow.commit()
    refused("CRI_CONTRACT_ALREADY_TERMINATED", countersign, db.uow(), CHEF, [world.number(0)])


def test_countersign_many_at_once_is_all_or_nothing(db, world) -> None:
    for k in range(3):
        enter_cri(db.uow(), AGENT, done(world, k))
    world.store_return(0)
    world.store_return(1)
    refused(
        "CRI_STORE_RETURN_REQUIRED", countersign, db.uow(), CHEF,
        [world.number(k) for k in range(3)],
    )  # fmt: skip
    assert count(db, ContractTermination) == 0
    world.store_return(2)
    result = countersign(db.uow(), CHEF, [world.number(k) for k in range(3)])
    assert len(result.terminated) == 3 and list_pending(db.uow()) == []


def test_contract_card_tells_the_whole_story(db, world) -> None:
    from sbee_desk.services.contract_card import contract_card
    from sbee_desk.wording.contract_card import event_words

    card = contract_card(db.uow(), CHEF, world.police(0))
    assert (card.status, card.terminated_on, card.termination_cause) == ("SUSPENDU", None, None)
    enter_cri(db.uow(), AGENT, done(world, 0))
    world.store_return(0)
    countersign(db.uow(), CHEF, [world.number(0)])
    card = contract_card(db.uow(), CHEF, world.police(0))
    assert (card.status, card.terminated_on, card.termination_cause) == (
        "RESILIE", VISIT, "IMPAYES"
    )  # fmt: skip
    kinds = [e.kind for e in card.events]
    assert kinds.index("suspension") < kinds.index("dispatch") < kinds.index("termination")
    words = [event_words(e.kind, e.facts) for e in card.events]
    assert f"CRI de l'ordre n° {world.number(0)} : visite à 09h30 par l'agent A001" in " ".join(
        words
    )
    # terminated in the export: no cause known, never terminated again
    with db.uow() as uow:
        uow.session.get_one(Contract, world.police(1)).terminated_on = dt.date(2026, 12, 1)
        uow.commit()
    card = contract_card(db.uow(), CHEF, world.police(1))
    assert (card.status, card.termination_cause) == ("RESILIE", None)
    assert "Contrat résilié (date de la gestion clientèle)" in [
        event_words(e.kind, e.facts) for e in card.events
    ]
    refused("CONTRACT_UNKNOWN", contract_card, db.uow(), CHEF, "NOPE")


def test_R7_never_cancels_an_order_already_executed_or_countersigned(db, world) -> None:
    """A restoration learnt after the removal (#15): the executed and the countersigned
    orders stay as they are (the meter is off the wall); a waiting order is cancelled."""
    from sbee_desk.services.edition import check_r7

    enter_cri(db.uow(), AGENT, done(world, 0, visit_on=dt.date(2026, 12, 8)))
    world.store_return(0)
    countersign(db.uow(), CHEF, [world.number(0)])
    enter_cri(db.uow(), AGENT, done(world, 1, visit_on=dt.date(2026, 12, 8)))
    with db.uow() as uow:
        uow.session.execute(update(Suspension).values(restored_on=dt.date(2026, 12, 8)))
        uow.commit()
    check_r7(db.uow(), CHEF, today_=dt.date(2026, 12, 8))
    assert status(db, world.ids[0]) == "CONTRESIGNE"
    assert status(db, world.ids[1]) == "EXECUTE"
    assert status(db, world.ids[2]) == "ANNULE"
    with db.uow() as uow:
        kept = uow.session.scalars(
            select(WorkOrder.cancelled_on).where(WorkOrder.id.in_(world.ids[:2]))
        ).all()
        assert kept == [None, None]
