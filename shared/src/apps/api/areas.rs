//! The accounts' own pages (#19): what the candidat's home, the
//! recruiter's dashboard, their headers and their lists read. Each is
//! one or more of our routes renamed, as everywhere in `api`.

use std::collections::HashMap;

use super::*;

pub(super) fn routes() -> Router<Ours> {
    // The profile forms send files: with the uploads only.
    let (candidate, recruiter) = (get(candidate_profile), get(recruiter_profile));
    #[cfg(feature = "uploads")]
    let (candidate, recruiter) = (
        candidate.put(super::profile_forms::candidate),
        recruiter.put(super::profile_forms::recruiter),
    );
    let mut router = Router::new()
        .route("/api/auth/profile/candidate/", candidate.fallback(not_yet))
        .route("/api/auth/profile/recruiter/", recruiter.fallback(not_yet))
        .route("/api/notifications/", get(notifications).fallback(not_yet))
        .route(
            "/api/notifications/stats/",
            get(notification_stats).fallback(not_yet),
        )
        .route(
            "/api/applications/my-stats/",
            get(applicant_stats).fallback(not_yet),
        )
        .route(
            "/api/applications/stats/",
            get(recruiter_stats).fallback(not_yet),
        )
        .route("/api/applications/", get(all_received).fallback(not_yet))
        .route(
            "/api/applications/{kind}/",
            get(applications_of_kind).fallback(not_yet),
        );
    for (path, segment) in MY_LISTS {
        router = router.route(
            path,
            get(move |ours, request| my_publications(ours, segment, request)).fallback(not_yet),
        );
    }
    router
}

/// The recruiter's own lists, and our route of each kind.
const MY_LISTS: [(&str, &str); 4] = [
    ("/api/jobs/my-job-offers/", "offres"),
    ("/api/jobs/my-funding-offers/", "financements"),
    ("/api/jobs/my-scholarships/", "bourses"),
    ("/api/jobs/my-consultation-offers/", "consultations"),
];

/// The apps' application kinds: (their segment, the key of the offer in
/// a candidate's item, our `type_publication`, the public route's
/// segment, the recruiter's list of received applications).
const APPLICATION_KINDS: [(&str, &str, &str, &str, &str); 4] = [
    (
        "job",
        "job_offer",
        "offre",
        "offres",
        "/api/recruteur/candidatures/",
    ),
    (
        "funding",
        "funding_offer",
        "financement",
        "financements",
        "/api/recruteur/financements/postulations/",
    ),
    (
        "consultation",
        "consultation_offer",
        "consultation",
        "consultations",
        "/api/recruteur/consultations/postulations/",
    ),
    (
        "scholarship",
        "scholarship",
        "bourse",
        "bourses",
        "/api/recruteur/bourses/postulations/",
    ),
];

