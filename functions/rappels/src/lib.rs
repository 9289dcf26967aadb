//! The rappels Lambda: the interview reminders' job, written in
//! `shared::applications::reminders`.

pub use shared::applications::reminders::*;
