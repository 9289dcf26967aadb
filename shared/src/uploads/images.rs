//! Profile photos and company logos (#18, docs/uploads.md): who has which,
//! where each is stored and how it is shown. The bytes are re-encoded
//! (`content::image`) into the public images bucket, under a key that
//! never changes content; profiles and publications carry the image,
//! and every response shows its public URL.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Role;
use crate::error::{ApiError, ApiResult};

/// The largest side of a stored image, in pixels.
pub const MAX_SIDE: u32 = 512;

/// An account's image: a photo (candidats, prestataires) or a logo
/// (recruteurs). Its profile field has the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Photo,
    Logo,
}

impl Slot {
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Photo => "photo",
            Slot::Logo => "logo",
        }
    }

    /// 403 unless accounts of `role` have this image.
    pub fn check(self, role: Role) -> ApiResult<()> {
        match (self, role) {
            (Slot::Photo, Role::Candidat | Role::Prestataire) | (Slot::Logo, Role::Recruteur) => {
                Ok(())
            }
            (Slot::Photo, _) => Err(ApiError::Forbidden(
                "La photo de profil est réservée aux candidats et aux prestataires.".into(),
            )),
            (Slot::Logo, _) => Err(ApiError::Forbidden(
                "Le logo est réservé aux recruteurs (celui de l'entreprise).".into(),
            )),
        }
    }

    /// The key of a new image of `owner`: by slot, then owner, then a
    /// ULID, so replacing an image is a new key (and a new URL).
    pub fn key(self, owner: &str, extension: &str) -> String {
        format!(
            "{}/{owner}/{}.{extension}",
            self.as_str(),
            ulid::Ulid::new()
        )
    }
}

/// A stored image as profiles and publications carry it; `url` is where
/// anyone reads it (docs/uploads.md: through the CDN, cached a day).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(from = "Stored")]
pub struct Image {
    /// Its key in the images bucket.
    pub cle: String,
    /// Public URL, computed from the key.
    pub url: String,
    /// image/jpeg, or image/png for an image with transparency.
    pub content_type: String,
    pub largeur: u32,
    pub hauteur: u32,
    /// Size in bytes.
    pub taille: u64,
}

/// What the table holds of an image (the URL is recomputed on read, so
/// a new CDN domain applies to every image at once).
#[derive(Deserialize)]
struct Stored {
    cle: String,
    content_type: String,
    largeur: u32,
    hauteur: u32,
    taille: u64,
}

impl From<Stored> for Image {
    fn from(s: Stored) -> Image {
        Image {
            url: platform::config::image_url(&s.cle),
            cle: s.cle,
            content_type: s.content_type,
            largeur: s.largeur,
            hauteur: s.hauteur,
            taille: s.taille,
        }
    }
}

impl Image {
    pub fn new(
        cle: String,
        content_type: &str,
        (largeur, hauteur): (u32, u32),
        taille: u64,
    ) -> Image {
        Image {
            url: platform::config::image_url(&cle),
            cle,
            content_type: content_type.into(),
            largeur,
            hauteur,
            taille,
        }
    }
}

/// Sets (`Some`) or removes (`None`) the account's image, if its current
/// one is still `was` (409 otherwise: another change crossed this one),
/// and returns the profile as it now is.
pub async fn set(
    store: &crate::store::Store,
    sub: &str,
    slot: Slot,
    image: Option<&Image>,
    was: Option<&Image>,
) -> ApiResult<crate::accounts::Profile> {
    use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
    let now = crate::accounts::rfc3339(time::OffsetDateTime::now_utc());
    let mut update = store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(crate::store::key(&crate::store::keys::user(sub))))
        .expression_attribute_names("#f", slot.as_str())
        .expression_attribute_values(":now", AttributeValue::S(now));
    update = match image {
        Some(image) => update
            .update_expression("SET #f = :image, date_modification = :now")
            .expression_attribute_values(":image", serde_dynamo::to_attribute_value(image)?),
        None => update.update_expression("REMOVE #f SET date_modification = :now"),
    };
    update = match was {
        Some(was) => update
            .condition_expression("attribute_exists(PK) AND #f.cle = :was")
            .expression_attribute_values(":was", AttributeValue::S(was.cle.clone())),
        None => update
            .condition_expression(
                "attribute_exists(PK) AND (attribute_not_exists(#f) OR attribute_type(#f, :null))",
            )
            .expression_attribute_values(":null", AttributeValue::S("NULL".into())),
    };
    match update.return_values(ReturnValue::AllNew).send().await {
        Ok(out) => crate::store::from_item(out.attributes.unwrap_or_default()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
        {
            Err(ApiError::Conflict(
                match slot {
                    Slot::Photo => {
                        "La photo vient d'être changée par ailleurs ; rechargez le profil."
                    }
                    Slot::Logo => "Le logo vient d'être changé par ailleurs ; rechargez le profil.",
                }
                .into(),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_has_which_image() {
        assert!(Slot::Photo.check(Role::Candidat).is_ok());
        assert!(Slot::Photo.check(Role::Prestataire).is_ok());
        assert!(Slot::Photo.check(Role::Recruteur).is_err());
        assert!(Slot::Logo.check(Role::Recruteur).is_ok());
        for role in [Role::Candidat, Role::Prestataire, Role::Admin] {
            assert!(Slot::Logo.check(role).is_err());
        }
        assert!(Slot::Photo.check(Role::Admin).is_err());
    }

    #[test]
    fn each_image_has_its_own_key_and_the_url_follows_it() {
        let a = Slot::Logo.key("r1", "png");
        assert!(a.starts_with("logo/r1/") && a.ends_with(".png"));
        assert_ne!(a, Slot::Logo.key("r1", "png"));
        let image = Image::new(a.clone(), "image/png", (512, 200), 10);
        let stored = serde_json::to_value(&image).unwrap();
        let back: Image = serde_json::from_value(stored).unwrap();
        assert_eq!(back, image);
        assert!(back.url.ends_with(&format!("/{a}")));
    }
}
