#!/usr/bin/env python3
"""Generate shared/data/reference.json, DestinyJobs' versioned reference data.

Where the data comes from
-------------------------
* ``pays`` and ``regions`` come from pycountry (ISO 3166-1 / ISO 3166-2 and
  their French gettext catalogs shipped inside the pycountry package).
  A few labels are corrected by hand in ``PAYS_NOM_OVERRIDES`` and
  ``REGION_NOM_OVERRIDES`` (inverted ISO forms such as "Salomon, Îles",
  wrong translations such as "Litoral", missing translations such as
  "City of Kigali"). The script fails if an override becomes stale
  (unknown code, or pycountry already gives the same label).
* Every other list is written by hand in the constants below.

How to rerun
------------
    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install pycountry      # generated with pycountry 26.2.16
    /tmp/refvenv/bin/python infra/reference/generate.py          # rewrite the file
    /tmp/refvenv/bin/python infra/reference/generate.py --check  # exit 1 if stale

Bump ``VERSION`` whenever the content changes. The output is deterministic:
same pycountry version and same constants give the same bytes (UTF-8,
2-space indent, trailing newline). Another pycountry version may change
ISO labels or subdivisions; review the diff before committing.
"""

import argparse
import gettext
import json
import re
import sys
import unicodedata
from pathlib import Path

import pycountry

VERSION = "2026-12-02"

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT = REPO_ROOT / "shared" / "data" / "reference.json"

# Countries whose top-level subdivisions are published, in this key order.
REGION_COUNTRIES = [
    "BJ", "BF", "CI", "GN", "ML", "NE", "SN", "TG", "MR",
    "CM", "CF", "CG", "CD", "GA", "GQ", "TD",
    "BI", "RW", "DJ", "KM", "MG",
    "MA", "DZ", "TN",
    "FR", "BE", "CH", "CA",
]

# France: keep metropolitan regions (+ Corse) and the overseas
# regions/collectivities; drop the uninhabited "Overseas territory" (TAAF)
# and "Dependency" (Clipperton).
FR_TYPES_KEPT = {
    "Metropolitan region",
    "Metropolitan collectivity with special status",
    "Overseas collectivity",
    "Overseas collectivity with special status",
    "Overseas departmental collectivity",
    "Overseas unique territorial collectivity",
}

# Hand corrections of pycountry's French country labels (display form).
PAYS_NOM_OVERRIDES = {
    "AX": "Îles Åland",                    # "Åland, Îles"
    "CC": "Îles Cocos (Keeling)",          # "Cocos (Keeling), Îles"
    "CX": "Île Christmas",                 # "Christmas, Île"
    "FK": "Îles Malouines (Falkland)",     # "Malouines, Îles (Falkland)"
    "FM": "Micronésie",                    # "Micronésie, États fédérés de"
    "GQ": "Guinée équatoriale",            # "Guinée Équatoriale"
    "PS": "Palestine",                     # "Palestine, État de"
    "RE": "La Réunion",                    # "Réunion, Île de la"
    "RU": "Russie",                        # "Russie, Fédération de"
    "SB": "Îles Salomon",                  # "Salomon, Îles"
    "VA": "Saint-Siège (Vatican)",         # "Saint-Siège (état de la cité du Vatican)"
    "VI": "Îles Vierges des États-Unis",   # "Îles Vierges, États-Unis"
}

