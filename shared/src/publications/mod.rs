//! Publications (spec 3, 5, 6, 7 and 14.2). The four kinds (offres,
//! financements, bourses, consultations) share one model, one set of rules
//! and one storage; what differs per kind is its fields (`Details`) and
//! their checks. The HTTP side is `api`, which each kind's function crate
//! serves through `publication_area!`. docs/publications.md tells the
//! workflow.

#[cfg(feature = "sns")]
pub mod api;
pub mod lists;
pub mod store;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::json;
use crate::reference::{self, Ref};
use crate::validation;

/// The four kinds of publication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TypePublication)]
pub enum Kind {
    Offre,
    Financement,
    Bourse,
    Consultation,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Offre,
        Kind::Financement,
        Kind::Bourse,
        Kind::Consultation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Offre => "offre",
            Kind::Financement => "financement",
            Kind::Bourse => "bourse",
            Kind::Consultation => "consultation",
        }
    }

    /// The path segment of its routes: `/api/offres/`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Offre => "offres",
            Kind::Financement => "financements",
            Kind::Bourse => "bourses",
            Kind::Consultation => "consultations",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The `type_publication` query parameter: none when absent, else a
    /// kind, or a 400 on the field.
    pub fn from_param(value: Option<&str>) -> ApiResult<Option<Kind>> {
        match value.filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => Kind::parse(text).map(Some).ok_or_else(|| {
                ApiError::field(
                    "type_publication",
                    "« offre », « financement », « bourse » ou « consultation » attendu.",
                )
            }),
        }
    }

    /// Its indefinite article, capitalized: « Une offre », « Un financement ».
    pub fn article(self) -> &'static str {
        match self {
            Kind::Financement => "Un",
            _ => "Une",
        }
    }

    /// The ending of a past participle that agrees with it (« validée »).
    pub fn agreement(self) -> &'static str {
        match self {
            Kind::Financement => "",
            _ => "e",
        }
    }

    /// Its name in a French sentence: « votre offre d'emploi ».
    pub fn label(self) -> &'static str {
        match self {
            Kind::Offre => "offre d'emploi",
            Kind::Financement => "financement",
            Kind::Bourse => "bourse",
            Kind::Consultation => "consultation",
        }
    }
}

/// Admin review state (spec 14.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatutValidation {
    #[default]
    EnAttente,
    Validee,
    Refuse,
}

impl StatutValidation {
    pub const ALL: [StatutValidation; 3] = [
        StatutValidation::EnAttente,
        StatutValidation::Validee,
        StatutValidation::Refuse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StatutValidation::EnAttente => "en_attente",
            StatutValidation::Validee => "validee",
            StatutValidation::Refuse => "refuse",
        }
    }
}

/// Open for applications, or closed by its author.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Statut {
    #[default]
    Active,
    Fermee,
}

impl Statut {
    pub fn as_str(self) -> &'static str {
        match self {
            Statut::Active => "active",
            Statut::Fermee => "fermee",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeContrat {
    Cdi,
    Cdd,
    Stage,
    Alternance,
    Freelance,
    Interim,
    TempsPartiel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeFinancement {
    Subvention,
    Pret,
    PretHonneur,
    Investissement,
    Microcredit,
    Prix,
    Autre,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeBourse {
    Merite,
    Sociale,
    Excellence,
    Recherche,
    Mobilite,
    FormationProfessionnelle,
    Autre,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeConsultation {
    Strategie,
    Juridique,
    Finance,
    Informatique,
    Marketing,
    RessourcesHumaines,
    Ingenierie,
    Formation,
    Autre,
}

/// Where the work is done (an offre's `mode_travail`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModeTravail {
    SurSite,
    Hybride,
    Teletravail,
}

/// The experience an offre asks for, as a level (`niveau_experience`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NiveauExperience {
    Debutant,
    Junior,
    Intermediaire,
    Senior,
    Expert,
}

/// The study level a bourse requires (`niveau_requis`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NiveauEtude {
    Bac,
    #[serde(rename = "bac_plus_2")]
    BacPlus2,
    Licence,
    Master,
    Doctorat,
    FormationProfessionnelle,
}

/// What a bourse covers (`couverture`, several).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Couverture {
    Totale,
    Partielle,
    FraisScolarite,
    Logement,
    Transport,
    Allocation,
}

/// How a consultation is delivered (`mode_prestation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModePrestation {
    SurSite,
    ADistance,
    Mixte,
}

/// How a consultation's `budget` is to be read (`type_tarification`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeTarification {
    Forfait,
    Journalier,
    Horaire,
    SurDevis,
}

/// The fields of an offre d'emploi (spec 3.1). Amounts are whole units of
/// the currency; salaries are yearly and gross.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
pub struct Offre {
    /// The hiring company; the recruiter's own by default.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::plain_text")
    )]
    pub entreprise: String,
    pub type_contrat: TypeContrat,
    #[serde(default)]
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0)]
    pub salaire_min: Option<i64>,
    /// At least `salaire_min`.
    #[serde(default)]
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0)]
    pub salaire_max: Option<i64>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::plain_text")
    )]
    pub localisation: Option<String>,
    #[serde(default)]
    #[validate(custom(function = "validation::labels"))]
    pub competences_requises: Vec<String>,
    /// Years of experience.
    #[serde(default)]
    #[validate(range(min = 0, max = 50))]
    pub experience_requise: Option<i64>,
    #[serde(default)]
    pub niveau_experience: Option<NiveauExperience>,
    #[serde(default)]
    pub mode_travail: Option<ModeTravail>,
    /// Required by the offer form of the apps: its select is.
    #[serde(default)]
    #[schema(value_type = Option<reference::RefValue>)]
    pub departement: Option<Ref<reference::Departements>>,
    /// One of `departement`'s categories.
    #[serde(default)]
    #[schema(value_type = Option<reference::RefValue>)]
    pub categorie: Option<Ref<reference::Categories>>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "validation::plain_text")
    )]
    pub profil_recherche: Option<String>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "validation::plain_text")
    )]
    pub informations_complementaires: Option<String>,
    /// Applying needs a CV (the profile's, or one sent).
    #[serde(default)]
    pub cv_requis: bool,
    /// Applying needs a cover letter (text or file).
    #[serde(default)]
    pub lettre_requise: bool,
    #[serde(default)]
    pub urgent: bool,
}

