//! The lists of publications by author and of every publication, with
//! their exact `count` (P3, P8 in docs/data-model.md). Written once for
//! the public lists by author, an author's own lists, the admins'
//! moderation list and the public company pages.

use http::Uri;

use super::{Kind, Publication, Statut, StatutValidation, store};
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult};
use crate::page::{self, Filter, Listing};
use crate::store::keys;

/// Which publications a list shows: each filter optional. Written once
/// for the public lists by author, an author's own lists and the admins'
/// moderation list, with the exact `count` from the counters that every
/// publication write keeps (`super::count`).
#[derive(Debug, Default)]
pub struct Selection {
    pub kind: Option<Kind>,
    pub review: Option<StatutValidation>,
    pub statut: Option<Statut>,
    /// One author's (GSI2), else the platform's (GSI4).
    pub recruteur: Option<String>,
    /// Folded keywords, each the start of a word of the searchable text.
    pub words: Vec<String>,
    /// A public list: only the publications before their deadline.
    pub public: bool,
}

impl Selection {
    /// The cursor scope: the list and every filter.
    fn scope(&self, list: &str) -> String {
        format!(
            "{list}:{}:{:?}:{:?}:{:?}:{:?}:{}",
            self.public,
            self.kind,
            self.review,
            self.statut,
            self.recruteur,
            self.words.join(" ")
        )
    }

    fn listing(&self) -> Listing {
        use aws_sdk_dynamodb::types::AttributeValue::S;
        let list = match &self.recruteur {
            Some(r) => Listing::index("GSI2", keys::publications_by_owner(r)),
            None => Listing::index("GSI4", keys::all_publications()),
        };
        let mut equal = Vec::new();
        if let Some(k) = self.kind {
            equal.push(("type_publication", S(k.as_str().into())));
        }
        if let Some(r) = self.review {
            equal.push(("statut_validation", S(r.as_str().into())));
        }
        if let Some(s) = self.statut {
            equal.push(("statut", S(s.as_str().into())));
        }
        let filter = match (Filter::equal(equal), self.public) {
            (Some(mut f), true) => {
                let open = before_deadline(time::OffsetDateTime::now_utc()).expect("a filter");
                f.expression = format!("{} AND {}", f.expression, open.expression);
                f.names.extend(open.names);
                f.values.extend(open.values);
                Some(f)
            }
            (f, _) => f,
        };
        list.filter(filter)
    }

    /// The counters' scope: the author's, or the platform's.
    fn counters(&self) -> String {
        match &self.recruteur {
            Some(r) => crate::stats::recruiter_scope(r),
            None => store::SCOPE.into(),
        }
    }

    /// One page, newest first. Keywords are tested in code, so a page
    /// with them carries no `count` (it would need every match read).
    pub async fn respond(
        &self,
        services: &crate::Services,
        list: &str,
        uri: &Uri,
    ) -> ApiResult<Paginated<Publication>> {
        let scope = self.scope(list);
        let listing = self.listing();
        if !self.words.is_empty() {
            let request =
                page::query::<page::PageParams>(uri)?.resolve(&services.cursors, &scope)?;
            let keep = |item: &crate::store::Item| {
                let text = item.get(crate::search::TEXT)?.as_s().ok()?;
                self.words
                    .iter()
                    .all(|w| crate::search::has_word_starting(text, w))
                    .then(|| crate::store::from_item::<Publication>(item.clone()).ok())
                    .flatten()
            };
            let page = listing.page_where(&services.store, &request, &keep).await?;
            return Ok(page.into_response(&services.cursors, &scope, uri, |p| p));
        }
        let counters = self.counters();
        let (page, values) = tokio::join!(
            listing.respond(services, &scope, uri),
            services.store.counters(&counters)
        );
        let n = super::count(&values?, self.kind, self.review, self.statut);
        Ok(page?.counted(Some(n)))
    }
}

/// What a public list keeps: the publications whose deadline, if any
/// (absent, or stored as NULL), is still ahead (stored deadlines are whole-second RFC 3339 in UTC, so
/// they compare as text).
pub fn before_deadline(now: time::OffsetDateTime) -> Option<Filter> {
    use aws_sdk_dynamodb::types::AttributeValue::S;
    let now = now.replace_nanosecond(0).unwrap_or(now);
    Some(Filter {
        expression: "(attribute_not_exists(#d) OR attribute_type(#d, :dnull) OR #d > :d)".into(),
        names: vec![("#d".into(), "date_limite".into())],
        values: vec![
            (":d".into(), S(crate::accounts::rfc3339(now))),
            (":dnull".into(), S("NULL".into())),
        ],
    })
}

/// An id in a query parameter (`recruteur`, `publication`), checked: a
/// 400 naming it rather than a key DynamoDB would refuse.
pub fn id_param(name: &str, value: Option<String>) -> ApiResult<Option<String>> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.len() <= 128 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Ok(Some(v))
        }
        Some(_) => Err(ApiError::field(name, "Identifiant invalide.")),
    }
}
