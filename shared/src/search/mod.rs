//! Search (spec 9): publications of one kind with the filters of spec 9.2
//! and a keyword query, and candidates for recruiters. The rules (what a
//! filter means, what a keyword matches, relevance) are plain functions
//! here; reading is a Query of the kind's public list (R1, R2 in
//! docs/data-model.md), the filters applied in code while pages fill.
//! docs/search.md tells the design, its scale and its next step.

#[cfg(feature = "search")]
pub mod api;

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use http::Uri;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use crate::accounts::{Details as Account, Disponibilite, Profile};
use crate::auth::{AuthUser, Role};
use crate::cursor::{Cursor, Paginated};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::page::{self, Listing, PageParams, PageRequest};
use crate::publications::{Details, Kind, Publication, Statut};
use crate::store::{Item, from_item, keys};
use crate::text::{contains_words, fold};
use crate::{Services, stats};

/// The stored, folded text a keyword query searches: title, description
/// (tags removed), skills and the kind's named fields.
pub const TEXT: &str = "recherche";

/// Most matches a relevance ordering ranks (it reads them all first).
pub const MAX_RANKED: usize = 1000;

/// The folded text of a publication (`TEXT`).
pub fn text(p: &Publication) -> String {
    let description = ammonia::Builder::empty().clean(&p.description).to_string();
    let mut parts = vec![p.titre.clone(), description];
    match &p.details {
        Details::Offre(o) => {
            parts.push(o.entreprise.clone());
            parts.extend(o.localisation.clone());
            parts.extend(o.competences_requises.iter().cloned());
        }
        Details::Financement(f) => parts.extend(f.secteur.iter().map(|r| r.nom().to_string())),
        Details::Bourse(b) => parts.extend(b.domaine_etude.iter().map(|r| r.nom().to_string())),
        Details::Consultation(c) => parts.extend(c.competences_requises.iter().cloned()),
    }
    fold(&parts.join(" "))
}

/// The amount a publication is sorted and filtered by: an offre's salary
/// (its maximum, else its minimum), a financement's or bourse's montant,
/// a consultation's budget.
pub fn amount(p: &Publication) -> Option<i64> {
    match &p.details {
        Details::Offre(o) => o.salaire_max.or(o.salaire_min),
        Details::Financement(f) => f.montant,
        Details::Bourse(b) => b.montant,
        Details::Consultation(c) => c.budget,
    }
}

/// The sort key of the public list by amount (GSI3): zero-padded, so it
/// sorts as a number; without an amount, as 0.
pub fn amount_order(p: &Publication) -> String {
    let date = p.date_publication.unwrap_or(p.date_modification);
    format!(
        "{:013}#{}#{}",
        amount(p).unwrap_or(0).max(0),
        crate::accounts::rfc3339(date),
        p.id
    )
}

/// True when a word of `text` starts with `word` (both folded):
/// "dev" and "developpeur" find "developpeur senior".
pub fn has_word_starting(text: &str, word: &str) -> bool {
    !word.is_empty()
        && text
            .match_indices(word)
            .any(|(i, _)| i == 0 || text.as_bytes()[i - 1] == b' ')
}

/// The query string of a publication search. Which filters apply depends
/// on the kind (docs/search.md); one that does not is a 400.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicationParams {
    /// Keywords, all required, each matching the start of a word of the
    /// title, description, skills or named fields; accents and case ignored.
    pub q: Option<String>,
    /// offres: words of the place (« abidjan »).
    pub localisation: Option<String>,
    /// financements: the sector's id, or words of its label.
    pub secteur: Option<String>,
    /// bourses: the field of study's id, or words of its label.
    pub domaine_etude: Option<String>,
    /// offres: a department's id (GET /api/reference/departements/).
    pub departement: Option<String>,
    /// offres: a category's id.
    pub categorie: Option<String>,
    /// offres: sur_site, hybride, teletravail.
    pub mode_travail: Option<String>,
    /// offres: debutant, junior, intermediaire, senior, expert.
    pub niveau_experience: Option<String>,
    /// financements: a target's id (GET /api/reference/cibles_financement/).
    pub cible: Option<String>,
    /// bourses: bac, bac_plus_2, licence, master, doctorat, formation_professionnelle.
    pub niveau_requis: Option<String>,
    /// consultations: sur_site, a_distance, mixte.
    pub mode_prestation: Option<String>,
    /// offres: words of the company name.
    pub entreprise: Option<String>,
    /// offres: cdi, cdd, stage, alternance, freelance, interim, temps_partiel.
    pub type_contrat: Option<String>,
    /// financements: its type.
    pub type_financement: Option<String>,
    /// bourses: its type.
    pub type_bourse: Option<String>,
    /// consultations: its type.
    pub type_consultation: Option<String>,
    /// offres: pays at least this much (its maximum, else its minimum).
    pub salaire_min: Option<String>,
    /// offres: starts at most this much (its minimum, else its maximum).
    pub salaire_max: Option<String>,
    /// financements, bourses (montant), consultations (budget): at least.
    pub montant_min: Option<String>,
    /// financements, bourses, consultations: at most.
    pub montant_max: Option<String>,
    /// offres: asks at most this many years of experience.
    pub experience_requise: Option<String>,
    /// offres, consultations: comma-separated skills, all required.
    pub competences: Option<String>,
    /// Created that day (YYYY-MM-DD, UTC).
    pub date_creation: Option<String>,
    /// Created on or after that day.
    pub date_creation_min: Option<String>,
    /// Created on or before that day.
    pub date_creation_max: Option<String>,
    /// active (public publications are open: `fermee` finds none).
    pub statut: Option<String>,
    /// The kind of the path, if given.
    pub type_publication: Option<String>,
    /// `-date_publication` (default), `date_publication`, `-montant`,
    /// `montant` (`salaire`, `-salaire` for offres too), `pertinence` (needs `q`).
    pub ordering: Option<String>,
}

