//! Accounts: the profile item (the spec's user fields plus those of its
//! type, flat), what each type may edit, and the rules around them.

#[cfg(feature = "auth")]
pub mod api;
#[cfg(feature = "cognito")]
pub mod cognito;
pub mod privacy;
pub mod public;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Role;
use crate::error::{ApiError, ApiResult};
use crate::reference::{self, Ref};
use crate::store::{self, Store, attr, keys};
use crate::validation;

/// Default monthly publication quota of a new recruiter.
pub const DEFAULT_QUOTA: u32 = 10;

/// Verification state (email, or admin validation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    EnAttente,
    Verifie,
    Refuse,
}

impl Verification {
    pub fn as_str(self) -> &'static str {
        match self {
            Verification::EnAttente => "en_attente",
            Verification::Verifie => "verifie",
            Verification::Refuse => "refuse",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Disponibilite {
    Immediate,
    #[serde(rename = "sous_1_mois")]
    Sous1Mois,
    #[serde(rename = "sous_3_mois")]
    Sous3Mois,
    Indisponible,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum TailleEntreprise {
    #[serde(rename = "1-10")]
    T1_10,
    #[serde(rename = "11-50")]
    T11_50,
    #[serde(rename = "51-200")]
    T51_200,
    #[serde(rename = "201-500")]
    T201_500,
    #[serde(rename = "500+")]
    T500Plus,
}

/// A user's profile as the API shows it and the table stores it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Profile {
    /// The Cognito `sub`.
    pub id: String,
    pub email: String,
    pub nom: String,
    pub prenom: String,
    pub telephone: Option<String>,
    /// Country (ISO 3166-1 alpha-2, GET /api/reference/pays/).
    #[serde(default)]
    #[schema(value_type = Option<crate::reference::RefValue>)]
    pub pays: Option<Ref<reference::Pays>>,
    /// One of the country's regions (ISO 3166-2).
    #[serde(default)]
    #[schema(value_type = Option<crate::reference::RefValue>)]
    pub region: Option<Ref<reference::Regions>>,
    /// « À propos » : plain text.
    #[serde(default)]
    pub a_propos: Option<String>,
    #[serde(default)]
    pub reseaux_sociaux: Option<ReseauxSociaux>,
    /// Email verification.
    pub statut_verification: Verification,
    pub is_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub date_creation: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub date_modification: OffsetDateTime,
    #[serde(flatten)]
    pub details: Details,
}

/// The fields of each account type, tagged by `type_compte`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type_compte", rename_all = "snake_case")]
pub enum Details {
    Candidat(Candidat),
    Recruteur(Recruteur),
    Prestataire(Prestataire),
    Admin(Admin),
}

impl Details {
    pub fn role(&self) -> Role {
        match self {
            Details::Candidat(_) => Role::Candidat,
            Details::Recruteur(_) => Role::Recruteur,
            Details::Prestataire(_) => Role::Prestataire,
            Details::Admin(_) => Role::Admin,
        }
    }

    /// Sets the admin validation state (for the types that have one).
    pub fn set_admin_validation(&mut self, state: Verification) {
        match self {
            Details::Recruteur(r) => r.statut_verification_admin = state,
            Details::Prestataire(p) => p.statut_verification_admin = state,
            _ => {}
        }
    }

    /// The verification documents (upload ids), for the types that have
    /// them.
    pub fn documents(&self) -> &[String] {
        match self {
            Details::Recruteur(r) => &r.documents_verification,
            Details::Prestataire(p) => &p.documents_verification,
            _ => &[],
        }
    }

    /// The account's photo or logo, if it has one.
    pub fn image(&self) -> Option<&crate::uploads::Image> {
        match self {
            Details::Candidat(c) => c.photo.as_ref(),
            Details::Recruteur(r) => r.logo.as_ref(),
            Details::Prestataire(p) => p.photo.as_ref(),
            Details::Admin(_) => None,
        }
    }

    /// Admin validation state, for the types that have one.
    pub fn admin_validation(&self) -> Option<Verification> {
        match self {
            Details::Recruteur(r) => Some(r.statut_verification_admin),
            Details::Prestataire(p) => Some(p.statut_verification_admin),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct Candidat {
    /// Id of the CV upload (set through the uploads API).
    pub cv: Option<String>,
    /// Id of the cover-letter upload (set through the uploads API).
    pub lettre_motivation: Option<String>,
    pub competences: Vec<String>,
    /// Years of experience.
    pub experience: Option<u32>,
    pub formation: Option<String>,
    pub localisation: Option<String>,
    pub disponibilite: Option<Disponibilite>,
    /// Expected yearly gross salary.
    pub salaire_souhaite: Option<u64>,
    /// Computed against publications; read-only.
    pub score_compatibilite: Option<u8>,
    /// Profile photo (PUT /api/upload/photo/).
    #[serde(default)]
    pub photo: Option<crate::uploads::Image>,
    /// Whether the public page `/api/profils/candidats/{id}/` exists
    /// (off by default).
    #[serde(default)]
    pub profil_public: bool,
    /// Which fields that page shows; email and phone never are.
    #[serde(default)]
    pub champs_publics: Vec<ChampPublic>,
}

/// The fields a candidat may make public.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChampPublic {
    Prenom,
    Nom,
    Competences,
    Experience,
    Formation,
    Localisation,
    Disponibilite,
    Photo,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Recruteur {
    pub entreprise: String,
    /// Activity sector (GET /api/reference/secteurs_activite/).
    #[schema(value_type = Option<crate::reference::RefValue>)]
    pub secteur_activite: Option<Ref<reference::SecteursActivite>>,
    pub taille_entreprise: Option<TailleEntreprise>,
    pub site_web: Option<String>,
    /// The company's presentation, on its public page.
    #[serde(default)]
    pub description: Option<String>,
    /// The company's logo (PUT /api/upload/logo/), also on its
    /// publications.
    #[serde(default)]
    pub logo: Option<crate::uploads::Image>,
    pub statut_verification_admin: Verification,
    /// Ids of uploaded verification documents (Kbis...).
    pub documents_verification: Vec<String>,
    pub quota_publications_mensuel: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Prestataire {
    pub specialite: String,
    pub services_offerts: Vec<String>,
    pub tarifs: Option<String>,
    pub disponibilite: Option<Disponibilite>,
    pub portfolio: Option<String>,
    pub references: Option<String>,
    /// Profile photo (PUT /api/upload/photo/).
    #[serde(default)]
    pub photo: Option<crate::uploads::Image>,
    pub statut_verification_admin: Verification,
    pub documents_verification: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct Admin {
    pub permissions_speciales: Vec<String>,
    pub acces_panel_admin: bool,
}

/// `Some(None)` for an explicit null (clear the field), `None` when absent.
fn nullable<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Links to an account's pages elsewhere, each an http(s) URL.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
pub struct ReseauxSociaux {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    pub linkedin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    pub facebook: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    pub instagram: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    pub youtube: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    pub github: Option<String>,
}

/// Fields every account may edit.
#[derive(Debug, Default, Serialize, Deserialize, Validate, ToSchema)]
pub struct BaseEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::plain_text")
    )]
    pub nom: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::plain_text")
    )]
    pub prenom: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "validation::phone"))]
    #[schema(value_type = Option<String>)]
    pub telephone: Option<Option<String>>,
    /// A country id; `null` clears it (and the region).
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub pays: Option<Option<Ref<reference::Pays>>>,
    /// A region of `pays`, sent with it.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<Ref<reference::Regions>>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000), custom(function = "validation::plain_text"))]
    #[schema(value_type = Option<String>)]
    pub a_propos: Option<Option<String>>,
    /// Replaces every link at once; `null` clears them.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(nested)]
    #[schema(value_type = Option<ReseauxSociaux>)]
    pub reseaux_sociaux: Option<Option<ReseauxSociaux>>,
}

