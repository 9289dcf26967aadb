//! Applications (spec 4, and `postuler` in 3.2, 5.2, 6.2, 7.2): the
//! candidature item, who may apply to what, the status workflow and its
//! history, as plain functions. docs/applications.md tells the rules.

#[cfg(feature = "reminders")]
pub mod reminders;
#[cfg(feature = "candidatures")]
pub mod routes;

#[cfg(feature = "sns")]
pub mod api;
pub mod score;
pub mod store;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;

use crate::accounts::{Details as Account, Profile};
use crate::auth::Role;
use crate::error::{ApiError, ApiResult};
use crate::publications::{Details as Publication_, Kind, Publication};

pub use score::{Critere, Criterion};

/// Longest cover letter and recruiter's notes, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// How long before an interview its reminder goes out.
pub const REMINDER_BEFORE: Duration = Duration::hours(24);
/// How far ahead an interview may be set.
pub const MAX_INTERVIEW_AHEAD: Duration = Duration::days(365);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = StatutCandidature)]
pub enum Statut {
    Nouvelle,
    EnCours,
    Acceptee,
    Refusee,
}

impl Statut {
    pub const ALL: [Statut; 4] = [
        Statut::Nouvelle,
        Statut::EnCours,
        Statut::Acceptee,
        Statut::Refusee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Statut::Nouvelle => "nouvelle",
            Statut::EnCours => "en_cours",
            Statut::Acceptee => "acceptee",
            Statut::Refusee => "refusee",
        }
    }

    /// Still open: the applicant may withdraw, the recruiter decide.
    pub fn is_open(self) -> bool {
        matches!(self, Statut::Nouvelle | Statut::EnCours)
    }

    /// In French, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Statut::Nouvelle => "nouvelle",
            Statut::EnCours => "en cours d'examen",
            Statut::Acceptee => "acceptée",
            Statut::Refusee => "refusée",
        }
    }
}

/// Where an application `en_cours` stands in its recruiter's pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = EtapeCandidature)]
pub enum Etape {
    /// The recruiter has read it.
    Vue,
    /// Kept for the short list.
    Preselectionnee,
    /// An interview is planned (set with a `date_entretien`, or alone).
    Entretien,
}

impl Etape {
    pub fn as_str(self) -> &'static str {
        match self {
            Etape::Vue => "vue",
            Etape::Preselectionnee => "preselectionnee",
            Etape::Entretien => "entretien",
        }
    }
}

/// Most diplomas, and most certificates, one application joins.
pub const MAX_ATTACHED: u64 = 5;
/// Most entries of an application's history (the item stays far below
/// DynamoDB's 400 KB).
pub const MAX_HISTORY: usize = 100;

/// 409 when a change would take the history past `MAX_HISTORY`.
pub fn check_history(after: &Application) -> ApiResult<()> {
    if after.historique.len() > MAX_HISTORY {
        return Err(ApiError::Conflict(format!(
            "Cette candidature a déjà {MAX_HISTORY} changements : décidez-la (acceptee ou refusee)."
        )));
    }
    Ok(())
}

/// One entry of an application's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ChangementStatut)]
pub struct Change {
    /// None for the application itself.
    pub de: Option<Statut>,
    pub vers: Statut,
    /// Who made the change (a user id).
    pub par: String,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    /// The interview date set with this change, if any.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub date_entretien: Option<OffsetDateTime>,
    /// The pipeline step this change set, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etape: Option<Etape>,
}

/// An application to a publication, as stored and as its recruiter sees
/// it; its applicant sees it without `notes_recruteur`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = Candidature)]
pub struct Application {
    /// `<publication>.<candidat>`: one application per applicant and
    /// publication.
    pub id: String,
    /// Id of the publication.
    pub publication: String,
    pub type_publication: Kind,
    pub publication_titre: String,
    /// The publication's author.
    pub recruteur: String,
    /// The applicant's id, and their contact details as they were when
    /// applying (the recruiter may contact them). Null, with the files
    /// below, for a recruiter whose validation an admin withdrew
    /// (`for_recruiter`).
    pub candidat: String,
    pub candidat_nom: String,
    pub candidat_email: Option<String>,
    pub candidat_telephone: Option<String>,
    /// candidat or prestataire.
    pub type_compte: Role,
    pub statut: Statut,
    /// Sanitized HTML.
    pub lettre_motivation: Option<String>,
    /// Id of the applicant's CV upload: the one named when applying, or
    /// their profile's. Its recruiter may read it (`GET /api/upload/{id}/`).
    pub cv: Option<String>,
    /// Id of a cover-letter upload, when one was named.
    #[serde(default)]
    pub lettre_motivation_fichier: Option<String>,
    /// Ids of diploma uploads (5 at most).
    #[serde(default)]
    pub diplomes: Vec<String>,
    /// Ids of certificate uploads (5 at most).
    #[serde(default)]
    pub certificats: Vec<String>,
    /// Id of a portfolio upload.
    #[serde(default)]
    pub portfolio: Option<String>,
    /// Id of a business-plan upload.
    #[serde(default)]
    pub business_plan: Option<String>,
    /// Financements: the amount asked for, within the programme's range.
    #[serde(default)]
    pub montant_demande: Option<u64>,
    /// Consultations: the methodology proposed (sanitized HTML).
    #[serde(default)]
    pub methodologie_proposee: Option<String>,
    /// 0 to 100, computed when applying (docs/applications.md).
    pub score_compatibilite: u8,
    pub score_details: Vec<Criterion>,
    /// The recruiter's own notes: never shown to the applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes_recruteur: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub date_entretien: Option<OffsetDateTime>,
    /// The step inside `en_cours`; none in the other states.
    #[serde(default)]
    pub etape: Option<Etape>,
    pub historique: Vec<Change>,
    #[serde(with = "time::serde::rfc3339")]
    pub date_candidature: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub date_modification: OffsetDateTime,
}

