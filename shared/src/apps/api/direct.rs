//! The apps' calls that are each one call of ours under other names: a
//! table (`DIRECT`), one row per call, read by one handler.

use std::collections::{BTreeMap, HashMap};

use axum::routing::{MethodFilter, MethodRouter, on};

use super::*;

/// How the apps' body becomes ours.
#[derive(Clone, Copy)]
enum Sent {
    /// Renamed by the row's fields; keys the table does not name go as
    /// sent (our route names any it does not take, with a 400).
    Renamed,
    /// Only the table's fields are kept: the apps' form sends many more
    /// that have no home here (documented in docs/apps-api.md).
    Only,
}

/// How our answer becomes theirs.
#[derive(Clone, Copy)]
enum Reply {
    /// One object, renamed by the function.
    One(fn(Value) -> Value),
    /// One of our lists, as numbered pages of items renamed by the
    /// function.
    Page(fn(Value) -> Value),
    /// A recruiter's list of applications received: numbered pages, the
    /// apps' `status` filter as ours (`mapping::application_filter`).
    Received,
}

/// One apps' call and the call of ours that serves it.
struct Direct {
    method: MethodFilter,
    apps: &'static str,
    ours_method: Method,
    /// Our path; `{id}` is the apps' path parameter.
    ours: &'static str,
    fields: &'static Fields,
    sent: Sent,
    reply: Reply,
}

const NONE: Fields = Fields(&[]);

fn same(v: Value) -> Value {
    v
}

fn preferences(v: Value) -> Value {
    match v {
        Value::Object(ours) => Value::Object(mapping::PREFERENCES.to_apps(ours)),
        other => other,
    }
}

fn session(v: Value) -> Value {
    match v {
        Value::Object(ours) => Value::Object(mapping::SESSION.to_apps(ours)),
        other => other,
    }
}

fn public_stats(v: Value) -> Value {
    mapping::public_stats(&v)
}

fn admin_stats(v: Value) -> Value {
    mapping::admin_stats(&v)
}

macro_rules! direct {
    ($method:ident $apps:literal => $ours_method:ident $ours:literal, $fields:expr, $sent:ident, $reply:expr) => {
        Direct {
            method: MethodFilter::$method,
            apps: $apps,
            ours_method: Method::$ours_method,
            ours: $ours,
            fields: &$fields,
            sent: Sent::$sent,
            reply: $reply,
        }
    };
}

/// Every such call (docs/apps-api.md has the same table).
const DIRECT: &[Direct] = &[
    direct!(POST "/api/auth/password/reset/" => POST "/api/auth/reset-password/", NONE, Renamed, Reply::One(with_message)),
    direct!(POST "/api/auth/password/change/" => POST "/api/auth/change-password/", NONE, Renamed, Reply::One(with_message)),
    direct!(GET "/api/auth/sessions/" => GET "/api/auth/sessions/", mapping::SESSION, Renamed, Reply::Page(session)),
    direct!(POST "/api/auth/sessions/{id}/invalidate/" => DELETE "/api/auth/sessions/{id}/", NONE, Renamed, Reply::One(same)),
    direct!(GET "/api/auth/public/candidates/{id}/" => GET "/api/profils/candidats/{id}/", mapping::CANDIDATE, Renamed, Reply::One(user)),
    direct!(GET "/api/auth/profile/candidate/{id}/" => GET "/api/profils/candidats/{id}/", mapping::CANDIDATE, Renamed, Reply::One(user)),
    direct!(GET "/api/auth/public/recruiters/{id}/" => GET "/api/profils/recruteurs/{id}/", mapping::RECRUITER, Renamed, Reply::One(user)),
    direct!(GET "/api/auth/provider/public/{id}/" => GET "/api/profils/prestataires/{id}/", mapping::USER, Renamed, Reply::One(user)),
    direct!(DELETE "/api/auth/profile/candidate/image/" => DELETE "/api/upload/photo/", NONE, Renamed, Reply::One(same)),
    direct!(GET "/api/common/stats/public/" => GET "/api/statistiques/publiques/", NONE, Renamed, Reply::One(public_stats)),
    direct!(GET "/api/core-admin/stats/users/" => GET "/api/admin/statistiques-globales/", NONE, Renamed, Reply::One(admin_stats)),
    direct!(GET "/api/core-admin/stats/content/" => GET "/api/admin/statistiques-globales/", NONE, Renamed, Reply::One(admin_stats)),
    direct!(GET "/api/jobs/scholarships/public/{id}/" => GET "/api/bourses/{id}/", mapping::JOB_OFFER, Renamed, Reply::One(super::forms::publication)),
    direct!(GET "/api/jobs/consultation-offers/public/{id}/" => GET "/api/consultations/{id}/", mapping::JOB_OFFER, Renamed, Reply::One(super::forms::publication)),
    direct!(GET "/api/notifications/preferences/" => GET "/api/notifications/preferences/", mapping::PREFERENCES, Only, Reply::One(preferences)),
    direct!(PUT "/api/notifications/preferences/" => PUT "/api/notifications/preferences/", mapping::PREFERENCES, Only, Reply::One(preferences)),
    direct!(GET "/api/applications/job/by-offer/{id}/" => GET "/api/recruteur/candidatures/?publication={id}", mapping::APPLICATION, Renamed, Reply::Received),
    direct!(GET "/api/applications/funding/by-offer/{id}/" => GET "/api/recruteur/financements/postulations/?publication={id}", mapping::APPLICATION, Renamed, Reply::Received),
    direct!(GET "/api/applications/consultation/by-offer/{id}/" => GET "/api/recruteur/consultations/postulations/?publication={id}", mapping::APPLICATION, Renamed, Reply::Received),
];