# Hand corrections of subdivision labels (wrong, missing or awkward French).
REGION_NOM_OVERRIDES = {
    "BJ-LI": "Littoral",                   # fr catalog: "Litoral"
    "CM-LT": "Littoral",                   # fr catalog: "Litoral"
    "TG-M": "Maritime",                    # "Maritime (Région)"
    "NE-1": "Agadez",                      # fr catalog: "Agadès" (official: Agadez)
    "TD-ND": "N'Djaména",                  # "Ville de Ndjamena"
    "RW-01": "Kigali",                     # untranslated "City of Kigali"
    "MG-T": "Antananarivo",                # fr catalog: "Tananarive" (colonial form)
    "MA-10": "Guelmim-Oued Noun",          # ISO annotation "(EH partiel)" removed
    "MA-11": "Laâyoune-Sakia El Hamra",    # ISO annotation "(EH partiel)" removed
    "MA-12": "Dakhla-Oued Ed-Dahab",       # ISO annotation "(EH)" removed
    "FR-973": "Guyane",                    # "Guyane (française)"
    "BE-VLG": "Région flamande",           # "Flamande, Région"
    "BE-WAL": "Région wallonne",           # "Wallonne, Région"
    "BE-BRU": "Région de Bruxelles-Capitale",  # "Bruxelles-Capitale, Région de"
    "CH-BE": "Berne",                      # fr catalog: "Bern"
    "CA-NB": "Nouveau-Brunswick",          # "Nouveau Brunswick"
    "CA-PE": "Île-du-Prince-Édouard",      # "Île-du-Prince Édouard"
    "CA-NT": "Territoires du Nord-Ouest",  # "Territoires-du-Nord-Ouest"
}

# ---------------------------------------------------------------------------
# Hand-written lists. Sorted lists are sorted by the script (see sort_by_nom),
# so the order here does not matter for them.
# ---------------------------------------------------------------------------

SECTEURS_ACTIVITE = [
    ("administration_publique", "Administration publique"),
    ("agriculture", "Agriculture, élevage et pêche"),
    ("agroalimentaire", "Agroalimentaire"),
    ("artisanat", "Artisanat"),
    ("assurance", "Assurance"),
    ("banque_finance", "Banque et finance"),
    ("btp", "BTP et construction"),
    ("commerce", "Commerce et distribution"),
    ("conseil", "Conseil et audit"),
    ("culture_sport", "Culture, sport et loisirs"),
    ("education", "Éducation et formation"),
    ("energie", "Énergie"),
    ("environnement", "Environnement"),
    ("immobilier", "Immobilier"),
    ("industrie", "Industrie"),
    ("informatique_telecoms", "Informatique et télécommunications"),
    ("juridique", "Juridique"),
    ("medias_communication", "Médias et communication"),
    ("mines", "Mines et industries extractives"),
    ("ong_humanitaire", "ONG et humanitaire"),
    ("sante", "Santé"),
    ("textile", "Textile et habillement"),
    ("tourisme_hotellerie", "Tourisme, hôtellerie et restauration"),
    ("transport_logistique", "Transport et logistique"),
    ("autre", "Autre"),
]

