//! The uploads Lambda (spec 11): its routes, declared here and written
//! in `shared::uploads::api`.

pub use shared::uploads::api::*;

shared::area!(AreaState;
    upload_cv,
    upload_lettre,
    upload_document,
    upload_diplome,
    upload_certificat,
    upload_portfolio,
    upload_business_plan,
    list,
    detail,
    delete,
    put_photo,
    delete_photo,
    put_logo,
    delete_logo,
);