/// The fields of a financement (spec 5.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
pub struct Financement {
    #[serde(default)]
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0)]
    pub montant: Option<i64>,
    pub type_financement: TypeFinancement,
    #[serde(default)]
    #[schema(value_type = Option<reference::RefValue>)]
    pub secteur: Option<Ref<reference::SecteursFinancement>>,
    /// Eligibility.
    #[serde(default)]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "validation::plain_text")
    )]
    pub conditions: Option<String>,
    #[serde(default)]
    #[validate(custom(function = "validation::labels"))]
    pub documents_requis: Vec<String>,
    /// The range of amounts granted.
    #[serde(default)]
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0)]
    pub montant_min: Option<i64>,
    /// At least `montant_min`.
    #[serde(default)]
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0)]
    pub montant_max: Option<i64>,
    /// Yearly rate, in percent.
    #[serde(default)]
    #[validate(range(min = 0.0, max = 100.0))]
    pub taux: Option<f64>,
    /// In months.
    #[serde(default)]
    #[validate(range(min = 1, max = 600))]
    pub duree_remboursement: Option<u32>,
    #[serde(default)]
    #[schema(value_type = Option<reference::RefValue>)]
    pub cible: Option<Ref<reference::CiblesFinancement>>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::plain_text")
    )]
    pub zone_geographique: Option<String>,
    /// How to apply.
    #[serde(default)]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "validation::plain_text")
    )]
    pub processus: Option<String>,
}

/// The fields of a bourse (spec 6.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
pub struct Bourse {
    #[serde(default)]
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0)]
    pub montant: Option<i64>,
    pub type_bourse: TypeBourse,
    #[serde(default)]
    #[schema(value_type = Option<reference::RefValue>)]
    pub domaine_etude: Option<Ref<reference::DomainesEtude>>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "validation::plain_text")
    )]
    pub conditions: Option<String>,
    #[serde(default)]
    #[validate(custom(function = "validation::labels"))]
    pub documents_requis: Vec<String>,
    #[serde(default)]
    pub niveau_requis: Option<NiveauEtude>,
    /// As written: « 2 ans », « 10 mois ».
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::plain_text")
    )]
    pub duree: Option<String>,
    /// When the funded studies start: `AAAA-MM-JJ`.
    #[serde(
        default,
        deserialize_with = "optional_day",
        serialize_with = "day::option::serialize"
    )]
    #[schema(value_type = Option<String>, format = Date)]
    pub date_debut: Option<time::Date>,
    #[serde(default)]
    #[validate(range(min = 1, max = 1_000_000))]
    pub nombre_beneficiaires: Option<u32>,
    /// The awarding organisation.
    #[serde(default)]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::plain_text")
    )]
    pub organisation: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<reference::RefValue>)]
    pub type_organisation: Option<Ref<reference::TypesOrganisation>>,
    #[serde(default)]
    #[validate(length(max = 6))]
    pub couverture: Vec<Couverture>,
    /// Where to apply, when it is on the organisation's own site.
    #[serde(default)]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    pub lien_candidature: Option<String>,
}

/// The fields of a consultation (spec 7.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
pub struct Consultation {
    pub type_consultation: TypeConsultation,
    #[serde(default)]
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    #[schema(minimum = 0)]
    pub budget: Option<i64>,
    /// As written: « 3 mois », « 10 jours ».
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::plain_text")
    )]
    pub duree: Option<String>,
    #[serde(default)]
    #[validate(custom(function = "validation::labels"))]
    pub competences_requises: Vec<String>,
    #[serde(default)]
    pub mode_prestation: Option<ModePrestation>,
    /// How `budget` reads: a fixed price, per day, per hour, on quote.
    #[serde(default)]
    pub type_tarification: Option<TypeTarification>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "validation::plain_text")
    )]
    pub objectifs: Option<String>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "validation::plain_text")
    )]
    pub methodologie: Option<String>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "validation::plain_text")
    )]
    pub livrables: Option<String>,
    /// Years of experience asked of the prestataire.
    #[serde(default)]
    #[validate(range(min = 0, max = 50))]
    pub annees_experience: Option<u32>,
}

/// The fields of each kind, tagged by `type_publication`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type_publication", rename_all = "snake_case")]
#[schema(as = PublicationDetails)]
pub enum Details {
    Offre(Offre),
    Financement(Financement),
    Bourse(Bourse),
    Consultation(Consultation),
}

impl Details {
    pub fn kind(&self) -> Kind {
        match self {
            Details::Offre(_) => Kind::Offre,
            Details::Financement(_) => Kind::Financement,
            Details::Bourse(_) => Kind::Bourse,
            Details::Consultation(_) => Kind::Consultation,
        }
    }

    /// The fields of `kind`, one part of a body, checked.
    fn parse(kind: Kind, body: &mut json::Parts) -> ApiResult<Option<Details>> {
        let details = match kind {
            Kind::Offre => body.part().map(Details::Offre),
            Kind::Financement => body.part().map(Details::Financement),
            Kind::Bourse => body.part().map(Details::Bourse),
            Kind::Consultation => body.part().map(Details::Consultation),
        };
        match details {
            Some(details) => Ok(body.keep(details.check())?.map(|()| details)),
            None => Ok(None),
        }
    }

