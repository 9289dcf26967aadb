//! Privacy rights (#20, docs/privacy.md): a person reads everything the
//! platform holds about them in one document (`export`), and deletes
//! their account (`erase`). Both go through the other slices' own
//! functions: the withdrawal of an application, the closing of a
//! publication, the removal of a file, each with its counters.
//!
//! The erasure's steps can each be done again, in an order that a retry
//! of the same request, or the scheduled job, finishes (docs/privacy.md,
//! "Deletion"):
//! 1. the password is checked, then the profile marked (`suppression`)
//!    and deactivated, counted as such, and a pending deletion written
//!    (`DELETIONS` / `DELETION#<sub>`), in one transaction: no new login
//!    from here on; the person's other sessions are closed;
//! 2. applications withdrawn, publications closed and anonymised (or
//!    deleted when nobody applied), files and images removed, messages
//!    forgotten, devices and every other item of the account deleted;
//!    the others' notifications that name the person (a recruiter's of
//!    each application, a recipient's of each message sent) deleted;
//! 3. the identity deleted at Cognito (the email is free again), if it
//!    still is this account's (its `sub`), then the system log's entries
//!    about the account (by id and by address), but the admin actions;
//! 4. the profile deleted with its counters, the pending deletion and the
//!    audit entry, in one transaction; then the sessions, so the caller's
//!    token stops working last.
//!
//! Until 4, the caller's token still works and the profile still holds
//! the email Cognito needs: a failure anywhere is finished by calling
//! again, or else by the scheduled job (`finish_pending`), which does
//! steps 2 to 4 for every pending deletion older than `SETTLE`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::auth::Role;
use crate::error::{ApiError, ApiResult};
use crate::logs::{LogEntry, LogKind};
use crate::publications::Publication;
use crate::store::{self, Store, keys};

/// The name a deleted account shows under where others keep what it
/// wrote (their messages), and the company of its closed offers.
pub const DELETED_ACCOUNT: &str = "Compte supprimé";

/// The description of a deleted account's publication.
pub const DELETED_PUBLICATION: &str =
    "<p>Publication retirée : le compte de son auteur a été supprimé.</p>";

/// Most items of one kind an export or a deletion reads (publications,
/// applications, messages received, sent, notifications, files, log
/// entries...). An export past it says which parts it cut (`incomplet`);
/// a deletion past it is finished by the next call.
pub const MAX_PER_PART: usize = 5000;

/// The attribute that marks a profile being deleted (its date).
pub const DELETING: &str = "suppression";

/// The route that deletes its caller's account, as the request log names
/// it (`monitoring::Answered::action`).
pub const ERASE_ROUTE: &str = "DELETE /api/auth/profile/";

/// Whether the request log may name the caller of `action`: not the
/// deletion's, which would write the account's id back after its erasure.
pub fn logs_its_caller(action: &str) -> bool {
    action != ERASE_ROUTE
}

/// How long a pending deletion is left to the request that wrote it
/// (and its retries) before the scheduled job finishes it.
pub const SETTLE: time::Duration = time::Duration::minutes(2);

/// Most pending deletions one run of the scheduled job finishes.
pub const MAX_DELETIONS_PER_RUN: usize = 10;

/// A deletion whose password was confirmed and whose profile is marked,
/// until its last step (`DELETIONS` / `DELETION#<sub>`): what the
/// scheduled job needs to finish it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingDeletion {
    pub sub: String,
    pub role: Role,
    pub email: String,
    /// When the profile was marked.
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
}

impl PendingDeletion {
    /// Left long enough for the job to take it (`SETTLE`).
    pub fn ripe(&self, now: OffsetDateTime) -> bool {
        self.date + SETTLE <= now
    }
}

/// The profile as stored (consistent read), and whether a deletion
/// marked it.
pub async fn profile_item(
    store: &Store,
    sub: &str,
) -> ApiResult<Option<(crate::accounts::Profile, bool)>> {
    let out = store
        .client
        .get_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(sub))))
        .consistent_read(true)
        .send()
        .await?;
    match out.item {
        None => Ok(None),
        Some(item) => {
            let marked = item.contains_key(DELETING);
            Ok(Some((store::from_item(item)?, marked)))
        }
    }
}

/// 409 for an admin's reactivation of an account being deleted: its
/// deletion goes on (the scheduled job finishes it), and reactivating it
/// would count it active while it goes.
pub fn reactivation_refused() -> ApiError {
    ApiError::Conflict(
        "Ce compte est en cours de suppression à la demande de son titulaire : il ne peut pas \
         être réactivé."
            .into(),
    )
}

/// 403 for an admin: admin accounts are the configuration's (recreated
/// at every start by `ensure_admin`), not a person's registration.
pub fn check_deletable(role: Role) -> ApiResult<()> {
    if role == Role::Admin {
        return Err(ApiError::Forbidden(
            "Un compte administrateur ne se supprime pas ici : il est défini par la configuration \
             de la plateforme (ADMIN_EMAIL)."
                .into(),
        ));
    }
    Ok(())
}

