//! The figures of spec 10 and 2.3, read from the counters `stats` keeps:
//! a recruiter's, an applicant's, the platform's, and the analytics series.
//! Each figure is a sum of counters; nothing here reads the data itself.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts;
use crate::admin as review;
use crate::applications;
use crate::auth::Role;
use crate::error::ApiResult;
use crate::publications::{self, Kind};
use crate::stats::{self, Range, Series};
use crate::store::Store;

/// Applications per state, for one kind (or all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct ApplicationCounts {
    pub nouvelle: i64,
    pub en_cours: i64,
    pub acceptee: i64,
    pub refusee: i64,
    /// Withdrawn by their applicants (no longer in the other states).
    pub retiree: i64,
    /// Applications standing (every state but withdrawn).
    pub total: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct ApplicationStatistics {
    pub offre: ApplicationCounts,
    pub financement: ApplicationCounts,
    pub bourse: ApplicationCounts,
    pub consultation: ApplicationCounts,
    pub total: ApplicationCounts,
}

/// Application figures from a scope's counters (`<kind>:<state>`).
pub fn applications_from(values: &HashMap<String, i64>) -> ApplicationStatistics {
    let counts = |kind: Kind| {
        let n = |state: &str| {
            values
                .get(&applications::counter(kind, state))
                .copied()
                .unwrap_or(0)
        };
        let mut c = ApplicationCounts {
            nouvelle: n("nouvelle"),
            en_cours: n("en_cours"),
            acceptee: n("acceptee"),
            refusee: n("refusee"),
            retiree: n("retiree"),
            total: 0,
        };
        c.total = c.nouvelle + c.en_cours + c.acceptee + c.refusee;
        c
    };
    let [offre, financement, bourse, consultation] = Kind::ALL.map(counts);
    let mut total = ApplicationCounts::default();
    for c in [offre, financement, bourse, consultation] {
        total.nouvelle += c.nouvelle;
        total.en_cours += c.en_cours;
        total.acceptee += c.acceptee;
        total.refusee += c.refusee;
        total.retiree += c.retiree;
        total.total += c.total;
    }
    ApplicationStatistics {
        offre,
        financement,
        bourse,
        consultation,
        total,
    }
}

/// Accounts of one type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct UserCounts {
    pub total: i64,
    pub actifs: i64,
    pub inactifs: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct UserStatistics {
    pub candidat: UserCounts,
    pub recruteur: UserCounts,
    pub prestataire: UserCounts,
    pub admin: UserCounts,
    pub total: UserCounts,
}

pub fn users_from(values: &HashMap<String, i64>) -> UserStatistics {
    let counts = |role: Role| {
        let total = values.get(role.as_str()).copied().unwrap_or(0);
        let inactifs = values
            .get(&accounts::inactive_counter(role))
            .copied()
            .unwrap_or(0);
        UserCounts {
            total,
            actifs: total - inactifs,
            inactifs,
        }
    };
    let [candidat, recruteur, prestataire, admin] = Role::ALL.map(counts);
    let mut total = UserCounts::default();
    for c in [candidat, recruteur, prestataire, admin] {
        total.total += c.total;
        total.actifs += c.actifs;
        total.inactifs += c.inactifs;
    }
    UserStatistics {
        candidat,
        recruteur,
        prestataire,
        admin,
        total,
    }
}

/// How many accounts the admins' list shows for its filters, from
/// `values`: the validation counters with a `statut`, else the account
/// counters; `None` for the one combination they cannot tell exactly, a
/// validation state with an activity filter.
pub fn user_count(
    values: &HashMap<String, i64>,
    role: Option<Role>,
    statut: Option<crate::accounts::Verification>,
    active: Option<bool>,
) -> Option<i64> {
    let roles = role.map_or(Role::ALL.to_vec(), |r| vec![r]);
    let n = |name: &str| values.get(name).copied().unwrap_or(0);
    let mut total = 0;
    for r in roles {
        total += match (statut, active) {
            (Some(_), Some(_)) => return None,
            (Some(s), None) => match r {
                Role::Recruteur | Role::Prestataire => n(&review::counter(r, s)),
                _ => 0,
            },
            (None, None) => n(r.as_str()),
            (None, Some(false)) => n(&accounts::inactive_counter(r)),
            (None, Some(true)) => n(r.as_str()) - n(&accounts::inactive_counter(r)),
        };
    }
    Some(total)
}

/// The platform's public figures (the home page): open publications per
/// kind and active accounts per public type; no personal data, no admin.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct PublicFigures {
    pub publications: OpenPublications,
    pub utilisateurs: ActiveAccounts,
}

/// Validated, open publications (what the public lists show).
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct OpenPublications {
    pub offre: i64,
    pub financement: i64,
    pub bourse: i64,
    pub consultation: i64,
    pub total: i64,
}

