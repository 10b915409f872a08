"""Producing the lists of a validated bordereau (or of every validated bordereau of a
run): render, archive in the register with their audit events and write the copies,
all or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from sbee_desk.db.models import (
    ArchiveEntry,
    BordereauValidation,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.lists import (
    FORMATS,
    ListDocument,
    list_file_name,
    render,
)
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import ListKind
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit, audit_anchor
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.lists.lines import list_context, list_lines, list_texts, person
from sbee_desk.services.lists.model import NO_FILE, ArchivedList, EmptyList, ProducedLists, RunLists
from sbee_desk.services.lists.staged import Staged
from sbee_desk.services.review import validations
from sbee_desk.services.selection import bordereau_summaries


@dataclass(frozen=True)
class _File:
    kind: ListKind
    file_format: str
    name: str
    content: bytes
    line_count: int


def names_of_others(uow: UnitOfWork, run_id: int, bordereau_code: str) -> set[str]:
    """The file names (case folded) the register gives the run's other bordereaux; only
    the run's: its number is in every name."""
    rows = uow.session.scalars(
        select(ArchiveEntry.file_name).where(
            ArchiveEntry.run_id == run_id,
            ArchiveEntry.bordereau_code != bordereau_code,
            ArchiveEntry.file_format != NO_FILE,
        )
    )
    return {name.casefold() for name in rows}