/// What happens to a publication of a deleted account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Nobody applied: it goes, as its author may delete it.
    Delete,
    /// It has applications: closed and anonymised, for its applicants.
    Anonymise,
    /// Already anonymised (a deletion retried).
    Keep,
}

pub fn fate(p: &Publication) -> Fate {
    if p.nombre_candidatures == 0 {
        Fate::Delete
    } else if p.is_anonymised() {
        Fate::Keep
    } else {
        Fate::Anonymise
    }
}

/// The log entries about an account (by its id) and about its address
/// (logins tried with it): each once, newest first.
pub fn merge_log(by_user: Vec<LogEntry>, by_email: Vec<LogEntry>) -> Vec<LogEntry> {
    let mut all: BTreeMap<(Option<time::OffsetDateTime>, String), LogEntry> = BTreeMap::new();
    for e in by_user.into_iter().chain(by_email) {
        all.insert((e.date, e.id.clone()), e);
    }
    all.into_values().rev().collect()
}

/// Whether the erasure of account `sub` deletes a log entry found under
/// its id or its address: not an admin action (the admins' record; it
/// names the account only by its id, as `cible`), nor an erasure's own
/// entry, nor one about another account (a new account of the same
/// address, whose logins carry its own id).
pub fn log_entry_erased(kind: Option<&str>, utilisateur: Option<&str>, sub: &str) -> bool {
    let kept = [LogKind::ActionAdmin, LogKind::SuppressionCompte].map(LogKind::as_str);
    !kind.is_some_and(|k| kept.contains(&k)) && utilisateur.is_none_or(|u| u == sub)
}

/// The application counters among a recruiter's counters (`offre:nouvelle`
/// ...; the publication counters are `offre_validee`...): what its export
/// says of the applications it received, which are their applicants'.
pub fn received_counts(values: &std::collections::HashMap<String, i64>) -> BTreeMap<String, i64> {
    values
        .iter()
        .filter(|(name, n)| name.contains(':') && **n != 0)
        .map(|(name, n)| (name.clone(), *n))
        .collect()
}

#[cfg(all(feature = "cognito", feature = "s3", feature = "sns"))]
pub use erasure::*;

/// The export (the auth function) and the erasure (the auth function and
/// the scheduled job).
#[cfg(all(feature = "cognito", feature = "s3", feature = "sns"))]
mod erasure {
    #[cfg(feature = "auth")]
    use std::collections::BTreeMap;

    use aws_sdk_cognitoidentityprovider::Client as Cognito;
    use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
    use futures_util::{StreamExt, TryStreamExt};
    use serde::de::DeserializeOwned;
    use time::OffsetDateTime;

    use super::{
        DELETING, Fate, MAX_DELETIONS_PER_RUN, MAX_PER_PART, PendingDeletion, check_deletable,
        fate, profile_item,
    };
    use crate::accounts::cognito::{PasswordCheck, check_password, error_code, internal, sub_of};
    use crate::accounts::{self, Profile, rfc3339};
    use crate::applications::{self, Application};
    use crate::auth::{AuthUser, Role};
    use crate::error::{ApiError, ApiResult};
    use crate::logs::{LogEntry, LogKind};
    use crate::messages::{self, Message, Side};
    use crate::notifications;
    use crate::page::{Filter, Listing};
    use crate::publications::{self, Publication};
    use crate::store::{self, Item, Store, attr, keys};
    use crate::throttle::{self, Limit};
    use crate::uploads::{self, Upload};
    use crate::{Services, sessions, stats};
    #[cfg(feature = "auth")]
    use {
        super::{merge_log, received_counts},
        crate::accounts::api::SessionView,
        crate::notifications::{DeviceView, Notification},
        serde::Serialize,
        utoipa::ToSchema,
    };

    /// Everything the platform holds about the caller
    /// (`GET /api/auth/profile/export/`, docs/privacy.md).
    #[cfg(feature = "auth")]
    #[derive(Serialize, ToSchema)]
    #[schema(as = ExportDonnees)]
    pub struct Export {
        pub date_export: String,
        pub profil: Profile,
        /// A recruiter's publications, every state.
        pub publications: Vec<Publication>,
        /// The applications made (candidats, prestataires), as their
        /// applicant sees them.
        pub candidatures: Vec<Application>,
        /// A recruiter: how many applications it received, by kind and
        /// state (`offre:nouvelle`...). The applications themselves are
        /// their applicants' data, not in this export.
        pub candidatures_recues: Option<BTreeMap<String, i64>>,
        pub messages_recus: Vec<Message>,
        pub messages_envoyes: Vec<Message>,
        pub notifications: Vec<Notification>,
        /// The files, each with a short-lived download link.
        pub fichiers: Vec<Upload>,
        /// The open login sessions.
        pub sessions: Vec<SessionView>,
        pub appareils: Vec<DeviceView>,
        /// The system log's entries about the account (logins, failed ones
        /// with its address included), newest first, for as long as they
        /// are kept (90 days).
        pub journal: Vec<LogEntry>,
        /// The parts cut at `MAX_PER_PART` items (none but for a very
        /// large account).
        pub incomplet: Vec<String>,
    }

