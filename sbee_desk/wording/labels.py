"""The French names of codes: fields, roles, statuses (the GUI wraps them in ``tr()``)."""

from __future__ import annotations

from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.cancellation import CancelCode
from sbee_desk.domain.enums import CustomerCategory, Decision, ListKind, OrderKind
from sbee_desk.domain.permissions import Action, Role

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

DECISION_LABELS: dict[Decision, str] = {
    Decision.RELANCE: "À relancer",
    Decision.ATTENTE_RELANCE: "En attente de relance",
    Decision.RESILIATION: "À résilier",
    Decision.EXEMPTE: "Exempté (décision DG requise)",
}

ORDER_KIND_LABELS: dict[OrderKind, str] = {
    OrderKind.DEPOSE: "Ordre de dépose",
    OrderKind.CONTROLE_INDEX: "Ordre de contrôle d'index",
}

ROLE_LABELS: dict[Role, str] = {
    Role.CHEF_RECOUVREMENT: "Chef section recouvrement",
    Role.AGENT_CONTROLE: "Agent de contrôle d'efficacité des factures",
    Role.CHEF_RPNT: "Chef section RPNT",
    Role.MAGASINIER: "Magasinier",
    Role.DIRECTION: "Direction Générale",
    Role.CONTROLE: "Contrôle (DCC / DIG / DAI)",
    Role.ADMIN: "Administrateur",
}

ACTION_LABELS: dict[Action, str] = {
    Action.IMPORT: "importer l'export de la gestion clientèle",
    Action.SELECT: "lancer une sélection, exclure des lignes, valider un bordereau",
    Action.DEROGATION: "enregistrer une dérogation DG",
    Action.EDITION: "produire les listes, lancer l'édition, imprimer, remettre les documents",
    Action.LETTER_DELIVERY: "enregistrer la remise d'une lettre",
    Action.DISPATCH: "répartir les ordres entre les agents",
    Action.STORE_RETURN: "enregistrer un retour magasin",
    Action.CRI_ENTRY: "saisir un CRI",
    Action.CRI_COUNTERSIGN: "contresigner un CRI, déroger à R9, saisir une résiliation manuelle",
    Action.READ: "consulter, éditer les rapports, vérifier le journal d'audit",
    Action.ADMINISTER: "gérer les utilisateurs, rôles, personnel, plans et paramètres",
}

#: the cause in a few French words, for a summary (« annulés (paiement) »)
CANCEL_CAUSE_WORDS: dict[CancelCode, str] = {
    CancelCode.PAID: "paiement",
    CancelCode.RESTORED: "rétablissement",
    CancelCode.TERMINATED_IN_EXPORT: "résiliation dans la gestion clientèle",
}

