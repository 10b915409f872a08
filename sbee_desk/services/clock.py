"""The services' clock: today's date, in one place.

Every service that needs "today" calls :func:`today` through its own module
attribute (``from sbee_desk.services.clock import today``), so a test sets the
date of one service with ``monkeypatch.setattr("sbee_desk.services.review.today", …)``.
"""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.date.today()
