"""Every table model passes qtmodeltester (empty, filled, sorted, filtered)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt

from sbee_desk.domain.enums import CustomerCategory, Decision, OrderKind, Voltage
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models import candidates as cols
from sbee_desk.gui.models.base import RIGHT, ROW_ROLE, Column, RowTableModel
from sbee_desk.gui.models.bordereaux import BordereauTableModel
from sbee_desk.gui.models.candidates import CandidateFilterProxy, CandidateTableModel
from sbee_desk.gui.models.imports import ImportCountsModel, ImportProblemsModel
from sbee_desk.importers import ImportProblem, TableCounts
from sbee_desk.services.selection import BordereauSummary, CandidateLine


def line(police: str, name: str, decision: Decision, amount: int) -> CandidateLine:
    return CandidateLine(
        police=police,
        customer_code=f"C{police}",
        customer_name=name,
        address="Lot 1",
        quartier=None,
        zone_code="Z1",
        category=CustomerCategory.ORDINAIRE,
        voltage=Voltage.BT,
        bordereau_code="BT-1",
        decision=decision,
        order_kind=OrderKind.DEPOSE,
        unpaid_count=2,
        amount_due=amount,
        suspended_on=dt.date(2026, 10, 1),
        days_suspended=40,
    )


LINES = [
    line("P3", "Zinsou Aline", Decision.RELANCE, 1_000),
    line("P1", "Ahounou Cocou", Decision.RESILIATION, 48_500),
    line("P2", "Hounkpè Marc", Decision.EXEMPTE, 125_000),
]


def test_candidate_model(qtmodeltester) -> None:
    model = CandidateTableModel()
    qtmodeltester.check(model)
    model.set_lines(LINES)
    qtmodeltester.check(model)
    model.sort(cols.COL_AMOUNT, Qt.SortOrder.DescendingOrder)
    assert [model.line(r).police for r in range(3)] == ["P2", "P1", "P3"]
    assert model.index(0, cols.COL_AMOUNT).data() == "125\u202f000\u00a0FCFA"
    model.sort(cols.COL_DECISION)
    assert [model.line(r).decision for r in range(3)] == [
        Decision.RESILIATION,
        Decision.RELANCE,
        Decision.EXEMPTE,
    ]
    qtmodeltester.check(model)


def test_candidate_filter_proxy(qtmodeltester) -> None:
    model = CandidateTableModel()
    model.set_lines(LINES)
    proxy = CandidateFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_decision(Decision.RESILIATION)
    assert proxy.rowCount() == 1
    proxy.set_decision(None)
    proxy.set_search("HOUNKPE")  # accents and case ignored
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P2"]
    proxy.set_search("p1")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)
    # sorting goes to the source; the filter holds across it
    proxy.set_search("")
    proxy.sort(cols.COL_POLICE, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["P1", "P2", "P3"]
    proxy.set_decision(Decision.RELANCE)
    proxy.sort(cols.COL_POLICE, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P3"]


def test_bordereau_model(qtmodeltester) -> None:
    model = BordereauTableModel()
    qtmodeltester.check(model)
    model.set_rows(
        [
            BordereauSummary(
                "BT-1", "BT", "2026-09", 3, {Decision.RESILIATION: 2, Decision.EXEMPTE: 1}, 1_500
            ),
            BordereauSummary("MT-1", "MT", "2026-09", 1, {Decision.RELANCE: 1}, 80_000),
        ]
    )
    qtmodeltester.check(model)
    assert model.index(0, 2).data() == "septembre 2026"
    assert model.index(1, model.columnCount() - 1).data() == "80\u202f000\u00a0FCFA"
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(model.columnCount() - 1, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, 0).data() == "MT-1"
    qtmodeltester.check(proxy)


def test_import_models(qtmodeltester) -> None:
    counts = ImportCountsModel()
    qtmodeltester.check(counts)
    counts.set_counts({"factures": TableCounts(10, 2, 1), "clients": TableCounts(3, 0, 0)})
    qtmodeltester.check(counts)
    assert [counts.index(r, 0).data() for r in range(2)] == ["Clients", "Factures"]
    assert counts.totals() == TableCounts(13, 2, 1)

    problems = ImportProblemsModel()
    qtmodeltester.check(problems)
    problems.set_problems(
        [
            ImportProblem("factures", 14, "montant", "montant « -500 » négatif"),
            ImportProblem("import", 0, "", "chemin introuvable"),
        ]
    )
    qtmodeltester.check(problems)
    assert [problems.index(1, c).data() for c in range(3)] == ["import", "—", "—"]


def test_search_keys_prepared_ahead_only_for_the_lines_shown() -> None:
    model = CandidateTableModel()
    first = list(LINES)
    model.set_lines(first)
    model.prime_search_keys(first, ["x1", "x2", "x3"])  # deliberately odd keys
    proxy = CandidateFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search("x2")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P1"]
    # keys computed for an older list are ignored
    second = list(LINES)
    model.set_lines(second)
    model.prime_search_keys(first, ["x1", "x2", "x3"])
    assert proxy.rowCount() == 0  # "x2" matches no real police or name
    proxy.set_search("zinsou")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P3"]


def test_row_table_model_answers_from_its_column_specs(qtmodeltester) -> None:
    model: RowTableModel[tuple[str, int]] = RowTableModel()
    model.columns = (
        Column("Nom", lambda r: r[0], tooltip=lambda r: f"nom {r[0]}"),
        Column("Nombre", lambda r: f"{r[1]} fois", sort=lambda r: r[1], align=RIGHT),
    )
    qtmodeltester.check(model)
    model.set_rows([("b", 10), ("a", 9)])
    qtmodeltester.check(model)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Nombre"
    assert (
        model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    )
    assert model.index(0, 1).data() == "10 fois"
    assert model.index(0, 1).data(SORT_ROLE) == 10
    assert model.index(0, 0).data(SORT_ROLE) == "b"  # no sort key: the text
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "nom a"
    assert model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(1)
    qtmodeltester.check(proxy)
    # the row object, read through the proxy without mapping back
    assert [proxy.index(r, 0).data(ROW_ROLE) for r in range(2)] == [("a", 9), ("b", 10)]
    assert model.row_where(lambda r: r[0] == "a") == 1 and model.row(1) == ("a", 9)
