//! The apps' names for our fields and values (#19, docs/apps-api.md),
//! as tables: each row is one correspondence, read both ways. The
//! translation of a body is a walk over these tables, nothing more; what
//! a table cannot say (a status made of two of ours, a page number over
//! a cursor) is a plain function below it.

use serde_json::{Map, Value, json};

/// Field names: (the apps' name, ours).
pub struct Fields(pub &'static [(&'static str, &'static str)]);

/// The account, as `login.user` and `GET /api/auth/profile/` show it.
pub const USER: Fields = Fields(&[
    ("first_name", "prenom"),
    ("last_name", "nom"),
    ("phone", "telephone"),
    ("created_at", "date_creation"),
    ("updated_at", "date_modification"),
    ("user_type", "type_compte"),
    ("country", "pays"),
    ("about", "a_propos"),
    ("image", "photo"),
]);

/// A recruiter's company.
pub const RECRUITER: Fields = Fields(&[
    ("company_name", "entreprise"),
    ("sector", "secteur_activite"),
    ("company_size", "taille_entreprise"),
    ("website", "site_web"),
    ("company_documents", "documents_verification"),
]);

/// A candidat's profile.
pub const CANDIDATE: Fields = Fields(&[
    ("skills", "competences"),
    ("years_experience", "experience"),
    ("education", "formation"),
    ("availability", "disponibilite"),
    ("location", "localisation"),
]);

/// A job offer (the other kinds share the common names).
pub const JOB_OFFER: Fields = Fields(&[
    ("title", "titre"),
    ("location", "localisation"),
    ("contract_type", "type_contrat"),
    ("salary_min", "salaire_min"),
    ("salary_max", "salaire_max"),
    ("experience_required", "niveau_experience"),
    ("work_mode", "mode_travail"),
    ("department", "departement"),
    ("category", "categorie"),
    ("profile_sought", "profil_recherche"),
    ("additional_info", "informations_complementaires"),
    ("application_deadline", "date_limite"),
    ("closing_date", "date_fermeture"),
    ("post_date", "date_publication"),
    ("created_at", "date_creation"),
    ("updated_at", "date_modification"),
    ("applications_count", "nombre_candidatures"),
    ("cv_required", "cv_requis"),
    ("motivation_letter_required", "lettre_requise"),
    ("is_urgent", "urgent"),
    ("rejection_reason", "motif_refus"),
]);

/// An application.
pub const APPLICATION: Fields = Fields(&[
    ("created_at", "date_candidature"),
    ("updated_at", "date_modification"),
    ("motivation_letter", "lettre_motivation"),
    ("notes", "notes_recruteur"),
    ("compatibility_score", "score_compatibilite"),
    ("detailed_scores", "score_details"),
    ("interview_date", "date_entretien"),
    ("diplomas", "diplomes"),
    ("certificates", "certificats"),
    ("requested_amount", "montant_demande"),
    ("proposed_methodology", "methodologie_proposee"),
]);

/// A notification.
pub const NOTIFICATION: Fields = Fields(&[
    ("notification_type", "type_notification"),
    ("title", "titre"),
    ("is_read", "lu"),
    ("created_at", "date_creation"),
]);

impl Fields {
    fn ours(&self, apps: &str) -> Option<&'static str> {
        self.0.iter().find(|(a, _)| *a == apps).map(|(_, o)| *o)
    }

    fn apps(&self, ours: &str) -> Option<&'static str> {
        self.0.iter().find(|(_, o)| *o == ours).map(|(a, _)| *a)
    }

    /// An apps' body in our names; keys the table does not name pass as
    /// they are (our API then names any it does not take, with a 400).
    pub fn to_ours(&self, body: Map<String, Value>) -> Map<String, Value> {
        body.into_iter()
            .map(|(k, v)| (self.ours(&k).map_or(k, String::from), v))
            .collect()
    }

    /// One of our objects in the apps' names.
    pub fn to_apps(&self, body: Map<String, Value>) -> Map<String, Value> {
        body.into_iter()
            .map(|(k, v)| (self.apps(&k).map_or(k, String::from), v))
            .collect()
    }

    /// The name our field error on `field` has in the apps' form.
    pub fn error_field(&self, field: &str) -> String {
        self.apps(field)
            .map_or_else(|| field.to_string(), String::from)
    }
}

/// Values of one enum: (the apps' spellings, ours). The apps spell some
/// values two ways (the offer form's `PRESENTIEL`, the list filter's
/// `ON_SITE`): every spelling is read, the first is written.
pub struct Values(pub &'static [(&'static [&'static str], &'static str)]);