DEPARTEMENTS = [
    ("administration_secretariat", "Administration et secrétariat", [
        ("accueil", "Accueil"),
        ("archivage_documentation", "Archivage et documentation"),
        ("assistanat_direction", "Assistanat de direction"),
        ("secretariat", "Secrétariat"),
        ("services_generaux", "Services généraux"),
    ]),
    ("agriculture_environnement", "Agriculture et environnement", [
        ("agronomie", "Agronomie"),
        ("elevage", "Élevage"),
        ("foresterie", "Foresterie"),
        ("gestion_environnementale", "Gestion environnementale"),
        ("peche_aquaculture", "Pêche et aquaculture"),
        ("vulgarisation_agricole", "Vulgarisation agricole"),
    ]),
    ("banque_assurance", "Banque et assurance", [
        ("conseil_clientele_bancaire", "Conseil clientèle bancaire"),
        ("credit", "Crédit"),
        ("gestion_risques", "Gestion des risques"),
        ("microfinance", "Microfinance"),
        ("souscription_sinistres", "Souscription et sinistres"),
    ]),
    ("commercial_vente", "Commercial et vente", [
        ("administration_ventes", "Administration des ventes"),
        ("developpement_commercial", "Développement commercial"),
        ("grands_comptes", "Grands comptes"),
        ("relation_client", "Relation client"),
        ("vente_terrain", "Vente terrain"),
    ]),
    ("education_formation", "Éducation et formation", [
        ("enseignement_primaire", "Enseignement primaire"),
        ("enseignement_secondaire", "Enseignement secondaire"),
        ("enseignement_superieur", "Enseignement supérieur"),
        ("formation_adultes", "Formation des adultes"),
        ("ingenierie_pedagogique", "Ingénierie pédagogique"),
    ]),
    ("finance_comptabilite", "Finance et comptabilité", [
        ("analyse_financiere", "Analyse financière"),
        ("audit_interne", "Audit interne"),
        ("comptabilite_generale", "Comptabilité générale"),
        ("controle_gestion", "Contrôle de gestion"),
        ("fiscalite", "Fiscalité"),
        ("tresorerie", "Trésorerie"),
    ]),
    ("hotellerie_restauration", "Hôtellerie et restauration", [
        ("cuisine", "Cuisine"),
        ("entretien_etages", "Entretien et étages"),
        ("gestion_hoteliere", "Gestion hôtelière"),
        ("reception_hoteliere", "Réception hôtelière"),
        ("service_salle", "Service en salle"),
    ]),
    ("informatique", "Informatique", [
        ("cloud_devops", "Cloud et DevOps"),
        ("cybersecurite", "Cybersécurité"),
        ("data_ia", "Data et intelligence artificielle"),
        ("developpement_logiciel", "Développement logiciel"),
        ("reseaux_systemes", "Réseaux et systèmes"),
        ("support_informatique", "Support informatique"),
    ]),
    ("ingenierie_btp", "Ingénierie et BTP", [
        ("architecture", "Architecture"),
        ("bureau_etudes", "Bureau d'études"),
        ("conduite_travaux", "Conduite de travaux"),
        ("electricite_batiment", "Électricité du bâtiment"),
        ("genie_civil", "Génie civil"),
        ("topographie", "Topographie"),
    ]),
    ("juridique", "Juridique", [
        ("conformite", "Conformité"),
        ("contentieux", "Contentieux"),
        ("droit_affaires", "Droit des affaires"),
        ("droit_travail", "Droit du travail"),
        ("notariat", "Notariat"),
    ]),
    ("logistique_achats", "Logistique et achats", [
        ("achats_approvisionnement", "Achats et approvisionnement"),
        ("gestion_stocks", "Gestion des stocks"),
        ("supply_chain", "Supply chain"),
        ("transit_douane", "Transit et douane"),
        ("transport", "Transport"),
    ]),
    ("marketing_communication", "Marketing et communication", [
        ("communication_institutionnelle", "Communication institutionnelle"),
        ("community_management", "Community management"),
        ("evenementiel", "Événementiel"),
        ("graphisme_design", "Graphisme et design"),
        ("marketing_digital", "Marketing digital"),
        ("relations_presse", "Relations presse"),
    ]),
    ("production_industrie", "Production et industrie", [
        ("hse", "Hygiène, sécurité et environnement (HSE)"),
        ("maintenance_industrielle", "Maintenance industrielle"),
        ("methodes_industrialisation", "Méthodes et industrialisation"),
        ("production", "Production"),
        ("qualite", "Qualité"),
    ]),
    ("projets_cooperation", "Projets et coopération", [
        ("action_humanitaire", "Action humanitaire"),
        ("gestion_projets", "Gestion de projets"),
        ("plaidoyer", "Plaidoyer"),
        ("recherche_fonds", "Recherche de fonds"),
        ("suivi_evaluation", "Suivi-évaluation"),
    ]),
    ("ressources_humaines", "Ressources humaines", [
        ("formation_competences", "Formation et développement des compétences"),
        ("gestion_talents", "Gestion des talents"),
        ("paie_administration_personnel", "Paie et administration du personnel"),
        ("recrutement", "Recrutement"),
        ("relations_sociales", "Relations sociales"),
    ]),
    ("sante", "Santé", [
        ("laboratoire_analyses", "Laboratoire et analyses"),
        ("maieutique", "Maïeutique (sage-femme)"),
        ("medecine", "Médecine"),
        ("pharmacie", "Pharmacie"),
        ("sante_publique", "Santé publique"),
        ("soins_infirmiers", "Soins infirmiers"),
    ]),
    ("autre", "Autre", [
        ("artisanat_metiers_manuels", "Artisanat et métiers manuels"),
        ("autres_metiers", "Autres métiers"),
        ("conduite_vehicules", "Conduite de véhicules"),
        ("securite_gardiennage", "Sécurité et gardiennage"),
    ]),
]

