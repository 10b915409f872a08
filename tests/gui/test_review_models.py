"""Models and words of the review: excluded lines, review counts, validation status,
the confirmation's sentence (qtmodeltester on every model)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from sbee_desk.domain.enums import CustomerCategory, Decision, OrderKind, Voltage
from sbee_desk.gui.dialogs.validation_dialogs import validation_result_text, validation_summary
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models import bordereaux as bcols
from sbee_desk.gui.models import candidates as cols
from sbee_desk.gui.models.base import row_ranges
from sbee_desk.gui.models.bordereaux import BordereauTableModel
from sbee_desk.gui.models.candidates import (
    CandidateFilterProxy,
    CandidateTableModel,
    ReviewCounts,
)
from sbee_desk.gui.pages.selection.review import exclusion_text
from sbee_desk.services.review import ValidationInfo, ValidationResult
from sbee_desk.services.selection import BordereauSummary, CandidateLine


def line(
    police: str,
    decision: Decision,
    kind: OrderKind = OrderKind.DEPOSE,
    excluded: str | None = None,
) -> CandidateLine:
    return CandidateLine(
        police=police,
        customer_code=f"C{police}",
        customer_name=f"Client {police}",
        address="Lot 1",
        quartier=None,
        zone_code="Z1",
        category=CustomerCategory.ORDINAIRE,
        voltage=Voltage.MT if kind is OrderKind.CONTROLE_INDEX else Voltage.BT,
        bordereau_code="BT-1",
        decision=decision,
        order_kind=kind,
        unpaid_count=2,
        amount_due=10_000,
        suspended_on=dt.date(2026, 10, 1),
        days_suspended=40,
        excluded_reason=excluded,
    )


LINES = [
    line("P1", Decision.RESILIATION),
    line("P2", Decision.RESILIATION, OrderKind.CONTROLE_INDEX),
    line("P3", Decision.RELANCE),
    line("P4", Decision.RELANCE, excluded="Litige en cours"),
    line("P5", Decision.ATTENTE_RELANCE),
    line("P6", Decision.EXEMPTE),
]


def test_excluded_lines_are_said_in_words_struck_and_greyed(qtmodeltester) -> None:
    model = CandidateTableModel()
    model.set_lines(LINES)
    qtmodeltester.check(model)
    excluded = model.index(3, cols.COL_REASON)
    assert excluded.data() == "Exclue : Litige en cours"
    assert "Décision du traitement" in excluded.data(Qt.ItemDataRole.ToolTipRole)
    font = model.index(3, cols.COL_POLICE).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    assert model.index(3, cols.COL_REASON).data(Qt.ItemDataRole.FontRole) is None  # readable
    assert model.index(3, cols.COL_CUSTOMER).data(Qt.ItemDataRole.ForegroundRole) == (
        cols.EXCLUDED_TEXT
    )
    assert model.index(3, cols.COL_DECISION).data() == "Exclue (À relancer)"
    assert model.index(2, cols.COL_DECISION).data() == "À relancer"
    assert model.index(2, cols.COL_POLICE).data(Qt.ItemDataRole.FontRole) is None
    assert model.excluded_count() == 1
    assert model.review_counts() == ReviewCounts(
        letters=1, depose_orders=1, index_orders=1, excluded=1, waiting=1, exempt=1
    )


def test_marking_lines_excluded_and_restored(qtmodeltester) -> None:
    model = CandidateTableModel()
    model.set_lines(LINES)
    proxy = CandidateFilterProxy()
    proxy.setSourceModel(model)
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=None: changed.append((a.row(), b.row())))
    assert model.mark_excluded(["P1", "P2"], "Adresse à vérifier") == 2
    assert changed == [(0, 1)]
    assert model.index(0, cols.COL_REASON).data() == "Exclue : Adresse à vérifier"
    assert model.mark_excluded(["P1"], "Adresse à vérifier") == 0  # already so
    qtmodeltester.check(proxy)
    # the excluded filter, combined with the search
    proxy.set_decision(None, excluded_only=True)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P1", "P2", "P4"]
    proxy.set_search("p2")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P2"]
    proxy.set_search("")
    # restoring a line under the excluded filter takes it out of the view
    model.mark_excluded(["P1"], None)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P2", "P4"]
    qtmodeltester.check(proxy)
    proxy.set_decision(Decision.RESILIATION)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P1", "P2"]
    assert model.row_of("P2") == 1 and model.row_of("P3") == -1
    # sorting by motif puts "Exclue : …" lines together
    proxy.set_decision(None)
    model.sort(cols.COL_REASON)
    reasons = [model.index(r, cols.COL_REASON).data() for r in range(model.rowCount())]
    assert reasons == sorted(reasons)


def test_bordereau_model_shows_the_validation(qtmodeltester) -> None:
    model = BordereauTableModel()
    rows = [
        BordereauSummary("BT-1", "BT", "2026-09", 3, {Decision.RESILIATION: 3}, 1_500),
        BordereauSummary("MT-1", "MT", "2026-09", 1, {Decision.RELANCE: 1}, 80_000),
    ]
    when = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
    model.set_rows(rows, {"BT-1": ValidationInfo("BT-1", "chef", when, 0, 3)}, {"chef": "R. T."})
    qtmodeltester.check(model)
    status = model.index(0, bcols.COL_STATUS)
    assert model.headerData(bcols.COL_STATUS, Qt.Orientation.Horizontal) == "Revue"
    assert status.data() == "Validé"
    assert status.data(Qt.ItemDataRole.ToolTipRole).startswith("Validé par R. T. le 28/11/2026")
    assert status.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, bcols.COL_STATUS).data() == "À valider"
    assert model.index(1, bcols.COL_STATUS).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.person("chef") == "R. T." and model.person("dg") == "dg"
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(bcols.COL_STATUS, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, 0).data() == "BT-1"
    qtmodeltester.check(proxy)


def test_the_confirmation_names_the_counts() -> None:
    assert validation_summary(ReviewCounts(12, 27, 4, 3, 5, 2)) == (
        "12 lettres de relance et 31 ordres (27 ordres de dépose, 4 ordres de contrôle "
        "d'index) seront créés ; 3 lignes exclues ; 5 en attente ; 2 exemptées. "
        "Cette action est définitive."
    )
    assert validation_summary(ReviewCounts(letters=1)) == (
        "1 lettre de relance sera créée. Cette action est définitive."
    )
    assert validation_summary(ReviewCounts(letters=2, excluded=1)) == (
        "2 lettres de relance seront créées ; 1 ligne exclue. Cette action est définitive."
    )
    assert validation_summary(ReviewCounts(index_orders=1, exempt=1)) == (
        "1 ordre de contrôle d'index sera créé ; 1 exemptée. Cette action est définitive."
    )
    assert validation_summary(ReviewCounts(exempt=3)) == (
        "Aucune lettre de relance ni aucun ordre ne sera créé ; 3 exemptées. "
        "Cette action est définitive."
    )


def test_the_result_names_the_lines_dropped_by_R7() -> None:
    result = ValidationResult(1, "BT-1", 2, 5, 1, ["P7", "P9"], 0, 0)
    text = validation_result_text(result)
    assert text.startswith(
        "Bordereau BT-1 validé : 2 lettres de relance et 5 ordres créés ; 1 ligne exclue."
    )
    assert "2 lignes écartées (contrat rétabli ou factures réglées depuis le traitement" in text
    assert "polices P7, P9." in text
    none = validation_result_text(replace(result, letters=0, orders=0, excluded=0, dropped=[]))
    assert none.startswith("Bordereau BT-1 validé : aucune lettre de relance ni aucun ordre créé.")


def test_helpers() -> None:
    assert exclusion_text("Litige en cours", "") == "Litige en cours"
    assert exclusion_text("Autre motif (préciser)", "décédé") == "Autre motif (préciser) — décédé"
    assert row_ranges([7, 1, 3, 2]) == [(1, 3), (7, 7)]
    assert row_ranges([]) == []
