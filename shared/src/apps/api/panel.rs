//! The admin panel's and the recruiter's work lists that are more than
//! one call of ours: bulk decisions, the recruiters' directory and one
//! account, marking notifications read, moving an application, and a
//! stored score read back.

use super::*;

pub(super) fn routes() -> Router<Ours> {
    let mut router = Router::new()
        .route(
            "/api/auth/profiles/public/",
            get(recruiters).fallback(not_yet),
        )
        .route(
            "/api/auth/profiles/public/{id}/",
            get(recruiter).fallback(not_yet),
        )
        .route(
            "/api/notifications/mark-as-read/",
            post(mark_read).fallback(not_yet),
        )
        .route(
            "/api/applications/status/update/",
            post(move_application).fallback(not_yet),
        )
        .route(
            "/api/applications/status/update/{id}/",
            axum::routing::put(move_application_by_path).fallback(not_yet),
        )
        .route(
            "/api/applications/consultation/{id}/mark-viewed/",
            axum::routing::put(mark_viewed).fallback(not_yet),
        )
        .route(
            "/api/applications/ai/analyze-compatibility/",
            post(stored_score).fallback(not_yet),
        );
    for (path, ids, kinds) in BULK {
        router = router.route(
            path,
            post(move |ours, request| bulk(ours, ids, kinds, request)).fallback(not_yet),
        );
    }
    router
}

/// The panel's bulk decisions, the key of the ids each sends, and the
/// kinds of ours its list shows (the job and funding lists share one).
#[rustfmt::skip]
const BULK: [(&str, &str, &[&str]); 3] = [
    ("/api/jobs/admin/bulk-actions/", "offer_ids", &["offre", "financement"]),
    ("/api/jobs/admin/bulk-actions-consultation/", "offer_ids", &["consultation"]),
    ("/api/jobs/admin/bulk-actions-scholarship/", "scholarship_ids", &["bourse"]),
];

/// `{action: approve|reject, <ids>: [...], rejection_reason?}`: our
/// decision on each (at most 100), as its button would; each id's
/// outcome under `results`, 200 when any was decided, else the first
/// refusal's status; an id of a kind its list does not show is a 404.
async fn bulk(
    State(ours): State<Ours>,
    ids_key: &'static str,
    kinds: &'static [&'static str],
    request: Request,
) -> Response {
    let (caller, body) = read!(request);
    let verb = match body.get("action").and_then(Value::as_str) {
        Some("approve") => "valider",
        Some("reject") => "refuser",
        _ => return field_error("action", "« approve » ou « reject » attendu."),
    };
    let Some(ids) = body.get(ids_key).and_then(Value::as_array) else {
        return field_error(ids_key, "Une liste d'identifiants est attendue.");
    };
    if ids.is_empty() || ids.len() > 100 {
        return field_error(ids_key, "De 1 à 100 identifiants.");
    }
    let decision = match verb {
        "refuser" => json!({"motif": body.get("rejection_reason")}),
        _ => json!({}),
    };
    let mut results = Vec::new();
    let mut refused = None;
    for id in ids {
        let id = id
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| id.to_string());
        let done = decide_of_kinds(&ours, &caller, kinds, &id, verb, decision.clone()).await;
        let fields = Fields(&[("rejection_reason", "motif")]);
        let ok = done.status.is_success();
        results.push(json!({
            "id": id,
            "success": ok,
            "status": done.status.as_u16(),
            "error": (!ok).then(|| apps_error(done.body.clone(), &fields)["detail"].clone()),
        }));
        if !ok && refused.is_none() {
            refused = Some(done);
        }
    }
    let succeeded = results.iter().filter(|r| r["success"] == true).count();
    match refused {
        Some(first) if succeeded == 0 => {
            answer(first, &Fields(&[("rejection_reason", "motif")]), |v| v)
        }
        _ => axum::Json(json!({
            "processed": succeeded,
            "failed": results.len() - succeeded,
            "results": results,
        }))
        .into_response(),
    }
}

/// The panel's `status` of an account, as our `statut` filter.
fn account_filter(status: &str) -> Option<&'static str> {
    match status {
        "PENDING" => Some("en_attente"),
        "APPROVED" => Some("verifie"),
        "REJECTED" => Some("refuse"),
        _ => None,
    }
}

/// `GET /api/auth/profiles/public/?status=&page=&page_size=`: every
/// recruiter account, for the panel (our `GET /api/admin/utilisateurs/
/// ?type_compte=recruteur`: admins only), each as the recruiters page
/// reads one.
async fn recruiters(State(ours): State<Ours>, request: Request) -> Response {
    let query = query_of(&request);
    let (caller, _) = read!(request);
    let paging = match page_of(&query) {
        Ok(found) => found,
        Err(refused) => return answer(refused, &mapping::RECRUITER, |v| v),
    };
    let mut ours_query = vec![("type_compte", "recruteur".to_string())];
    if let Some(status) = query.get("status").and_then(|s| account_filter(s)) {
        ours_query.push(("statut", status.to_string()));
    }
    ours_query.extend(paging.size.clone().map(|s| ("page_size", s)));
    let first = format!(
        "/api/admin/utilisateurs/?{}",
        serde_urlencoded::to_string(&ours_query).unwrap_or_default()
    );
    let (fields, item) = (&mapping::RECRUITER, pending_recruiter);
    list_page(
        &ours,
        &caller,
        first,
        &paging,
        fields,
        item,
        under_recruiters,
    )
    .await
}

