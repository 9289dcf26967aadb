//! The apps' API's own OpenAPI document (#19), served at
//! `/api/openapi.json` of that API: every route it serves, what of ours
//! it calls, and the errors every route shares. A test checks it against
//! the apps' contract: every call served is in it.

use serde_json::{Map, Value, json};

/// (method, path, tag, what it does: our route it calls).
#[rustfmt::skip]
pub const OPERATIONS: &[(&str, &str, &str, &str)] = &[
    ("post", "/api/auth/login/", "auth", "`{login, password}` → `{access, refresh, user}` (POST /api/auth/login/)"),
    ("post", "/api/auth/token/refresh/", "auth", "POST /api/auth/refresh/"),
    ("post", "/api/auth/logout/", "auth", "POST /api/auth/logout/"),
    ("post", "/api/auth/register/", "auth", "POST /api/auth/register/, then a session when the account may log in"),
    ("get", "/api/auth/profile/", "auth", "GET /api/auth/profile/"),
    ("put", "/api/auth/profile/", "auth", "PUT /api/auth/profile/ (the login email and echoed fields dropped)"),
    ("get", "/api/auth/profile/candidate/", "auth", "GET /api/auth/profile/ (a candidat's)"),
    ("get", "/api/auth/profile/recruiter/", "auth", "GET /api/auth/profile/ (a recruteur's)"),
    ("get", "/api/auth/profile/provider/", "auth", "GET /api/auth/profile/ (a prestataire's)"),
    ("put", "/api/auth/profile/candidate/", "auth", "POST /api/upload/cv/, PUT /api/upload/photo/, then PUT /api/auth/profile/ (multipart)"),
    ("put", "/api/auth/profile/recruiter/", "auth", "PUT /api/upload/logo/, POST /api/upload/document/, then PUT /api/auth/profile/ (multipart)"),
    ("put", "/api/auth/profile/provider/", "auth", "PUT /api/upload/photo/, then PUT /api/auth/profile/ (multipart)"),
    ("get", "/api/auth/profile/location/", "auth", "GET /api/auth/profile/: pays, region, localisation"),
    ("put", "/api/auth/profile/location/", "auth", "PUT /api/auth/profile/ {pays, region}"),
    ("delete", "/api/auth/profile/candidate/cv/", "auth", "PUT /api/auth/profile/ {cv: null}"),
    ("delete", "/api/auth/profile/candidate/image/", "auth", "DELETE /api/upload/photo/"),
    ("post", "/api/auth/password/change/", "auth", "POST /api/auth/change-password/"),
    ("post", "/api/auth/password/reset/", "auth", "POST /api/auth/reset-password/"),
    ("post", "/api/auth/request-email-verification/", "auth", "POST /api/auth/resend-code/ (the caller's email)"),
    ("post", "/api/auth/verify-email/", "auth", "POST /api/auth/verify-email/ with a code, else POST /api/auth/resend-code/"),
    ("get", "/api/auth/sessions/", "auth", "GET /api/auth/sessions/"),
    ("post", "/api/auth/sessions/{id}/invalidate/", "auth", "DELETE /api/auth/sessions/{id}/"),
    ("post", "/api/auth/sessions/logout-all/", "auth", "POST /api/auth/sessions/logout-others/, then POST /api/auth/logout/"),
    ("post", "/api/auth/sessions/force-logout/", "auth", "POST /api/auth/sessions/logout-others/, then POST /api/auth/logout/"),
    ("get", "/api/auth/public/candidates/{id}/", "profiles", "GET /api/profils/candidats/{id}/"),
    ("get", "/api/auth/profile/candidate/{id}/", "profiles", "GET /api/profils/candidats/{id}/"),
    ("get", "/api/auth/public/recruiters/{id}/", "profiles", "GET /api/profils/recruteurs/{id}/"),
    ("get", "/api/auth/provider/public/{id}/", "profiles", "GET /api/profils/prestataires/{id}/"),
    ("get", "/api/auth/countries/", "reference", "the reference file's pays (as GET /api/reference/pays/)"),
    ("get", "/api/auth/countries/{id}/regions/", "reference", "the reference file's regions (as GET /api/reference/pays/{id}/regions/)"),
    ("get", "/api/jobs/departments/", "reference", "the reference file's departements (as GET /api/reference/departements/)"),
    ("get", "/api/jobs/categories/", "reference", "the reference file's categories (as GET /api/reference/departements/{id}/categories/)"),
    ("get", "/api/jobs/job-functions/", "reference", "the reference file (as GET /api/reference/fonctions/)"),
    ("get", "/api/jobs/activity-sectors/", "reference", "the reference file (as GET /api/reference/secteurs_activite/)"),
    ("get", "/api/jobs/study-domains/", "reference", "the reference file (as GET /api/reference/domaines_etude/)"),
    ("get", "/api/jobs/organization-types/", "reference", "the reference file (as GET /api/reference/types_organisation/)"),
    ("get", "/api/jobs/scholarship-types/", "reference", "the reference file (as GET /api/reference/types_bourse/)"),
    ("get", "/api/jobs/funding-sectors/", "reference", "the reference file (as GET /api/reference/secteurs_financement/)"),
    ("get", "/api/jobs/funding-targets/", "reference", "the reference file (as GET /api/reference/cibles_financement/)"),
    ("get", "/api/jobs/consultation-types/", "reference", "the reference file (as GET /api/reference/types_consultation/)"),
    ("get", "/api/jobs/job-offers/", "publications", "GET /api/offres/ (GET /api/recherche/offres/ with a filter)"),
    ("post", "/api/jobs/job-offers/", "publications", "POST /api/recruteur/offres/"),
    ("get", "/api/jobs/job-offers/{id}/", "publications", "GET /api/offres/{id}/, else the author's or the admins' read"),
    ("patch", "/api/jobs/job-offers/{id}/", "publications", "PUT /api/recruteur/offres/{id}/"),
    ("delete", "/api/jobs/job-offers/{id}/", "publications", "DELETE /api/recruteur/offres/{id}/"),
    ("get", "/api/jobs/funding-offers/", "publications", "GET /api/financements/ (search with `query`)"),
    ("get", "/api/jobs/scholarships/", "publications", "GET /api/bourses/ (search with `query`)"),
    ("get", "/api/jobs/consultation-offers/", "publications", "GET /api/consultations/ (search with `query`)"),
    ("post", "/api/jobs/funding-offers/", "publications", "POST /api/recruteur/financements/ (the form's table: apps::api::forms)"),
    ("post", "/api/jobs/scholarships/", "publications", "POST /api/recruteur/bourses/ (the form's table: apps::api::forms)"),
    ("post", "/api/jobs/consultation-offers/", "publications", "POST /api/recruteur/consultations/ (the form's table: apps::api::forms)"),
    ("patch", "/api/jobs/{kind}/{id}/", "publications", "PUT /api/recruteur/<kind>/{id}/ (the form's table)"),
    ("get", "/api/jobs/{kind}/{id}/", "publications", "GET /api/<kind>/{id}/, else the author's or the admins' read"),
    ("delete", "/api/jobs/{kind}/{id}/", "publications", "DELETE /api/recruteur/<kind>/{id}/"),
    ("get", "/api/jobs/scholarships/public/{id}/", "publications", "GET /api/bourses/{id}/"),
    ("get", "/api/jobs/consultation-offers/public/{id}/", "publications", "GET /api/consultations/{id}/"),
    ("get", "/api/jobs/my-job-offers/", "publications", "GET /api/recruteur/offres/"),
    ("get", "/api/jobs/my-funding-offers/", "publications", "GET /api/recruteur/financements/"),
    ("get", "/api/jobs/my-scholarships/", "publications", "GET /api/recruteur/bourses/"),
    ("get", "/api/jobs/my-consultation-offers/", "publications", "GET /api/recruteur/consultations/"),
    ("get", "/api/jobs/{kind}/admin/all/", "admin", "GET /api/admin/publications/?type_publication="),
    ("post", "/api/jobs/admin/{kind}/{id}/approve/", "admin", "PUT /api/admin/publications/{id}/valider/ (a publication of that kind)"),
    ("post", "/api/jobs/admin/{kind}/{id}/reject/", "admin", "PUT /api/admin/publications/{id}/refuser/ (a publication of that kind)"),
    ("post", "/api/jobs/admin/bulk-actions/", "admin", "PUT /api/admin/publications/{id}/valider/ or /refuser/, for each"),
    ("post", "/api/jobs/admin/bulk-actions-consultation/", "admin", "PUT /api/admin/publications/{id}/valider/ or /refuser/, for each"),
    ("post", "/api/jobs/admin/bulk-actions-scholarship/", "admin", "PUT /api/admin/publications/{id}/valider/ or /refuser/, for each"),
    ("get", "/api/auth/recruiter-validation/", "admin", "GET /api/admin/recruteurs-en-attente/"),
    ("post", "/api/auth/recruiter-validation/{id}/", "admin", "PUT /api/admin/recruteurs/{id}/valider/ or /refuser/"),
    ("get", "/api/auth/profiles/public/", "admin", "GET /api/admin/utilisateurs/?type_compte=recruteur"),
    ("get", "/api/auth/profiles/public/{id}/", "admin", "GET /api/admin/utilisateurs/{id}/"),
    ("get", "/api/core-admin/stats/users/", "admin", "GET /api/admin/statistiques-globales/"),
    ("get", "/api/core-admin/stats/content/", "admin", "GET /api/admin/statistiques-globales/"),
    ("post", "/api/applications/ai/calculate-compatibility/", "applications", "GET /api/<kind>/{id}/compatibilite/"),
    ("post", "/api/applications/ai/analyze-compatibility/", "applications", "GET /api/recruteur/candidatures/?publication= (the stored score)"),
    ("post", "/api/applications/job/create/", "applications", "POST /api/upload/<kind>/ per file, then POST /api/offres/{id}/postuler/"),
    ("post", "/api/applications/funding/create/", "applications", "POST /api/upload/<kind>/ per file, then POST /api/financements/{id}/postuler/"),
    ("post", "/api/applications/consultation/create/", "applications", "POST /api/upload/<kind>/ per file, then POST /api/consultations/{id}/postuler/"),
    ("get", "/api/applications/", "applications", "GET /api/recruteur/candidatures/ and the three postulations lists, merged by date"),
    ("get", "/api/applications/{kind}/", "applications", "GET /api/candidat/candidatures/?type_publication= (an applicant's, bare array), else the recruiter's list of that kind"),
    ("get", "/api/applications/job/by-offer/{id}/", "applications", "GET /api/recruteur/candidatures/?publication={id}"),
    ("get", "/api/applications/funding/by-offer/{id}/", "applications", "GET /api/recruteur/financements/postulations/?publication={id}"),
    ("get", "/api/applications/consultation/by-offer/{id}/", "applications", "GET /api/recruteur/consultations/postulations/?publication={id}"),
    ("post", "/api/applications/status/update/", "applications", "PUT /api/recruteur/candidatures/{id}/statut/"),
    ("put", "/api/applications/status/update/{id}/", "applications", "PUT /api/recruteur/candidatures/{id}/statut/"),
    ("put", "/api/applications/consultation/{id}/mark-viewed/", "applications", "PUT /api/recruteur/candidatures/{id}/statut/ {en_cours, vue}"),
    ("get", "/api/applications/stats/", "statistics", "GET /api/recruteur/statistiques/ (an admin's: GET /api/admin/statistiques-globales/)"),
    ("get", "/api/applications/my-stats/", "statistics", "GET /api/candidat/statistiques/"),
    ("get", "/api/common/stats/public/", "statistics", "GET /api/statistiques/publiques/"),
    ("get", "/api/notifications/", "notifications", "GET /api/notifications/"),
    ("get", "/api/notifications/stats/", "notifications", "GET /api/notifications/?page_size=1 (non_lues, count)"),
    ("get", "/api/notifications/types/", "notifications", "our notification types"),
    ("post", "/api/notifications/mark-as-read/", "notifications", "PUT /api/notifications/{id}/lu/ each, or PUT /api/notifications/tout-lu/"),
    ("get", "/api/notifications/preferences/", "notifications", "GET /api/notifications/preferences/"),
    ("put", "/api/notifications/preferences/", "notifications", "PUT /api/notifications/preferences/ (email, push, sms)"),
];