    /// The rules across fields.
    fn check(&self) -> ApiResult<()> {
        match self {
            Details::Offre(o) => {
                if let (Some(min), Some(max)) = (o.salaire_min, o.salaire_max)
                    && min > max
                {
                    return Err(ApiError::field(
                        "salaire_max",
                        "Le salaire maximum doit être supérieur ou égal au salaire minimum.",
                    ));
                }
                if let Some(categorie) = &o.categorie {
                    let of = reference::get().departement_of(categorie.id());
                    if o.departement.as_ref().map(Ref::id) != of {
                        return Err(ApiError::field(
                            "categorie",
                            "Cette catégorie n'appartient pas au département choisi.",
                        ));
                    }
                }
            }
            Details::Financement(f) => {
                if let (Some(min), Some(max)) = (f.montant_min, f.montant_max)
                    && min > max
                {
                    return Err(ApiError::field(
                        "montant_max",
                        "Le montant maximum doit être supérieur ou égal au montant minimum.",
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The fields of a publication that only the platform writes: a body may
/// carry them back as read, and they are ignored.
pub const READ_ONLY: &[&str] = &[
    "id",
    "recruteur",
    "logo",
    "type_publication",
    "statut_validation",
    "motif_refus",
    "nombre_candidatures",
    "date_creation",
    "date_modification",
    "date_publication",
    "date_fermeture",
];

/// 400 on `date_limite` when an author sets a deadline already past, or
/// reopens a publication whose deadline has passed (it needs a new one).
pub fn check_deadline(
    before: Option<&Publication>,
    content: &Content,
    now: OffsetDateTime,
) -> ApiResult<()> {
    let Some(deadline) = content.date_limite else {
        return Ok(());
    };
    let unchanged = before.is_some_and(|b| b.date_limite == Some(deadline));
    let reopened = before.is_some_and(|b| b.statut == Statut::Fermee);
    if deadline <= now && content.statut == Statut::Active && (!unchanged || reopened) {
        return Err(ApiError::field(
            "date_limite",
            "La date limite est passée : choisissez une date à venir.",
        ));
    }
    Ok(())
}

time::serde::format_description!(day, Date, "[year]-[month]-[day]");

/// A day `AAAA-MM-JJ`, or none (`null`, as a body or the table has it).
fn optional_day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<time::Date>, D::Error> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => time::Date::parse(&text, format)
            .map(Some)
            .map_err(|_| serde::de::Error::custom("invalid value: expected AAAA-MM-JJ")),
    }
}

/// A deadline: an RFC 3339 instant, or a day `AAAA-MM-JJ` (its last
/// second, UTC); kept to the second, so stored deadlines compare as text.
fn deadline<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    use time::format_description::well_known::Rfc3339;
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    let instant = OffsetDateTime::parse(&text, &Rfc3339).ok().or_else(|| {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(&text, format)
            .ok()
            .map(|day| day.with_hms(23, 59, 59).expect("a valid time").assume_utc())
    });
    // In UTC, within the years a stored date can have (RFC 3339 writes
    // four digits; `9999-12-31T23:59:59-01:00` would be year 10000).
    let utc = instant
        .and_then(|t| t.checked_to_offset(time::UtcOffset::UTC))
        .filter(|t| (1..=9998).contains(&t.year()));
    match utc {
        Some(t) => Ok(Some(t.replace_nanosecond(0).expect("zero is valid"))),
        None => Err(serde::de::Error::custom(
            "invalid value: expected an RFC 3339 date-time or AAAA-MM-JJ (years 0001 to 9998)",
        )),
    }
}

/// Longest description, in characters, as sent.
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;

/// The fields every kind has.
#[derive(Deserialize, Validate)]
struct Common {
    #[validate(
        length(min = 3, max = 200),
        custom(function = "validation::plain_text")
    )]
    titre: String,
    #[validate(length(min = 1))]
    description: String,
    #[serde(default)]
    statut: Statut,
    #[serde(default, deserialize_with = "deadline")]
    date_limite: Option<OffsetDateTime>,
}

/// What an author writes: everything but the review state, the counters
/// and the dates.
#[derive(Clone, Debug, PartialEq)]
pub struct Content {
    pub titre: String,
    /// Sanitized HTML.
    pub description: String,
    pub statut: Statut,
    pub date_limite: Option<OffsetDateTime>,
    pub details: Details,
}

impl Content {
    /// A publication of `kind` from JSON, every bad field reported at once.
    /// The read-only fields of a publication (`statut_validation`,
    /// `recruteur`...) are ignored; any other key that is not a field of
    /// the kind is a 400 naming it. An offre's `salaire` (the spec's) sets
    /// both `salaire_min` and `salaire_max`.
    pub fn parse(kind: Kind, mut value: Value) -> ApiResult<Content> {
        // The title is checked as it will be stored.
        if let Some(Value::String(titre)) = value.get_mut("titre") {
            *titre = titre.trim().to_string();
        }
        if kind == Kind::Offre
            && let Some(object) = value.as_object_mut()
            && let Some(salaire) = object.remove("salaire")
        {
            let bounds = ["salaire_min", "salaire_max"];
            if bounds
                .iter()
                .any(|b| object.get(*b).is_some_and(|v| !v.is_null()))
            {
                return Err(ApiError::field(
                    "salaire",
                    "Envoyez salaire (un montant) ou salaire_min et salaire_max, pas les deux.",
                ));
            }
            if !salaire.is_null() && !salaire.is_u64() {
                return Err(ApiError::field(
                    "salaire",
                    "Un montant entier positif est attendu.",
                ));
            }
            for bound in bounds {
                object.insert(bound.into(), salaire.clone());
            }
        }
        let mut body = json::Parts::new(value)?;
        let common = body.part::<Common>();
        let details = Details::parse(kind, &mut body)?;
        body.read(READ_ONLY);
        // Checked on the text sent, so the message comes with the others.
        let description = body
            .value()
            .get("description")
            .and_then(Value::as_str)
            .map(validation::sanitize);
        if description.as_deref().is_some_and(validation::is_blank)
            && !body.has_error("description")
        {
            body.error("description", "Ce champ ne peut pas être vide.");
        }
        // Measured as stored (sanitizing may escape), so a stored
        // description always passes again when another field is edited.
        if description
            .as_deref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
            && !body.has_error("description")
        {
            body.error(
                "description",
                format!("Ce champ ne doit pas dépasser {MAX_DESCRIPTION_CHARS} caractères."),
            );
        }
        body.finish()?;
        match (common, description, details) {
            (Some(common), Some(description), Some(details)) => Ok(Content {
                titre: common.titre,
                description,
                statut: common.statut,
                date_limite: common.date_limite,
                details,
            }),
            _ => Err(ApiError::Fields(FieldErrors::new())),
        }
    }

    /// True when going from `self` to `new` changes what an admin approved:
    /// any field but `statut` (closing and reopening are not reviewed).
    pub fn needs_review(&self, new: &Content) -> bool {
        self.titre != new.titre
            || self.description != new.description
            || self.details != new.details
    }
}

/// The schema of a create or update body of one kind (documentation only:
/// bodies are parsed by `Content::parse`). Create needs `titre`,
/// `description` and the kind's required fields; update takes any of them.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Input<F: ToSchema> {
    #[schema(min_length = 3, max_length = 200)]
    titre: String,
    /// Basic HTML; scripts, styles and images are removed.
    #[schema(max_length = 20000)]
    description: String,
    /// `fermee` closes the publication (no longer public), `active` reopens it.
    statut: Option<Statut>,
    /// When applications close: an RFC 3339 instant, or a day `AAAA-MM-JJ`
    /// (its last second, UTC). Past it, the publication leaves the public
    /// lists at once and the scheduled job closes it (its author is told).
    #[schema(format = DateTime)]
    date_limite: Option<String>,
    #[serde(flatten)]
    fields: F,
}

/// A publication as stored and shown.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Publication {
    pub id: String,
    pub titre: String,
    /// Sanitized HTML.
    pub description: String,
    /// The author's id.
    pub recruteur: String,
    /// The author's company logo: copied from its profile when the
    /// publication is created, and whenever the recruiter changes it.
    #[serde(default)]
    pub logo: Option<crate::uploads::Image>,
    pub statut_validation: StatutValidation,
    pub statut: Statut,
    /// Why an admin refused it (shown to its author).
    pub motif_refus: Option<String>,
    pub nombre_candidatures: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub date_creation: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub date_modification: OffsetDateTime,
    /// Set when an admin first validates it.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub date_publication: Option<OffsetDateTime>,
    /// When applications close (see `Input`).
    #[serde(
        default,
        deserialize_with = "deadline",
        serialize_with = "time::serde::rfc3339::option::serialize"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub date_limite: Option<OffsetDateTime>,
    /// When it was last closed, by its author or at its deadline.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub date_fermeture: Option<OffsetDateTime>,
    #[serde(flatten)]
    pub details: Details,
}

