//! Cursor pagination over one Query, written once for every list: the
//! page size and cursor from the query string, pages that stay full when a
//! filter drops items, `next` and `previous` links, DRF's response shape.

use aws_sdk_dynamodb::types::AttributeValue;
use http::Uri;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::cursor::{Cursor, CursorCodec, Paginated};
use crate::error::{ApiError, ApiResult};
use crate::store::{Item, Store, attr, from_item};

pub const DEFAULT_PAGE_SIZE: usize = 20;
pub const MAX_PAGE_SIZE: usize = 100;
/// Queries one page may take when a filter drops most items; past it the
/// page is returned short, with a cursor where the reading stopped.
const MAX_ROUNDS: usize = 10;
/// The same when the filter runs in code (`page_where`): a safety bound
/// far above what a page needs at the scale docs/search.md states.
const MAX_ROUNDS_IN_CODE: usize = 200;
/// Most calls a COUNT Query of a list takes (`Listing::count`): 4 MB
/// read, some 4,000 messages.
const COUNT_CALLS: usize = 4;
/// Largest Query a code-filtered page asks for.
const MAX_BATCH: usize = 1000;
/// Longest a code-filtered page reads before it answers short, with a
/// cursor where reading stopped: well inside the functions' 10 s timeout.
const READ_BUDGET: std::time::Duration = std::time::Duration::from_secs(4);

/// What `Listing::page_where` keeps of the items it reads: the item as
/// `T` when it is a result (mapped once, for the test and the page).
pub type Keep<'a, T> = dyn Fn(&Item) -> Option<T> + Send + Sync + 'a;

/// `?page_size=&cursor=` of every list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100 (20 by default).
    pub page_size: Option<String>,
    /// The opaque cursor of a `next` or `previous` link.
    pub cursor: Option<String>,
}

/// A validated page request.
#[derive(Debug)]
pub struct PageRequest {
    pub size: usize,
    pub cursor: Option<Cursor>,
}

impl PageParams {
    /// Checks the size and decodes the cursor for the list named `scope`.
    pub fn resolve(&self, codec: &CursorCodec, scope: &str) -> ApiResult<PageRequest> {
        let size = match self.page_size.as_deref() {
            None | Some("") => DEFAULT_PAGE_SIZE,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
                _ => {
                    return Err(ApiError::field(
                        "page_size",
                        format!("Un entier entre 1 et {MAX_PAGE_SIZE} est attendu."),
                    ));
                }
            },
        };
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(text) => Some(codec.decode(scope, text)?),
        };
        Ok(PageRequest { size, cursor })
    }
}

/// One list's Query: a partition of the table or of an index, an optional
/// sort-key prefix and filter, newest (highest sort key) first.
pub struct Listing {
    pub index: Option<&'static str>,
    pub partition: String,
    pub sk_prefix: Option<String>,
    /// Sort keys between these two, inclusive (instead of a prefix).
    pub sk_between: Option<(String, String)>,
    /// `FilterExpression` with its values (names are `#f0`.. as given).
    pub filter: Option<Filter>,
    /// Lowest sort key first (queues: oldest first) instead of newest.
    pub oldest_first: bool,
}

pub struct Filter {
    pub expression: String,
    pub names: Vec<(String, String)>,
    pub values: Vec<(String, AttributeValue)>,
}

impl Filter {
    /// `a = :a AND b = :b ...` over the given attributes; `None` if empty.
    pub fn equal(pairs: Vec<(&str, AttributeValue)>) -> Option<Filter> {
        Filter::all(pairs.into_iter().map(|(n, v)| (n, "=", v)).collect())
    }

    /// `a <op> :a AND ...` (`op`: `=`, `<=`, `>=`...); `None` if empty.
    pub fn all(terms: Vec<(&str, &str, AttributeValue)>) -> Option<Filter> {
        if terms.is_empty() {
            return None;
        }
        let mut f = Filter {
            expression: String::new(),
            names: Vec::new(),
            values: Vec::new(),
        };
        let mut parts = Vec::new();
        for (i, (name, op, value)) in terms.into_iter().enumerate() {
            parts.push(format!("#f{i} {op} :f{i}"));
            f.names.push((format!("#f{i}"), name.to_string()));
            f.values.push((format!(":f{i}"), value));
        }
        f.expression = parts.join(" AND ");
        Some(f)
    }
}