/// How results are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ordering {
    Newest,
    Oldest,
    AmountDesc,
    AmountAsc,
    Relevance,
}

/// A checked publication search.
#[derive(Clone, Debug, PartialEq)]
pub struct Criteria {
    pub kind: Kind,
    pub words: Vec<String>,
    pub localisation: Option<String>,
    pub secteur: Option<String>,
    pub entreprise: Option<String>,
    /// The kind's own type field, as stored (`cdi`, `subvention`...).
    pub type_value: Option<String>,
    /// Fields that must hold exactly this id or choice (`departement`...).
    pub exact: Vec<(&'static str, String)>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub experience: Option<i64>,
    pub competences: Vec<String>,
    pub created_from: Option<Date>,
    pub created_to: Option<Date>,
    pub statut: Option<Statut>,
    pub ordering: Ordering,
}

/// Collects the field errors of a parse.
struct Checker {
    kind: Kind,
    errors: FieldErrors,
}

impl Checker {
    fn error(&mut self, name: &str, message: String) {
        self.errors.entry(name.into()).or_default().push(message);
    }

    /// `value` if the filter applies to this kind (`kinds`), else an error.
    fn applies<'a>(
        &mut self,
        name: &str,
        value: &'a Option<String>,
        kinds: &[Kind],
    ) -> Option<&'a str> {
        let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        if kinds.contains(&self.kind) {
            Some(v)
        } else {
            let names: Vec<&str> = kinds.iter().map(|k| k.plural()).collect();
            self.error(
                name,
                format!(
                    "Ce filtre ne s'applique pas aux {} (seulement : {}).",
                    self.kind.plural(),
                    names.join(", ")
                ),
            );
            None
        }
    }

    fn folded(&mut self, name: &str, value: &Option<String>, kinds: &[Kind]) -> Option<String> {
        let v = self.applies(name, value, kinds)?;
        let f = fold(v);
        if f.is_empty() {
            self.error(name, "Saisissez au moins une lettre ou un chiffre.".into());
            return None;
        }
        Some(f)
    }

    fn number(&mut self, name: &str, value: &Option<String>, kinds: &[Kind]) -> Option<i64> {
        let v = self.applies(name, value, kinds)?;
        match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                self.error(name, "Un entier positif ou nul est attendu.".into());
                None
            }
        }
    }

    fn choice<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &str,
        value: &Option<String>,
        kinds: &[Kind],
    ) -> Option<String> {
        let v = self.applies(name, value, kinds)?;
        match serde_json::from_value::<T>(serde_json::Value::String(v.into())) {
            Ok(_) => Some(v.to_string()),
            Err(_) => {
                self.error(name, format!("« {v} » n'est pas un choix valide."));
                None
            }
        }
    }

    /// An id of a reference list, exactly.
    fn reference<L: crate::reference::List>(
        &mut self,
        name: &'static str,
        value: &Option<String>,
        kinds: &[Kind],
    ) -> Option<(&'static str, String)> {
        let v = self.applies(name, value, kinds)?;
        match crate::reference::Ref::<L>::new(v) {
            Ok(_) => Some((name, v.to_string())),
            Err(message) => {
                self.error(name, message);
                None
            }
        }
    }

    fn day(&mut self, name: &str, value: &Option<String>) -> Option<Date> {
        let v = self.applies(name, value, &Kind::ALL)?;
        stats::day_param(&mut self.errors, name, Some(v))
    }
}