pub const USER_TYPE: Values = Values(&[
    (&["CANDIDAT"], "candidat"),
    (&["RECRUTEUR"], "recruteur"),
    (&["PRESTATAIRE"], "prestataire"),
    (&["ADMIN"], "admin"),
]);

pub const CONTRACT_TYPE: Values = Values(&[
    (&["CDI"], "cdi"),
    (&["CDD"], "cdd"),
    (&["STAGE", "INTERNSHIP"], "stage"),
    (&["FREELANCE"], "freelance"),
    (&["TEMPS_PARTIEL", "PART_TIME"], "temps_partiel"),
    (&["ALTERNANCE"], "alternance"),
    (&["INTERIM"], "interim"),
]);

pub const EXPERIENCE_LEVEL: Values = Values(&[
    (&["JUNIOR"], "junior"),
    (&["INTERMEDIATE"], "intermediaire"),
    (&["SENIOR"], "senior"),
    (&["EXPERT"], "expert"),
    (&["ENTRY", "DEBUTANT"], "debutant"),
]);

pub const WORK_MODE: Values = Values(&[
    (&["PRESENTIEL", "ON_SITE"], "sur_site"),
    (&["HYBRIDE", "HYBRID"], "hybride"),
    (&["REMOTE"], "teletravail"),
]);

pub const COMPANY_SIZE: Values = Values(&[
    (&["STARTUP"], "1-10"),
    (&["SME", "SMALL"], "11-50"),
    (&["MEDIUM"], "51-200"),
    (&["LARGE"], "201-500"),
    (&["ENTERPRISE"], "500+"),
]);

pub const AVAILABILITY: Values = Values(&[
    (&["IMMEDIATE", "AVAILABLE"], "immediate"),
    (&["BUSY"], "sous_1_mois"),
    (&["UNAVAILABLE"], "indisponible"),
]);

impl Values {
    pub fn to_ours(&self, apps: &str) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(spellings, _)| spellings.contains(&apps))
            .map(|(_, ours)| *ours)
    }

    pub fn to_apps(&self, ours: &str) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(_, o)| *o == ours)
            .map(|(spellings, _)| spellings[0])
    }
}

/// A publication's status on the apps' pages, from our two states.
pub fn publication_status(statut_validation: &str, statut: &str) -> &'static str {
    match (statut_validation, statut) {
        ("en_attente", _) => "PENDING_APPROVAL",
        ("refuse", _) => "REJECTED",
        ("validee", "active") => "PUBLISHED",
        _ => "EXPIRED",
    }
}

/// What an apps' status filter asks of our lists: (`statut_validation`,
/// `statut`); `None` for `DRAFT` (we keep no drafts: the list is empty)
/// and unknown values.
pub fn publication_filter(status: &str) -> Option<(Option<&'static str>, Option<&'static str>)> {
    match status {
        "PENDING_APPROVAL" => Some((Some("en_attente"), None)),
        "APPROVED" | "PUBLISHED" => Some((Some("validee"), Some("active"))),
        "REJECTED" => Some((Some("refuse"), None)),
        "EXPIRED" | "CLOSED" => Some((None, Some("fermee"))),
        "ALL" | "" => Some((None, None)),
        _ => None,
    }
}

/// An application's status on the apps' pages: our `statut`, and inside
/// `en_cours` its pipeline step (#18), so nothing is lost either way.
pub fn application_status(statut: &str, etape: Option<&str>) -> &'static str {
    match (statut, etape) {
        ("nouvelle", _) => "PENDING",
        ("en_cours", Some("preselectionnee")) => "SHORTLISTED",
        ("en_cours", Some("entretien")) => "INTERVIEW",
        ("en_cours", _) => "VIEWED",
        ("acceptee", _) => "ACCEPTED",
        _ => "REJECTED",
    }
}

/// What a recruiter's status change asks of ours: (`statut`, `etape`).
/// `PENDING` is not a move (an application never goes back to new).
pub fn application_move(status: &str) -> Option<(&'static str, Option<&'static str>)> {
    match status {
        "VIEWED" => Some(("en_cours", Some("vue"))),
        "SHORTLISTED" => Some(("en_cours", Some("preselectionnee"))),
        "INTERVIEW" => Some(("en_cours", Some("entretien"))),
        "ACCEPTED" => Some(("acceptee", None)),
        "REJECTED" => Some(("refusee", None)),
        _ => None,
    }
}

/// Notification preferences: the apps' switches of ours (their 17 other
/// switches and quiet hours have no home and are dropped).
pub const PREFERENCES: Fields = Fields(&[
    ("email_notifications", "email"),
    ("push_notifications", "push"),
    ("sms_notifications", "sms"),
]);

