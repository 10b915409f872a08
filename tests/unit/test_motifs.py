"""The motif of a selection line (issue #11): worded in sbee_desk.wording, the service
only hands it the line's values."""

from __future__ import annotations

import datetime as dt

from sbee_desk.domain.enums import CustomerCategory, Decision, Voltage
from sbee_desk.wording.motifs import line_motif


def _motif(
    decision: Decision,
    *,
    voltage: Voltage = Voltage.BT,
    unpaid_count: int = 2,
    days: int = 50,
    derogation_reference: str | None = None,
    letter_delivered_on: dt.date | None = None,
) -> str:
    return line_motif(
        decision,
        category=CustomerCategory.ORDINAIRE,
        voltage=voltage,
        unpaid_count=unpaid_count,
        days=days,
        reminder_delay_days=15,
        derogation_reference=derogation_reference,
        letter_delivered_on=letter_delivered_on,
    )


def test_a_line_to_terminate_names_its_unpaid_invoices_and_days() -> None:
    assert _motif(Decision.RESILIATION) == "2 factures impayées, suspendu depuis 50 jours"
    assert _motif(Decision.RESILIATION, unpaid_count=1) == (
        "1 facture impayée, suspendu depuis 50 jours"
    )


def test_a_reminder_says_why_a_letter_comes_first() -> None:
    assert _motif(Decision.RELANCE, voltage=Voltage.MT) == (
        "2 factures impayées, suspendu depuis 50 jours ; relance écrite préalable (client MT)"
    )


def test_a_line_waiting_for_its_letter_says_since_when() -> None:
    assert _motif(Decision.ATTENTE_RELANCE) == (
        "2 factures impayées, suspendu depuis 50 jours ; lettre de relance non encore remise"
    )
    assert _motif(Decision.ATTENTE_RELANCE, letter_delivered_on=dt.date(2026, 3, 2)) == (
        "2 factures impayées, suspendu depuis 50 jours ; lettre de relance remise le "
        "02/03/2026, délai de 15 jours non écoulé"
    )


def test_a_derogation_is_named_by_its_reference() -> None:
    assert _motif(Decision.RESILIATION, derogation_reference="DG-12") == (
        "2 factures impayées, suspendu depuis 50 jours ; dérogation DG réf. DG-12"
    )


def test_a_motif_counts_in_french_zero_and_one_are_singular() -> None:
    """« 0 facture impayée », « 1 jour »: the one French plural of the wording (#11),
    not « 0 factures impayées »."""
    assert _motif(Decision.RESILIATION, unpaid_count=0, days=1) == (
        "0 facture impayée, suspendu depuis 1 jour"
    )
    assert _motif(Decision.RESILIATION, unpaid_count=0, days=0) == (
        "0 facture impayée, suspendu depuis 0 jour"
    )