/// `?…` of `pairs` (empty when none).
fn query_string(pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    format!(
        "?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// `GET /api/auth/profile/candidate/` and `…/recruiter/`: our profile,
/// for an account of that type (another type has no such profile: 404).
async fn own_profile(ours: Ours, request: Request, type_compte: &str) -> Response {
    let (caller, _) = read!(request);
    let found = call(&ours, &caller, Method::GET, "/api/auth/profile/", None).await;
    if found.status.is_success() && found.body["type_compte"] != type_compte {
        let refused = Answer::refused(StatusCode::NOT_FOUND, "Ce compte n'a pas ce profil.");
        return answer(refused, &Fields(&[]), |v| v);
    }
    answer(found, &mapping::USER, user)
}

async fn candidate_profile(State(ours): State<Ours>, request: Request) -> Response {
    own_profile(ours, request, "candidat").await
}

async fn recruiter_profile(State(ours): State<Ours>, request: Request) -> Response {
    own_profile(ours, request, "recruteur").await
}

/// `GET /api/notifications/?page=&page_size=&unread_only=`: ours, read
/// as each page reads it: `{results, count}` (the recruiter's) and
/// `{notifications, pagination}` (the candidat's and prestataire's).
async fn notifications(State(ours): State<Ours>, request: Request) -> Response {
    let query = query_of(&request);
    let (caller, _) = read!(request);
    let paging = match page_of(&query) {
        Ok(found) => found,
        Err(refused) => return answer(refused, &mapping::NOTIFICATION, |v| v),
    };
    let mut ours_query = Vec::new();
    let unread = query.get("unread_only").map(String::as_str);
    if matches!(unread, Some("true" | "1")) {
        ours_query.push(("lu", "false".to_string()));
    }
    ours_query.extend(paging.size.clone().map(|s| ("page_size", s)));
    let first = format!("/api/notifications/{}", query_string(&ours_query));
    let fields = &mapping::NOTIFICATION;
    list_page(
        &ours,
        &caller,
        first,
        &paging,
        fields,
        mapping::notification,
        both_envelopes,
    )
    .await
}

fn both_envelopes(ours: &Value, paging: &Paging, envelope: &mut Value) {
    let count = envelope["count"].as_u64().unwrap_or(0);
    let size = paging.per_page.max(1) as u64;
    envelope["notifications"] = envelope["results"].clone();
    envelope["pagination"] = json!({
        "currentPage": paging.page,
        "totalPages": count.div_ceil(size).max(1),
        "totalCount": count,
        "pageSize": size,
    });
    envelope["unread_count"] = ours["non_lues"].clone();
}

/// `GET /api/notifications/stats/`: the unread count and totals of our
/// list (one item read, its `non_lues` and `count`).
async fn notification_stats(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let found = call(
        &ours,
        &caller,
        Method::GET,
        "/api/notifications/?page_size=1",
        None,
    )
    .await;
    answer(found, &mapping::NOTIFICATION, |list| {
        mapping::notification_stats(&list)
    })
}

/// `GET /api/applications/my-stats/`: our applicant's counters.
async fn applicant_stats(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let path = "/api/candidat/statistiques/";
    let found = call(&ours, &caller, Method::GET, path, None).await;
    answer(found, &Fields(&[]), |stats| {
        let mut stats = mapping::applicant_stats(&stats);
        // Ours are read as they are now.
        stats["generated_at"] = json!(crate::text::rfc3339(time::OffsetDateTime::now_utc()));
        stats
    })
}

/// `GET /api/applications/stats/`: our recruiter's counters; for an
/// admin (the panel's dashboard calls the same URL), every
/// application's, from the admins' figures.
async fn recruiter_stats(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let path = "/api/recruteur/statistiques/";
    let found = call(&ours, &caller, Method::GET, path, None).await;
    if found.status == StatusCode::FORBIDDEN {
        let path = "/api/admin/statistiques-globales/";
        let all = call(&ours, &caller, Method::GET, path, None).await;
        if all.status.is_success() {
            return axum::Json(mapping::admin_application_stats(&all.body)).into_response();
        }
    }
    answer(found, &Fields(&[]), |stats| {
        mapping::recruiter_stats(&stats)
    })
}

/// `GET /api/jobs/my-{job-offers,…}/?page=&page_size=&status=`: the
/// recruiter's own list of that kind, `status` as our two states.
async fn my_publications(
    State(ours): State<Ours>,
    segment: &'static str,
    request: Request,
) -> Response {
    let query = query_of(&request);
    let (caller, _) = read!(request);
    let paging = match page_of(&query) {
        Ok(found) => found,
        Err(refused) => return answer(refused, &mapping::JOB_OFFER, |v| v),
    };
    let mut ours_query = Vec::new();
    if let Some(status) = query.get("status").filter(|s| !s.is_empty()) {
        match mapping::publication_filter(status) {
            Some((validation, statut)) => {
                ours_query.extend(validation.map(|v| ("statut_validation", v.to_string())));
                ours_query.extend(statut.map(|s| ("statut", s.to_string())));
            }
            None => return axum::Json(empty_page()).into_response(),
        }
    }
    ours_query.extend(paging.size.clone().map(|s| ("page_size", s)));
    let first = format!("/api/recruteur/{segment}/{}", query_string(&ours_query));
    let fields = &mapping::JOB_OFFER;
    list_page(
        &ours,
        &caller,
        first,
        &paging,
        fields,
        super::forms::publication,
        as_is,
    )
    .await
}

/// The apps' `ordering` of applications, as ours.
fn ordering(query: &HashMap<String, String>) -> Option<(&'static str, String)> {
    let sent = query.get("ordering").filter(|o| !o.is_empty())?;
    let ours = match sent.as_str() {
        "-created_at" => "-date_candidature",
        "created_at" => "date_candidature",
        "-compatibility_score" => "-score_compatibilite",
        "compatibility_score" => "score_compatibilite",
        // Ours names what it does not take (a 400 on `ordering`).
        other => other,
    };
    Some(("ordering", ours.to_string()))
}

/// `GET /api/applications/{job,funding,consultation,scholarship}/`: for
/// an applicant, its applications of that kind as a bare array, each
/// with the offer's card (`application` and `job_offer`…, as the
/// candidat's pages read it); for a recruiter, the applications it
/// received of that kind in the envelope. One URL for both, as the apps
/// have it: ours answers the applicant's list with a 403 for a
/// recruiter, who then gets its own.
async fn applications_of_kind(
    State(ours): State<Ours>,
    axum::extract::Path(kind): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Some(&(_, card, type_publication, public, received)) =
        APPLICATION_KINDS.iter().find(|(k, ..)| *k == kind)
    else {
        return unknown_kind();
    };
    let query = query_of(&request);
    let (caller, _) = read!(request);
    let paging = match page_of(&query) {
        Ok(found) => found,
        Err(refused) => return answer(refused, &mapping::APPLICATION, |v| v),
    };
    let mut mine_query = vec![("type_publication", type_publication.to_string())];
    mine_query.extend(paging.size.clone().map(|s| ("page_size", s)));
    let first = format!("/api/candidat/candidatures/{}", query_string(&mine_query));
    let mine = numbered(&ours, &caller, first, paging.page).await;
    if mine.status != StatusCode::FORBIDDEN {
        if !mine.status.is_success() {
            return answer(mine, &mapping::APPLICATION, |v| v);
        }
        let items = mine.body["results"].as_array().cloned().unwrap_or_default();
        let cards = items.into_iter().map(|a| async {
            let path = format!(
                "/api/{public}/{}/",
                urlencoding(a["publication"].as_str().unwrap_or_default())
            );
            let offer = call(&ours, &caller, Method::GET, &path, None).await;
            applicant_item(a, card, offer)
        });
        return axum::Json(Value::Array(futures_util::future::join_all(cards).await))
            .into_response();
    }
    let mut received_query = Vec::new();
    received_query.extend(ordering(&query));
    match status_filter(&query) {
        Ok(statut) => received_query.extend(statut),
        Err(refused) => return refused,
    }
    received_query.extend(paging.size.clone().map(|s| ("page_size", s)));
    let first = format!("{received}{}", query_string(&received_query));
    list_page(
        &ours,
        &caller,
        first,
        &paging,
        &mapping::APPLICATION,
        mapping::received_application,
        as_is,
    )
    .await
}

/// One of the applicant's applications as its pages read it: the
/// application, and the offer's card under `card` (from the public
/// detail; once the offer is closed, only its id and title, which the
/// application keeps).
fn applicant_item(ours: Value, card: &str, offer: Answer) -> Value {
    let offer = if offer.status.is_success() {
        super::forms::publication(offer.body)
    } else {
        json!({"id": ours["publication"], "title": ours["publication_titre"]})
    };
    let application = mapping::application(ours);
    json!({
        "id": application["id"],
        "status": application["status"],
        "created_at": application["created_at"],
        "application": application,
        card: offer,
    })
}

/// `GET /api/applications/?page=&page_size=&ordering=`: every
/// application the recruiter received, newest first, across its four
/// lists of ours (one per kind). Page N takes the first N pages' worth
/// of each list (bounded as every numbered list is), merges them by
/// date and keeps page N: the same order a single list would have.
async fn all_received(State(ours): State<Ours>, request: Request) -> Response {
    let query = query_of(&request);
    let (caller, _) = read!(request);
    let paging = match page_of(&query) {
        Ok(found) => found,
        Err(refused) => return answer(refused, &mapping::APPLICATION, |v| v),
    };
    let oldest_first = query.get("ordering").is_some_and(|o| o == "created_at");
    let wanted = paging.page as usize * paging.per_page;
    let order = if oldest_first {
        "date_candidature"
    } else {
        "-date_candidature"
    };
    let size = paging.per_page;
    let (ours, caller) = (&ours, &caller);
    let lists = APPLICATION_KINDS.iter().map(|(.., received)| async move {
        let path = format!("{received}?ordering={order}&page_size={size}");
        walk(ours, caller, path, wanted).await
    });
    let mut count = 0;
    let mut items = Vec::new();
    for list in futures_util::future::join_all(lists).await {
        match list {
            Ok((n, found)) => {
                count += n;
                items.extend(found);
            }
            Err(refused) => return answer(refused, &mapping::APPLICATION, |v| v),
        }
    }
    items.sort_by(|a, b| {
        let (a, b) = (
            a["date_candidature"].as_str().unwrap_or_default(),
            b["date_candidature"].as_str().unwrap_or_default(),
        );
        if oldest_first { a.cmp(b) } else { b.cmp(a) }
    });
    let start = (paging.page as usize - 1) * paging.per_page;
    if paging.page > 1 && start >= items.len() {
        let refused = Answer::refused(StatusCode::NOT_FOUND, "Page invalide.");
        return answer(refused, &mapping::APPLICATION, |v| v);
    }
    let page: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(paging.per_page)
        .map(mapping::received_application)
        .collect();
    let more = (start + page.len()) < count as usize;
    axum::Json(json!({
        "count": count,
        "next": more.then_some(paging.page + 1),
        "previous": (paging.page > 1).then(|| paging.page - 1),
        "results": page,
    }))
    .into_response()
}

/// The first `wanted` items of our list `first` (its `next` followed),
/// and its `count`.
async fn walk(
    ours: &Ours,
    caller: &Caller,
    first: String,
    wanted: usize,
) -> Result<(u64, Vec<Value>), Answer> {
    let mut items = Vec::new();
    let mut next = Some(first);
    let mut count = None;
    while let Some(path) = next.take() {
        let page = call(ours, caller, Method::GET, &path, None).await;
        if !page.status.is_success() {
            return Err(page);
        }
        count = count.or(page.body["count"].as_u64());
        items.extend(page.body["results"].as_array().cloned().unwrap_or_default());
        if items.len() < wanted {
            next = page.body["next"].as_str().map(String::from);
        }
    }
    let count = count.unwrap_or(items.len() as u64);
    items.truncate(wanted);
    Ok((count, items))
}