impl BaseEdit {
    /// What is wrong with the location sent, if anything: a region comes
    /// with its country (so it is checked against it).
    pub fn location_error(&self) -> Option<&'static str> {
        match (&self.pays, &self.region) {
            (None, Some(Some(_))) => Some("Envoyez la région avec son pays (champ pays)."),
            (Some(pays), Some(Some(region)))
                if !pays
                    .as_ref()
                    .is_some_and(|p| reference::get().region_in(region.id(), p.id())) =>
            {
                Some("Cette région n'est pas une région du pays choisi.")
            }
            _ => None,
        }
    }

    /// A country sent without its region clears the region (it was
    /// another country's).
    pub fn normalized(mut self) -> BaseEdit {
        if self.pays.is_some() && self.region.is_none() {
            self.region = Some(None);
        }
        self
    }
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, ToSchema)]
pub struct CandidatEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "validation::labels"))]
    pub competences: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(max = 60))]
    #[schema(value_type = Option<u32>)]
    pub experience: Option<Option<u32>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 2000), custom(function = "validation::plain_text"))]
    #[schema(value_type = Option<String>)]
    pub formation: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 200), custom(function = "validation::plain_text"))]
    #[schema(value_type = Option<String>)]
    pub localisation: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Disponibilite>)]
    pub disponibilite: Option<Option<Disponibilite>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(max = 1_000_000_000))]
    #[schema(value_type = Option<u64>)]
    pub salaire_souhaite: Option<Option<u64>>,
    /// Id of one of your CV uploads (each `POST /api/upload/cv/` sets it
    /// to the new file), or null.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>)]
    pub cv: Option<Option<String>>,
    /// Id of one of your cover-letter uploads (`POST /api/upload/lettre/`
    /// sets it), or null.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>)]
    pub lettre_motivation: Option<Option<String>>,
    /// Publish a public page of this profile (`/api/profils/candidats/{id}/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profil_public: Option<bool>,
    /// The fields that page shows (none by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 7))]
    pub champs_publics: Option<Vec<ChampPublic>>,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, ToSchema)]
