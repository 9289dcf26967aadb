//! The bucket: objects in, out, and presigned download links.

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use time::OffsetDateTime;

use crate::error::{ApiError, ApiResult};

/// What the bucket knows of an object: its key, and the type and name a
/// download gets. The uploads slice's `Upload` is one.
pub trait Object {
    fn object_key(&self) -> String;
    fn content_type(&self) -> &str;
    fn download_name(&self) -> &str;
}

/// The tag an object carries until its metadata is written: the bucket's
/// lifecycle rule deletes objects still tagged after a day (an upload cut
/// short between the two writes).
pub const PENDING_TAG: &str = "etat=provisoire";

/// The private bucket and its client.
#[derive(Clone)]
pub struct Files {
    client: crate::Lazy<aws_sdk_s3::Client>,
    bucket: String,
    url_ttl: Duration,
}

/// An S3 failure: a 503 when S3 was unavailable, else a 500 (`ApiError`'s `From`).
fn s3_error<E>(err: aws_sdk_s3::error::SdkError<E, crate::error::HttpResponse>) -> ApiError
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    ApiError::from(err)
}

/// Path-style addressing when an endpoint is configured (an emulator on
/// localhost has no bucket subdomains); virtual-hosted in AWS.
pub(crate) fn client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .interceptor(crate::metrics::AwsCallRecorder)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

impl Files {
    pub fn new(client: crate::Lazy<aws_sdk_s3::Client>, bucket: String, url_ttl: Duration) -> Self {
        Files {
            client,
            bucket,
            url_ttl,
        }
    }

    /// Stores the bytes of `u`, encrypted, with their type, download name
    /// and SHA-256 (S3 checks it), tagged pending.
    pub async fn put(&self, u: &impl Object, bytes: Vec<u8>, sha256: &[u8]) -> ApiResult<()> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(u.object_key())
            .body(ByteStream::from(bytes))
            .content_type(u.content_type())
            .content_disposition(content_disposition(u.download_name()))
            .server_side_encryption(ServerSideEncryption::Aes256)
            .checksum_sha256(base64::engine::general_purpose::STANDARD.encode(sha256))
            .tagging(PENDING_TAG)
            .send()
            .await
            .map_err(s3_error)?;
        Ok(())
    }

    /// The metadata is written: the object is no longer pending.
    pub async fn confirm(&self, u: &impl Object) -> ApiResult<()> {
        self.client
            .delete_object_tagging()
            .bucket(&self.bucket)
            .key(u.object_key())
            .send()
            .await
            .map_err(s3_error)?;
        Ok(())
    }

    pub async fn delete(&self, u: &impl Object) -> ApiResult<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(u.object_key())
            .send()
            .await
            .map_err(s3_error)?;
        Ok(())
    }

    /// A presigned GET link to `u` and when it expires: signed here, no
    /// AWS call.
    pub async fn link(&self, u: &impl Object) -> ApiResult<(String, OffsetDateTime)> {
        let config = PresigningConfig::expires_in(self.url_ttl).map_err(ApiError::internal)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(u.object_key())
            .presigned(config)
            .await
            .map_err(s3_error)?;
        Ok((
            request.uri().to_string(),
            OffsetDateTime::now_utc() + self.url_ttl,
        ))
    }
}

/// The bucket of public images (profile photos, logos), read through the
/// CDN in front of it: an object's key never changes content, so caches
/// never revalidate it.
#[derive(Clone)]
pub struct Images {
    client: crate::Lazy<aws_sdk_s3::Client>,
    bucket: String,
}

/// How long browsers and the CDN keep an image: a day, never revalidated
/// (a new image gets a new key). Not longer: a deleted photo must leave
/// the caches too, and a day bounds that without an invalidation.
pub const IMAGE_CACHE_CONTROL: &str = "public, max-age=86400, immutable";

impl Images {
    pub fn new(client: crate::Lazy<aws_sdk_s3::Client>, bucket: String) -> Self {
        Images { client, bucket }
    }

    /// Stores an image under `key`, encrypted, with its type, its cache
    /// policy and its SHA-256 (S3 checks it).
    pub async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> ApiResult<()> {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes);
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .checksum_sha256(base64::engine::general_purpose::STANDARD.encode(digest.as_ref()))
            .body(ByteStream::from(bytes))
            .content_type(content_type)
            .cache_control(IMAGE_CACHE_CONTROL)
            .server_side_encryption(ServerSideEncryption::Aes256)
            .send()
            .await
            .map_err(s3_error)?;
        Ok(())
    }

    pub async fn delete(&self, key: &str) -> ApiResult<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(s3_error)?;
        Ok(())
    }
}

/// Everything but unreserved characters is escaped (RFC 5987 attr-char).
const ATTR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `attachment` with the name twice (RFC 6266): an ASCII fallback and the
/// exact UTF-8 name, so browsers save the file under its own name.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn download_names_survive_any_characters() {
        assert_eq!(
            super::content_disposition("CV \"Amina\" é.pdf"),
            "attachment; filename=\"CV _Amina_ _.pdf\"; filename*=UTF-8''CV%20%22Amina%22%20%C3%A9.pdf"
        );
    }
}