impl Publication {
    /// A new publication: awaiting review, open, no application yet.
    pub fn new(author: &str, content: Content, now: OffsetDateTime) -> Publication {
        Publication {
            id: ulid::Ulid::new().to_string(),
            titre: content.titre,
            description: content.description,
            recruteur: author.into(),
            logo: None,
            statut_validation: StatutValidation::EnAttente,
            statut: content.statut,
            motif_refus: None,
            nombre_candidatures: 0,
            date_creation: now,
            date_modification: now,
            date_publication: None,
            date_limite: content.date_limite,
            date_fermeture: (content.statut == Statut::Fermee).then_some(now),
            details: content.details,
        }
    }

    pub fn kind(&self) -> Kind {
        self.details.kind()
    }

    pub fn content(&self) -> Content {
        Content {
            titre: self.titre.clone(),
            description: self.description.clone(),
            statut: self.statut,
            date_limite: self.date_limite,
            details: self.details.clone(),
        }
    }

    /// The publication after its author's edit: a change an admin must see
    /// again sends it back to review (a refused one is resubmitted).
    pub fn edited(&self, content: Content, now: OffsetDateTime) -> Publication {
        let review = self.content().needs_review(&content);
        Publication {
            titre: content.titre,
            description: content.description,
            date_fermeture: match (self.statut, content.statut) {
                (Statut::Active, Statut::Fermee) => Some(now),
                (_, Statut::Active) => None,
                _ => self.date_fermeture,
            },
            statut: content.statut,
            date_limite: content.date_limite,
            details: content.details,
            statut_validation: if review {
                StatutValidation::EnAttente
            } else {
                self.statut_validation
            },
            date_modification: now,
            ..self.clone()
        }
    }

    /// In the public indexes: validated and open (its deadline aside:
    /// `is_public_at`).
    pub fn is_public(&self) -> bool {
        self.statut_validation == StatutValidation::Validee && self.statut == Statut::Active
    }

    /// Whether its deadline has passed at `now`.
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        self.date_limite.is_some_and(|d| d <= now)
    }

    /// Visible to the public at `now`: validated, open, and before its
    /// deadline (a read checks it, so a publication leaves the public
    /// lists at its deadline, before the job closes it).
    pub fn is_public_at(&self, now: OffsetDateTime) -> bool {
        self.is_public() && !self.is_expired_at(now)
    }

    /// The publication closed by the platform, as its author would close
    /// it: at its deadline (the job), or when an admin withdraws its
    /// author's validation (`api::close_refused`).
    pub fn closed(&self, now: OffsetDateTime) -> Publication {
        Publication {
            statut: Statut::Fermee,
            date_fermeture: Some(now),
            date_modification: now,
            ..self.clone()
        }
    }

    /// The publication of an account being deleted (docs/privacy.md),
    /// for every kind: closed as its author would close it, without what
    /// names or reaches its author (logo, company or organisation, links,
    /// the free texts where contacts are written), its description a
    /// notice. The title, the kind's figures and its applications stay:
    /// applicants keep the record of what they applied to.
    pub fn anonymised(&self, now: OffsetDateTime) -> Publication {
        let mut details = self.details.clone();
        match &mut details {
            Details::Offre(o) => {
                o.entreprise = crate::accounts::privacy::DELETED_ACCOUNT.into();
                o.profil_recherche = None;
                o.informations_complementaires = None;
            }
            Details::Financement(f) => f.processus = None,
            Details::Bourse(b) => {
                b.organisation = None;
                b.lien_candidature = None;
            }
            Details::Consultation(_) => {}
        }
        let closed = self.statut == Statut::Fermee;
        Publication {
            description: crate::accounts::privacy::DELETED_PUBLICATION.into(),
            logo: None,
            statut: Statut::Fermee,
            date_fermeture: if closed {
                self.date_fermeture
            } else {
                Some(now)
            },
            date_modification: now,
            details,
            ..self.clone()
        }
    }

    /// Whether `anonymised` has nothing left to do (a deletion retried;
    /// the logo goes with the author's, `store::set_logo`).
    pub fn is_anonymised(&self) -> bool {
        let again = self.anonymised(self.date_modification);
        self.statut == Statut::Fermee
            && self.description == again.description
            && self.details == again.details
    }

    /// The publication after an admin's decision (checked by `check_decision`).
    pub fn decided(
        &self,
        to: StatutValidation,
        motif: Option<String>,
        now: OffsetDateTime,
    ) -> Publication {
        let validated = to == StatutValidation::Validee;
        Publication {
            statut_validation: to,
            motif_refus: if validated { None } else { motif },
            // The first validation dates it; a re-validated edit keeps its place.
            date_publication: match self.date_publication {
                None if validated => Some(now),
                date => date,
            },
            ..self.clone()
        }
    }
}

