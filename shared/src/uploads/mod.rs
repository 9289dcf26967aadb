//! Uploaded files (spec 11, docs/uploads.md): CVs, cover letters and
//! verification documents. The bytes are in the private bucket, the
//! metadata in the table; who may upload, link and read what is decided
//! here, in plain functions.

#[cfg(feature = "uploads")]
pub mod api;

#[cfg(feature = "uploads")]
pub mod content;
pub mod images;
pub mod store;

pub use images::Image;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ApiResult};

/// Files one account may keep at a time (every kind together).
pub const MAX_FILES_PER_ACCOUNT: u32 = 30;
/// Verification documents one account may list.
pub const MAX_DOCUMENTS: usize = 10;

/// What a file is for: `POST /api/upload/<kind>/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// A CV: PDF, DOC, DOCX or ODT.
    Cv,
    /// A cover letter: PDF, DOC, DOCX or ODT.
    Lettre,
    /// A verification document (Kbis...): PDF, PNG or JPEG.
    Document,
    /// A diploma, joined to applications: PDF, PNG or JPEG (a scan).
    Diplome,
    /// A certificate, joined to applications: PDF, PNG or JPEG.
    Certificat,
    /// A portfolio, joined to applications: PDF, PNG or JPEG.
    Portfolio,
    /// A business plan, joined to applications: PDF, DOC, DOCX or ODT.
    BusinessPlan,
}

impl FileKind {
    pub const ALL: [FileKind; 7] = [
        FileKind::Cv,
        FileKind::Lettre,
        FileKind::Document,
        FileKind::Diplome,
        FileKind::Certificat,
        FileKind::Portfolio,
        FileKind::BusinessPlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Cv => "cv",
            FileKind::Lettre => "lettre",
            FileKind::Document => "document",
            FileKind::Diplome => "diplome",
            FileKind::Certificat => "certificat",
            FileKind::Portfolio => "portfolio",
            FileKind::BusinessPlan => "business_plan",
        }
    }

    pub fn parse(text: &str) -> Option<FileKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Who may upload this kind: the files joined to applications are for
    /// applying (candidats, prestataires); documents are for the admin's
    /// verification (recruteurs, prestataires).
    pub fn uploaders(self) -> &'static [Role] {
        match self {
            FileKind::Document => &[Role::Recruteur, Role::Prestataire],
            _ => &[Role::Candidat, Role::Prestataire],
        }
    }

    /// The profile field a new upload of this kind fills, for `role`: a
    /// candidat's `cv` and `lettre_motivation` point to the latest, a
    /// recruteur's or prestataire's `documents_verification` lists them.
    /// The other kinds are only joined to applications.
    pub fn profile_field(self, role: Role) -> Option<&'static str> {
        match (self, role) {
            (FileKind::Cv, Role::Candidat) => Some("cv"),
            (FileKind::Lettre, Role::Candidat) => Some("lettre_motivation"),
            (FileKind::Document, Role::Recruteur | Role::Prestataire) => {
                Some("documents_verification")
            }
            _ => None,
        }
    }
}

/// 403 unless `role` may upload `kind`.
pub fn check_uploader(kind: FileKind, role: Role) -> ApiResult<()> {
    if kind.uploaders().contains(&role) {
        return Ok(());
    }
    Err(ApiError::Forbidden(match kind {
        FileKind::Document => {
            "Les documents de vérification sont réservés aux recruteurs et aux prestataires.".into()
        }
        _ => format!(
            "Les fichiers de type {} accompagnent les candidatures : ils sont réservés aux candidats et aux prestataires.",
            kind.as_str()
        ),
    }))
}

/// An uploaded file: its metadata as stored, and in responses with a
/// short-lived download link.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = Fichier)]
pub struct Upload {
    /// A ULID: ids sort by upload time.
    pub id: String,
    pub type_fichier: FileKind,
    /// The owner's id.
    pub proprietaire: String,
    /// The name it was sent with, cleaned (docs/uploads.md).
    pub nom: String,
    /// The type found in the content (not the one the client sent).
    pub content_type: String,
    /// Size in bytes.
    pub taille: u64,
    /// SHA-256 of the content, in hex.
    pub sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    pub date_creation: OffsetDateTime,
    /// Applications the file is attached to; it cannot be deleted while
    /// there is one.
    #[serde(default)]
    pub candidatures: u32,
    /// A presigned download link (GET, no header needed), in responses only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When `url` stops working.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub url_expiration: Option<OffsetDateTime>,
}

impl Upload {
    /// The object's key in the bucket: by kind (least-privilege policies
    /// grant per kind), then owner.
    pub fn object_key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.type_fichier.as_str(),
            self.proprietaire,
            self.id
        )
    }
}

