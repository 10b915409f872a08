"""The French message of every service error code.

A message is a ``str.format`` template over the error's data, or a function of the
data when the sentence needs more than substitution (a list joined, a plural).
Each code is raised somewhere in the services; each code raised has a message
(tests/unit/test_error_wording.py checks both).
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping
from typing import Any

from sbee_desk.wording.formats import agree, plural
from sbee_desk.wording.labels import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    CRI_FIELD_LABELS,
    EMPTY_LIST_LABELS,
    IMPORT_ROW_NOUNS,
    ORDER_STATUS_LABELS,
    PLAN_FIELD_LABELS,
    RECIPIENT_LABELS,
    REMARK_LABELS,
    SETTING_LABELS,
    STAFF_ROLE_LABELS,
    STORE_FIELD_LABELS,
)

Template = str | Callable[[Mapping[str, Any]], str]


def _known(data: Mapping[str, Any]) -> str:
    return ", ".join(data["known"])


def os_reason(exc: OSError) -> str:
    """Why the system refused a file or a folder, in a few French words."""
    if isinstance(exc, PermissionError):
        return "accès refusé"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return "ce chemin n'est pas un dossier"
    if exc.errno == errno.ENOSPC:
        return "disque plein"
    if exc.errno == errno.EROFS:
        return "support en lecture seule"
    if isinstance(exc, IsADirectoryError):
        return "c'est un dossier"
    if isinstance(exc, FileNotFoundError):
        return "introuvable"
    if exc.errno == errno.EIO:
        return "erreur de lecture du support (disque ou clé USB endommagé ?)"
    if exc.errno == errno.ENAMETOOLONG:
        return "nom trop long"
    return exc.strerror or str(exc)


_LETTER_FIELDS = {"to": "« Remise à »", "reason": "Le motif", "note": "La note"}


def _size(count: int) -> str:
    """A size in bytes, as a person reads it: « 64 Mo »."""
    for unit, scale in (("Go", 1 << 30), ("Mo", 1 << 20), ("Ko", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}".replace(".", ",")
    return f"{count} octets"


def _empty_list_label(data: Mapping[str, Any]) -> str:
    return EMPTY_LIST_LABELS[data["kind"]]


#: a file of the classeur by its register (services.classeur.ArchiveSource's values)
_ARCHIVED_FILES = {
    "APUREMENT": "liste pour l'apurement",
    "CONTENTIEUX": "liste pour le contentieux",
    "RETOUR_GC": "fichier retour pour la gestion clientèle",
}


def _archived_file(data: Mapping[str, Any]) -> str:
    return _ARCHIVED_FILES.get(str(data["source"]), "fichier archivé")


def _numbers(numbers: list[str], most: int | None = None) -> str:
    """``00000012, 00000013`` (at most ``most`` of them, then « … »)."""
    shown = numbers if most is None else numbers[:most]
    more = "…" if most is not None and len(numbers) > most else ""
    return f"{', '.join(shown)}{more}"


def _this_or_these(numbers: list[str]) -> str:
    return agree(len(numbers), "ce numéro", "ces numéros")


def _demo_on_real_data(data: Mapping[str, Any]) -> str:
    """The demo refused: what real data the database holds (issue #12)."""
    found = []
    agencies = list(data["agencies"])
    if agencies:
        more = data["more_agencies"]
        others = f" et {plural(more, 'autre', 'autres')}" if more else ""
        noun = "agence" if len(agencies) + more == 1 else "agences"
        found.append(f"{noun} {', '.join(agencies)}{others}")
    if data["contracts"]:
        found.append(f"{plural(data['contracts'], 'contrat', 'contrats')} hors démonstration")
    if data["customers"]:
        found.append(f"{plural(data['customers'], 'client', 'clients')} sans contrat")
    return (
        "Démonstration refusée : cette base contient des données réelles "
        f"({' ; '.join(found)}), et la démonstration ne se charge que dans une base vide "
        "ou ne contenant que l'agence de démonstration. Rien n'a été écrit. Chargez-la "
        "dans une base de données à part (option --db)."
    )


def _printed(count: int) -> str:
    return agree(count, "imprimé", "imprimés")


_NO_DOCUMENT_OF_KIND = {
    None: "aucune lettre ni aucun ordre édité",
    "LETTER": "aucune lettre éditée",
    "ORDER": "aucun ordre édité",
}
#: a reference to a row of an import table (by its name) that exists nowhere
_UNKNOWN_ROW = {
    "clients": "client « {value} » inconnu",
    "contrats": "contrat « {value} » inconnu",
    "bordereaux": "bordereau « {value} » inconnu",
    "factures": "facture « {value} » inconnue",
}
#: (import table, later date column) → a date before the earlier one
_DATES_OUT_OF_ORDER = {
    ("interruptions", "date_retablissement"): (
        "rétablissement le {after}, avant l'interruption du {before}"
    ),
}
#: the step refused on cancelled documents (services.print_queue._refuse_cancelled)
_STEP = {"print": "Impression", "handover": "Remise"}


def _field(data: Mapping[str, Any]) -> str:
    return PLAN_FIELD_LABELS[data["field"]]


def _below_procedure(d: Mapping[str, Any]) -> str:
    """The refusal of a plan change below the procedure: the plan, the field, the minimum."""
    label = CATEGORY_LABELS[d["category"]]
    plan = f"Plan « {label} » ({d['category'].value}) : {_field(d)}"
    if d["minimum"] is not None:
        why = (
            f"ne peut pas être inférieur à {d['minimum']}, la valeur de la procédure "
            f"({d['rule']}) ; valeur demandée : {d['value']}."
        )
    elif d["field"] == "exempt":
        why = (
            "doit rester « oui » (R4) : seule une dérogation de la Direction Générale, "
            "enregistrée pour un contrat, permet de le résilier."
        )
    elif d["field"] == "reminder_first_mt":
        why = "doit rester « oui » (R5) : tout client MT reçoit d'abord une lettre de relance."
    else:
        why = (
            f"doit rester « oui » (R5) : la catégorie {label} reçoit d'abord une lettre de relance."
        )
    return f"{plan} {why} Rien n'a été modifié."


MESSAGES: dict[str, Template] = {
    # ------------------------------------------------------------- accounts, sign-in
    "UNKNOWN_ROLE": lambda d: f"Rôle « {d['name']} » inconnu ; rôles : {_known(d)}.",
    "NO_ROLE": "Un utilisateur doit avoir au moins un rôle.",
    "PASSWORD_TOO_SHORT": "Mot de passe trop court : au moins {minimum} caractères.",
    "INVALID_LOGIN": "Identifiant « {login} » invalide : un mot, 64 caractères au plus.",
    "FULL_NAME_REQUIRED": "Le nom complet est obligatoire.",
    "FIRST_USER_NOT_ADMIN": "Le premier utilisateur doit être l'administrateur (rôle ADMIN).",
    "CREATOR_REQUIRED": "Indiquez l'utilisateur qui crée le compte (--user).",
    "LOGIN_TAKEN": "L'identifiant « {login} » existe déjà.",
    "UNKNOWN_USER": "Utilisateur « {login} » inconnu.",
    "LAST_ADMIN": "Il doit rester au moins un administrateur actif.",
    "MATRICULE_REQUIRED": "Le matricule est obligatoire.",
    "STAFF_NAME_REQUIRED": "Le nom est obligatoire.",
    "UNKNOWN_STAFF_ROLE": lambda d: f"Fonction « {d['role']} » inconnue ; fonctions : {_known(d)}.",
    "BAD_CREDENTIALS": "Identifiant ou mot de passe incorrect.",
    "ACCOUNT_LOCKED": (
        "Compte verrouillé après {failures} échecs : réessayez après "
        "{until:%Hh%M} ou adressez-vous à l'administrateur."
    ),
    "ACCOUNT_DISABLED": "Compte désactivé : adressez-vous à l'administrateur.",
    # -------------------------------------------- passwords and lockouts (#12)
    "PASSWORD_BLANK": (
        "Mot de passe vide ou fait seulement d'espaces : choisissez-en un d'au moins "
        "{minimum} caractères."
    ),
    "NOT_LOCKED": "Le compte « {login} » n'est pas verrouillé : rien à déverrouiller.",
    # ------------------------------------------------------------------------ plans
    "UNKNOWN_PLAN_FIELD": lambda d: (
        f"Paramètre « {d['name']} » inconnu ; paramètres possibles : {_known(d)}."
    ),
    "PLAN_VALUE_NOT_YES_NO": lambda d: f"{_field(d)} : « {d['raw']} » n'est pas oui ou non.",
    "PLAN_VALUE_NOT_INTEGER": lambda d: f"{_field(d)} : « {d['raw']} » n'est pas un nombre entier.",
    "PLAN_VALUE_TOO_SMALL": lambda d: (
        f"{_field(d)} : {d['value']} est trop petit (minimum {d['minimum']})."
    ),
    "UNKNOWN_CATEGORY": lambda d: (
        f"Catégorie « {d['category']} » inconnue ; catégories : {_known(d)}."
    ),
    "UNKNOWN_PLAN_PARAMETER": "Paramètre « {name} » inconnu.",
    "PLAN_BELOW_PROCEDURE": _below_procedure,
    # -------------------------------------------------------------------- selection
    "FUTURE_RUN_DATE": (
        "Date de traitement {run_on:%d/%m/%Y} postérieure à aujourd'hui : "
        "la sélection se fait à une date passée ou du jour."
    ),
    "UNKNOWN_AGENCY": lambda d: (
        f"Agence « {d['agency']} » inconnue (agences connues : {_known(d) or 'aucune'})."
    ),
    "RUN_NOT_FOUND": "Traitement n° {run_id} introuvable.",
    # ----------------------------------------------------------------------- review
    "RUN_TOO_OLD": (
        "Ce traitement date du {run_on:%d/%m/%Y} (plus de {max_age_days} jours) : "
        "relancez le traitement à la date du jour avant de valider."
    ),
    "EXCLUSION_REASON_REQUIRED": "Motif d'exclusion obligatoire : choisissez un motif de la liste.",
    "OTHER_REASON_NOTE_REQUIRED": "Motif « Autre » : précisez le motif en texte libre.",
    "POLICES_NOT_IN_RUN": lambda d: (
        f"{plural(len(d['polices']), 'police absente', 'polices absentes')} du traitement "
        f"n° {d['run_id']} : {', '.join(d['polices'])}."
    ),
    "BORDEREAU_VALIDATED": (
        "Le bordereau {bordereau} a été validé par {by} le {at:%d/%m/%Y} : sa revue est figée."
    ),
    "DEROGATION_REFERENCE_REQUIRED": "Dérogation : la référence de la décision DG est obligatoire.",
    "DEROGATION_IN_FUTURE": (
        "Dérogation : date de décision {decided_on:%d/%m/%Y} postérieure à aujourd'hui."
    ),
    "DEROGATION_ENDS_BEFORE_DECISION": (
        "Dérogation : fin de validité {valid_until:%d/%m/%Y} antérieure à la décision "
        "du {decided_on:%d/%m/%Y}."
    ),
    "DEROGATION_UNKNOWN_POLICE": "Dérogation : police « {police} » inconnue.",
    "BORDEREAU_NOT_IN_RUN": (
        "Le bordereau {bordereau} n'a aucune ligne dans le traitement n° {run_id}."
    ),
    "POLICE_IN_OTHER_BORDEREAU": (
        "Police {police} : elle appartient au bordereau {bordereau}, pas à {asked}."
    ),
    "EXCLUSION_WITHOUT_REASON": "Police {police} : exclusion sans motif.",
    "OWN_DEROGATION": (
        "Séparation des tâches : vous avez enregistré la dérogation de la police "
        "{police} ; un autre chef doit valider ce bordereau."
    ),
    "LINES_ALREADY_VALIDATED": lambda d: (
        f"{plural(len(d['polices']), 'ligne', 'lignes')} de ce bordereau "
        f"{agree(len(d['polices']), 'a', 'ont')} déjà leur lettre ou leur ordre, "
        + (
            f"validés dans le traitement n° {', '.join(map(str, d['runs']))} "
            if d["runs"]
            else "saisis pour une autre cause (R8) "
        )
        + f"(polices {', '.join(d['polices'][:5])}{'…' if len(d['polices']) > 5 else ''}) : "
        "rien n'a été enregistré. Relancez le traitement pour une liste à jour."
    ),
    "VALIDATION_RACE": (
        "Le bordereau {bordereau} vient d'être validé depuis un autre poste, ou "
        "des lettres / ordres existent déjà pour ces suspensions : rien n'a été "
        "enregistré. Rafraîchissez la page."
    ),
    # ------------------------------------------------------------------------ lists
    "BORDEREAU_NOT_VALIDATED": (
        "Le bordereau {bordereau} du traitement n° {run_id} n'est pas validé : "
        "ses listes ne peuvent pas être produites. Terminez sa revue et validez-le d'abord."
    ),
    "LIST_TEMPLATE_UNUSABLE": "{reason}",
    "LIST_TARGET_IS_FOLDER": (
        "« {target} » est un dossier : il ne peut pas être remplacé par la "
        "liste. Renommez-le ou choisissez un autre dossier ; rien n'a été "
        "enregistré."
    ),
    "LIST_FOLDER_NOT_WRITABLE": lambda d: (
        f"Impossible d'écrire dans le dossier « {d['folder']} » ({os_reason(d['error'])}). "
        "Choisissez un dossier où vous pouvez écrire ; rien n'a été enregistré."
    ),
    "LIST_FILE_LOCKED": lambda d: (
        f"Le fichier « {d['target']} » ne peut pas être remplacé ({os_reason(d['error'])}) : "
        "il est sans doute ouvert dans un autre programme (Excel, lecteur PDF) ou protégé. "
        "Fermez-le puis recommencez ; rien n'a été enregistré."
    ),
    "UNKNOWN_LIST_KIND": lambda d: f"Type de liste « {d['kind']} » inconnu (types : {_known(d)}).",
    "LIST_HAS_NO_FILE": lambda d: (
        f"Classeur, n° {d['entry_id']} — {_empty_list_label(d)} : aucun fichier "
        "n'a été produit pour cette liste (elle n'avait aucune ligne)."
    ),
    "LIST_NOT_FOUND": "Classeur : liste n° {entry_id} introuvable.",
    "ARCHIVED_FILE_NOT_FOUND": lambda d: (
        f"Classeur : {_archived_file(d)} (fichier n° {d['entry_id']}) introuvable."
    ),
    "ARCHIVED_FILE_TAMPERED": lambda d: (
        f"Classeur : le fichier {d['file_name']} ({_archived_file(d)}) ne correspond plus à "
        "son empreinte SHA-256 enregistrée : l'archive a été altérée. Prévenez la DIG / DAI."
    ),
    "UNKNOWN_ARCHIVE_SOURCE": lambda d: (
        f"Registre du classeur « {d['source']} » inconnu (registres : {_known(d)})."
    ),
    "LIST_TAMPERED": (
        "Classeur : la liste n° {entry_id} ({file_name}) ne correspond plus à son "
        "empreinte SHA-256 enregistrée : l'archive a été altérée. Prévenez la DIG / DAI."
    ),
    "COPY_UNREADABLE": lambda d: f"Copie « {d['path']} » illisible ({os_reason(d['error'])}).",
    # ---------------------------------------------------------- edition, print queue
    "EDITION_TEMPLATE_UNUSABLE": "{reason} Aucun document n'a été produit.",
    "FUTURE_EDITION_DATE": (
        "Date d'édition {on:%d/%m/%Y} postérieure à aujourd'hui : l'édition se fait à la "
        "date du jour ou à une date passée."
    ),
    "EDITION_FOLDER_NOT_WRITABLE": lambda d: (
        f"Impossible d'écrire dans le dossier « {d['folder']} » ({os_reason(d['error'])}). "
        "Choisissez un dossier où vous pouvez écrire ; aucun document n'a été produit."
    ),
    "COPY_NOT_WRITTEN": lambda d: (
        f"Copie « {d['target']} » impossible ({os_reason(d['error'])}) : le document est "
        "enregistré dans la base ; relancez l'édition avec --out pour écrire les copies "
        "manquantes."
    ),
    "DOCUMENT_NOT_FOUND": "Document n° {document_id} introuvable.",
    "STORE_REPRINT_UNAVAILABLE": (
        "Document n° {document_id} : les valeurs de l'ordre n'ont pas été gardées à "
        "l'édition ; il ne peut pas être réimprimé avec la mention du retour au magasin "
        "(imprimez l'ordre d'origine)."
    ),
    "PRESENTATION_UNAVAILABLE": (
        "Document n° {document_id} : les valeurs de la lettre n'ont pas été gardées à "
        "l'édition ; la « 2e présentation » ne peut pas être imprimée (imprimez la "
        "lettre d'origine)."
    ),
    "NO_COMBINED_FILE": lambda d: (
        f"Édition n° {d['batch_id']} : pas de fichier regroupé pour le "
        f"{RECIPIENT_LABELS[d['recipient']]}."
    ),
    "BAD_DOCUMENT_NUMBER": (
        "N° « {raw} » : un numéro de lettre ou d'ordre s'écrit avec 8 chiffres au plus "
        "(par exemple 00000012)."
    ),
    "NO_DOCUMENT_NUMBER": "Aucun numéro de document indiqué.",
    "UNKNOWN_DOCUMENT_NUMBER": lambda d: (
        f"N° {_numbers(d['numbers'])} : {_NO_DOCUMENT_OF_KIND[d['kind']]} sous "
        f"{_this_or_these(d['numbers'])}. Rien n'a été enregistré."
    ),
    "AMBIGUOUS_NUMBER": lambda d: (
        f"N° {_numbers(d['numbers'])} : une lettre et un ordre portent "
        f"{_this_or_these(d['numbers'])} ; précisez s'il s'agit de la lettre ou de l'ordre. "
        "Rien n'a été enregistré."
    ),
    "NO_DOCUMENT_CHOSEN": "Aucun document choisi.",
    "DOCUMENTS_NOT_FOUND": lambda d: (
        f"{plural(len(d['ids']), 'document introuvable', 'documents introuvables')} : "
        f"{', '.join(map(str, d['ids']))}."
    ),
    "DOCUMENTS_CANCELLED": lambda d: (
        f"{_STEP[d['step']]} refusé : "
        f"{plural(len(d['numbers']), 'document annulé', 'documents annulés')} depuis "
        f"l'édition (R7, paiement ou rétablissement) : n° {_numbers(d['numbers'])}. "
        "Rien n'a été enregistré."
    ),
    "REPRINT_REASON_REQUIRED": lambda d: (
        f"Réimpression de {plural(len(d['numbers']), 'document', 'documents')} déjà "
        f"{_printed(len(d['numbers']))} (n° {_numbers(d['numbers'], 5)}) : "
        "indiquez le motif de la réimpression. Rien n'a été enregistré."
    ),
    "DOCUMENTS_CHANGED_ELSEWHERE": (
        "Ces documents viennent d'être modifiés depuis un autre poste : rafraîchissez la "
        "file d'impression. Rien n'a été enregistré."
    ),
    "STAFF_NOT_FOUND": "Personnel n° {staff_id} introuvable ou inactif.",
    "HANDOVER_NOT_PRINTED": lambda d: (
        f"Remise refusée : {plural(len(d['numbers']), 'document', 'documents')} pas encore "
        f"{_printed(len(d['numbers']))} : n° {_numbers(d['numbers'], 5)}."
    ),
    "HANDOVER_WRONG_STAFF": lambda d: (
        f"Remise refusée : {d['name']} ({d['role']}) ne reçoit pas les documents du "
        f"{' et '.join(RECIPIENT_LABELS[r] for r in d['recipients'])} "
        "(lettres : un releveur ; ordres : la section RPNT)."
    ),
    # ------------------------------------------------- step 3: the letters' delivery
    "LETTER_BAD_NUMBER": (
        "N° de lettre « {raw} » illisible : tapez ou scannez les 8 chiffres imprimés sur "
        "la lettre (par exemple 00000012)."
    ),
    "LETTER_NO_NUMBER": "Aucun numéro de lettre indiqué.",
    "LETTER_NUMBER_TWICE": lambda d: (
        f"Lettre n° {_numbers(d['numbers'])} indiquée deux fois : rien n'a été enregistré."
    ),
    "LETTER_UNKNOWN": lambda d: (
        f"Lettre n° {_numbers(d['numbers'], 10)} inconnue : aucune lettre de relance ne "
        f"porte {_this_or_these(d['numbers'])}. Vérifiez le numéro du coupon."
    ),
    "LETTER_OTHER_AGENCY": (
        "Lettre n° {number} : elle appartient à l'agence {agency}, pas à l'agence "
        "{expected}. Rien n'a été enregistré."
    ),
    "LETTER_CANCELLED": lambda d: (
        f"Lettre n° {d['number']} annulée le {d['on']:%d/%m/%Y}"
        + (f" ({d['reason']})" if d.get("reason") else "")
        + " : sa remise ne s'enregistre pas."
    ),
    "LETTER_ALREADY_DELIVERED": (
        "Lettre n° {number} déjà remise le {on:%d/%m/%Y} (coupon scanné deux fois ?). "
        "Seul le chef section peut corriger une remise."
    ),
    "LETTER_ALREADY_IMPOSSIBLE": (
        "Lettre n° {number} : remise déjà enregistrée impossible le {on:%d/%m/%Y}. "
        "Seul le chef section peut corriger une remise."
    ),
    "LETTER_NOT_EDITED": (
        "Lettre n° {number} pas encore éditée : elle ne peut pas avoir été remise. "
        "Lancez l'édition de nuit."
    ),
    "LETTER_NOT_DELIVERED": "Lettre n° {number} : aucune remise enregistrée à corriger.",
    "LETTER_DATE_FUTURE": (
        "Lettre n° {number} : date de remise {on:%d/%m/%Y} postérieure à aujourd'hui "
        "({today:%d/%m/%Y})."
    ),
    "LETTER_DATE_BEFORE_EDITION": (
        "Lettre n° {number} : date de remise {on:%d/%m/%Y} antérieure à son édition "
        "du {edited_on:%d/%m/%Y}."
    ),
    "LETTER_REASON_REQUIRED": (
        "Lettre n° {number} : indiquez pourquoi la remise est impossible (adresse "
        "introuvable même au dossier client, refus…)."
    ),
    "LETTER_CORRECTION_REASON_REQUIRED": (
        "Lettre n° {number} : indiquez le motif de la correction."
    ),
    "LETTER_CORRECTION_CHEF_ONLY": (
        "Correction refusée : seul le chef section recouvrement corrige une remise "
        "enregistrée (« {login} » n'a pas ce rôle)."
    ),
    "LETTER_UNKNOWN_RELEVEUR": (
        "Releveur « {matricule} » inconnu : aucun releveur actif ne porte ce matricule "
        "dans le registre du personnel."
    ),
    "LETTER_TEXT_TOO_LONG": lambda d: (
        f"{_LETTER_FIELDS.get(d['field'], d['field'])} trop long ({d['limit']} caractères au plus)."
    ),
    "LETTER_CHANGED_ELSEWHERE": (
        "Cette lettre vient d'être modifiée sur un autre poste : rien n'a été enregistré. "
        "Rouvrez-la et recommencez."
    ),
    # -------------------------------------------------------------------- dispatch
    "VISIT_DATE_PAST": (
        "Date de visite {on:%d/%m/%Y} passée (nous sommes le {today:%d/%m/%Y}) : les ordres "
        "se répartissent pour aujourd'hui ou un jour à venir. Rien n'a été enregistré."
    ),
    "NO_ORDER_CHOSEN": "Aucun ordre indiqué.",
    "UNKNOWN_ORDER_NUMBER": lambda d: (
        f"N° {_numbers(d['numbers'])} : aucun ordre sous {_this_or_these(d['numbers'])}. "
        "Rien n'a été enregistré."
    ),
    "UNKNOWN_MATRICULE": (
        "Matricule « {matricule} » inconnu du registre du personnel. Rien n'a été enregistré."
    ),
    "NOT_A_FIELD_AGENT": lambda d: (
        f"{d['name']} ({d['matricule']}) est "
        f"{str(STAFF_ROLE_LABELS.get(d['role'], d['role'])).lower()} : les ordres se répartissent "
        "entre les agents de recouvrement. Rien n'a été enregistré."
    ),
    "AGENT_INACTIVE": (
        "{name} ({matricule}) est inactif dans le registre du personnel : il ne peut pas "
        "recevoir d'ordres. Rien n'a été enregistré."
    ),
    "AGENT_OUTSIDE_ZONE": lambda d: (
        f"{d['name']} ({d['matricule']}) ne couvre pas "
        f"{agree(len(d['zones']), 'la zone', 'les zones')} {', '.join(d['zones'])} "
        f"(ses zones : {', '.join(d['agent_zones'])}) : confirmez en nommant "
        f"{agree(len(d['zones']), 'la zone', 'les zones')} pour lui confier ces ordres quand "
        "même. Rien n'a été enregistré."
    ),
    "ORDER_NOT_DISPATCHABLE": lambda d: (
        f"{plural(len(d['orders']), 'ordre', 'ordres')} ne "
        f"{agree(len(d['orders']), 'peut', 'peuvent')} pas être "
        f"{agree(len(d['orders']), 'réparti', 'répartis')} : "
        + ", ".join(f"n° {n} ({ORDER_STATUS_LABELS[s]})" for n, s in d["orders"][:10])
        + ("…" if len(d["orders"]) > 10 else "")
        + ". Rien n'a été enregistré."
    ),
    "ORDER_CHANGED_ELSEWHERE": lambda d: (
        f"Ordre n° {_numbers(d['numbers'], 5)} : "
        f"{agree(len(d['numbers']), 'il vient', 'ils viennent')} d'être "
        f"{agree(len(d['numbers']), 'réparti ou modifié', 'répartis ou modifiés')} depuis un "
        "autre poste. Rien n'a été enregistré : rafraîchissez la répartition."
    ),
    "ORDER_NOT_ASSIGNED": lambda d: (
        f"Ordre n° {_numbers(d['numbers'], 5)} : "
        f"{agree(len(d['numbers']), 'il n’est', 'ils ne sont')} pas "
        f"{agree(len(d['numbers']), 'réparti', 'répartis')}. Rien n'a été enregistré."
    ),
    "NO_RECALL_PENDING": lambda d: (
        f"Ordre n° {_numbers(d['numbers'], 5)} : aucun rappel d'agent en attente. "
        "Rien n'a été enregistré."
    ),
    "SHEET_NOT_WRITTEN": lambda d: (
        f"Feuilles de route : impossible d'écrire dans le dossier « {d['folder']} » "
        f"({os_reason(d['error'])}). Choisissez un dossier où vous pouvez écrire, puis "
        "recommencez (les feuilles suivantes seront des copies)."
    ),
    "CLOSE_REASON_REQUIRED": "Clôture d'un ordre : le motif est obligatoire.",
    "ORDER_NOT_CLOSABLE": lambda d: (
        "Clôture refusée : seul un ordre non exécuté après "
        f"{plural(d['limit'], 'tentative', 'tentatives')} peut être clos ; "
        + ", ".join(f"n° {n} ({plural(a, 'tentative', 'tentatives')})" for n, a in d["orders"][:10])
        + ". Rien n'a été enregistré."
    ),
    "SETTING_TOO_SMALL": lambda d: (
        f"{SETTING_LABELS[d['key']].capitalize()} : {d['value']} est trop petit "
        f"(minimum {d['minimum']}). Rien n'a été modifié."
    ),
    # ------------------------------------------------------- step 5: retour magasin
    "STORE_BAD_NUMBER": (
        "N° d'ordre « {raw} » illisible : scannez le code-barres de l'ordre ou tapez les "
        "8 chiffres imprimés dessus (par exemple 00000012)."
    ),
    "STORE_UNKNOWN_ORDER": (
        "Ordre n° {number} inconnu : aucun ordre ne porte ce numéro. Vérifiez le numéro "
        "imprimé sur l'ordre. Rien n'a été enregistré."
    ),
    "STORE_INDEX_CHECK_ORDER": (
        "Ordre n° {number} (police {police}) : c'est un ordre de contrôle d'index (MT), "
        "aucun compteur n'est déposé, donc aucun retour magasin. Rien n'a été enregistré."
    ),
    "STORE_ORDER_CANCELLED": lambda d: (
        f"Ordre n° {d['number']} annulé"
        + (f" le {d['on']:%d/%m/%Y}" if d.get("on") else "")
        + (f" ({d['reason']})" if d.get("reason") else "")
        + " : son retour magasin ne s'enregistre pas. Rien n'a été enregistré."
    ),
    "STORE_ORDER_NOT_DISPATCHED": lambda d: (
        f"Ordre n° {d['number']} {ORDER_STATUS_LABELS[d['status']]} : il n'a été confié à "
        "aucun agent, aucun compteur n'a pu être déposé. Rien n'a été enregistré."
    ),
    "STORE_ORDER_NOT_EXECUTED": (
        "Ordre n° {number} : son CRI dit « non exécuté », aucun compteur n'a été déposé. "
        "Rien n'a été enregistré."
    ),
    "STORE_ALREADY_RETURNED": (
        "Ordre n° {number} : retour magasin déjà enregistré le {on:%d/%m/%Y} sur la fiche "
        "{sheet} (scanné deux fois ?). Rien n'a été enregistré."
    ),
    "STORE_RECORDED_ELSEWHERE": (
        "Ordre n° {number} : son retour magasin vient d'être enregistré sur un autre poste. "
        "Rien n'a été enregistré ici."
    ),
    "STORE_DATE_FUTURE": (
        "Ordre n° {number} : date de retour {on:%d/%m/%Y} postérieure à aujourd'hui "
        "({today:%d/%m/%Y}). Rien n'a été enregistré."
    ),
    "STORE_DATE_BEFORE_VISIT": (
        "Ordre n° {number} : date de retour {on:%d/%m/%Y} antérieure à la visite du "
        "{visit:%d/%m/%Y}. Rien n'a été enregistré."
    ),
    "STORE_METER_REQUIRED": (
        "Ordre n° {number} : le contrat n'a pas de n° de compteur ; saisissez celui du "
        "compteur reçu. Rien n'a été enregistré."
    ),
    "STORE_MISMATCH_NOTE_REQUIRED": lambda d: (
        f"Ordre n° {d['number']} : "
        + " et ".join(
            f"{STORE_FIELD_LABELS[f]} reçu « {d[f]} » différent de celui du contrat "
            f"« {d['expected_' + f] or '—'} »"
            for f in d["fields"]
        )
        + ". Expliquez l'écart (il figurera au rapport de contrôle). Rien n'a été enregistré."
    ),
    "STORE_UNKNOWN_KEEPER": (
        "Ordre n° {number} : magasinier « {matricule} » inconnu ; aucun magasinier actif ne "
        "porte ce matricule dans le registre du personnel. Rien n'a été enregistré."
    ),
    "STORE_SHEET_REQUIRED": (
        "Ordre n° {number} : indiquez le n° de la fiche de mouvement de stock du registre "
        "du magasin (l'agence numérote ses fiches à la main). Rien n'a été enregistré."
    ),
    "STORE_UNKNOWN_SHEET": (
        "Ordre n° {number} : fiche de mouvement de stock « {sheet} » inconnue ; sbee-desk "
        "n'a pas donné ce numéro. Indiquez une fiche existante ou AUTO pour une nouvelle "
        "fiche. Rien n'a été enregistré."
    ),
    "STORE_SHEET_OTHER_AGENCY": (
        "Ordre n° {number} : la fiche {sheet} est celle de l'agence {agency}, pas de "
        "l'agence {expected}. Rien n'a été enregistré."
    ),
    "STORE_TEXT_TOO_LONG": lambda d: (
        f"Ordre n° {d['number']} : {STORE_FIELD_LABELS[d['field']]} trop long "
        f"({d['limit']} caractères au plus). Rien n'a été enregistré."
    ),
    "STORE_SHEET_NOT_FOUND": "Fiche de mouvement de stock « {sheet} » inconnue.",
    "STORE_DELAY_NEGATIVE": (
        "Délai avant « matériel non retourné » : {value} est négatif. Rien n'a été modifié."
    ),
    # ------------------------------------------- the return file for the gestion clientèle (#16)
    "GC_RETURN_BAD_FORMAT": lambda d: (
        f"Format « {d['value']} » inconnu pour le fichier retour : "
        f"{' ou '.join(d['known'])}. Rien n'a été écrit."
    ),
    "GC_RETURN_FOLDER_NOT_WRITABLE": lambda d: (
        f"Fichier retour pour la gestion clientèle : impossible d'écrire dans le dossier "
        f"« {d['folder']} » ({os_reason(d['error'])}). Choisissez un dossier où vous pouvez "
        "écrire ; rien n'a été écrit ni enregistré."
    ),
    "GC_RETURN_FILE_LOCKED": lambda d: (
        f"Fichier retour : « {d['target']} » ne peut pas être remplacé "
        f"({os_reason(d['error'])}) ; il est sans doute ouvert dans un autre programme. "
        "Fermez-le puis recommencez ; rien n'a été enregistré."
    ),
    "GC_RETURN_TARGET_IS_FOLDER": (
        "Fichier retour : « {target} » est un dossier, il ne peut pas être remplacé par le "
        "fichier. Choisissez un autre dossier ; rien n'a été enregistré."
    ),
    "GC_RETURN_CHANGED_ELSEWHERE": (
        "Fichier retour : un autre poste vient d'exporter une partie de ces lignes. "
        "Recommencez : seules les lignes encore nouvelles partiront. Rien n'a été enregistré."
    ),
    # ------------------------------------------- step 6: the CRI and its countersign (#15)
    "CRI_BAD_NUMBER": (
        "N° d'ordre « {raw} » illisible : tapez ou scannez les 8 chiffres imprimés sur l'ordre."
    ),
    "CRI_UNKNOWN_ORDER": "Ordre n° {number} : aucun ordre sous ce numéro. Rien n'a été enregistré.",
    "CRI_ORDER_CANCELLED": lambda d: (
        f"Ordre n° {d['number']} annulé"
        + (f" le {d['on']:%d/%m/%Y}" if d["on"] else "")
        + (f" ({d['reason']})" if d["reason"] else "")
        + " : pas de CRI sur un ordre annulé. Rien n'a été enregistré."
    ),
    "CRI_ORDER_NOT_DISPATCHED": lambda d: (
        f"Ordre n° {d['number']} {ORDER_STATUS_LABELS[d['status']]} : un CRI se saisit sur "
        "un ordre réparti à un agent. Répartissez-le d'abord. Rien n'a été enregistré."
    ),
    "CRI_ALREADY_ENTERED": lambda d: (
        f"Ordre n° {d['number']} : son CRI est déjà saisi (ordre "
        f"{ORDER_STATUS_LABELS[d['status']]}). Un nouveau CRI suit une nouvelle répartition. "
        "Rien n'a été enregistré."
    ),
    "CRI_VISIT_IN_FUTURE": (
        "Ordre n° {number}, date de la visite : le {on:%d/%m/%Y} est à venir (nous sommes "
        "le {today:%d/%m/%Y}). Rien n'a été enregistré."
    ),
    "CRI_VISIT_BEFORE_DISPATCH": (
        "Ordre n° {number}, date de la visite : le {on:%d/%m/%Y} précède la visite prévue à "
        "la répartition ({dispatched:%d/%m/%Y}). Rien n'a été enregistré."
    ),
    "CRI_BAD_TIME": (
        "Ordre n° {number}, heure de la visite : « {raw} » illisible ; écrivez-la HH:MM "
        "(par exemple 09:45). Rien n'a été enregistré."
    ),
    "CRI_UNKNOWN_AGENT": (
        "Ordre n° {number}, agent : matricule « {matricule} » inconnu du registre du "
        "personnel. Rien n'a été enregistré."
    ),
    "CRI_NOT_A_FIELD_AGENT": lambda d: (
        f"Ordre n° {d['number']}, agent : {d['name']} ({d['matricule']}) est "
        f"{str(STAFF_ROLE_LABELS.get(d['role'], d['role'])).lower()}, pas un agent de "
        "terrain. Rien n'a été enregistré."
    ),
    "CRI_INDEX_NOT_NUMBER": (
        "Ordre n° {number}, index relevé : « {raw} » n'est pas un nombre (chiffres seulement). "
        "Rien n'a été enregistré."
    ),
    "CRI_INDEX_REQUIRED": (
        "Ordre n° {number}, index relevé : obligatoire quand l'intervention est effectuée. "
        "Rien n'a été enregistré."
    ),
    "CRI_METER_REQUIRED": (
        "Ordre n° {number}, n° de compteur trouvé : obligatoire quand l'intervention est "
        "effectuée. Rien n'a été enregistré."
    ),
    "CRI_MISMATCH_NOTE_REQUIRED": lambda d: (
        f"Ordre n° {d['number']} : compteur trouvé « {d['found']} », le contrat indique "
        f"« {d['expected']} ». Expliquez l'écart. Rien n'a été enregistré."
    ),
    "CRI_METER_NOT_REMOVED": (
        "Ordre n° {number}, compteur déposé : un ordre de dépose exécuté dépose le compteur. "
        "Cochez-le, ou saisissez l'intervention « non exécutée ». Rien n'a été enregistré."
    ),
    "CRI_REMOVAL_ON_INDEX_CHECK": (
        "Ordre n° {number}, compteur déposé : un ordre de contrôle d'index (MT) ne dépose ni "
        "compteur ni disjoncteur. Rien n'a été enregistré."
    ),
    "CRI_REMOVED_BUT_NOT_DONE": (
        "Ordre n° {number}, compteur déposé : une intervention non exécutée ne dépose rien. "
        "Rien n'a été enregistré."
    ),
    "CRI_UNKNOWN_REMARK": lambda d: (
        f"Ordre n° {d['number']}, remarques : « {d['code']} » inconnue ; remarques : "
        + ", ".join(f"{c} ({REMARK_LABELS[c]})" for c in d["known"])
        + ". Rien n'a été enregistré."
    ),
    "CRI_NOT_DONE_REMARK_REQUIRED": (
        "Ordre n° {number}, remarques : dites pourquoi l'intervention n'a pas été effectuée "
        "(compteur inaccessible, refus d'accès…). Rien n'a été enregistré."
    ),
    "CRI_OTHER_NEEDS_NOTE": (
        "Ordre n° {number}, note : la remarque « autre » se précise dans la note. "
        "Rien n'a été enregistré."
    ),
    "CRI_TEXT_TOO_LONG": lambda d: (
        f"Ordre n° {d['number']}, {CRI_FIELD_LABELS[d['field']]} : trop long "
        f"({d['limit']} caractères au plus). Rien n'a été enregistré."
    ),
    "CRI_CHANGED_ELSEWHERE": (
        "Ordre n° {number} : il vient d'être modifié sur un autre poste. Rien n'a été "
        "enregistré : rouvrez-le."
    ),
    "CRI_NONE_CHOSEN": "Aucun CRI indiqué.",
    "CRI_NOTHING_TO_COUNTERSIGN": lambda d: (
        f"Ordre n° {d['number']} {ORDER_STATUS_LABELS[d['status']]} : aucun CRI exécuté à "
        "contresigner. Rien n'a été enregistré."
    ),
    "CRI_ALREADY_COUNTERSIGNED": lambda d: (
        f"Ordre n° {d['number']} : son CRI est déjà contresigné"
        + (f" par « {d['by']} »" if d["by"] else "")
        + " et le contrat résilié (une seule fois). Rien n'a été enregistré."
    ),
    "CRI_SELF_COUNTERSIGN": (
        "Ordre n° {number} : « {login} » a saisi ce CRI et ne peut pas le contresigner "
        "(séparation des tâches). Un autre chef doit le contresigner. Rien n'a été enregistré."
    ),
    "CRI_WINDOW_OVERRIDE_REQUIRED": lambda d: (
        "Visite hors de l'horaire 08h00–14h30 (R9) : "
        + ", ".join(f"ordre n° {n} à {t.replace(':', 'h')}" for n, t in d["orders"][:10])
        + ("…" if len(d["orders"]) > 10 else "")
        + ". Contresignez avec le motif de la dérogation (--override-window MOTIF). "
        "Rien n'a été enregistré."
    ),
    "CRI_STORE_RETURN_REQUIRED": lambda d: (
        f"Ordre n° {_numbers(d['numbers'], 10)} : compteur déposé mais retour magasin non "
        "enregistré (R10). Enregistrez le retour magasin, ou contresignez avec un motif "
        "(--override-store MOTIF). Rien n'a été enregistré."
    ),
    "CRI_CONTRACT_ALREADY_TERMINATED": lambda d: (
        f"Ordre n° {d['number']} : le contrat {d['police']} est déjà résilié"
        + (f" (le {d['on']:%d/%m/%Y})" if d["on"] else "")
        + " ; il ne se résilie qu'une fois (R13). Rien n'a été enregistré."
    ),
    "CONTRACT_UNKNOWN": "Police « {police} » : aucun contrat sous ce numéro.",
    "CRI_NOT_CURRENT_SUSPENSION": lambda d: (
        f"Ordre n° {d['number']} : le contrat {d['police']} "
        + (
            f"a été rétabli le {d['restored_on']:%d/%m/%Y}"
            if d["restored_on"]
            else "a une interruption plus récente que celle de cet ordre"
        )
        + " ; il ne peut pas être résilié par cet ordre (R1, R7). Rien n'a été enregistré."
    ),
    # ------------------------------------------- terminations for other causes (R8, #16)
    "TERMINATION_BAD_CAUSE": lambda d: (
        f"Cause « {d['cause']} » inconnue : indiquez FRAUDE (fraude), CONDITIONS (non-respect "
        "des conditions d'abonnement) ou AUTRE (autre cause). Rien n'a été enregistré."
    ),
    "TERMINATION_REASON_REQUIRED": (
        "Motif de la résiliation : précisez la cause en texte libre (ce qui a été constaté, "
        "la référence du procès-verbal…) ; il est imprimé sur l'ordre (R8). "
        "Rien n'a été enregistré."
    ),
    "TERMINATION_REASON_TOO_LONG": (
        "Motif de la résiliation trop long ({length} caractères, {limit} au plus) : "
        "abrégez-le. Rien n'a été enregistré."
    ),
    "TERMINATION_POLICE_REQUIRED": (
        "Police : indiquez le numéro de police du contrat à résilier. Rien n'a été enregistré."
    ),
    "TERMINATION_UNKNOWN_POLICE": (
        "Police « {police} » : aucun contrat sous ce numéro. Rien n'a été enregistré."
    ),
    "TERMINATION_ALREADY_TERMINATED": lambda d: (
        f"Police {d['police']} : le contrat est déjà résilié"
        + (f" (le {d['on']:%d/%m/%Y})" if d.get("on") else "")
        + " ; il ne se résilie qu'une fois (R13). Rien n'a été enregistré."
    ),
    "TERMINATION_NOT_SUSPENDED": lambda d: (
        f"Police {d['police']} : le contrat n'est pas interrompu au {d['on']:%d/%m/%Y} ("
        + (
            f"rétabli le {d['restored_on']:%d/%m/%Y}"
            if d.get("restored_on")
            else "aucune interruption en cours"
        )
        + ") ; pas de résiliation sans interruption préalable, même pour une autre cause "
        "(R1, R8). Rien n'a été enregistré."
    ),
    "TERMINATION_ORDER_EXISTS": lambda d: (
        f"Police {d['police']} : l'interruption du {d['suspended_on']:%d/%m/%Y} a déjà "
        f"l'ordre n° {d['number']} ("
        + (
            f"annulé le {d['cancelled_on']:%d/%m/%Y} : une nouvelle interruption est "
            "nécessaire pour une nouvelle procédure"
            if d.get("cancelled_on")
            else f"{ORDER_STATUS_LABELS.get(d['status'], d['status'])} : il suit son cours"
        )
        + ") ; un seul ordre par interruption (R13). Rien n'a été enregistré."
    ),
    "TERMINATION_EXEMPT_WITHOUT_DEROGATION": lambda d: (
        f"Police {d['police']} : client de catégorie "
        f"« {CATEGORY_LABELS.get(d['category'], d['category'])} », exempté de résiliation "
        f"sans dérogation de la Direction Générale valable au {d['on']:%d/%m/%Y} (R4, R8). "
        "Rien n'a été enregistré."
    ),
    "TERMINATION_ENTERED_ELSEWHERE": (
        "Police {police} : une résiliation vient d'être saisie pour ce contrat depuis un "
        "autre poste ; un seul ordre par interruption (R13). Rien n'a été enregistré ici."
    ),
    # --------------------------------------------- the order's card, by its number (#15)
    "ORDER_CARD_BAD_NUMBER": (
        "« {number} » n'est pas un numéro d'ordre : tapez ou scannez les 8 chiffres imprimés "
        "sur l'ordre."
    ),
    "ORDER_CARD_UNKNOWN": "Ordre n° {number} : aucun ordre sous ce numéro.",
    # ----------------------------------------------------------------- import: a run
    "IMPORT_FAILED": lambda d: (
        f"Import refusé : {plural(d['count'], 'problème', 'problèmes')}, rien n'a été écrit."
    ),
    "IMPORT_CANCELLED": "Import annulé : rien n'a été écrit.",
    "UNKNOWN_COLUMN": "{file} : colonne « {column} » inconnue, ignorée",
    "UNNAMED_COLUMN_FILLED": (
        "{file} : colonne n° {number} sans nom mais remplie (ligne {line} : « {text} »…), ignorée"
    ),
    "DUPLICATE_COLUMN": "colonne « {column} » en double dans l'en-tête",
    "MISSING_COLUMN": "colonne obligatoire « {column} » absente",
    "VALUES_BEYOND_LAST_COLUMN": lambda d: (
        f"{plural(d['count'], 'valeur', 'valeurs')} au-delà de la dernière colonne "
        f"(« {d['first']} »…) : séparateur dans une valeur ?"
    ),
    "VALUE_REQUIRED": "valeur obligatoire manquante",
    "DATES_OUT_OF_ORDER": lambda d: _DATES_OUT_OF_ORDER[d["table"], d["column"]].format(**d),
    "FILE_IGNORED": lambda d: (
        f"fichier « {d['name']} » ignoré : table inconnue (attendu : {_known(d)})"
    ),
    "SHEET_IGNORED": lambda d: (
        f"feuille « {d['title']} » ignorée : table inconnue (attendu : {_known(d)})"
    ),
    "DUPLICATE_ROW": lambda d: (
        f"{IMPORT_ROW_NOUNS[d['table']]} « {d['key']} » en double (déjà ligne {d['first_line']})"
    ),
    "UNKNOWN_REFERENCE": lambda d: (
        f"{_UNKNOWN_ROW[d['table']].format(value=d['value'])} (ni dans l'import ni dans la base)"
    ),
    "EMPTY_TABLE_FILE": "{name} vide : ligne d'en-tête absente",
    "MORE_PROBLEMS": lambda d: (
        f"… et {d['count']} {'autre problème' if d['count'] == 1 else 'autres problèmes'}, "
        "non listés : corrigez ceux-ci puis relancez l'import"
    ),
    # ------------------------------------------------- import: a cell (a problem line)
    "BAD_DATE": "date « {text} » illisible (attendu jj/mm/aaaa ou aaaa-mm-jj)",
    "AMOUNT_NOT_WHOLE": "montant « {text} » non entier (francs CFA entiers attendus)",
    "BAD_AMOUNT": "montant « {text} » illisible (francs CFA entiers attendus)",
    "AMOUNT_TOO_LARGE": "montant « {text} » trop grand",
    "NEGATIVE_AMOUNT": "montant « {text} » négatif",
    "PAYMENT_NOT_POSITIVE": "montant « {text} » nul ou négatif (un règlement est supérieur à 0)",
    "BAD_FLAG": "valeur « {text} » illisible (attendu oui ou non)",
    "UNKNOWN_VOLTAGE": "tension « {text} » inconnue (attendu BT ou MT)",
    "UNKNOWN_CELL_CATEGORY": lambda d: (
        f"catégorie « {d['text']} » inconnue (attendu : {_known(d)})"
    ),
    "BAD_PERIOD": "période « {text} » illisible (attendu aaaa-mm)",
    "TEXT_TOO_LONG": "valeur « {text} » trop longue ({limit} caractères au plus)",
    # ------------------------------------------------- import: a source (a problem line)
    "CSV_LINE_UNREADABLE": "ligne illisible : valeur entre guillemets mal formée ou trop longue",
    "FILE_UNREADABLE": lambda d: f"fichier « {d['name']} » illisible : {os_reason(d['error'])}",
    "PATH_NOT_FOUND": "chemin introuvable : « {path} »",
    "NOT_A_SOURCE": "« {name} » n'est ni un dossier de fichiers CSV ni un classeur .xlsx",
    "FOLDER_UNREADABLE": lambda d: f"dossier « {d['folder']} » illisible : {os_reason(d['error'])}",
    "TWO_FILES_FOR_TABLE": "deux fichiers pour la table {table} : « {first} » et « {second} »",
    "NO_TABLE_IN_FOLDER": lambda d: (
        f"aucune table reconnue dans le dossier « {d['folder']} » (fichiers attendus : {_known(d)})"
    ),
    "WORKBOOK_UNREADABLE": lambda d: (
        f"classeur « {d['name']} » illisible : {os_reason(d['error'])}"
    ),
    "TWO_SHEETS_FOR_TABLE": "deux feuilles pour la table {table} dans « {name} »",
    "NO_SHEET_IN_WORKBOOK": lambda d: (
        f"aucune feuille reconnue dans « {d['name']} » (feuilles attendues : {_known(d)})"
    ),
    # ------------------------------------------------------------------ demo (#12)
    "DEMO_ON_REAL_DATA": _demo_on_real_data,
    "DEMO_USERS_MISSING": lambda d: (
        "La démonstration agit avec ses propres utilisateurs, absents de cette base ou "
        f"sans leur rôle : {', '.join(d['logins'])}. Rien n'a été écrit. Chargez la "
        "démonstration dans une base de données neuve (option --db)."
    ),
    "DEMO_SIGN_IN_REQUIRED": (
        "Cette base a déjà des utilisateurs : connectez-vous (--user) pour charger la "
        "démonstration. Rien n'a été écrit."
    ),
    # ------------------------ import: any file, bounded (issue #12: bombs, damage, encodings)
    "FILE_UNDECODABLE": (
        "fichier « {name} » illisible ligne {line} : caractère ni UTF-8 ni Windows-1252 "
        "(enregistrez-le en « CSV UTF-8 »)"
    ),
    "TERMINATED_RESTORED_IN_EXPORT": (
        "contrat {police} résilié le {terminated_on:%d/%m/%Y} par sbee-desk : l'export "
        "signale un rétablissement du {restored_on:%d/%m/%Y}. La résiliation est conservée "
        "(R13) : vérifiez avec la gestion clientèle"
    ),
    "FILE_READ_AS_CP1252": (
        "{name} : pas en UTF-8, lu en Windows-1252 (l'encodage du « CSV (séparateur : "
        "point-virgule) » d'Excel) : vérifiez les accents"
    ),
    "CSV_UNCLOSED_QUOTE": lambda d: (
        f"guillemet ouvert ligne {d['line']} et jamais refermé ("
        + ("fin du fichier atteinte" if d["eof"] else f"{d['limit']} lignes lues")
        + ") : le reste du fichier n'est pas lu"
    ),
    "CSV_LINE_TOO_LONG": "ligne de plus de {limit} caractères : est-ce bien un fichier CSV ?",
    "TOO_MANY_COLUMNS": "en-tête de {count} colonnes ({limit} au plus)",
    "UNKNOWN_COLUMNS_MORE": "{file} : et {count} autres colonnes inconnues, ignorées",
    "CONTROL_CHARACTER": (
        "valeur « {text} » : caractère de contrôle {char} interdit (fichier endommagé ?)"
    ),
    "NOT_A_TABLE_FILE": lambda d: (
        f"« {d['name']} » ne correspond à aucune table (fichiers attendus : {_known(d)})"
    ),
    "XLSX_NOT_A_ZIP": (
        "classeur « {name} » illisible : ce n'est pas un classeur Excel .xlsx valide "
        "(fichier endommagé ou tronqué ?)"
    ),
    "XLSX_TOO_MANY_PARTS": "classeur « {name} » refusé : {count} éléments ({limit} au plus)",
    "XLSX_TOO_LARGE": lambda d: (
        f"classeur « {d['name']} » refusé : {_size(d['size'])} une fois décompressé "
        f"({_size(d['limit'])} au plus)"
    ),
    "XLSX_PART_TOO_LARGE": lambda d: (
        f"classeur « {d['name']} » refusé : « {d['part']} » fait {_size(d['size'])} une fois "
        f"décompressé ({_size(d['limit'])} au plus)"
    ),
    "XLSX_PART_MISSING": "classeur « {name} » endommagé : « {part} » absent",
    "XLSX_PART_DAMAGED": lambda d: (
        f"classeur « {d['name']} » endommagé : « {d['part']} » tronqué ou corrompu"
        + (f" (vers la ligne {d['line']} de son XML)" if d["line"] else "")
    ),
    "XLSX_DTD": (
        "classeur « {name} » refusé : « {part} » contient une déclaration DTD ou CDATA, "
        "qu'Excel n'écrit jamais"
    ),
    "XLSX_TEXT_TOO_LONG": lambda d: (
        f"classeur « {d['name']} » refusé : « {d['part']} » contient un texte de plus de "
        f"{_size(d['limit'])}"
    ),
    "XLSX_TOO_MANY_STRINGS": "classeur « {name} » refusé : plus de {limit} textes différents",
    "XLSX_STRINGS_TOO_LARGE": lambda d: (
        f"classeur « {d['name']} » refusé : ses textes occuperaient plus de "
        f"{_size(d['limit'])} en mémoire"
    ),
    "XLSX_NO_SHEET": "classeur « {name} » sans aucune feuille",
    "XLSX_ROW_TOO_WIDE": "{sheet} : ligne de plus de {limit} cellules",
    "XLSX_TOO_MANY_ROWS": "{sheet} : plus de {limit} lignes (la limite d'Excel)",
    "XLSX_BAD_CELL": "{sheet} : cellule n° {column} illisible (classeur endommagé ?)",
    # ------------------------------------------------------------------ permissions
    "UNKNOWN_OR_INACTIVE_USER": lambda d: (
        f"Utilisateur « {d['login']} » inconnu ou désactivé : action refusée "
        f"({ACTION_LABELS[d['action']]})."
    ),
    "ROLE_REQUIRED": lambda d: (
        f"Action refusée : « {d['login']} » n'a pas le rôle requis pour "
        f"{ACTION_LABELS[d['action']]}."
    ),
    # ------------------------------------------------------------------ audit anchors (#12)
    "ANCHOR_NOT_WRITTEN": (
        "Ancre du journal d'audit non écrite dans « {path} » : {reason}. Le journal n'est "
        "pas ancré hors de la base tant que ce fichier ne peut pas être écrit."
    ),
    "ANCHOR_INVALID": (
        "{source} : ancre « {text} » illisible ; écrivez N:EMPREINTE, le numéro d'événement "
        "et au moins {shortest} caractères de l'empreinte imprimée (par exemple 1234:3f2a9c1b)."
    ),
    "ANCHORS_UNREADABLE": "Fichier d'ancres « {path} » illisible : {reason}.",
    # ------------------------------------------------------------------ backups (#17)
    "BACKUP_KEEP_DAYS": (
        "Durée de conservation des sauvegardes « {days} » : donnez un nombre de jours "
        "entre 1 et {most}."
    ),
    "BACKUP_FOLDER": (
        "Dossier de sauvegarde « {path} » inutilisable : {reason}. Choisissez un dossier "
        "où ce poste peut écrire ; rien n'a été changé."
    ),
    "BACKUP_MEMORY": "Une base en mémoire ne se sauvegarde pas.",
    "BACKUP_OVER_LIVE": (
        "« {path} » est la base elle-même : choisissez un autre fichier de sauvegarde."
    ),
    "BACKUP_NOT_WRITTEN": (
        "Sauvegarde impossible dans « {path} » : {reason}. Rien n'a été écrit ; libérez "
        "de la place ou choisissez un autre dossier (Paramètres, ou --out FICHIER)."
    ),
    "BACKUP_PG_DUMP_MISSING": (
        "La base « {database} » est sur un serveur PostgreSQL et le programme pg_dump "
        "est introuvable sur ce poste. Installez les outils clients de PostgreSQL (pg_dump) "
        "ou demandez à l'administrateur de la base sa sauvegarde "
        "(pg_dump -Fc -f sauvegarde.dump {database})."
    ),
    "BACKUP_PG_DUMP_FAILED": "pg_dump a échoué : {reason}. Aucune sauvegarde n'a été écrite.",
    "RESTORE_POSTGRESQL": (
        "La base « {database} » est sur un serveur PostgreSQL : sa restauration se fait par "
        "l'administrateur de la base, tous les postes fermés, avec "
        "pg_restore --clean --if-exists -d {database} FICHIER.dump. Rien n'a été fait."
    ),
    "RESTORE_ITSELF": "« {path} » est la base en service elle-même, pas une sauvegarde.",
    "RESTORE_NOT_FOUND": "Sauvegarde « {path} » introuvable. Rien n'a été remplacé.",
    "RESTORE_UNREADABLE": "Sauvegarde « {path} » illisible : {reason}. Rien n'a été remplacé.",
    "RESTORE_PG_DUMP": (
        "« {path} » est une sauvegarde PostgreSQL (pg_dump) : elle se restaure sur le serveur "
        "par l'administrateur de la base avec pg_restore. Rien n'a été remplacé."
    ),
    "RESTORE_NOT_DATABASE": (
        "« {path} » n'est pas une base de données SQLite (ni une sauvegarde sbee-desk). "
        "Rien n'a été remplacé."
    ),
    "RESTORE_DAMAGED": (
        "La sauvegarde « {path} » est endommagée ou incomplète ({detail}) : elle ne peut "
        "pas être restaurée. Rien n'a été remplacé ; choisissez une sauvegarde plus ancienne."
    ),
    "RESTORE_NOT_SBEE": (
        "« {path} » est une base SQLite, mais pas une base sbee-desk. Rien n'a été remplacé."
    ),
    "RESTORE_NEWER": (
        "La sauvegarde « {path} » vient d'une version plus récente de sbee-desk (schéma "
        "{revision}) : mettez d'abord le logiciel à jour. Rien n'a été remplacé."
    ),
    "RESTORE_OTHER_AGENCY": lambda d: (
        f"La sauvegarde « {d['path']} » est celle d'une autre agence "
        f"({', '.join(d['backup'])}) ; cette base est celle de l'agence "
        f"{', '.join(d['current'])}. Rien n'a été remplacé."
    ),
    "RESTORE_CHAIN_BROKEN": (
        "Le journal d'audit de la sauvegarde « {path} » ne se vérifie pas (événement n° "
        "{event}, {problem}) : elle a été modifiée ; elle ne sera pas restaurée. Rien n'a "
        "été remplacé."
    ),
    "HANDOFF_NOTHING_NEW": (
        "Aucune résiliation à transmettre : toutes les résiliations enregistrées ont déjà "
        "été transmises à l'apurement (et au contentieux). Rien n'a été écrit."
    ),
    "HANDOFF_NOT_FOUND": "Aucune transmission n° {number}. Rien n'a été écrit.",
    "HANDOFF_CONCURRENT": (
        "Un autre poste vient de transmettre une partie de ces résiliations : recommencez "
        "(seules les nouvelles seront transmises). Rien n'a été enregistré."
    ),
    "RESTORE_IN_USE": (
        "La base « {path} » est ouverte par un autre programme (la fenêtre de sbee-desk, "
        "une commande en cours, un autre poste) : fermez-le, puis recommencez. Rien n'a été "
        "remplacé."
    ),
}


def message(code: str, data: Mapping[str, Any]) -> str:
    """The French sentence for ``code`` with ``data``."""
    template = MESSAGES[code]
    if callable(template):
        return template(data)
    return template.format(**data)
