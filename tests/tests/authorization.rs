//! The authorization matrix (#20 point 4): every operation of the OpenAPI
//! document (`infra::openapi::document()`, what /api/openapi.json serves)
//! against every kind of caller, each cell checked against one table of
//! rules (`table()`). An operation of the document without a row fails,
//! and so does a row without an operation: a new route cannot skip it.
//!
//! The objects in the paths are real fixtures of the setup: the verified
//! recruiter's publications (one of each kind, validated) and the
//! applications they received, the candidat's application, file, message,
//! notification, device and second session. Where a caller is refused,
//! the answer's body must not carry the object (its titles, its owners'
//! emails and phone numbers). Each refused cell whose row sends a body is
//! also sent with `{}`: the guard runs before the body's checks, so a
//! refused caller never gets the body's 400.
//!
//! A new route: add its row to `table()`, with the rule and where the rule
//! is written (spec section or docs page). `AUTHZ_MATRIX=1 cargo test -p
//! e2e --test authorization -- --nocapture` prints every row's statuses.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use base64::Engine;
use e2e::*;
use futures_util::StreamExt;
use serde_json::{Value, json};

/// Who calls.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
enum P {
    /// No Authorization header.
    Anonyme,
    /// A well-formed access token whose signature was altered.
    JetonFalsifie,
    /// A bearer token that is not a JWT.
    JetonIllisible,
    Candidat,
    /// A prestataire no admin has verified yet.
    Prestataire,
    PrestataireVerifie,
    /// A recruteur no admin has verified yet.
    Recruteur,
    /// The owner of the publications and of the applications they received.
    RecruteurVerifie,
    /// Another verified recruteur: owns nothing of the fixtures.
    AutreRecruteur,
    Admin,
    /// A candidat an admin deactivated: its token was valid.
    Desactive,
}

use P::*;

const PRINCIPALS: [P; 11] = [
    Anonyme,
    JetonFalsifie,
    JetonIllisible,
    Candidat,
    Prestataire,
    PrestataireVerifie,
    Recruteur,
    RecruteurVerifie,
    AutreRecruteur,
    Admin,
    Desactive,
];

/// The principals that are accounts (live or deactivated).
const ACCOUNTS: [P; 8] = [
    Candidat,
    Prestataire,
    PrestataireVerifie,
    Recruteur,
    RecruteurVerifie,
    AutreRecruteur,
    Admin,
    Desactive,
];

const APPLICANTS: &[P] = &[Candidat, Prestataire, PrestataireVerifie];
const RECRUITERS: &[P] = &[Recruteur, RecruteurVerifie, AutreRecruteur];
const VERIFIED_RECRUITERS: &[P] = &[RecruteurVerifie, AutreRecruteur];
const OTHER_RECRUITERS: &[P] = &[Recruteur, AutreRecruteur];

/// The outcome of a cell, as classes of statuses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// The guard let it through: anything but 401, 403, 404 (the fixtures
    /// exist and are the caller's to reach), 405, 429 or a 5xx. A 400 or
    /// 409 for the fixture's body counts.
    Allow,
    /// 401.
    Unauthenticated,
    /// 403.
    Forbidden,
    /// 403 or 404: another owner's object, whose existence is not told.
    Hidden,
    /// 400: a route that answers an object of someone else's as an invalid
    /// field, the same as an unknown one (envoi-masse's `publication`).
    Invalid,
}

impl Class {
    fn admits(self, status: u16) -> bool {
        match self {
            Class::Allow => status < 500 && !matches!(status, 401 | 403 | 404 | 405 | 429),
            Class::Unauthenticated => status == 401,
            Class::Forbidden => status == 403,
            Class::Hidden => matches!(status, 403 | 404),
            Class::Invalid => status == 400,
        }
    }
}

