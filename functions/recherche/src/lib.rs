//! The recherche Lambda (spec 9): its routes, declared here and
//! written in `shared::search::api`.

pub use shared::reference::api::*;
pub use shared::search::api::*;

shared::area!(AreaState;
    offres,
    offres_alias,
    financements,
    bourses,
    consultations,
    candidats,
    recruteur,
    prestataire,
    candidat,
    reference_index,
    reference_list,
    reference_regions,
    reference_categories,
);