/// An application's id: the publication's and the applicant's.
pub fn application_id(publication: &str, applicant: &str) -> String {
    format!("{publication}.{applicant}")
}

/// The publication and applicant an id names, if it is well formed.
pub fn split_id(id: &str) -> Option<(&str, &str)> {
    id.split_once('.')
        .filter(|(p, a)| !p.is_empty() && !a.is_empty() && p.len() <= 64 && a.len() <= 64)
}

/// Who may apply to each kind (docs/applications.md): candidats to offres
/// and bourses; prestataires whose account an admin verified to
/// consultations; both to financements.
pub fn check_applicant(kind: Kind, role: Role, verified: bool) -> ApiResult<()> {
    let allowed: &[Role] = match kind {
        Kind::Offre | Kind::Bourse => &[Role::Candidat],
        Kind::Consultation => &[Role::Prestataire],
        Kind::Financement => &[Role::Candidat, Role::Prestataire],
    };
    if !allowed.contains(&role) {
        let who = match kind {
            Kind::Offre | Kind::Bourse => "aux candidats",
            Kind::Consultation => "aux prestataires",
            Kind::Financement => "aux candidats et aux prestataires",
        };
        return Err(ApiError::Forbidden(format!(
            "Postuler à {} {} est réservé {who}.",
            kind.article().to_lowercase(),
            kind.label()
        )));
    }
    if kind == Kind::Consultation && !verified {
        return Err(ApiError::Forbidden(
            "Votre compte prestataire doit être validé par un administrateur avant de postuler à une consultation."
                .into(),
        ));
    }
    Ok(())
}

/// The recruiter's moves (docs/applications.md): nouvelle → en_cours or
/// refusee; en_cours → acceptee or refusee, or en_cours again to set a new
/// interview date. acceptee and refusee are final. The same statut again
/// with only new notes is allowed in any state. An interview date goes
/// with en_cours only, in the future (within a year).
pub fn check_transition(
    from: Statut,
    to: Statut,
    interview: Option<OffsetDateTime>,
    notes: bool,
    now: OffsetDateTime,
) -> ApiResult<()> {
    use Statut::*;
    let allowed = matches!(
        (from, to),
        (Nouvelle, EnCours) | (Nouvelle, Refusee) | (EnCours, Acceptee) | (EnCours, Refusee)
    ) || (from == EnCours && to == EnCours && interview.is_some())
        || (from == to && notes && interview.is_none());
    if !allowed {
        let message = if !from.is_open() {
            format!(
                "Cette candidature est déjà {} : son statut ne change plus.",
                from.label()
            )
        } else if from == to {
            format!("La candidature est déjà « {} ».", to.as_str())
        } else {
            format!(
                "Passage de « {} » à « {} » impossible : {}.",
                from.as_str(),
                to.as_str(),
                match from {
                    Nouvelle => "une nouvelle candidature passe en_cours ou refusee",
                    _ => "une candidature en_cours passe acceptee ou refusee",
                }
            )
        };
        return Err(ApiError::field("statut", message));
    }
    if let Some(date) = interview {
        if to != EnCours {
            return Err(ApiError::field(
                "date_entretien",
                "Une date d'entretien accompagne le passage en « en_cours ».",
            ));
        }
        if date <= now || date > now + MAX_INTERVIEW_AHEAD {
            return Err(ApiError::field(
                "date_entretien",
                "La date d'entretien doit être à venir, dans l'année.",
            ));
        }
    }
    Ok(())
}

/// A recruiter changes an application's status only while an admin
/// validates its account: once the validation is withdrawn, 403.
pub fn check_recruiter_decides(verified: bool) -> ApiResult<()> {
    if verified {
        return Ok(());
    }
    Err(ApiError::Forbidden(
        "La validation de votre compte recruteur a été retirée : vous ne pouvez plus traiter les \
         candidatures. Complétez votre profil et vos documents, puis demandez une nouvelle validation."
            .into(),
    ))
}