/// A session of the account (`GET /api/auth/sessions/`).
pub const SESSION: Fields = Fields(&[
    ("created_at", "date_creation"),
    ("last_activity", "derniere_utilisation"),
    ("user_agent", "client"),
    ("ip_address", "adresse"),
    ("is_current", "courante"),
]);

/// The platform's public figures (`GET /api/statistiques/publiques/`)
/// as the home page reads them (`GET /api/common/stats/public/`).
pub fn public_stats(ours: &Value) -> Value {
    let p = &ours["publications"];
    let u = &ours["utilisateurs"];
    json!({
        "offers": {
            "total": p["total"], "job_offers": p["offre"], "funding_offers": p["financement"],
            "scholarship_offers": p["bourse"], "consultation_offers": p["consultation"],
        },
        "users": {
            "total": u["total"], "candidates": u["candidat"], "recruiters": u["recruteur"],
            "providers": u["prestataire"],
        },
    })
}

/// The admins' figures (`GET /api/admin/statistiques-globales/`) as the
/// panel's dashboard reads them: users (`/api/core-admin/stats/users/`),
/// content (`…/content/`) and applications (`/api/applications/stats/`).
pub fn admin_stats(ours: &Value) -> Value {
    let u = &ours["utilisateurs"];
    let mut by_type = Map::new();
    for (apps, kind) in USER_TYPE.0 {
        by_type.insert(apps[0].into(), u[kind]["total"].clone());
    }
    let p = &ours["publications"]["total"];
    let mut by_kind = Map::new();
    for (apps, kind) in OFFER_KINDS {
        by_kind.insert(apps.into(), ours["publications"][kind]["total"].clone());
    }
    json!({
        "total_users": u["total"]["total"],
        "active_users": u["total"]["actifs"],
        "users_by_type": by_type,
        "total_jobs": p["total"],
        "jobs_by_status": {"PENDING_APPROVAL": p["en_attente"], "PUBLISHED": p["validee"],
                           "REJECTED": p["refuse"], "EXPIRED": p["fermee"]},
        "publications_by_type": by_kind,
        "applications_by_status": application_statuses(&ours["candidatures"]["total"]),
    })
}

/// Applications per status, in the panel's names (ours count statuses,
/// not the steps inside `en_cours`).
fn application_statuses(c: &Value) -> Value {
    json!({"PENDING": c["nouvelle"], "IN_PROGRESS": c["en_cours"], "APPROVED": c["acceptee"],
           "ACCEPTED": c["acceptee"], "REJECTED": c["refusee"], "WITHDRAWN": c["retiree"]})
}

/// One application a recruiter received, as its lists read it: ours in
/// the apps' names, and also as `{id, application{…, applicant}, job_offer}`
/// (PostulationOffre.jsx), the applicant from the application's copy.
pub fn received_application(ours: Value) -> Value {
    let applicant = json!({
        "id": ours["candidat"],
        "first_name": ours["candidat_nom"],
        "email": ours["candidat_email"],
        "phone": ours["candidat_telephone"],
    });
    let offer = json!({"id": ours["publication"], "title": ours["publication_titre"]});
    let mut flat = application(ours);
    let mut nested = flat.clone();
    nested["applicant"] = applicant.clone();
    flat["application"] = nested;
    flat["applicant"] = applicant;
    flat["job_offer"] = offer;
    flat
}

/// Every application's counters, for the panel (`GET
/// /api/applications/stats/` as an admin), from the admins' figures.
pub fn admin_application_stats(ours: &Value) -> Value {
    let mut stats = application_counts(&ours["candidatures"]);
    stats.insert(
        "applications_by_status".into(),
        application_statuses(&ours["candidatures"]["total"]),
    );
    let mut by_type = Map::new();
    for (apps, kind) in OFFER_KINDS {
        by_type.insert(apps.into(), ours["candidatures"][kind]["total"].clone());
    }
    stats.insert("applications_by_type".into(), Value::Object(by_type));
    Value::Object(stats)
}

/// An application in the apps' names, its `status` from ours.
pub fn application(ours: Value) -> Value {
    let Value::Object(ours) = ours else {
        return ours;
    };
    let statut = ours.get("statut").and_then(Value::as_str).unwrap_or("");
    let status = application_status(statut, ours.get("etape").and_then(Value::as_str));
    let mut apps = APPLICATION.to_apps(ours);
    apps.insert("status".into(), status.into());
    Value::Object(apps)
}

