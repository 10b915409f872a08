"""The window's process creates its files for its owner only, as the commands do (#12)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sbee_desk import app as app_module

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX umask")


@pytest.fixture
def wide_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@posix_only
def test_the_window_sets_a_private_umask_before_anything(monkeypatch, wide_umask) -> None:
    """Before the database is opened: its file, the exports and print-to-PDF files the
    window writes are 0600, their folders 0700."""
    seen: list[int] = []

    def no_database(_url: str | None) -> None:
        mask = os.umask(0)
        os.umask(mask)
        seen.append(mask)

    monkeypatch.setattr(app_module, "open_or_explain", no_database)
    assert app_module.run_gui(None, None) == app_module.EXIT_DATABASE
    assert seen == [0o077]
