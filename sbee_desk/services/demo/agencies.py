"""The demo agencies: their codes and zones (tournées, quartiers), the names the
export gives their customers, and the names of their field staff.

``COT-CENTRE`` ("Agence Cotonou Centre") holds most contracts, ``ABC-CALAVI`` a
few percent (:data:`SECOND_AGENCY_SHARE`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    #: short code inside bordereau codes (``BT-COTC-2026-06``)
    short: str
    #: first digits of its police numbers
    police_prefix: str
    #: zone (tournée) code -> quartiers
    zones: dict[str, tuple[str, ...]]
    #: name of the commune, for local authorities
    commune: str


AGENCIES = (
    DemoAgency(
        code="COT-CENTRE",
        name="Agence Cotonou Centre",
        short="COTC",
        police_prefix="31",
        commune="Cotonou",
        zones={
            "T01": ("Cadjèhoun", "Fidjrossè", "Haie Vive"),
            "T02": ("Gbégamey", "Vêdoko", "Houéyiho"),
            "T03": ("Zogbo", "Mènontin", "Kouhounou"),
            "T04": ("Agla", "Djidjè", "Sainte-Rita"),
            "T05": ("Akpakpa", "Sègbèya", "Avotrou"),
            "T06": ("Jéricho", "Sikècodji", "Agontinkon"),
            "T07": ("Dantokpa", "Missèbo", "Tokpa Hoho"),
            "T08": ("Ganhi", "Xwlacodji", "Placodji"),
            "T09": ("Gbèdjromèdé", "Aïdjèdo", "Vossa", "Ahouansori"),
        },
    ),
    DemoAgency(
        code="ABC-CALAVI",
        name="Agence Abomey-Calavi",
        short="CALV",
        police_prefix="42",
        commune="Abomey-Calavi",
        zones={
            "C01": ("Godomey", "Togoudo", "Cococodji"),
            "C02": ("Zogbadjè", "Tankpè", "Kpota"),
            "C03": ("Akassato", "Arconville"),
        },
    ),
)
#: Share of contracts in the second agency.
SECOND_AGENCY_SHARE = 0.04

#: Zones per releveur and per agent de recouvrement in the demo's field staff.
RELEVEUR_ZONES = 3
AGENT_ZONES = 5
#: Names of the demo's field staff, given in turn (matricules carry the function).
STAFF_NAMES = (
    "Sèna Dossou", "Mariam Gbédji", "Codjo Ahouansou", "Euloge Hounkpatin",
    "Koffi Agossou", "Rachidi Bello", "Judicaël Kpadonou", "Aurore Kiki",
    "Innocent Houngbo", "Blaise Hounsou", "Prosper Ahyi", "Reine Amoussou",
    "Fidèle Tchibozo", "Gisèle Lokossou", "Théophile Zannou", "Nafissatou Salami",
)  # fmt: skip  # packed name list: one name a line would run 190 lines

MALE_FIRST_NAMES = (
    "Kossi", "Koffi", "Komlan", "Kodjo", "Codjo", "Sèna", "Dossou", "Sossou", "Hounnou",
    "Gbènou", "Mahougnon", "Sèdjro", "Sètondji", "Comlan", "Dègbé", "Romaric", "Rodrigue",
    "Gérard", "Armand", "Ulrich", "Bienvenu", "Fiacre", "Landry", "Judicaël", "Thierry",
    "Brice", "Sylvain", "Justin", "Désiré", "Honoré", "Clément", "Gildas", "Innocent",
    "Parfait", "Prosper", "Wilfried", "Aurélien", "Babatundé", "Adéwalé", "Akanni",
    "Rachidi", "Moussa", "Issa", "Chabi", "Orou", "Noël", "Aristide", "Crépin", "Euloge",
    "Hervé", "Jérôme", "Médard", "Séverin", "Théophile", "Zacharie",
)  # fmt: skip  # packed name list
FEMALE_FIRST_NAMES = (
    "Afiavi", "Sènami", "Fifamè", "Ablawa", "Akouavi", "Adjoa", "Ayaba", "Nafissatou",
    "Rékiath", "Hortense", "Odile", "Bernadette", "Edwige", "Félicité", "Josiane", "Gisèle",
    "Mireille", "Clarisse", "Christelle", "Pélagie", "Ginette", "Géraldine", "Reine",
    "Espérance", "Houéfa", "Mahoussi", "Gbèmisola", "Yétondé", "Sèmèvo", "Dorcas",
    "Léontine", "Angèle", "Ghislaine", "Irène", "Eugénie", "Victorine", "Béatrice",
    "Chantal", "Élise", "Fidèle", "Perpétue", "Rosine", "Solange",
)  # fmt: skip  # packed name list
LAST_NAMES = (
    "Dossou", "Hounkpatin", "Agbodjan", "Zinsou", "Tossou", "Adjovi", "Gbaguidi", "Akpovi",
    "Houngbédji", "Ahouansou", "Kpadonou", "Akakpo", "Houénou", "Sossa", "Hounsou",
    "Dansou", "Kiki", "Agossou", "Assogba", "Dossou-Yovo", "Houessou", "Hounnouvi",
    "Azonhiho", "Glèlè", "Hounton", "Gnonlonfoun", "Avocèvou", "Tchibozo", "Ahyi",
    "Amoussou", "Padonou", "Gandonou", "Adandé", "Quenum", "d'Almeida", "de Souza",
    "Akindélé", "Adéyèmi", "Olatoundji", "Bankolé", "Alapini", "Fagbohoun", "Ogoubiyi",
    "Lawani", "Salami", "Chabi", "Sacca", "Yessoufou", "Adjaho", "Tométin", "Hessou",
    "Kakpo", "Vodounon", "Sèhouéto", "Aïkpé", "Dèguénon", "Gbèdji", "Houngnibo",
    "Lokossou", "Mensah", "Lawson", "Amégan", "Ekué", "Attivon", "Agbessi", "Ahossi",
    "Hodonou", "Houndékon", "Kougblénou", "Sodjinou", "Tchégnon", "Vigan", "Zannou",
)  # fmt: skip  # packed name list
COMPANY_PATTERNS = (
    "Établissements {n}",
    "Boulangerie {n}",
    "Pharmacie de {q}",
    "Quincaillerie {n} et Fils",
    "Hôtel {n}",
    "Clinique {n}",
    "Imprimerie de {q}",
    "Station-service de {q}",
    "Supermarché {n}",
    "Atelier de soudure {n}",
    "Maquis chez {f}",
    "Société {n} et Frères",
    "Menuiserie {n}",
    "Cyber café de {q}",
)
MT_COMPANY_PATTERNS = (
    "Société Industrielle de {q}",
    "Hôtel du Lac ({q})",
    "Brasserie {n}",
    "Clinique {n}",
    "Cimenterie {n} SA",
    "Entrepôts frigorifiques de {q}",
    "Usine de jus {n}",
    "Centre commercial de {q}",
)
ADMINISTRATION_PATTERNS = (
    "École primaire publique de {q}",
    "CEG de {q}",
    "Centre de santé de {q}",
    "Commissariat de {q}",
    "Recette des impôts de {q}",
    "Bureau de poste de {q}",
    "Direction départementale de l'Énergie",
    "Ministère de l'Eau et des Mines",
    "Trésor public, perception de {q}",
    "Lycée technique de {q}",
)
COLLECTIVITE_PATTERNS = (
    "Mairie de {c}, arrondissement de {q}",
    "Éclairage public de {q} (mairie de {c})",
    "Marché de {q} (mairie de {c})",
    "Gare routière de {q} (mairie de {c})",
)
VIP_MT_PATTERNS = (
    "Centre hospitalier de {q}",
    "Résidence officielle de {q}",
    "Camp militaire de {q}",
)
PHONE_PREFIXES = ("90", "91", "94", "95", "96", "97", "61", "62", "66", "67", "51", "52", "53")