/// Whether `method path` (a concrete path) is one of `OPERATIONS`.
pub fn documented(method: &str, path: &str) -> bool {
    OPERATIONS.iter().any(|(m, pattern, ..)| {
        m.eq_ignore_ascii_case(method) && super::api::matches_pattern(pattern, path)
    })
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for (method, path, tag, summary) in OPERATIONS {
        let parameters: Vec<Value> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let creates = path.ends_with("/create/")
            || *path == "/api/auth/register/"
            || (path.starts_with("/api/jobs/") && path.matches('/').count() == 4);
        let success = match *method {
            "post" if creates => "201",
            "delete" => "204",
            _ => "200",
        };
        let mut operation = json!({
            "tags": [tag],
            "summary": summary,
            "parameters": parameters,
            "security": [{"bearer": []}, {}],
            "responses": {
                success: {"description": "Réussi", "content": {"application/json": {"schema": {}}}},
                "4XX": {"description": "Refusé : `detail`, `error`, `message`, et les erreurs de champ aux noms des applications", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "503": {"description": "Un service dont l'API dépend ne répond pas", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        });
        if ["post", "put", "patch"].contains(method) {
            let multipart = path.ends_with("/create/")
                || (*method == "put"
                    && path.starts_with("/api/auth/profile/")
                    && path.matches('/').count() == 5);
            let content = if multipart {
                json!({"multipart/form-data": {"schema": {"type": "object"}}})
            } else {
                json!({"application/json": {"schema": {"type": "object"}}})
            };
            operation["requestBody"] = json!({"content": content});
        }
        paths
            .entry(path.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("an object")
            .insert(method.to_string(), operation);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "DestinyJobs — API des applications",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Les routes des applications web et d'administration de DestinyJobs, traduites vers l'API française (docs/apps-api.md). Toute autre route répond 501 en disant pourquoi.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["detail", "error", "message"],
                    "properties": {
                        "detail": {"type": "string"},
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "non_field_errors": {"type": "array", "items": {"type": "string"}},
                    },
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_has_each_operation_once() {
        let document = document();
        let count: usize = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| item.as_object().unwrap().len())
            .sum();
        assert_eq!(count, OPERATIONS.len());
        assert!(documented("GET", "/api/jobs/scholarships/01ABC/"));
        assert!(!documented("GET", "/api/blog/posts/"));
    }
}