FONCTIONS = [
    ("achats", "Achats"),
    ("administration", "Administration"),
    ("assistanat", "Assistanat"),
    ("commercial", "Commercial"),
    ("communication", "Communication"),
    ("comptabilite", "Comptabilité"),
    ("conseil", "Conseil"),
    ("direction_generale", "Direction générale"),
    ("enseignement_formation", "Enseignement et formation"),
    ("finance", "Finance"),
    ("gestion_projet", "Gestion de projet"),
    ("informatique", "Informatique"),
    ("ingenierie", "Ingénierie"),
    ("juridique", "Juridique"),
    ("logistique", "Logistique"),
    ("marketing", "Marketing"),
    ("production", "Production"),
    ("qualite", "Qualité"),
    ("recherche_developpement", "Recherche et développement"),
    ("ressources_humaines", "Ressources humaines"),
    ("sante", "Santé"),
    ("service_client", "Service client"),
    ("suivi_evaluation", "Suivi et évaluation"),
    ("autre", "Autre"),
]

SECTEURS_FINANCEMENT = [
    ("agriculture", "Agriculture et agro-industrie"),
    ("artisanat", "Artisanat"),
    ("commerce", "Commerce"),
    ("culture", "Culture et industries créatives"),
    ("economie_sociale", "Économie sociale et solidaire"),
    ("education", "Éducation"),
    ("energie_renouvelable", "Énergies renouvelables"),
    ("environnement", "Environnement et climat"),
    ("industrie", "Industrie et transformation"),
    ("numerique", "Numérique et innovation"),
    ("sante", "Santé"),
    ("tourisme", "Tourisme"),
    ("transport_logistique", "Transport et logistique"),
    ("autre", "Autre"),
]

CIBLES_FINANCEMENT = [
    ("associations_ong", "Associations et ONG"),
    ("cooperatives", "Coopératives"),
    ("entreprises_etablies", "Entreprises établies"),
    ("femmes_entrepreneures", "Femmes entrepreneures"),
    ("jeunes_entrepreneurs", "Jeunes entrepreneurs"),
    ("pme", "PME"),
    ("porteurs_projet", "Porteurs de projet"),
    ("startups", "Startups"),
]

DOMAINES_ETUDE = [
    ("agronomie", "Agronomie et sciences agricoles"),
    ("architecture_urbanisme", "Architecture et urbanisme"),
    ("arts_design", "Arts et design"),
    ("biologie", "Biologie et sciences de la vie"),
    ("chimie", "Chimie"),
    ("communication_journalisme", "Communication et journalisme"),
    ("droit_sciences_politiques", "Droit et sciences politiques"),
    ("economie_gestion", "Économie et gestion"),
    ("sciences_education", "Sciences de l'éducation"),
    ("environnement", "Environnement et développement durable"),
    ("genie_civil", "Génie civil"),
    ("genie_electrique", "Génie électrique et énergétique"),
    ("genie_mecanique", "Génie mécanique et industriel"),
    ("informatique", "Informatique et numérique"),
    ("langues_lettres", "Langues et lettres"),
    ("mathematiques_statistiques", "Mathématiques et statistiques"),
    ("medecine", "Médecine"),
    ("pharmacie", "Pharmacie"),
    ("physique", "Physique"),
    ("sante_publique", "Santé publique"),
    ("sciences_sociales", "Sciences sociales et humaines"),
    ("tourisme_hotellerie", "Tourisme et hôtellerie"),
    ("autre", "Autre"),
]