/// Our counters of applications (`candidatures`: per kind, per
/// `statut`) in the apps' names. Ours count statuses, not the steps
/// inside `en_cours`: `viewed_`, `shortlisted_` and
/// `interview_applications` have no counter (each application's own
/// `status` has them), and the pages show none.
fn application_counts(ours: &Value) -> Map<String, Value> {
    let n = |kind: &str, state: &str| json!(ours[kind][state].as_u64().unwrap_or(0));
    let mut counts = Map::new();
    for (apps, state) in [
        ("total_applications", "total"),
        ("pending_applications", "nouvelle"),
        ("in_progress_applications", "en_cours"),
        ("accepted_applications", "acceptee"),
        ("rejected_applications", "refusee"),
        ("withdrawn_applications", "retiree"),
    ] {
        counts.insert(apps.into(), n("total", state));
    }
    for (apps, kind) in [
        ("job_applications", "offre"),
        ("funding_applications", "financement"),
        ("scholarship_applications", "bourse"),
        ("consultation_applications", "consultation"),
    ] {
        counts.insert(apps.into(), n(kind, "total"));
    }
    counts
}

/// `GET /api/candidat/statistiques/` as the candidat's home reads it
/// (`GET /api/applications/my-stats/`).
pub fn applicant_stats(ours: &Value) -> Value {
    let mut stats = application_counts(&ours["candidatures"]);
    stats.insert(
        "success_rate".into(),
        json!(ours["taux_reponse"].as_f64().unwrap_or(0.0)),
    );
    Value::Object(stats)
}

/// `GET /api/recruteur/statistiques/` as the recruiter's dashboard reads
/// it (`GET /api/applications/stats/`): the applications received, and
/// the publications per kind and status.
pub fn recruiter_stats(ours: &Value) -> Value {
    let mut stats = application_counts(&ours["candidatures"]);
    let rate = ours["taux_acceptation"].as_f64().unwrap_or(0.0);
    stats.insert("acceptance_rate".into(), json!(rate));
    let mut publications = Map::new();
    for (apps, kind) in OFFER_KINDS {
        let p = &ours["publications"][kind];
        let n = |state: &str| json!(p[state].as_u64().unwrap_or(0));
        publications.insert(
            apps.to_string(),
            json!({
                "total": n("total"),
                "PENDING_APPROVAL": n("en_attente"),
                "PUBLISHED": n("validee"),
                "REJECTED": n("refuse"),
                "EXPIRED": n("fermee"),
            }),
        );
    }
    stats.insert("publications".into(), Value::Object(publications));
    Value::Object(stats)
}

/// The apps' name of each kind's lists, and ours.
pub const OFFER_KINDS: [(&str, &str); 4] = [
    ("job_offers", "offre"),
    ("funding_offers", "financement"),
    ("scholarships", "bourse"),
    ("consultation_offers", "consultation"),
];

/// A notification in the apps' names.
pub fn notification(ours: Value) -> Value {
    match ours {
        Value::Object(ours) => Value::Object(NOTIFICATION.to_apps(ours)),
        other => other,
    }
}

/// The unread count and totals the headers and notification pages read
/// (`GET /api/notifications/stats/`), from our list's `non_lues` and
/// `count`.
pub fn notification_stats(ours: &Value) -> Value {
    let unread = ours["non_lues"].as_u64().unwrap_or(0);
    let total = ours["count"].as_u64().unwrap_or(unread);
    json!({
        "unread": unread,
        "unread_count": unread,
        "total": total,
        "total_notifications": total,
        "read_count": total.saturating_sub(unread),
    })
}

/// Our `statut` filter of an apps' application status filter: the steps
/// inside `en_cours` have no filter of their own (each is `en_cours`).
pub fn application_filter(status: &str) -> Option<&'static str> {
    match status {
        "PENDING" => Some("nouvelle"),
        "VIEWED" | "SHORTLISTED" | "INTERVIEW" => Some("en_cours"),
        "ACCEPTED" => Some("acceptee"),
        "REJECTED" => Some("refusee"),
        _ => None,
    }
}

/// The apps' page envelope `{count, next, previous, results}` around one
/// of our pages of `size` items at most: `next` and `previous` become
/// page numbers (the apps ask for `page=N`; ours are cursors, which the
/// translation follows). Our lists count exactly; our search does not
/// (it filters as it reads): there `count` is a lower bound, what the
/// pages so far hold plus one more page when there is one, so the apps'
/// pager always offers the next page and never a page that is not.
pub fn page_envelope(ours: &Value, page: u32, size: usize) -> Value {
    let more = ours["next"].is_string();
    let held = ours["results"].as_array().map_or(0, Vec::len);
    let count = match &ours["count"] {
        Value::Number(n) => Value::Number(n.clone()),
        _ => json!((page as usize - 1) * size + held + if more { size } else { 0 }),
    };
    json!({
        "count": count,
        "next": more.then_some(page + 1),
        "previous": (page > 1).then(|| page - 1),
        "results": ours["results"].clone(),
    })
}