/// `GET /api/auth/profiles/public/{id}/`: one account for the panel's
/// detail page (our admins' read), as `{profile, user}`.
async fn recruiter(
    State(ours): State<Ours>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let (caller, _) = read!(request);
    let path = format!("/api/admin/utilisateurs/{}/", urlencoding(&id));
    let found = call(&ours, &caller, Method::GET, &path, None).await;
    answer(found, &mapping::RECRUITER, |account| {
        let mut out = pending_recruiter(account);
        out["profile"] = out.clone();
        out
    })
}

/// `POST /api/notifications/mark-as-read/` `{notification_ids}` or
/// `{mark_all: true}`: ours for each id, or our "all read" (called
/// again while it says some remain, at most 50 times).
async fn mark_read(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, body) = read!(request);
    if body.get("mark_all") == Some(&Value::Bool(true)) {
        let mut marked = 0;
        for _ in 0..50 {
            let done = call(
                &ours,
                &caller,
                Method::PUT,
                "/api/notifications/tout-lu/",
                None,
            )
            .await;
            if !done.status.is_success() {
                return answer(done, &Fields(&[]), |v| v);
            }
            marked += done.body["marquees"].as_u64().unwrap_or(0);
            if done.body["reste_non_lues"] != true {
                break;
            }
        }
        return axum::Json(json!({"marked_count": marked, "success": true})).into_response();
    }
    let Some(ids) = body.get("notification_ids").and_then(Value::as_array) else {
        return field_error("notification_ids", "Une liste d'identifiants est attendue.");
    };
    if ids.len() > 100 {
        return field_error("notification_ids", "100 identifiants au plus.");
    }
    for id in ids {
        let id = id
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| id.to_string());
        let path = format!("/api/notifications/{}/lu/", urlencoding(&id));
        let done = call(&ours, &caller, Method::PUT, &path, None).await;
        if !done.status.is_success() {
            return answer(done, &Fields(&[]), |v| v);
        }
    }
    axum::Json(json!({"marked_count": ids.len(), "success": true})).into_response()
}

/// An application moved to the apps' `status` (with `notes` and an
/// interview date), as our `PUT /api/recruteur/candidatures/{id}/statut/`.
async fn move_to(
    ours: &Ours,
    caller: &Caller,
    id: &str,
    status: &str,
    body: &Map<String, Value>,
) -> Response {
    let Some((statut, etape)) = mapping::application_move(status) else {
        return field_error(
            "status",
            "VIEWED, SHORTLISTED, INTERVIEW, ACCEPTED ou REJECTED attendu.",
        );
    };
    let mut change = json!({"statut": statut});
    if let Some(step) = etape {
        change["etape"] = step.into();
    }
    if let Some(notes) = body.get("notes").filter(|n| !n.is_null()) {
        change["notes_recruteur"] = notes.clone();
    }
    if let Some(date) = body.get("interview_date").filter(|d| !d.is_null()) {
        change["date_entretien"] = date.clone();
    }
    let path = format!("/api/recruteur/candidatures/{}/statut/", urlencoding(id));
    let done = call(ours, caller, Method::PUT, &path, Some(change)).await;
    answer(done, &mapping::APPLICATION, mapping::application)
}

/// `POST /api/applications/status/update/` `{application_id, new_status}`.
async fn move_application(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, body) = read!(request);
    let Some(id) = body.get("application_id").and_then(Value::as_str) else {
        return field_error("application_id", "Ce champ est obligatoire.");
    };
    let status = body.get("new_status").and_then(Value::as_str).unwrap_or("");
    move_to(&ours, &caller, id, status, &body).await
}

/// `PUT /api/applications/status/update/{id}/` `{status, notes}`.
async fn move_application_by_path(
    State(ours): State<Ours>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let (caller, body) = read!(request);
    let status = body.get("status").and_then(Value::as_str).unwrap_or("");
    move_to(&ours, &caller, &id, status, &body).await
}

/// `PUT /api/applications/consultation/{id}/mark-viewed/`: the
/// application seen (our `en_cours`, step `vue`), by its recruiter.
async fn mark_viewed(
    State(ours): State<Ours>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let (caller, body) = read!(request);
    move_to(&ours, &caller, &id, "VIEWED", &body).await
}

/// `POST /api/applications/ai/analyze-compatibility/` `{job_offer_id,
/// candidate_id}`: the score stored with that candidate's application to
/// the recruiter's offer (ours computes it when applying), as the
/// compatibility page reads a score.
async fn stored_score(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, body) = read!(request);
    let Some(offer) = body.get("job_offer_id").and_then(Value::as_str) else {
        return field_error("job_offer_id", "Ce champ est obligatoire.");
    };
    let Some(candidate) = body.get("candidate_id").and_then(Value::as_str) else {
        return field_error("candidate_id", "Ce champ est obligatoire.");
    };
    let mut next = Some(format!(
        "/api/recruteur/candidatures/?publication={}&page_size=100",
        urlencoding(offer)
    ));
    // Bounded as every numbered list: 20 pages of 100.
    for _ in 0..20 {
        let Some(path) = next.take() else { break };
        let page = call(&ours, &caller, Method::GET, &path, None).await;
        if !page.status.is_success() {
            return answer(page, &mapping::APPLICATION, |v| v);
        }
        let results = page.body["results"].as_array().cloned().unwrap_or_default();
        if let Some(found) = results.iter().find(|a| a["candidat"] == candidate) {
            let mut score = mapping::compatibility(found);
            score["score_saved"] = true.into();
            score["application_id"] = found["id"].clone();
            return axum::Json(score).into_response();
        }
        next = page.body["next"].as_str().map(String::from);
    }
    let refused = Answer::refused(
        StatusCode::NOT_FOUND,
        "Ce candidat n'a pas postulé à cette offre.",
    );
    answer(refused, &Fields(&[]), |v| v)
}