impl PublicationParams {
    /// Every bad filter reported at once (a 400 naming each).
    pub fn criteria(&self, kind: Kind) -> ApiResult<Criteria> {
        use crate::publications::{TypeBourse, TypeConsultation, TypeContrat, TypeFinancement};
        use Kind::*;
        let mut c = Checker {
            kind,
            errors: FieldErrors::new(),
        };
        let words: Vec<String> = self
            .q
            .as_deref()
            .map(fold)
            .unwrap_or_default()
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
            c.error("q", "200 caractères au plus.".into());
        }
        let localisation = c.folded("localisation", &self.localisation, &[Offre]);
        let secteur = match kind {
            Bourse => c.folded("domaine_etude", &self.domaine_etude, &[Bourse]),
            _ => c.folded("secteur", &self.secteur, &[Financement]),
        };
        if kind == Bourse {
            c.applies("secteur", &self.secteur, &[Financement]);
        } else {
            c.applies("domaine_etude", &self.domaine_etude, &[Bourse]);
        }
        let entreprise = c.folded("entreprise", &self.entreprise, &[Offre]);
        let types = [
            c.choice::<TypeContrat>("type_contrat", &self.type_contrat, &[Offre]),
            c.choice::<TypeFinancement>("type_financement", &self.type_financement, &[Financement]),
            c.choice::<TypeBourse>("type_bourse", &self.type_bourse, &[Bourse]),
            c.choice::<TypeConsultation>(
                "type_consultation",
                &self.type_consultation,
                &[Consultation],
            ),
        ];
        let type_value = types.into_iter().flatten().next();
        let exact_fields: Vec<(&'static str, String)> = {
            use crate::publications::{ModePrestation, ModeTravail, NiveauEtude, NiveauExperience};
            use crate::reference::{Categories, CiblesFinancement, Departements};
            let found = [
                c.reference::<Departements>("departement", &self.departement, &[Offre]),
                c.reference::<Categories>("categorie", &self.categorie, &[Offre]),
                c.choice::<ModeTravail>("mode_travail", &self.mode_travail, &[Offre])
                    .map(|v| ("mode_travail", v)),
                c.choice::<NiveauExperience>(
                    "niveau_experience",
                    &self.niveau_experience,
                    &[Offre],
                )
                .map(|v| ("niveau_experience", v)),
                c.reference::<CiblesFinancement>("cible", &self.cible, &[Financement]),
                c.choice::<NiveauEtude>("niveau_requis", &self.niveau_requis, &[Bourse])
                    .map(|v| ("niveau_requis", v)),
                c.choice::<ModePrestation>(
                    "mode_prestation",
                    &self.mode_prestation,
                    &[Consultation],
                )
                .map(|v| ("mode_prestation", v)),
            ];
            found.into_iter().flatten().collect()
        };
        let amounts = [Financement, Bourse, Consultation];
        let (min_name, max_name) = if kind == Offre {
            c.number("montant_min", &self.montant_min, &amounts);
            c.number("montant_max", &self.montant_max, &amounts);
            ("salaire_min", "salaire_max")
        } else {
            c.number("salaire_min", &self.salaire_min, &[Offre]);
            c.number("salaire_max", &self.salaire_max, &[Offre]);
            ("montant_min", "montant_max")
        };
        let (min_value, max_value) = if kind == Offre {
            (&self.salaire_min, &self.salaire_max)
        } else {
            (&self.montant_min, &self.montant_max)
        };
        let min = c.number(min_name, min_value, &Kind::ALL);
        let max = c.number(max_name, max_value, &Kind::ALL);
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            c.error(
                max_name,
                format!("Doit être supérieur ou égal à {min_name}."),
            );
        }
        let experience = c.number("experience_requise", &self.experience_requise, &[Offre]);
        let competences: Vec<String> = c
            .applies("competences", &self.competences, &[Offre, Consultation])
            .map(|list| {
                list.split(',')
                    .map(fold)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let exact = c.day("date_creation", &self.date_creation);
        let from = c.day("date_creation_min", &self.date_creation_min);
        let to = c.day("date_creation_max", &self.date_creation_max);
        let (created_from, created_to) = match exact {
            Some(d) => (
                Some(from.map_or(d, |f| f.max(d))),
                Some(to.map_or(d, |t| t.min(d))),
            ),
            None => (from, to),
        };
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            c.error("date_creation_max", "Doit suivre date_creation_min.".into());
        }
        // A day outside its own bounds asks for nothing: say so.
        if let Some(d) = exact
            && (from.is_some_and(|f| f > d) || to.is_some_and(|t| t < d))
        {
            c.error(
                "date_creation",
                "Ce jour est hors de date_creation_min et date_creation_max.".into(),
            );
        }
        let statut = match self.statut.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some("active") => Some(Statut::Active),
            Some("fermee") => Some(Statut::Fermee),
            Some(other) => {
                c.error("statut", format!("« {other} » n'est pas un choix valide."));
                None
            }
        };
        if let Some(t) = self.type_publication.as_deref().filter(|t| !t.is_empty())
            && t != kind.as_str()
        {
            c.error(
                "type_publication",
                format!("Cette recherche porte sur « {} » seulement.", kind.as_str()),
            );
        }
        let ordering = match self.ordering.as_deref().unwrap_or("") {
            "" | "-date_publication" => Ordering::Newest,
            "date_publication" => Ordering::Oldest,
            "-montant" => Ordering::AmountDesc,
            "montant" => Ordering::AmountAsc,
            "-salaire" if kind == Offre => Ordering::AmountDesc,
            "salaire" if kind == Offre => Ordering::AmountAsc,
            "pertinence" | "-pertinence" if !words.is_empty() => Ordering::Relevance,
            "pertinence" | "-pertinence" => {
                c.error(
                    "ordering",
                    "Le tri par pertinence demande des mots-clés (q).".into(),
                );
                Ordering::Newest
            }
            other => {
                c.error(
                    "ordering",
                    format!(
                        "« {other} » n'est pas un choix valide : -date_publication, date_publication, -montant, montant, pertinence."
                    ),
                );
                Ordering::Newest
            }
        };
        if !c.errors.is_empty() {
            return Err(ApiError::Fields(c.errors));
        }
        Ok(Criteria {
            kind,
            words,
            localisation,
            secteur,
            entreprise,
            type_value,
            exact: exact_fields,
            min,
            max,
            experience,
            competences,
            created_from,
            created_to,
            statut,
            ordering,
        })
    }
}

