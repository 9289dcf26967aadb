//! The notifications Lambda (spec 8.3): its routes, declared here and
//! written in `shared::notifications::api`.

pub use shared::notifications::api::*;

shared::area!(AreaState;
    list,
    mark_read,
    mark_all_read,
    announce,
    get_preferences,
    put_preferences,
    list_devices,
    add_device,
    delete_device,
);