pub struct RecruteurEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::plain_text")
    )]
    pub entreprise: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    /// An id of GET /api/reference/secteurs_activite/.
    #[schema(value_type = Option<String>)]
    pub secteur_activite: Option<Option<Ref<reference::SecteursActivite>>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<TailleEntreprise>)]
    pub taille_entreprise: Option<Option<TailleEntreprise>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    #[schema(value_type = Option<String>)]
    pub site_web: Option<Option<String>>,
    /// The company's presentation (plain text), on its public page.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000), custom(function = "validation::plain_text"))]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, ToSchema)]
pub struct PrestataireEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::plain_text")
    )]
    pub specialite: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "validation::labels"))]
    pub services_offerts: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 1000), custom(function = "validation::plain_text"))]
    #[schema(value_type = Option<String>)]
    pub tarifs: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Disponibilite>)]
    pub disponibilite: Option<Option<Disponibilite>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(url, length(max = 500), custom(function = "validation::web_url"))]
    #[schema(value_type = Option<String>)]
    pub portfolio: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000), custom(function = "validation::plain_text"))]
    #[schema(value_type = Option<String>)]
    pub references: Option<Option<String>>,
}

/// The fields of a profile that only the platform writes: a body may
/// carry them back as read (they are ignored, as DRF does with read-only
/// fields); any other key no part reads is a 400 naming it.
pub const READ_ONLY: &[&str] = &[
    "id",
    "email",
    "type_compte",
    "statut_verification",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_creation",
    "date_modification",
    "score_compatibilite",
    "statut_verification_admin",
    "documents_verification",
    "photo",
    "logo",
    "quota_publications_mensuel",
    "permissions_speciales",
    "acces_panel_admin",
];

/// The editable fields of one account type, parsed from a request body.
pub enum TypeEdit {
    Candidat(CandidatEdit),
    Recruteur(RecruteurEdit),
    Prestataire(PrestataireEdit),
    Admin,
}

