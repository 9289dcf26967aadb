//! The notifier Lambda: the queue's events delivered by
//! `shared::notifications::notifier`.

pub use shared::notifications::notifier::*;
