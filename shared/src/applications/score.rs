//! `score_compatibilite`: how well an applicant fits a publication, from 0
//! to 100, with the part each criterion played (docs/applications.md).
//!
//! Five criteria, each scored 0–100 and weighted:
//!
//! | critère        | poids | score                                                        |
//! |----------------|-------|--------------------------------------------------------------|
//! | competences    | 40    | share of the required skills the applicant has               |
//! | experience     | 20    | years against those required, 100 at or above                |
//! | localisation   | 15    | 100 when the places match (or the work is remote), else 0    |
//! | salaire        | 15    | 100 when the expectation is within the pay, 0 at 150 % of it |
//! | disponibilite  | 10    | immédiate 100, sous 1 mois 75, sous 3 mois 50, indisponible 0 |
//!
//! A criterion the publication does not ask for (no skills listed, no
//! experience required, no place, no pay) is not applicable: it is shown
//! with `applicable: false` and left out of the weighting. Availability is
//! always applicable. What the applicant did not fill in scores 0, which the
//! detail says, so completing a profile raises the score.
//! The total is the weighted mean of the applicable criteria, rounded.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::Disponibilite;
use crate::text::{contains_words, fold};

/// What a publication asks for.
#[derive(Debug, Default, Clone)]
pub struct Requirements {
    pub skills: Vec<String>,
    /// Years.
    pub experience: Option<i64>,
    pub location: Option<String>,
    /// The most it pays (yearly salary).
    pub pay: Option<i64>,
}

/// What an applicant brings.
#[derive(Debug, Default, Clone)]
pub struct Applicant {
    pub skills: Vec<String>,
    /// Free text where a skill may also be found (formation, spécialité).
    pub text: Option<String>,
    /// Years.
    pub experience: Option<u32>,
    pub location: Option<String>,
    pub expected_pay: Option<u64>,
    pub availability: Option<Disponibilite>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Critere {
    Competences,
    Experience,
    Localisation,
    Salaire,
    Disponibilite,
}

/// One criterion's part in the score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = CritereScore)]
pub struct Criterion {
    pub critere: Critere,
    /// Weight in the total (out of the applicable criteria's weights).
    pub poids: u8,
    /// False when the publication does not ask for it: it does not count.
    pub applicable: bool,
    /// 0 to 100.
    pub score: u8,
    /// Why, in French.
    pub detail: String,
}

/// The total and its breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub total: u8,
    pub details: Vec<Criterion>,
}

/// Groups of names for one skill or place; the first is the canonical one.
/// Entries are folded (`text::fold`).
const SYNONYMS: &[&[&str]] = &[
    &["javascript", "js", "ecmascript"],
    &["typescript", "ts"],
    &["c#", "csharp", "c sharp"],
    &["c++", "cpp"],
    &["golang", "go"],
    &["python", "python3", "py"],
    &["postgresql", "postgres", "psql"],
    &["kubernetes", "k8s"],
    &["react", "reactjs", "react js"],
    &["node", "nodejs", "node js"],
    &["vue", "vuejs", "vue js"],
    &["amazon web services", "aws"],
    &[
        "intelligence artificielle",
        "ia",
        "ai",
        "artificial intelligence",
    ],
    &["apprentissage automatique", "machine learning", "ml"],
    &[
        "gestion de projet",
        "project management",
        "management de projet",
        "chef de projet",
    ],
    &["ressources humaines", "rh", "human resources", "hr"],
    &["comptabilite", "accounting", "comptable"],
    &[
        "marketing digital",
        "digital marketing",
        "webmarketing",
        "marketing numerique",
    ],
    &["anglais", "english"],
    &["francais", "french"],
    &["excel", "microsoft excel", "ms excel"],
    &[
        "teletravail",
        "remote",
        "a distance",
        "full remote",
        "100% remote",
    ],
];

/// A skill or place as compared: folded, then its canonical synonym.
pub fn canonical(text: &str) -> String {
    let folded = fold(text);
    SYNONYMS
        .iter()
        .find(|group| group.contains(&folded.as_str()))
        .map(|group| group[0].to_string())
        .unwrap_or(folded)
}

/// What a `Disponibilite` is worth.
fn availability(a: Option<Disponibilite>) -> (u8, String) {
    match a {
        Some(Disponibilite::Immediate) => (100, "Disponible immédiatement.".into()),
        Some(Disponibilite::Sous1Mois) => (75, "Disponible sous un mois.".into()),
        Some(Disponibilite::Sous3Mois) => (50, "Disponible sous trois mois.".into()),
        Some(Disponibilite::Indisponible) => (0, "Indisponible.".into()),
        None => (0, "Disponibilité non renseignée.".into()),
    }
}