#[cfg(feature = "s3")]
impl crate::files::Object for Upload {
    fn object_key(&self) -> String {
        Upload::object_key(self)
    }
    fn content_type(&self) -> &str {
        &self.content_type
    }
    fn download_name(&self) -> &str {
        &self.nom
    }
}

/// `u` with a presigned download link (signed here, no AWS call).
#[cfg(feature = "s3")]
pub async fn with_link(files: &crate::files::Files, mut u: Upload) -> ApiResult<Upload> {
    let (url, expires) = files.link(&u).await?;
    u.url = Some(url);
    u.url_expiration = Some(expires);
    Ok(u)
}

/// How a caller may read a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The owner or an admin.
    Granted,
    /// A recruiter, for a CV or letter: only if the file is attached to an
    /// application to one of its publications (a lookup decides).
    IfAttachedToMine,
    /// Nobody else; answered 404, as for a file that does not exist.
    Denied,
}

/// Who may read `u` (docs/uploads.md).
pub fn access(u: &Upload, user: &AuthUser) -> Access {
    if u.proprietaire == user.sub || user.role == Role::Admin {
        Access::Granted
    } else if user.role == Role::Recruteur && u.type_fichier != FileKind::Document {
        Access::IfAttachedToMine
    } else {
        Access::Denied
    }
}

/// The 404 for an upload id a body names that is not one of the caller's
/// files of that kind: the same whether it exists or not, so nobody
/// learns about another account's files.
pub fn not_yours(field: &str, kind: FileKind) -> ApiError {
    ApiError::NotFoundDetail(format!(
        "Fichier introuvable : « {field} » doit être l'id d'un de vos fichiers de type {}.",
        kind.as_str()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(sub: &str, role: Role) -> AuthUser {
        AuthUser {
            sub: sub.into(),
            role,
            session_id: "s".into(),
        }
    }

    fn upload(kind: FileKind) -> Upload {
        Upload {
            id: "01J".into(),
            type_fichier: kind,
            proprietaire: "alice".into(),
            nom: "cv.pdf".into(),
            content_type: "application/pdf".into(),
            taille: 10,
            sha256: "00".into(),
            date_creation: OffsetDateTime::UNIX_EPOCH,
            candidatures: 0,
            url: None,
            url_expiration: None,
        }
    }

    #[test]
    fn uploaders_by_kind() {
        assert!(check_uploader(FileKind::Cv, Role::Candidat).is_ok());
        assert!(check_uploader(FileKind::Lettre, Role::Prestataire).is_ok());
        assert!(check_uploader(FileKind::Cv, Role::Recruteur).is_err());
        assert!(check_uploader(FileKind::Document, Role::Recruteur).is_ok());
        assert!(check_uploader(FileKind::Document, Role::Candidat).is_err());
        for kind in FileKind::ALL {
            assert!(check_uploader(kind, Role::Admin).is_err());
        }
        for kind in [FileKind::Diplome, FileKind::BusinessPlan] {
            assert!(check_uploader(kind, Role::Candidat).is_ok());
            assert!(check_uploader(kind, Role::Recruteur).is_err());
            assert_eq!(kind.profile_field(Role::Candidat), None);
        }
        assert_eq!(
            FileKind::parse("business_plan"),
            Some(FileKind::BusinessPlan)
        );
    }

    #[test]
    fn uploads_fill_the_uploaders_profile_field() {
        assert_eq!(FileKind::Cv.profile_field(Role::Candidat), Some("cv"));
        assert_eq!(FileKind::Cv.profile_field(Role::Prestataire), None);
        assert_eq!(
            FileKind::Document.profile_field(Role::Prestataire),
            Some("documents_verification")
        );
    }

    #[test]
    fn readers() {
        let cv = upload(FileKind::Cv);
        assert_eq!(access(&cv, &user("alice", Role::Candidat)), Access::Granted);
        assert_eq!(access(&cv, &user("root", Role::Admin)), Access::Granted);
        assert_eq!(
            access(&cv, &user("bob", Role::Recruteur)),
            Access::IfAttachedToMine
        );
        assert_eq!(access(&cv, &user("carol", Role::Candidat)), Access::Denied);
        let kbis = upload(FileKind::Document);
        assert_eq!(access(&kbis, &user("bob", Role::Recruteur)), Access::Denied);
        assert_eq!(
            upload(FileKind::Lettre).object_key(),
            "lettre/alice/01J",
            "keys start with the kind"
        );
    }

    #[test]
    fn stored_metadata_has_no_link() {
        let item = serde_json::to_value(upload(FileKind::Cv)).unwrap();
        assert!(item.get("url").is_none());
        assert_eq!(item["type_fichier"], "cv");
    }
}