/// A rule, expanded to a class per principal.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Everyone, whatever token comes with it: public routes read no token
    /// (a bad or dead one is ignored, not refused).
    Public,
    /// Any live account (each on its own data).
    Authenticated,
    /// These accounts; any other account gets 403.
    Only(&'static [P]),
    /// `allow` reach the object; `hidden` (accounts of the role that
    /// could own one) get 403 or 404; any other account 403.
    Owned {
        allow: &'static [P],
        hidden: &'static [P],
    },
    /// `allow` reach the object; every other account gets 403 or 404 (the
    /// route reads through the caller's own partition).
    Mine(&'static [P]),
    /// As listed; any other account gets 403.
    Cells(&'static [(P, Class)]),
}

impl Rule {
    fn expect(self, p: P) -> Class {
        if let Rule::Public = self {
            return Class::Allow;
        }
        if !matches!(
            p,
            Candidat
                | Prestataire
                | PrestataireVerifie
                | Recruteur
                | RecruteurVerifie
                | AutreRecruteur
                | Admin
        ) {
            return Class::Unauthenticated;
        }
        match self {
            Rule::Public | Rule::Authenticated => Class::Allow,
            Rule::Only(who) if who.contains(&p) => Class::Allow,
            Rule::Only(_) => Class::Forbidden,
            Rule::Owned { allow, .. } if allow.contains(&p) => Class::Allow,
            Rule::Owned { hidden, .. } if hidden.contains(&p) => Class::Hidden,
            Rule::Owned { .. } => Class::Forbidden,
            Rule::Mine(who) if who.contains(&p) => Class::Allow,
            Rule::Mine(_) => Class::Hidden,
            Rule::Cells(cells) => cells
                .iter()
                .find(|(q, _)| *q == p)
                .map_or(Class::Forbidden, |(_, c)| *c),
        }
    }
}

/// The object a path's parameter names.
#[derive(Clone, Copy)]
enum Id {
    None,
    /// The verified recruiter's validated publication of a kind.
    Pub(&'static str),
    With(fn(&Fx) -> String),
}

/// The body a cell sends.
#[derive(Clone, Copy)]
enum Body {
    None,
    /// `{}`.
    Empty,
    Json(fn(&Fx, P) -> Value),
    /// A valid create body of a publication kind.
    Publication(&'static str),
    /// A multipart `fichier`: a PDF.
    Pdf,
    /// A multipart `fichier`: a PNG.
    Png,
}

/// Which token of a principal a cell uses.
#[derive(Clone, Copy, PartialEq)]
enum Token {
    /// Its usual session.
    Primary,
    /// A session opened for this cell (logging out closes it).
    Fresh,
    /// An account of the same kind made for this cell (deleting it is
    /// final).
    Throwaway,
}

struct Row {
    method: &'static str,
    path: &'static str,
    rule: Rule,
    /// The rule's source.
    why: &'static str,
    id: Id,
    body: Body,
    /// Rows run by phase: 0 reads and writes that leave the fixtures as
    /// they are, 1 what changes them, 2 what closes sessions or deletes.
    phase: u8,
    token: Token,
}

fn op(method: &'static str, path: &'static str, rule: Rule, why: &'static str) -> Row {
    Row {
        method,
        path,
        rule,
        why,
        id: Id::None,
        body: if matches!(method, "POST" | "PUT") {
            Body::Empty
        } else {
            Body::None
        },
        phase: 0,
        token: Token::Primary,
    }
}

impl Row {
    fn on(mut self, id: fn(&Fx) -> String) -> Row {
        self.id = Id::With(id);
        self
    }
    fn on_pub(mut self, kind: &'static str) -> Row {
        self.id = Id::Pub(kind);
        self
    }
    fn json(mut self, body: fn(&Fx, P) -> Value) -> Row {
        self.body = Body::Json(body);
        self
    }
    fn body(mut self, body: Body) -> Row {
        self.body = body;
        self
    }
    fn phase(mut self, phase: u8) -> Row {
        self.phase = phase;
        self
    }
    fn token(mut self, token: Token) -> Row {
        self.token = token;
        self
    }
}

/// Who may apply to each kind, and so read its compatibility score.
fn applicants_of(kind: &str) -> &'static [P] {
    match kind {
        "offres" | "bourses" => &[Candidat],
        "financements" => APPLICANTS,
        "consultations" => &[PrestataireVerifie],
        other => panic!("{other}"),
    }
}

/// THE TABLE: a row per operation of the document.
fn table() -> Vec<Row> {
    use Rule::*;
    let admin = Only(&[Admin]);
    const ADMIN_MD: &str = "docs/admin.md: every admin route needs an admin token, checked before the body (AdminUser)";
    let mut rows = vec![
        // --- auth (docs/auth.md, spec 1.2) ---
        op("POST", "/api/auth/register/", Public, "spec 1.2: inscription, anonymous")
            .json(|_, _| json!({"email": email("matrice"), "password": PASSWORD, "nom": "Kouassi", "prenom": "Awa", "type_compte": "candidat"})),
        op("POST", "/api/auth/verify-email/", Public, "docs/auth.md: unconfirmed accounts cannot log in, so anonymous")
            .json(|f, _| json!({"email": f.reset_email, "code": "123456"})),
        op("POST", "/api/auth/resend-code/", Public, "docs/auth.md, self-service: anonymous")
            .json(|f, _| json!({"email": f.reset_email})),
        op("POST", "/api/auth/login/", Public, "spec 1.2: connexion")
            .json(|f, p| json!({"email": f.logins[&p], "password": PASSWORD})),
        op("POST", "/api/auth/refresh/", Public, "docs/auth.md: refresh takes {refresh}, no access token")
            .json(|f, _| json!({"refresh": f.refresh})),
        op("POST", "/api/auth/reset-password/", Public, "spec 1.2: réinitialisation, anonymous")
            .json(|f, _| json!({"email": f.reset_email})),
        op("POST", "/api/auth/reset-password/confirm/", Public, "docs/auth.md: the code proves the email, anonymous")
            .json(|f, _| json!({"email": f.reset_email, "code": "000000", "new_password": "N0uveau!Passw0rd"})),
        op("POST", "/api/auth/logout/", Authenticated, "docs/auth.md: logout deletes the caller's session")
            .token(Token::Fresh),
        op("GET", "/api/auth/profile/", Authenticated, "spec 1.2: own profile"),
        op("PUT", "/api/auth/profile/", Authenticated, "spec 1.2: own profile"),
        op("GET", "/api/auth/profile/export/", Authenticated, "issue #20: any account exports its own data"),
        op("DELETE", "/api/auth/profile/", Only(&[Candidat, Prestataire, PrestataireVerifie, Recruteur, RecruteurVerifie, AutreRecruteur]),
            "issue #20: an account deletes itself, its password confirmed; not an admin, whose account is the configuration's (accounts::privacy::check_deletable)")
            .json(|_, _| json!({"mot_de_passe": PASSWORD}))
            .token(Token::Throwaway),
        op("POST", "/api/auth/change-password/", Authenticated, "docs/auth.md, self-service: own password; closes the other sessions")
            .json(|_, _| json!({"old_password": PASSWORD, "new_password": PASSWORD}))
            .phase(2),
        op("GET", "/api/auth/sessions/", Authenticated, "docs/auth.md, self-service: my sessions"),
        op("DELETE", "/api/auth/sessions/{id}/", Mine(&[Candidat]), "docs/auth.md: another account's session id is 404")
            .on(|f| f.session.clone())
            .phase(1),
        op("POST", "/api/auth/sessions/logout-others/", Authenticated, "docs/auth.md: closes every session but this one")
            .phase(2),
        // --- admin (docs/admin.md, spec 2) ---
        op("GET", "/api/admin/recruteurs-en-attente/", admin, ADMIN_MD),
        op("PUT", "/api/admin/recruteurs/{id}/valider/", admin, ADMIN_MD)
            .on(|f| f.pending_account_1.clone()),
        op("PUT", "/api/admin/recruteurs/{id}/refuser/", admin, ADMIN_MD)
            .on(|f| f.pending_account_2.clone())
            .json(|_, _| json!({"motif": "Kbis illisible"})),
        op("PUT", "/api/admin/recruteurs/{id}/quota/", admin, ADMIN_MD)
            .on(|f| f.sub(RecruteurVerifie))
            .json(|_, _| json!({"quota_publications_mensuel": 1000})),
        op("GET", "/api/admin/recruteurs/statistiques/", admin, ADMIN_MD),
        op("GET", "/api/admin/publications-en-attente/", admin, ADMIN_MD),
        op("GET", "/api/admin/publications/", admin, ADMIN_MD),
        op("GET", "/api/admin/publications/{id}/", admin, ADMIN_MD).on_pub("offres"),
        op("PUT", "/api/admin/publications/{id}/valider/", admin, ADMIN_MD)
            .on(|f| f.pending_pub_1.clone()),
        op("PUT", "/api/admin/publications/{id}/refuser/", admin, ADMIN_MD)
            .on(|f| f.pending_pub_2.clone())
            .json(|_, _| json!({"motif": "Description incomplète"})),
        op("GET", "/api/admin/publications/statistiques/", admin, ADMIN_MD),
        op("GET", "/api/admin/dashboard/", admin, ADMIN_MD),
        op("GET", "/api/admin/statistiques-globales/", admin, ADMIN_MD),
        op("GET", "/api/admin/statistiques/", admin, ADMIN_MD),
        op("GET", "/api/admin/utilisateurs/", admin, ADMIN_MD),
        op("GET", "/api/admin/utilisateurs/{id}/", admin, ADMIN_MD).on(|f| f.sub(Candidat)),
        op("PUT", "/api/admin/utilisateurs/{id}/desactiver/", admin, ADMIN_MD)
            .on(|f| f.victim_active.clone()),
        op("PUT", "/api/admin/utilisateurs/{id}/reactiver/", admin, ADMIN_MD)
            .on(|f| f.victim_inactive.clone()),
        op("GET", "/api/admin/logs/", admin, ADMIN_MD),
        // --- applications (docs/applications.md, spec 4) ---
        op("GET", "/api/candidat/candidatures/", Only(APPLICANTS), "docs/applications.md: candidat, prestataire (their own)"),
        op("POST", "/api/candidat/candidatures/", Only(&[Candidat]), "docs/applications.md: candidat (an offre); here already applied: 409")
            .json(|f, _| json!({"offre": f.pubs["offres"]})),
        op("GET", "/api/candidat/candidatures/{id}/", Owned { allow: &[Candidat], hidden: &[Prestataire, PrestataireVerifie] },
            "docs/applications.md: the applicant; another applicant's id is 404, other roles 403")
            .on(|f| f.application.clone()),
        op("DELETE", "/api/candidat/candidatures/{id}/", Owned { allow: &[Candidat], hidden: &[Prestataire, PrestataireVerifie] },
            "docs/applications.md: the applicant withdraws (a throwaway application)")
            .on(|f| f.application_to_withdraw.clone())
            .phase(2),
        op("GET", "/api/recruteur/candidatures/{id}/", Owned { allow: &[RecruteurVerifie, Admin], hidden: OTHER_RECRUITERS },
            "docs/applications.md: the publication's recruteur and admins; another recruiter's is 404")
            .on(|f| f.application.clone()),
        // The body is read once the caller is known to be the
        // application's recruiter. The valid body is the same statut with
        // notes: not a move.
        op("PUT", "/api/recruteur/candidatures/{id}/statut/", Owned { allow: &[RecruteurVerifie], hidden: OTHER_RECRUITERS },
            "docs/applications.md: the publication's recruteur only (admins 403)")
            .on(|f| f.application.clone())
            .json(|_, _| json!({"statut": "nouvelle", "notes_recruteur": "Profil intéressant"}))
            .phase(1),
        // envoi-masse answers another recruiter's publication as an
        // unknown one: 400 on `publication` (docs/applications.md, "Mass
        // mailing"), before the verification (an unverified recruiter owns
        // no publication). Not a leak: the same answer for any id.
        op("POST", "/api/recruteur/messages/envoi-masse/",
            Cells(&[(RecruteurVerifie, Class::Allow), (AutreRecruteur, Class::Invalid), (Recruteur, Class::Invalid)]),
            "docs/applications.md: a verified recruteur, on one of its publications")
            .json(|f, _| json!({"publication": f.pubs["offres"], "sujet": "Entretiens", "contenu": "<p>Bonjour, pouvez-vous venir mardi ?</p>"})),
        // --- messages (docs/messaging.md, spec 8.2) ---
        op("GET", "/api/messages/", Authenticated, "docs/messaging.md: my inbox"),
        op("POST", "/api/messages/", Authenticated, "docs/messaging.md: anyone → admin (support)")
            .json(|f, _| json!({"destinataire": f.sub(Admin), "sujet": "Support", "contenu": "<p>Bonjour</p>"})),
        op("GET", "/api/messages/envoyes/", Authenticated, "docs/messaging.md: my sent box"),
        op("GET", "/api/messages/{id}/", Mine(&[Candidat, RecruteurVerifie]), "docs/messaging.md: either of the caller's copies; another's id is 404")
            .on(|f| f.message.clone()),
        op("PUT", "/api/messages/{id}/lu/", Mine(&[Candidat]), "docs/messaging.md: the recipient's copy (M2: the caller's own key)")
            .on(|f| f.message.clone()),
        op("DELETE", "/api/messages/{id}/", Mine(&[Candidat, RecruteurVerifie]), "docs/messaging.md: the caller's copy only")
            .on(|f| f.message.clone())
            .phase(2),
        // --- notifications (docs/notifications.md, spec 8.3) ---
        op("GET", "/api/notifications/", Authenticated, "spec 8.3: my notifications"),
        op("POST", "/api/notifications/", admin, "docs/notifications.md, fan-out: an admin's announcement")
            .json(|f, _| json!({"destinataire": f.sub(Admin), "titre": "Annonce", "message": "Maintenance ce soir."})),
        op("PUT", "/api/notifications/{id}/lu/", Mine(&[Candidat]), "docs/data-model.md N4: the caller's own key")
            .on(|f| f.notification.clone()),
        op("PUT", "/api/notifications/tout-lu/", Authenticated, "docs/notifications.md: my notifications"),
        op("GET", "/api/notifications/preferences/", Authenticated, "docs/notifications.md: my preferences"),
        op("PUT", "/api/notifications/preferences/", Authenticated, "docs/notifications.md: my preferences"),
        op("GET", "/api/notifications/appareils/", Authenticated, "docs/notifications.md: my devices"),
        op("POST", "/api/notifications/appareils/", Authenticated, "docs/notifications.md: my devices")
            .json(|_, p| json!({"plateforme": "fcm", "token": format!("matrice-{p:?}-{}", ulid::Ulid::new())})),
        op("DELETE", "/api/notifications/appareils/{id}/", Mine(&[Candidat]), "docs/data-model.md N3: the caller's own devices")
            .on(|f| f.device.clone())
            .phase(2),
        // --- uploads (docs/uploads.md, spec 11) ---
        op("GET", "/api/upload/", Authenticated, "docs/uploads.md: anyone signed in, their files"),
        op("GET", "/api/upload/{id}/", Mine(&[Candidat, Admin, RecruteurVerifie]),
            "docs/uploads.md, who reads what: owner, admin, the recruiter of an application it is attached to; 404 for anyone else")
            .on(|f| f.cv.clone()),
        // The CV is attached to an application: its owner's delete is a
        // 409 (let through), and nothing is lost.
        op("DELETE", "/api/upload/{id}/", Mine(&[Candidat]), "docs/uploads.md: owner")
            .on(|f| f.cv.clone())
            .phase(2),
        op("POST", "/api/upload/cv/", Only(APPLICANTS), "docs/uploads.md: candidat, prestataire").body(Body::Pdf),
        op("POST", "/api/upload/lettre/", Only(APPLICANTS), "docs/uploads.md: candidat, prestataire").body(Body::Pdf),
        op("POST", "/api/upload/document/", Only(&[Prestataire, PrestataireVerifie, Recruteur, RecruteurVerifie, AutreRecruteur]),
            "docs/uploads.md: recruteur, prestataire (before verification too: it is how they get verified)").body(Body::Pdf),
        op("POST", "/api/upload/diplome/", Only(APPLICANTS), "docs/uploads.md: candidat, prestataire").body(Body::Pdf),
        op("POST", "/api/upload/certificat/", Only(APPLICANTS), "docs/uploads.md: candidat, prestataire").body(Body::Pdf),
        op("POST", "/api/upload/portfolio/", Only(APPLICANTS), "docs/uploads.md: candidat, prestataire").body(Body::Pdf),
        op("POST", "/api/upload/business-plan/", Only(APPLICANTS), "docs/uploads.md: candidat, prestataire").body(Body::Pdf),
        op("PUT", "/api/upload/photo/", Only(APPLICANTS), "docs/uploads.md, photos: candidat, prestataire; another type 403").body(Body::Png),
        op("DELETE", "/api/upload/photo/", Only(APPLICANTS), "docs/uploads.md, photos: candidat, prestataire").phase(1),
        op("PUT", "/api/upload/logo/", Only(RECRUITERS), "docs/uploads.md, logos: recruteur; another type 403").body(Body::Png),
        op("DELETE", "/api/upload/logo/", Only(RECRUITERS), "docs/uploads.md, logos: recruteur").phase(1),
        // --- search and public pages (docs/search.md, spec 9) ---
        op("GET", "/api/offres/recherche/", Public, "spec 3.2: recherche offres, public"),
        op("GET", "/api/recherche/offres/", Public, "spec 9.1, docs/search.md: public"),
        op("GET", "/api/recherche/financements/", Public, "spec 9.1, docs/search.md: public"),
        op("GET", "/api/recherche/bourses/", Public, "spec 9.1, docs/search.md: public"),
        op("GET", "/api/recherche/consultations/", Public, "spec 9.1, docs/search.md: public"),
        op("GET", "/api/recherche/candidats/", Only(&[RecruteurVerifie, AutreRecruteur, Admin]),
            "spec 9.1 (recherche candidats - recruteur), spec 14.1: verified recruiters, and admins"),
        op("GET", "/api/profils/recruteurs/{id}/", Public, "docs/search.md, public pages: a verified recruiter's company page")
            .on(|f| f.sub(RecruteurVerifie)),
        op("GET", "/api/profils/prestataires/{id}/", Public, "docs/search.md, public pages: a verified prestataire's page")
            .on(|f| f.sub(PrestataireVerifie)),
        op("GET", "/api/profils/candidats/{id}/", Public, "docs/search.md, public pages: a candidat who opted in")
            .on(|f| f.sub(Candidat)),
        // --- reference lists (docs/reference.md) ---
        op("GET", "/api/reference/", Public, "docs/reference.md: public lists"),
        op("GET", "/api/reference/{liste}/", Public, "docs/reference.md: public lists").on(|_| "pays".into()),
        op("GET", "/api/reference/pays/{id}/regions/", Public, "docs/reference.md: public lists").on(|_| "SN".into()),
        op("GET", "/api/reference/departements/{id}/categories/", Public, "docs/reference.md: public lists")
            .on(|_| "administration_secretariat".into()),
        // --- statistics (docs/statistics.md, spec 10) ---
        op("GET", "/api/recruteur/statistiques/", Only(RECRUITERS), "spec 10.1: stats recruteur, its own"),
        op("GET", "/api/candidat/statistiques/", Only(APPLICANTS), "spec 10.1: stats candidat, its own"),
        op("GET", "/api/analytics/offres/", Only(&[Recruteur, RecruteurVerifie, AutreRecruteur, Admin]),
            "docs/statistics.md: a recruiter's own series, an admin the platform's"),
        op("GET", "/api/analytics/candidatures/", Only(&[Recruteur, RecruteurVerifie, AutreRecruteur, Admin]),
            "docs/statistics.md: a recruiter's own series, an admin the platform's"),
        op("GET", "/api/statistiques/publiques/", Public, "docs/statistics.md: the home page's figures, anonymous"),
    ];
    // --- publications, the four kinds (docs/publications.md, spec 3, 5-7) ---
    for (kind, _) in KINDS {
        let path = |tail: &str| -> &'static str {
            Box::leak(format!("/api{tail}").replace("{k}", kind).into_boxed_str())
        };
        let received = if kind == "offres" {
            "/api/recruteur/candidatures/"
        } else {
            path("/recruteur/{k}/postulations/")
        };
        rows.extend([
            op("GET", path("/{k}/"), Public, "docs/publications.md: anyone, validated open publications"),
            op("GET", path("/{k}/{id}/"), Public, "docs/publications.md: anyone, a validated open one").on_pub(kind),
            op("GET", path("/{k}/{id}/compatibilite/"), Only(applicants_of(kind)),
                "docs/applications.md, score_compatibilite: whoever may apply (who may apply: offre, bourse candidats; financement candidats and prestataires; consultation verified prestataires)")
                .on_pub(kind),
            op("POST", path("/{k}/{id}/postuler/"), Only(applicants_of(kind)),
                "docs/applications.md, who may apply; the fixture applicant already did (409)")
                .on_pub(kind),
            op("GET", path("/recruteur/{k}/"), Only(RECRUITERS), "docs/publications.md: recruteur, its own"),
            op("POST", path("/recruteur/{k}/"), Only(VERIFIED_RECRUITERS), "docs/publications.md, workflow 1: a verified recruteur (403 before)")
                .body(Body::Publication(kind)),
            op("GET", path("/recruteur/{k}/{id}/"), Owned { allow: &[RecruteurVerifie], hidden: OTHER_RECRUITERS },
                "docs/publications.md: another recruiter's publication is 404; other roles 403 (admins read it at /api/admin/publications/{id}/)")
                .on_pub(kind),
            // `{"statut": "active"}` on an open publication changes nothing.
            op("PUT", path("/recruteur/{k}/{id}/"), Owned { allow: &[RecruteurVerifie], hidden: OTHER_RECRUITERS },
                "docs/publications.md: its author; another recruiter's is 404; other roles 403")
                .on_pub(kind)
                .json(|_, _| json!({"statut": "active"}))
                .phase(1),
            // The publication has an application: the delete is a 409
            // for those let through, and nothing is lost.
            op("DELETE", path("/recruteur/{k}/{id}/"), Owned { allow: &[RecruteurVerifie, Admin], hidden: OTHER_RECRUITERS },
                "docs/publications.md and docs/admin.md: its author or an admin")
                .on_pub(kind)
                .phase(2),
            op("GET", received, Only(RECRUITERS), "docs/applications.md: recruteur, applications to its publications"),
        ]);
    }
    rows
}

/// An account of the matrix.
#[derive(Clone)]
struct Account {
    email: String,
    sub: String,
    token: String,
}

/// The fixtures.
struct Fx {
    accounts: HashMap<P, Account>,
    /// Accounts made for the rows with `Token::Throwaway`.
    throwaway: HashMap<P, Account>,
    forged: String,
    /// The verified recruiter's validated publication of each kind, each
    /// with an application.
    pubs: HashMap<&'static str, String>,
    /// The candidat's application to the offre.
    application: String,
    /// The candidat's application to another offre, to withdraw.
    application_to_withdraw: String,
    /// The candidat's CV, attached to its applications.
    cv: String,
    /// The verified recruiter's message to the candidat.
    message: String,
    /// One of the candidat's notifications.
    notification: String,
    /// The candidat's push device.
    device: String,
    /// The candidat's second session.
    session: String,
    pending_pub_1: String,
    pending_pub_2: String,
    pending_account_1: String,
    pending_account_2: String,
    victim_active: String,
    victim_inactive: String,
    /// An account per principal for it to log in to (failed logins are
    /// counted before trying: a burst on one account is a 429).
    logins: HashMap<P, String>,
    refresh: String,
    reset_email: String,
    /// What no refused answer may carry.
    secrets: Vec<String>,
    /// The candidat's contact details: in any answer, allowed or not,
    /// only the candidat, the recruiter it applied to and admins may see
    /// them (docs/applications.md, R2 in docs/data-model.md).
    contacts: Vec<String>,
}

impl Fx {
    fn sub(&self, p: P) -> String {
        self.accounts[&p].sub.clone()
    }

    /// The token a principal sends, if any.
    fn token(&self, p: P) -> Option<String> {
        match p {
            Anonyme => None,
            JetonFalsifie => Some(self.forged.clone()),
            JetonIllisible => Some("pas-un-jeton".into()),
            _ => Some(self.accounts[&p].token.clone()),
        }
    }
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

fn png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([x as u8 * 9, y as u8 * 9, 7]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn token_of(r: &Response) -> String {
    r.body["access"].as_str().expect("access").to_string()
}

/// A new account of kind `p`, logged in (a deactivated one: logged in,
/// then deactivated by `admin`).
async fn account(app: &TestApp, admin: &str, p: P) -> Account {
    if p == Admin {
        let email = email("admin");
        let sub = infra::local::ensure_admin(&app.stack.sdk, &app.config, &email, PASSWORD)
            .await
            .expect("admin");
        let r = app.login(&email, PASSWORD).await;
        assert_eq!(r.status, 200, "admin login: {}", r.body);
        return Account {
            email,
            sub,
            token: token_of(&r),
        };
    }
    let kind = match p {
        Candidat | Desactive => "candidat",
        Prestataire | PrestataireVerifie => "prestataire",
        Recruteur | RecruteurVerifie | AutreRecruteur => "recruteur",
        other => panic!("{other:?} is no account"),
    };
    let (email, token, _, profile) = app.user(kind).await;
    let sub = profile["id"].as_str().unwrap().to_string();
    match p {
        PrestataireVerifie | RecruteurVerifie | AutreRecruteur => {
            app.verify_account(admin, &sub).await
        }
        Desactive => deactivate(app, admin, &sub).await,
        _ => {}
    }
    Account { email, sub, token }
}

async fn deactivate(app: &TestApp, admin: &str, sub: &str) {
    let r = app
        .put_auth(
            &format!("/api/admin/utilisateurs/{sub}/desactiver/"),
            admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "deactivation: {}", r.body);
}

/// A well-formed access token of `token`'s, its signature altered.
fn forge(token: &str) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = b64.decode(signature).unwrap();
    for b in bytes.iter_mut() {
        *b ^= 0x5a;
    }
    format!("{signed}.{}", b64.encode(bytes))
}

async fn setup(app: &TestApp) -> Fx {
    let admin_account = account(app, "", Admin).await;
    let admin_token = admin_account.token.clone();
    let admin = admin_token.as_str();
    let tag = ulid::Ulid::new().to_string();

    // The principals, and the throwaway accounts of each kind.
    let made = futures_util::future::join_all(
        ACCOUNTS
            .iter()
            .filter(|p| **p != Admin)
            .map(|p| async move { (*p, account(app, admin, *p).await) }),
    )
    .await;
    let mut accounts: HashMap<P, Account> = made.into_iter().collect();
    accounts.insert(Admin, admin_account);
    let throwaway: HashMap<P, Account> = futures_util::future::join_all(
        ACCOUNTS
            .iter()
            .map(|p| async move { (*p, account(app, admin, *p).await) }),
    )
    .await
    .into_iter()
    .collect();

    let candidat = accounts[&Candidat].clone();
    let recruiter = accounts[&RecruteurVerifie].clone();
    let provider = accounts[&PrestataireVerifie].clone();
    let (candidat_phone, recruiter_phone) = (phone(), phone());
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &candidat.token,
            json!({"telephone": candidat_phone, "profil_public": true, "champs_publics": ["prenom"], "competences": ["Rust"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &recruiter.token,
            json!({"telephone": recruiter_phone}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.set_quota(admin, &recruiter.sub, 1000).await;

    // The recruiter's publications: one of each kind, validated; one more
    // offre (its application is withdrawn); two awaiting review.
    let mut pubs = HashMap::new();
    let mut titles = Vec::new();
    for (kind, _) in KINDS {
        let titre = format!("Matrice {kind} {tag}");
        let p = app
            .open_publication(admin, &recruiter.token, kind, &titre)
            .await;
        pubs.insert(kind, p["id"].as_str().unwrap().to_string());
        titles.push(titre);
    }
    let titre = format!("Matrice retrait {tag}");
    let retrait = app
        .open_publication(admin, &recruiter.token, "offres", &titre)
        .await;
    titles.push(titre);
    let mut pending = Vec::new();
    for n in 1..=2 {
        let titre = format!("Matrice en attente {n} {tag}");
        pending.push(
            app.publish(&recruiter.token, "bourses", &titre).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        titles.push(titre);
    }

    // The candidat's CV, then its applications (the CV attached).
    let cv = app
        .upload_file(&candidat.token, "cv", "cv.pdf", pdf())
        .await;
    let mut application = String::new();
    for kind in ["offres", "bourses", "financements"] {
        let r = app
            .apply(&candidat.token, kind, &pubs[kind], json!({}))
            .await;
        assert_eq!(r.status, 201, "apply {kind}: {}", r.body);
        if kind == "offres" {
            application = r.body["id"].as_str().unwrap().to_string();
        }
    }
    let r = app
        .apply(
            &candidat.token,
            "offres",
            retrait["id"].as_str().unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 201, "apply: {}", r.body);
    let application_to_withdraw = r.body["id"].as_str().unwrap().to_string();
    let r = app
        .apply(
            &provider.token,
            "consultations",
            &pubs["consultations"],
            json!({}),
        )
        .await;
    assert_eq!(r.status, 201, "apply consultation: {}", r.body);

    // A message to the candidat, and so a notification.
    let message = app
        .message(&recruiter.token, &candidat.sub, &format!("Entretien {tag}"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let notification = eventually("the candidat's notification", 20, || async {
        app.notifications(&candidat.token).await["results"][0]["id"]
            .as_str()
            .map(String::from)
    })
    .await;
    let r = app
        .post_auth(
            "/api/notifications/appareils/",
            &candidat.token,
            json!({"plateforme": "fcm", "token": format!("matrice-candidat-{tag}")}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let device = r.body["id"].as_str().unwrap().to_string();

    // The candidat's second session.
    let second = app.login(&candidat.email, PASSWORD).await;
    assert_eq!(second.status, 200, "{}", second.body);
    let sessions = app.get_auth("/api/auth/sessions/", &candidat.token).await;
    let session = sessions.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["courante"] == false)
        .and_then(|s| s["id"].as_str())
        .expect("the second session")
        .to_string();

    // Targets of the admin's decisions, and of the anonymous routes.
    let (pending_1, pending_2, victim_active, victim_inactive) = tokio::join!(
        async {
            app.user("recruteur").await.3["id"]
                .as_str()
                .unwrap()
                .to_string()
        },
        async {
            app.user("prestataire").await.3["id"]
                .as_str()
                .unwrap()
                .to_string()
        },
        async {
            app.user("candidat").await.3["id"]
                .as_str()
                .unwrap()
                .to_string()
        },
        async {
            app.user("candidat").await.3["id"]
                .as_str()
                .unwrap()
                .to_string()
        },
    );
    deactivate(app, admin, &victim_inactive).await;
    let (_, _, refresh, _) = app.user("candidat").await;
    let logins = futures_util::future::join_all(
        PRINCIPALS
            .iter()
            .map(|p| async move { (*p, app.register("candidat", json!({})).await.0) }),
    )
    .await
    .into_iter()
    .collect();
    let (reset_email, _) = app.register("candidat", json!({})).await;

    let forged = forge(&candidat.token);
    let contacts = vec![candidat.email.clone(), candidat_phone.clone()];
    let secrets = [
        candidat.email.clone(),
        candidat_phone,
        recruiter.email.clone(),
        recruiter_phone,
        provider.email.clone(),
    ]
    .into_iter()
    .chain(titles)
    .collect();
    Fx {
        accounts,
        throwaway,
        forged,
        pubs,
        application,
        application_to_withdraw,
        cv,
        message,
        notification,
        device,
        session,
        pending_pub_1: pending[0].clone(),
        pending_pub_2: pending[1].clone(),
        pending_account_1: pending_1,
        pending_account_2: pending_2,
        victim_active,
        victim_inactive,
        logins,
        refresh,
        reset_email,
        secrets,
        contacts,
    }
}

/// One cell's answer.
struct Cell {
    p: P,
    probe: bool,
    expected: Class,
    status: u16,
    body: String,
}

/// One cell: `row` called by `p`, with its body, or with `{}` when
/// `probe` (what a refused caller's body is checked after).
async fn call(app: &TestApp, fx: &Fx, row: &Row, p: P, probe: bool) -> Cell {
    let mut path = row.path.to_string();
    let id = match row.id {
        Id::None => None,
        Id::Pub(kind) => Some(fx.pubs[kind].clone()),
        Id::With(f) => Some(f(fx)),
    };
    if let Some(id) = id {
        let start = path.find('{').expect("a parameter");
        let end = path.find('}').unwrap();
        path.replace_range(start..=end, &id);
    }
    let token = match row.token {
        Token::Throwaway if ACCOUNTS.contains(&p) => Some(fx.throwaway[&p].token.clone()),
        Token::Fresh if ACCOUNTS.contains(&p) && p != Desactive => {
            let r = app.login(&fx.accounts[&p].email, PASSWORD).await;
            assert_eq!(r.status, 200, "{p:?} login: {}", r.body);
            Some(token_of(&r))
        }
        _ => fx.token(p),
    };
    let mut request = app
        .http
        .request(row.method.parse().unwrap(), app.url(&path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let file = |bytes: Vec<u8>, name: &str| {
        reqwest::multipart::Form::new().part(
            "fichier",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        )
    };
    request = match row.body {
        Body::None => request,
        _ if probe => request.json(&json!({})),
        Body::Empty => request.json(&json!({})),
        Body::Json(f) => request.json(&f(fx, p)),
        Body::Publication(kind) => {
            request.json(&publication_body(kind, &format!("Nouvelle {kind} {p:?}")))
        }
        Body::Pdf => request.multipart(file(pdf(), "fichier.pdf")),
        Body::Png => request.multipart(file(png(), "image.png")),
    };
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    Cell {
        p,
        probe,
        expected: row.rule.expect(p),
        status,
        body,
    }
}

/// The operations of the OpenAPI document: `METHOD path`.
fn documented() -> BTreeSet<String> {
    let doc = serde_json::to_value(infra::openapi::document()).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

#[tokio::test]
async fn every_operation_answers_each_caller_as_its_rule_says() {
    let started = Instant::now();
    let table = table();
    let documented = documented();
    let mut problems = Vec::new();

    // The table and the document name the same operations.
    let mut rows = BTreeMap::new();
    for row in &table {
        let key = format!("{} {}", row.method, row.path);
        assert!(
            rows.insert(key.clone(), row).is_none(),
            "two rows for {key}"
        );
    }
    for key in documented.iter().filter(|k| !rows.contains_key(*k)) {
        problems.push(format!(
            "{key}: an operation of the OpenAPI document without a row in the authorization table (tests/tests/authorization.rs, table()): add one with its rule"
        ));
    }
    for key in rows.keys().filter(|k| !documented.contains(*k)) {
        problems.push(format!(
            "{key}: a row of the authorization table without an operation in the OpenAPI document"
        ));
    }

    let app = TestApp::spawn().await;
    let fx = setup(&app).await;
    let setup_time = started.elapsed();

    let (mut cells, mut probes) = (0, 0);
    // The secrets some allowed answer showed: the scan looks for strings
    // the API really prints.
    let mut shown = BTreeSet::new();
    for phase in 0..=2 {
        let runnable: Vec<&Row> = table
            .iter()
            .filter(|r| {
                r.phase == phase && documented.contains(&format!("{} {}", r.method, r.path))
            })
            .collect();
        let answered: Vec<(&Row, Vec<Cell>)> = futures_util::stream::iter(runnable)
            .map(|row| {
                let (app, fx) = (&app, &fx);
                async move {
                    // Each principal with the row's body; then, where the
                    // body is not `{}` already, each refused one with `{}`:
                    // the guard comes before the body's checks.
                    let probed = !matches!(row.body, Body::None | Body::Empty);
                    let cells = futures_util::future::join_all(
                        PRINCIPALS
                            .iter()
                            .map(|p| call(app, fx, row, *p, false))
                            .chain(
                                PRINCIPALS
                                    .iter()
                                    .filter(|p| probed && row.rule.expect(**p) != Class::Allow)
                                    .map(|p| call(app, fx, row, *p, true)),
                            ),
                    )
                    .await;
                    (row, cells)
                }
            })
            .buffer_unordered(4)
            .collect()
            .await;
        let dump = std::env::var_os("AUTHZ_MATRIX").is_some();
        for (row, answers) in answered {
            if dump {
                let line: Vec<String> = answers
                    .iter()
                    .filter(|c| !c.probe)
                    .map(|c| format!("{:?}={}", c.p, c.status))
                    .collect();
                eprintln!("{} {} | {}", row.method, row.path, line.join(" "));
            }
            for cell in answers {
                if cell.probe {
                    probes += 1;
                } else {
                    cells += 1;
                }
                let key = format!(
                    "{} {}{}",
                    row.method,
                    row.path,
                    if cell.probe { " (body {})" } else { "" }
                );
                if !cell.expected.admits(cell.status) {
                    problems.push(format!(
                        "{key} as {:?}: {} where the rule says {:?} ({:?}; {}): {}",
                        cell.p,
                        cell.status,
                        cell.expected,
                        row.rule,
                        row.why,
                        cell.body.chars().take(300).collect::<String>()
                    ));
                }
                if cell.expected == Class::Allow {
                    shown.extend(fx.secrets.iter().filter(|s| cell.body.contains(s.as_str())));
                    if ![Candidat, RecruteurVerifie, Admin].contains(&cell.p) {
                        for contact in fx
                            .contacts
                            .iter()
                            .filter(|c| cell.body.contains(c.as_str()))
                        {
                            problems.push(format!(
                                "{key} as {:?}: an allowed answer carries the candidat's {contact}: {}",
                                cell.p, cell.body
                            ));
                        }
                    }
                } else {
                    for secret in fx.secrets.iter().filter(|s| cell.body.contains(s.as_str())) {
                        problems.push(format!(
                            "{key} as {:?}: a refused answer ({}) carries {secret}: {}",
                            cell.p, cell.status, cell.body
                        ));
                    }
                }
            }
        }
    }
    for secret in fx.secrets.iter().filter(|s| !shown.contains(s)) {
        problems.push(format!(
            "{secret}: no allowed answer showed it, so the refused ones are not proven not to"
        ));
    }
    let operations = rows.keys().filter(|k| documented.contains(*k)).count();
    eprintln!(
        "authorization matrix: {operations} operations × {} principals = {cells} cells, and {probes} refused cells again with an empty body; setup {:.1} s, total {:.1} s",
        PRINCIPALS.len(),
        setup_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
