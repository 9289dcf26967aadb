//! The statistiques Lambda (spec 10): its routes, declared here and
//! written in `shared::stats::api`.

pub use shared::stats::api::*;

shared::area!(AreaState;
    recruteur,
    candidat,
    analytics_offres,
    analytics_candidatures,
    publiques,
);
