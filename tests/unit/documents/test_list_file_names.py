"""The file names of the lists: one per bordereau code, run, list and format (#12)."""

from __future__ import annotations

import pytest

from sbee_desk.documents.lists import list_file_name
from sbee_desk.domain.enums import ListKind

CODES = [
    "BT-COT-2026-09",
    "BT/R/2026/04",
    "BT_R_2026_04",
    "BT:R:2026:04",
    "bt_r_2026_04",
    "Bt_R_2026_04",
    ".BT_R_2026_04",
    "..",
    "BT R 2026 04",
    "BT\x7fR",
    "É-2026",
    "E-2026",
    "A" * 300,
    "A" * 301,
]


def test_a_plain_code_is_written_as_it_is() -> None:
    assert list_file_name("BT-COT-2026-09", 7, ListKind.A_RESILIER, "pdf") == (
        "BT-COT-2026-09-7-a-resilier.pdf"
    )


def test_no_two_codes_share_a_file_name_even_where_case_does_not_count() -> None:
    names = [list_file_name(code, 1, ListKind.CONTROLE, "xlsx") for code in CODES]
    assert len({n.casefold() for n in names}) == len(CODES)


@pytest.mark.parametrize("code", CODES)
def test_a_file_name_is_visible_short_and_in_its_folder(code: str) -> None:
    name = list_file_name(code, 12, ListKind.A_RELANCER, "xlsx")
    assert not name.startswith((".", " "))
    assert not set(name) & set('\\/:*?"<>|\x7f')
    assert all(ord(c) >= 32 for c in name)
    assert len(name.encode()) < 120
    assert name == list_file_name(code, 12, ListKind.A_RELANCER, "xlsx")  # stable
