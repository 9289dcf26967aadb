//! The messages Lambda (spec 8.1, 8.2): its routes, declared here and
//! written in `shared::messages::api`.

pub use shared::messages::api::*;

shared::area!(AreaState;
    list_received,
    list_sent,
    send,
    get_message,
    mark_read,
    delete_message,
);