/// The table's routes: one method router per path, every other method
/// of it a 501.
pub(super) fn routes() -> Router<Ours> {
    let mut paths: BTreeMap<&str, MethodRouter<Ours>> = BTreeMap::new();
    for row in DIRECT {
        let handler = on(
            row.method,
            move |State(ours): State<Ours>,
                  axum::extract::Path(params): axum::extract::Path<HashMap<String, String>>,
                  request: Request| { serve(ours, row, params, request) },
        );
        let router = match paths.remove(row.apps) {
            Some(router) => router.merge(handler),
            None => handler,
        };
        paths.insert(row.apps, router);
    }
    let table = paths
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            router.route(path, methods.fallback(not_yet))
        });
    let types = get(notification_types).fallback(not_yet);
    table.route("/api/notifications/types/", types)
}

/// `GET /api/notifications/types/`: our notification types (a fixed
/// list, as the apps' own).
async fn notification_types() -> axum::Json<Value> {
    let types = crate::notifications::events::Kind::ALL
        .iter()
        .map(|kind| json!({"value": kind.as_str(), "name": kind.as_str()}))
        .collect();
    axum::Json(Value::Array(types))
}

async fn serve(
    ours: Ours,
    row: &'static Direct,
    params: HashMap<String, String>,
    request: Request,
) -> Response {
    let query = query_of(&request);
    let (caller, body) = read!(request);
    let mut path = row.ours.to_string();
    for (name, value) in &params {
        path = path.replace(&format!("{{{name}}}"), &urlencoding(value));
    }
    match row.reply {
        Reply::One(rename) => {
            let reads = [Method::GET, Method::DELETE].contains(&row.ours_method);
            let body = (!reads).then(|| {
                Value::Object(match row.sent {
                    Sent::Renamed => row.fields.to_ours(body),
                    Sent::Only => row.fields.to_ours(only(row.fields, body)),
                })
            });
            let found = call(&ours, &caller, row.ours_method.clone(), &path, body).await;
            answer(found, row.fields, rename)
        }
        Reply::Page(_) | Reply::Received => {
            let paging = match page_of(&query) {
                Ok(found) => found,
                Err(refused) => return answer(refused, row.fields, |v| v),
            };
            let mut extra = Vec::new();
            extra.extend(paging.size.clone().map(|size| ("page_size", size)));
            let item = match row.reply {
                Reply::Page(item) => item,
                _ => {
                    match status_filter(&query) {
                        Ok(statut) => extra.extend(statut),
                        Err(refused) => return refused,
                    }
                    mapping::received_application
                }
            };
            if !extra.is_empty() {
                let joint = if path.contains('?') { '&' } else { '?' };
                let pairs = serde_urlencoded::to_string(&extra).unwrap_or_default();
                path = format!("{path}{joint}{pairs}");
            }
            list_page(&ours, &caller, path, &paging, row.fields, item, as_is).await
        }
    }
}

/// The keys of `body` that `fields` names (the apps' names).
fn only(fields: &Fields, body: Map<String, Value>) -> Map<String, Value> {
    body.into_iter()
        .filter(|(key, _)| fields.0.iter().any(|(apps, _)| apps == key))
        .collect()
}
