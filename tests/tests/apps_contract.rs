//! Every call of the apps' routed pages (`../shared/clients/
//! apps-contract.md`, section 2: 103 of the web app, 69 of the admin
//! panel, the ×4 rows written out) against the apps' API, as the account
//! its page runs as: each is served, with the keys its page reads where
//! it answers 2xx, or is one of the documented 501s (`NOT_SERVED`,
//! docs/apps-api.md), saying why. Never a 501 that is not documented,
//! never a documented one that is served.

use e2e::*;
use serde_json::{Value, json};
use shared::apps::api::{NOT_SERVED, not_served};

#[derive(Clone, Copy, Debug)]
enum App {
    Web,
    Admin,
}
use App::*;

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Candidat,
    Prestataire,
    Recruteur,
    Admin,
}
use Who::*;

/// (app, its number in the contract, method, path, who calls it).
const CONTRACT: &[(App, &str, &str, &str, Who)] = &[
    (Web, "1", "POST", "/api/auth/login/", Anonymous),
    (Web, "2", "POST", "/api/auth/register/", Anonymous),
    (Web, "3", "POST", "/api/auth/logout/", Candidat),
    (Web, "4", "POST", "/api/auth/token/refresh/", Anonymous),
    (Web, "5", "POST", "/api/auth/password/change/", Candidat),
    (Web, "6", "POST", "/api/auth/password/reset/", Anonymous),
    (
        Web,
        "7",
        "POST",
        "/api/auth/password/reset/confirm/",
        Anonymous,
    ),
    (
        Web,
        "8",
        "GET",
        "/api/auth/verify-email/01JZZZZZZZZZZZZZZZZZZZZZZZ/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (Web, "9", "POST", "/api/auth/verify-email/", Candidat),
    (
        Web,
        "10",
        "POST",
        "/api/auth/request-email-verification/",
        Candidat,
    ),
    (Web, "11", "GET", "/api/auth/sessions/", Candidat),
    (
        Web,
        "12",
        "POST",
        "/api/auth/sessions/logout-all/",
        Candidat,
    ),
    (
        Web,
        "13",
        "POST",
        "/api/auth/sessions/01JZZZZZZZZZZZZZZZZZZZZZZZ/invalidate/",
        Candidat,
    ),
    (
        Web,
        "14",
        "POST",
        "/api/auth/sessions/force-logout/",
        Candidat,
    ),
    (Web, "15", "GET", "/api/auth/profile/", Candidat),
    (Web, "16", "PUT", "/api/auth/profile/", Candidat),
    (Web, "17", "GET", "/api/auth/profile/candidate/", Candidat),
    (Web, "18", "PUT", "/api/auth/profile/candidate/", Candidat),
    (
        Web,
        "19",
        "DELETE",
        "/api/auth/profile/candidate/cv/",
        Candidat,
    ),
    (
        Web,
        "20",
        "DELETE",
        "/api/auth/profile/candidate/image/",
        Candidat,
    ),
    (Web, "21", "GET", "/api/auth/profile/recruiter/", Recruteur),
    (Web, "22", "PUT", "/api/auth/profile/recruiter/", Recruteur),
    (Web, "23", "GET", "/api/auth/profile/provider/", Prestataire),
    (Web, "24", "PUT", "/api/auth/profile/provider/", Prestataire),
    (Web, "25", "GET", "/api/auth/profile/location/", Candidat),
    (Web, "26", "PUT", "/api/auth/profile/location/", Candidat),
    (Web, "27", "GET", "/api/auth/countries/", Anonymous),
    (
        Web,
        "28",
        "GET",
        "/api/auth/countries/CI/regions/",
        Anonymous,
    ),
    (Web, "29", "GET", "/api/jobs/departments/", Anonymous),
    (
        Web,
        "30",
        "GET",
        "/api/jobs/categories/?department=",
        Anonymous,
    ),
    (Web, "31", "GET", "/api/jobs/job-functions/", Anonymous),
    (Web, "32", "GET", "/api/jobs/activity-sectors/", Anonymous),
    (Web, "33", "GET", "/api/jobs/funding-sectors/", Anonymous),
    (Web, "34", "GET", "/api/jobs/funding-targets/", Anonymous),
    (Web, "35", "GET", "/api/jobs/study-domains/", Anonymous),
    (Web, "36", "GET", "/api/jobs/organization-types/", Anonymous),
    (Web, "37", "GET", "/api/jobs/scholarship-types/", Anonymous),
    (Web, "38", "GET", "/api/jobs/consultation-types/", Anonymous),
    (
        Web,
        "39",
        "GET",
        "/api/auth/public/candidates/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (
        Web,
        "40",
        "GET",
        "/api/auth/profile/candidate/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Candidat,
    ),
    (
        Web,
        "41",
        "GET",
        "/api/auth/public/recruiters/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (
        Web,
        "42",
        "GET",
        "/api/auth/provider/public/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (Web, "43", "GET", "/api/common/users/search/", Candidat),
    (Web, "44", "GET", "/api/jobs/job-offers/", Anonymous),
    (
        Web,
        "45",
        "GET",
        "/api/jobs/job-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (Web, "46", "POST", "/api/jobs/job-offers/", Recruteur),
    (
        Web,
        "47",
        "PATCH",
        "/api/jobs/job-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (
        Web,
        "48",
        "DELETE",
        "/api/jobs/job-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (Web, "49", "GET", "/api/jobs/my-job-offers/", Recruteur),
    (Web, "50", "GET", "/api/jobs/funding-offers/", Anonymous),
    (
        Web,
        "51",
        "GET",
        "/api/jobs/funding-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (Web, "52", "POST", "/api/jobs/funding-offers/", Recruteur),
    (
        Web,
        "53",
        "PATCH",
        "/api/jobs/funding-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (
        Web,
        "54",
        "DELETE",
        "/api/jobs/funding-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (Web, "55", "GET", "/api/jobs/my-funding-offers/", Recruteur),
    (Web, "56", "GET", "/api/jobs/scholarships/", Anonymous),
    (
        Web,
        "57",
        "GET",
        "/api/jobs/scholarships/public/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (
        Web,
        "58",
        "GET",
        "/api/jobs/scholarships/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (Web, "59", "POST", "/api/jobs/scholarships/", Recruteur),
    (
        Web,
        "60",
        "PATCH",
        "/api/jobs/scholarships/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (
        Web,
        "61",
        "DELETE",
        "/api/jobs/scholarships/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (Web, "62", "GET", "/api/jobs/my-scholarships/", Recruteur),
    (
        Web,
        "63",
        "GET",
        "/api/jobs/consultation-offers/",
        Anonymous,
    ),
    (
        Web,
        "64",
        "GET",
        "/api/jobs/consultation-offers/public/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (
        Web,
        "65",
        "GET",
        "/api/jobs/consultation-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (
        Web,
        "66",
        "POST",
        "/api/jobs/consultation-offers/",
        Recruteur,
    ),
    (
        Web,
        "67",
        "PATCH",
        "/api/jobs/consultation-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (
        Web,
        "68",
        "DELETE",
        "/api/jobs/consultation-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (
        Web,
        "69",
        "GET",
        "/api/jobs/my-consultation-offers/",
        Recruteur,
    ),
    (
        Web,
        "70",
        "GET",
        "/api/offres/?recruteur=01JZZZZZZZZZZZZZZZZZZZZZZZ&statut=active&limit=5",
        Anonymous,
    ),
    (
        Web,
        "71",
        "GET",
        "/api/financements/?recruteur=01JZZZZZZZZZZZZZZZZZZZZZZZ&statut=active&limit=5",
        Anonymous,
    ),
    (
        Web,
        "72",
        "GET",
        "/api/bourses/?recruteur=01JZZZZZZZZZZZZZZZZZZZZZZZ&statut=active&limit=5",
        Anonymous,
    ),
    (
        Web,
        "73",
        "GET",
        "/api/consultations/?recruteur=01JZZZZZZZZZZZZZZZZZZZZZZZ&statut=active&limit=5",
        Anonymous,
    ),
    (
        Web,
        "74",
        "POST",
        "/api/applications/ai/calculate-compatibility/",
        Candidat,
    ),
    (
        Web,
        "75",
        "POST",
        "/api/applications/ai/analyze-compatibility/",
        Recruteur,
    ),
    (Web, "76", "POST", "/api/applications/job/create/", Candidat),
    (
        Web,
        "77",
        "POST",
        "/api/applications/consultation/create/",
        Candidat,
    ),
    (
        Web,
        "78",
        "POST",
        "/api/applications/funding/create/",
        Candidat,
    ),
    (Web, "79", "GET", "/api/applications/job/", Candidat),
    (Web, "80", "GET", "/api/applications/funding/", Candidat),
    (
        Web,
        "81",
        "GET",
        "/api/applications/consultation/",
        Candidat,
    ),
    (
        Web,
        "82",
        "GET",
        "/api/applications/job/by-offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (
        Web,
        "83",
        "GET",
        "/api/applications/funding/by-offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (
        Web,
        "84",
        "GET",
        "/api/applications/consultation/by-offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (Web, "85", "GET", "/api/applications/", Recruteur),
    (
        Web,
        "86",
        "POST",
        "/api/applications/status/update/",
        Recruteur,
    ),
    (
        Web,
        "87",
        "PUT",
        "/api/applications/status/update/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Recruteur,
    ),
    (
        Web,
        "88",
        "PUT",
        "/api/applications/consultation/01JZZZZZZZZZZZZZZZZZZZZZZZ/mark-viewed/",
        Recruteur,
    ),
    (Web, "89", "GET", "/api/applications/stats/", Recruteur),
    (Web, "90", "GET", "/api/applications/my-stats/", Recruteur),
    (
        Web,
        "91",
        "GET",
        "/api/auth/profile/personal-stats/",
        Candidat,
    ),
    (Web, "92", "GET", "/api/common/stats/public/", Anonymous),
    (Web, "93", "GET", "/api/notifications/", Candidat),
    (
        Web,
        "94",
        "POST",
        "/api/notifications/mark-as-read/",
        Candidat,
    ),
    (Web, "95", "GET", "/api/notifications/stats/", Candidat),
    (Web, "96", "GET", "/api/notifications/types/", Candidat),
    (
        Web,
        "97",
        "GET",
        "/api/notifications/preferences/",
        Candidat,
    ),
    (
        Web,
        "98",
        "PUT",
        "/api/notifications/preferences/",
        Candidat,
    ),
    (Web, "99", "GET", "/api/blog/posts/", Anonymous),
    (Web, "100", "GET", "/api/blog/public/posts/", Anonymous),
    (
        Web,
        "101",
        "GET",
        "/api/blog/public/posts/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Anonymous,
    ),
    (Web, "102", "GET", "/api/blog/public/categories/", Anonymous),
    (Web, "103", "GET", "/api/blog/public/featured/", Anonymous),
    (App::Admin, "1", "POST", "/api/auth/login/", Anonymous),
    (App::Admin, "2", "GET", "/api/auth/profile/", Who::Admin),
    (App::Admin, "3", "PUT", "/api/auth/profile/", Who::Admin),
    (
        App::Admin,
        "4",
        "POST",
        "/api/auth/token/refresh/",
        Anonymous,
    ),
    (
        App::Admin,
        "5",
        "POST",
        "/api/auth/password/change/",
        Who::Admin,
    ),
    (
        App::Admin,
        "6",
        "POST",
        "/api/auth/request-email-verification/",
        Who::Admin,
    ),
    (App::Admin, "7", "GET", "/api/auth/sessions/", Who::Admin),
    (
        App::Admin,
        "8",
        "POST",
        "/api/auth/sessions/logout-all/",
        Who::Admin,
    ),
    (
        App::Admin,
        "9",
        "POST",
        "/api/auth/sessions/01JZZZZZZZZZZZZZZZZZZZZZZZ/invalidate/",
        Who::Admin,
    ),
    (
        App::Admin,
        "10",
        "POST",
        "/api/auth/sessions/force-logout/",
        Who::Admin,
    ),
    (
        App::Admin,
        "11",
        "GET",
        "/api/auth/recruiter-validation/",
        Who::Admin,
    ),
    (
        App::Admin,
        "12",
        "POST",
        "/api/auth/recruiter-validation/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "13",
        "GET",
        "/api/auth/profiles/public/",
        Who::Admin,
    ),
    (
        App::Admin,
        "14",
        "GET",
        "/api/auth/profiles/public/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "15–18",
        "GET",
        "/api/jobs/job-offers/admin/all/",
        Who::Admin,
    ),
    (
        App::Admin,
        "15–18",
        "GET",
        "/api/jobs/consultation-offers/admin/all/",
        Who::Admin,
    ),
    (
        App::Admin,
        "15–18",
        "GET",
        "/api/jobs/funding-offers/admin/all/",
        Who::Admin,
    ),
    (
        App::Admin,
        "15–18",
        "GET",
        "/api/jobs/scholarships/admin/all/",
        Who::Admin,
    ),
    (
        App::Admin,
        "19–22",
        "GET",
        "/api/jobs/job-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "19–22",
        "GET",
        "/api/jobs/consultation-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "19–22",
        "GET",
        "/api/jobs/funding-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "19–22",
        "GET",
        "/api/jobs/scholarships/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "23–26",
        "POST",
        "/api/jobs/admin/offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/approve/",
        Who::Admin,
    ),
    (
        App::Admin,
        "23–26",
        "POST",
        "/api/jobs/admin/consultation-offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/approve/",
        Who::Admin,
    ),
    (
        App::Admin,
        "23–26",
        "POST",
        "/api/jobs/admin/funding-offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/approve/",
        Who::Admin,
    ),
    (
        App::Admin,
        "23–26",
        "POST",
        "/api/jobs/admin/scholarship/01JZZZZZZZZZZZZZZZZZZZZZZZ/approve/",
        Who::Admin,
    ),
    (
        App::Admin,
        "27–30",
        "POST",
        "/api/jobs/admin/offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/reject/",
        Who::Admin,
    ),
    (
        App::Admin,
        "27–30",
        "POST",
        "/api/jobs/admin/consultation-offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/reject/",
        Who::Admin,
    ),
    (
        App::Admin,
        "27–30",
        "POST",
        "/api/jobs/admin/funding-offer/01JZZZZZZZZZZZZZZZZZZZZZZZ/reject/",
        Who::Admin,
    ),
    (
        App::Admin,
        "27–30",
        "POST",
        "/api/jobs/admin/scholarship/01JZZZZZZZZZZZZZZZZZZZZZZZ/reject/",
        Who::Admin,
    ),
    (
        App::Admin,
        "31",
        "POST",
        "/api/jobs/admin/bulk-actions/",
        Who::Admin,
    ),
    (
        App::Admin,
        "32",
        "POST",
        "/api/jobs/admin/bulk-actions-consultation/",
        Who::Admin,
    ),
    (
        App::Admin,
        "33",
        "POST",
        "/api/jobs/admin/bulk-actions-scholarship/",
        Who::Admin,
    ),
    (
        App::Admin,
        "34–37",
        "DELETE",
        "/api/jobs/job-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "34–37",
        "DELETE",
        "/api/jobs/consultation-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "34–37",
        "DELETE",
        "/api/jobs/funding-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "34–37",
        "DELETE",
        "/api/jobs/scholarships/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "38–41",
        "POST",
        "/api/jobs/job-offers/",
        Who::Admin,
    ),
    (
        App::Admin,
        "38–41",
        "POST",
        "/api/jobs/consultation-offers/",
        Who::Admin,
    ),
    (
        App::Admin,
        "38–41",
        "POST",
        "/api/jobs/funding-offers/",
        Who::Admin,
    ),
    (
        App::Admin,
        "38–41",
        "POST",
        "/api/jobs/scholarships/",
        Who::Admin,
    ),
    (
        App::Admin,
        "42–44",
        "PATCH",
        "/api/jobs/job-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "42–44",
        "PATCH",
        "/api/jobs/consultation-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "42–44",
        "PATCH",
        "/api/jobs/funding-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "42–44",
        "PATCH",
        "/api/jobs/scholarships/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "45",
        "GET",
        "/api/jobs/departments/",
        Who::Admin,
    ),
    (App::Admin, "46", "GET", "/api/jobs/categories/", Who::Admin),
    (
        App::Admin,
        "47",
        "GET",
        "/api/jobs/job-functions/",
        Who::Admin,
    ),
    (
        App::Admin,
        "48",
        "GET",
        "/api/jobs/activity-sectors/",
        Who::Admin,
    ),
    (App::Admin, "49", "GET", "/api/auth/countries/", Who::Admin),
    (
        App::Admin,
        "50",
        "GET",
        "/api/auth/countries/CI/regions/",
        Who::Admin,
    ),
    (
        App::Admin,
        "51",
        "GET",
        "/api/jobs/study-domains/",
        Who::Admin,
    ),
    (
        App::Admin,
        "52",
        "GET",
        "/api/jobs/organization-types/",
        Who::Admin,
    ),
    (
        App::Admin,
        "53",
        "GET",
        "/api/jobs/scholarship-types/",
        Who::Admin,
    ),
    (
        App::Admin,
        "54",
        "GET",
        "/api/core-admin/stats/system/",
        Who::Admin,
    ),
    (
        App::Admin,
        "55",
        "GET",
        "/api/core-admin/stats/users/",
        Who::Admin,
    ),
    (
        App::Admin,
        "56",
        "GET",
        "/api/core-admin/stats/content/",
        Who::Admin,
    ),
    (
        App::Admin,
        "57",
        "GET",
        "/api/analytics/summary/",
        Who::Admin,
    ),
    (
        App::Admin,
        "58",
        "GET",
        "/api/analytics/real-time/",
        Who::Admin,
    ),
    (
        App::Admin,
        "59",
        "GET",
        "/api/applications/stats/",
        Who::Admin,
    ),
    (
        App::Admin,
        "60",
        "GET",
        "/api/subscriptions/stats/",
        Who::Admin,
    ),
    (App::Admin, "61", "GET", "/api/blog/posts/", Who::Admin),
    (
        App::Admin,
        "62",
        "GET",
        "/api/blog/posts/01JZZZZZZZZZZZZZZZZZZZZZZZ/",
        Who::Admin,
    ),
    (
        App::Admin,
        "63",
        "POST",
        "/api/blog/posts/create/",
        Who::Admin,
    ),
    (
        App::Admin,
        "64",
        "PUT",
        "/api/blog/posts/01JZZZZZZZZZZZZZZZZZZZZZZZ/update/",
        Who::Admin,
    ),
    (App::Admin, "65", "GET", "/api/blog/categories/", Who::Admin),
    (App::Admin, "66", "GET", "/api/blog/stats/", Who::Admin),
    (App::Admin, "67", "GET", "/api/notifications/", Who::Admin),
    (
        App::Admin,
        "68",
        "POST",
        "/api/notifications/mark-as-read/",
        Who::Admin,
    ),
    (
        App::Admin,
        "69",
        "GET",
        "/api/notifications/stats/",
        Who::Admin,
    ),
];

/// What a page reads of a 2xx answer: top-level keys, or `[]` for a
/// bare array.
fn reads(method: &str, path: &str, who: Who) -> &'static [&'static str] {
    let path = path.split('?').next().unwrap_or(path);
    match (method, path, who) {
        ("GET", "/api/auth/profile/", _) => &["user_type", "first_name", "email", "email_verified"],
        ("GET", "/api/auth/profile/candidate/", _) => &["skills", "education"],
        ("GET", "/api/auth/profile/recruiter/", _) => &["company_name", "company_size"],
        ("GET", "/api/auth/profile/location/", _) => &["country", "region"],
        (
            "GET",
            "/api/jobs/job-offers/"
            | "/api/jobs/funding-offers/"
            | "/api/jobs/scholarships/"
            | "/api/jobs/consultation-offers/",
            _,
        ) => &["count", "results"],
        ("GET", p, _) if p.starts_with("/api/jobs/my-") => &["count", "results"],
        ("GET", p, _) if p.ends_with("/admin/all/") => &["count", "results"],
        (
            "GET",
            "/api/jobs/departments/"
            | "/api/jobs/categories/"
            | "/api/jobs/job-functions/"
            | "/api/jobs/activity-sectors/"
            | "/api/jobs/study-domains/"
            | "/api/jobs/organization-types/"
            | "/api/jobs/scholarship-types/"
            | "/api/jobs/funding-sectors/"
            | "/api/jobs/funding-targets/"
            | "/api/jobs/consultation-types/"
            | "/api/auth/countries/"
            | "/api/notifications/types/",
            _,
        ) => &["[]"],
        ("GET", p, _) if p.ends_with("/regions/") => &["[]"],
        ("GET", "/api/notifications/", _) => &["count", "results", "notifications", "pagination"],
        ("GET", "/api/notifications/stats/", _) => {
            &["unread", "unread_count", "total_notifications"]
        }
        ("GET", "/api/notifications/preferences/", _) => {
            &["email_notifications", "push_notifications"]
        }
        ("GET", "/api/applications/my-stats/", _) => {
            &["total_applications", "job_applications", "success_rate"]
        }
        ("GET", "/api/applications/stats/", Who::Admin) => {
            &["total_applications", "applications_by_status"]
        }
        ("GET", "/api/applications/stats/", _) => &["total_applications"],
        ("GET", "/api/applications/", _) => &["count", "results"],
        (
            "GET",
            "/api/applications/job/"
            | "/api/applications/funding/"
            | "/api/applications/consultation/",
            Candidat | Prestataire,
        ) => &["[]"],
        ("GET", "/api/common/stats/public/", _) => &["offers", "users"],
        ("GET", "/api/core-admin/stats/users/", _) => &["total_users", "users_by_type"],
        ("GET", "/api/core-admin/stats/content/", _) => &["total_jobs", "jobs_by_status"],
        ("GET", "/api/auth/recruiter-validation/", _) => &["recruiters", "results", "count"],
        ("GET", "/api/auth/profiles/public/", _) => &["results", "count"],
        ("GET", "/api/auth/sessions/", _) => &["results"],
        _ => &[],
    }
}

#[tokio::test]
async fn every_call_of_the_apps_is_served_or_a_documented_501() {
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, admin) = app.admin().await;
    let (recruteur_email, _, recruteur) = app.verified_recruiter(&admin).await;
    let (candidat_email, candidat, _, _) = app.user("candidat").await;
    let (prestataire_email, prestataire, _, _) = app.user("prestataire").await;
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/apps-api.md"))
        .unwrap();

    let mut seen_not_served = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for (which, number, method, path, who) in CONTRACT {
        // A call that closes the session runs on a session of its own.
        let fresh = |email: &str, password: &str| {
            let (app, email, password) = (&app, email.to_string(), password.to_string());
            async move {
                app.login(&email, &password).await.body["access"]
                    .as_str()
                    .unwrap()
                    .to_string()
            }
        };
        let closes = path.contains("logout");
        let token = match (who, closes) {
            (Anonymous, _) => None,
            (Candidat, false) => Some(candidat.clone()),
            (Prestataire, false) => Some(prestataire.clone()),
            (Recruteur, false) => Some(recruteur.clone()),
            (Who::Admin, false) => Some(admin.clone()),
            (Candidat, true) => Some(fresh(&candidat_email, PASSWORD).await),
            (Prestataire, true) => Some(fresh(&prestataire_email, PASSWORD).await),
            (Recruteur, true) => Some(fresh(&recruteur_email, PASSWORD).await),
            (Who::Admin, true) => Some(app.admin().await.1),
        };
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = app.http.request(method.clone(), format!("{apps}{path}"));
        if let Some(token) = &token {
            request = request.bearer_auth(token);
        }
        if [
            reqwest::Method::POST,
            reqwest::Method::PUT,
            reqwest::Method::PATCH,
        ]
        .contains(&method)
        {
            request = request.json(&json!({}));
        }
        let r = app.send(request).await;
        let bare_path = path.split('?').next().unwrap();
        let call = format!("{which:?} #{number} {method} {path} as {who:?}");
        match not_served(method.as_str(), bare_path) {
            Some(reason) => {
                seen_not_served.insert((method.to_string(), bare_path.to_string()));
                let detail = r.body["detail"].as_str().unwrap_or_default();
                if r.status != 501 || !detail.contains(reason) {
                    failures.push(format!(
                        "{call}: documented as not served, answered {} {}",
                        r.status, r.body
                    ));
                }
            }
            None if r.status == 501 => {
                failures.push(format!("{call}: an undocumented 501: {}", r.body))
            }
            None if r.status >= 500 => failures.push(format!("{call}: {} {}", r.status, r.body)),
            None if !shared::apps::openapi::documented(method.as_str(), bare_path) => failures
                .push(format!(
                    "{call}: served ({}) but not in the apps' OpenAPI document",
                    r.status
                )),
            None if (200..300).contains(&r.status) => {
                for key in reads(method.as_str(), path, *who) {
                    let ok = match *key {
                        "[]" => r.body.is_array(),
                        key => r.body.get(key).is_some(),
                    };
                    if !ok {
                        failures.push(format!(
                            "{call}: the page reads `{key}`, absent from {}",
                            r.body
                        ));
                    }
                }
            }
            None => {
                // A refusal of ours (a bad body, a made-up id, a role):
                // readable where the apps read it.
                for key in ["detail", "error", "message"] {
                    if !r.body.get(key).is_some_and(Value::is_string) {
                        failures.push(format!("{call}: {} without `{key}`: {}", r.status, r.body));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} calls:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(CONTRACT.len() >= 172, "{} calls listed", CONTRACT.len());

    // The document is served at its own URL, and lists what it serves.
    let r = app
        .send(app.http.get(format!("{apps}/api/openapi.json")))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(r.body["paths"]["/api/jobs/job-offers/"]["post"].is_object());
    assert!(r.body["paths"].get("/api/blog/posts/").is_none());

    // Every documented 501 is a call of the contract, and in the docs.
    for (method, pattern, _) in NOT_SERVED {
        assert!(
            docs.contains(&format!("`{method} {pattern}`")),
            "docs/apps-api.md does not list `{method} {pattern}`"
        );
        let walked = seen_not_served
            .iter()
            .any(|(m, p)| m == method && not_served(m, p).is_some() && shared_pattern(pattern, p));
        assert!(
            walked,
            "{method} {pattern} is in NOT_SERVED but no call of the contract reaches it"
        );
    }
}

/// Whether `path` is one of `pattern`'s.
fn shared_pattern(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    if pattern.last().is_some_and(|s| s.starts_with("{*")) {
        return path.len() >= pattern.len() - 1
            && pattern
                .iter()
                .zip(&path)
                .all(|(p, s)| p.starts_with('{') || p == s);
    }
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(p, s)| p.starts_with('{') || p == s)
}
