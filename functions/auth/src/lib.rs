//! The auth Lambda (spec 1.2): its routes, declared here and written in
//! `shared::accounts::api`.

pub use shared::accounts::api::*;

shared::area!(AuthState;
    register,
    verify_email,
    login,
    logout,
    refresh,
    reset_password,
    reset_password_confirm,
    get_profile,
    put_profile,
    delete_profile,
    export_profile,
    change_password,
    resend_code,
    sessions_list,
    session_close,
    sessions_close_others,
);
