//! What the public sees of an account (spec 1.2, #17): a verified
//! recruiter's company page, a verified prestataire's profile, and a
//! candidat's page only if the candidat opted in, with only the fields
//! made public. Email and phone are never public; a deactivated, pending
//! or refused account has no page (`None`: 404), nor a candidat whose
//! email is not verified.

use serde::Serialize;
use utoipa::ToSchema;

use super::{ChampPublic, Details, Disponibilite, Profile, TailleEntreprise, Verification};

/// A recruiter's public company page.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyPage {
    pub id: String,
    pub entreprise: String,
    #[schema(value_type = Option<crate::reference::RefValue>)]
    pub secteur_activite: Option<crate::reference::Ref<crate::reference::SecteursActivite>>,
    pub taille_entreprise: Option<TailleEntreprise>,
    pub site_web: Option<String>,
    pub description: Option<String>,
    pub logo: Option<crate::uploads::Image>,
    #[serde(flatten)]
    pub presentation: Presentation,
}

/// What every public page shows of where and who an account is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Presentation {
    #[schema(value_type = Option<crate::reference::RefValue>)]
    pub pays: Option<crate::reference::Ref<crate::reference::Pays>>,
    #[schema(value_type = Option<crate::reference::RefValue>)]
    pub region: Option<crate::reference::Ref<crate::reference::Regions>>,
    pub a_propos: Option<String>,
    pub reseaux_sociaux: Option<super::ReseauxSociaux>,
}

impl Presentation {
    fn of(p: &Profile) -> Presentation {
        Presentation {
            pays: p.pays.clone(),
            region: p.region.clone(),
            a_propos: p.a_propos.clone(),
            reseaux_sociaux: p.reseaux_sociaux.clone(),
        }
    }
}

/// A prestataire's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderPage {
    pub id: String,
    pub prenom: String,
    pub nom: String,
    pub specialite: String,
    pub services_offerts: Vec<String>,
    pub tarifs: Option<String>,
    pub disponibilite: Option<Disponibilite>,
    pub portfolio: Option<String>,
    pub photo: Option<crate::uploads::Image>,
    #[serde(flatten)]
    pub presentation: Presentation,
}

/// A candidat's public profile: only the fields in `champs_publics`
/// appear (the others are absent, not null).
#[derive(Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct CandidatePage {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prenom: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nom: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub competences: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experience: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub localisation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disponibilite: Option<Disponibilite>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<crate::uploads::Image>,
}

/// Verified by the admins and active: what a recruiter's or a
/// prestataire's page needs.
fn validated(p: &Profile) -> bool {
    p.is_active && p.details.admin_validation() == Some(Verification::Verifie)
}

pub fn company(p: &Profile) -> Option<CompanyPage> {
    match &p.details {
        Details::Recruteur(r) if validated(p) => Some(CompanyPage {
            id: p.id.clone(),
            entreprise: r.entreprise.clone(),
            secteur_activite: r.secteur_activite.clone(),
            taille_entreprise: r.taille_entreprise,
            site_web: r.site_web.clone(),
            description: r.description.clone(),
            logo: r.logo.clone(),
            presentation: Presentation::of(p),
        }),
        _ => None,
    }
}

pub fn provider(p: &Profile) -> Option<ProviderPage> {
    match &p.details {
        Details::Prestataire(s) if validated(p) => Some(ProviderPage {
            id: p.id.clone(),
            prenom: p.prenom.clone(),
            nom: p.nom.clone(),
            specialite: s.specialite.clone(),
            services_offerts: s.services_offerts.clone(),
            tarifs: s.tarifs.clone(),
            disponibilite: s.disponibilite,
            portfolio: s.portfolio.clone(),
            photo: s.photo.clone(),
            presentation: Presentation::of(p),
        }),
        _ => None,
    }
}

