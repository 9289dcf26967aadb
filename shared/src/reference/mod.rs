//! Reference data (docs/reference.md): countries, regions, sectors, job
//! departments and their categories, and the labels of the enums. One
//! versioned file, `shared/data/reference.json`, built into the binaries;
//! served by `api`, and the one source of the ids that profiles and
//! publications take (`Ref`): an id that is not in it is a 400.

pub mod api;

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};

/// One entry of a list: its id and its French label.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ReferenceEntry)]
pub struct Entry {
    pub id: String,
    pub nom: String,
}

/// A job department and its categories.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Departement {
    pub id: String,
    pub nom: String,
    pub categories: Vec<Entry>,
}

/// The file, as written.
#[derive(Debug, Deserialize)]
pub struct Data {
    pub version: String,
    pub pays: Vec<Entry>,
    pub regions: std::collections::BTreeMap<String, Vec<Entry>>,
    pub departements: Vec<Departement>,
    /// Every other list, by its name (`secteurs_activite`, `types_contrat`...).
    #[serde(flatten)]
    pub lists: std::collections::BTreeMap<String, Vec<Entry>>,
}

/// The file, with its lookups.
pub struct Reference {
    pub data: Data,
    /// `list name → id → label`, for every list, `regions` (every served
    /// country's) and `categories` (every department's) included.
    labels: HashMap<&'static str, HashMap<String, String>>,
    /// A category's department.
    departement_of: HashMap<String, String>,
}

/// The file's bytes, as committed.
pub const FILE: &str = include_str!("../../data/reference.json");

static REFERENCE: LazyLock<Reference> = LazyLock::new(|| {
    let data: Data = serde_json::from_str(FILE).expect("shared/data/reference.json is valid");
    Reference::new(data)
});

/// The reference data (parsed on first use).
pub fn get() -> &'static Reference {
    &REFERENCE
}

impl Reference {
    fn new(data: Data) -> Reference {
        let mut labels: HashMap<&'static str, HashMap<String, String>> = HashMap::new();
        let table = |entries: &[Entry]| {
            entries
                .iter()
                .map(|e| (e.id.clone(), e.nom.clone()))
                .collect::<HashMap<_, _>>()
        };
        labels.insert("pays", table(&data.pays));
        labels.insert(
            "regions",
            data.regions.values().flat_map(|r| table(r)).collect(),
        );
        labels.insert(
            "departements",
            data.departements
                .iter()
                .map(|d| (d.id.clone(), d.nom.clone()))
                .collect(),
        );
        labels.insert(
            "categories",
            data.departements
                .iter()
                .flat_map(|d| table(&d.categories))
                .collect(),
        );
        for (name, entries) in &data.lists {
            let name: &'static str = Box::leak(name.clone().into_boxed_str());
            labels.insert(name, table(entries));
        }
        let departement_of = data
            .departements
            .iter()
            .flat_map(|d| d.categories.iter().map(|c| (c.id.clone(), d.id.clone())))
            .collect();
        Reference {
            data,
            labels,
            departement_of,
        }
    }

    /// The label of `id` in `list`, if it is there.
    pub fn label(&self, list: &str, id: &str) -> Option<&str> {
        self.labels.get(list)?.get(id).map(String::as_str)
    }

    /// The department a category belongs to.
    pub fn departement_of(&self, categorie: &str) -> Option<&str> {
        self.departement_of.get(categorie).map(String::as_str)
    }

    /// Whether `region` is one of `pays`'s (region ids are ISO 3166-2
    /// codes: `CI-AB` is in `CI`).
    pub fn region_in(&self, region: &str, pays: &str) -> bool {
        self.data
            .regions
            .get(pays)
            .is_some_and(|r| r.iter().any(|e| e.id == region))
    }

    /// A list by its name: `None` if there is no such list.
    pub fn list(&self, name: &str) -> Option<&[Entry]> {
        match name {
            "pays" => Some(&self.data.pays),
            _ => self.data.lists.get(name).map(Vec::as_slice),
        }
    }
}

/// A list of the file: what a `Ref` field takes its ids from.
pub trait List {
    /// Its name in the file (and in the lookups).
    const NAME: &'static str;
}

macro_rules! lists {
    ($($ty:ident => $name:literal),+ $(,)?) => {
        $(
            #[doc = concat!("The `", $name, "` list.")]
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct $ty;
            impl List for $ty {
                const NAME: &'static str = $name;
            }
        )+
    };
}

