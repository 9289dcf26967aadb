//! The uploads area (spec 11, docs/uploads.md): a CV, a cover letter or a
//! verification document is sent as `multipart/form-data` (field
//! `fichier`, 4 MiB at most), checked by its content, stored in the
//! private bucket and described in the table. Reading it means a
//! short-lived presigned link, given to its owner, an admin, or the
//! recruiter of a publication it was sent to with an application.

use std::sync::Arc;

use crate::Services;
use crate::auth::AuthUser;
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult};
use crate::page::{self, Filter, Listing, PageParams};
use crate::store::keys;
use crate::throttle::{self, Caller};
use crate::uploads::content::{self, FIELD};
use crate::uploads::images::{self, Slot};
use crate::uploads::{self, Access, FileKind, Image, Upload};
use axum::Json as AxumJson;
use axum::body::Body;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

pub type AreaState = Arc<Services>;

/// The form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file, with its name (`filename` of the part).
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    fichier: String,
}

/// The file part of a multipart body: its name and bytes. 415 if the body
/// is not multipart, 413 past `max` bytes (reading stops there), 400 for a
/// missing, repeated or malformed part.
async fn read_file(headers: &HeaderMap, body: Body, max: usize) -> ApiResult<(String, Vec<u8>)> {
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "Fichier trop volumineux : {} Mio au plus.",
            max as f64 / (1024.0 * 1024.0)
        ))
    };
    let malformed = |e: multer::Error| match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            too_large()
        }
        _ => ApiError::BadRequest("Corps multipart/form-data invalide.".into()),
    };
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or_else(|| {
            ApiError::UnsupportedMediaType(format!(
                "Envoyez le fichier en multipart/form-data, dans le champ « {FIELD} »."
            ))
        })?;
    // The whole body: the file plus room for its headers and small fields.
    let limits = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream((max + 64 * 1024) as u64));
    let mut parts = multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let mut found = None;
    while let Some(mut part) = parts.next_field().await.map_err(malformed)? {
        if part.name() != Some(FIELD) {
            continue;
        }
        if found.is_some() {
            return Err(ApiError::field(FIELD, "Un seul fichier par envoi."));
        }
        let name = part.file_name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(malformed)? {
            if bytes.len() + chunk.len() > max {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        found = Some((name, bytes));
    }
    found.ok_or_else(|| ApiError::field(FIELD, "Ce champ est obligatoire."))
}

/// The file of an upload, counted in the caller's upload rate (429 past
/// it) while the body arrives.
async fn read_counted(
    services: &Services,
    user: &AuthUser,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<(String, Vec<u8>)> {
    let (limited, read) = tokio::join!(
        throttle::limit(
            &services.store,
            "uploads",
            [(Caller::User(&user.sub), services.config.rate_limits.uploads)],
        ),
        read_file(headers, body, services.config.upload_max_bytes),
    );
    limited?;
    read
}

/// Receives a file of `kind`: checked, stored (object, then metadata with
/// the profile's count and link, then the object confirmed), returned
/// with a download link. Nothing is stored for a refused file.
async fn receive(
    services: &Services,
    user: &AuthUser,
    kind: FileKind,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, AxumJson<Upload>)> {
    uploads::check_uploader(kind, user.role)?;
    let files = services.files()?;
    let (name, bytes) = read_counted(services, user, headers, body).await?;
    let checked = content::check(kind, &name, &bytes)?;
    let digest = content::sha256(&bytes);
    let u = Upload {
        id: ulid::Ulid::new().to_string(),
        type_fichier: kind,
        proprietaire: user.sub.clone(),
        nom: checked.name,
        content_type: checked.format.content_type().into(),
        taille: bytes.len() as u64,
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        date_creation: OffsetDateTime::now_utc(),
        candidatures: 0,
        url: None,
        url_expiration: None,
    };
    files.put(&u, bytes, &digest).await?;
    if let Err(e) = uploads::store::create(&services.store, &u, user.role).await {
        discard(services, &u).await;
        return Err(e);
    }
    if files.confirm(&u).await.is_err()
        && let Err(e) = files.confirm(&u).await
    {
        // Still pending, the object would expire under a listed file:
        // take the metadata back too.
        let profile = crate::accounts::get(&services.store, &user.sub).await?;
        let undone = match profile {
            Some(profile) => uploads::store::remove(&services.store, &u, &profile).await,
            None => Ok(()),
        };
        if let Err(undo) = undone {
            tracing::error!(error = %undo, key = %u.object_key(), upload_id = %u.id,
                "listed file whose object is still pending: it expires in a day");
            return Err(e);
        }
        discard(services, &u).await;
        return Err(e);
    }
    tracing::info!(upload_id = %u.id, kind = kind.as_str(), bytes = u.taille, "file uploaded");
    Ok((
        StatusCode::CREATED,
        AxumJson(crate::uploads::with_link(files, u).await?),
    ))
}

/// Deletes an object nothing describes; if that fails, the bucket's
/// lifecycle rule removes it (it is still tagged pending).
async fn discard(services: &Services, u: &Upload) {
    if let Ok(files) = services.files()
        && let Err(e) = files.delete(u).await
    {
        tracing::warn!(error = %e, key = %u.object_key(), "pending object left to the lifecycle rule");
    }
}

#[utoipa::path(post, path = "/api/upload/cv/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PDF, DOC, DOCX ou ODT, 4 Mio au plus"),
    responses((status = 201, body = Upload, description = "Enregistré ; devient le cv du profil d'un candidat"),
        (status = 400, description = "Fichier vide, type refusé d'après son contenu, nom invalide (chemin, caractères de contrôle), extension qui ne correspond pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 409, description = "Limite de fichiers du compte atteinte"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn upload_cv(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, AxumJson<Upload>)> {
    receive(&services, &user, FileKind::Cv, &headers, body).await
}

#[utoipa::path(post, path = "/api/upload/lettre/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PDF, DOC, DOCX ou ODT, 4 Mio au plus"),
    responses((status = 201, body = Upload, description = "Enregistrée ; devient la lettre_motivation du profil d'un candidat"),
        (status = 400, description = "Fichier vide, type refusé d'après son contenu, nom invalide, extension qui ne correspond pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 409, description = "Limite de fichiers du compte atteinte"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn upload_lettre(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, AxumJson<Upload>)> {
    receive(&services, &user, FileKind::Lettre, &headers, body).await
}

#[utoipa::path(post, path = "/api/upload/document/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PDF, PNG ou JPEG (décodé pour le prouver), 4 Mio au plus"),
    responses((status = 201, body = Upload, description = "Enregistré et ajouté aux documents_verification du profil, que l'administrateur consulte"),
        (status = 400, description = "Fichier vide, type refusé d'après son contenu, image illisible, nom invalide, extension qui ne correspond pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs et aux prestataires"),
        (status = 409, description = "Limite de fichiers ou de documents du compte atteinte"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn upload_document(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, AxumJson<Upload>)> {
    receive(&services, &user, FileKind::Document, &headers, body).await
}

#[utoipa::path(post, path = "/api/upload/diplome/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PDF, PNG ou JPEG (décodé pour le prouver), 4 Mio au plus"),
    responses((status = 201, body = Upload, description = "Un diplôme, à joindre ensuite à des candidatures par son id"),
        (status = 400, description = "Fichier vide, type refusé d'après son contenu, nom invalide, extension qui ne correspond pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 409, description = "Limite de fichiers du compte atteinte"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn upload_diplome(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, AxumJson<Upload>)> {
    receive(&services, &user, FileKind::Diplome, &headers, body).await
}

#[utoipa::path(post, path = "/api/upload/certificat/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PDF, PNG ou JPEG (décodé pour le prouver), 4 Mio au plus"),
    responses((status = 201, body = Upload, description = "Un certificat, à joindre ensuite à des candidatures par son id"),
        (status = 400, description = "Fichier vide, type refusé d'après son contenu, nom invalide, extension qui ne correspond pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 409, description = "Limite de fichiers du compte atteinte"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn upload_certificat(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, AxumJson<Upload>)> {
    receive(&services, &user, FileKind::Certificat, &headers, body).await
}

#[utoipa::path(post, path = "/api/upload/portfolio/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PDF, PNG ou JPEG (décodé pour le prouver), 4 Mio au plus"),
    responses((status = 201, body = Upload, description = "Un portfolio, à joindre ensuite à des candidatures par son id"),
        (status = 400, description = "Fichier vide, type refusé d'après son contenu, nom invalide, extension qui ne correspond pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 409, description = "Limite de fichiers du compte atteinte"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn upload_portfolio(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, AxumJson<Upload>)> {
    receive(&services, &user, FileKind::Portfolio, &headers, body).await
}

#[utoipa::path(post, path = "/api/upload/business-plan/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PDF, DOC, DOCX ou ODT, 4 Mio au plus"),
    responses((status = 201, body = Upload, description = "Un business plan, à joindre ensuite à des candidatures par son id"),
        (status = 400, description = "Fichier vide, type refusé d'après son contenu, nom invalide, extension qui ne correspond pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 409, description = "Limite de fichiers du compte atteinte"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn upload_business_plan(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, AxumJson<Upload>)> {
    receive(&services, &user, FileKind::BusinessPlan, &headers, body).await
}

/// Filter of the caller's files.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilters {
    /// cv, lettre, document, diplome, certificat, portfolio or
    /// business_plan.
    pub type_fichier: Option<String>,
}

#[utoipa::path(get, path = "/api/upload/", tag = "uploads", security(("bearer" = [])),
    params(ListFilters, PageParams),
    responses((status = 200, body = Paginated<Upload>, description = "Mes fichiers, du plus récent au plus ancien, avec leurs liens de téléchargement"),
        (status = 400, description = "Type, taille de page ou curseur invalide"), (status = 401, description = "Non authentifié")))]
pub async fn list(
    State(services): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<Upload>>> {
    let filters: ListFilters = page::query(&uri)?;
    let kind = match filters.type_fichier.as_deref() {
        None | Some("") => None,
        Some(text) => Some(FileKind::parse(text).ok_or_else(|| {
            let known: Vec<&str> = FileKind::ALL.iter().map(|k| k.as_str()).collect();
            ApiError::field(
                "type_fichier",
                format!("Valeur inconnue : {} attendu.", known.join(", ")),
            )
        })?),
    };
    let scope = format!("uploads:{}:{kind:?}", user.sub);
    let filter = Filter::equal(
        kind.map(|k| {
            (
                "type_fichier",
                aws_sdk_dynamodb::types::AttributeValue::S(k.as_str().into()),
            )
        })
        .into_iter()
        .collect(),
    );
    let listing = Listing::index("GSI1", keys::uploads_by_owner(&user.sub)).filter(filter);
    let mut response = listing.respond::<Upload>(&services, &scope, &uri).await?;
    let files = services.files()?;
    for u in &mut response.results {
        *u = crate::uploads::with_link(files, u.clone()).await?;
    }
    Ok(AxumJson(response))
}

#[utoipa::path(get, path = "/api/upload/{id}/", tag = "uploads", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du fichier")),
    responses((status = 200, body = Upload, description = "Le fichier et un lien de téléchargement de courte durée (url, url_expiration)"),
        (status = 401, description = "Non authentifié"),
        (status = 403, description = "Recruteur dont un administrateur a retiré la validation : les pièces de ses candidats ne lui sont plus accessibles"),
        (status = 404, description = "Pas de fichier de ce numéro que vous puissiez lire : le vôtre, ou pour un recruteur le cv ou la lettre d'une candidature à l'une de ses publications ; tout fichier pour un administrateur")))]
pub async fn detail(
    State(services): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<Upload>> {
    let id = crate::store::path_id(&id)?;
    let u = uploads::store::get(&services.store, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut u = u;
    match uploads::access(&u, &user) {
        Access::Granted => {}
        Access::IfAttachedToMine => {
            // Attached to an application it received, and an admin still
            // validates it: both read at once.
            let (attached, verified) = tokio::join!(
                uploads::store::attached_for(&services.store, &u.id, &user.sub),
                crate::accounts::admin_verified(&services.store, &user.sub)
            );
            if !attached? {
                return Err(ApiError::NotFound);
            }
            if !verified? {
                return Err(ApiError::Forbidden(
                    "La validation de votre compte recruteur a été retirée : les pièces des \
                     candidats ne vous sont plus accessibles."
                        .into(),
                ));
            }
            // How many applications use it is the candidate's business.
            u.candidatures = 0;
        }
        Access::Denied => return Err(ApiError::NotFound),
    }
    Ok(AxumJson(
        crate::uploads::with_link(services.files()?, u).await?,
    ))
}

#[utoipa::path(delete, path = "/api/upload/{id}/", tag = "uploads", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id d'un de vos fichiers")),
    responses((status = 204, description = "Supprimé : l'objet, ses métadonnées, et le champ du profil qui le désignait"),
        (status = 401, description = "Non authentifié"), (status = 404, description = "Pas de fichier de ce numéro parmi les vôtres"),
        (status = 409, description = "Fichier joint à une candidature : le recruteur doit pouvoir le lire")))]
pub async fn delete(
    State(services): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = crate::store::path_id(&id)?;
    let mut found = services
        .store
        .get_many_consistent(&[keys::upload(id), keys::user(&user.sub)])
        .await?
        .into_iter();
    let u: Option<Upload> = found
        .next()
        .flatten()
        .map(crate::store::from_item)
        .transpose()?;
    let u = u
        .filter(|u| u.proprietaire == user.sub)
        .ok_or(ApiError::NotFound)?;
    let profile = found
        .next()
        .flatten()
        .map(crate::store::from_item)
        .transpose()?
        .ok_or(ApiError::NotFound)?;
    if u.candidatures > 0 {
        return Err(uploads::store::in_use(u.candidatures));
    }
    uploads::store::remove(&services.store, &u, &profile).await?;
    if let Err(e) = services.files()?.delete(&u).await {
        tracing::error!(error = %e, key = %u.object_key(), "object left after its metadata was deleted");
    }
    tracing::info!(upload_id = %u.id, "file deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's profile, read strongly (its image is what a change is
/// conditioned on).
async fn own_profile(services: &Services, user: &AuthUser) -> ApiResult<crate::accounts::Profile> {
    services
        .store
        .get(&keys::user(&user.sub), true)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Shows the recruiter's new logo (or none) on its publications; the
/// previous object is deleted only once none of them shows it any more.
async fn spread_logo(
    services: &Services,
    user: &AuthUser,
    logo: Option<&Image>,
    was: Option<&Image>,
) -> bool {
    match crate::publications::store::set_logo(&services.store, &user.sub, logo, was).await {
        Ok(true) => true,
        Ok(false) => {
            tracing::error!(recruteur = %user.sub,
                "publications past the fan-out's limit still show the previous logo: its object is kept");
            false
        }
        Err(e) => {
            tracing::error!(error = %e, recruteur = %user.sub,
                "publications still show the previous logo: its object is kept");
            false
        }
    }
}

/// Deletes a replaced or removed image's object (logged if that fails).
async fn delete_object(services: &Services, image: &Image) {
    if let Ok(bucket) = services.images()
        && let Err(e) = bucket.delete(&image.cle).await
    {
        tracing::error!(error = %e, key = %image.cle, "image object left after its profile let go of it");
    }
}

/// Sets the caller's photo or logo from an uploaded image: checked by its
/// content, re-encoded (`content::image`), stored under a new key, set on
/// the profile under the condition that its image is still the one read
/// (and on a recruiter's publications), and only then is the previous
/// object deleted. A refused file stores nothing.
async fn replace_image(
    services: &Services,
    user: &AuthUser,
    slot: Slot,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<AxumJson<Image>> {
    slot.check(user.role)?;
    let bucket = services.images()?;
    let (_, bytes) = read_counted(services, user, headers, body).await?;
    let picture = content::image(&bytes, images::MAX_SIDE)?;
    let was = own_profile(services, user).await?.details.image().cloned();
    let image = Image::new(
        slot.key(&user.sub, picture.extension()),
        picture.format.content_type(),
        (picture.width, picture.height),
        picture.bytes.len() as u64,
    );
    bucket
        .put(&image.cle, picture.bytes, &image.content_type)
        .await?;
    if let Err(e) = images::set(&services.store, &user.sub, slot, Some(&image), was.as_ref()).await
    {
        delete_object(services, &image).await;
        return Err(e);
    }
    let shown = slot != Slot::Logo || spread_logo(services, user, Some(&image), was.as_ref()).await;
    if let Some(was) = was.filter(|_| shown) {
        delete_object(services, &was).await;
    }
    tracing::info!(key = %image.cle, bytes = image.taille, "image set");
    Ok(AxumJson(image))
}

/// Removes the caller's photo or logo: from the profile (and a
/// recruiter's publications), then its object. 404 if there is none.
async fn remove_image(services: &Services, user: &AuthUser, slot: Slot) -> ApiResult<StatusCode> {
    slot.check(user.role)?;
    services.images()?;
    let was = own_profile(services, user)
        .await?
        .details
        .image()
        .cloned()
        .ok_or(ApiError::NotFound)?;
    images::set(&services.store, &user.sub, slot, None, Some(&was)).await?;
    if slot != Slot::Logo || spread_logo(services, user, None, Some(&was)).await {
        delete_object(services, &was).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/upload/photo/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PNG, JPEG ou WebP (d'après son contenu), 4 Mio au plus"),
    responses((status = 200, body = Image, description = "La photo du profil, réduite à 512 px au plus et réencodée sans métadonnées ; `url` est publique et ne change jamais de contenu. L'ancienne photo est supprimée"),
        (status = 400, description = "Fichier vide, qui n'est pas une image PNG, JPEG ou WebP d'après son contenu, ou qui ne se décode pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 409, description = "La photo a changé pendant l'envoi : recharger le profil"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn put_photo(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<AxumJson<Image>> {
    replace_image(&services, &user, Slot::Photo, &headers, body).await
}

#[utoipa::path(delete, path = "/api/upload/photo/", tag = "uploads", security(("bearer" = [])),
    responses((status = 204, description = "Photo retirée du profil, et son fichier supprimé"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 404, description = "Le profil n'a pas de photo"),
        (status = 409, description = "La photo a changé entre-temps : recharger le profil")))]
pub async fn delete_photo(
    State(services): State<AreaState>,
    user: AuthUser,
) -> ApiResult<StatusCode> {
    remove_image(&services, &user, Slot::Photo).await
}

#[utoipa::path(put, path = "/api/upload/logo/", tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data",
        description = "Champ `fichier` : PNG, JPEG ou WebP (d'après son contenu), 4 Mio au plus"),
    responses((status = 200, body = Image, description = "Le logo de l'entreprise, réduit à 512 px au plus et réencodé sans métadonnées (PNG s'il a de la transparence), aussi montré sur ses publications. L'ancien est supprimé"),
        (status = 400, description = "Fichier vide, qui n'est pas une image PNG, JPEG ou WebP d'après son contenu, ou qui ne se décode pas"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs"),
        (status = 409, description = "Le logo a changé pendant l'envoi : recharger le profil"),
        (status = 413, description = "Fichier trop volumineux"), (status = 415, description = "Corps qui n'est pas multipart/form-data"),
        (status = 429, description = "Trop de fichiers envoyés : réessayer après Retry-After secondes")))]
pub async fn put_logo(
    State(services): State<AreaState>,
    user: AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<AxumJson<Image>> {
    replace_image(&services, &user, Slot::Logo, &headers, body).await
}

#[utoipa::path(delete, path = "/api/upload/logo/", tag = "uploads", security(("bearer" = [])),
    responses((status = 204, description = "Logo retiré du profil et des publications, et son fichier supprimé"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs"),
        (status = 404, description = "Le profil n'a pas de logo"),
        (status = 409, description = "Le logo a changé entre-temps : recharger le profil")))]
pub async fn delete_logo(
    State(services): State<AreaState>,
    user: AuthUser,
) -> ApiResult<StatusCode> {
    remove_image(&services, &user, Slot::Logo).await
}
