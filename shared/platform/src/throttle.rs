//! Fixed-window counters in the table: failed logins per account and per
//! client, and the rate limits of the routes that cost money or can be
//! abused (docs/rate-limits.md). Counts are atomic ADDs in DynamoDB; items
//! expire with the window (TTL). A fixed window lets at most twice the
//! limit through across a window boundary; that is the accepted cost of
//! one item per window.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use crate::config::ConfigError;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Store, attr, keys, now_epoch};

/// At most `max` calls per `window` seconds; `max == 0` is no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub max: u32,
    pub window: u64,
}

impl Rate {
    pub const OFF: Rate = Rate { max: 0, window: 0 };

    /// `"<max>/<seconds>"` (`"20/3600"`), or `off`; unset is `default`.
    pub fn parse(
        name: &'static str,
        value: Option<String>,
        default: Rate,
    ) -> Result<Rate, ConfigError> {
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            return Ok(default);
        };
        if value.trim() == "off" {
            return Ok(Rate::OFF);
        }
        let invalid = || ConfigError::Invalid {
            name,
            value: format!("{value} (expected <max>/<seconds>, e.g. 20/3600, or off)"),
        };
        let (max, window) = value.trim().split_once('/').ok_or_else(invalid)?;
        let max: u32 = max.trim().parse().map_err(|_| invalid())?;
        let window: u64 = window.trim().parse().map_err(|_| invalid())?;
        if max == 0 || window == 0 {
            return Err(invalid());
        }
        Ok(Rate { max, window })
    }

    pub fn is_off(&self) -> bool {
        self.max == 0
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_off() {
            f.write_str("off")
        } else {
            write!(f, "{}/{}", self.max, self.window)
        }
    }
}