fn skills(required: &[String], who: &Applicant) -> Option<(u8, String)> {
    let mut wanted: Vec<String> = Vec::new();
    for skill in required.iter().map(|s| canonical(s)) {
        if !skill.is_empty() && !wanted.contains(&skill) {
            wanted.push(skill);
        }
    }
    if wanted.is_empty() {
        return None;
    }
    let has: Vec<String> = who.skills.iter().map(|s| canonical(s)).collect();
    let text = who.text.as_deref().map(fold).unwrap_or_default();
    let (found, missing): (Vec<&String>, Vec<&String>) = wanted.iter().partition(|w| {
        has.iter().any(|h| h == *w || contains_words(h, w)) || contains_words(&text, w)
    });
    let score = (found.len() * 100 / wanted.len()) as u8;
    let mut detail = format!(
        "{} compétence(s) requise(s) sur {}",
        found.len(),
        wanted.len()
    );
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        detail.push_str(&format!(" ; manquantes : {}", names.join(", ")));
    }
    detail.push('.');
    Some((score, detail))
}

fn experience(required: Option<i64>, who: &Applicant) -> Option<(u8, String)> {
    let required = required.filter(|r| *r > 0)?;
    Some(match who.experience {
        None => (0, "Expérience non renseignée.".into()),
        Some(years) if i64::from(years) >= required => (
            100,
            format!("{years} an(s) d'expérience pour {required} demandé(s)."),
        ),
        Some(years) => (
            (i64::from(years) * 100 / required) as u8,
            format!("{years} an(s) d'expérience pour {required} demandé(s)."),
        ),
    })
}

fn location(required: Option<&str>, who: &Applicant) -> Option<(u8, String)> {
    let place = canonical(required?);
    if place.is_empty() {
        return None;
    }
    let remote = SYNONYMS.last().expect("remote group");
    if remote.iter().any(|r| contains_words(&place, r)) {
        return Some((100, "Poste en télétravail.".into()));
    }
    let Some(theirs) = who
        .location
        .as_deref()
        .map(canonical)
        .filter(|l| !l.is_empty())
    else {
        return Some((0, "Localisation non renseignée.".into()));
    };
    if contains_words(&theirs, &place) || contains_words(&place, &theirs) {
        Some((100, format!("Localisation identique ({theirs}).")))
    } else {
        Some((0, format!("{theirs} au lieu de {place}.")))
    }
}

fn salary(pay: Option<i64>, who: &Applicant) -> Option<(u8, String)> {
    let pay = pay.filter(|p| *p > 0)?;
    Some(match who.expected_pay {
        None => (0, "Prétentions salariales non renseignées.".into()),
        Some(wanted) if wanted as i64 <= pay => (
            100,
            format!("Prétentions ({wanted}) dans la rémunération proposée ({pay})."),
        ),
        Some(wanted) => {
            // 0 at 150 % of the pay, linear in between.
            let over = (wanted as i64 - pay) as f64 / (pay as f64 * 0.5);
            (
                ((1.0 - over.min(1.0)) * 100.0).round() as u8,
                format!("Prétentions ({wanted}) au-dessus de la rémunération proposée ({pay})."),
            )
        }
    })
}

