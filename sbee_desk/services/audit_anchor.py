"""Anchors of the audit chain outside the database (#12).

The chain of ``services/audit.py`` finds an event changed by hand, but not a journal
rewritten whole by someone holding the database file: with the triggers dropped, the
events cut, wiped or rewritten and every hash recomputed, the chain verifies again.
So the chain's head — event number and hash — is published where that person cannot
reach it at the same time:

- printed on every list and report (:class:`~sbee_desk.domain.journal_mark.JournalMark`);
- appended to the **anchors file** of the data folder (:func:`publish`): after each
  list production, edition run and import, on ``sbee-desk audit anchor``, and in each
  backup (:func:`anchor_for_backup`);
- given back by hand to ``sbee-desk audit verify --anchor N:HASH``.

:func:`verify_with_anchors` checks the database against every anchor it finds: an
anchored event missing (the journal cut or wiped) or holding another hash (rewritten)
is a problem, and what could not be checked is said (no anchors file, no anchor of
this database, events after the last anchor).

The anchors file: one line per anchor, tab-separated — UTC time, database identity
(a random id kept in ``app_meta``), database location (file path, or server and
database name), event number, hash, reason. It is only ever appended to. Lines of
other databases (another file, a test base) are kept and skipped; an anchor of this
location with another identity says the base was replaced or its identity changed.
``SBEE_DESK_ANCHORS`` names another file (e.g. on another machine or a USB key).
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.engine import default_data_folder, private_folder
from sbee_desk.db.models import AppMeta, AuditEvent
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.services import audit
from sbee_desk.services.audit import ChainStatus
from sbee_desk.services.errors import ServiceError
from sbee_desk.wording.errors import os_reason

log = logging.getLogger(__name__)

ENV_ANCHORS = "SBEE_DESK_ANCHORS"
FILE_NAME = "ancres-journal-audit.txt"
#: the key of the database's identity in ``app_meta``
IDENTITY_KEY = "database_id"
HEADER = (
    "# sbee-desk — ancres du journal d'audit (ajout seul, ne pas modifier).\n"
    "# horodatage UTC\tidentité de la base\templacement\tévénement\tempreinte\tmotif\n"
)
#: fewest characters of a hash given by hand (``--anchor N:HASH``)
MIN_HASH_PREFIX = 8
_HEX = re.compile(r"^[0-9a-f]+$")


class AnchorError(ServiceError):
    """An anchor or anchors file that cannot be written or read."""


class AnchorReason(StrEnum):
    """Why an anchor was written (its last field in the file)."""

    LISTS = "listes"
    EDITION = "edition"
    IMPORT = "import"
    EXPORT = "export"
    COMMAND = "commande"
    BACKUP = "sauvegarde"
    #: a restore line (#17): the head of the restored backup; the anchors of this
    #: location written before it, beyond its event or of another identity, are
    #: replaced by the restore
    RESTORE = "restauration"


@dataclass(frozen=True, slots=True)
class Anchor:
    """One published head of the chain. ``hash`` may be a prefix when given by hand;
    ``database`` and ``location`` are empty for an anchor given by hand (it applies
    to the database verified); ``source`` says where it was read."""

    event: int
    hash: str
    database: str = ""
    location: str = ""
    at: str = ""
    reason: str = ""
    source: str = ""

    def line(self) -> str:
        fields = (self.at, self.database, self.location, str(self.event), self.hash, self.reason)
        return "\t".join(fields) + "\n"

    def to_json(self) -> dict[str, Any]:
        """For a backup's manifest."""
        return {
            "at": self.at,
            "database": self.database,
            "location": self.location,
            "event": self.event,
            "hash": self.hash,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """An anchor that does not hold, or something not checked: a code and its data
    (the words: ``sbee_desk.wording.journal``)."""

    code: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AnchoredStatus:
    """What :func:`verify_with_anchors` found: the chain, the anchors that hold
    (``checked``), those that do not (``problems``: TRUNCATED, REWRITTEN, FOREIGN) and
    what could not be checked (``notes``)."""

    chain: ChainStatus
    checked: tuple[Anchor, ...]
    problems: tuple[Finding, ...]
    notes: tuple[Finding, ...]
    path: Path

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems

    def as_chain_status(self) -> ChainStatus:
        """The first problem in the chain's own terms (for the Journal d'audit page):
        an anchored event gone is the end of the journal removed (HEAD), another hash
        is a changed content (HASH), another database at this place is HEAD too."""
        if not self.chain.ok or not self.problems:
            return self.chain
        first = self.problems[0]
        event = int(first.data.get("event") or 1)
        return ChainStatus(
            self.chain.events, event, "HASH" if first.code == "REWRITTEN" else "HEAD"
        )


# --------------------------------------------------------------------------- where


def anchors_path() -> Path:
    """$SBEE_DESK_ANCHORS, else ``ancres-journal-audit.txt`` in the user's data folder
    (the folder of the default database)."""
    named = os.environ.get(ENV_ANCHORS)
    if named:
        return Path(named).expanduser()
    return default_data_folder() / FILE_NAME


def database_location(engine: Engine) -> str:
    """The database's place, without user nor password: the absolute path of a SQLite
    file, ``postgresql://host:port/name`` of a server ("" for a memory database)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return ""
        return str(Path(url.database).expanduser().resolve())
    return f"{url.get_backend_name()}://{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def database_identity(uow: UnitOfWork) -> str | None:
    """The database's identity (None: never anchored), in the open unit of work."""
    row = uow.session.get(AppMeta, IDENTITY_KEY)
    return None if row is None else row.value


def _ensure_identity(uow: UnitOfWork) -> str:
    with uow:
        found = database_identity(uow)
    if found is not None:
        return found
    try:
        with uow.write():
            found = database_identity(uow)
            if found is None:
                found = uuid.uuid4().hex
                uow.session.add(AppMeta(key=IDENTITY_KEY, value=found))
                uow.commit()
            return found
    except IntegrityError:  # another workstation gave it first
        with uow:
            found = database_identity(uow)
        if found is None:
            raise
        return found


# --------------------------------------------------------------------------- write


def current_anchor(uow: UnitOfWork, reason: AnchorReason) -> Anchor:
    """The chain's head now, as an anchor of this database (its identity given
    first if it has none)."""
    identity = _ensure_identity(uow)
    with uow:
        mark = audit.chain_head(uow)
    return Anchor(
        event=mark.event,
        hash=mark.hash,
        database=identity,
        location=database_location(uow.engine),
        at=audit.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        reason=reason.value,
    )


def _append_line(path: Path, line: str) -> None:
    """Append ``line`` in one write, on a line of its own, and sync it (created
    readable by its owner only on POSIX; portable: no pread, Windows has none)."""
    private_folder(path.parent)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(path, flags, 0o600), "a+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        text = line
        if size == 0:
            text = HEADER + line
        else:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":  # a line cut short: never glue to it
                text = "\n" + line
        handle.write(text.encode("utf-8"))  # append mode: always at the end
        handle.flush()
        os.fsync(handle.fileno())


def write_line(path: Path, line: str) -> None:
    """Append one line to the anchors file ``path`` (a restore line, #17). Raises
    OSError."""
    _append_line(path, line)


def publish(uow: UnitOfWork, reason: AnchorReason, path: Path | None = None) -> Anchor:
    """Append the chain's head to the anchors file; return the anchor written.

    Raises ServiceError ANCHOR_NOT_WRITTEN when the file cannot be written."""
    anchor = current_anchor(uow, reason)
    target = path or anchors_path()
    try:
        _append_line(target, anchor.line())
    except OSError as exc:
        raise AnchorError("ANCHOR_NOT_WRITTEN", path=str(target), reason=os_reason(exc)) from exc
    return anchor


def publish_quietly(uow: UnitOfWork, reason: AnchorReason) -> Anchor | None:
    """:func:`publish` after an operation already committed (lists, edition, import):
    a file that cannot be written is logged, the operation stands. Inside a larger
    transaction (the demo's) nothing is published: its events may still be rolled
    back, and an anchor naming them would then read as a cut journal; the demo
    publishes once committed."""
    if uow.in_outer_transaction:
        return None
    try:
        return publish(uow, reason)
    except Exception as exc:  # the operation is committed: never fail it for its anchor
        log.warning("%s", exc)
        return None


def anchor_for_backup(uow: UnitOfWork) -> dict[str, Any]:
    """For the backup (issue #17): call it when the backup is taken and write what it
    returns to the backup's manifest (key ``audit_anchor``); it is also appended to
    the anchors file. A restored backup can then be checked with
    ``sbee-desk audit verify --anchor N:HASH`` from its manifest."""
    anchor = publish_quietly(uow, AnchorReason.BACKUP) or current_anchor(uow, AnchorReason.BACKUP)
    return anchor.to_json()


# --------------------------------------------------------------------------- read


def parse_anchor(text: str, source: str = "--anchor") -> Anchor:
    """``N:HASH`` (the hash whole or its first characters, at least 8) as given by
    hand. Raises ServiceError ANCHOR_INVALID."""
    number, sep, digest = text.strip().partition(":")
    number = number.replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
    digest = digest.strip().rstrip("…").lower()
    if (
        not sep
        or not number.isdecimal()
        or not _HEX.match(digest)
        or len(digest) > 64
        or len(digest) < MIN_HASH_PREFIX
    ):
        raise AnchorError("ANCHOR_INVALID", text=text, source=source, shortest=MIN_HASH_PREFIX)
    return Anchor(event=int(number), hash=digest, source=source)


def _parse_line(raw: str, source: str) -> Anchor | None:
    """One line of an anchors file (None: unreadable). A bare ``N:HASH`` line is an
    anchor given by hand."""
    fields = raw.rstrip("\r\n").split("\t")
    if len(fields) == 1:
        try:
            return parse_anchor(fields[0], source)
        except AnchorError:
            return None
    if len(fields) != 6:
        return None
    at, database, location, number, digest, reason = fields
    if not number.isdecimal() or len(digest) != 64 or not _HEX.match(digest) or not database:
        return None
    return Anchor(int(number), digest, database, location, at, reason, source)


def read_anchors(path: Path) -> tuple[list[Anchor], list[Finding]]:
    """The anchors of the file ``path`` and its unreadable lines (BAD_LINE).
    Raises FileNotFoundError when it does not exist, ServiceError ANCHORS_UNREADABLE
    when it cannot be read."""
    try:
        with path.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise AnchorError("ANCHORS_UNREADABLE", path=str(path), reason=os_reason(exc)) from exc
    anchors: list[Anchor] = []
    bad: list[Finding] = []
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        source = f"{path.name}:{number}"
        anchor = _parse_line(raw, source)
        if anchor is None:
            bad.append(Finding("BAD_LINE", {"source": source}))
        else:
            anchors.append(anchor)
    return anchors, bad


# --------------------------------------------------------------------------- verify


def _check(uow: UnitOfWork, anchor: Anchor, count: int) -> Finding | None:
    if anchor.event == 0:
        return None
    stored = audit.stored_hash(uow, anchor.event)
    data = {"event": anchor.event, "source": anchor.source, "count": count}
    if stored is None:
        return Finding("TRUNCATED", data)
    if not stored.startswith(anchor.hash):
        return Finding("REWRITTEN", {**data, "anchored": anchor.hash, "stored": stored})
    return None


def verify_with_anchors(
    uow: UnitOfWork,
    given: Sequence[Anchor] = (),
    files: Iterable[Path] = (),
    *,
    path: Path | None = None,
) -> AnchoredStatus:
    """Verify the chain, then every anchor of this database: those of the anchors
    file (``path``, default :func:`anchors_path`), of the other ``files`` and the
    ``given`` ones (by hand: they apply to this database whatever their origin).
    Raises ServiceError ANCHORS_UNREADABLE for one of ``files`` that cannot be read."""
    chain = audit.verify_chain(uow)
    files = list(files)
    default = path or anchors_path()
    notes: list[Finding] = []
    found: list[Anchor] = list(given)
    try:
        in_default, bad = read_anchors(default)
        found_default = True
    except FileNotFoundError:
        in_default, bad, found_default = [], [], False
    for extra in files:
        try:
            anchors, extra_bad = read_anchors(extra)
        except FileNotFoundError as exc:
            raise AnchorError("ANCHORS_UNREADABLE", path=str(extra), reason="introuvable") from exc
        in_default += anchors
        bad += extra_bad
    notes += bad
    location = database_location(uow.engine)
    in_default, replaced = _without_replaced(in_default, location)
    if replaced:
        notes.append(Finding("RESTORED", replaced))
    problems: list[Finding] = []
    checked: list[Anchor] = []
    others = 0
    with uow:
        identity = database_identity(uow)
        count = audit.chain_head(uow).event
        ours: list[Anchor] = list(found)
        foreign: set[str] = set()
        for anchor in in_default:
            if not anchor.database or (identity is not None and anchor.database == identity):
                ours.append(anchor)
            elif location and anchor.location == location:
                if anchor.database in foreign:  # one problem per other identity
                    continue
                foreign.add(anchor.database)
                problems.append(
                    Finding(
                        "FOREIGN",
                        {
                            "source": anchor.source,
                            "anchored_id": anchor.database,
                            "database_id": identity,
                        },
                    )
                )
            else:
                others += 1
        # the stored count can itself have been rewound: the events actually stored
        stored_count = _stored_count(uow)
        seen: set[tuple[int, str]] = set()
        for anchor in ours:
            if (anchor.event, anchor.hash) in seen:  # the same head anchored twice
                continue
            seen.add((anchor.event, anchor.hash))
            finding = _check(uow, anchor, stored_count)
            if finding is not None:
                problems.append(finding)
                continue
            checked.append(anchor)
            if len(anchor.hash) < 64:
                notes.append(
                    Finding(
                        "SHORT_HASH",
                        {
                            "event": anchor.event,
                            "source": anchor.source,
                            "length": len(anchor.hash),
                        },
                    )
                )
    if not ours and not problems:
        code = "NO_ANCHOR" if found_default or files else "NO_FILE"
        notes.insert(0, Finding(code, {"path": str(default)}))
    if others:
        notes.append(Finding("OTHER_DATABASES", {"count": others}))
    last = max((a.event for a in checked), default=None)
    if last is not None and last < max(count, stored_count) and not problems:
        notes.append(Finding("AFTER_LAST", {"event": last}))
    return AnchoredStatus(chain, tuple(checked), tuple(problems), tuple(notes), default)


def _without_replaced(anchors: list[Anchor], location: str) -> tuple[list[Anchor], dict[str, Any]]:
    """The anchors not replaced by a later restore line of this location (#17): an
    anchor written before a restore line, beyond the restored event or of another
    identity, no longer applies; what was replaced (count, last restore) for the note."""
    restores = [
        (index, a)
        for index, a in enumerate(anchors)
        if a.reason == AnchorReason.RESTORE.value and location and a.location == location
    ]
    if not restores:
        return anchors, {}
    kept: list[Anchor] = []
    count = 0
    for index, anchor in enumerate(anchors):
        later = [r for i, r in restores if i > index]
        if anchor.location == location and any(
            anchor.event > r.event or anchor.database != r.database for r in later
        ):
            count += 1
            continue
        kept.append(anchor)
    if not count:
        return kept, {}
    last = restores[-1][1]
    return kept, {"count": count, "at": last.at, "event": last.event, "source": last.source}


def _stored_count(uow: UnitOfWork) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