/// Whether an author's edit from `before` to `after` needs a verified
/// account: one that sends it to review (resubmitted), or that reopens it
/// (in any review state: a publication in review reopened would be public
/// once validated). A recruiter whose validation was withdrawn keeps its
/// publications closed until an admin validates it again.
pub fn needs_verified_author(before: &Publication, after: &Publication) -> bool {
    let resubmitted = after.statut_validation == StatutValidation::EnAttente
        && before.statut_validation != StatutValidation::EnAttente;
    let reopened = before.statut == Statut::Fermee && after.statut == Statut::Active;
    resubmitted || reopened
}

/// Whether an admin may move a publication from `from` to `to`: validate
/// or refuse, from any other state (a validated publication can be taken
/// down with a reason; a refused one validated after all).
pub fn check_decision(from: StatutValidation, to: StatutValidation) -> ApiResult<()> {
    if to == StatutValidation::EnAttente {
        return Err(ApiError::BadRequest(
            "Une décision valide ou refuse une publication.".into(),
        ));
    }
    if from == to {
        return Err(ApiError::Conflict(match to {
            StatutValidation::Validee => "Cette publication est déjà validée.".into(),
            _ => "Cette publication est déjà refusée.".into(),
        }));
    }
    Ok(())
}

/// The calendar month (UTC) a quota counts in: `2026-11`.
pub fn quota_month(now: OffsetDateTime) -> String {
    format!("{:04}-{:02}", now.year(), u8::from(now.month()))
}

/// When the quota of `now`'s month resets: the first of the next month,
/// midnight UTC.
pub fn quota_reset(now: OffsetDateTime) -> OffsetDateTime {
    let (year, month) = match now.month() {
        time::Month::December => (now.year() + 1, time::Month::January),
        m => (now.year(), m.next()),
    };
    time::Date::from_calendar_date(year, month, 1)
        .expect("the first of a month exists")
        .midnight()
        .assume_utc()
}

/// The 403 of a recruiter over its monthly quota.
pub fn quota_exceeded(quota: u32, now: OffsetDateTime) -> ApiError {
    let reset = quota_reset(now);
    ApiError::Quota {
        detail: format!(
            "Quota mensuel atteint : {quota} publication(s) par mois, toutes catégories confondues. \
             Il se renouvelle le {} (UTC).",
            crate::accounts::rfc3339(reset)
        ),
        quota,
        reset,
    }
}

/// Publications per state, for one kind (or all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, ToSchema)]
#[schema(as = PublicationCounts)]
pub struct Counts {
    pub en_attente: i64,
    pub validee: i64,
    pub refuse: i64,
    /// Closed by their authors (whatever their review state).
    pub fermee: i64,
    /// Every publication not deleted.
    pub total: i64,
}

/// Publication statistics, from counters kept in step with every write.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
#[schema(as = PublicationStatistics)]
pub struct Statistics {
    pub offre: Counts,
    pub financement: Counts,
    pub bourse: Counts,
    pub consultation: Counts,
    pub total: Counts,
}

/// The counter attribute of one kind in one state (`offre_validee`,
/// `bourse_fermee`).
pub fn counter(kind: Kind, state: &str) -> String {
    format!("{}_{state}", kind.as_str())
}

/// How the counters move when a publication goes from `before` to `after`
/// (`None`: it did not exist, or no longer does). Zero moves are left out.
pub fn count_changes(
    before: Option<&Publication>,
    after: Option<&Publication>,
) -> Vec<(String, i64)> {
    let mut changes: Vec<(String, i64)> = Vec::new();
    let mut add = |name: String, n: i64| match changes.iter_mut().find(|(c, _)| *c == name) {
        Some((_, m)) => *m += n,
        None => changes.push((name, n)),
    };
    for (p, n) in [(before, -1), (after, 1)] {
        if let Some(p) = p {
            let state = counter(p.kind(), p.statut_validation.as_str());
            if p.statut == Statut::Fermee {
                add(counter(p.kind(), Statut::Fermee.as_str()), n);
                // Closed in this review state: what makes every filter
                // of the lists countable (`count`).
                add(format!("{state}_fermee"), n);
            }
            add(state, n);
        }
    }
    changes.retain(|(_, n)| *n != 0);
    changes
}