impl TypeEdit {
    /// The fields of `role`'s type, one part of `body`.
    pub fn parse(role: Role, body: &mut crate::json::Parts) -> Option<Self> {
        Some(match role {
            Role::Candidat => TypeEdit::Candidat(body.part()?),
            Role::Recruteur => TypeEdit::Recruteur(body.part()?),
            Role::Prestataire => TypeEdit::Prestataire(body.part()?),
            Role::Admin => TypeEdit::Admin,
        })
    }

    fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let value = match self {
            TypeEdit::Candidat(e) => serde_json::to_value(e),
            TypeEdit::Recruteur(e) => serde_json::to_value(e),
            TypeEdit::Prestataire(e) => serde_json::to_value(e),
            TypeEdit::Admin => Ok(serde_json::Value::Object(Default::default())),
        };
        match value {
            Ok(serde_json::Value::Object(map)) => map,
            _ => Default::default(),
        }
    }
}

/// A new account's details, from the registration body: the type's
/// editable fields plus its required ones, with the admin-controlled
/// fields at their starting values.
pub fn new_details(role: Role, edit: TypeEdit) -> ApiResult<Details> {
    let required = |name: &str| ApiError::field(name, validation::REQUIRED);
    Ok(match (role, edit) {
        (Role::Candidat, TypeEdit::Candidat(e)) => Details::Candidat(Candidat {
            competences: e.competences.unwrap_or_default(),
            experience: e.experience.flatten(),
            formation: e.formation.flatten(),
            localisation: e.localisation.flatten(),
            disponibilite: e.disponibilite.flatten(),
            salaire_souhaite: e.salaire_souhaite.flatten(),
            profil_public: e.profil_public.unwrap_or(false),
            champs_publics: e.champs_publics.unwrap_or_default(),
            ..Candidat::default()
        }),
        (Role::Recruteur, TypeEdit::Recruteur(e)) => Details::Recruteur(Recruteur {
            entreprise: e.entreprise.ok_or_else(|| required("entreprise"))?,
            secteur_activite: e.secteur_activite.flatten(),
            taille_entreprise: e.taille_entreprise.flatten(),
            site_web: e.site_web.flatten(),
            description: e.description.flatten(),
            logo: None,
            statut_verification_admin: Verification::EnAttente,
            documents_verification: Vec::new(),
            quota_publications_mensuel: DEFAULT_QUOTA,
        }),
        (Role::Prestataire, TypeEdit::Prestataire(e)) => Details::Prestataire(Prestataire {
            specialite: e.specialite.ok_or_else(|| required("specialite"))?,
            services_offerts: e.services_offerts.unwrap_or_default(),
            tarifs: e.tarifs.flatten(),
            disponibilite: e.disponibilite.flatten(),
            portfolio: e.portfolio.flatten(),
            references: e.references.flatten(),
            photo: None,
            statut_verification_admin: Verification::EnAttente,
            documents_verification: Vec::new(),
        }),
        (Role::Admin, _) => Details::Admin(Admin {
            permissions_speciales: Vec::new(),
            acces_panel_admin: true,
        }),
        _ => return Err(ApiError::internal("account type and edit disagree")),
    })
}

/// A new profile, with its email unverified unless `email_verified`.
pub fn new_profile(
    id: String,
    email: String,
    base: BaseEdit,
    details: Details,
    email_verified: bool,
) -> ApiResult<Profile> {
    let required = |name: &str| ApiError::field(name, validation::REQUIRED);
    let now = OffsetDateTime::now_utc();
    let admin = details.role() == Role::Admin;
    Ok(Profile {
        id,
        email,
        nom: base.nom.ok_or_else(|| required("nom"))?,
        prenom: base.prenom.ok_or_else(|| required("prenom"))?,
        telephone: base.telephone.flatten(),
        pays: base.pays.flatten(),
        region: base.region.flatten(),
        a_propos: base.a_propos.flatten(),
        reseaux_sociaux: base.reseaux_sociaux.flatten(),
        statut_verification: if email_verified {
            Verification::Verifie
        } else {
            Verification::EnAttente
        },
        is_active: true,
        is_staff: admin,
        is_superuser: admin,
        date_creation: now,
        date_modification: now,
        details,
    })
}

