//! Opaque pagination cursors: a query's `LastEvaluatedKey`, signed with
//! HMAC-SHA256 and bound to the list it came from, so a cursor cannot be
//! forged, altered, or replayed against another user's list. Any tampering
//! is a 400.

use std::collections::{BTreeMap, HashMap};

use aws_lc_rs::hmac;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

pub struct CursorCodec {
    key: hmac::Key,
}

/// Where to resume a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The exclusive start key.
    pub key: HashMap<String, AttributeValue>,
    /// True for a "previous page" cursor (the query runs the other way).
    pub backwards: bool,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    k: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    b: bool,
}

const TAG_BYTES: usize = 16;

impl CursorCodec {
    pub fn new(secret: &[u8]) -> Self {
        CursorCodec {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    /// Encodes a start key. `scope` names the list (say, `notifications:<sub>`)
    /// and must be given again to decode. Key attributes are strings.
    pub fn encode(&self, scope: &str, cursor: &Cursor) -> String {
        let k = cursor
            .key
            .iter()
            .filter_map(|(name, value)| value.as_s().ok().map(|s| (name.clone(), s.clone())))
            .collect();
        let json = serde_json::to_vec(&Payload {
            k,
            b: cursor.backwards,
        })
        .expect("cursor payload serializes");
        let tag = self.tag(scope, &json);
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&json),
            URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES])
        )
    }

    pub fn decode(&self, scope: &str, text: &str) -> ApiResult<Cursor> {
        let invalid = || ApiError::BadRequest("Curseur invalide.".into());
        let (body, tag) = text.split_once('.').ok_or_else(invalid)?;
        let json = URL_SAFE_NO_PAD.decode(body).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        let expected = self.tag(scope, &json);
        // Constant-time comparison of the truncated tag.
        if tag.len() != TAG_BYTES
            || aws_lc_rs::constant_time::verify_slices_are_equal(&tag, &expected[..TAG_BYTES])
                .is_err()
        {
            return Err(invalid());
        }
        let payload: Payload = serde_json::from_slice(&json).map_err(|_| invalid())?;
        if payload.k.is_empty() {
            return Err(invalid());
        }
        Ok(Cursor {
            key: payload
                .k
                .into_iter()
                .map(|(k, v)| (k, AttributeValue::S(v)))
                .collect(),
            backwards: payload.b,
        })
    }

    fn tag(&self, scope: &str, json: &[u8]) -> Vec<u8> {
        let mut ctx = hmac::Context::with_key(&self.key);
        ctx.update(scope.as_bytes());
        ctx.update(b"\n");
        ctx.update(json);
        ctx.sign().as_ref().to_vec()
    }
}

/// A page of results in DRF's shape.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Paginated<T> {
    /// How many items the whole list holds, every page together: exact,
    /// from counters the writes keep. Absent where it cannot be known
    /// exactly without reading the list (docs/data-model.md, "Counts").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// URL of the next page, or null on the last page.
    pub next: Option<String>,
    /// URL of the previous page, or null on the first page.
    pub previous: Option<String>,
    pub results: Vec<T>,
}

impl<T> Paginated<T> {
    /// The page with the list's exact count (negative counts, from
    /// counters briefly behind, read as zero).
    pub fn counted(mut self, count: Option<i64>) -> Self {
        self.count = count.map(|n| n.max(0) as u64);
        self
    }

    /// The same page (count and links) with other results: each item
    /// shown another way, with what was read beside it.
    pub fn with_results<U>(self, results: Vec<U>) -> Paginated<U> {
        Paginated {
            count: self.count,
            next: self.next,
            previous: self.previous,
            results,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cursor {
        Cursor {
            key: HashMap::from([
                ("PK".to_string(), AttributeValue::S("USER#a".into())),
                ("SK".to_string(), AttributeValue::S("NOTIF#01J".into())),
            ]),
            backwards: false,
        }
    }

    #[test]
    fn round_trips() {
        let codec = CursorCodec::new(b"0123456789abcdef0123456789abcdef");
        let text = codec.encode("scope", &sample());
        assert_eq!(codec.decode("scope", &text).unwrap(), sample());
        let back = Cursor {
            backwards: true,
            ..sample()
        };
        assert_eq!(
            codec
                .decode("scope", &codec.encode("scope", &back))
                .unwrap(),
            back
        );
    }

    #[test]
    fn tampering_is_a_bad_request() {
        let codec = CursorCodec::new(b"0123456789abcdef0123456789abcdef");
        let text = codec.encode("scope", &sample());
        // Another scope (another user's list) is refused.
        assert!(matches!(
            codec.decode("other", &text),
            Err(ApiError::BadRequest(_))
        ));
        // A forged body with the old tag is refused.
        let (_, tag) = text.split_once('.').unwrap();
        let forged = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{"k":{"PK":"USER#b","SK":"x"}}"#),
            tag
        );
        assert!(codec.decode("scope", &forged).is_err());
        // Garbage of every kind.
        for junk in [
            "",
            ".",
            "abc",
            "abc.def",
            "%%%.%%%",
            &text[..text.len() - 2],
        ] {
            assert!(
                matches!(codec.decode("scope", junk), Err(ApiError::BadRequest(_))),
                "{junk}"
            );
        }
        // Another secret does not accept it.
        assert!(
            CursorCodec::new(b"another-secret-another-secret-xx")
                .decode("scope", &text)
                .is_err()
        );
    }
}