/// A reference value of ours, `{id, nom}`, as the apps read one:
/// `{id, code, name}`, `id` the number their forms send back.
pub fn named(value: &mut Value) {
    if let Some(object) = value.as_object_mut()
        && let Some(Value::String(id)) = object.get("id").cloned()
    {
        object.insert("id".into(), numeric_id(&id).into());
        object.insert("code".into(), id.into());
        if let Some(nom) = object.remove("nom") {
            object.insert("name".into(), nom);
        }
    }
}

/// A date and time without a zone (an HTML `datetime-local`,
/// `2099-06-30T17:00` or with seconds) as RFC 3339 in UTC; `None` for
/// anything else (which goes through as sent).
pub fn local_to_utc(text: &str) -> Option<String> {
    let (day, time) = text.split_once('T')?;
    let well_formed = day.len() == 10
        && (time.len() == 5 || time.len() == 8)
        && time.chars().all(|c| c.is_ascii_digit() || c == ':');
    well_formed.then(|| {
        let seconds = if time.len() == 5 { ":00" } else { "" };
        format!("{day}T{time}{seconds}Z")
    })
}

/// One of our publications (an offre) as the apps' job pages read it:
/// their names and values, the status made of our two states, and the
/// company card they show (`recruiter`).
pub fn job_offer(ours: Value) -> Value {
    let Value::Object(ours) = ours else {
        return ours;
    };
    let text = |key: &str| {
        ours.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let status = publication_status(&text("statut_validation"), &text("statut"));
    let author = ours.get("recruteur").cloned().unwrap_or(Value::Null);
    let recruiter = json!({
        "id": author.clone(),
        // The edit form checks `recruiter.user.id` against the signed-in user.
        "user": {"id": author},
        "company_name": ours.get("entreprise").cloned().unwrap_or(Value::Null),
        "logo": ours.get("logo").and_then(|l| l.get("url")).cloned().unwrap_or(Value::Null),
    });
    let mut apps = JOB_OFFER.to_apps(ours);
    for (field, values) in [
        ("contract_type", &CONTRACT_TYPE),
        ("experience_required", &EXPERIENCE_LEVEL),
        ("work_mode", &WORK_MODE),
    ] {
        if let Some(value) = apps.get(field).and_then(Value::as_str) {
            let shown = values
                .to_apps(value)
                .map(Value::from)
                .unwrap_or(Value::Null);
            apps.insert(field.into(), shown);
        }
    }
    for field in ["department", "category"] {
        if let Some(value) = apps.get_mut(field) {
            named(value);
        }
    }
    apps.insert("status".into(), status.into());
    apps.insert("recruiter".into(), recruiter);
    Value::Object(apps)
}

/// Our score criteria under the apps' names for them.
pub const SCORE_CRITERIA: &[(&str, &str)] = &[
    ("skill_match", "competences"),
    ("experience_match", "experience"),
    ("location_match", "localisation"),
    ("salary_match", "salaire"),
    ("availability_match", "disponibilite"),
];

/// The kinds as the apps' applications name them (`offer_type`), with
/// the path segment of ours.
pub const OFFER_TYPES: &[(&str, &str)] = &[
    ("JOB", "offres"),
    ("FUNDING", "financements"),
    ("SCHOLARSHIP", "bourses"),
    ("CONSULTATION", "consultations"),
];

/// Our compatibility score (`GET /api/<kind>/{id}/compatibilite/`) as the
/// apps' compatibility page reads it. Their recommendation bands: 70 and
/// above is RECOMMEND, 40 and above CONSIDER, below NOT_RECOMMEND.
pub fn compatibility(ours: &Value) -> Value {
    let total = ours["score_compatibilite"].as_u64().unwrap_or(0);
    let mut scores = Map::new();
    let mut weights = Map::new();
    for detail in ours["score_details"].as_array().into_iter().flatten() {
        let Some(name) = detail["critere"]
            .as_str()
            .and_then(|c| SCORE_CRITERIA.iter().find(|(_, o)| *o == c))
            .map(|(a, _)| *a)
        else {
            continue;
        };
        scores.insert(name.into(), detail["score"].clone());
        weights.insert(name.into(), detail["poids"].clone());
    }
    let recommendation = match total {
        70.. => "RECOMMEND",
        40.. => "CONSIDER",
        _ => "NOT_RECOMMEND",
    };
    json!({
        "compatibility_score": total,
        "detailed_scores": scores,
        "weights": weights,
        "recommendation": recommendation,
        "details": ours["score_details"].clone(),
        "score_saved": false,
    })
}

/// The number the apps use for one of our reference ids: their forms
/// `parseInt` the id they send back (CreeOffre.jsx), ours are words. A
/// hash (FNV-1a, 31 bits: a safe JavaScript integer) stays the same
/// whatever the order of the file; a unit test checks that no two ids of
/// a list share one.
pub fn numeric_id(id: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in id.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash & 0x7fff_ffff
}

/// Our id behind an apps' number (or our id itself, sent as text), among
/// `ids`.
pub fn id_from_number<'a>(ids: impl IntoIterator<Item = &'a str>, sent: &Value) -> Option<&'a str> {
    let number = match sent {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    };
    ids.into_iter().find(|id| match number {
        Some(n) => u64::from(numeric_id(id)) == n,
        None => sent.as_str() == Some(id),
    })
}

