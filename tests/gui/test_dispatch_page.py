"""The Répartition page (#14): the orders waiting and the agents, the proposal, an
adjustment by keyboard, the confirmation recorded; the recalls on top."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.models import dispatch as dcols
from sbee_desk.services.dispatch import list_orders
from tests.gui.conftest import WindowFactory
from tests.integration.dispatch_world import DispatchWorld

TODAY = dt.date(2026, 12, 5)
DAY = dt.date(2026, 12, 7)


def test_propose_adjust_and_confirm(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sbee_desk.services.dispatch.assignment.today", lambda: TODAY)
    world = DispatchWorld(signed_db, users=False)
    world.agent("A001", "Z1")
    world.agent("A002", "Z1", "Z2")
    for quartier in ("Akpakpa", "Akpakpa", "Fidjrossè"):
        world.order("Z1", quartier)
    world.order("Z2", "Gbegamey")
    world.order("T07", "Cadjèhoun")
    cancelled = world.order("Z1", "Akpakpa", status="ANNULE")
    world.commit()
    with signed_db.engine.begin() as conn:  # cancelled (R7) in the hands of A001
        conn.exec_driver_sql(
            "INSERT INTO order_assignment (order_id, staff_id, visit_on, assigned_by, "
            f"assigned_at) VALUES ({cancelled}, 1, '2026-12-06', 'chef', '2026-12-05 08:00:00')"
        )
    window = make_window(signed_db)
    page = window.dispatch_page
    assert window.nav_text("dispatch").startswith("4")
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.go_to("dispatch")
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.view.date_edit.setDate(QDate(DAY.year, DAY.month, DAY.day))
    assert page.orders.rowCount() == 5
    # by zone, quartier and bordereau, the bordereau shown
    assert [(o.order.zone, o.order.quartier) for o in page.orders.rows] == [
        ("T07", "Cadjèhoun"),
        ("Z1", "Akpakpa"),
        ("Z1", "Akpakpa"),
        ("Z1", "Fidjrossè"),
        ("Z2", "Gbegamey"),
    ]
    header = page.orders.headerData(dcols.COL_BORDEREAU, Qt.Orientation.Horizontal)
    assert header == "Bordereau"
    assert page.orders.index(0, dcols.COL_BORDEREAU).data() not in (None, "")
    assert page.view.recall_banner.isVisible()
    assert "À rappeler — ne pas intervenir" in page.view.recall_banner.text()

    with qtbot.waitSignal(page.proposed, timeout=20_000):
        qtbot.mouseClick(page.view.propose_button, Qt.MouseButton.LeftButton)
    agents = {
        page.orders.index(r, dcols.COL_NUMBER).data(): page.orders.row(r).matricule
        for r in range(page.orders.rowCount())
    }
    assert sorted(m for m in agents.values() if m) == ["A001", "A001", "A002", "A002"]
    left = [r for r in page.orders.rows if r.left_reason]
    assert [x.left_reason for x in left] == ["aucun agent pour la zone T07"]
    QApplication.processEvents()
    assert window.grab().save(str(tmp_path / "dispatch.png"), "PNG")
    Path("screenshots/tmp").mkdir(parents=True, exist_ok=True)
    window.grab().save("screenshots/tmp/dispatch-page.png", "PNG")

    # the chef gives the first proposed order of A001 to A002, from the keyboard
    row = next(r for r in range(page.orders.rowCount()) if page.orders.row(r).matricule == "A001")
    table = page.view.orders_table
    table.setFocus()
    table.selectionModel().select(
        page.orders.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    page.view.agent_combo.setCurrentIndex(page.view.agent_combo.findText("Agent A002 (A002)"))
    qtbot.keyClick(page.view.give_button, Qt.Key.Key_Space)
    moved = page.orders.row(row).order.number
    assert page.orders.row(row).matricule == "A002"

    # …and drags another one onto A001's row (the drop the view hands to the model)
    other = next(
        r
        for r in range(page.orders.rowCount())
        if page.orders.row(r).matricule == "A002" and r != row
    )
    dragged = page.orders.mimeData([page.orders.index(other, 0)])
    a001 = page.agents.row_where(lambda a: a.matricule == "A001")
    page.agents.dropMimeData(dragged, Qt.DropAction.MoveAction, -1, -1, page.agents.index(a001, 0))
    assert page.orders.row(other).matricule == "A001"
    assert page.agents.index(a001, 4).data() == "2 / 12"
    dropped = page.orders.row(other).order.number

    with qtbot.waitSignal(page.confirmed, timeout=20_000) as confirmed:
        qtbot.mouseClick(page.view.confirm_button, Qt.MouseButton.LeftButton)
    assert confirmed.args == [4]
    held = {o.number: (o.agent_matricule, o.visit_on) for o in list_orders(signed_db.uow())}
    assert held[moved] == ("A002", DAY)
    assert held[dropped] == ("A001", DAY)
    assert sum(1 for m, d in held.values() if d == DAY) == 4

    with qtbot.waitSignal(page.sheets_written, timeout=20_000) as written:
        page.write_sheets_to(str(tmp_path / "feuilles"))  # the folder chosen in the dialog
    names = sorted(Path(p).name for p in written.args[0])
    assert names == [
        f"feuille-de-route-{m}-2026-12-07.{ext}"
        for m in ("A001", "A002")
        for ext in ("pdf", "xlsx")
    ]

    with qtbot.waitSignal(page.recalled, timeout=20_000):
        qtbot.mouseClick(page.view.recall_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.view.recall_banner.isVisible())
