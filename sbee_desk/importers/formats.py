"""The tables of the gestion-clientèle export (import-format.md) and their mapping.

One :class:`TableSpec` per table: its columns (export name → model column, kind,
required), its key and its references to other tables. Everything else in the
importer is driven by these specs. Text lengths come from the models, so a value
the database would refuse is reported as a problem instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import String, Table

from sbee_desk.db.models import Bordereau, Contract, Customer, Invoice, Payment, Suspension


class Kind(Enum):
    """How a cell is read and checked (see :mod:`sbee_desk.importers.values`)."""

    TEXT = "text"
    DATE = "date"
    AMOUNT = "amount"  # whole FCFA, >= 0
    POSITIVE_AMOUNT = "positive_amount"  # whole FCFA, > 0
    VOLTAGE = "voltage"
    CATEGORY = "category"
    PERIOD = "period"  # yyyy-mm
    FLAG = "flag"  # oui / non, empty = non


@dataclass(frozen=True)
class Column:
    name: str  # column name in the export
    target: str  # model column
    kind: Kind
    required: bool
    max_len: int | None


@dataclass(frozen=True)
class Reference:
    """``column`` must name a row of ``table``, in the import or in the database."""

    column: str  # export column holding the reference
    table: str  # referenced import table (its words: sbee_desk.wording.errors)


@dataclass(frozen=True)
class TableSpec:
    name: str  # table name of import-format.md: file stem / sheet name
    model: Table
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # export column names
    references: tuple[Reference, ...] = ()
    #: (earlier column, later column): the later date may not come first (the words:
    #: DATES_OUT_OF_ORDER in sbee_desk.wording.errors)
    date_order: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def key_targets(self) -> tuple[str, ...]:
        return tuple(self.column(name).target for name in self.key)

    @property
    def staging(self) -> str:
        return f"stg_{self.name}"


def _table(model: type) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def _spec(
    name: str,
    model: type,
    key: tuple[str, ...],
    columns: list[tuple[str, str, Kind, bool]],
    references: tuple[Reference, ...] = (),
    date_order: tuple[tuple[str, str], ...] = (),
) -> TableSpec:
    table = _table(model)
    cols = []
    for col_name, target, kind, required in columns:
        sql_type = table.c[target].type
        max_len = sql_type.length if isinstance(sql_type, String) else None
        cols.append(Column(col_name, target, kind, required, max_len))
    return TableSpec(name, table, tuple(cols), key, references, date_order)


T, D, A, P = Kind.TEXT, Kind.DATE, Kind.AMOUNT, Kind.POSITIVE_AMOUNT

CLIENTS = _spec(
    "clients",
    Customer,
    ("code_client",),
    [
        ("code_client", "code", T, True),
        ("nom", "name", T, True),
        ("adresse", "address", T, False),
        ("quartier", "quartier", T, False),
        ("telephone", "phone", T, False),
        ("categorie", "category", Kind.CATEGORY, True),
    ],
)

CONTRATS = _spec(
    "contrats",
    Contract,
    ("police",),
    [
        ("police", "police", T, True),
        ("code_client", "customer_code", T, True),
        ("tension", "voltage", Kind.VOLTAGE, True),
        ("pdl", "delivery_point", T, False),
        ("compteur", "meter_serial", T, False),
        ("disjoncteur", "breaker", T, False),
        ("agence", "agency_code", T, True),
        ("zone", "zone_code", T, False),
        ("date_abonnement", "subscribed_on", D, False),
        ("date_resiliation", "terminated_on", D, False),
    ],
    (Reference("code_client", "clients"),),
)

BORDEREAUX = _spec(
    "bordereaux",
    Bordereau,
    ("bordereau",),
    [
        ("bordereau", "code", T, True),
        ("tension", "voltage", Kind.VOLTAGE, True),
        ("agence", "agency_code", T, True),
        ("periode", "period", Kind.PERIOD, True),
    ],
)

FACTURES = _spec(
    "factures",
    Invoice,
    ("facture",),
    [
        ("facture", "number", T, True),
        ("police", "police", T, True),
        ("bordereau", "bordereau_code", T, True),
        ("date_emission", "issued_on", D, True),
        ("date_echeance", "due_on", D, False),
        ("montant", "amount", A, True),
        ("annulee", "cancelled", Kind.FLAG, False),
    ],
    (
        Reference("police", "contrats"),
        Reference("bordereau", "bordereaux"),
    ),
)

REGLEMENTS = _spec(
    "reglements",
    Payment,
    ("facture", "reference"),
    [
        ("facture", "invoice_number", T, True),
        ("date", "paid_on", D, True),
        ("montant", "amount", P, True),
        ("reference", "reference", T, True),
    ],
    (Reference("facture", "factures"),),
)

INTERRUPTIONS = _spec(
    "interruptions",
    Suspension,
    ("police", "date_interruption"),
    [
        ("police", "police", T, True),
        ("date_interruption", "suspended_on", D, True),
        ("bordereau", "bordereau_code", T, True),
        ("date_retablissement", "restored_on", D, False),
    ],
    (
        Reference("police", "contrats"),
        Reference("bordereau", "bordereaux"),
    ),
    (("date_interruption", "date_retablissement"),),
)

#: In dependency order: a table only refers to tables before it.
TABLES: tuple[TableSpec, ...] = (CLIENTS, CONTRATS, BORDEREAUX, FACTURES, REGLEMENTS, INTERRUPTIONS)
TABLES_BY_NAME: dict[str, TableSpec] = {spec.name: spec for spec in TABLES}
TABLE_ORDER: dict[str, int] = {spec.name: i for i, spec in enumerate(TABLES)}