    /// Every item of `list` up to `MAX_PER_PART` that maps to `T`, and
    /// whether some were left.
    async fn read<T: DeserializeOwned + Send>(
        store: &Store,
        list: Listing,
    ) -> ApiResult<(Vec<T>, bool)> {
        let keep = |item: &Item| store::from_item::<T>(item.clone()).ok();
        list.read_where(store, MAX_PER_PART, &keep).await
    }

    /// The keys of every item of `list` (up to `MAX_PER_PART`) but those
    /// `spare` keeps.
    async fn read_keys(
        store: &Store,
        list: Listing,
        spare: fn(&str) -> bool,
    ) -> ApiResult<Vec<(String, String)>> {
        let keep = |item: &Item| {
            let pk = item.get(attr::PK)?.as_s().ok()?.clone();
            let sk = item.get(attr::SK)?.as_s().ok()?.clone();
            (!spare(&sk)).then_some((pk, sk))
        };
        Ok(list.read_where(store, MAX_PER_PART, &keep).await?.0)
    }

    fn whole(partition: String) -> Listing {
        Listing {
            sk_prefix: None,
            ..Listing::table(partition, "")
        }
    }

    #[cfg(feature = "auth")]
    fn live(item: &Item, now: i64) -> bool {
        item.get(attr::EXPIRES_AT)
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse::<i64>().ok())
            .is_none_or(|e| e > now)
    }

    #[cfg(feature = "auth")]
    /// The log entries of one list that have not expired.
    async fn log_part(store: &Store, list: Listing) -> ApiResult<(Vec<LogEntry>, bool)> {
        let now = store::now_epoch() as i64;
        let keep = |item: &Item| {
            live(item, now)
                .then(|| store::from_item::<LogEntry>(item.clone()).ok())
                .flatten()
        };
        list.read_where(store, MAX_PER_PART, &keep).await
    }

    #[cfg(feature = "auth")]
    /// A part's items, its name noted in `cut` when some were left.
    fn part<T>(cut: &mut Vec<String>, name: &str, (items, more): (Vec<T>, bool)) -> Vec<T> {
        if more {
            cut.push(name.to_string());
        }
        items
    }

    #[cfg(feature = "auth")]
    /// The caller's export: each part one Query (pages followed to
    /// `MAX_PER_PART`), all at once.
    pub async fn export(services: &Services, user: &AuthUser) -> ApiResult<Export> {
        let store = &services.store;
        let sub = user.sub.as_str();
        let profile = accounts::get(store, sub).await?.ok_or(ApiError::NotFound)?;
        let partition = keys::user(sub).0;
        let now = store::now_epoch();
        let recruiter = user.role == Role::Recruteur;
        let (
            publications,
            applications,
            received,
            inbox,
            outbox,
            notifications,
            files,
            sessions,
            devices,
            by_user,
            by_email,
        ) = tokio::join!(
            read::<Publication>(
                store,
                Listing::index("GSI2", keys::publications_by_owner(sub))
            ),
            read::<Application>(
                store,
                Listing::index("GSI1", keys::applications_by_applicant(sub))
            ),
            async {
                if recruiter {
                    store
                        .counters(&stats::recruiter_scope(sub))
                        .await
                        .map(|v| Some(received_counts(&v)))
                } else {
                    Ok(None)
                }
            },
            read::<Message>(store, Listing::table(partition.clone(), keys::INBOX_PREFIX)),
            read::<Message>(
                store,
                Listing::table(partition.clone(), keys::OUTBOX_PREFIX)
            ),
            read::<Notification>(
                store,
                Listing::table(partition.clone(), keys::NOTIFICATION_PREFIX)
            ),
            read::<Upload>(store, Listing::index("GSI1", keys::uploads_by_owner(sub))),
            read::<sessions::Session>(
                store,
                Listing::table(partition.clone(), keys::SESSION_PREFIX)
            ),
            read::<notifications::Device>(
                store,
                Listing::table(partition.clone(), keys::DEVICE_PREFIX)
            ),
            log_part(store, Listing::index("GSI2", keys::logs_by_user(sub))),
            log_part(
                store,
                Listing::index("GSI3", keys::logs_by_email(&profile.email))
            ),
        );
        let mut incomplet = Vec::new();
        let publications = part(&mut incomplet, "publications", publications?);
        let candidatures = part(&mut incomplet, "candidatures", applications?);
        let messages_recus = part(&mut incomplet, "messages_recus", inbox?);
        let messages_envoyes = part(&mut incomplet, "messages_envoyes", outbox?);
        let notifications = part(&mut incomplet, "notifications", notifications?);
        let files = part(&mut incomplet, "fichiers", files?);
        let sessions = part(&mut incomplet, "sessions", sessions?);
        let devices = part(&mut incomplet, "appareils", devices?);
        let by_user = part(&mut incomplet, "journal", by_user?);
        let by_email = part(&mut incomplet, "journal", by_email?);
        incomplet.dedup();
        let mut fichiers = Vec::with_capacity(files.len());
        if !files.is_empty() {
            let bucket = services.files()?;
            for u in files {
                fichiers.push(uploads::with_link(bucket, u).await?);
            }
        }
        Ok(Export {
            date_export: rfc3339(OffsetDateTime::now_utc()),
            profil: profile,
            publications,
            candidatures: candidatures
                .into_iter()
                .map(Application::for_applicant)
                .collect(),
            candidatures_recues: received?,
            messages_recus,
            messages_envoyes,
            notifications,
            fichiers,
            sessions: sessions
                .into_iter()
                .filter(|s| s.expires_at > now)
                .map(|s| SessionView::of(s, &user.session_id))
                .collect(),
            appareils: devices.into_iter().map(DeviceView::from).collect(),
            journal: merge_log(by_user, by_email),
            incomplet,
        })
    }

    /// Step 1, once the password is confirmed: the profile marked (`at`)
    /// and deactivated, counted among the inactive accounts (login
    /// refuses it from now on), and the pending deletion the scheduled
    /// job finishes, at once. False when it was neither active nor marked
    /// (an admin deactivated it meanwhile).
    pub async fn mark(store: &Store, profile: &Profile, at: OffsetDateTime) -> ApiResult<bool> {
        let pending = PendingDeletion {
            sub: profile.id.clone(),
            role: profile.details.role(),
            email: profile.email.clone(),
            date: at,
        };
        let (pk, sk) = keys::pending_deletion(&profile.id);
        let put = Put::builder()
            .table_name(&store.table)
            .set_item(Some(store::to_item(
                &[(attr::PK, pk), (attr::SK, sk)],
                &pending,
            )?))
            .build()
            .map_err(ApiError::internal)?;
        let now = AttributeValue::S(rfc3339(at));
        let update = Update::builder()
            .table_name(&store.table)
            .set_key(Some(store::key(&keys::user(&profile.id))))
            .condition_expression("is_active = :yes AND attribute_not_exists(#deleting)")
            .update_expression("SET is_active = :no, #deleting = :now, date_modification = :now")
            .expression_attribute_names("#deleting", DELETING)
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":no", AttributeValue::Bool(false))
            .expression_attribute_values(":now", now)
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![
            TransactWriteItem::builder().update(update).build(),
            store.add_counters(
                stats::USERS,
                &[(accounts::inactive_counter(profile.details.role()), 1)],
            )?,
            TransactWriteItem::builder().put(put).build(),
        ];
        if store.write(items).await?.is_ok() {
            return Ok(true);
        }
        Ok(profile_item(store, &profile.id)
            .await?
            .is_some_and(|(_, marked)| marked))
    }

    /// How often a step whose condition failed (a change crossed it) is
    /// read and tried again before the request gives up (409: call again).
    const TRIES: usize = 3;

    /// Withdraws every application of `sub` (open or decided: the
    /// account's data goes), with the rule and counters of a withdrawal,
    /// then drops what counted them on each recruiter's side.
    async fn withdraw_all(store: &Store, sub: &str) -> ApiResult<()> {
        let (found, _) = read::<Application>(
            store,
            Listing::index("GSI1", keys::applications_by_applicant(sub)),
        )
        .await?;
        let mut recruiters: Vec<String> = Vec::new();
        for listed in found {
            if !recruiters.contains(&listed.recruteur) {
                recruiters.push(listed.recruteur.clone());
            }
            // The recruiter's notification names the applicant: it goes
            // first, while the application still lists it for a retry.
            let lien = notifications::events::Event::nouvelle_candidature_link(&listed.id);
            delete_notifications(store, &listed.recruteur, lien).await?;
            settled(|| async {
                match applications::store::get(store, &listed.id).await? {
                    Some(a) => applications::store::withdraw(store, &a).await,
                    None => Ok(()),
                }
            })
            .await?;
        }
        for recruiter in recruiters {
            let out = store
                .client
                .delete_item()
                .table_name(&store.table)
                .set_key(Some(store::key(&keys::applicant_of(&recruiter, sub))))
                .condition_expression("attribute_not_exists(candidatures) OR candidatures <= :zero")
                .expression_attribute_values(":zero", AttributeValue::N("0".into()))
                .send()
                .await;
            match out {
                Ok(_) => {}
                Err(e) if store::condition_failed(&e) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Runs `step` (a read, then a write on the condition that nothing
    /// changed) until it is not a 409: a write that crossed another is
    /// read and tried again, `TRIES` times at most.
    async fn settled<F, Fut>(mut step: F) -> ApiResult<()>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = ApiResult<()>>,
    {
        for _ in 0..TRIES {
            match step().await {
                Err(ApiError::Conflict(_)) => continue,
                done => return done,
            }
        }
        Err(again())
    }

    fn again() -> ApiError {
        ApiError::Conflict(
            "Vos données ont changé pendant la suppression : renvoyez la même demande pour la terminer."
                .into(),
        )
    }

    /// Closes and anonymises each publication of `sub` that has
    /// applications, deletes the others (`fate`), each with the
    /// publications' own writes and counters.
    async fn close_all(store: &Store, sub: &str) -> ApiResult<()> {
        let (found, _) = read::<Publication>(
            store,
            Listing::index("GSI2", keys::publications_by_owner(sub)),
        )
        .await?;
        for listed in found {
            settled(|| async {
                let Some(p) = publications::store::get(store, &listed.id, true).await? else {
                    return Ok(());
                };
                let written = match fate(&p) {
                    Fate::Keep => Ok(()),
                    Fate::Delete => publications::store::delete(store, &p, None).await,
                    Fate::Anonymise => {
                        let after = p.anonymised(OffsetDateTime::now_utc());
                        publications::store::save(store, &p, &after, None).await
                    }
                };
                match written {
                    Err(ApiError::NotFound) => Ok(()),
                    other => other,
                }
            })
            .await?;
        }
        Ok(())
    }

    /// Removes the files of `sub`: each object, then its metadata with
    /// the uploads' own write (the object first: a retry finds the
    /// metadata and deletes the object again, which S3 allows).
    async fn remove_files(services: &Services, sub: &str) -> ApiResult<()> {
        let store = &services.store;
        let (found, _) =
            read::<Upload>(store, Listing::index("GSI1", keys::uploads_by_owner(sub))).await?;
        if found.is_empty() {
            return Ok(());
        }
        let bucket = services.files()?;
        let profile_gone = std::sync::atomic::AtomicBool::new(false);
        for u in found {
            bucket.delete(&u).await?;
            settled(|| async {
                let Some(profile) = accounts::get(store, sub).await? else {
                    profile_gone.store(true, std::sync::atomic::Ordering::Relaxed);
                    return Ok(());
                };
                match uploads::store::get(store, &u.id).await? {
                    Some(u) => uploads::store::remove(store, &u, &profile).await,
                    None => Ok(()),
                }
            })
            .await?;
            if profile_gone.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The photo or logo: off the recruiter's publications, then its
    /// object.
    async fn remove_image(services: &Services, profile: &Profile) -> ApiResult<()> {
        let Some(image) = profile.details.image() else {
            return Ok(());
        };
        if profile.details.role() == Role::Recruteur {
            publications::store::set_logo(&services.store, &profile.id, None, Some(image)).await?;
        }
        services.images()?.delete(&image.cle).await
    }

    /// Every message of `sub`, received and sent, forgotten (`messages::forget`).
    async fn forget_messages(store: &Store, sub: &str) -> ApiResult<()> {
        let partition = keys::user(sub).0;
        for (prefix, side) in [
            (keys::INBOX_PREFIX, Side::Received),
            (keys::OUTBOX_PREFIX, Side::Sent),
        ] {
            let (found, _) =
                read::<Message>(store, Listing::table(partition.clone(), prefix)).await?;
            futures_util::stream::iter(found)
                .map(|m| async move {
                    // Its recipient's notification names the sender: it
                    // goes before the copy that lists it for a retry.
                    if side == Side::Sent {
                        let lien = notifications::events::Event::message_link(&m.id);
                        delete_notifications(store, &m.destinataire, lien).await?;
                    }
                    messages::forget(store, &m, side).await
                })
                .buffer_unordered(10)
                .try_collect::<Vec<()>>()
                .await?;
        }
        Ok(())
    }

    /// The push devices of `sub`: the SNS endpoint of each token it still
    /// owns, then the device and its owner record.
    async fn remove_devices(store: &Store, sns: &aws_sdk_sns::Client, sub: &str) -> ApiResult<()> {
        for d in notifications::devices(store, sub).await? {
            let owner: Option<notifications::DeviceOwner> =
                store.get(&keys::device_owner(&d.id), true).await?;
            if owner.is_some_and(|o| o.sub == sub) {
                sns.delete_endpoint()
                    .endpoint_arn(&d.endpoint_arn)
                    .send()
                    .await?;
            }
            notifications::delete_device(store, sub, &d.id).await?;
        }
        Ok(())
    }

    /// Deletes every item of `list` but those `spare` keeps, ten at a time.
    async fn delete_items(store: &Store, list: Listing, spare: fn(&str) -> bool) -> ApiResult<()> {
        let found = read_keys(store, list, spare).await?;
        delete_keys(store, found).await
    }

    /// The notifications of `owner` that link to `lien` (one Query of its
    /// `NOTIF#` items, filtered), deleted. An unread one leaves its
    /// sparse index with it, so the unread count (a COUNT of that index)
    /// stays exact.
    async fn delete_notifications(store: &Store, owner: &str, lien: String) -> ApiResult<()> {
        let list = Listing::table(keys::user(owner).0, keys::NOTIFICATION_PREFIX)
            .filter(Filter::equal(vec![("lien", AttributeValue::S(lien))]));
        delete_items(store, list, nothing).await
    }

    /// The system log's entries about the account, by its id (GSI2) and
    /// by its address (GSI3), deleted, each list read to its end (up to
    /// `MAX_PER_PART`), but those `super::log_entry_erased` keeps: admin
    /// actions and erasures, and the entries of another account of the
    /// same address.
    async fn forget_log(store: &Store, sub: &str, email: &str) -> ApiResult<()> {
        let keep = |item: &Item| {
            let field = |name: &str| {
                item.get(name)
                    .and_then(|v| v.as_s().ok())
                    .map(String::as_str)
            };
            if !super::log_entry_erased(field("type"), field("utilisateur"), sub) {
                return None;
            }
            Some((field(attr::PK)?.to_string(), field(attr::SK)?.to_string()))
        };
        let by_user = Listing::index("GSI2", keys::logs_by_user(sub));
        let by_email = Listing::index("GSI3", keys::logs_by_email(email));
        let (by_user, by_email) = tokio::join!(
            by_user.read_where(store, MAX_PER_PART, &keep),
            by_email.read_where(store, MAX_PER_PART, &keep),
        );
        // An entry of both lists (a login: its id and its address) once.
        let found: std::collections::BTreeSet<_> =
            by_user?.0.into_iter().chain(by_email?.0).collect();
        delete_keys(store, found.into_iter().collect()).await
    }

    /// Deletes these items, ten at a time.
    async fn delete_keys(store: &Store, found: Vec<(String, String)>) -> ApiResult<()> {
        futures_util::stream::iter(found)
            .map(|k| async move { store.delete(&k).await })
            .buffer_unordered(10)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    /// The profile and the sessions stay to the end (steps 4 and 5).
    fn profile_or_session(sk: &str) -> bool {
        sk == keys::user("").1 || sk.starts_with(keys::SESSION_PREFIX)
    }

    fn nothing(_: &str) -> bool {
        false
    }

    /// Step 3: the identity, its refresh tokens revoked first (they
    /// would mint nothing our sessions accept, but need not live on);
    /// already gone is done. Only this account's: an identity of the same
    /// email with another `sub` registered since (the address was free
    /// once a call passed this step) is someone's new account, left alone.
    async fn delete_identity(
        cognito: &Cognito,
        config: &crate::Config,
        email: &str,
        sub: &str,
    ) -> ApiResult<()> {
        match sub_of(cognito, config, email).await? {
            None => return Ok(()),
            Some(theirs) if theirs != sub => {
                tracing::warn!("account deletion: the email belongs to a newer identity, left");
                return Ok(());
            }
            Some(_) => {}
        }
        let pool = &config.user_pool_id;
        let gone = |code: Option<&str>| code == Some("UserNotFoundException");
        let signed_out = cognito
            .admin_user_global_sign_out()
            .user_pool_id(pool)
            .username(email)
            .send()
            .await;
        match signed_out {
            Ok(_) => {}
            Err(e) if gone(error_code(&e)) => return Ok(()),
            Err(e) => return Err(internal(e)),
        }
        let deleted = cognito
            .admin_delete_user()
            .user_pool_id(pool)
            .username(email)
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(()),
            Err(e) if gone(error_code(&e)) => Ok(()),
            Err(e) => Err(internal(e)),
        }
    }

    /// Step 4: the profile, uncounted (its type, the inactive count step 1
    /// added, its validation state), with the pending deletion and the
    /// audit entry, at once. The
    /// entry says an account of that type was deleted, and when: no id,
    /// no name, no address.
    async fn delete_profile(store: &Store, profile: &Profile) -> ApiResult<()> {
        let role = profile.details.role();
        let delete = Delete::builder()
            .table_name(&store.table)
            .set_key(Some(store::key(&keys::user(&profile.id))))
            .condition_expression("attribute_exists(#deleting)")
            .expression_attribute_names("#deleting", DELETING)
            .build()
            .map_err(ApiError::internal)?;
        let pending = Delete::builder()
            .table_name(&store.table)
            .set_key(Some(store::key(&keys::pending_deletion(&profile.id))))
            .build()
            .map_err(ApiError::internal)?;
        let mut items = vec![
            TransactWriteItem::builder().delete(delete).build(),
            TransactWriteItem::builder().delete(pending).build(),
            store.add_counters(
                stats::USERS,
                &[
                    (role.as_str().to_string(), -1),
                    (accounts::inactive_counter(role), -1),
                ],
            )?,
        ];
        if let Some(state) = profile.details.admin_validation() {
            items.push(store.add_counters(
                crate::admin::SCOPE,
                &[(crate::admin::counter(role, state), -1)],
            )?);
        }
        let entry = LogEntry {
            action: Some("supprimer_compte".into()),
            type_cible: Some(role.as_str().into()),
            ..LogEntry::new(LogKind::SuppressionCompte)
        };
        items.push(entry.put(store)?);
        // A condition failed: the profile went meanwhile (a call that
        // crossed this one), which counted it.
        store.write(items).await?.ok();
        Ok(())
    }

    /// The field error of a wrong password.
    fn wrong_password() -> ApiError {
        ApiError::field("mot_de_passe", "Mot de passe incorrect.")
    }

    /// Deletes the caller's account (`DELETE /api/auth/profile/`), once
    /// its password is confirmed (400 otherwise, nothing changed; wrong
    /// passwords count as failed logins of the account do: 429 past the
    /// limit). The steps are in the module's header.
    pub async fn erase(
        services: &Services,
        cognito: &Cognito,
        sns: &aws_sdk_sns::Client,
        user: &AuthUser,
        password: &str,
    ) -> ApiResult<()> {
        check_deletable(user.role)?;
        let store = &services.store;
        let config = &services.config;
        let sub = user.sub.as_str();
        let Some((profile, marked)) = profile_item(store, sub).await? else {
            // Deleted but for the sessions: a call that stopped at the
            // last step.
            sessions::close_all(store, sub).await?;
            return Ok(());
        };
        let window = config.login_throttle.window.as_secs();
        let limit = Limit {
            scope: "password-account",
            subject: sub.to_string(),
            max: config.login_throttle.max_failures_per_account,
        };
        throttle::attempt(store, std::slice::from_ref(&limit), window).await?;
        let confirmed = match check_password(cognito, config, &profile.email, password).await? {
            PasswordCheck::Right => true,
            // The identity went in step 3 of a call whose password was
            // checked (the mark says so), or the email is someone's new
            // account since. Cognito may answer a missing user as a
            // wrong password (PreventUserExistenceErrors): ask.
            PasswordCheck::Wrong | PasswordCheck::NoIdentity => {
                marked && sub_of(cognito, config, &profile.email).await?.as_deref() != Some(sub)
            }
        };
        if !confirmed {
            return Err(wrong_password());
        }
        throttle::reset(store, &limit, window).await?;
        if !marked && !mark(store, &profile, OffsetDateTime::now_utc()).await? {
            return Err(ApiError::Forbidden("Ce compte est désactivé.".into()));
        }
        // No other device adds anything during the sweep; the caller's
        // own session stays, for a retry, until the last step.
        sessions::close_all_but(store, sub, Some(&user.session_id)).await?;
        finish(services, cognito, sns, &profile).await?;
        tracing::info!(
            event = "account_deleted",
            type_compte = profile.details.role().as_str(),
            "account deleted by its owner"
        );
        Ok(())
    }

    /// Steps 2 to 4 of a marked profile's deletion, each of which can run
    /// again: the request's and the scheduled job's.
    async fn finish(
        services: &Services,
        cognito: &Cognito,
        sns: &aws_sdk_sns::Client,
        profile: &Profile,
    ) -> ApiResult<()> {
        let store = &services.store;
        let sub = profile.id.as_str();
        withdraw_all(store, sub).await?;
        remove_image(services, profile).await?;
        close_all(store, sub).await?;
        remove_files(services, sub).await?;
        forget_messages(store, sub).await?;
        remove_devices(store, sns, sub).await?;
        delete_items(store, whole(keys::user(sub).0), profile_or_session).await?;
        for scope in [stats::recruiter_scope(sub), stats::applicant_scope(sub)] {
            delete_items(store, whole(keys::stats_partition(&scope)), nothing).await?;
        }
        delete_identity(cognito, &services.config, &profile.email, sub).await?;
        // Late: no login of the account can be written any more (the
        // identity is gone), and the request log names no one for this
        // route. Before the profile, so that a retry still does it.
        forget_log(store, sub, &profile.email).await?;
        delete_profile(store, profile).await?;
        sessions::close_all(store, sub).await?;
        Ok(())
    }

    /// The scheduled job's part (the `rappels` function, every few
    /// minutes): finishes the deletions a request left marked (a timeout,
    /// an AWS error, a person who did not call again), once they are
    /// `SETTLE` old, so it does not race the request itself. The same
    /// steps as a retry of `DELETE`, without the password, which was
    /// confirmed before the pending deletion was written. One that fails
    /// is logged and left to the next run. Answers how many it finished.
    pub async fn finish_pending(
        services: &Services,
        cognito: &Cognito,
        sns: &aws_sdk_sns::Client,
    ) -> ApiResult<usize> {
        let store = &services.store;
        let now = OffsetDateTime::now_utc();
        let list = Listing::table(keys::pending_deletions(), keys::DELETION_PREFIX);
        let keep = |item: &Item| {
            store::from_item::<PendingDeletion>(item.clone())
                .ok()
                .filter(|p| p.ripe(now))
        };
        let (found, _) = list.read_where(store, MAX_DELETIONS_PER_RUN, &keep).await?;
        let mut finished = 0;
        for pending in found {
            match finish_one(services, cognito, sns, &pending).await {
                Ok(()) => finished += 1,
                Err(e) => {
                    tracing::error!(error = %e, type_compte = pending.role.as_str(),
                        "account deletion not finished; the next run retries");
                }
            }
        }
        Ok(finished)
    }

    async fn finish_one(
        services: &Services,
        cognito: &Cognito,
        sns: &aws_sdk_sns::Client,
        pending: &PendingDeletion,
    ) -> ApiResult<()> {
        let store = &services.store;
        let sub = pending.sub.as_str();
        // Every session closed first: the job takes over from the caller.
        sessions::close_all(store, sub).await?;
        match profile_item(store, sub).await? {
            Some((profile, true)) => finish(services, cognito, sns, &profile).await?,
            // Never written so (the mark and the pending item go
            // together, and so do the profile and the pending item): the
            // stray item goes, nothing of the account is touched.
            Some((_, false)) | None => store.delete(&keys::pending_deletion(sub)).await?,
        }
        tracing::info!(
            event = "account_deleted",
            type_compte = pending.role.as_str(),
            "account deletion finished by the scheduled job"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::LogKind;
    use crate::publications::{Content, Kind, StatutValidation};
    use serde_json::json;
    use time::OffsetDateTime;

    #[test]
    fn only_a_persons_account_is_deleted_here() {
        for role in [Role::Candidat, Role::Recruteur, Role::Prestataire] {
            assert!(check_deletable(role).is_ok());
        }
        assert!(matches!(
            check_deletable(Role::Admin),
            Err(ApiError::Forbidden(_))
        ));
    }

    fn publication(applications: u64) -> Publication {
        let now = OffsetDateTime::UNIX_EPOCH;
        let body = json!({"titre": "Développeur", "description": "<p>x</p>", "entreprise": "Acme", "type_contrat": "cdi"});
        let mut p = Publication::new("r1", Content::parse(Kind::Offre, body).unwrap(), now)
            .decided(StatutValidation::Validee, None, now);
        p.nombre_candidatures = applications;
        p
    }

    #[test]
    fn publications_without_applicants_go_the_others_are_anonymised_once() {
        assert_eq!(fate(&publication(0)), Fate::Delete);
        let applied = publication(2);
        assert_eq!(fate(&applied), Fate::Anonymise);
        assert_eq!(
            fate(&applied.anonymised(OffsetDateTime::UNIX_EPOCH)),
            Fate::Keep
        );
    }

    fn entry(id: &str, seconds: i64) -> LogEntry {
        LogEntry {
            id: id.into(),
            date: Some(OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(seconds)),
            ..LogEntry::new(LogKind::Connexion)
        }
    }

    #[test]
    fn the_log_parts_merge_newest_first_each_entry_once() {
        let merged = merge_log(
            vec![entry("b", 2), entry("a", 1)],
            vec![entry("b", 2), entry("c", 3)],
        );
        let ids: Vec<&str> = merged.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
    }

    #[test]
    fn the_erasure_deletes_the_accounts_log_entries_but_the_admins_record() {
        assert!(log_entry_erased(Some("connexion"), Some("s"), "s"));
        assert!(
            log_entry_erased(Some("echec_connexion"), None, "s"),
            "a failed login with its address"
        );
        assert!(log_entry_erased(Some("requete_lente"), Some("s"), "s"));
        assert!(log_entry_erased(Some("erreur"), Some("s"), "s"));
        assert!(!log_entry_erased(Some("action_admin"), Some("s"), "s"));
        assert!(!log_entry_erased(Some("suppression_compte"), None, "s"));
        assert!(
            !log_entry_erased(Some("connexion"), Some("new"), "s"),
            "a newer account of the same address keeps its own"
        );
    }

    #[test]
    fn the_request_log_names_no_one_for_the_deletion_of_an_account() {
        assert!(!logs_its_caller("DELETE /api/auth/profile/"));
        assert!(logs_its_caller("GET /api/auth/profile/"));
        assert!(logs_its_caller("DELETE /api/auth/sessions/{id}/"));
    }

    #[test]
    fn the_job_takes_a_pending_deletion_once_it_has_settled() {
        let date = OffsetDateTime::UNIX_EPOCH;
        let pending = PendingDeletion {
            sub: "s".into(),
            role: Role::Candidat,
            email: "a@b.ci".into(),
            date,
        };
        assert!(!pending.ripe(date));
        assert!(!pending.ripe(date + SETTLE - time::Duration::seconds(1)));
        assert!(pending.ripe(date + SETTLE));
    }

    #[test]
    fn a_recruiters_export_counts_applications_not_publications() {
        let values = std::collections::HashMap::from([
            ("offre:nouvelle".to_string(), 2),
            ("offre:retiree".to_string(), 1),
            ("bourse:acceptee".to_string(), 0),
            ("offre_validee".to_string(), 3),
        ]);
        let counts = received_counts(&values);
        assert_eq!(
            counts.into_iter().collect::<Vec<_>>(),
            [
                ("offre:nouvelle".to_string(), 2),
                ("offre:retiree".to_string(), 1)
            ]
        );
    }
}