/// The applicant may withdraw an application still open; a decided one
/// stays as the recruiter's record (409).
pub fn check_withdrawal(statut: Statut) -> ApiResult<()> {
    if statut.is_open() {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!(
            "Cette candidature est {} : elle ne peut plus être retirée.",
            statut.label()
        )))
    }
}

/// What a publication asks for, for the score.
pub fn requirements(p: &Publication) -> score::Requirements {
    match &p.details {
        Publication_::Offre(o) => score::Requirements {
            skills: o.competences_requises.clone(),
            experience: o.experience_requise,
            location: o.localisation.clone(),
            pay: o.salaire_max.or(o.salaire_min),
        },
        Publication_::Consultation(c) => score::Requirements {
            skills: c.competences_requises.clone(),
            ..Default::default()
        },
        Publication_::Financement(f) => score::Requirements {
            skills: f.secteur.iter().map(|s| s.nom().to_string()).collect(),
            ..Default::default()
        },
        Publication_::Bourse(b) => score::Requirements {
            skills: b
                .domaine_etude
                .iter()
                .map(|d| d.nom().to_string())
                .collect(),
            ..Default::default()
        },
    }
}

/// What an applicant's profile brings, for the score.
pub fn applicant(p: &Profile) -> score::Applicant {
    match &p.details {
        Account::Candidat(c) => score::Applicant {
            skills: c.competences.clone(),
            text: c.formation.clone(),
            experience: c.experience,
            location: c.localisation.clone(),
            expected_pay: c.salaire_souhaite,
            availability: c.disponibilite,
        },
        Account::Prestataire(s) => {
            let mut skills = s.services_offerts.clone();
            skills.push(s.specialite.clone());
            score::Applicant {
                skills,
                text: Some(s.specialite.clone()),
                availability: s.disponibilite,
                ..Default::default()
            }
        }
        _ => score::Applicant::default(),
    }
}

impl Application {
    /// The uploads the application uses: (body field, kind, id).
    pub fn files(&self) -> Vec<(&'static str, crate::uploads::FileKind, &str)> {
        use crate::uploads::FileKind;
        let one = [
            ("cv", FileKind::Cv, self.cv.as_deref()),
            (
                "lettre_motivation_fichier",
                FileKind::Lettre,
                self.lettre_motivation_fichier.as_deref(),
            ),
            ("portfolio", FileKind::Portfolio, self.portfolio.as_deref()),
            (
                "business_plan",
                FileKind::BusinessPlan,
                self.business_plan.as_deref(),
            ),
        ]
        .into_iter()
        .filter_map(|(field, kind, id)| Some((field, kind, id?)));
        let many = [
            ("diplomes", FileKind::Diplome, &self.diplomes),
            ("certificats", FileKind::Certificat, &self.certificats),
        ]
        .into_iter()
        .flat_map(|(field, kind, ids)| ids.iter().map(move |id| (field, kind, id.as_str())));
        one.chain(many).collect()
    }

    /// A new application of `who` to `p`, scored.
    pub fn new(
        p: &Publication,
        who: &Profile,
        lettre_motivation: Option<String>,
        now: OffsetDateTime,
    ) -> Self {
        let scored = score::score(&requirements(p), &applicant(who));
        let cv = match &who.details {
            Account::Candidat(c) => c.cv.clone(),
            _ => None,
        };
        Application {
            id: application_id(&p.id, &who.id),
            publication: p.id.clone(),
            type_publication: p.kind(),
            publication_titre: p.titre.clone(),
            recruteur: p.recruteur.clone(),
            candidat: who.id.clone(),
            candidat_nom: format!("{} {}", who.prenom, who.nom),
            candidat_email: Some(who.email.clone()),
            candidat_telephone: who.telephone.clone(),
            type_compte: who.details.role(),
            statut: Statut::Nouvelle,
            lettre_motivation,
            cv,
            lettre_motivation_fichier: None,
            diplomes: Vec::new(),
            certificats: Vec::new(),
            portfolio: None,
            business_plan: None,
            montant_demande: None,
            methodologie_proposee: None,
            score_compatibilite: scored.total,
            score_details: scored.details,
            notes_recruteur: None,
            date_entretien: None,
            etape: None,
            historique: vec![Change {
                de: None,
                vers: Statut::Nouvelle,
                par: who.id.clone(),
                date: now,
                date_entretien: None,
                etape: None,
            }],
            date_candidature: now,
            date_modification: now,
        }
    }

