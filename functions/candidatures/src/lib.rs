//! The candidatures Lambda (spec 4, 8.2): its routes, declared here and
//! written in `shared::applications::routes`.

pub use shared::applications::routes::*;

shared::area!(AreaState;
    mine,
    create,
    mine_detail,
    withdraw,
    received_detail,
    set_status,
    bulk_message,
);