/// Scores `who` against `req`.
pub fn score(req: &Requirements, who: &Applicant) -> Score {
    let parts = [
        (Critere::Competences, 40, skills(&req.skills, who)),
        (Critere::Experience, 20, experience(req.experience, who)),
        (
            Critere::Localisation,
            15,
            location(req.location.as_deref(), who),
        ),
        (Critere::Salaire, 15, salary(req.pay, who)),
        (
            Critere::Disponibilite,
            10,
            Some(availability(who.availability)),
        ),
    ];
    let mut weighted = 0u32;
    let mut weights = 0u32;
    let details = parts
        .into_iter()
        .map(|(critere, poids, part)| match part {
            Some((score, detail)) => {
                weighted += u32::from(poids) * u32::from(score);
                weights += u32::from(poids);
                Criterion {
                    critere,
                    poids,
                    applicable: true,
                    score,
                    detail,
                }
            }
            None => Criterion {
                critere,
                poids,
                applicable: false,
                score: 0,
                detail: "Non demandé par la publication.".into(),
            },
        })
        .collect();
    // Availability always counts, so `weights` is never 0.
    let total = ((weighted as f64) / (weights.max(1) as f64)).round() as u8;
    Score { total, details }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(s: &Score, c: Critere) -> &Criterion {
        s.details.iter().find(|d| d.critere == c).unwrap()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn full_offer() -> Requirements {
        Requirements {
            skills: strings(&["Rust", "PostgreSQL", "Kubernetes", "Anglais"]),
            experience: Some(4),
            location: Some("Abidjan".into()),
            pay: Some(600_000),
        }
    }

    fn strong() -> Applicant {
        Applicant {
            skills: strings(&["rust", "Postgres", "K8S", "english", "Docker"]),
            text: None,
            experience: Some(6),
            location: Some("abidjan".into()),
            expected_pay: Some(500_000),
            availability: Some(Disponibilite::Immediate),
        }
    }

    #[test]
    fn a_perfect_fit_scores_100() {
        let s = score(&full_offer(), &strong());
        assert_eq!(s.total, 100, "{s:#?}");
        assert!(s.details.iter().all(|d| d.applicable && d.score == 100));
        assert_eq!(s.details.iter().map(|d| d.poids as u32).sum::<u32>(), 100);
    }

    #[test]
    fn accents_case_and_synonyms_match_skills() {
        let req = Requirements {
            skills: strings(&["Développement Web", "JavaScript", "Gestion de projet"]),
            ..Default::default()
        };
        let who = Applicant {
            skills: strings(&["developpement web", "JS", "project management"]),
            availability: Some(Disponibilite::Immediate),
            ..Default::default()
        };
        let s = score(&req, &who);
        assert_eq!(part(&s, Critere::Competences).score, 100, "{s:#?}");
        assert_eq!(s.total, 100);
    }

    #[test]
    fn missing_skills_are_named_and_counted() {
        let mut who = strong();
        who.skills = strings(&["Rust", "Anglais"]);
        let s = score(&full_offer(), &who);
        let c = part(&s, Critere::Competences);
        assert_eq!(c.score, 50);
        assert!(
            c.detail.contains("manquantes : postgresql, kubernetes"),
            "{}",
            c.detail
        );
        // 40×50 + 20×100 + 15×100 + 15×100 + 10×100 = 8000 → 80.
        assert_eq!(s.total, 80);
    }

    #[test]
    fn a_skill_may_be_found_in_the_formation() {
        let req = Requirements {
            skills: strings(&["Data science"]),
            ..Default::default()
        };
        let who = Applicant {
            text: Some("Master Data Science, Université FHB".into()),
            availability: Some(Disponibilite::Immediate),
            ..Default::default()
        };
        assert_eq!(part(&score(&req, &who), Critere::Competences).score, 100);
        // Whole words only: "java" is not in "javascript".
        let req = Requirements {
            skills: strings(&["Java"]),
            ..Default::default()
        };
        let who = Applicant {
            skills: strings(&["JavaScript"]),
            ..Default::default()
        };
        assert_eq!(part(&score(&req, &who), Critere::Competences).score, 0);
    }

    #[test]
    fn experience_is_proportional_below_what_is_required() {
        let mut who = strong();
        who.experience = Some(1);
        assert_eq!(
            part(&score(&full_offer(), &who), Critere::Experience).score,
            25
        );
        who.experience = Some(0);
        assert_eq!(
            part(&score(&full_offer(), &who), Critere::Experience).score,
            0
        );
        who.experience = None;
        let s = score(&full_offer(), &who);
        assert_eq!(part(&s, Critere::Experience).score, 0);
        assert!(
            part(&s, Critere::Experience)
                .detail
                .contains("non renseignée")
        );
    }

    #[test]
    fn location_matches_whole_places_and_remote_fits_everyone() {
        let mut who = strong();
        who.location = Some("Cocody, Abidjan".into());
        assert_eq!(
            part(&score(&full_offer(), &who), Critere::Localisation).score,
            100
        );
        who.location = Some("Dakar".into());
        assert_eq!(
            part(&score(&full_offer(), &who), Critere::Localisation).score,
            0
        );
        let mut remote = full_offer();
        remote.location = Some("Télétravail".into());
        who.location = None;
        assert_eq!(
            part(&score(&remote, &who), Critere::Localisation).score,
            100
        );
        remote.location = Some("Remote – Abidjan".into());
        who.location = Some("Dakar".into());
        assert_eq!(
            part(&score(&remote, &who), Critere::Localisation).score,
            100
        );
    }

    #[test]
    fn salary_falls_to_zero_at_one_and_a_half_times_the_pay() {
        let mut who = strong();
        for (wanted, expected) in [(600_000, 100), (750_000, 50), (900_000, 0), (5_000_000, 0)] {
            who.expected_pay = Some(wanted);
            assert_eq!(
                part(&score(&full_offer(), &who), Critere::Salaire).score,
                expected,
                "{wanted}"
            );
        }
    }

    #[test]
    fn what_the_publication_does_not_ask_does_not_count() {
        let req = Requirements::default();
        let mut who = Applicant::default();
        let s = score(&req, &who);
        assert_eq!(s.details.iter().filter(|d| d.applicable).count(), 1);
        assert_eq!(s.total, 0, "only availability counts, and it is unknown");
        who.availability = Some(Disponibilite::Sous1Mois);
        assert_eq!(score(&req, &who).total, 75);
        // No experience required is the same as 0 years.
        let zero = Requirements {
            experience: Some(0),
            ..Default::default()
        };
        assert!(!part(&score(&zero, &who), Critere::Experience).applicable);
    }

    #[test]
    fn an_empty_profile_scores_zero_and_says_why() {
        let s = score(&full_offer(), &Applicant::default());
        assert_eq!(s.total, 0);
        assert!(s.details.iter().all(|d| d.applicable && d.score == 0));
    }

    #[test]
    fn blank_and_duplicate_requirements_are_ignored() {
        let req = Requirements {
            skills: strings(&["Rust", "rust", "  ", "RUST"]),
            ..Default::default()
        };
        let who = Applicant {
            skills: strings(&["Rust"]),
            availability: Some(Disponibilite::Immediate),
            ..Default::default()
        };
        let s = score(&req, &who);
        assert!(
            part(&s, Critere::Competences)
                .detail
                .starts_with("1 compétence(s) requise(s) sur 1")
        );
        assert_eq!(s.total, 100);
    }
}