pub fn candidate(p: &Profile) -> Option<CandidatePage> {
    let Details::Candidat(c) = &p.details else {
        return None;
    };
    if !p.is_active || !c.profil_public || p.statut_verification != Verification::Verifie {
        return None;
    }
    let shown = |f: ChampPublic| c.champs_publics.contains(&f);
    Some(CandidatePage {
        id: p.id.clone(),
        prenom: shown(ChampPublic::Prenom).then(|| p.prenom.clone()),
        nom: shown(ChampPublic::Nom).then(|| p.nom.clone()),
        competences: shown(ChampPublic::Competences).then(|| c.competences.clone()),
        experience: c.experience.filter(|_| shown(ChampPublic::Experience)),
        formation: c
            .formation
            .clone()
            .filter(|_| shown(ChampPublic::Formation)),
        localisation: c
            .localisation
            .clone()
            .filter(|_| shown(ChampPublic::Localisation)),
        disponibilite: c
            .disponibilite
            .filter(|_| shown(ChampPublic::Disponibilite)),
        photo: c.photo.clone().filter(|_| shown(ChampPublic::Photo)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{Candidat, Recruteur};
    use time::OffsetDateTime;

    fn profile(details: Details) -> Profile {
        let now = OffsetDateTime::now_utc();
        Profile {
            id: "u1".into(),
            email: "awa@example.com".into(),
            nom: "Kouassi".into(),
            prenom: "Awa".into(),
            telephone: Some("+2250700000000".into()),
            pays: None,
            region: None,
            a_propos: None,
            reseaux_sociaux: None,
            statut_verification: Verification::Verifie,
            is_active: true,
            is_staff: false,
            is_superuser: false,
            date_creation: now,
            date_modification: now,
            details,
        }
    }

    #[test]
    fn a_candidat_page_exists_only_if_opted_in_and_shows_only_public_fields() {
        let c = Candidat {
            competences: vec!["Rust".into()],
            localisation: Some("Abidjan".into()),
            salaire_souhaite: Some(1),
            ..Candidat::default()
        };
        let mut p = profile(Details::Candidat(c.clone()));
        assert_eq!(candidate(&p), None, "off by default");
        p.details = Details::Candidat(Candidat {
            profil_public: true,
            champs_publics: vec![ChampPublic::Prenom, ChampPublic::Competences],
            ..c
        });
        let page = candidate(&p).unwrap();
        assert_eq!(page.prenom.as_deref(), Some("Awa"));
        assert_eq!(page.competences, Some(vec!["Rust".to_string()]));
        assert_eq!((page.nom, page.localisation), (None, None));
        let json = serde_json::to_string(&candidate(&p).unwrap()).unwrap();
        for secret in ["awa@example.com", "+2250700000000", "Kouassi", "Abidjan"] {
            assert!(!json.contains(secret), "{json}");
        }
        p.statut_verification = Verification::EnAttente;
        assert_eq!(candidate(&p), None, "email not verified");
        p.statut_verification = Verification::Verifie;
        p.is_active = false;
        assert_eq!(candidate(&p), None, "deactivated");
    }

    #[test]
    fn only_verified_active_recruiters_have_a_company_page() {
        let r = |state| Recruteur {
            entreprise: "Acme".into(),
            secteur_activite: None,
            taille_entreprise: None,
            site_web: None,
            description: Some("Nous recrutons.".into()),
            logo: None,
            statut_verification_admin: state,
            documents_verification: vec!["doc".into()],
            quota_publications_mensuel: 10,
        };
        let mut p = profile(Details::Recruteur(r(Verification::Verifie)));
        assert_eq!(
            company(&p).unwrap().description.as_deref(),
            Some("Nous recrutons.")
        );
        for state in [Verification::EnAttente, Verification::Refuse] {
            p.details = Details::Recruteur(r(state));
            assert!(company(&p).is_none(), "{state:?}");
        }
        p.details = Details::Recruteur(r(Verification::Verifie));
        p.is_active = false;
        assert!(company(&p).is_none());
        assert!(provider(&p).is_none(), "not a prestataire");
    }
}