/// Active accounts of the types the public meets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct ActiveAccounts {
    pub candidat: i64,
    pub recruteur: i64,
    pub prestataire: i64,
    pub total: i64,
}

/// The public figures from the publication and account counters.
pub fn public_from(
    publications: &HashMap<String, i64>,
    users: &HashMap<String, i64>,
) -> PublicFigures {
    use crate::publications::{Statut, StatutValidation};
    let open = |k: Kind| {
        publications::count(
            publications,
            Some(k),
            Some(StatutValidation::Validee),
            Some(Statut::Active),
        )
        .max(0)
    };
    let active = |r: Role| {
        user_count(users, Some(r), None, Some(true))
            .unwrap_or(0)
            .max(0)
    };
    let mut p = OpenPublications {
        offre: open(Kind::Offre),
        financement: open(Kind::Financement),
        bourse: open(Kind::Bourse),
        consultation: open(Kind::Consultation),
        total: 0,
    };
    p.total = p.offre + p.financement + p.bourse + p.consultation;
    let mut u = ActiveAccounts {
        candidat: active(Role::Candidat),
        recruteur: active(Role::Recruteur),
        prestataire: active(Role::Prestataire),
        total: 0,
    };
    u.total = u.candidat + u.recruteur + u.prestataire;
    PublicFigures {
        publications: p,
        utilisateurs: u,
    }
}

/// Two Queries, at once.
pub async fn public(store: &Store) -> ApiResult<PublicFigures> {
    let (p, u) = tokio::join!(
        store.counters(publications::store::SCOPE),
        store.counters(stats::USERS),
    );
    Ok(public_from(&p?, &u?))
}

/// A recruiter's figures: its publications, the applications it received.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RecruiterStatistics {
    pub publications: publications::Statistics,
    pub candidatures: ApplicationStatistics,
    /// Accepted among the applications decided (acceptee + refusee), in %.
    pub taux_acceptation: Option<f64>,
}

/// An applicant's figures: their applications. Nothing else (in the
/// schema too: `additionalProperties: false`), so a recruiter's figures,
/// which also hold `candidatures`, never read as an applicant's.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantStatistics {
    pub candidatures: ApplicationStatistics,
    /// Applications a recruiter answered (en_cours, acceptee, refusee) among those standing, in %.
    pub taux_reponse: Option<f64>,
}

/// The platform's figures.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GlobalStatistics {
    pub utilisateurs: UserStatistics,
    /// Recruiter and prestataire accounts by validation state.
    pub validation_comptes: review::Statistics,
    pub publications: publications::Statistics,
    pub candidatures: ApplicationStatistics,
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

pub async fn recruiter(store: &Store, sub: &str) -> ApiResult<RecruiterStatistics> {
    let values = store.counters(&stats::recruiter_scope(sub)).await?;
    let candidatures = applications_from(&values);
    let t = candidatures.total;
    Ok(RecruiterStatistics {
        publications: publications::store::statistics_from(&values),
        taux_acceptation: percent(t.acceptee, t.acceptee + t.refusee),
        candidatures,
    })
}

pub async fn applicant(store: &Store, sub: &str) -> ApiResult<ApplicantStatistics> {
    let values = store.counters(&stats::applicant_scope(sub)).await?;
    let candidatures = applications_from(&values);
    let t = candidatures.total;
    Ok(ApplicantStatistics {
        taux_reponse: percent(t.en_cours + t.acceptee + t.refusee, t.total),
        candidatures,
    })
}

/// Four Queries, at once.
pub async fn global(store: &Store) -> ApiResult<GlobalStatistics> {
    let (users, validation, publications, candidatures) = tokio::join!(
        store.counters(stats::USERS),
        review::statistics(store),
        store.counters(publications::store::SCOPE),
        store.counters(applications::store::SCOPE),
    );
    Ok(GlobalStatistics {
        utilisateurs: users_from(&users?),
        validation_comptes: validation?,
        publications: publications::store::statistics_from(&publications?),
        candidatures: applications_from(&candidatures?),
    })
}

/// Whose series: the platform's (an admin) or a recruiter's own.
pub enum Whose<'a> {
    Platform,
    Recruiter(&'a str),
}