    /// After the recruiter `by` moved it to `to` (checked with
    /// `check_change`), with new notes if given (`Some("")` clears them),
    /// the interview date if set (kept in UTC, as every date in a key) and
    /// the pipeline step: the one sent, else `entretien` with a new
    /// interview date, else the current one while it stays `en_cours`;
    /// none outside `en_cours`. A move, an interview date or a new step
    /// goes into the history; notes alone do not.
    pub fn moved(
        &self,
        to: Statut,
        by: &str,
        notes: Option<String>,
        interview: Option<OffsetDateTime>,
        step: Option<Etape>,
        now: OffsetDateTime,
    ) -> Self {
        let interview = interview.map(|d| d.to_offset(time::UtcOffset::UTC));
        let step = match to {
            Statut::EnCours => step
                .or(interview.map(|_| Etape::Entretien))
                .or(self.etape.filter(|_| self.statut == Statut::EnCours)),
            _ => None,
        };
        let mut after = self.clone();
        let new_step = step.is_some() && step != self.etape;
        if to != self.statut || interview.is_some() || new_step {
            after.historique.push(Change {
                de: Some(self.statut),
                vers: to,
                par: by.to_string(),
                date: now,
                date_entretien: interview,
                etape: step.filter(|_| new_step),
            });
        }
        after.statut = to;
        after.etape = step;
        if interview.is_some() {
            after.date_entretien = interview;
        }
        if let Some(notes) = notes {
            after.notes_recruteur = Some(notes).filter(|n| !n.trim().is_empty());
        }
        after.date_modification = now;
        after
    }

    /// As its recruiter sees it: all of it while an admin validates the
    /// recruiter's account; once the validation is withdrawn, without the
    /// applicant's contact details and files (the ids that would open
    /// them), which the recruiter may no longer use.
    pub fn for_recruiter(mut self, verified: bool) -> Self {
        if !verified {
            self.candidat_email = None;
            self.candidat_telephone = None;
            self.cv = None;
            self.lettre_motivation_fichier = None;
            self.diplomes = Vec::new();
            self.certificats = Vec::new();
            self.portfolio = None;
            self.business_plan = None;
        }
        self
    }

    /// As its applicant sees it: without the recruiter's notes.
    pub fn for_applicant(mut self) -> Self {
        self.notes_recruteur = None;
        self
    }

    /// When the interview reminder is due (UTC): a day before an interview
    /// set while the application is en_cours; none once it is decided.
    pub fn reminder_due(&self) -> Option<OffsetDateTime> {
        match (self.statut, self.date_entretien) {
            (Statut::EnCours, Some(date)) => {
                Some((date - REMINDER_BEFORE).to_offset(time::UtcOffset::UTC))
            }
            _ => None,
        }
    }

    /// Whether the applicant is told about this change: a new statut or a
    /// new interview date (not the recruiter's notes).
    pub fn tells_applicant(&self, before: &Application) -> bool {
        self.statut != before.statut || self.date_entretien != before.date_entretien
    }
}

/// Counter of applications of `kind` in `state` (S1, scope `candidatures`).
pub fn counter(kind: Kind, state: &str) -> String {
    format!("{}:{state}", kind.as_str())
}

/// How the counters move when an application goes from `before` to
/// `after` (None: not there): its state's counter, and `retiree` when it
/// is withdrawn.
pub fn count_changes(
    before: Option<&Application>,
    after: Option<&Application>,
) -> Vec<(String, i64)> {
    let mut changes = Vec::new();
    match (before, after) {
        (Some(b), Some(a)) if b.statut == a.statut => {}
        (b, a) => {
            if let Some(b) = b {
                changes.push((counter(b.type_publication, b.statut.as_str()), -1));
            }
            if let Some(a) = a {
                changes.push((counter(a.type_publication, a.statut.as_str()), 1));
            }
            if let (Some(b), None) = (b, a) {
                changes.push((counter(b.type_publication, "retiree"), 1));
            }
        }
    }
    changes
}

/// How many live applications a list holds for its filters (each
/// optional), from a scope's counters (`count_changes`): withdrawn ones
/// are gone from the lists, so `retiree` is not counted.
pub fn count(
    values: &std::collections::HashMap<String, i64>,
    kind: Option<Kind>,
    statut: Option<Statut>,
) -> i64 {
    let kinds = kind.map_or(Kind::ALL.to_vec(), |k| vec![k]);
    let states = statut.map_or(Statut::ALL.to_vec(), |s| vec![s]);
    kinds
        .iter()
        .flat_map(|k| states.iter().map(move |s| counter(*k, s.as_str())))
        .map(|name| values.get(&name).copied().unwrap_or(0))
        .sum()
}

/// A recruiter's change, step included: `etape` goes with `en_cours`
/// only (400 on `etape`); a new step of an application already
/// `en_cours` is a move of its own, like a new interview date; the rest
/// is `check_transition`.
pub fn check_change(
    from: (Statut, Option<Etape>),
    to: Statut,
    interview: Option<OffsetDateTime>,
    step: Option<Etape>,
    notes: bool,
    now: OffsetDateTime,
) -> ApiResult<()> {
    let (statut, current) = from;
    if interview.is_some() && step.is_some_and(|s| s != Etape::Entretien) {
        return Err(ApiError::field(
            "etape",
            "Une date d'entretien va avec l'étape « entretien » (ou sans étape).",
        ));
    }
    if let Some(step) = step {
        if to != Statut::EnCours {
            return Err(ApiError::field(
                "etape",
                "Une étape (vue, preselectionnee, entretien) accompagne le statut « en_cours ».",
            ));
        }
        if statut == Statut::EnCours && current != Some(step) && interview.is_none() {
            return Ok(());
        }
        if statut == Statut::EnCours && current == Some(step) && interview.is_none() && !notes {
            return Err(ApiError::field(
                "etape",
                format!("La candidature est déjà à l'étape « {} ».", step.as_str()),
            ));
        }
    }
    check_transition(statut, to, interview, notes, now)
}

