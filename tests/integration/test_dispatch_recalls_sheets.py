"""Step 4 (#14): the edition hands its orders to the répartition (A_REPARTIR), R7 in
the field makes an order « à rappeler — ne pas intervenir » until the chef records the
call-back, and the route sheets of a day, re-read (PDF text, Excel cells)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from sbee_desk.db.models import AuditEvent, RouteSheet, StaffMember, Suspension, WorkOrder
from sbee_desk.services.dispatch import (
    DispatchError,
    assign,
    list_orders,
    list_recalls,
    record_recall,
    route_sheets,
)
from sbee_desk.services.edition import check_r7, run_edition
from sbee_desk.services.r7 import summary as r7_summary
from tests.integration import edition_world as ew
from tests.integration.dispatch_world import CHEF, TODAY, TOMORROW, DispatchWorld, clock

__all__ = ["clock"]


def restore(db, order_id: int) -> None:
    """The contract of the order is restored (rétablissement) the day before the visit."""
    with db.uow() as uow:
        suspension = uow.session.scalar(
            select(WorkOrder.suspension_id).where(WorkOrder.id == order_id)
        )
        uow.session.execute(
            update(Suspension).where(Suspension.id == suspension).values(restored_on=TODAY)
        )
        uow.commit()


def test_an_edited_order_waits_for_an_agent_and_r7_in_the_field_asks_a_recall(db, clock) -> None:
    w = ew.world(db)
    ew.debtor(w, "0100000001", zone="Z1")
    ew.debtor(w, "0100000002", zone="Z1")
    w.commit()
    ew.validate_all(db)
    assert {o.status.value for o in list_orders(db.uow())} == {"A_EDITER"}
    run_edition(db.uow(), ew.CHEF, workers=0, today_=ew.TODAY)
    orders = list_orders(db.uow())
    assert {o.status.value for o in orders} == {"A_REPARTIR"}
    assert orders[0].edited_on is not None  # its age counts from the edition
    with db.uow() as uow:
        uow.session.add(
            StaffMember(matricule="A001", name="Agent Un", role="AGENT_RECOUVREMENT", zones="Z1")
        )
        uow.commit()
        staff_id = uow.session.scalar(select(StaffMember.id))
    held, waiting = orders[0].id, orders[1].id
    assign(db.uow(), CHEF, TOMORROW, [held], staff_id)
    restore(db, held)
    restore(db, waiting)
    cancelled = check_r7(db.uow(), CHEF, TODAY)
    assert {c.work_id for c in cancelled} == {held, waiting}
    # the R7 summary names whom to call back: the agent holding it
    assert {c.work_id: c.recall_from for c in cancelled}[held] == "Agent Un"
    assert "rappelez Agent Un" in r7_summary(cancelled)
    rows = {o.id: o for o in list_orders(db.uow())}
    assert rows[held].status.value == "ANNULE" and rows[held].to_recall
    assert rows[held].agent_matricule == "A001"
    assert rows[waiting].status.value == "ANNULE" and not rows[waiting].to_recall
    recalls = list_recalls(db.uow())
    assert [(r.order_id, r.matricule, r.visit_on) for r in recalls] == [(held, "A001", TOMORROW)]
    assert "Rétablissement" in (recalls[0].reason or "")
    # the agent's next route sheet tells him
    sheets = route_sheets(db.uow(), CHEF, TOMORROW)
    assert [(s.matricule, s.visits, s.recalls) for s in sheets] == [("A001", 0, 1)]
    text = ew.pdf_text(sheets[0].pdf)
    assert "À RAPPELER — NE PAS INTERVENIR" in text and f"{held:08d}" in text
    # the chef calls him back
    record_recall(db.uow(), CHEF, [held], "appelé à 10 h")
    assert list_recalls(db.uow()) == []
    assert not {o.id: o for o in list_orders(db.uow())}[held].to_recall
    with pytest.raises(DispatchError) as refused:
        record_recall(db.uow(), CHEF, [held])
    assert "aucun rappel" in str(refused.value)
    with db.uow() as uow:
        assert "dispatch.recall" in set(uow.session.scalars(select(AuditEvent.action)))


@pytest.fixture
def team(db, clock) -> tuple[DispatchWorld, int, list[int]]:
    world = DispatchWorld(db)
    a1 = world.agent("A012", "Z1", "Z2")
    ids = [
        world.order("Z2", "Gbegamey", "Rue 2", amount=20_000),
        world.order("Z1", "Fidjrossè", "Lot 7"),
        world.order("Z1", "Akpakpa", "Lot 3"),
    ]
    world.commit()
    assign(db.uow(), CHEF, TOMORROW, ids, a1)
    return world, a1, ids


def test_route_sheet_lists_the_visits_in_route_order_with_totals(db, team) -> None:
    _, _, ids = team
    [sheet] = route_sheets(db.uow(), CHEF, TOMORROW)
    assert (sheet.pdf_name, sheet.xlsx_name) == (
        "feuille-de-route-A012-2026-12-07.pdf",
        "feuille-de-route-A012-2026-12-07.xlsx",
    )
    assert (sheet.visits, sheet.recalls, sheet.copy) == (3, 0, False)
    text = ew.pdf_text(sheet.pdf)
    for words in (
        "Feuille de route",
        "Agent A012 (A012)",
        "07/12/2026",
        "de 08h00 à 14h30",
        "Agence AG1",
        "Total : 3 visites — 80 000 FCFA dû",
        "L'agent, au départ",
        "Le chef de section, au retour",
        "Index relevé",
    ):
        assert words in text, words
    assert "COPIE" not in text
    route = [f"{i:08d}" for i in (ids[2], ids[1], ids[0])]  # Z1 Akpakpa, Z1 Fidjrossè, Z2
    assert [text.index(n) for n in route] == sorted(text.index(n) for n in route)
    wb = load_workbook(io.BytesIO(sheet.xlsx))
    ws = wb.active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row[0] == "N°")
    visits = values[header + 1 : header + 4]
    assert [row[1] for row in visits] == route
    assert [row[5] for row in visits] == ["Akpakpa", "Fidjrossè", "Gbegamey"]
    assert [row[8] for row in visits] == [20_000, 20_000, 40_000]
    assert values[header + 4][8] == 80_000
    assert ("Fenêtre d'intervention (R9)", "de 08h00 à 14h30") in [tuple(r[:2]) for r in values]


def test_a_route_sheet_produced_again_is_a_copy(db, team) -> None:
    route_sheets(db.uow(), CHEF, TOMORROW)
    [again] = route_sheets(db.uow(), CHEF, TOMORROW)
    assert again.copy
    assert "COPIE" in ew.pdf_text(again.pdf)
    assert "COPIE" in str(load_workbook(io.BytesIO(again.xlsx)).active["A4"].value)
    with db.uow() as uow:
        assert uow.session.scalar(select(RouteSheet.prints)) == 2


def test_route_sheets_of_a_day_without_visits_are_none(db, team) -> None:
    assert route_sheets(db.uow(), CHEF, TODAY) == []