#: French name of every action, as the journal and its export show it
AUDIT_ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.LOGIN: "Connexion",
    AuditAction.REFUSED: "Action refusée",
    AuditAction.USER_CREATE: "Utilisateur créé",
    AuditAction.USER_UPDATE: "Utilisateur modifié",
    AuditAction.USER_LOCK: "Compte verrouillé après des échecs de connexion",
    AuditAction.USER_UNLOCK: "Compte déverrouillé par l'administrateur",
    AuditAction.STAFF_SAVE: "Personnel enregistré",
    AuditAction.PLAN_UPDATE: "Plan de recouvrement modifié",
    AuditAction.BACKUP_SETTINGS: "Réglages des sauvegardes modifiés",
    AuditAction.BACKUP_RESTORE: "Base restaurée depuis une sauvegarde",
    AuditAction.IMPORT: "Import de l'export",
    AuditAction.IMPORT_UPDATE: "Import : fiche modifiée",
    AuditAction.IMPORT_R7_CANCEL: "Annulation R7 à l'import",
    AuditAction.SELECTION_RUN: "Traitement des relances",
    AuditAction.REVIEW_EXCLUDE: "Ligne exclue",
    AuditAction.REVIEW_RESTORE: "Ligne rétablie",
    AuditAction.REVIEW_VALIDATE: "Bordereau validé",
    AuditAction.DEROGATION_ADD: "Dérogation DG enregistrée",
    AuditAction.LISTS_ARCHIVE: "Listes produites et archivées",
    AuditAction.LISTS_COPY: "Copie d'une liste archivée",
    AuditAction.EDITION_START: "Édition de nuit lancée",
    AuditAction.EDITION_RESUME: "Édition de nuit reprise",
    AuditAction.EDITION_DOCUMENTS: "Lettres et ordres édités",
    AuditAction.EDITION_FINISH: "Édition de nuit terminée",
    AuditAction.REVIEW_R7_CANCEL: "Annulation R7 à la validation",
    AuditAction.EDITION_R7_CANCEL: "Annulation R7 avant édition ou impression",
    AuditAction.EDITION_PRINT: "Document imprimé",
    AuditAction.EDITION_REPRINT: "Document réimprimé",
    AuditAction.EDITION_HANDOVER: "Document remis",
    AuditAction.LETTER_DELIVER: "Lettre de relance remise",
    AuditAction.LETTER_IMPOSSIBLE: "Remise de lettre impossible",
    AuditAction.LETTER_RETRY: "Nouvelle présentation de lettre",
    AuditAction.LETTER_CORRECT: "Remise de lettre corrigée",
    AuditAction.DISPATCH_ASSIGN: "Ordre réparti à un agent",
    AuditAction.DISPATCH_REASSIGN: "Ordre déplacé vers un autre agent ou un autre jour",
    AuditAction.DISPATCH_UNASSIGN: "Ordre repris à son agent",
    AuditAction.DISPATCH_RECALL: "Agent rappelé (ordre annulé sur le terrain)",
    AuditAction.DISPATCH_CLOSE: "Ordre clos après les tentatives permises",
    AuditAction.DISPATCH_SHEETS: "Feuilles de route produites",
    AuditAction.SETTING_UPDATE: "Paramètres de l'agence modifiés",
    AuditAction.STORE_RETURN: "Matériel retourné au magasin",
    AuditAction.STORE_SHEET_PRINT: "Fiche de mouvement de stock produite",
    AuditAction.CRI_ENTER: "CRI saisi",
    AuditAction.CRI_COUNTERSIGN: "CRI contresigné par le chef",
    AuditAction.CONTRACT_TERMINATE: "Contrat résilié",
    AuditAction.GC_RETURN_EXPORT: "Fichier retour pour la gestion clientèle produit",
    AuditAction.HANDOFF_RUN: "Résiliations transmises à l'apurement et au contentieux",
    AuditAction.HANDOFF_CONTRACT: "Contrat transmis à l'apurement (et au contentieux s'il doit)",
    AuditAction.HANDOFF_REPRINT: "Transmission réimprimée (copie)",
    AuditAction.TERMINATION_R8: "Résiliation pour une autre cause saisie (R8)",
    AuditAction.DEMO_AGENCY: "Démonstration : agence",
    AuditAction.DEMO_LETTER: "Démonstration : lettre de relance",
    AuditAction.DEMO_DEROGATION: "Démonstration : dérogation DG",
    AuditAction.DEMO_HISTORY: "Démonstration : historique",
}

CATEGORY_LABELS: dict[CustomerCategory, str] = {
    CustomerCategory.ORDINAIRE: "Ordinaire",
    CustomerCategory.AGENT_SBEE: "Agent SBEE",
    CustomerCategory.VIP: "Sensible (VIP)",
    CustomerCategory.RETRAITE_SBEE: "Retraité SBEE",
    CustomerCategory.AGENT_CEB: "Agent CEB",
    CustomerCategory.MEMBRE_CA_SBEE: "Membre du CA SBEE",
    CustomerCategory.MEMBRE_HA_CEB: "Membre de la Haute Autorité CEB",
    CustomerCategory.ADMINISTRATION: "Administration",
    CustomerCategory.COLLECTIVITE_LOCALE: "Collectivité locale",
}

#: the staff register's functions (services.users.StaffRole: a StrEnum, so its members
#: look up these string keys)
STAFF_ROLE_LABELS: dict[str, str] = {
    "RELEVEUR": "Releveur",
    "AGENT_RECOUVREMENT": "Agent de recouvrement",
    "AGENT_RPNT": "Agent RPNT",
    "MAGASINIER": "Magasinier",
}

#: file stems / sheet names of import-format.md → what the user reads
IMPORT_TABLE_LABELS: dict[str, str] = {
    "clients": "Clients",
    "contrats": "Contrats",
    "bordereaux": "Bordereaux",
    "factures": "Factures",
    "reglements": "Règlements",
    "interruptions": "Interruptions",
}

#: one row of each import table, as a problem of the import names it
IMPORT_ROW_NOUNS: dict[str, str] = {
    "clients": "client",
    "contrats": "contrat",
    "bordereaux": "bordereau",
    "factures": "facture",
    "reglements": "règlement",
    "interruptions": "interruption",
}

#: the three binders, as the agency names them
LIST_KIND_LABELS: dict[ListKind, str] = {
    ListKind.A_RELANCER: "À relancer",
    ListKind.A_RESILIER: "À résilier",
    ListKind.CONTROLE: "Contrôle",
}