/// The kind's own type field, as stored.
fn type_value(p: &Publication) -> String {
    let v = match &p.details {
        Details::Offre(o) => serde_json::to_value(o.type_contrat),
        Details::Financement(f) => serde_json::to_value(f.type_financement),
        Details::Bourse(b) => serde_json::to_value(b.type_bourse),
        Details::Consultation(c) => serde_json::to_value(c.type_consultation),
    };
    v.ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn skills(p: &Publication) -> &[String] {
    match &p.details {
        Details::Offre(o) => &o.competences_requises,
        Details::Consultation(c) => &c.competences_requises,
        _ => &[],
    }
}

fn words_in(field: Option<&str>, wanted: &Option<String>) -> bool {
    match wanted {
        None => true,
        Some(w) => field.is_some_and(|f| contains_words(&fold(f), w)),
    }
}

impl Criteria {
    /// Whether `p` (with its folded `text`) is a result.
    pub fn matches(&self, p: &Publication, text: &str) -> bool {
        if p.kind() != self.kind {
            return false;
        }
        if !self.words.iter().all(|w| has_word_starting(text, w)) {
            return false;
        }
        let labelled = |id: &str, nom: &str| format!("{} {nom}", id.replace('_', " "));
        let (localisation, secteur, entreprise) = match &p.details {
            Details::Offre(o) => (o.localisation.clone(), None, Some(o.entreprise.as_str())),
            Details::Financement(f) => (
                None,
                f.secteur.as_ref().map(|r| labelled(r.id(), r.nom())),
                None,
            ),
            Details::Bourse(b) => (
                None,
                b.domaine_etude.as_ref().map(|r| labelled(r.id(), r.nom())),
                None,
            ),
            Details::Consultation(_) => (None, None, None),
        };
        if !words_in(localisation.as_deref(), &self.localisation)
            || !words_in(secteur.as_deref(), &self.secteur)
            || !words_in(entreprise, &self.entreprise)
        {
            return false;
        }
        if !self.exact.is_empty() {
            let fields = serde_json::to_value(&p.details).unwrap_or_default();
            let holds = |name: &str, wanted: &str| match fields.get(name) {
                Some(serde_json::Value::String(v)) => v == wanted,
                Some(serde_json::Value::Object(o)) => {
                    o.get("id").and_then(|v| v.as_str()) == Some(wanted)
                }
                _ => false,
            };
            if !self.exact.iter().all(|(name, wanted)| holds(name, wanted)) {
                return false;
            }
        }
        if self
            .type_value
            .as_ref()
            .is_some_and(|t| *t != type_value(p))
        {
            return false;
        }
        // Amounts: an offre's range must reach `min` and start under `max`.
        let (low, high) = match &p.details {
            Details::Offre(o) => (
                o.salaire_min.or(o.salaire_max),
                o.salaire_max.or(o.salaire_min),
            ),
            _ => (amount(p), amount(p)),
        };
        if self.min.is_some_and(|m| high.is_none_or(|h| h < m))
            || self.max.is_some_and(|m| low.is_none_or(|l| l > m))
        {
            return false;
        }
        if let (Some(years), Details::Offre(o)) = (self.experience, &p.details)
            && o.experience_requise.unwrap_or(0) > years
        {
            return false;
        }
        let folded: Vec<String> = skills(p).iter().map(|s| fold(s)).collect();
        if !self
            .competences
            .iter()
            .all(|c| folded.iter().any(|s| contains_words(s, c)))
        {
            return false;
        }
        let created = p.date_creation.to_offset(time::UtcOffset::UTC).date();
        if self.created_from.is_some_and(|f| created < f)
            || self.created_to.is_some_and(|t| created > t)
        {
            return false;
        }
        if self.statut.is_some_and(|s| s != p.statut) {
            return false;
        }
        true
    }

    /// How well `p` answers the keywords: 3 per word found in the title,
    /// 2 in the skills, 1 elsewhere.
    pub fn relevance(&self, p: &Publication, text: &str) -> u32 {
        let title = fold(&p.titre);
        let skills = fold(&skills(p).join(" "));
        self.words
            .iter()
            .map(|w| {
                if has_word_starting(&title, w) {
                    3
                } else if has_word_starting(&skills, w) {
                    2
                } else if has_word_starting(text, w) {
                    1
                } else {
                    0
                }
            })
            .sum()
    }
}

/// A publication and its folded text from a raw item (the text computed
/// again for an item stored without it).
fn indexed(item: &Item) -> Option<(Publication, String)> {
    let p: Publication = from_item(item.clone()).ok()?;
    let text = match item.get(TEXT).and_then(|v| v.as_s().ok()) {
        Some(t) => t.clone(),
        None => text(&p),
    };
    Some((p, text))
}

/// A public search of one kind: `GET /api/recherche/<kind>/`.
pub async fn publications(
    services: &Services,
    kind: Kind,
    uri: &Uri,
) -> ApiResult<Paginated<Publication>> {
    let params: PublicationParams = page::query(uri)?;
    let criteria = params.criteria(kind)?;
    let paging: PageParams = page::query(uri)?;
    // The cursor is bound to the whole search: another filter, another list.
    let scope = format!("search:{criteria:?}");
    let request = paging.resolve(&services.cursors, &scope)?;
    let partition = keys::public_publications(kind.as_str());
    let now = time::OffsetDateTime::now_utc();
    if criteria.ordering == Ordering::Relevance {
        return ranked(services, &criteria, &scope, &request, uri).await;
    }
    let list = match criteria.ordering {
        Ordering::AmountDesc | Ordering::AmountAsc => Listing::index("GSI3", partition),
        _ => Listing::index("GSI1", partition),
    };
    let list = match criteria.ordering {
        Ordering::Oldest | Ordering::AmountAsc => list.oldest_first(),
        _ => list,
    };
    let keep = |item: &Item| {
        indexed(item)
            .filter(|(p, text)| p.is_public_at(now) && criteria.matches(p, text))
            .map(|(p, _)| p)
    };
    let page = list.page_where(&services.store, &request, &keep).await?;
    Ok(page.into_response(&services.cursors, &scope, uri, |p| p))
}

/// Results by relevance: every match read (up to `MAX_RANKED`), ranked,
/// then paged by position.
async fn ranked(
    services: &Services,
    criteria: &Criteria,
    scope: &str,
    request: &PageRequest,
    uri: &Uri,
) -> ApiResult<Paginated<Publication>> {
    let offset = match &request.cursor {
        None => 0,
        Some(c) => c
            .key
            .get("position")
            .and_then(|v| v.as_s().ok())
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| ApiError::BadRequest("Curseur invalide.".into()))?,
    };
    // Each match with its score, computed once.
    let now = time::OffsetDateTime::now_utc();
    let keep = |item: &Item| {
        indexed(item)
            .filter(|(p, text)| p.is_public_at(now) && criteria.matches(p, text))
            .map(|(p, text)| (criteria.relevance(&p, &text), p))
    };
    let list = Listing::index("GSI1", keys::public_publications(criteria.kind.as_str()));
    let (mut scored, more) = list.read_where(&services.store, MAX_RANKED, &keep).await?;
    let total = scored.len();
    // Every match was read, so their number is exact; past the cap it
    // is not known, and left out.
    let count = (!more).then_some(total as u64);
    // Best first; equal scores newest first (the order read).
    scored.sort_by(|a, b| b.0.cmp(&a.0));
    let position = |n: usize| Cursor {
        key: HashMap::from([("position".to_string(), AttributeValue::S(n.to_string()))]),
        backwards: false,
    };
    let end = (offset + request.size).min(scored.len());
    let results: Vec<Publication> = scored
        .into_iter()
        .skip(offset)
        .take(request.size)
        .map(|(_, p)| p)
        .collect();
    let link = |n: usize| page::link(uri, &services.cursors.encode(scope, &position(n)));
    Ok(Paginated {
        count,
        next: (end < total).then(|| link(end)),
        previous: (offset > 0).then(|| link(offset.saturating_sub(request.size))),
        results,
    })
}