TYPES_ORGANISATION = [
    ("ambassade", "Ambassade"),
    ("association", "Association"),
    ("banque_developpement", "Banque de développement"),
    ("entreprise", "Entreprise"),
    ("fondation", "Fondation"),
    ("gouvernement", "Gouvernement et administration publique"),
    ("incubateur", "Incubateur et accélérateur"),
    ("institution_financiere", "Institution financière"),
    ("ong", "ONG"),
    ("organisation_internationale", "Organisation internationale"),
    ("universite", "Université et établissement d'enseignement"),
    ("autre", "Autre"),
]

# Fixed enums: order is meaningful, NOT sorted.
TYPES_CONTRAT = [
    ("cdi", "CDI"),
    ("cdd", "CDD"),
    ("stage", "Stage"),
    ("alternance", "Alternance"),
    ("freelance", "Freelance"),
    ("interim", "Intérim"),
    ("temps_partiel", "Temps partiel"),
]

TYPES_FINANCEMENT = [
    ("subvention", "Subvention"),
    ("pret", "Prêt"),
    ("pret_honneur", "Prêt d'honneur"),
    ("investissement", "Investissement"),
    ("microcredit", "Microcrédit"),
    ("prix", "Prix et concours"),
    ("autre", "Autre"),
]

TYPES_BOURSE = [
    ("merite", "Bourse au mérite"),
    ("sociale", "Bourse sociale"),
    ("excellence", "Bourse d'excellence"),
    ("recherche", "Bourse de recherche"),
    ("mobilite", "Bourse de mobilité"),
    ("formation_professionnelle", "Bourse de formation professionnelle"),
    ("autre", "Autre"),
]

TYPES_CONSULTATION = [
    ("strategie", "Stratégie et management"),
    ("juridique", "Juridique"),
    ("finance", "Finance et comptabilité"),
    ("informatique", "Informatique et numérique"),
    ("marketing", "Marketing et communication"),
    ("ressources_humaines", "Ressources humaines"),
    ("ingenierie", "Ingénierie"),
    ("formation", "Formation"),
    ("autre", "Autre"),
]

MODES_TRAVAIL = [
    ("sur_site", "Sur site"),
    ("hybride", "Hybride"),
    ("teletravail", "Télétravail"),
]

NIVEAUX_EXPERIENCE = [
    ("debutant", "Débutant (moins d'1 an)"),
    ("junior", "Junior (1 à 2 ans)"),
    ("intermediaire", "Intermédiaire (3 à 5 ans)"),
    ("senior", "Senior (6 à 9 ans)"),
    ("expert", "Expert (10 ans et plus)"),
]

NIVEAUX_ETUDE = [
    ("bac", "Baccalauréat"),
    ("bac_plus_2", "Bac+2 (BTS, DUT)"),
    ("licence", "Licence"),
    ("master", "Master"),
    ("doctorat", "Doctorat"),
    ("formation_professionnelle", "Formation professionnelle"),
]

MODES_PRESTATION = [
    ("sur_site", "Sur site"),
    ("a_distance", "À distance"),
    ("mixte", "Mixte"),
]

TYPES_TARIFICATION = [
    ("forfait", "Forfait"),
    ("journalier", "Tarif journalier"),
    ("horaire", "Tarif horaire"),
    ("sur_devis", "Sur devis"),
]
COUVERTURES = [
    ("totale", "Prise en charge totale"),
    ("partielle", "Prise en charge partielle"),
    ("frais_scolarite", "Frais de scolarité"),
    ("logement", "Logement"),
    ("transport", "Transport"),
    ("allocation", "Allocation mensuelle"),
]