lists! {
    Pays => "pays",
    Regions => "regions",
    Departements => "departements",
    Categories => "categories",
    SecteursActivite => "secteurs_activite",
    Fonctions => "fonctions",
    SecteursFinancement => "secteurs_financement",
    CiblesFinancement => "cibles_financement",
    DomainesEtude => "domaines_etude",
    TypesOrganisation => "types_organisation",
}

/// The id of an entry of list `L`, checked against the file when read.
/// It is shown with its label, `{"id": "CI", "nom": "Côte d'Ivoire"}`, and
/// read from the id alone or from that object (what was shown, sent back).
pub struct Ref<L: List> {
    id: String,
    list: PhantomData<L>,
}

impl<L: List> Ref<L> {
    /// 400-worthy error unless `id` is in `L`.
    pub fn new(id: &str) -> Result<Ref<L>, String> {
        match get().label(L::NAME, id) {
            Some(_) => Ok(Ref {
                id: id.to_string(),
                list: PhantomData,
            }),
            None => Err(format!("« {id} » n'est pas un choix valide.")),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its label in the current file.
    pub fn nom(&self) -> &'static str {
        get().label(L::NAME, &self.id).unwrap_or_default()
    }
}

impl<L: List> Clone for Ref<L> {
    fn clone(&self) -> Self {
        Ref {
            id: self.id.clone(),
            list: PhantomData,
        }
    }
}

impl<L: List> PartialEq for Ref<L> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<L: List> std::fmt::Debug for Ref<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", L::NAME, self.id)
    }
}

impl<L: List> Serialize for Ref<L> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Entry {
            id: self.id.clone(),
            nom: self.nom().to_string(),
        }
        .serialize(serializer)
    }
}

impl<'de, L: List> Deserialize<'de> for Ref<L> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Sent {
            Id(String),
            Shown { id: String },
        }
        let id = match Sent::deserialize(deserializer) {
            Ok(Sent::Id(id) | Sent::Shown { id }) => id,
            Err(_) => {
                return Err(serde::de::Error::custom(
                    "invalid type: expected a string id",
                ));
            }
        };
        Ref::new(&id).map_err(|_| serde::de::Error::unknown_variant(&id, &[]))
    }
}

/// The schema of every `Ref` field (documentation only): an id sent, an
/// `{id, nom}` shown.
pub struct RefValue;

impl utoipa::PartialSchema for RefValue {
    fn schema() -> RefOr<Schema> {
        let shown = ObjectBuilder::new()
            .property("id", ObjectBuilder::new().schema_type(Type::String))
            .property("nom", ObjectBuilder::new().schema_type(Type::String))
            .required("id")
            .required("nom");
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::String).description(Some(
                "Envoyé : l'identifiant d'une entrée de la liste de référence du champ (GET /api/reference/)",
            )))
            .item(shown.description(Some(
                "Affiché : l'identifiant et son libellé ; renvoyé tel quel, il est accepté",
            )))
            .into()
    }
}

impl utoipa::ToSchema for RefValue {
    fn name() -> std::borrow::Cow<'static, str> {
        "ReferenceValue".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_parses_and_its_ids_are_unique() {
        let r = get();
        assert!(!r.data.version.is_empty());
        assert!(r.data.pays.len() > 240, "every ISO 3166-1 country");
        assert_eq!(r.label("pays", "CI"), Some("Côte d'Ivoire"));
        for (name, entries) in r
            .data
            .lists
            .iter()
            .map(|(n, e)| (n.as_str(), e))
            .chain([("pays", &r.data.pays)])
        {
            let mut ids: Vec<_> = entries.iter().map(|e| &e.id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), entries.len(), "{name}: ids are unique");
        }
        let categories: usize = r.data.departements.iter().map(|d| d.categories.len()).sum();
        assert_eq!(
            r.labels["categories"].len(),
            categories,
            "category ids are unique"
        );
        for (pays, regions) in &r.data.regions {
            assert!(r.label("pays", pays).is_some());
            assert!(
                regions
                    .iter()
                    .all(|e| e.id.starts_with(&format!("{pays}-")))
            );
        }
    }

    #[test]
    fn a_ref_takes_a_known_id_or_what_was_shown_and_shows_its_label() {
        let r: Ref<Pays> = serde_json::from_value(serde_json::json!("SN")).unwrap();
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"id": "SN", "nom": "Sénégal"})
        );
        let back: Ref<Pays> = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        let err = serde_json::from_value::<Ref<Pays>>(serde_json::json!("XX")).unwrap_err();
        assert!(err.to_string().starts_with("unknown variant `XX`"), "{err}");
        assert!(serde_json::from_value::<Ref<Pays>>(serde_json::json!(3)).is_err());
        assert!(get().region_in("CI-AB", "CI") && !get().region_in("CI-AB", "SN"));
    }
}