/// The query string as `T` (a struct of optional strings), or a 400.
pub fn query<T: DeserializeOwned>(uri: &Uri) -> ApiResult<T> {
    serde_urlencoded::from_str(uri.query().unwrap_or_default())
        .map_err(|_| ApiError::BadRequest("Paramètres de requête invalides.".into()))
}

/// A boolean query parameter (`true`/`false`, `1`/`0`), or a 400.
pub fn flag(name: &str, value: Option<&str>) -> ApiResult<Option<bool>> {
    match value {
        None | Some("") => Ok(None),
        Some("true" | "1" | "True") => Ok(Some(true)),
        Some("false" | "0" | "False") => Ok(Some(false)),
        Some(_) => Err(ApiError::field(name, "« true » ou « false » attendu.")),
    }
}

impl Listing {
    pub fn table(partition: String, sk_prefix: &str) -> Self {
        Listing {
            index: None,
            partition,
            sk_prefix: Some(sk_prefix.into()),
            sk_between: None,
            filter: None,
            oldest_first: false,
        }
    }

    pub fn index(index: &'static str, partition: String) -> Self {
        Listing {
            index: Some(index),
            partition,
            sk_prefix: None,
            sk_between: None,
            filter: None,
            oldest_first: false,
        }
    }

    /// Sort keys from `low` to `high`, inclusive.
    pub fn between(mut self, low: String, high: String) -> Self {
        self.sk_between = Some((low, high));
        self
    }

    pub fn oldest_first(mut self) -> Self {
        self.oldest_first = true;
        self
    }

    pub fn filter(mut self, filter: Option<Filter>) -> Self {
        self.filter = filter;
        self
    }

    fn key_attributes(&self) -> (&'static str, &'static str) {
        match self.index {
            None => (attr::PK, attr::SK),
            Some("GSI1") => (attr::GSI1PK, attr::GSI1SK),
            Some("GSI2") => (attr::GSI2PK, attr::GSI2SK),
            Some("GSI3") => (attr::GSI3PK, attr::GSI3SK),
            Some("GSI5") => (attr::GSI5PK, attr::GSI5SK),
            Some(_) => (attr::GSI4PK, attr::GSI4SK),
        }
    }

    /// The attributes that make a start key: the index's keys plus the
    /// table's.
    fn cursor_key(&self, item: &Item) -> Item {
        let (pk, sk) = self.key_attributes();
        [attr::PK, attr::SK, pk, sk]
            .into_iter()
            .filter_map(|name| item.get(name).map(|v| (name.to_string(), v.clone())))
            .collect()
    }

    /// The response of a list served as stored: the page size and cursor
    /// from `uri`'s query (checked against `scope`), one page, the links.
    pub async fn respond<T: DeserializeOwned>(
        &self,
        services: &crate::Services,
        scope: &str,
        uri: &Uri,
    ) -> ApiResult<Paginated<T>> {
        let request = query::<PageParams>(uri)?.resolve(&services.cursors, scope)?;
        let page = self.page::<T>(&services.store, &request).await?;
        Ok(page.into_response(&services.cursors, scope, uri, |item| item))
    }

    /// One page, in natural order (newest first, or oldest first), with the
    /// cursors around it.
    pub async fn page<T: DeserializeOwned>(
        &self,
        store: &Store,
        request: &PageRequest,
    ) -> ApiResult<Page<T>> {
        self.page_of(store, request, Take::All(from_item::<T>))
            .await
    }

    /// One page of the items `keep` accepts, decided in code after reading
    /// (for tests a FilterExpression cannot make: folded text, ranges over
    /// optional fields). Reading goes on until the page is full or the
    /// partition ends, so a page is never short while more items match.
    pub async fn page_where<T>(
        &self,
        store: &Store,
        request: &PageRequest,
        keep: &Keep<'_, T>,
    ) -> ApiResult<Page<T>> {
        self.page_of(store, request, Take::Keep(keep)).await
    }