/// 400 when an application carries what its kind does not take: a
/// requested amount outside financements, or outside the programme's
/// range; a methodology outside consultations.
pub fn check_kind_fields(
    p: &Publication,
    montant_demande: Option<u64>,
    methodologie: bool,
) -> ApiResult<()> {
    if let Some(amount) = montant_demande {
        let Publication_::Financement(f) = &p.details else {
            return Err(ApiError::field(
                "montant_demande",
                "Le montant demandé accompagne une candidature à un financement.",
            ));
        };
        let amount = i64::try_from(amount).unwrap_or(i64::MAX);
        let below = f.montant_min.is_some_and(|min| amount < min);
        let above = f.montant_max.is_some_and(|max| amount > max);
        if below || above {
            let bound = |v: Option<i64>| v.map_or("…".to_string(), |v| v.to_string());
            return Err(ApiError::field(
                "montant_demande",
                format!(
                    "Ce financement va de {} à {} : le montant demandé doit être dans cet intervalle.",
                    bound(f.montant_min),
                    bound(f.montant_max)
                ),
            ));
        }
    }
    if methodologie && p.kind() != Kind::Consultation {
        return Err(ApiError::field(
            "methodologie_proposee",
            "La méthodologie proposée accompagne une candidature à une consultation.",
        ));
    }
    Ok(())
}

/// Each file is joined once: the same id twice in a list is a 400; an id
/// given as two kinds (a CV that is also the letter) is the 404 of a file
/// that is not one of the caller's of that kind, as the transaction's
/// condition would say.
pub fn check_files(a: &Application) -> ApiResult<()> {
    let files = a.files();
    for (i, (field, kind, id)) in files.iter().enumerate() {
        if let Some((_, first, _)) = files[..i].iter().find(|(_, _, other)| other == id) {
            if first == kind {
                return Err(ApiError::field(
                    *field,
                    "Ce fichier est déjà joint à la candidature.",
                ));
            }
            return Err(crate::uploads::not_yours(field, *kind));
        }
    }
    Ok(())
}

