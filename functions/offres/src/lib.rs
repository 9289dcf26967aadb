//! The offres d'emploi (spec 3): public list and detail, and the recruiter's own
//! publications. Written once for the four kinds in
//! `shared::publications`; docs/publications.md tells the workflow.

shared::publication_area! {
    kind: Offre,
    fields: Offre,
    tag: "offres",
    public: "/api/offres/",
    public_item: "/api/offres/{id}/",
    mine: "/api/recruteur/offres/",
    mine_item: "/api/recruteur/offres/{id}/",
    postuler: "/api/offres/{id}/postuler/",
    score: "/api/offres/{id}/compatibilite/",
    received: "/api/recruteur/candidatures/",
}