/// The query string of a candidate search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateParams {
    /// Keywords, all required, over skills, training and place (accents and case ignored).
    pub q: Option<String>,
    /// Comma-separated skills, all required.
    pub competences: Option<String>,
    /// Words of the place.
    pub localisation: Option<String>,
    /// At least this many years of experience.
    pub experience_min: Option<String>,
    /// immediate, sous_1_mois, sous_3_mois, indisponible.
    pub disponibilite: Option<String>,
    /// Expects at most this salary (candidates who said nothing are left out).
    pub salaire_max: Option<String>,
}

/// A candidate as a recruiter may see them: contact details only when
/// they applied to one of the recruiter's publications (always for an admin).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CandidateCard {
    pub id: String,
    pub nom: String,
    pub prenom: String,
    pub competences: Vec<String>,
    pub experience: Option<u32>,
    pub formation: Option<String>,
    pub localisation: Option<String>,
    pub disponibilite: Option<Disponibilite>,
    pub salaire_souhaite: Option<u64>,
    /// True when they applied to one of my publications (and have not withdrawn).
    pub a_postule: bool,
    /// Only when `a_postule` (or for an admin).
    pub email: Option<String>,
    pub telephone: Option<String>,
}

/// A checked candidate search.
#[derive(Debug, PartialEq)]
pub struct CandidateCriteria {
    pub words: Vec<String>,
    pub competences: Vec<String>,
    pub localisation: Option<String>,
    pub experience_min: Option<u32>,
    pub disponibilite: Option<Disponibilite>,
    pub salaire_max: Option<u64>,
}