# Expected ids of the fixed enums (guards against accidental edits).
FIXED_IDS = {
    "types_contrat": ["cdi", "cdd", "stage", "alternance", "freelance", "interim", "temps_partiel"],
    "types_financement": ["subvention", "pret", "pret_honneur", "investissement", "microcredit", "prix", "autre"],
    "types_bourse": ["merite", "sociale", "excellence", "recherche", "mobilite", "formation_professionnelle", "autre"],
    "types_consultation": ["strategie", "juridique", "finance", "informatique", "marketing",
                           "ressources_humaines", "ingenierie", "formation", "autre"],
    "modes_travail": ["sur_site", "hybride", "teletravail"],
    "niveaux_experience": ["debutant", "junior", "intermediaire", "senior", "expert"],
    "niveaux_etude": ["bac", "bac_plus_2", "licence", "master", "doctorat", "formation_professionnelle"],
    "modes_prestation": ["sur_site", "a_distance", "mixte"],
    "types_tarification": ["forfait", "journalier", "horaire", "sur_devis"],
    "couvertures": ["totale", "partielle", "frais_scolarite", "logement", "transport", "allocation"],
}

SLUG_RE = re.compile(r"^[a-z0-9_]+$")
ALPHA2_RE = re.compile(r"^[A-Z]{2}$")

# ---------------------------------------------------------------------------


def clean(label):
    """Normalise a label: NFC, typographic apostrophe -> ASCII, trimmed."""
    label = unicodedata.normalize("NFC", label).replace("\u2019", "'")
    return " ".join(label.split())


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def collation_key(nom):
    """French-ish collation: accents, case and punctuation ignored first,
    then ties broken by the accented lowercase form, then the raw string."""
    base = unicodedata.normalize("NFKD", nom.translate(_LIGATURES))
    base = "".join(ch for ch in base if not unicodedata.combining(ch)).casefold()
    base = " ".join(re.sub(r"[^0-9a-z]+", " ", base).split())
    return (base, nom.casefold(), nom)


def sort_by_nom(items):
    """Sort by nom; an item with id "autre" always goes last."""
    return sorted(items, key=lambda it: (it["id"] == "autre",) + collation_key(it["nom"]) + (it["id"],))


def entries(pairs):
    return [{"id": i, "nom": clean(n)} for i, n in pairs]


def build_pays():
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    codes = {c.alpha_2 for c in pycountry.countries}
    for code, nom in PAYS_NOM_OVERRIDES.items():
        if code not in codes:
            sys.exit(f"stale override: unknown country {code}")
    pays = []
    for c in pycountry.countries:
        base = getattr(c, "common_name", None) or c.name
        nom = clean(tr.gettext(base))
        if c.alpha_2 in PAYS_NOM_OVERRIDES:
            override = clean(PAYS_NOM_OVERRIDES[c.alpha_2])
            if override == nom:
                sys.exit(f"stale override: {c.alpha_2} already '{nom}' in pycountry")
            nom = override
        pays.append({"id": c.alpha_2, "nom": nom})
    return sort_by_nom(pays)


def build_regions():
    tr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"])
    regions = {}
    used_overrides = set()
    for cc in REGION_COUNTRIES:
        subs = pycountry.subdivisions.get(country_code=cc) or []
        items = []
        for s in subs:
            if s.parent_code is not None:
                continue
            if cc == "FR" and s.type not in FR_TYPES_KEPT:
                continue
            nom = clean(tr.gettext(s.name))
            if s.code in REGION_NOM_OVERRIDES:
                override = clean(REGION_NOM_OVERRIDES[s.code])
                if override == nom:
                    sys.exit(f"stale override: {s.code} already '{nom}' in pycountry")
                nom = override
                used_overrides.add(s.code)
            items.append({"id": s.code, "nom": nom})
        regions[cc] = sort_by_nom(items)
    unused = set(REGION_NOM_OVERRIDES) - used_overrides
    if unused:
        sys.exit(f"stale override: unknown subdivisions {sorted(unused)}")
    return regions