/// 400 when an offre asks for a CV or a cover letter the application
/// lacks (`cv_requis`, `lettre_requise`).
pub fn required_documents(p: &Publication, a: &Application) -> ApiResult<()> {
    let crate::publications::Details::Offre(o) = &p.details else {
        return Ok(());
    };
    let mut errors = crate::error::FieldErrors::new();
    if o.cv_requis && a.cv.is_none() {
        errors.insert(
            "cv".into(),
            vec!["Cette offre demande un CV : joignez-en un, ou ajoutez-le à votre profil.".into()],
        );
    }
    if o.lettre_requise && a.lettre_motivation.is_none() && a.lettre_motivation_fichier.is_none() {
        errors.insert(
            "lettre_motivation".into(),
            vec!["Cette offre demande une lettre de motivation (texte ou fichier).".into()],
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Fields(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-25 10:00 UTC);

    #[test]
    fn who_may_apply_to_what() {
        use Role::*;
        let ok = |k, r, v| check_applicant(k, r, v).is_ok();
        assert!(ok(Kind::Offre, Candidat, false));
        assert!(ok(Kind::Bourse, Candidat, false));
        assert!(ok(Kind::Financement, Candidat, false));
        assert!(ok(Kind::Financement, Prestataire, false));
        assert!(ok(Kind::Consultation, Prestataire, true));
        assert!(!ok(Kind::Consultation, Prestataire, false), "unverified");
        assert!(!ok(Kind::Consultation, Candidat, true));
        assert!(!ok(Kind::Offre, Prestataire, true));
        assert!(!ok(Kind::Bourse, Prestataire, true));
        for kind in Kind::ALL {
            assert!(!ok(kind, Recruteur, true), "{kind:?}");
            assert!(!ok(kind, Admin, true), "{kind:?}");
        }
        let Err(ApiError::Forbidden(why)) = check_applicant(Kind::Offre, Prestataire, true) else {
            panic!()
        };
        assert_eq!(
            why,
            "Postuler à une offre d'emploi est réservé aux candidats."
        );
    }

    #[test]
    fn the_workflow_moves_forward_only() {
        use Statut::*;
        let later = Some(NOW + Duration::days(3));
        let ok = |f, t, i| check_transition(f, t, i, false, NOW).is_ok();
        assert!(ok(Nouvelle, EnCours, None));
        assert!(ok(Nouvelle, EnCours, later));
        assert!(ok(Nouvelle, Refusee, None));
        assert!(ok(EnCours, Acceptee, None));
        assert!(ok(EnCours, Refusee, None));
        assert!(ok(EnCours, EnCours, later), "a new interview date");
        assert!(!ok(EnCours, EnCours, None));
        assert!(!ok(Nouvelle, Acceptee, None), "examined first");
        assert!(!ok(Nouvelle, Nouvelle, None));
        assert!(!ok(EnCours, Nouvelle, None));
        for done in [Acceptee, Refusee] {
            for to in Statut::ALL {
                assert!(!ok(done, to, None), "{done:?} → {to:?}");
            }
        }
        let Err(ApiError::Fields(f)) = check_transition(Acceptee, Refusee, None, false, NOW) else {
            panic!()
        };
        assert!(f["statut"][0].contains("déjà acceptée"), "{f:?}");
    }

    #[test]
    fn notes_alone_are_allowed_in_any_state_and_not_recorded_as_moves() {
        use Statut::*;
        for s in Statut::ALL {
            assert!(check_transition(s, s, None, true, NOW).is_ok(), "{s:?}");
        }
        assert!(
            check_transition(Nouvelle, Nouvelle, Some(NOW + Duration::days(1)), true, NOW).is_err()
        );
        let a = sample();
        let b = a.moved(Nouvelle, "r", Some("À rappeler".into()), None, None, NOW);
        assert_eq!(b.historique.len(), a.historique.len());
        assert_eq!(b.notes_recruteur.as_deref(), Some("À rappeler"));
        assert!(!b.tells_applicant(&a));
    }

    #[test]
    fn interview_dates_are_kept_in_utc() {
        let paris = time::macros::datetime!(2026-12-03 09:00 +02:00);
        let a = sample().moved(Statut::EnCours, "r", None, Some(paris), None, NOW);
        let stored = a.date_entretien.unwrap();
        assert_eq!(stored, paris);
        assert_eq!(stored.offset(), time::UtcOffset::UTC);
        assert_eq!(
            a.reminder_due().unwrap(),
            time::macros::datetime!(2026-12-02 07:00 UTC)
        );
        assert_eq!(a.reminder_due().unwrap().offset(), time::UtcOffset::UTC);
        assert!(a.tells_applicant(&sample()));
    }

    #[test]
    fn an_interview_is_set_in_the_future_with_en_cours_only() {
        use Statut::*;
        let field = |r: ApiResult<()>| match r {
            Err(ApiError::Fields(f)) => f.keys().next().cloned().unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(check_transition(
                EnCours,
                Acceptee,
                Some(NOW + Duration::days(1)),
                false,
                NOW
            )),
            "date_entretien"
        );
        assert_eq!(
            field(check_transition(
                Nouvelle,
                EnCours,
                Some(NOW - Duration::minutes(1)),
                false,
                NOW
            )),
            "date_entretien"
        );
        assert_eq!(
            field(check_transition(
                Nouvelle,
                EnCours,
                Some(NOW + Duration::days(400)),
                false,
                NOW
            )),
            "date_entretien"
        );
    }

    #[test]
    fn only_open_applications_are_withdrawn() {
        assert!(check_withdrawal(Statut::Nouvelle).is_ok());
        assert!(check_withdrawal(Statut::EnCours).is_ok());
        assert!(matches!(
            check_withdrawal(Statut::Acceptee),
            Err(ApiError::Conflict(_))
        ));
        assert!(matches!(
            check_withdrawal(Statut::Refusee),
            Err(ApiError::Conflict(_))
        ));
    }

    #[test]
    fn ids_name_the_publication_and_the_applicant() {
        let id = application_id("01PUB", "6f1c-aa");
        assert_eq!(split_id(&id), Some(("01PUB", "6f1c-aa")));
        for bad in ["", "01PUB", ".x", "x.", &format!("{}.x", "a".repeat(65))] {
            assert_eq!(split_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_recruiter_whose_validation_was_withdrawn_loses_contacts_and_decisions() {
        let mut a = sample();
        a.candidat_telephone = Some("+2250700000000".into());
        a.cv = Some("01CV".into());
        a.lettre_motivation_fichier = Some("01LET".into());
        a.diplomes = vec!["01DIP".into()];
        a.certificats = vec!["01CER".into()];
        a.portfolio = Some("01POR".into());
        a.business_plan = Some("01BP".into());
        a.lettre_motivation = Some("<p>Motivé</p>".into());
        let shown = a.clone().for_recruiter(true);
        assert_eq!(shown.candidat_email.as_deref(), Some("a@b.c"));
        assert_eq!(shown.cv.as_deref(), Some("01CV"));
        assert_eq!(shown.files().len(), 6);
        let hidden = a.for_recruiter(false);
        assert_eq!(hidden.candidat_email, None);
        assert_eq!(hidden.candidat_telephone, None);
        assert!(hidden.files().is_empty(), "{:?}", hidden.files());
        // What it wrote stays, as the record of the application.
        assert_eq!(hidden.candidat_nom, "A B");
        assert_eq!(hidden.lettre_motivation.as_deref(), Some("<p>Motivé</p>"));
        assert!(check_recruiter_decides(true).is_ok());
        assert!(matches!(
            check_recruiter_decides(false),
            Err(ApiError::Forbidden(m)) if m.contains("retirée")
        ));
    }

    fn sample() -> Application {
        Application {
            id: "p.c".into(),
            publication: "p".into(),
            type_publication: Kind::Offre,
            publication_titre: "Dev".into(),
            recruteur: "r".into(),
            candidat: "c".into(),
            candidat_nom: "A B".into(),
            candidat_email: Some("a@b.c".into()),
            candidat_telephone: None,
            type_compte: Role::Candidat,
            statut: Statut::Nouvelle,
            lettre_motivation: None,
            cv: None,
            lettre_motivation_fichier: None,
            diplomes: vec![],
            certificats: vec![],
            portfolio: None,
            business_plan: None,
            montant_demande: None,
            methodologie_proposee: None,
            score_compatibilite: 50,
            score_details: vec![],
            notes_recruteur: None,
            date_entretien: None,
            etape: None,
            historique: vec![],
            date_candidature: NOW,
            date_modification: NOW,
        }
    }

    #[test]
    fn moves_are_recorded_and_notes_stay_with_the_recruiter() {
        let interview = NOW + Duration::days(2);
        let a = sample().moved(
            Statut::EnCours,
            "r",
            Some("Très bon profil".into()),
            Some(interview),
            None,
            NOW + Duration::hours(1),
        );
        assert_eq!(a.statut, Statut::EnCours);
        assert_eq!(a.date_entretien, Some(interview));
        assert_eq!(a.reminder_due(), Some(interview - Duration::hours(24)));
        let last = a.historique.last().unwrap();
        assert_eq!(
            (last.de, last.vers, last.par.as_str()),
            (Some(Statut::Nouvelle), Statut::EnCours, "r")
        );
        assert_eq!(a.notes_recruteur.as_deref(), Some("Très bon profil"));
        let seen = serde_json::to_value(a.clone().for_applicant()).unwrap();
        assert!(seen.get("notes_recruteur").is_none(), "{seen}");
        // Notes kept when not sent, cleared by an empty text.
        let b = a.moved(
            Statut::Acceptee,
            "r",
            None,
            None,
            None,
            NOW + Duration::hours(2),
        );
        assert_eq!(b.notes_recruteur.as_deref(), Some("Très bon profil"));
        assert_eq!(b.reminder_due(), None, "decided: no reminder");
        assert_eq!(
            b.date_entretien,
            Some(interview),
            "the date stays on record"
        );
        let c = a.moved(Statut::Refusee, "r", Some(" ".into()), None, None, NOW);
        assert_eq!(c.notes_recruteur, None);
    }

    #[test]
    fn counts_leave_withdrawn_applications_out() {
        let a = sample();
        let b = a.moved(Statut::EnCours, "r", None, None, None, NOW);
        let mut values = std::collections::HashMap::new();
        for (name, n) in count_changes(None, Some(&a))
            .into_iter()
            .chain(count_changes(Some(&a), Some(&b)))
            .chain(count_changes(None, Some(&a)))
            .chain(count_changes(Some(&a), None))
        {
            *values.entry(name).or_insert(0) += n;
        }
        assert_eq!(count(&values, None, None), 1);
        assert_eq!(count(&values, Some(a.type_publication), None), 1);
        assert_eq!(count(&values, None, Some(Statut::EnCours)), 1);
        assert_eq!(count(&values, None, Some(Statut::Nouvelle)), 0);
        assert_eq!(count(&values, Some(Kind::Bourse), None), 0);
    }

    #[test]
    fn counters_follow_the_state() {
        let a = sample();
        let b = a.moved(Statut::EnCours, "r", None, None, None, NOW);
        assert_eq!(
            count_changes(None, Some(&a)),
            [("offre:nouvelle".to_string(), 1)]
        );
        assert_eq!(
            count_changes(Some(&a), Some(&b)),
            [
                ("offre:nouvelle".to_string(), -1),
                ("offre:en_cours".to_string(), 1)
            ]
        );
        assert!(count_changes(Some(&b), Some(&b)).is_empty());
        assert_eq!(
            count_changes(Some(&b), None),
            [
                ("offre:en_cours".to_string(), -1),
                ("offre:retiree".to_string(), 1)
            ]
        );
    }

    #[test]
    fn steps_live_inside_en_cours_and_go_into_the_history() {
        use Statut::*;
        let step = |f, current, t, st| check_change((f, current), t, None, st, false, NOW);
        assert!(step(Nouvelle, None, EnCours, Some(Etape::Vue)).is_ok());
        assert!(
            step(
                EnCours,
                Some(Etape::Vue),
                EnCours,
                Some(Etape::Preselectionnee)
            )
            .is_ok()
        );
        assert!(step(EnCours, None, EnCours, Some(Etape::Vue)).is_ok());
        let field = |r: ApiResult<()>| match r {
            Err(ApiError::Fields(f)) => f.keys().next().cloned().unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(step(EnCours, Some(Etape::Vue), EnCours, Some(Etape::Vue))),
            "etape"
        );
        assert_eq!(
            field(step(EnCours, None, Acceptee, Some(Etape::Vue))),
            "etape"
        );
        assert_eq!(
            field(step(Nouvelle, None, Refusee, Some(Etape::Entretien))),
            "etape"
        );
        // Without a step, the workflow's own rules.
        assert_eq!(
            field(step(EnCours, Some(Etape::Vue), EnCours, None)),
            "statut"
        );

        let a = sample().moved(EnCours, "r", None, None, Some(Etape::Vue), NOW);
        assert_eq!(a.etape, Some(Etape::Vue));
        let b = a.moved(EnCours, "r", None, None, Some(Etape::Preselectionnee), NOW);
        assert_eq!(b.historique.len(), 2);
        let last = b.historique.last().unwrap();
        assert_eq!(
            (last.de, last.vers, last.etape),
            (Some(EnCours), EnCours, Some(Etape::Preselectionnee))
        );
        // An interview date alone is the interview step; notes keep it.
        let c = b.moved(EnCours, "r", None, Some(NOW + Duration::days(2)), None, NOW);
        assert_eq!(c.etape, Some(Etape::Entretien));
        let d = c.moved(EnCours, "r", Some("ok".into()), None, None, NOW);
        assert_eq!(
            (d.etape, d.historique.len()),
            (Some(Etape::Entretien), c.historique.len())
        );
        // A date goes with the interview step only.
        assert_eq!(
            field(check_change(
                (EnCours, Some(Etape::Vue)),
                EnCours,
                Some(NOW + Duration::days(1)),
                Some(Etape::Vue),
                false,
                NOW
            )),
            "etape"
        );
        assert!(
            check_change(
                (EnCours, Some(Etape::Vue)),
                EnCours,
                Some(NOW + Duration::days(1)),
                Some(Etape::Entretien),
                false,
                NOW
            )
            .is_ok()
        );
        let mut long = c.clone();
        long.historique = vec![c.historique[0].clone(); MAX_HISTORY];
        assert!(check_history(&long).is_ok());
        long.historique.push(c.historique[0].clone());
        assert!(matches!(check_history(&long), Err(ApiError::Conflict(_))));
        // Decided: no step any more, the history keeps them.
        let e = d.moved(Acceptee, "r", None, None, None, NOW);
        assert_eq!(e.etape, None);
        assert_eq!(e.historique.iter().filter(|h| h.etape.is_some()).count(), 3);
    }

    #[test]
    fn each_kind_takes_its_own_details_and_files_join_once() {
        let mut a = sample();
        a.diplomes = vec!["d1".into(), "d2".into()];
        a.portfolio = Some("p".into());
        assert_eq!(a.files().len(), 3, "{:?}", a.files());
        assert!(check_files(&a).is_ok());
        a.certificats = vec!["d1".into()];
        assert!(matches!(check_files(&a), Err(ApiError::NotFoundDetail(_))));
        a.certificats = vec![];
        a.diplomes = vec!["d1".into(), "d1".into()];
        let Err(ApiError::Fields(f)) = check_files(&a) else {
            panic!()
        };
        assert!(f.contains_key("diplomes"));
    }

    #[test]
    fn an_amount_for_financements_within_their_range_a_methodology_for_consultations() {
        use crate::publications::Content;
        let publication = |kind, body: serde_json::Value| {
            Publication::new("r", Content::parse(kind, body).unwrap(), NOW)
        };
        let funding = publication(
            Kind::Financement,
            serde_json::json!({"titre": "Fonds", "description": "x", "type_financement": "subvention",
                "montant_min": 1000, "montant_max": 5000}),
        );
        let field = |r: ApiResult<()>| match r {
            Err(ApiError::Fields(f)) => f.keys().next().cloned().unwrap(),
            other => panic!("{other:?}"),
        };
        assert!(check_kind_fields(&funding, Some(3000), false).is_ok());
        assert!(check_kind_fields(&funding, None, false).is_ok());
        assert_eq!(
            field(check_kind_fields(&funding, Some(999), false)),
            "montant_demande"
        );
        assert_eq!(
            field(check_kind_fields(&funding, Some(u64::MAX), false)),
            "montant_demande"
        );
        assert_eq!(
            field(check_kind_fields(&funding, None, true)),
            "methodologie_proposee"
        );
        let mission = publication(
            Kind::Consultation,
            serde_json::json!({"titre": "Audit", "description": "x", "type_consultation": "strategie"}),
        );
        assert!(check_kind_fields(&mission, None, true).is_ok());
        assert_eq!(
            field(check_kind_fields(&mission, Some(10), false)),
            "montant_demande"
        );
    }
}
