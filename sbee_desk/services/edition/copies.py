"""The files: copies on disk — each written under a temporary name, then renamed, so a
file with its final name is always whole — and the combined files stored with a batch."""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

from sqlalchemy import func, select

from sbee_desk.db.models import EditionCombinedFile, EditionDocument
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.services.edition.model import CombinedInfo, EditionError, Recipient

# --------------------------------------------------------------------------- copies on disk


def prepare_out(folder: Path) -> None:
    """Create the folder; remove temporary files a killed run left behind."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder))
        probe = folder / f".sbee-desk-{uuid.uuid4().hex[:8]}.tmp"
        probe.write_bytes(b"")
        probe.unlink()
        for stale in folder.glob(".*.pdf.*.tmp"):
            stale.unlink(missing_ok=True)
    except OSError as exc:
        raise EditionError("EDITION_FOLDER_NOT_WRITABLE", folder=folder, error=exc) from exc


def write_copy(folder: Path, name: str, content: bytes) -> None:
    """Write ``folder/name`` under a temporary name, then rename it into place: a file
    with its final name is always complete (a killed run leaves a hidden ``.tmp``)."""
    target = folder / name
    temporary = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with temporary.open("xb") as out:
            out.write(content)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise EditionError("COPY_NOT_WRITTEN", target=target, error=exc) from exc


def _needs_copy(folder: Path, name: str, size: int) -> bool:
    try:
        return (folder / name).stat().st_size != size
    except FileNotFoundError:
        return True


def sync_copies(uow: UnitOfWork, batch_id: int, folder: Path) -> int:
    """Write the batch's copies missing from ``folder`` (or of the wrong size); not a
    combined file holding documents cancelled since (R7): printed already, it stays
    as it was in the database, marked stale."""
    written = 0
    stale = {c.recipient.value for c in combined_files(uow, batch_id) if c.stale}
    with uow:
        session = uow.session
        sizes = session.execute(
            select(
                EditionDocument.id, EditionDocument.file_name, func.length(EditionDocument.content)
            ).where(EditionDocument.batch_id == batch_id)
        ).all()
        missing = [r.id for r in sizes if _needs_copy(folder, r.file_name, r[2])]
        for start in range(0, len(missing), 200):
            for name, content in session.execute(
                select(EditionDocument.file_name, EditionDocument.content).where(
                    EditionDocument.id.in_(missing[start : start + 200])
                )
            ):
                write_copy(folder, name, content)
                written += 1
        for combined in session.scalars(
            select(EditionCombinedFile).where(EditionCombinedFile.batch_id == batch_id)
        ):
            if combined.recipient in stale:
                continue
            if _needs_copy(folder, combined.file_name, len(combined.content)):
                write_copy(folder, combined.file_name, combined.content)
                written += 1
    return written


# --------------------------------------------------------------------------- combined files


def combined_files(uow: UnitOfWork, batch_id: int) -> list[CombinedInfo]:
    with uow:
        session = uow.session
        live: dict[str, int] = {
            recipient: n
            for recipient, n in session.execute(
                select(EditionDocument.recipient, func.count())
                .where(EditionDocument.batch_id == batch_id, EditionDocument.cancelled.is_(False))
                .group_by(EditionDocument.recipient)
            )
        }
        rows = session.execute(
            select(
                EditionCombinedFile.recipient,
                EditionCombinedFile.file_name,
                EditionCombinedFile.pages,
                EditionCombinedFile.documents,
                EditionCombinedFile.sha256,
            )
            .where(EditionCombinedFile.batch_id == batch_id)
            .order_by(EditionCombinedFile.recipient.desc())
        ).all()
    return [
        CombinedInfo(
            Recipient(r.recipient),
            r.file_name,
            r.pages,
            r.documents,
            r.sha256,
            stale=live.get(r.recipient, 0) != r.documents,
        )
        for r in rows
    ]
