"""The fiche de mouvement de stock of a sheet as a PDF: the agency's header from
``reports/lists.toml``, the equipment received on it. Producing it is audited."""

from __future__ import annotations

from sqlalchemy import select

from sbee_desk.db.models import Agency
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.lists import load_list_texts
from sbee_desk.documents.stock_sheet import SheetLine, StockSheetDoc, pdf_bytes
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.store import data
from sbee_desk.services.store.model import SheetFile, StoreError, sheet_file_name


def sheet_pdf(uow: UnitOfWork, actor: Actor, number: str) -> SheetFile:
    """The PDF of the stock sheet ``number`` (an unknown one is refused)."""
    key = number.strip()
    texts = load_list_texts()
    with uow.write():
        require(uow, actor, Action.STORE_RETURN)
        summary = data.sheet_summary(uow, key)
        if summary is None:
            raise StoreError("STORE_SHEET_NOT_FOUND", sheet=key)
        agency_name = uow.session.scalar(
            select(Agency.name).where(Agency.code == summary.agency_code)
        )
        header = texts.header
        name = texts.agencies.get(summary.agency_code) or agency_name
        agency = (
            header["agency"].format(agency_code=summary.agency_code, agency_name=name)
            if name
            else header["agency_without_name"].format(agency_code=summary.agency_code)
        )
        keeper = (
            f"{summary.keeper_name} ({summary.keeper_matricule})"
            if summary.keeper_matricule
            else None
        )
        audit.record(
            uow,
            actor,
            AuditAction.STORE_SHEET_PRINT,
            entity="stock_sheet",
            entity_key=key,
            after={"stock_sheet": key, "returns": summary.returns},
        )
        uow.commit()
    rows = data.list_returns(uow, sheet=key)
    doc = StockSheetDoc(
        organisation=header["organisation"],
        unit=header["unit"],
        agency=agency,
        number=summary.number,
        issued_on=summary.issued_on,
        typed=summary.typed,
        keeper=keeper,
        lines=tuple(
            SheetLine(
                number=r.number,
                police=r.police,
                customer_name=r.customer_name,
                returned_on=r.returned_on,
                meter_serial=r.meter_serial,
                breaker_serial=r.breaker_serial,
                expected_meter=r.expected_meter,
                expected_breaker=r.expected_breaker,
                meter_differs=r.meter_differs,
                breaker_differs=r.breaker_differs,
                mismatch_note=r.mismatch_note,
            )
            for r in rows
        ),
        produced_by=actor.login,
    )
    return SheetFile(summary.number, sheet_file_name(summary.number), pdf_bytes(doc), len(rows))
