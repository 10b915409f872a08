"""Copies of the lists on disk: files written under temporary names in the target
folder, then put in place all together or not at all."""

from __future__ import annotations

import errno
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sbee_desk.services.lists.model import ListError

if TYPE_CHECKING:
    from sbee_desk.db.uow import UnitOfWork


@dataclass
class Staged:
    """Files written under temporary names in the target folder, then put in place."""

    folder: Path
    pending: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, target)
    installed: list[tuple[Path, Path | None]] = field(default_factory=list)  # (target, backup)

    @classmethod
    def write(cls, folder: Path, files: list[tuple[str, bytes]]) -> Staged:
        staged = cls(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder))
            for name, content in files:
                target = folder / name
                if target.is_dir():
                    raise ListError("LIST_TARGET_IS_FOLDER", target=target)
                temporary = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
                staged.pending.append((temporary, target))
                with temporary.open("xb") as out:  # "x": never an existing file
                    out.write(content)
                    out.flush()
                    os.fsync(out.fileno())
        except OSError as exc:
            staged.discard()
            raise ListError("LIST_FOLDER_NOT_WRITABLE", folder=folder, error=exc) from exc
        except BaseException:
            staged.discard()
            raise
        return staged

    def install(self) -> list[Path]:
        """Put every file in place, or none (the old files come back)."""
        target = self.folder
        try:
            for temporary, target in self.pending:
                backup = None
                if target.exists():
                    # Renaming fails for a file open in Excel or a PDF reader (Windows).
                    backup = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
                    os.replace(target, backup)
                self.installed.append((target, backup))
                os.replace(temporary, target)
        except OSError as exc:
            self.undo()
            raise ListError("LIST_FILE_LOCKED", target=target, error=exc) from exc
        return [t for t, _ in self.installed]

    def install_and_commit(self, uow: UnitOfWork) -> list[Path]:
        """Put every file in place, then commit ``uow``; a failed commit takes the
        files back (the old ones come back)."""
        paths = self.install()
        try:
            uow.commit()
        except BaseException:
            self.undo()
            raise
        return paths

    def undo(self) -> None:
        """Remove what was put in place and bring the old files back (best effort)."""
        for target, backup in reversed(self.installed):
            try:
                if target.exists():
                    target.unlink()
                if backup is not None:
                    os.replace(backup, target)
            except OSError:
                continue  # the backup stays next to the target, under a hidden name
        self.installed.clear()

    def finish(self) -> None:
        """After the commit: the old files are no longer needed."""
        for _, backup in self.installed:
            if backup is not None:
                try:
                    backup.unlink(missing_ok=True)
                except OSError:
                    continue  # left under its hidden name; the new file is in place

    def discard(self) -> None:
        """Remove the temporary files not put in place."""
        for temporary, _ in self.pending:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                continue