/// Declares every rate limit once: its field, its variable and its
/// default. docs/rate-limits.md lists them (a test keeps it in step).
macro_rules! rate_limits {
    ($( $(#[doc = $doc:literal])* $field:ident: $env:literal = $max:literal / $window:literal, )*) => {
        /// The routes' rate limits (configuration, read once per cold start).
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct RateLimits {
            $( $(#[doc = $doc])* pub $field: Rate, )*
        }

        impl RateLimits {
            /// Every limit's variable and default.
            pub const DEFAULTS: &[(&'static str, Rate)] = &[
                $( ($env, Rate { max: $max, window: $window }), )*
            ];

            pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
                Ok(RateLimits {
                    $( $field: Rate::parse($env, get($env), Rate { max: $max, window: $window })?, )*
                })
            }
        }

        impl Default for RateLimits {
            fn default() -> Self {
                RateLimits { $( $field: Rate { max: $max, window: $window }, )* }
            }
        }
    };
}

rate_limits! {
    /// Registrations per client address (a campus or a mobile carrier's
    /// NAT puts many people behind one address: generous).
    register_client: "RATE_LIMIT_REGISTER_PER_CLIENT" = 20 / 3600,
    /// Registrations per email (each may send a verification code).
    register_email: "RATE_LIMIT_REGISTER_PER_EMAIL" = 3 / 3600,
    /// Email verification attempts per client address.
    verify_client: "RATE_LIMIT_VERIFY_EMAIL_PER_CLIENT" = 30 / 900,
    /// Email verification attempts per email (guessing a code).
    verify_email: "RATE_LIMIT_VERIFY_EMAIL_PER_EMAIL" = 10 / 900,
    /// Password reset requests per client address.
    reset_client: "RATE_LIMIT_RESET_PASSWORD_PER_CLIENT" = 20 / 3600,
    /// Password reset requests per email: each one mails a code.
    reset_email: "RATE_LIMIT_RESET_PASSWORD_PER_EMAIL" = 3 / 3600,
    /// Password reset confirmations per client address.
    reset_confirm_client: "RATE_LIMIT_RESET_CONFIRM_PER_CLIENT" = 30 / 3600,
    /// Password reset confirmations per email (guessing a code).
    reset_confirm_email: "RATE_LIMIT_RESET_CONFIRM_PER_EMAIL" = 10 / 3600,
    /// Verification-code resends per client address.
    resend_client: "RATE_LIMIT_RESEND_CODE_PER_CLIENT" = 20 / 3600,
    /// Verification-code resends per email: each one mails a code.
    resend_email: "RATE_LIMIT_RESEND_CODE_PER_EMAIL" = 3 / 3600,
    /// Reads and closings of one's login sessions, per user.
    sessions: "RATE_LIMIT_SESSIONS_PER_USER" = 120 / 3600,
    /// Messages sent per user (each may email, push and text).
    messages: "RATE_LIMIT_MESSAGES_PER_USER" = 60 / 3600,
    /// Mass mailings per recruiter (each reaches every applicant).
    mass_mailing: "RATE_LIMIT_MASS_MAILING_PER_USER" = 10 / 86400,
    /// Applications per user, every kind together.
    applications: "RATE_LIMIT_APPLICATIONS_PER_USER" = 50 / 86400,
    /// Uploaded files per user, every kind together.
    uploads: "RATE_LIMIT_UPLOADS_PER_USER" = 60 / 3600,
    /// Admin announcements per admin (one may reach every account).
    announcements: "RATE_LIMIT_ANNOUNCEMENTS_PER_USER" = 20 / 3600,
    /// Searches per client: the address for the public searches, the user
    /// for the candidate search (which needs a sign-in).
    search: "RATE_LIMIT_SEARCH_PER_CLIENT" = 600 / 60,
}

/// Whose calls a counter counts.
#[derive(Clone, Copy, Debug)]
pub enum Caller<'a> {
    /// A signed-in user, by id.
    User(&'a str),
    /// An anonymous client, by address.
    Client(&'a str),
    /// Calls about one email address, whoever makes them.
    Email(&'a str),
}

impl Caller<'_> {
    fn subject(&self) -> String {
        match self {
            Caller::User(id) => format!("u#{id}"),
            Caller::Client(ip) => format!("ip#{ip}"),
            Caller::Email(email) => format!("e#{email}"),
        }
    }
}

/// Counts one call of `route` against each (caller, rate): one conditional
/// UpdateItem per counter, sent at once, that adds 1 unless the count has
/// reached the limit. Refused (429 with Retry-After, the longest wait of
/// the counters that refused) when any has. A counter at its limit does
/// not grow; the call still counts on the call's other counters (it was
/// an attempt on that address or from that client all the same).
pub async fn limit<const N: usize>(
    store: &Store,
    route: &'static str,
    counters: [(Caller<'_>, Rate); N],
) -> ApiResult<()> {
    let now = now_epoch();
    let calls = counters
        .iter()
        .filter(|(_, rate)| !rate.is_off())
        .map(|(caller, rate)| count(store, route, caller.subject(), *rate, now));
    let waits = futures_util::future::join_all(calls).await;
    let mut wait = None;
    for result in waits {
        if let Some(retry) = result? {
            wait = wait.max(Some(retry));
        }
    }
    match wait {
        Some(retry_after) => Err(ApiError::Throttled { retry_after }),
        None => Ok(()),
    }
}

/// One call counted in the window of `now`: None, or the seconds to wait.
async fn count(
    store: &Store,
    route: &str,
    subject: String,
    rate: Rate,
    now: u64,
) -> ApiResult<Option<u64>> {
    let start = window_start(now, rate.window);
    let end = start + rate.window;
    let added = store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::throttle(route, &subject, start))))
        .update_expression("ADD #c :one SET #e = :exp")
        .condition_expression("attribute_not_exists(#c) OR #c < :max")
        .expression_attribute_names("#c", "count")
        .expression_attribute_names("#e", attr::EXPIRES_AT)
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .expression_attribute_values(":max", AttributeValue::N(rate.max.to_string()))
        .expression_attribute_values(":exp", AttributeValue::N(end.to_string()))
        .send()
        .await;
    match added {
        Ok(_) => Ok(None),
        Err(e) if store::condition_failed(&e) => Ok(Some(end.saturating_sub(now).max(1))),
        Err(e) => Err(e.into()),
    }
}

/// One counter: what it counts and how many failures it allows.
#[derive(Clone, Debug)]
pub struct Limit {
    pub scope: &'static str,
    pub subject: String,
    pub max: u32,
}

/// Start of the fixed window that contains `now`.
pub fn window_start(now: u64, window: u64) -> u64 {
    now - now % window.max(1)
}

/// Seconds to wait, if `count` failures already reached `max` in the window
/// that ends at `window_end`.
pub fn retry_after(count: u64, max: u32, window_end: u64, now: u64) -> Option<u64> {
    (count >= u64::from(max)).then(|| window_end.saturating_sub(now).max(1))
}

/// Counts one attempt against every limit, atomically, before the attempt
/// is made: 429 with Retry-After when any count goes over its limit. Doing
/// the increment first (not read, try, then count) means a burst of
/// parallel guesses cannot slip past the limit.
pub async fn attempt(store: &Store, limits: &[Limit], window: u64) -> ApiResult<()> {
    let now = now_epoch();
    let start = window_start(now, window);
    // Every counter at once: they are independent items.
    let counts = futures_util::future::try_join_all(
        limits
            .iter()
            .map(|limit| add(store, limit, start, window, 1)),
    )
    .await?;
    let wait = limits
        .iter()
        .zip(counts)
        .filter_map(|(limit, count)| {
            retry_after(count, limit.max.saturating_add(1), start + window, now)
        })
        .max();
    match wait {
        Some(retry_after) => Err(ApiError::Throttled { retry_after }),
        None => Ok(()),
    }
}

/// The attempt succeeded: it no longer counts against `limit`.
pub async fn forgive(store: &Store, limit: &Limit, window: u64) -> ApiResult<()> {
    let start = window_start(now_epoch(), window);
    add(store, limit, start, window, -1).await.map(|_| ())
}

/// Forgets every failure of one counter (a successful login).
pub async fn reset(store: &Store, limit: &Limit, window: u64) -> ApiResult<()> {
    let start = window_start(now_epoch(), window);
    store
        .client
        .delete_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::throttle(
            limit.scope,
            &limit.subject,
            start,
        ))))
        .send()
        .await?;
    Ok(())
}

async fn add(store: &Store, limit: &Limit, start: u64, window: u64, delta: i64) -> ApiResult<u64> {
    let out = store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::throttle(
            limit.scope,
            &limit.subject,
            start,
        ))))
        .update_expression("ADD #c :d SET #e = :exp")
        .expression_attribute_names("#c", "count")
        .expression_attribute_names("#e", attr::EXPIRES_AT)
        .expression_attribute_values(":d", AttributeValue::N(delta.to_string()))
        .expression_attribute_values(":exp", AttributeValue::N((start + window).to_string()))
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await?;
    Ok(out
        .attributes
        .and_then(|a| {
            a.get("count")
                .and_then(|c| c.as_n().ok())
                .and_then(|n| n.parse::<i64>().ok())
        })
        .unwrap_or(0)
        .max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned() {
        assert_eq!(window_start(1000, 900), 900);
        assert_eq!(window_start(899, 900), 0);
        assert_eq!(window_start(5, 0), 5);
    }

    #[test]
    fn rates_parse_with_defaults_and_off() {
        let d = Rate { max: 3, window: 60 };
        assert_eq!(Rate::parse("X", None, d).unwrap(), d);
        assert_eq!(Rate::parse("X", Some(" ".into()), d).unwrap(), d);
        assert_eq!(
            Rate::parse("X", Some("20/3600".into()), d).unwrap(),
            Rate {
                max: 20,
                window: 3600
            }
        );
        assert_eq!(Rate::parse("X", Some("off".into()), d).unwrap(), Rate::OFF);
        for bad in ["20", "0/60", "5/0", "a/b", "-1/60", "5/60s"] {
            assert!(Rate::parse("X", Some(bad.into()), d).is_err(), "{bad}");
        }
        assert_eq!(
            Rate {
                max: 20,
                window: 3600
            }
            .to_string(),
            "20/3600"
        );
        assert_eq!(Rate::OFF.to_string(), "off");
    }

    #[test]
    fn limits_are_configuration_with_defaults() {
        let limits = RateLimits::from_lookup(&|k: &str| {
            (k == "RATE_LIMIT_MESSAGES_PER_USER").then(|| "5/60".to_string())
        })
        .unwrap();
        assert_eq!(limits.messages, Rate { max: 5, window: 60 });
        assert_eq!(limits.register_email, RateLimits::default().register_email);
        assert!(
            RateLimits::DEFAULTS
                .iter()
                .all(|(env, r)| env.starts_with("RATE_LIMIT_") && !r.is_off())
        );
        assert!(
            RateLimits::from_lookup(
                &|k: &str| (k == "RATE_LIMIT_SEARCH_PER_CLIENT").then(|| "many".into())
            )
            .is_err()
        );
    }

    #[test]
    fn callers_never_share_a_counter() {
        let subjects = [
            Caller::User("1.2.3.4"),
            Caller::Client("1.2.3.4"),
            Caller::Email("1.2.3.4"),
        ]
        .map(|c| c.subject());
        assert_eq!(
            subjects
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len(),
            3
        );
    }

    #[test]
    fn retry_after_only_at_the_limit() {
        assert_eq!(retry_after(4, 5, 1800, 1000), None);
        assert_eq!(retry_after(5, 5, 1800, 1000), Some(800));
        // Never "retry in 0 seconds".
        assert_eq!(retry_after(9, 5, 1800, 1800), Some(1));
    }
}