#: (singular, plural) of each decision inside a sentence: "143 à résilier, 17 exemptés"
DECISION_COUNT_WORDS: dict[str, tuple[str, str]] = {
    Decision.RESILIATION.value: ("à résilier", "à résilier"),
    Decision.RELANCE.value: ("à relancer", "à relancer"),
    Decision.ATTENTE_RELANCE.value: ("en attente de relance", "en attente de relance"),
    Decision.EXEMPTE.value: ("exempté", "exemptés"),
}

#: step 3: the letters' statuses (services.letters.LetterStatus: a StrEnum, so its
#: members key this table)
LETTER_STATUS_LABELS: dict[str, str] = {
    "A_EDITER": "À éditer",
    "A_REMETTRE": "À remettre",
    "REMISE": "Remise",
    "IMPOSSIBLE": "Remise impossible",
    "ANNULEE": "Annulée",
}
#: an order's status (domain.dispatch.OrderStatus), as the Répartition page shows it
ORDER_STATUS_LABELS: dict[str, str] = {
    "A_EDITER": "à éditer",
    "A_REPARTIR": "à répartir",
    "REPARTI": "réparti",
    "NON_EXECUTE": "non exécuté",
    "EXECUTE": "exécuté",
    "CONTRESIGNE": "contresigné",
    "ANNULE": "annulé",
}
#: why the proposal left an order « non répartie » (domain.dispatch.Unplaced)
UNPLACED_LABELS: dict[str, str] = {
    "NO_ZONE": "contrat sans zone et aucun agent couvrant toute l'agence",
    "NO_AGENT_FOR_ZONE": "aucun agent pour la zone {zone}",
    "CAPACITY_REACHED": "capacité atteinte pour la zone {zone}",
    "ATTEMPTS_EXHAUSTED": "visites échouées autant que permis : au chef de décider",
}
#: the agency's dispatch settings (services.dispatch.model, keys of agency_setting)
SETTING_LABELS: dict[str, str] = {
    "dispatch.daily_capacity": "capacité journalière d'un agent (visites)",
    "dispatch.max_attempts": "tentatives avant décision du chef",
    # step 5: retour magasin (#15)
    "store.sheet_numbering": "numérotation des fiches de mouvement de stock",
    "store.return_delay_days": "délai avant « matériel non retourné » (jours)",
}
#: step 5: a received serial's field, in a sentence
STORE_FIELD_LABELS: dict[str, str] = {
    "meter": "n° de compteur",
    "breaker": "n° de disjoncteur",
    "note": "explication de l'écart",
    "sheet": "n° de fiche de mouvement de stock",
}

# ------------------------------------------------ step 6: the CRI and its countersign (#15)
#: the paper CRI's tick boxes (domain.cri.RemarkCode: a StrEnum, so its members key this)
REMARK_LABELS: dict[str, str] = {
    "PANNEAU_POURRI": "panneau pourri",
    "PDL_DEJA_RESILIE": "PdL déjà résilié",
    "COMPTEUR_INACCESSIBLE": "compteur inaccessible",
    "REFUS_ACCES": "refus d'accès",
    "CLIENT_A_PAYE": "client a payé",
    "AUTRE": "autre",
}
#: the CRI form's fields, as a refusal names them (services.cri.CriError.field)
CRI_FIELD_LABELS: dict[str, str] = {
    "number": "n° d'ordre",
    "visit_on": "date de la visite",
    "visit_time": "heure de la visite",
    "done": "intervention effectuée",
    "agent": "agent",
    "index": "index relevé",
    "meter_serial": "n° de compteur trouvé",
    "mismatch_note": "explication de l'écart de compteur",
    "meter_removed": "compteur déposé",
    "breaker_removed": "disjoncteur déposé",
    "remarks": "remarques",
    "note": "note",
    "override_window": "motif de dérogation à l'horaire (R9)",
    "override_store": "motif sans retour magasin",
}
#: a CRI's flags for the chef (services.cri.PendingCri)
CRI_FLAG_LABELS: dict[str, str] = {
    "outside_window": "hors horaire 08h00–14h30 (R9)",
    "serial_mismatch": "compteur différent du contrat",
    "no_store_return": "pas encore de retour magasin",
}
#: a contract's status (services.contract_card)
CONTRACT_STATUS_LABELS: dict[str, str] = {
    "ACTIF": "actif",
    "SUSPENDU": "suspendu",
    "RESILIE": "résilié",
}
#: the cause of a termination (contract_termination.cause)
TERMINATION_CAUSE_LABELS: dict[str, str] = {
    "IMPAYES": "impayés (résiliation d'office)",
    "FRAUDE": "fraude",
    "CONDITIONS": "non-respect des conditions d'abonnement",
    "AUTRE": "autre cause",
}