def distinct_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name~2``, ``~3``… (before the extension) if the register already
    gives it to another bordereau (a name recorded before names were made distinct,
    #12; :func:`~sbee_desk.documents.lists.list_file_name` makes them distinct now)."""
    stem, _, extension = name.rpartition(".")
    candidate, n = name, 2
    while candidate.casefold() in taken:
        candidate, n = f"{stem}~{n}.{extension}", n + 1
    return candidate


def produce_lists(
    uow: UnitOfWork,
    actor: Actor,
    run_id: int,
    bordereau_code: str,
    out_dir: Path | None = None,
) -> ProducedLists:
    """Produce, archive and (with ``out_dir``) write the lists of a validated bordereau.

    Each list with lines gives two files (Excel, PDF); a list with no line gives no
    file: the register records it as such (« aucun client à relancer »), after the
    files. Only for a validated bordereau (:class:`ListError` otherwise); EDITION role.
    All or nothing: the register entries, their audit events and the copies in
    ``out_dir`` are all recorded, or none.
    """
    with uow:
        require(uow, actor, Action.EDITION)
        context = list_context(uow, run_id, bordereau_code)
        produced_by = person(uow, actor.login)
        journal = audit.chain_head(uow)  # printed on each list (#12)
        taken = names_of_others(uow, run_id, bordereau_code)
    by_kind = list_lines(uow, run_id, bordereau_code, context.plan_snapshot)
    texts = list_texts()
    produced_at = audit.now()
    reminder_delays = {
        code: int(values["reminder_delay_days"])
        for code, values in context.plan_snapshot.items()
        if isinstance(values, dict) and "reminder_delay_days" in values
    }
    files: list[_File] = []
    empty_kinds: list[ListKind] = []
    for kind in ListKind:
        if not by_kind[kind]:
            empty_kinds.append(kind)
            continue
        document = ListDocument(
            kind=kind,
            agency_code=context.agency_code,
            agency_name=context.agency_name,
            bordereau_code=bordereau_code,
            voltage=context.voltage,
            period=context.period,
            run_id=run_id,
            run_on=context.run_on,
            validated_by=context.validated_by,
            validated_at=context.validated_at,
            produced_by=produced_by,
            produced_at=produced_at,
            lines=by_kind[kind],
            reminder_delays=reminder_delays,
            journal=journal,
        )
        for file_format in FORMATS:
            content = render(document, texts, file_format)
            name = distinct_name(list_file_name(bordereau_code, run_id, kind, file_format), taken)
            files.append(_File(kind, file_format, name, content, len(by_kind[kind])))
    # the lists without a line: one register entry each, no file
    records = [*files, *(_File(kind, NO_FILE, "", b"", 0) for kind in empty_kinds)]

    folder = Path(out_dir) if out_dir is not None else None
    staged = Staged.write(folder, [(f.name, f.content) for f in files]) if folder else None
    try:
        with uow.write():
            require(uow, actor, Action.EDITION)
            session = uow.session
            # Serialise two productions of the same bordereau (PostgreSQL; SQLite is
            # already serialised by its IMMEDIATE write transaction).
            session.execute(
                select(BordereauValidation.id)
                .where(
                    BordereauValidation.run_id == run_id,
                    BordereauValidation.bordereau_code == bordereau_code,
                )
                .with_for_update()
            )
            already = {
                (kind, file_format)
                for kind, file_format in session.execute(
                    select(ArchiveEntry.kind, ArchiveEntry.file_format)
                    .where(
                        ArchiveEntry.run_id == run_id,
                        ArchiveEntry.bordereau_code == bordereau_code,
                    )
                    .distinct()
                )
            }
            entries = []
            for f in records:
                entry = ArchiveEntry(
                    kind=f.kind.value,
                    file_format=f.file_format,
                    run_id=run_id,
                    bordereau_code=bordereau_code,
                    created_at=produced_at,
                    created_by=actor.login,
                    file_name=f.name,
                    sha256=hashlib.sha256(f.content).hexdigest() if f.content else "",
                    content=f.content,
                    is_copy=(f.kind.value, f.file_format) in already,
                )
                session.add(entry)
                entries.append(entry)
            session.flush()
            target = str(folder) if folder else None
            audit.record_many(
                uow,
                actor,
                [
                    {
                        "action": AuditAction.LISTS_ARCHIVE,
                        "entity": "archive_entry",
                        "entity_key": str(entry.id),
                        "after": {
                            "kind": entry.kind,
                            "format": entry.file_format,
                            "run": run_id,
                            "bordereau": bordereau_code,
                            "file_name": entry.file_name,
                            "sha256": entry.sha256,
                            "size": len(entry.content),
                            "lines": f.line_count,
                            "is_copy": entry.is_copy,
                        },
                        "details": {"out_dir": target if f.content else None},
                    }
                    for entry, f in zip(entries, records, strict=True)
                ],
            )
            paths: list[Path | None] = [None] * len(files)
            if staged is not None:
                paths = list(staged.install())
            try:
                uow.commit()
            except BaseException:
                if staged is not None:
                    staged.undo()
                raise
        if staged is not None:
            staged.finish()
    finally:
        if staged is not None:
            staged.discard()
    audit_anchor.publish_quietly(uow, audit_anchor.AnchorReason.LISTS)  # #12
    archived = tuple(
        ArchivedList(
            entry_id=entry.id,
            kind=ListKind(entry.kind),
            file_format=entry.file_format,
            run_id=run_id,
            bordereau_code=bordereau_code,
            file_name=entry.file_name,
            sha256=entry.sha256,
            size=len(entry.content),
            line_count=f.line_count,
            is_copy=entry.is_copy,
            created_at=produced_at,
            path=path,
        )
        for entry, f, path in zip(entries, files, paths, strict=False)
    )
    empty = tuple(
        EmptyList(entry.id, ListKind(entry.kind), entry.is_copy) for entry in entries[len(files) :]
    )
    return ProducedLists(archived, empty)


def produce_all_lists(
    uow: UnitOfWork, actor: Actor, run_id: int, out_dir: Path | None = None
) -> RunLists:
    """Produce the lists of every validated bordereau of a run, each as
    :func:`produce_lists` does (its own transaction), stopping at the first refused."""
    all_codes = [b.code for b in bordereau_summaries(uow, run_id)]
    done = validations(uow, run_id)
    ready = [code for code in all_codes if code in done]
    waiting = [code for code in all_codes if code not in done]
    produced: list[tuple[str, ProducedLists]] = []
    for code in ready:
        try:
            produced.append((code, produce_lists(uow, actor, run_id, code, out_dir)))
        except ServiceError as exc:
            return RunLists(ready, waiting, produced, code, exc)
    return RunLists(ready, waiting, produced)
