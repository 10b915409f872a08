"""The one family of errors the services raise.

A service error carries a ``code`` (UPPER_SNAKE, unique across the project) and
``data`` (plain values: what, where, which). The French sentence lives in
:mod:`sbee_desk.wording.errors`, keyed by the code; ``str(exc)`` returns it, so a
face that shows ``str(exc)`` keeps working. Nothing was changed when a service
error is raised (the service rolls back).
"""

from __future__ import annotations

from typing import Any

from sbee_desk.wording.errors import message


class ServiceError(Exception):
    """A refused action or bad input: ``code`` + ``data``; ``str()`` is French."""

    def __init__(self, code: str, /, **data: Any) -> None:
        super().__init__(code)
        self.code = code
        self.data = data

    def __str__(self) -> str:
        return message(self.code, self.data)
