//! The financements (spec 5): public list and detail, and the recruiter's own
//! publications. Written once for the four kinds in
//! `shared::publications`; docs/publications.md tells the workflow.

shared::publication_area! {
    kind: Financement,
    fields: Financement,
    tag: "financements",
    public: "/api/financements/",
    public_item: "/api/financements/{id}/",
    mine: "/api/recruteur/financements/",
    mine_item: "/api/recruteur/financements/{id}/",
    postuler: "/api/financements/{id}/postuler/",
    score: "/api/financements/{id}/compatibilite/",
    received: "/api/recruteur/financements/postulations/",
}
