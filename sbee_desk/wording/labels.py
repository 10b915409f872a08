"""The French names of codes: fields, roles, statuses (the GUI wraps them in ``tr()``)."""

from __future__ import annotations

from sbee_desk.domain.enums import ListKind

#: the editable fields of a recovery plan and their French names
PLAN_FIELD_LABELS: dict[str, str] = {
    "delay_bt_days": "délai après suspension BT (jours)",
    "delay_mt_days": "délai après suspension MT (jours)",
    "unpaid_threshold": "nombre minimal de factures impayées échues",
    "payment_term_days": "délai de paiement sans date d'échéance (jours)",
    "exempt": "exempté sauf dérogation DG",
    "reminder_first_bt": "relance écrite préalable en BT",
    "reminder_first_mt": "relance écrite préalable en MT",
    "reminder_delay_days": "délai après remise de la lettre (jours)",
    "undelivered_alert_days": "alerte lettre non remise après (jours)",
    "validation_max_age_days": "âge maximal d'un traitement à valider (jours)",
}

#: who receives an edition's documents (services.edition.Recipient)
RECIPIENT_LABELS: dict[str, str] = {"RELEVEUR": "releveur", "CHEF_RPNT": "chef section RPNT"}
#: a document's status (services.edition.DocumentStatus)
DOCUMENT_STATUS_LABELS: dict[str, str] = {
    "GENERE": "généré",
    "IMPRIME": "imprimé",
    "REMIS": "remis",
}
#: French words of the gap codes (documents.letters / documents.orders)
GAP_LABELS: dict[str, str] = {
    "ADRESSE": "adresse",
    "QUARTIER": "quartier",
    "ZONE": "zone",
    "COMPTEUR": "n° de compteur",
    "DISJONCTEUR": "disjoncteur",
    "PDL": "point de livraison",
}

#: what the register says of a list with no line (no file is produced, #10)
EMPTY_LIST_LABELS: dict[ListKind, str] = {
    ListKind.A_RELANCER: "aucun client à relancer",
    ListKind.A_RESILIER: "aucun contrat à résilier",
    ListKind.CONTROLE: "aucune ligne de contrôle",
}
