//! The reference lists over HTTP: public, cacheable (an `ETag` per body
//! and a day of `Cache-Control`; a matching `If-None-Match` is a 304).

use std::hash::{Hash, Hasher};

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Departement, Entry, get};
use crate::error::ApiError;

/// How long a client or a CDN may keep a list without asking again.
pub const CACHE_CONTROL: &str = "public, max-age=86400, stale-while-revalidate=604800";

/// The lists there are, and the version of the file.
#[derive(Serialize, ToSchema)]
pub struct ReferenceIndex {
    pub version: String,
    /// The names of the lists, each at `GET /api/reference/{liste}/`.
    pub listes: Vec<String>,
}

/// One list.
#[derive(Serialize, ToSchema)]
pub struct ReferenceList {
    pub version: String,
    pub count: usize,
    pub results: Vec<Entry>,
}

/// The job departments, each with its categories.
#[derive(Serialize, ToSchema)]
pub struct DepartementList {
    pub version: String,
    pub count: usize,
    pub results: Vec<Departement>,
}

/// `body` as JSON with its ETag and cache headers, or a bare 304 when the
/// client already holds it.
fn cached<T: Serialize>(headers: &HeaderMap, body: &T) -> Response {
    let bytes = match serde_json::to_vec(body) {
        Ok(bytes) => bytes,
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    let etag = format!("\"{:016x}\"", hasher.finish());
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*");
    let etag = HeaderValue::from_str(&etag).expect("hex in quotes");
    let common = [
        (header::ETAG, etag),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response()
}

fn list(entries: &[Entry]) -> ReferenceList {
    ReferenceList {
        version: get().data.version.clone(),
        count: entries.len(),
        results: entries.to_vec(),
    }
}

fn not_found(what: &str) -> ApiError {
    ApiError::NotFoundDetail(format!("{what} introuvable."))
}

#[utoipa::path(get, path = "/api/reference/", tag = "reference",
    responses((status = 200, body = ReferenceIndex, description = "Les listes de référence et la version du fichier"),
        (status = 304, description = "Inchangé depuis l'ETag envoyé (If-None-Match)")))]
pub async fn reference_index(headers: HeaderMap) -> Response {
    let data = &get().data;
    let mut listes: Vec<String> = ["pays", "departements"].map(String::from).to_vec();
    listes.extend(data.lists.keys().cloned());
    cached(
        &headers,
        &ReferenceIndex {
            version: data.version.clone(),
            listes,
        },
    )
}

#[utoipa::path(get, path = "/api/reference/{liste}/", tag = "reference",
    params(("liste" = String, Path, description = "`pays`, `departements`, `secteurs_activite`, `fonctions`, `secteurs_financement`, `cibles_financement`, `domaines_etude`, `types_organisation`, ou la liste d'une énumération (`types_contrat`, `modes_travail`...) : voir GET /api/reference/")),
    responses((status = 200, body = ReferenceList, description = "La liste, triée ; `departements` donne aussi les catégories de chacun (DepartementList)"),
        (status = 304, description = "Inchangé depuis l'ETag envoyé (If-None-Match)"),
        (status = 404, description = "Liste inconnue")))]
pub async fn reference_list(Path(liste): Path<String>, headers: HeaderMap) -> Response {
    let data = &get().data;
    if liste == "departements" {
        return cached(
            &headers,
            &DepartementList {
                version: data.version.clone(),
                count: data.departements.len(),
                results: data.departements.clone(),
            },
        );
    }
    match get().list(&liste) {
        Some(entries) => cached(&headers, &list(entries)),
        None => not_found("Liste").into_response(),
    }
}

#[utoipa::path(get, path = "/api/reference/pays/{id}/regions/", tag = "reference",
    params(("id" = String, Path, description = "Code ISO 3166-1 alpha-2 du pays (`CI`)")),
    responses((status = 200, body = ReferenceList, description = "Ses régions (codes ISO 3166-2) ; vide pour un pays dont les régions ne sont pas servies"),
        (status = 304, description = "Inchangé depuis l'ETag envoyé (If-None-Match)"),
        (status = 404, description = "Pays inconnu")))]
pub async fn reference_regions(Path(id): Path<String>, headers: HeaderMap) -> Response {
    let reference = get();
    if reference.label("pays", &id).is_none() {
        return not_found("Pays").into_response();
    }
    let regions = reference
        .data
        .regions
        .get(&id)
        .map_or(&[][..], Vec::as_slice);
    cached(&headers, &list(regions))
}

#[utoipa::path(get, path = "/api/reference/departements/{id}/categories/", tag = "reference",
    params(("id" = String, Path, description = "Identifiant du département")),
    responses((status = 200, body = ReferenceList, description = "Ses catégories"),
        (status = 304, description = "Inchangé depuis l'ETag envoyé (If-None-Match)"),
        (status = 404, description = "Département inconnu")))]
pub async fn reference_categories(Path(id): Path<String>, headers: HeaderMap) -> Response {
    match get().data.departements.iter().find(|d| d.id == id) {
        Some(d) => cached(&headers, &list(&d.categories)),
        None => not_found("Département").into_response(),
    }
}