/// The table keys of a profile item, with its list indexes: by account
/// type (GSI1) and, for the types an admin validates, by validation state
/// (GSI2).
pub fn profile_keys(p: &Profile) -> Vec<(&'static str, String)> {
    let (pk, sk) = keys::user(&p.id);
    let role = p.details.role().as_str();
    let order = format!("{}#{}", rfc3339(p.date_creation), p.id);
    let mut k = vec![
        (attr::PK, pk),
        (attr::SK, sk),
        (attr::GSI1PK, keys::users_by_role(role)),
        (attr::GSI1SK, order.clone()),
        (attr::GSI3PK, keys::all_users()),
        (attr::GSI3SK, order.clone()),
    ];
    if let Some(state) = p.details.admin_validation() {
        k.push((
            attr::GSI2PK,
            keys::users_by_validation(role, state.as_str()),
        ));
        k.push((attr::GSI2SK, order));
    }
    k
}

pub use crate::text::rfc3339;

/// Writes a new profile; fails with `Ok(false)` if one already exists.
/// It is counted in the same transaction (accounts by type, registrations
/// by day and, for the types an admin validates, the validation
/// statistics), so no figure ever drifts.
pub async fn create(store: &Store, profile: &Profile) -> ApiResult<bool> {
    let item = store::to_item(&profile_keys(profile), profile)?;
    let put = aws_sdk_dynamodb::types::Put::builder()
        .table_name(&store.table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(PK)")
        .build()
        .map_err(ApiError::internal)?;
    let role = profile.details.role();
    let mut items = vec![
        aws_sdk_dynamodb::types::TransactWriteItem::builder()
            .put(put)
            .build(),
    ];
    items.extend(crate::stats::writes(
        store,
        &[crate::stats::USERS],
        &[crate::stats::USERS],
        &crate::stats::day(profile.date_creation),
        &[(role.as_str().to_string(), 1)],
    )?);
    if let Some(state) = profile.details.admin_validation() {
        items.push(crate::admin::count(store, role, None, state)?);
    }
    Ok(store.write(items).await?.is_ok())
}

/// The counter of an account type's deactivated accounts.
pub fn inactive_counter(role: Role) -> String {
    format!("{}_inactifs", role.as_str())
}

pub async fn get(store: &Store, sub: &str) -> ApiResult<Option<Profile>> {
    store.get(&keys::user(sub), false).await
}

/// Whether an admin validates the account `sub` now (its profile, one
/// consistent GetItem: a withdrawal applies at once). What a recruiter may
/// see of its applicants, and whether it may decide, depend on it.
pub async fn admin_verified(store: &Store, sub: &str) -> ApiResult<bool> {
    let profile: Option<Profile> = store.get(&keys::user(sub), true).await?;
    Ok(profile.and_then(|p| p.details.admin_validation()) == Some(Verification::Verifie))
}

/// Applies an edit (base fields plus the type's fields) and returns the
/// updated profile. Only the fields present in the body change. A field
/// that points to a file (a candidat's `cv`, `lettre_motivation`) must
/// name one of the caller's uploads of that kind: the edit is then one
/// transaction with that condition (404 otherwise, `uploads::not_yours`).
pub async fn update(
    store: &Store,
    sub: &str,
    base: &BaseEdit,
    edit: &TypeEdit,
) -> ApiResult<Profile> {
    use crate::uploads::{self, FileKind};
    let mut fields = match serde_json::to_value(base) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => Default::default(),
    };
    fields.extend(edit.to_json());
    fields.insert(
        "date_modification".into(),
        serde_json::Value::String(rfc3339(OffsetDateTime::now_utc())),
    );
    let mut update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(sub))))
        .condition_expression("attribute_exists(PK)");
    let mut sets = Vec::new();
    for (i, (name, value)) in fields.into_iter().enumerate() {
        let value: AttributeValue = serde_dynamo::to_attribute_value(value)?;
        sets.push(format!("#f{i} = :v{i}"));
        update = update
            .expression_attribute_names(format!("#f{i}"), name)
            .expression_attribute_values(format!(":v{i}"), value);
    }
    let update = update
        .update_expression(format!("SET {}", sets.join(", ")))
        .build()
        .map_err(ApiError::internal)?;
    let links: Vec<(&str, FileKind, &str)> = match edit {
        TypeEdit::Candidat(e) => [
            ("cv", FileKind::Cv, &e.cv),
            ("lettre_motivation", FileKind::Lettre, &e.lettre_motivation),
        ]
        .into_iter()
        .filter_map(|(field, kind, id)| Some((field, kind, id.as_ref()?.as_deref()?)))
        .collect(),
        _ => Vec::new(),
    };
    if links.is_empty() {
        let out = store
            .client
            .update_item()
            .table_name(update.table_name)
            .set_key(Some(update.key))
            .update_expression(update.update_expression)
            .set_condition_expression(update.condition_expression)
            .set_expression_attribute_names(update.expression_attribute_names)
            .set_expression_attribute_values(update.expression_attribute_values)
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        return match out {
            Ok(out) => store::from_item(out.attributes.unwrap_or_default()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(ApiError::NotFound)
            }
            Err(e) => Err(e.into()),
        };
    }
    if let [(_, _, cv), (field, kind, letter)] = links[..]
        && cv == letter
    {
        // A file has one kind: it cannot be both.
        return Err(uploads::not_yours(field, kind));
    }
    let mut writes = vec![
        aws_sdk_dynamodb::types::TransactWriteItem::builder()
            .update(update)
            .build(),
    ];
    for (_, kind, id) in &links {
        writes.push(uploads::store::owned(store, id, sub, *kind)?);
    }
    if let Err(failed) = store.write(writes).await? {
        if let Some(((field, kind, _), _)) =
            links.iter().zip(&failed[1..]).find(|(_, failed)| **failed)
        {
            return Err(uploads::not_yours(field, *kind));
        }
        return Err(ApiError::NotFound);
    }
    store
        .get(&keys::user(sub), true)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Marks the email as verified.
