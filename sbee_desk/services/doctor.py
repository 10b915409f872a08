"""``sbee-desk doctor`` (#17): what a support technician checks, in French.

Database reachable and at the schema's head (never upgraded here), its integrity
(SQLite ``PRAGMA integrity_check``), the audit chain and its anchors, disk space
where the database and the backups live, fonts and document texts present, printers
(``lpstat -a`` where CUPS is; otherwise « non vérifié » — Qt's printer list is the
window's), age of the last backup. Each check: OK, ATTENTION or ÉCHEC; the report
is OK when nothing failed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from sqlalchemy import Engine, text

from sbee_desk.db.engine import (
    DatabaseError,
    check_reachable,
    create_db_engine,
    describe_url,
    resolve_url,
)
from sbee_desk.db.migrate import current_revision, script_directory
from sbee_desk.db.snapshot import backup_folder, sqlite_file
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.services import backup
from sbee_desk.wording.formats import agree, plural

#: free space under which the disk is a problem, and under which it is a warning
DISK_FAIL_BYTES = 200 * 1024 * 1024
DISK_WARN_BYTES = 1024 * 1024 * 1024
#: age of the last backup (days) beyond which it is a warning, and a failure
BACKUP_WARN_DAYS = 2
BACKUP_FAIL_DAYS = 7


class Status(Enum):
    OK = "OK"
    WARN = "ATTENTION"
    FAIL = "ÉCHEC"
    SKIPPED = "NON VÉRIFIÉ"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True)
class Check:
    title: str
    status: Status
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status is not Status.FAIL for c in self.checks)

    @property
    def summary(self) -> str:
        failed = [c.title for c in self.checks if c.status is Status.FAIL]
        warned = [c.title for c in self.checks if c.status is Status.WARN]
        if failed:
            return f"Problèmes à corriger : {', '.join(failed)}."
        if warned:
            return f"Le poste fonctionne ; à surveiller : {', '.join(warned)}."
        return "Tout est en ordre."


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _gib(size: int) -> str:
    return f"{size / 1024**3:.1f} Go".replace(".", ",")


def run_checks(url: str | None = None, *, at: dt.datetime | None = None) -> Report:
    report = Report()
    at = at or now()
    try:
        engine = create_db_engine(resolve_url(url))
    except DatabaseError as exc:
        report.checks.append(Check("Base de données", Status.FAIL, str(exc)))
        _files(report)
        _printers(report)
        return report
    try:
        reachable = _database(report, engine)
        if reachable:
            _integrity(report, engine)
            _payment_totals(report, engine)
            _journal(report, engine)
        _disk(report, engine, reachable)
        _files(report)
        _printers(report)
        if reachable:
            _last_backup(report, engine, at)
    finally:
        engine.dispose()
    return report


def _database(report: Report, engine: Engine) -> bool:
    title = "Base de données"
    try:
        check_reachable(engine)
        revision = current_revision(engine)
    except DatabaseError as exc:
        report.checks.append(Check(title, Status.FAIL, str(exc)))
        return False
    except Exception as exc:
        report.checks.append(Check(title, Status.FAIL, f"illisible ({exc})"))
        return False
    head = script_directory().get_current_head()
    where = describe_url(str(engine.url))
    if revision is None:
        report.checks.append(Check(title, Status.FAIL, f"{where} : pas encore créée"))
        return False
    if revision != head:
        known = {r.revision for r in script_directory().walk_revisions()}
        detail = (
            f"{where} : schéma {revision}, plus récent que ce logiciel (mettez-le à jour)"
            if revision not in known
            else f"{where} : schéma {revision}, à mettre à jour vers {head} "
            "(fait au prochain démarrage, après une sauvegarde)"
        )
        report.checks.append(
            Check(title, Status.FAIL if revision not in known else Status.WARN, detail)
        )
        return revision in known
    report.checks.append(Check(title, Status.OK, f"{where}, schéma à jour ({head})"))
    return True


def _integrity(report: Report, engine: Engine) -> None:
    title = "Intégrité de la base"
    if sqlite_file(engine) is None:
        report.checks.append(
            Check(title, Status.SKIPPED, "PostgreSQL : vérifiée par le serveur (DBA)")
        )
        return
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check")).fetchall()]
    if rows == ["ok"]:
        report.checks.append(Check(title, Status.OK, "PRAGMA integrity_check : ok"))
    else:
        report.checks.append(Check(title, Status.FAIL, "; ".join(rows[:3])))


#: the triggers that keep each invoice's payments total (migration 0016): the selection
#: (R3) reads it; a ``payment`` table rebuilt by hand loses them, and R3 would be wrong
PAYMENT_TRIGGERS = ("payment_totals_insert", "payment_totals_update", "payment_totals_delete")


def _payment_totals(report: Report, engine: Engine) -> None:
    title = "Totaux des règlements"
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger "
                    "WHERE tgrelid = 'payment'::regclass AND NOT tgisinternal"
                )
            )
        else:
            rows = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'payment'"
                )
            )
        present = {str(r[0]) for r in rows}
    missing = [name for name in PAYMENT_TRIGGERS if name not in present]
    if missing:
        report.checks.append(
            Check(
                title,
                Status.FAIL,
                f"déclencheurs absents ({', '.join(missing)}) : la sélection compterait "
                "mal les impayés ; restaurez une sauvegarde ou faites recréer la base",
            )
        )
    else:
        report.checks.append(
            Check(title, Status.OK, "chaque facture tient le total de ses règlements")
        )


def _journal(report: Report, engine: Engine) -> None:
    from sbee_desk.services.audit_anchor import verify_with_anchors
    from sbee_desk.wording.journal import anchor_problem

    title = "Journal d'audit"
    try:
        status = verify_with_anchors(UnitOfWork(engine))
    except Exception as exc:
        report.checks.append(Check(title, Status.FAIL, f"non vérifiable ({exc})"))
        return
    if not status.chain.ok:
        report.checks.append(
            Check(
                title,
                Status.FAIL,
                f"chaîne rompue à l'événement n° {status.chain.first_broken} "
                f"({status.chain.problem}) : sbee-desk audit verify pour le détail",
            )
        )
    elif status.problems:
        first = status.problems[0]
        report.checks.append(Check(title, Status.FAIL, anchor_problem(first.code, first.data)))
    else:
        report.checks.append(
            Check(
                title,
                Status.OK,
                f"{plural(status.chain.events, 'événement', 'événements')}, chaîne intacte, "
                + agree(
                    len(status.checked),
                    f"{plural(len(status.checked), 'ancre', 'ancres')} vérifiée",
                    f"{plural(len(status.checked), 'ancre', 'ancres')} vérifiées",
                ),
            )
        )


def _disk(report: Report, engine: Engine, reachable: bool) -> None:
    places: list[tuple[str, Path]] = []
    live = sqlite_file(engine)
    if live is not None:
        places.append(("base", live.parent))
    # the folder the administrator chose is in the database: read only when it answers
    places.append(("sauvegardes", backup_folder(engine if reachable else None)))
    for what, folder in places:
        probe = folder
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        try:
            free = shutil.disk_usage(probe).free
        except OSError as exc:
            report.checks.append(Check(f"Disque ({what})", Status.FAIL, f"{folder} : {exc}"))
            continue
        status = (
            Status.FAIL
            if free < DISK_FAIL_BYTES
            else Status.WARN
            if free < DISK_WARN_BYTES
            else Status.OK
        )
        report.checks.append(Check(f"Disque ({what})", status, f"{_gib(free)} libres ({folder})"))


def _files(report: Report) -> None:
    from sbee_desk.documents.resources import TemplateError, fonts_dir, reports_dir

    found: list[str] = []
    try:
        found.append(f"polices : {fonts_dir()}")
        for name in ("letters.toml", "orders.toml", "lists.toml"):
            reports_dir(name)
        found.append("textes : lettres, ordres, listes")
    except TemplateError as exc:
        report.checks.append(Check("Polices et modèles", Status.FAIL, str(exc)))
        return
    report.checks.append(Check("Polices et modèles", Status.OK, " ; ".join(found)))


def _printers(
    report: Report, run: Callable[..., subprocess.CompletedProcess[str]] | None = None
) -> None:
    title = "Imprimantes"
    program = shutil.which("lpstat")
    if program is None:
        report.checks.append(
            Check(title, Status.SKIPPED, "non vérifié (pas de lpstat : voir la fenêtre, Imprimer)")
        )
        return
    done = (run or subprocess.run)(
        [program, "-a"], capture_output=True, text=True, check=False, timeout=10
    )
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    if names:
        report.checks.append(Check(title, Status.OK, ", ".join(names)))
    else:
        report.checks.append(Check(title, Status.WARN, "aucune imprimante installée"))


def _last_backup(report: Report, engine: Engine, at: dt.datetime) -> None:
    title = "Dernière sauvegarde"
    chosen = backup.settings(engine)
    last = backup.last_backup(engine)
    if last is None:
        report.checks.append(
            Check(title, Status.FAIL, f"aucune dans {chosen.folder} : sbee-desk backup")
        )
        return
    days = (at - last.taken_at).total_seconds() / 86400
    status = (
        Status.FAIL
        if days > BACKUP_FAIL_DAYS
        else Status.WARN
        if days > BACKUP_WARN_DAYS
        else Status.OK
    )
    report.checks.append(
        Check(
            title,
            status,
            f"{last.taken_at.astimezone():%d/%m/%Y %Hh%M} ({int(days)} j), {last.path}",
        )
    )