    /// Up to `want` results of `keep`, from the start of the list, and
    /// whether more remain.
    pub async fn read_where<T>(
        &self,
        store: &Store,
        want: usize,
        keep: &Keep<'_, T>,
    ) -> ApiResult<(Vec<T>, bool)> {
        let (items, more) = self
            .read(store, None, false, want, Take::Keep(keep))
            .await?;
        Ok((items.into_iter().map(|(_, t)| t).collect(), more.is_some()))
    }

    async fn page_of<T>(
        &self,
        store: &Store,
        request: &PageRequest,
        take: Take<'_, T>,
    ) -> ApiResult<Page<T>> {
        let backwards = request.cursor.as_ref().is_some_and(|c| c.backwards);
        let start = request.cursor.as_ref().map(|c| c.key.clone());
        let (mut items, more) = self
            .read(store, start, backwards, request.size, take)
            .await?;
        let has_more = more.is_some();
        let resume = more.map(|k| Cursor { key: k, backwards });
        if backwards {
            items.reverse();
        }
        let first = items.first().map(|(key, _)| Cursor {
            key: key.clone(),
            backwards: true,
        });
        let last = items.last().map(|(key, _)| Cursor {
            key: key.clone(),
            backwards: false,
        });
        let (next, previous) = if backwards {
            // Came from a later page: there is one after this. Before it,
            // only if the reading stopped early.
            (last, if has_more { first } else { None })
        } else {
            (
                resume,
                if request.cursor.is_some() {
                    first
                } else {
                    None
                },
            )
        };
        Ok(Page {
            items: items.into_iter().map(|(_, t)| t).collect(),
            next,
            previous,
        })
    }

    /// The Query of this list: its key condition and filter.
    fn query(
        &self,
        store: &Store,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let (pk, sk) = self.key_attributes();
        let mut query = store
            .client
            .query()
            .table_name(&store.table)
            .set_index_name(self.index.map(String::from))
            .expression_attribute_names("#pk", pk)
            .expression_attribute_values(":pk", AttributeValue::S(self.partition.clone()));
        query = match (&self.sk_between, &self.sk_prefix) {
            (Some((low, high)), _) => query
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#sk", sk)
                .expression_attribute_values(":low", AttributeValue::S(low.clone()))
                .expression_attribute_values(":high", AttributeValue::S(high.clone())),
            (None, Some(prefix)) => query
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#sk", sk)
                .expression_attribute_values(":prefix", AttributeValue::S(prefix.clone())),
            (None, None) => query.key_condition_expression("#pk = :pk"),
        };
        if let Some(filter) = &self.filter {
            query = query.filter_expression(&filter.expression);
            for (k, v) in &filter.names {
                query = query.expression_attribute_names(k, v);
            }
            for (k, v) in &filter.values {
                query = query.expression_attribute_values(k, v.clone());
            }
        }
        query
    }

