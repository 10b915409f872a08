"""The French words of the journal d'audit: field names, refusal reasons, chain
problems… (#11); :mod:`sbee_desk.wording.audit_text` puts them together per event."""

from __future__ import annotations

from sbee_desk.wording.labels import PLAN_FIELD_LABELS

CHAIN_PROBLEMS = {
    "HASH": "son contenu a été modifié après coup",
    "LINK": "il n'est plus chaîné à l'événement précédent",
    "GAP": "un événement a été supprimé ou inséré à cet endroit",
    "HEAD": "les derniers événements ont été supprimés",
}

#: French name of every field the services write in a before / after / details (one
#: place; tests/integration/test_audit_words.py checks a day of work against it)
AUDIT_FIELD_LABELS: dict[str, str] = {
    **PLAN_FIELD_LABELS,
    # users and staff
    "full_name": "nom",
    "roles": "rôles",
    "active": "actif",
    "password": "mot de passe",
    "locked_until": "verrouillé jusqu'au",
    "role": "fonction",
    "zones": "zones",
    # review, derogations
    "excluded_reason": "motif d'exclusion",
    "code": "cause",
    "reference": "référence",
    "decided_on": "décision du",
    "valid_until": "valable jusqu'au",
    "document_reference": "pièce",
    "recomputed_lines": "lignes recalculées",
    "run": "traitement n°",
    "letters": "lettres",
    "orders": "ordres",
    "excluded": "lignes exclues",
    "dropped_r7": "lignes retirées (R7)",
    "exclusions": "exclusions",
    # selection runs
    "run_on": "date du traitement",
    "agency": "agence",
    "counts": "décisions",
    "plans": "plans de recouvrement",
    # demonstration
    "police": "police",
    "created_on": "créée le",
    "delivered_on": "remise le",
    "delivered": "lettres remises",
    "derogations": "dérogations",
    # lists and the classeur
    "kind": "liste",
    "format": "format",
    "bordereau": "bordereau",
    "file_name": "fichier",
    "sha256": "empreinte",
    "size": "taille (octets)",
    "lines": "lignes",
    "is_copy": "copie",
    "out_dir": "dossier de sortie",
    # the night edition, the print queue, the hand-over
    "edition_on": "date d'édition",
    "pending": "lettres et ordres à éditer",
    "attempt": "tentative n°",
    "documents": "documents édités",
    "numbers": "documents",
    "cancelled_r7": "annulés par R7",
    "gaps": "documents avec données manquantes",
    "combined": "fichiers regroupés",
    "status": "état",
    "print_count": "impressions",
    "reprint_reason": "motif de réimpression",
    "handed_to": "remis à",
    "staff": "matricule",
    # R7
    "cancelled_on": "annulé le",
    "cancel_reason": "motif d'annulation",
    "document_id": "document",
    "recall_from": "agent à rappeler",
    # step 4: dispatch (#14)
    "agent": "agent",
    "visit_on": "visite le",
    "outside_zone": "hors de ses zones (confirmé)",
    "recall_pending": "agent à rappeler",
    "note": "note",
    "attempts": "tentatives",
    "daily_capacity": "capacité journalière (visites)",
    "max_attempts": "tentatives permises",
    "sheets": "feuilles de route",
    "visits": "visites",
    "recalls": "rappels",
    "copy": "copie",
    # after termination: the hand-off to apurement and contentieux (#16)
    "handed_on": "transmise le",
    "settlement": "contrats à l'apurement",
    "litigation": "dû au contentieux",
    "total_due": "total dû",
    "handoff": "transmission n°",
    "termination": "résiliation n°",
    "balance": "solde",
    # step 5: retour magasin (#15)
    "store_return_on": "retourné au magasin le",
    "stock_sheet": "fiche de mouvement de stock",
    "breaker_serial": "disjoncteur reçu",
    "mismatch_note": "explication de l'écart",
    "keeper": "magasinier",
    "new_sheet": "nouvelle fiche",
    "expected_meter": "compteur attendu",
    "expected_breaker": "disjoncteur attendu",
    "returns": "retours",
    "sheet_numbering": "numérotation des fiches",
    "return_delay_days": "délai avant « matériel non retourné » (jours)",
    # step 6: the CRI, its countersign, the termination (#15)
    "visit_time": "heure de la visite",
    "done": "intervention effectuée",
    "index_read": "index relevé",
    "meter_serial_found": "compteur trouvé",
    "meter_removed": "compteur déposé",
    "breaker_removed": "disjoncteur déposé",
    "remarks": "remarques",
    "outside_window": "hors horaire (R9)",
    "override_reason": "motif de dérogation",
    "serial_mismatch": "compteur différent du contrat",
    "no_store_return": "sans retour magasin",
    "cause": "cause de la résiliation",
    # the return file for the gestion clientèle (#16)
    "resiliations": "résiliations",
    "index_mt": "index MT",
    "adresses": "difficultés d'adresse",
    # a termination for another cause (R8, #16)
    "cause_reason": "motif de la résiliation",
    "order_kind": "ordre",
    "derogation": "dérogation DG",
    # import
    "path": "emplacement",
    "files": "fichiers",
    "agencies_created": "agences créées",
    "zones_created": "zones créées",
    "warnings": "avertissements",
    "name": "nom",
    "address": "adresse",
    "quartier": "quartier",
    "phone": "téléphone",
    "category": "catégorie",
    "customer_code": "code client",
    "voltage": "tension",
    "delivery_point": "point de livraison",
    "meter_serial": "compteur",
    "breaker": "disjoncteur",
    "agency_code": "agence",
    "zone_code": "zone",
    "subscribed_on": "abonné le",
    "terminated_on": "résilié le",
    "period": "période",
    "number": "numéro",
    "bordereau_code": "bordereau",
    "issued_on": "émise le",
    "due_on": "échéance",
    "amount": "montant",
    "cancelled": "annulée",
    "invoice_number": "facture",
    "paid_on": "payée le",
    "suspended_on": "interrompu le",
    "restored_on": "rétabli le",
    # step 3: the letters' delivery
    "delivered_to": "remise à",
    "delivered_by": "releveur (fiche du registre)",
    "impossible_reason": "motif de remise impossible",
    "releveur": "releveur",
    "reprint": "à réimprimer « 2e présentation »",
    "undo": "remise annulée",
    # backups (#17)
    "backup_folder": "dossier des sauvegardes",
    "backup_keep_days": "jours de conservation des sauvegardes",
    "backup": "sauvegarde",
    "taken_at": "sauvegarde prise le (UTC)",
    "app_version": "version du logiciel",
    "schema_revision": "révision du schéma",
    "audit_event": "dernier événement du journal sauvegardé",
    # refusals
    "reason": "motif",
    "failed_attempts": "échecs consécutifs",
}

REFUSAL_REASONS = {
    "bad_credentials": "identifiant ou mot de passe incorrect",
    "locked": "compte verrouillé",
    "inactive": "compte désactivé",
    "role": "rôle insuffisant",
    "unknown_or_inactive": "utilisateur inconnu ou désactivé",
    "chef_only": "réservé au chef section recouvrement (correction d'une remise)",
}

AUDIT_LIST_KINDS = {
    "A_RELANCER": "À relancer",
    "A_RESILIER": "À résilier",
    "CONTROLE": "De contrôle",
}


#: a document's kind in the journal's words
DOCUMENT_KINDS = {"LETTER": "lettre", "ORDER": "ordre"}

#: the exported journal: its title (the sheet's name too) and its columns
AUDIT_EXPORT_TITLE = "Journal d'audit"
AUDIT_EXPORT_HEADERS = (
    "N°",
    "Date",
    "Utilisateur",
    "Action",
    "Objet",
    "Avant → après",
    "Détails",
)