/// The apps' reference lists: (their path, our list). Each answers a
/// bare array of `{id, name}` (what their selects read).
pub const REFERENCE_LISTS: &[(&str, &str)] = &[
    ("/api/jobs/job-functions/", "fonctions"),
    ("/api/jobs/activity-sectors/", "secteurs_activite"),
    ("/api/auth/countries/", "pays"),
    ("/api/jobs/study-domains/", "domaines_etude"),
    ("/api/jobs/organization-types/", "types_organisation"),
    ("/api/jobs/scholarship-types/", "types_bourse"),
    ("/api/jobs/funding-sectors/", "secteurs_financement"),
    ("/api/jobs/funding-targets/", "cibles_financement"),
    ("/api/jobs/consultation-types/", "types_consultation"),
];

/// Reference entries as the apps' selects read them.
pub fn choices<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Array(
        entries
            .into_iter()
            .map(|(id, nom)| json!({"id": numeric_id(id), "code": id, "name": nom}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_received_application_reads_flat_and_as_the_recruiters_rows() {
        let row = received_application(json!({"id": "a1", "statut": "nouvelle", "candidat": "c1",
            "candidat_nom": "Awa Koné", "candidat_email": "awa@example.ci", "candidat_telephone": null,
            "publication": "p1", "publication_titre": "Comptable"}));
        assert_eq!(row["status"], "PENDING");
        assert_eq!(row["application"]["status"], "PENDING");
        assert_eq!(row["application"]["applicant"]["id"], "c1");
        assert_eq!(row["applicant"]["email"], "awa@example.ci");
        assert_eq!(row["job_offer"], json!({"id": "p1", "title": "Comptable"}));
        assert_eq!(application_filter("SHORTLISTED"), Some("en_cours"));
        assert_eq!(application_filter("PENDING"), Some("nouvelle"));
        assert_eq!(application_filter("DRAFT"), None);
    }

    #[test]
    fn counters_read_as_the_home_and_dashboard_read_them() {
        let mut ours = json!({"candidatures": {}, "taux_reponse": 50.0});
        for kind in ["offre", "financement", "bourse", "consultation", "total"] {
            ours["candidatures"][kind] = json!({"nouvelle": 1, "en_cours": 2, "acceptee": 0, "refusee": 1, "retiree": 0, "total": 4});
        }
        ours["candidatures"]["total"] = json!({"nouvelle": 4, "en_cours": 8, "acceptee": 0, "refusee": 4, "retiree": 0, "total": 16});
        let stats = applicant_stats(&ours);
        assert_eq!(stats["total_applications"], 16);
        assert_eq!(stats["pending_applications"], 4);
        assert_eq!(stats["in_progress_applications"], 8);
        assert_eq!(stats["rejected_applications"], 4);
        assert_eq!(stats["job_applications"], 4);
        assert_eq!(stats["success_rate"], 50.0);
        ours["publications"] =
            json!({"offre": {"en_attente": 1, "validee": 2, "refuse": 0, "fermee": 3, "total": 6}});
        let stats = recruiter_stats(&ours);
        assert_eq!(stats["publications"]["job_offers"]["PUBLISHED"], 2);
        assert_eq!(stats["publications"]["job_offers"]["EXPIRED"], 3);
        assert_eq!(stats["publications"]["scholarships"]["total"], 0);
        assert_eq!(stats["acceptance_rate"], 0.0);
    }

    #[test]
    fn notifications_and_applications_in_the_apps_names() {
        let stats = notification_stats(&json!({"non_lues": 3, "count": 10}));
        assert_eq!(stats["unread"], 3);
        assert_eq!(stats["unread_count"], 3);
        assert_eq!(stats["total"], 10);
        assert_eq!(stats["read_count"], 7);
        let n = notification(
            json!({"titre": "Bienvenue", "lu": true, "type_notification": "message_recu"}),
        );
        assert_eq!(
            n,
            json!({"title": "Bienvenue", "is_read": true, "notification_type": "message_recu"})
        );
        let a = application(
            json!({"statut": "en_cours", "etape": "entretien", "lettre_motivation": "x"}),
        );
        assert_eq!(a["status"], "INTERVIEW");
        assert_eq!(a["motivation_letter"], "x");
    }

    #[test]
    fn field_tables_read_both_ways_and_leave_the_rest_alone() {
        let apps = object(json!({"first_name": "Awa", "last_name": "Kouassi", "username": "awa"}));
        let ours = USER.to_ours(apps.clone());
        assert_eq!(ours["prenom"], "Awa");
        assert_eq!(ours["nom"], "Kouassi");
        assert_eq!(ours["username"], "awa", "ours names it back as unknown");
        assert_eq!(USER.to_apps(ours), apps);
        assert_eq!(JOB_OFFER.error_field("date_limite"), "application_deadline");
        assert_eq!(JOB_OFFER.error_field("autre"), "autre");
    }

    #[test]
    fn no_table_names_a_field_twice() {
        for table in [
            &USER,
            &RECRUITER,
            &CANDIDATE,
            &JOB_OFFER,
            &APPLICATION,
            &NOTIFICATION,
        ] {
            for (i, (a, o)) in table.0.iter().enumerate() {
                for (b, p) in &table.0[i + 1..] {
                    assert!(a != b && o != p, "{a}/{o} and {b}/{p}");
                }
            }
        }
    }

    #[test]
    fn enum_values_read_every_spelling_and_write_the_first() {
        assert_eq!(WORK_MODE.to_ours("ON_SITE"), Some("sur_site"));
        assert_eq!(WORK_MODE.to_ours("PRESENTIEL"), Some("sur_site"));
        assert_eq!(WORK_MODE.to_apps("sur_site"), Some("PRESENTIEL"));
        assert_eq!(
            CONTRACT_TYPE.to_ours("cdi"),
            None,
            "the apps write upper case"
        );
        assert_eq!(COMPANY_SIZE.to_apps("500+"), Some("ENTERPRISE"));
        assert_eq!(USER_TYPE.to_ours("RECRUTEUR"), Some("recruteur"));
        assert_eq!(
            EXPERIENCE_LEVEL.to_ours("INTERMEDIATE"),
            Some("intermediaire")
        );
        // Every value of ours is written some way.
        for ours in [
            "cdi",
            "cdd",
            "stage",
            "alternance",
            "freelance",
            "interim",
            "temps_partiel",
        ] {
            assert!(CONTRACT_TYPE.to_apps(ours).is_some(), "{ours}");
        }
    }

    #[test]
    fn statuses_map_both_ways() {
        for status in ["PENDING_APPROVAL", "PUBLISHED", "REJECTED", "EXPIRED"] {
            let (validation, statut) = publication_filter(status).unwrap();
            let shown =
                publication_status(validation.unwrap_or("validee"), statut.unwrap_or("active"));
            assert_eq!(shown, status);
        }
        assert_eq!(publication_filter("DRAFT"), None);
        for status in ["VIEWED", "SHORTLISTED", "INTERVIEW", "ACCEPTED", "REJECTED"] {
            let (statut, etape) = application_move(status).unwrap();
            assert_eq!(application_status(statut, etape), status);
        }
        assert_eq!(application_status("nouvelle", None), "PENDING");
        assert_eq!(application_move("PENDING"), None);
    }

    #[test]
    fn pages_are_numbered_over_cursors() {
        let ours = json!({"count": 45, "next": "https://x/?cursor=abc", "previous": null, "results": [1, 2]});
        assert_eq!(
            page_envelope(&ours, 2, 2),
            json!({"count": 45, "next": 3, "previous": 1, "results": [1, 2]})
        );
        let last = json!({"count": 2, "next": null, "previous": "c", "results": []});
        assert_eq!(page_envelope(&last, 1, 20)["next"], Value::Null);
        assert_eq!(page_envelope(&last, 1, 20)["previous"], Value::Null);
        // Uncounted (the search): a lower bound that offers one more page.
        let searched = json!({"next": "/x?cursor=c", "results": [1, 2]});
        assert_eq!(page_envelope(&searched, 3, 2)["count"], 8);
        let end = json!({"next": null, "results": [1]});
        assert_eq!(page_envelope(&end, 3, 2)["count"], 5);
    }

    #[test]
    fn an_offre_reads_as_the_apps_job_offer() {
        let ours = json!({"id": "p1", "titre": "Dev", "type_contrat": "temps_partiel",
            "niveau_experience": "senior", "mode_travail": "teletravail",
            "departement": {"id": "informatique", "nom": "Informatique"},
            "statut_validation": "validee", "statut": "active", "recruteur": "r1",
            "entreprise": "Acme", "logo": {"url": "https://cdn/logo.png"}, "urgent": true,
            "date_limite": "2099-01-01T23:59:59Z"});
        let apps = job_offer(ours);
        assert_eq!(apps["title"], "Dev");
        assert_eq!(apps["contract_type"], "TEMPS_PARTIEL");
        assert_eq!(apps["experience_required"], "SENIOR");
        assert_eq!(apps["work_mode"], "REMOTE");
        assert_eq!(
            apps["department"],
            json!({"id": numeric_id("informatique"), "code": "informatique", "name": "Informatique"})
        );
        assert_eq!(apps["status"], "PUBLISHED");
        assert_eq!(apps["recruiter"]["user"]["id"], "r1");
        assert_eq!(apps["recruiter"]["company_name"], "Acme");
        assert_eq!(apps["recruiter"]["logo"], "https://cdn/logo.png");
        assert_eq!(
            local_to_utc("2099-06-30T17:00").as_deref(),
            Some("2099-06-30T17:00:00Z")
        );
        assert_eq!(
            local_to_utc("2099-06-30T17:00:05").as_deref(),
            Some("2099-06-30T17:00:05Z")
        );
        assert_eq!(local_to_utc("2099-06-30T17:00:00Z"), None, "already zoned");
        assert_eq!(local_to_utc("2099-06-30"), None);
        assert_eq!(apps["is_urgent"], true);
        assert_eq!(apps["application_deadline"], "2099-01-01T23:59:59Z");
    }

    #[test]
    fn reference_ids_have_numbers_unique_in_their_list() {
        let data = &crate::reference::get().data;
        let mut lists: Vec<Vec<&str>> = data
            .lists
            .values()
            .map(|l| l.iter().map(|e| e.id.as_str()).collect())
            .collect();
        lists.push(data.pays.iter().map(|e| e.id.as_str()).collect());
        lists.push(data.departements.iter().map(|d| d.id.as_str()).collect());
        lists.push(
            data.departements
                .iter()
                .flat_map(|d| d.categories.iter().map(|c| c.id.as_str()))
                .collect(),
        );
        for regions in data.regions.values() {
            lists.push(regions.iter().map(|e| e.id.as_str()).collect());
        }
        for ids in lists {
            let mut numbers: Vec<u32> = ids.iter().map(|id| numeric_id(id)).collect();
            numbers.sort_unstable();
            numbers.dedup();
            assert_eq!(numbers.len(), ids.len(), "{ids:?}");
        }
        let ids = ["informatique", "agriculture"];
        let n = json!(numeric_id("agriculture"));
        assert_eq!(id_from_number(ids, &n), Some("agriculture"));
        assert_eq!(
            id_from_number(ids, &json!(n.to_string())),
            Some("agriculture")
        );
        assert_eq!(
            id_from_number(ids, &json!("informatique")),
            Some("informatique")
        );
        assert_eq!(id_from_number(ids, &json!(7)), None);
        assert!(numeric_id("x") < (1 << 31));
    }

    #[test]
    fn a_score_reads_as_the_apps_compatibility() {
        let ours = json!({"publication": "p", "score_compatibilite": 72, "score_details": [
            {"critere": "competences", "poids": 40, "applicable": true, "score": 80, "detail": "x"},
            {"critere": "disponibilite", "poids": 10, "applicable": true, "score": 50, "detail": "y"}]});
        let apps = compatibility(&ours);
        assert_eq!(apps["compatibility_score"], 72);
        assert_eq!(apps["recommendation"], "RECOMMEND");
        assert_eq!(
            apps["detailed_scores"],
            json!({"skill_match": 80, "availability_match": 50})
        );
        assert_eq!(apps["weights"]["skill_match"], 40);
        assert_eq!(
            compatibility(&json!({"score_compatibilite": 39}))["recommendation"],
            "NOT_RECOMMEND"
        );
        assert_eq!(
            compatibility(&json!({"score_compatibilite": 40}))["recommendation"],
            "CONSIDER"
        );
    }
}