pub async fn mark_email_verified(store: &Store, sub: &str) -> ApiResult<()> {
    store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(sub))))
        .condition_expression("attribute_exists(PK)")
        .update_expression("SET statut_verification = :v, date_modification = :now")
        .expression_attribute_values(
            ":v",
            AttributeValue::S(Verification::Verifie.as_str().into()),
        )
        .expression_attribute_values(
            ":now",
            AttributeValue::S(rfc3339(OffsetDateTime::now_utc())),
        )
        .send()
        .await?;
    Ok(())
}

/// Activates or deactivates an account in the table, counted, with the
/// admin's audit entry, in one transaction; `Ok(false)` when the account
/// was not in the other state (or is gone), or, to activate it, when its
/// deletion marked it (`privacy::DELETING`). Callers also close the user's
/// sessions and disable the identity (see `accounts`).
pub async fn set_active(
    store: &Store,
    profile: &Profile,
    active: bool,
    audit: Option<&crate::logs::audit::Entry>,
) -> ApiResult<bool> {
    let mut update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(&profile.id))));
    update = if active {
        update
            .condition_expression("is_active = :was AND attribute_not_exists(#deleting)")
            .expression_attribute_names("#deleting", privacy::DELETING)
    } else {
        update.condition_expression("is_active = :was")
    };
    let update = update
        .update_expression("SET is_active = :a, date_modification = :now")
        .expression_attribute_values(":a", AttributeValue::Bool(active))
        .expression_attribute_values(":was", AttributeValue::Bool(!active))
        .expression_attribute_values(
            ":now",
            AttributeValue::S(rfc3339(OffsetDateTime::now_utc())),
        )
        .build()
        .map_err(ApiError::internal)?;
    let mut items = vec![
        aws_sdk_dynamodb::types::TransactWriteItem::builder()
            .update(update)
            .build(),
        store.add_counters(
            crate::stats::USERS,
            &[(
                inactive_counter(profile.details.role()),
                if active { -1 } else { 1 },
            )],
        )?,
    ];
    if let Some(entry) = audit {
        items.push(entry.put(store)?);
    }
    Ok(store.write(items).await?.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A body's type part, as the profile routes read it.
    fn edit(role: Role, value: serde_json::Value) -> ApiResult<TypeEdit> {
        let mut body = crate::json::Parts::new(value)?;
        body.part::<BaseEdit>();
        body.read(READ_ONLY);
        let edit = TypeEdit::parse(role, &mut body);
        body.finish()?;
        Ok(edit.expect("no error"))
    }

    fn candidat() -> Profile {
        new_profile(
            "sub-1".into(),
            "a@b.ci".into(),
            BaseEdit {
                nom: Some("Kouassi".into()),
                prenom: Some("Awa".into()),
                ..BaseEdit::default()
            },
            new_details(
                Role::Candidat,
                edit(Role::Candidat, json!({"competences": ["Rust"]})).unwrap(),
            )
            .unwrap(),
            false,
        )
        .unwrap()
    }

    #[test]
    fn profile_is_flat_with_its_type() {
        let v = serde_json::to_value(candidat()).unwrap();
        assert_eq!(v["type_compte"], "candidat");
        assert_eq!(v["competences"], json!(["Rust"]));
        assert_eq!(v["statut_verification"], "en_attente");
        assert!(v.get("details").is_none());
        assert!(v["date_creation"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn profile_round_trips_through_an_item() {
        let p = candidat();
        let item = store::to_item(&profile_keys(&p), &p).unwrap();
        assert_eq!(item["GSI1PK"].as_s().unwrap(), "ROLE#candidat");
        assert!(
            !item.contains_key("GSI2PK"),
            "only validated types are in the validation index"
        );
        let back: Profile = store::from_item(item).unwrap();
        assert_eq!(
            serde_json::to_value(back).unwrap(),
            serde_json::to_value(p).unwrap()
        );
    }

    #[test]
    fn recruteur_starts_pending_with_default_quota() {
        let edit = edit(Role::Recruteur, json!({"entreprise": "Acme", "quota_publications_mensuel": 999, "statut_verification_admin": "verifie"})).unwrap();
        match new_details(Role::Recruteur, edit).unwrap() {
            Details::Recruteur(r) => {
                assert_eq!(r.statut_verification_admin, Verification::EnAttente);
                assert_eq!(r.quota_publications_mensuel, DEFAULT_QUOTA);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn required_type_fields_are_reported() {
        let edit = edit(Role::Prestataire, json!({})).unwrap();
        match new_details(Role::Prestataire, edit) {
            Err(ApiError::Fields(f)) => assert!(f.contains_key("specialite")),
            _ => panic!("specialite is required"),
        }
    }

    #[test]
    fn edits_validate_and_distinguish_null_from_absent() {
        let e: CandidatEdit = crate::json::from_value(json!({"experience": null})).unwrap();
        assert_eq!(e.experience, Some(None));
        assert_eq!(e.formation, None);
        assert!(edit(Role::Recruteur, json!({"site_web": "javascript:alert(1)"})).is_err());
        assert!(edit(Role::Candidat, json!({"experience": 200})).is_err());
        assert!(edit(Role::Candidat, json!({"disponibilite": "demain"})).is_err());
    }

    #[test]
    fn a_profile_sent_back_as_read_is_accepted_and_an_unknown_field_named() {
        let sent = serde_json::to_value(candidat()).unwrap();
        assert!(edit(Role::Candidat, sent.clone()).is_ok(), "{sent}");
        let mut misspelt = sent;
        misspelt["first_name"] = json!("Awa");
        misspelt["entreprise"] = json!("Acme");
        match edit(Role::Candidat, misspelt) {
            Err(ApiError::Fields(f)) => {
                assert_eq!(f.len(), 2, "{f:?}");
                assert_eq!(f["first_name"], vec![crate::json::UNKNOWN_FIELD]);
                assert!(f.contains_key("entreprise"), "not a candidat's field");
            }
            _ => panic!("unknown fields are named"),
        }
    }
}