/// How many publications match a list's filters (each optional), from
/// the counters `count_changes` keeps (a scope's: the platform's, or an
/// author's). Exact for every combination.
pub fn count(
    values: &std::collections::HashMap<String, i64>,
    kind: Option<Kind>,
    review: Option<StatutValidation>,
    statut: Option<Statut>,
) -> i64 {
    let kinds = kind.map_or(Kind::ALL.to_vec(), |k| vec![k]);
    let states = review.map_or(StatutValidation::ALL.to_vec(), |s| vec![s]);
    let n = |name: &str| values.get(name).copied().unwrap_or(0);
    let mut total = 0;
    for k in &kinds {
        for s in &states {
            let all = counter(*k, s.as_str());
            let closed = n(&format!("{all}_fermee"));
            total += match statut {
                None => n(&all),
                Some(Statut::Fermee) => closed,
                Some(Statut::Active) => n(&all) - closed,
            };
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(err: ApiError) -> FieldErrors {
        match err {
            ApiError::Fields(f) => f,
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    fn offre() -> Value {
        json!({"titre": "Développeur Rust", "description": "<p>CDI à Abidjan</p>", "entreprise": "Acme", "type_contrat": "cdi"})
    }

    #[test]
    fn each_kind_parses_its_fields_and_requires_its_type() {
        let c = Content::parse(Kind::Offre, offre()).unwrap();
        assert_eq!(c.details.kind(), Kind::Offre);
        assert_eq!(c.statut, Statut::Active);
        for (kind, field) in [
            (Kind::Offre, "type_contrat"),
            (Kind::Financement, "type_financement"),
            (Kind::Bourse, "type_bourse"),
            (Kind::Consultation, "type_consultation"),
        ] {
            let f = fields(
                // The API fills `entreprise` in from the recruiter's profile.
                Content::parse(
                    kind,
                    json!({"titre": "Un titre", "description": "x", "entreprise": "Acme"}),
                )
                .unwrap_err(),
            );
            assert_eq!(f[field], vec![validation::REQUIRED], "{kind:?}");
        }
        let f = fields(
            Content::parse(
                Kind::Bourse,
                json!({"titre": "Bourse", "description": "x", "type_bourse": "loterie"}),
            )
            .unwrap_err(),
        );
        assert_eq!(
            f["type_bourse"],
            vec!["« loterie » n'est pas un choix valide."]
        );
    }

    /// The labels of the enums come from the reference file: its ids are
    /// exactly the enums' values.
    #[test]
    fn the_reference_file_labels_every_enum_value() {
        use utoipa::PartialSchema;
        fn values<T: PartialSchema>() -> Vec<String> {
            let schema = serde_json::to_value(T::schema()).unwrap();
            serde_json::from_value(schema["enum"].clone()).unwrap()
        }
        let reference = crate::reference::get();
        for (list, ids) in [
            ("types_contrat", values::<TypeContrat>()),
            ("types_financement", values::<TypeFinancement>()),
            ("types_bourse", values::<TypeBourse>()),
            ("types_consultation", values::<TypeConsultation>()),
            ("modes_travail", values::<ModeTravail>()),
            ("niveaux_experience", values::<NiveauExperience>()),
            ("niveaux_etude", values::<NiveauEtude>()),
            ("modes_prestation", values::<ModePrestation>()),
            ("types_tarification", values::<TypeTarification>()),
            ("couvertures", values::<Couverture>()),
        ] {
            let listed: Vec<String> = reference
                .list(list)
                .unwrap_or_else(|| panic!("{list}"))
                .iter()
                .map(|e| e.id.clone())
                .collect();
            assert_eq!(listed, ids, "{list}");
        }
    }

    #[test]
    fn salaire_sets_both_bounds_and_unknown_fields_are_named() {
        let mut body = offre();
        body["salaire"] = json!(700000);
        let Details::Offre(o) = Content::parse(Kind::Offre, body.clone()).unwrap().details else {
            panic!()
        };
        assert_eq!((o.salaire_min, o.salaire_max), (Some(700000), Some(700000)));
        // With a bound too, or not an amount: a 400 on salaire.
        for (other, value) in [("salaire_min", json!(1)), ("salaire_max", json!(9))] {
            let mut both = body.clone();
            both[other] = value;
            assert!(fields(Content::parse(Kind::Offre, both).unwrap_err()).contains_key("salaire"));
        }
        let mut text = body.clone();
        text["salaire"] = json!("beaucoup");
        assert!(fields(Content::parse(Kind::Offre, text).unwrap_err()).contains_key("salaire"));
        // A deadline past year 9998 in UTC is refused, not a panic.
        for late in ["9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00+01:00"] {
            let mut far = body.clone();
            far["date_limite"] = json!(late);
            assert!(
                fields(Content::parse(Kind::Offre, far).unwrap_err()).contains_key("date_limite"),
                "{late}"
            );
        }
        body["salaires"] = json!(1);
        body["statut_validation"] = json!("validee");
        let f = fields(Content::parse(Kind::Offre, body).unwrap_err());
        assert_eq!(
            f.keys().collect::<Vec<_>>(),
            vec!["salaires"],
            "read-only fields are ignored"
        );
    }

    #[test]
    fn amounts_are_not_negative_and_salaries_are_ordered() {
        let mut body = offre();
        body["salaire_min"] = json!(-1);
        let f = fields(Content::parse(Kind::Offre, body).unwrap_err());
        assert_eq!(
            f["salaire_min"],
            vec!["Cette valeur doit être comprise entre 0 et 1000000000000."]
        );
        let f = fields(
            Content::parse(
                Kind::Financement,
                json!({"titre": "Fonds", "description": "x", "type_financement": "pret", "montant": -5}),
            )
            .unwrap_err(),
        );
        assert!(f.contains_key("montant"), "{f:?}");
        let mut body = offre();
        body["salaire_min"] = json!(500);
        body["salaire_max"] = json!(400);
        let f = fields(Content::parse(Kind::Offre, body.clone()).unwrap_err());
        assert!(f.contains_key("salaire_max"), "{f:?}");
        body["salaire_max"] = json!(500);
        assert!(Content::parse(Kind::Offre, body).is_ok());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let f = fields(
            Content::parse(
                Kind::Offre,
                json!({"titre": "ab", "description": "<script>x</script>", "entreprise": "Acme", "type_contrat": "cdi", "experience_requise": 99}),
            )
            .unwrap_err(),
        );
        assert!(
            f.contains_key("titre")
                && f.contains_key("description")
                && f.contains_key("experience_requise"),
            "{f:?}"
        );
    }

    #[test]
    fn descriptions_are_sanitized_and_titles_plain() {
        let mut body = offre();
        body["description"] = json!(
            r#"<p onclick="x()">Poste <script>alert(1)</script><a href="javascript:x">ici</a></p>"#
        );
        let c = Content::parse(Kind::Offre, body).unwrap();
        assert!(
            !c.description.contains("script")
                && !c.description.contains("onclick")
                && !c.description.contains("javascript")
        );
        assert!(c.description.contains("Poste"));
        let mut body = offre();
        body["titre"] = json!("<b>Gros</b> titre");
        assert!(fields(Content::parse(Kind::Offre, body).unwrap_err()).contains_key("titre"));
    }

    #[test]
    fn a_closed_publication_leaves_the_public_and_reopening_needs_a_verified_author() {
        let now = OffsetDateTime::now_utc();
        let content = Content::parse(Kind::Offre, offre()).unwrap();
        let open = Publication::new("r1", content.clone(), now).decided(
            StatutValidation::Validee,
            None,
            now,
        );
        let later = now + time::Duration::minutes(5);
        let closed = open.closed(later);
        assert!(!closed.is_public());
        assert_eq!(closed.statut_validation, StatutValidation::Validee);
        assert_eq!(closed.date_fermeture, Some(later));
        assert_eq!(
            closed.date_modification, later,
            "the condition of a later write"
        );
        // Counted as closed, in its review state, by the same moves.
        assert_eq!(
            count_changes(Some(&open), Some(&closed)),
            [
                ("offre_fermee".to_string(), 1),
                ("offre_validee_fermee".to_string(), 1)
            ]
        );
        // Reopening a validated publication makes it public: a verified
        // author only. Closing it, or an edit that stays closed, is free.
        let mut reopen = content.clone();
        reopen.statut = Statut::Active;
        let reopened = closed.edited(reopen, later);
        assert!(reopened.is_public());
        assert!(needs_verified_author(&closed, &reopened));
        assert!(!needs_verified_author(&open, &closed));
        let mut still_closed = content.clone();
        still_closed.statut = Statut::Fermee;
        assert!(!needs_verified_author(
            &closed,
            &closed.edited(still_closed, later)
        ));
        // A resubmission too (a change an admin must see again), and a
        // publication in review reopened.
        let mut changed = content.clone();
        changed.titre = "Autre titre".into();
        assert!(needs_verified_author(&open, &open.edited(changed, later)));
        let pending = Publication::new("r1", content.clone(), now).closed(later);
        let mut reopen = content;
        reopen.statut = Statut::Active;
        let reopened = pending.edited(reopen, later);
        assert!(!reopened.is_public());
        assert!(needs_verified_author(&pending, &reopened));
    }

    #[test]
    fn review_fields_are_every_field_but_statut() {
        let old = Content::parse(Kind::Offre, offre()).unwrap();
        let mut closed = old.clone();
        closed.statut = Statut::Fermee;
        assert!(!old.needs_review(&closed));
        assert!(!old.needs_review(&old.clone()));
        let mut body = offre();
        body["salaire_max"] = json!(1000);
        assert!(old.needs_review(&Content::parse(Kind::Offre, body).unwrap()));
        let mut body = offre();
        body["titre"] = json!("Développeur Rust senior");
        assert!(old.needs_review(&Content::parse(Kind::Offre, body).unwrap()));
    }

    #[test]
    fn an_edit_sends_a_validated_or_refused_publication_back_to_review() {
        let now = OffsetDateTime::now_utc();
        let content = Content::parse(Kind::Offre, offre()).unwrap();
        let p = Publication::new("r1", content.clone(), now).decided(
            StatutValidation::Validee,
            None,
            now,
        );
        assert!(p.is_public() && p.date_publication == Some(now));
        let mut changed = content.clone();
        changed.titre = "Autre titre".into();
        let edited = p.edited(changed.clone(), now);
        assert_eq!(edited.statut_validation, StatutValidation::EnAttente);
        assert_eq!(
            edited.date_publication,
            Some(now),
            "keeps its first publication date"
        );
        let mut closed = content.clone();
        closed.statut = Statut::Fermee;
        let edited = p.edited(closed, now);
        assert_eq!(edited.statut_validation, StatutValidation::Validee);
        assert!(!edited.is_public());
        let refused = p.decided(StatutValidation::Refuse, Some("Hors sujet".into()), now);
        assert_eq!(refused.motif_refus.as_deref(), Some("Hors sujet"));
        assert_eq!(
            refused.edited(changed, now).statut_validation,
            StatutValidation::EnAttente
        );
        assert_eq!(
            refused
                .decided(StatutValidation::Validee, None, now)
                .motif_refus,
            None
        );
    }

    #[test]
    fn decisions_change_the_state() {
        use StatutValidation::*;
        assert!(check_decision(EnAttente, Validee).is_ok());
        assert!(check_decision(EnAttente, Refuse).is_ok());
        assert!(check_decision(Validee, Refuse).is_ok());
        assert!(check_decision(Refuse, Validee).is_ok());
        assert!(matches!(
            check_decision(Validee, Validee),
            Err(ApiError::Conflict(_))
        ));
        assert!(matches!(
            check_decision(Refuse, EnAttente),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn quotas_count_per_calendar_month_in_utc() {
        let t = time::macros::datetime!(2026-11-30 23:59:59 UTC);
        assert_eq!(quota_month(t), "2026-11");
        assert_eq!(
            quota_reset(t),
            time::macros::datetime!(2026-12-01 00:00 UTC)
        );
        let t = time::macros::datetime!(2026-12-15 08:00 UTC);
        assert_eq!(quota_month(t), "2026-12");
        assert_eq!(
            quota_reset(t),
            time::macros::datetime!(2027-01-01 00:00 UTC)
        );
        let ApiError::Quota { detail, quota, .. } = quota_exceeded(5, t) else {
            panic!()
        };
        assert_eq!(quota, 5);
        assert!(
            detail.contains("5 publication") && detail.contains("2027-01-01T00:00:00Z"),
            "{detail}"
        );
    }

    #[test]
    fn counters_follow_every_change() {
        let now = OffsetDateTime::now_utc();
        let p = Publication::new(
            "r1",
            Content::parse(
                Kind::Bourse,
                json!({"titre": "Bourse", "description": "x", "type_bourse": "merite"}),
            )
            .unwrap(),
            now,
        );
        assert_eq!(
            count_changes(None, Some(&p)),
            vec![("bourse_en_attente".to_string(), 1)]
        );
        let v = p.decided(StatutValidation::Validee, None, now);
        assert_eq!(
            count_changes(Some(&p), Some(&v)),
            vec![
                ("bourse_en_attente".to_string(), -1),
                ("bourse_validee".to_string(), 1)
            ]
        );
        let mut closed = v.clone();
        closed.statut = Statut::Fermee;
        assert_eq!(
            count_changes(Some(&v), Some(&closed)),
            vec![
                ("bourse_fermee".to_string(), 1),
                ("bourse_validee_fermee".to_string(), 1)
            ]
        );
        assert_eq!(
            count_changes(Some(&closed), None),
            vec![
                ("bourse_fermee".to_string(), -1),
                ("bourse_validee_fermee".to_string(), -1),
                ("bourse_validee".to_string(), -1)
            ]
        );
        assert!(count_changes(Some(&v), Some(&v)).is_empty());
    }

    #[test]
    fn every_filter_combination_is_counted() {
        let now = OffsetDateTime::now_utc();
        let make = |kind: Kind, review: StatutValidation, statut: Statut| {
            let body = match kind {
                Kind::Offre => offre(),
                _ => json!({"titre": "Bourse", "description": "x", "type_bourse": "merite"}),
            };
            let mut p = Publication::new("r1", Content::parse(kind, body).unwrap(), now);
            p.statut_validation = review;
            p.statut = statut;
            p
        };
        let all = [
            make(Kind::Offre, StatutValidation::Validee, Statut::Active),
            make(Kind::Offre, StatutValidation::Validee, Statut::Fermee),
            make(Kind::Offre, StatutValidation::EnAttente, Statut::Fermee),
            make(Kind::Bourse, StatutValidation::Refuse, Statut::Active),
            make(Kind::Bourse, StatutValidation::Validee, Statut::Active),
        ];
        let mut values = std::collections::HashMap::new();
        for p in &all {
            for (name, n) in count_changes(None, Some(p)) {
                *values.entry(name).or_insert(0) += n;
            }
        }
        let kinds = [
            None,
            Some(Kind::Offre),
            Some(Kind::Bourse),
            Some(Kind::Financement),
        ];
        let reviews = [
            None,
            Some(StatutValidation::EnAttente),
            Some(StatutValidation::Validee),
            Some(StatutValidation::Refuse),
        ];
        let statuts = [None, Some(Statut::Active), Some(Statut::Fermee)];
        for k in kinds {
            for r in reviews {
                for s in statuts {
                    let expected = all
                        .iter()
                        .filter(|p| k.is_none_or(|k| p.kind() == k))
                        .filter(|p| r.is_none_or(|r| p.statut_validation == r))
                        .filter(|p| s.is_none_or(|s| p.statut == s))
                        .count() as i64;
                    assert_eq!(count(&values, k, r, s), expected, "{k:?} {r:?} {s:?}");
                }
            }
        }
    }

    #[test]
    fn an_anonymised_publication_is_closed_without_its_author() {
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let body = json!({"titre": "Développeur Rust", "description": "<p>Écrire à awa@acme.ci</p>",
            "entreprise": "Acme", "type_contrat": "cdi", "informations_complementaires": "Tél. 0102030405"});
        let open = Publication::new("r1", Content::parse(Kind::Offre, body).unwrap(), now).decided(
            StatutValidation::Validee,
            None,
            now,
        );
        assert!(open.is_public() && !open.is_anonymised());
        let later = now + time::Duration::hours(1);
        let gone = open.anonymised(later);
        assert_eq!(gone.statut, Statut::Fermee);
        assert_eq!(gone.date_fermeture, Some(later));
        assert_eq!(gone.statut_validation, StatutValidation::Validee);
        assert_eq!(
            gone.titre, open.titre,
            "applicants keep what they applied to"
        );
        assert!(!gone.description.contains("awa@acme.ci"));
        match &gone.details {
            Details::Offre(o) => {
                assert_eq!(o.entreprise, crate::accounts::privacy::DELETED_ACCOUNT);
                assert_eq!(o.informations_complementaires, None);
            }
            other => panic!("{other:?}"),
        }
        assert!(gone.is_anonymised());
        // Counted as a closing, from the state it was in.
        let moves = count_changes(Some(&open), Some(&gone));
        assert_eq!(
            moves,
            vec![
                ("offre_fermee".to_string(), 1),
                ("offre_validee_fermee".to_string(), 1)
            ]
        );
        // Once is enough: a retry finds nothing to change.
        let again = gone.anonymised(later + time::Duration::hours(1));
        assert_eq!(again.date_fermeture, gone.date_fermeture);
        for kind in [Kind::Financement, Kind::Bourse, Kind::Consultation] {
            let body = match kind {
                Kind::Financement => {
                    json!({"type_financement": "subvention", "processus": "Appeler M. Koné"})
                }
                Kind::Bourse => {
                    json!({"type_bourse": "excellence", "organisation": "Fondation Koné", "lien_candidature": "https://kone.example"})
                }
                _ => json!({"type_consultation": "informatique"}),
            };
            let mut body = body;
            body["titre"] = json!("Un programme");
            body["description"] = json!("<p>Contact : kone@example.ci</p>");
            let p =
                Publication::new("r1", Content::parse(kind, body).unwrap(), now).anonymised(later);
            assert!(p.is_anonymised(), "{kind:?}");
            let text = serde_json::to_string(&p).unwrap();
            assert!(
                !text.contains("Koné") && !text.contains("kone"),
                "{kind:?}: {text}"
            );
        }
    }
}
