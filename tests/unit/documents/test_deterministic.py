"""The same data and the same date give byte-identical PDFs (issue #11): letters, orders,
combined files and lists carry no trace of when they were produced by the machine —
the creation date is the document's own date (the edition date), never the clock."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import fpdf.fpdf
import pytest
from fontTools.ttLib.tables import _h_e_a_d
from pypdf import PdfReader

from sbee_desk.documents.formal import fonts as formal_fonts
from sbee_desk.documents.letters import load_letter_texts, render_letter
from sbee_desk.documents.lists import ListDocument, ListTexts, pdf_bytes
from sbee_desk.documents.orders import load_order_texts, render_order
from sbee_desk.documents.worker import Item, Texts, render_combined
from sbee_desk.domain.enums import ListKind
from tests.unit.documents.edition_data import letter, order


class _ClockType(type):
    def __instancecheck__(cls, value: object) -> bool:
        return isinstance(value, dt.datetime)


class _Clock(metaclass=_ClockType):
    """fpdf2's clock (its module's ``datetime``), a minute later at every reading: a
    document produced in another second, or on another day, is still the same bytes."""

    readings = 0

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:
        cls.readings += 1
        moment = dt.datetime(2031, 5, 4, 3, 2, 1, tzinfo=dt.UTC)
        return (moment + dt.timedelta(minutes=cls.readings)).astimezone(tz)

    @staticmethod
    def fromtimestamp(value: float, tz: dt.tzinfo | None = None) -> dt.datetime:
        return dt.datetime.fromtimestamp(value, tz)


@pytest.fixture(autouse=True)
def moving_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fpdf.fpdf, "datetime", _Clock)
    # fontTools stamps a font it saves (the fast subset) with its clock
    seconds = iter(range(3_000_000_000, 4_000_000_000, 86_400))
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: next(seconds))


def _twice(produce: Callable[[], bytes], monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    """Two productions, each as a new process makes it: its own fast font subset."""
    monkeypatch.setattr(formal_fonts, "_FONTS", {})
    first = produce()
    monkeypatch.setattr(formal_fonts, "_FONTS", {})
    return first, produce()


@pytest.fixture(scope="module")
def edition_texts() -> Texts:
    return Texts(load_letter_texts(), load_order_texts())


def _creation_date(content: bytes) -> str | None:
    info = PdfReader(io.BytesIO(content)).metadata
    return None if info is None else info.get("/CreationDate")


def test_a_letter_is_the_same_bytes_when_produced_again(
    edition_texts: Texts, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _twice(
        lambda: render_letter(letter(), edition_texts.letters).content, monkeypatch
    )
    assert first == second
    assert _creation_date(first) == "D:20261129000000Z"  # the edition date


@pytest.mark.parametrize("kind", ["DEPOSE", "CONTROLE_INDEX"])
def test_an_order_is_the_same_bytes_when_produced_again(
    edition_texts: Texts, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _twice(
        lambda: render_order(order(kind), edition_texts.orders).content, monkeypatch
    )
    assert first == second
    assert _creation_date(first) == "D:20261129000000Z"


def test_a_combined_file_is_the_same_bytes_when_produced_again(
    edition_texts: Texts, monkeypatch: pytest.MonkeyPatch
) -> None:
    items: list[Item] = [letter(), order("DEPOSE"), order("CONTROLE_INDEX")]
    first, second = _twice(
        lambda: render_combined(items, None, edition_texts, "Lot")[0].content, monkeypatch
    )
    assert first == second
    assert _creation_date(first) == "D:20261129000000Z"


def test_a_list_is_the_same_bytes_when_produced_again(
    make_document: Callable[..., ListDocument],
    make_line: Callable[..., object],
    texts: ListTexts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = make_document(ListKind.A_RESILIER, [make_line("P0000001"), make_line("P0000002")])
    first, second = _twice(lambda: pdf_bytes(doc, texts), monkeypatch)
    assert first == second
