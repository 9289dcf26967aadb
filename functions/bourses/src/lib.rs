//! The bourses (spec 6): public list and detail, and the recruiter's own
//! publications. Written once for the four kinds in
//! `shared::publications`; docs/publications.md tells the workflow.

shared::publication_area! {
    kind: Bourse,
    fields: Bourse,
    tag: "bourses",
    public: "/api/bourses/",
    public_item: "/api/bourses/{id}/",
    mine: "/api/recruteur/bourses/",
    mine_item: "/api/recruteur/bourses/{id}/",
    postuler: "/api/bourses/{id}/postuler/",
    score: "/api/bourses/{id}/compatibilite/",
    received: "/api/recruteur/bourses/postulations/",
}