def build():
    departements = []
    for dep_id, dep_nom, cats in DEPARTEMENTS:
        departements.append({
            "id": dep_id,
            "nom": clean(dep_nom),
            "categories": sort_by_nom(entries(cats)),
        })
    return {
        "version": VERSION,
        "pays": build_pays(),
        "regions": build_regions(),
        "secteurs_activite": sort_by_nom(entries(SECTEURS_ACTIVITE)),
        "departements": sort_by_nom(departements),
        "fonctions": sort_by_nom(entries(FONCTIONS)),
        "secteurs_financement": sort_by_nom(entries(SECTEURS_FINANCEMENT)),
        "cibles_financement": sort_by_nom(entries(CIBLES_FINANCEMENT)),
        "domaines_etude": sort_by_nom(entries(DOMAINES_ETUDE)),
        "types_organisation": sort_by_nom(entries(TYPES_ORGANISATION)),
        "types_contrat": entries(TYPES_CONTRAT),
        "types_financement": entries(TYPES_FINANCEMENT),
        "types_bourse": entries(TYPES_BOURSE),
        "types_consultation": entries(TYPES_CONSULTATION),
        "modes_travail": entries(MODES_TRAVAIL),
        "niveaux_experience": entries(NIVEAUX_EXPERIENCE),
        "niveaux_etude": entries(NIVEAUX_ETUDE),
        "modes_prestation": entries(MODES_PRESTATION),
        "types_tarification": entries(TYPES_TARIFICATION),
        "couvertures": entries(COUVERTURES),
    }


def validate(data):
    errors = []

    def check_list(name, items, id_re=SLUG_RE):
        ids = [it["id"] for it in items]
        if len(ids) != len(set(ids)):
            errors.append(f"{name}: duplicate ids")
        for it in items:
            if not id_re.match(it["id"]):
                errors.append(f"{name}: bad id {it['id']!r}")
            if not it["nom"] or it["nom"] != it["nom"].strip():
                errors.append(f"{name}: bad nom for {it['id']!r}")

    check_list("pays", data["pays"], ALPHA2_RE)
    if len(data["pays"]) != len(pycountry.countries):
        errors.append("pays: not every ISO 3166-1 country")
    pays_ids = {p["id"] for p in data["pays"]}
    for cc, items in data["regions"].items():
        if cc not in pays_ids:
            errors.append(f"regions: unknown country {cc}")
        check_list(f"regions.{cc}", items, re.compile(r"^[A-Z0-9-]+$"))
        for it in items:
            if not it["id"].startswith(cc + "-"):
                errors.append(f"regions.{cc}: {it['id']} lacks prefix")
    for key, value in data.items():
        if key in ("version", "pays", "regions"):
            continue
        check_list(key, value)
    cat_ids = [c["id"] for d in data["departements"] for c in d["categories"]]
    if len(cat_ids) != len(set(cat_ids)):
        errors.append("departements: category ids not globally unique")
    for d in data["departements"]:
        if not 3 <= len(d["categories"]) <= 8:
            errors.append(f"departements.{d['id']}: {len(d['categories'])} categories")
    for key, ids in FIXED_IDS.items():
        if [it["id"] for it in data[key]] != ids:
            errors.append(f"{key}: ids/order differ from the fixed enum")
    # Sanity checks on well-known subdivisions.
    regions = data["regions"]
    if len(regions["CI"]) != 14:
        errors.append(f"regions.CI: {len(regions['CI'])} districts, expected 14")
    if len(regions["SN"]) != 14:
        errors.append(f"regions.SN: {len(regions['SN'])} regions, expected 14")
    fr_metro = [s for s in pycountry.subdivisions.get(country_code="FR")
                if s.parent_code is None and s.type.startswith("Metropolitan")]
    fr_ids = {r["id"] for r in regions["FR"]}
    if len(fr_metro) != 13 or not {s.code for s in fr_metro} <= fr_ids:
        errors.append("regions.FR: expected the 13 metropolitan regions")
    if errors:
        sys.exit("validation failed:\n  " + "\n  ".join(errors))


def render(data):
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the file is missing or differs")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    data = build()
    validate(data)
    text = render(data)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            print(f"{args.output} is out of date; rerun generate.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date (pycountry {pycountry_version()})")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print(f"wrote {args.output} ({len(text.encode('utf-8'))} bytes, pycountry {pycountry_version()})")
    return 0


def pycountry_version():
    try:
        from importlib.metadata import version
        return version("pycountry")
    except Exception:  # pragma: no cover
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
