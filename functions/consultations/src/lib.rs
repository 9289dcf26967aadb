//! The consultations (spec 7): public list and detail, and the recruiter's own
//! publications. Written once for the four kinds in
//! `shared::publications`; docs/publications.md tells the workflow.

shared::publication_area! {
    kind: Consultation,
    fields: Consultation,
    tag: "consultations",
    public: "/api/consultations/",
    public_item: "/api/consultations/{id}/",
    mine: "/api/recruteur/consultations/",
    mine_item: "/api/recruteur/consultations/{id}/",
    postuler: "/api/consultations/{id}/postuler/",
    score: "/api/consultations/{id}/compatibilite/",
    received: "/api/recruteur/consultations/postulations/",
}
