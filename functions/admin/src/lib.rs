//! The admin Lambda (spec 2, 16): its routes, declared here and written
//! in `shared::admin::api` and `shared::admin::panel`.

pub use shared::admin::api::*;
pub use shared::admin::panel::*;

shared::area!(AreaState;
    pending_accounts,
    validate_account,
    refuse_account,
    account_statistics,
    set_quota,
    pending_publications,
    publications_list,
    publication_detail,
    validate_publication,
    refuse_publication,
    publication_statistics,
    global_statistics,
    statistics,
    dashboard,
    users,
    user_detail,
    deactivate,
    reactivate,
    logs,
);