/// The publications series of one kind: submitted (incl. resubmitted
/// after an edit), validated, refused, closed, and applications received.
pub async fn publication_series(
    store: &Store,
    whose: Whose<'_>,
    kind: Kind,
    range: Range,
) -> ApiResult<Series> {
    let days = match whose {
        Whose::Recruiter(sub) => {
            store
                .daily(&stats::recruiter_scope(sub), range.from, range.to)
                .await?
        }
        Whose::Platform => {
            let (p, a) = tokio::join!(
                store.daily(publications::store::SCOPE, range.from, range.to),
                store.daily(applications::store::SCOPE, range.from, range.to),
            );
            let mut days = p?;
            for (day, counters) in a? {
                days.entry(day).or_default().extend(counters);
            }
            days
        }
    };
    let p = |state: &str| vec![publications::counter(kind, state)];
    let fields = [
        ("soumises", p("en_attente")),
        ("validees", p("validee")),
        ("refusees", p("refuse")),
        ("fermees", p("fermee")),
        (
            "candidatures",
            vec![applications::counter(kind, "nouvelle")],
        ),
    ];
    Ok(stats::series(range, &days, &fields))
}

/// The applications series (one kind, or all): received, moved to
/// en_cours, accepted, refused, withdrawn.
pub async fn application_series(
    store: &Store,
    whose: Whose<'_>,
    kind: Option<Kind>,
    range: Range,
) -> ApiResult<Series> {
    let scope = match whose {
        Whose::Recruiter(sub) => stats::recruiter_scope(sub),
        Whose::Platform => applications::store::SCOPE.to_string(),
    };
    let days = store.daily(&scope, range.from, range.to).await?;
    let kinds: Vec<Kind> = kind.map(|k| vec![k]).unwrap_or_else(|| Kind::ALL.to_vec());
    let a = |state: &str| {
        kinds
            .iter()
            .map(|k| applications::counter(*k, state))
            .collect::<Vec<_>>()
    };
    let fields = [
        ("recues", a("nouvelle")),
        ("en_cours", a("en_cours")),
        ("acceptees", a("acceptee")),
        ("refusees", a("refusee")),
        ("retirees", a("retiree")),
    ];
    Ok(stats::series(range, &days, &fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_totals_leave_withdrawals_out() {
        let values = HashMap::from([
            ("offre:nouvelle".to_string(), 3),
            ("offre:acceptee".to_string(), 1),
            ("offre:retiree".to_string(), 2),
            ("bourse:refusee".to_string(), 4),
        ]);
        let s = applications_from(&values);
        assert_eq!(s.offre.total, 4);
        assert_eq!(s.total.retiree, 2);
        assert_eq!(s.total.total, 8);
        assert_eq!(percent(1, 1 + 4), Some(20.0));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn inactive_accounts_are_counted_apart() {
        let values = HashMap::from([
            ("candidat".to_string(), 5),
            ("candidat_inactifs".to_string(), 2),
            ("admin".to_string(), 1),
        ]);
        let u = users_from(&values);
        assert_eq!((u.candidat.actifs, u.candidat.inactifs), (3, 2));
        assert_eq!((u.total.total, u.total.actifs), (6, 4));
    }

    #[test]
    fn user_counts_follow_the_filters_or_say_nothing() {
        use crate::accounts::Verification;
        let users = HashMap::from([
            ("candidat".to_string(), 5),
            ("candidat_inactifs".to_string(), 1),
            ("recruteur".to_string(), 3),
        ]);
        assert_eq!(user_count(&users, None, None, None), Some(8));
        assert_eq!(
            user_count(&users, Some(Role::Candidat), None, Some(true)),
            Some(4)
        );
        assert_eq!(user_count(&users, None, None, Some(false)), Some(1));
        let validation = HashMap::from([
            ("recruteur_verifie".to_string(), 2),
            ("prestataire_verifie".to_string(), 1),
        ]);
        let verified = Some(Verification::Verifie);
        assert_eq!(user_count(&validation, None, verified, None), Some(3));
        assert_eq!(
            user_count(&validation, Some(Role::Recruteur), verified, None),
            Some(2)
        );
        assert_eq!(
            user_count(&validation, Some(Role::Candidat), verified, None),
            Some(0)
        );
        assert_eq!(user_count(&validation, None, verified, Some(true)), None);
    }

    #[test]
    fn public_figures_count_open_publications_and_active_accounts_only() {
        let publications = HashMap::from([
            ("offre_validee".to_string(), 3),
            ("offre_validee_fermee".to_string(), 1),
            ("offre_en_attente".to_string(), 5),
            ("bourse_validee".to_string(), 2),
        ]);
        let users = HashMap::from([
            ("candidat".to_string(), 4),
            ("candidat_inactifs".to_string(), 1),
            ("recruteur".to_string(), 2),
            ("admin".to_string(), 7),
        ]);
        let f = public_from(&publications, &users);
        assert_eq!(
            (
                f.publications.offre,
                f.publications.bourse,
                f.publications.total
            ),
            (2, 2, 4)
        );
        assert_eq!(
            (
                f.utilisateurs.candidat,
                f.utilisateurs.recruteur,
                f.utilisateurs.total
            ),
            (3, 2, 5)
        );
    }
}