    /// How many items the whole list holds: a `Select=COUNT` Query of its
    /// partition, filter applied, one call per MB read, at most
    /// `COUNT_CALLS` of them: past that (a box of several thousand
    /// messages) `None`, the count left out rather than paid for on every
    /// page. For one user's lists where no counter is kept (notifications,
    /// messages, sessions); never for a platform-wide list.
    pub async fn count(&self, store: &Store) -> ApiResult<Option<u64>> {
        let mut count = 0;
        let mut start = None;
        for _ in 0..COUNT_CALLS {
            let out = self
                .query(store)
                .select(aws_sdk_dynamodb::types::Select::Count)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            count += out.count.max(0) as u64;
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(Some(count)),
            }
        }
        Ok(None)
    }

    /// Reads up to `want` results after `start` (exclusive). Returns them
    /// in reading order, each with its cursor key, and where to resume
    /// when more remain.
    async fn read<T>(
        &self,
        store: &Store,
        mut start: Option<Item>,
        backwards: bool,
        want: usize,
        take: Take<'_, T>,
    ) -> ApiResult<(Vec<(Item, T)>, Option<Item>)> {
        let mut items: Vec<(Item, T)> = Vec::new();
        let keep = match take {
            Take::Keep(keep) => Some(keep),
            Take::All(_) => None,
        };
        let rounds = if keep.is_some() {
            MAX_ROUNDS_IN_CODE
        } else {
            MAX_ROUNDS
        };
        let mut batch = want + 1;
        let started = std::time::Instant::now();
        for round in 0..rounds {
            if keep.is_some() && round > 0 && started.elapsed() > READ_BUDGET {
                break;
            }
            // One more than asked, to know whether another page exists;
            // filtering in code, a batch that grows while few items match.
            let limit = match keep {
                None => want + 1 - items.len(),
                Some(_) => {
                    let this = batch;
                    batch = (batch * 4).min(MAX_BATCH);
                    this
                }
            } as i32;
            let query = self
                .query(store)
                .scan_index_forward(self.oldest_first != backwards)
                .limit(limit)
                .set_exclusive_start_key(start.take());
            let out = query.send().await?;
            for item in out.items.unwrap_or_default() {
                let key = self.cursor_key(&item);
                match &take {
                    Take::Keep(keep) => {
                        if let Some(value) = keep(&item) {
                            items.push((key, value));
                        }
                    }
                    Take::All(map) => items.push((key, map(item)?)),
                }
            }
            if items.len() > want {
                items.truncate(want);
                let resume = items.last().expect("want ≥ 1").0.clone();
                return Ok((items, Some(resume)));
            }
            match out.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok((items, None)),
            }
        }
        Ok((items, start))
    }
}

/// What a reading keeps: every item, mapped (`All`), or the results of a
/// test in code (`Keep`).
enum Take<'a, T> {
    All(fn(Item) -> ApiResult<T>),
    Keep(&'a Keep<'a, T>),
}

/// A page of items and the cursors of its neighbours.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
    pub previous: Option<Cursor>,
}

impl<T> Page<T> {
    /// DRF's `{next, previous, results}`, with links that repeat the
    /// request's path and query, cursor replaced.
    pub fn into_response<R>(
        self,
        codec: &CursorCodec,
        scope: &str,
        uri: &Uri,
        map: impl FnMut(T) -> R,
    ) -> Paginated<R> {
        let link = |c: Option<Cursor>| c.map(|c| link(uri, &codec.encode(scope, &c)));
        Paginated {
            count: None,
            next: link(self.next),
            previous: link(self.previous),
            results: self.items.into_iter().map(map).collect(),
        }
    }
}

/// `uri` with its `cursor` parameter set to `cursor` (a path-absolute URL).
pub fn link(uri: &Uri, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or_default()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "cursor");
    pairs.push(("cursor".into(), cursor.into()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}?{query}", uri.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_checked() {
        let codec = CursorCodec::new(b"0123456789abcdef0123456789abcdef");
        let params = |s: &str| PageParams {
            page_size: Some(s.into()),
            cursor: None,
        };
        assert_eq!(PageParams::default().resolve(&codec, "s").unwrap().size, 20);
        assert_eq!(params("100").resolve(&codec, "s").unwrap().size, 100);
        for bad in ["0", "101", "-1", "dix", "1.5"] {
            assert!(
                matches!(params(bad).resolve(&codec, "s"), Err(ApiError::Fields(_))),
                "{bad}"
            );
        }
        let tampered = PageParams {
            page_size: None,
            cursor: Some("abc.def".into()),
        };
        assert!(matches!(
            tampered.resolve(&codec, "s"),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn links_keep_the_query_and_replace_the_cursor() {
        let uri: Uri = "/api/messages/?lu=false&cursor=old&page_size=5"
            .parse()
            .unwrap();
        assert_eq!(
            link(&uri, "new.tag"),
            "/api/messages/?lu=false&page_size=5&cursor=new.tag"
        );
        let bare: Uri = "/api/notifications/".parse().unwrap();
        assert_eq!(link(&bare, "c"), "/api/notifications/?cursor=c");
    }
}