impl CandidateParams {
    pub fn criteria(&self) -> ApiResult<CandidateCriteria> {
        let mut errors = FieldErrors::new();
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        let mut number = |name: &str, v: &Option<String>| match text(v) {
            None => None,
            Some(t) => match t.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.insert(
                        name.into(),
                        vec!["Un entier positif ou nul est attendu.".into()],
                    );
                    None
                }
            },
        };
        let experience_min =
            number("experience_min", &self.experience_min).map(|n| n.min(u32::MAX as u64) as u32);
        let salaire_max = number("salaire_max", &self.salaire_max);
        let disponibilite = match text(&self.disponibilite) {
            None => None,
            Some(t) => match serde_json::from_value(serde_json::Value::String(t.clone())) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.insert(
                        "disponibilite".into(),
                        vec![format!("« {t} » n'est pas un choix valide.")],
                    );
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(ApiError::Fields(errors));
        }
        Ok(CandidateCriteria {
            words: text(&self.q)
                .map(|q| {
                    fold(&q)
                        .split(' ')
                        .filter(|w| !w.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            competences: text(&self.competences)
                .map(|l| l.split(',').map(fold).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default(),
            localisation: text(&self.localisation)
                .map(|l| fold(&l))
                .filter(|l| !l.is_empty()),
            experience_min,
            disponibilite,
            salaire_max,
        })
    }
}

impl CandidateCriteria {
    /// Whether an active candidate's profile is a result.
    pub fn matches(&self, profile: &Profile) -> bool {
        let Account::Candidat(c) = &profile.details else {
            return false;
        };
        if !profile.is_active {
            return false;
        }
        let skills: Vec<String> = c.competences.iter().map(|s| fold(s)).collect();
        let text = fold(&format!(
            "{} {} {}",
            c.competences.join(" "),
            c.formation.as_deref().unwrap_or(""),
            c.localisation.as_deref().unwrap_or("")
        ));
        self.words.iter().all(|w| has_word_starting(&text, w))
            && self
                .competences
                .iter()
                .all(|w| skills.iter().any(|s| contains_words(s, w)))
            && words_in(c.localisation.as_deref(), &self.localisation)
            && self
                .experience_min
                .is_none_or(|m| c.experience.unwrap_or(0) >= m)
            && self
                .disponibilite
                .is_none_or(|d| c.disponibilite == Some(d))
            && self
                .salaire_max
                .is_none_or(|m| c.salaire_souhaite.is_some_and(|s| s <= m))
    }
}

/// What of `profile` the caller sees.
pub fn card(profile: Profile, applied: bool, admin: bool) -> Option<CandidateCard> {
    let Account::Candidat(c) = profile.details else {
        return None;
    };
    let contact = applied || admin;
    Some(CandidateCard {
        id: profile.id,
        nom: profile.nom,
        prenom: profile.prenom,
        competences: c.competences,
        experience: c.experience,
        formation: c.formation,
        localisation: c.localisation,
        disponibilite: c.disponibilite,
        salaire_souhaite: c.salaire_souhaite,
        a_postule: applied,
        email: contact.then_some(profile.email),
        telephone: if contact { profile.telephone } else { None },
    })
}

/// `GET /api/recherche/candidats/`: recruiters and admins only.
pub async fn candidates(
    services: &Services,
    user: &AuthUser,
    uri: &Uri,
) -> ApiResult<Paginated<CandidateCard>> {
    user.require(&[Role::Recruteur, Role::Admin]).map_err(|_| {
        ApiError::Forbidden("La recherche de candidats est réservée aux recruteurs.".into())
    })?;
    let criteria: CandidateCriteria = page::query::<CandidateParams>(uri)?.criteria()?;
    let scope = format!("candidates:{}:{criteria:?}", user.sub);
    let request = page::query::<PageParams>(uri)?.resolve(&services.cursors, &scope)?;
    let keep = |item: &Item| {
        from_item::<Profile>(item.clone())
            .ok()
            .filter(|p| criteria.matches(p))
    };
    let list = Listing::index("GSI1", keys::users_by_role(Role::Candidat.as_str()));
    // A recruiter searches once an admin verified it (spec 14.1), as it
    // publishes; checked while the page is read.
    let verified = async {
        if user.is_admin() {
            return Ok(true);
        }
        let profile = crate::accounts::get(&services.store, &user.sub).await?;
        Ok::<_, ApiError>(profile.is_some_and(|p| {
            p.details.admin_validation() == Some(crate::accounts::Verification::Verifie)
        }))
    };
    let (verified, page) =
        tokio::join!(verified, list.page_where(&services.store, &request, &keep));
    if !verified? {
        return Err(ApiError::Forbidden(
            "Votre compte recruteur doit être validé par un administrateur avant de rechercher des candidats."
                .into(),
        ));
    }
    let page = page?;
    // Who applied to me: one BatchGetItem of the page's counters.
    let applied: Vec<bool> = if user.is_admin() || page.items.is_empty() {
        vec![false; page.items.len()]
    } else {
        let ks: Vec<(String, String)> = page
            .items
            .iter()
            .map(|p| keys::applicant_of(&user.sub, &p.id))
            .collect();
        services
            .store
            .get_many(&ks)
            .await?
            .into_iter()
            .map(|item| {
                item.and_then(|i| {
                    i.get("candidatures")
                        .and_then(|v| v.as_n().ok())
                        .and_then(|n| n.parse::<i64>().ok())
                })
                .is_some_and(|n| n > 0)
            })
            .collect()
    };
    let admin = user.is_admin();
    let mut applied = applied.into_iter();
    Ok(page.into_response(&services.cursors, &scope, uri, |p| {
        let a = applied.next().unwrap_or(false);
        card(p, a, admin)
    }))
    .map(|mut p: Paginated<Option<CandidateCard>>| {
        let cards = std::mem::take(&mut p.results)
            .into_iter()
            .flatten()
            .collect();
        p.with_results(cards)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publications::Content;
    use serde_json::json;
    use time::OffsetDateTime;

    fn offre(body: serde_json::Value) -> Publication {
        let mut base = json!({"titre": "Développeur Rust", "description": "<p>Poste à <b>Abidjan</b></p>", "entreprise": "Orange Côte d'Ivoire", "type_contrat": "cdi"});
        base.as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        Publication::new(
            "r",
            Content::parse(Kind::Offre, base).unwrap(),
            OffsetDateTime::now_utc(),
        )
    }

    fn criteria(kind: Kind, q: &str) -> ApiResult<Criteria> {
        serde_urlencoded::from_str::<PublicationParams>(q)
            .unwrap()
            .criteria(kind)
    }

    fn hit(c: &str, p: &Publication) -> bool {
        criteria(p.kind(), c).unwrap().matches(p, &text(p))
    }

    #[test]
    fn keywords_ignore_accents_and_case_and_match_word_starts() {
        let p = offre(json!({"competences_requises": ["PostgreSQL"]}));
        assert_eq!(
            text(&p),
            "developpeur rust poste a abidjan orange cote d ivoire postgresql"
        );
        assert!(hit("q=developpeur", &p));
        assert!(hit("q=DÉVELOPPEUR+rust", &p));
        assert!(hit("q=dev", &p), "a word's start");
        assert!(!hit("q=veloppeur", &p), "not its middle");
        assert!(!hit("q=developpeur+java", &p), "every word");
        assert!(!hit("q=b", &p), "tags are not text");
    }

    #[test]
    fn salary_ranges_overlap_and_need_a_salary() {
        let p = offre(json!({"salaire_min": 300, "salaire_max": 500}));
        assert!(hit("salaire_min=500", &p) && !hit("salaire_min=501", &p));
        assert!(hit("salaire_max=300", &p) && !hit("salaire_max=299", &p));
        assert!(hit("salaire_min=400&salaire_max=400", &p));
        assert!(
            !hit("salaire_min=0", &offre(json!({}))),
            "no salary, no match"
        );
        let only_min = offre(json!({"salaire_min": 300}));
        assert!(hit("salaire_min=300", &only_min) && !hit("salaire_min=301", &only_min));
    }

    #[test]
    fn kind_fields_filters_and_dates() {
        let p = offre(
            json!({"localisation": "Abidjan, Côte d'Ivoire", "experience_requise": 3, "competences_requises": ["Gestion de projet", "Rust"]}),
        );
        assert!(hit("localisation=cote+d%27ivoire", &p) && !hit("localisation=dakar", &p));
        assert!(hit("entreprise=orange", &p) && !hit("entreprise=mtn", &p));
        assert!(hit("type_contrat=cdi", &p) && !hit("type_contrat=cdd", &p));
        assert!(hit("experience_requise=3", &p) && !hit("experience_requise=2", &p));
        assert!(hit("competences=rust,GESTION+DE+PROJET", &p) && !hit("competences=rust,java", &p));
        let today = OffsetDateTime::now_utc().date();
        assert!(hit(&format!("date_creation={today}"), &p));
        assert!(!hit(
            &format!("date_creation_min={}", today.next_day().unwrap()),
            &p
        ));
        assert!(hit("statut=active", &p) && !hit("statut=fermee", &p));
    }

    #[test]
    fn bad_or_foreign_filters_are_field_errors() {
        let fields = |kind, q| match criteria(kind, q) {
            Err(ApiError::Fields(f)) => f.into_keys().collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields(Kind::Offre, "salaire_min=10&salaire_max=5"),
            ["salaire_max"]
        );
        assert_eq!(
            fields(Kind::Offre, "type_contrat=cdx&date_creation=hier"),
            ["date_creation", "type_contrat"]
        );
        assert_eq!(
            fields(Kind::Bourse, "type_contrat=cdi&salaire_min=1"),
            ["salaire_min", "type_contrat"]
        );
        assert_eq!(
            fields(Kind::Financement, "ordering=pertinence"),
            ["ordering"]
        );
        assert_eq!(
            fields(Kind::Financement, "ordering=prix&statut=ouverte"),
            ["ordering", "statut"]
        );
        assert_eq!(
            fields(Kind::Offre, "type_publication=bourse"),
            ["type_publication"]
        );
        assert_eq!(
            fields(
                Kind::Offre,
                "date_creation=2026-11-10&date_creation_min=2026-11-11"
            ),
            ["date_creation"]
        );
        assert!(
            criteria(
                Kind::Offre,
                "date_creation=2026-11-10&date_creation_max=2026-11-10"
            )
            .is_ok()
        );
        assert!(
            criteria(
                Kind::Consultation,
                "montant_min=5&montant_max=5&competences=x"
            )
            .is_ok()
        );
    }

    #[test]
    fn relevance_prefers_titles_then_skills() {
        let c = criteria(Kind::Offre, "q=rust").unwrap();
        let title = offre(json!({}));
        let skill = offre(json!({"titre": "Ingénieur", "competences_requises": ["Rust"]}));
        let body = offre(json!({"titre": "Ingénieur", "description": "Un peu de Rust"}));
        let scores: Vec<u32> = [&title, &skill, &body]
            .iter()
            .map(|p| c.relevance(p, &text(p)))
            .collect();
        assert_eq!(scores, [3, 2, 1]);
    }

    #[test]
    fn amounts_sort_as_numbers() {
        let a = amount_order(&offre(json!({"salaire_max": 90})));
        let b = amount_order(&offre(json!({"salaire_max": 1000})));
        assert!(a < b && a.starts_with("0000000000090#"));
    }
}
