"""Header mapping and row checks (RowPlan): problems, warnings, staged values."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sbee_desk.importers.formats import (
    CLIENTS,
    FACTURES,
    INTERRUPTIONS,
    REGLEMENTS,
    TableSpec,
)
from sbee_desk.importers.rows import Problems, RowPlan

FACTURES_HEADER = [
    "facture",
    "police",
    "bordereau",
    "date_emission",
    "date_echeance",
    "montant",
    "annulee",
]


def plan_for(spec: TableSpec, header: list[str], problems: Problems | None = None) -> RowPlan:
    return RowPlan(
        spec, header, f"{spec.name}.csv", problems if problems is not None else Problems()
    )


def test_good_row_is_staged_in_spec_order_with_iso_dates_and_int_amounts() -> None:
    problems = Problems()
    plan = plan_for(FACTURES, FACTURES_HEADER, problems)
    row = ["F1", "P1", "BT-01", "15/01/2026", "", "125 000", ""]
    assert plan.parse([(2, row)], problems) == [
        (2, "F1", "P1", "BT-01", "2026-01-15", None, 125000, False)
    ]
    assert not problems


def test_columns_may_come_in_any_order_and_any_case() -> None:
    header = ["MONTANT", " Police ", "facture", "date_emission", "bordereau"]
    plan = plan_for(FACTURES, header)
    staged = plan.parse([(2, ["10", "P1", "F1", "2026-01-15", "B1"])], Problems())
    assert staged == [(2, "F1", "P1", "B1", "2026-01-15", None, 10, False)]
    assert [c.name for c in plan.present] == [
        "facture",
        "police",
        "bordereau",
        "date_emission",
        "montant",
    ]


def test_missing_required_column_is_reported_on_line_1_once() -> None:
    problems = Problems()
    plan = plan_for(FACTURES, ["facture", "police", "bordereau", "date_emission"], problems)
    plan.parse(
        [(2, ["F1", "P1", "B1", "2026-01-15"]), (3, ["F2", "P1", "B1", "2026-01-15"])], problems
    )
    assert [str(p) for p in problems.items] == [
        "factures:1: montant: colonne obligatoire « montant » absente"
    ]


def test_unknown_columns_are_warned_and_ignored() -> None:
    plan = plan_for(REGLEMENTS, ["facture", "date", "montant", "reference", "Caissier"])
    assert plan.warnings == ["reglements.csv : colonne « Caissier » inconnue, ignorée"]
    staged = plan.parse([(2, ["F1", "2026-01-02", "500", "R1", "Awa"])], Problems())
    assert staged == [(2, "F1", "2026-01-02", 500, "R1")]


def test_unnamed_columns_are_ignored_and_warned_once_when_they_hold_values() -> None:
    plan = plan_for(REGLEMENTS, ["facture", "", "date", "montant", "reference", ""])
    assert plan.warnings == []  # a trailing separator, empty formatted cells: no noise
    chunk = [
        (2, ["F1", "", "2026-01-02", "500", "R1", ""]),
        (3, ["F2", "", "2026-01-02", "500", "R2", "x"]),
        (4, ["F3", "", "2026-01-02", "500", "R3", "y"]),
    ]
    staged = plan.parse(chunk, Problems())
    assert sorted(staged) == [
        (2, "F1", "2026-01-02", 500, "R1"),
        (3, "F2", "2026-01-02", 500, "R2"),
        (4, "F3", "2026-01-02", 500, "R3"),
    ]
    assert plan.warnings == [
        "reglements.csv : colonne n° 6 sans nom mais remplie (ligne 3 : « x »…), ignorée"
    ]


def test_duplicated_column_is_a_problem() -> None:
    problems = Problems()
    plan_for(REGLEMENTS, ["facture", "date", "montant", "reference", "Montant"], problems)
    assert [str(p) for p in problems.items] == [
        "reglements:1: montant: colonne « montant » en double dans l'en-tête"
    ]


def test_values_beyond_the_last_column_are_a_problem_of_their_line() -> None:
    problems = Problems()
    plan = plan_for(REGLEMENTS, ["facture", "date", "montant", "reference"], problems)
    plan.parse([(2, ["F1", "2026-01-02", "500", "R1", "x", "y"])], problems)
    plan.parse([(3, ["F2", "2026-01-02", "500", "R2", "z"])], problems)
    assert [str(p) for p in problems.items] == [
        "reglements:2: : 2 valeurs au-delà de la dernière colonne (« x »…) : "
        "séparateur dans une valeur ?",
        "reglements:3: : 1 valeur au-delà de la dernière colonne (« z »…) : "
        "séparateur dans une valeur ?",
    ]


def test_every_problem_of_a_row_is_reported_and_the_row_still_staged() -> None:
    problems = Problems()
    plan = plan_for(FACTURES, FACTURES_HEADER, problems)
    staged = plan.parse([(7, ["F1", "", "B1", "32/01/2026", "", "-500", "peut-être"])], problems)
    assert [str(p) for p in problems.items] == [
        "factures:7: police: valeur obligatoire manquante",
        "factures:7: date_emission: date « 32/01/2026 » illisible "
        "(attendu jj/mm/aaaa ou aaaa-mm-jj)",
        "factures:7: montant: montant « -500 » négatif",
        "factures:7: annulee: valeur « peut-être » illisible (attendu oui ou non)",
    ]
    assert staged == [(7, "F1", None, "B1", None, None, None, None)]  # key kept for later checks


def test_blank_rows_are_skipped_and_short_rows_miss_values() -> None:
    problems = Problems()
    plan = plan_for(CLIENTS, ["code_client", "nom", "categorie"], problems)
    staged = plan.parse([(2, [""]), (3, ["", " ", ""]), (4, ["C1"])], problems)
    assert [s[0] for s in staged] == [4]
    assert [str(p) for p in problems.items] == [
        "clients:4: nom: valeur obligatoire manquante",
        "clients:4: categorie: valeur obligatoire manquante",
    ]


def test_values_beyond_the_last_column_are_reported() -> None:
    problems = Problems()
    plan = plan_for(CLIENTS, ["code_client", "nom", "categorie"], problems)
    plan.parse([(2, ["C1", "Awa", "VIP", "Cotonou"])], problems)
    assert [(p.line, p.column) for p in problems.items] == [(2, "")]
    assert "« Cotonou »" in problems.items[0].message


def test_restoration_before_suspension_is_reported_on_the_restoration() -> None:
    problems = Problems()
    header = ["police", "date_interruption", "bordereau", "date_retablissement"]
    plan = plan_for(INTERRUPTIONS, header, problems)
    plan.parse(
        [
            (2, ["P1", "05/01/2026", "B1", "04/01/2026"]),
            (3, ["P2", "05/01/2026", "B1", "05/01/2026"]),  # same day: allowed
        ],
        problems,
    )
    assert [str(p) for p in problems.items] == [
        "interruptions:2: date_retablissement: rétablissement le 04/01/2026, "
        "avant l'interruption du 05/01/2026"
    ]


def test_problems_beyond_the_limit_are_counted_not_listed() -> None:
    problems = Problems(limit=3)
    plan = plan_for(CLIENTS, ["code_client", "nom", "categorie"], problems)
    plan.parse([(n, ["C", "", "X"]) for n in range(2, 12)], problems)
    assert len(problems.items) == 3
    assert len(problems) == 20


# The fast path (generated code) must agree with the checking path on every row:
# same staged values, and no row accepted that the checking path would refuse.
# Rows are good rows (every usual spelling) with zero to two cells spoilt.
_GOOD = {
    "id": ["F1", "P 1", " B-01 ", "x" * 32],
    "date": ["15/01/2026", "2026-01-15", "5/1/2026"],
    "amount": ["125 000", "125\u00a0000", "125\u202f000", "0", "007", "9" * 15],
    "flag": ["", "oui", "non", "NON", "Oui", "oUi", "1", "0", "vrai", "FAUX"],
}
_BAD = {
    "id": ["", " ", "x" * 65, "F\x001", "\x1bP"],
    "date": ["31/02/2026", "2026-1-15", "15/01/26"],
    "amount": ["", "12,5", "-500", "9" * 16, "١٢", "1_000"],
    "flag": ["peut-être", "2", "o", "\x00"],
}
_KINDS = ["id", "id", "id", "date", "date", "amount", "flag"]


@st.composite
def _row(draw: st.DrawFn) -> list[str]:
    row = [draw(st.sampled_from(_GOOD[kind])) for kind in _KINDS]
    if draw(st.booleans()):
        row[4] = ""  # date_echeance is optional
    for index in draw(st.lists(st.integers(0, len(row) - 1), max_size=2)):
        bad = st.sampled_from(_BAD[_KINDS[index]])
        row[index] = draw(st.one_of(bad, bad, st.text(max_size=8)))
    width = draw(st.sampled_from([7, 7, 7, 7, 5, 8]))
    return [*row, "extra"][:width]


_ROWS = st.lists(_row(), min_size=1, max_size=20)


@settings(max_examples=500, deadline=None)
@given(rows=_ROWS)
def test_fast_path_agrees_with_the_checking_path(rows: list[list[str]]) -> None:
    chunk = [(n + 2, row) for n, row in enumerate(rows)]
    fast_problems, slow_problems = Problems(), Problems()
    plan = plan_for(FACTURES, FACTURES_HEADER)
    fast = sorted(plan.parse(chunk, fast_problems), key=lambda s: s[0])
    slow = [s for line, row in chunk if (s := plan.check_row(line, row, slow_problems))]
    assert fast == slow
    assert fast_problems.items == slow_problems.items
