//! The recruiter's forms of the other three kinds (CreeFinacement.jsx,
//! CreeBourse.jsx, CreeConsultation.jsx) as our create and edit: one
//! table per form, read by one function, as the offer form's
//! (`offer_body`).

use super::*;

/// One form: its kind's segment of ours and how its body becomes ours.
pub(super) struct Form {
    /// The apps' list path segment (`funding-offers`).
    pub apps: &'static str,
    /// Ours (`financements`).
    pub segment: &'static str,
    /// Our `type_publication` (`financement`).
    kind: &'static str,
    fields: Fields,
    /// Fields the form sends that have no home here (docs/apps-api.md).
    without_home: &'static [&'static str],
    /// Our fields whose value is one of a reference list's (or an
    /// enumeration's, also in the reference file): the form's select
    /// sends its number, ours, or one of `Values`' spellings.
    choices: &'static [(&'static str, &'static str, Option<&'static mapping::Values>)],
    /// Our number fields (the form's inputs send text).
    numbers: &'static [&'static str],
    /// The form's checkboxes that add a value to one of our lists.
    flags: &'static [(&'static str, &'static str, &'static str)],
    /// What a new one is when the form has no field for it.
    defaults: &'static [(&'static str, &'static str)],
}

const REQUIRED_LEVEL: mapping::Values = mapping::Values(&[
    (&["LICENCE"], "licence"),
    (&["MASTER"], "master"),
    (&["DOCTORAT"], "doctorat"),
]);

const DELIVERY_MODE: mapping::Values = mapping::Values(&[
    (&["ON_SITE"], "sur_site"),
    (&["REMOTE"], "a_distance"),
    (&["HYBRID"], "mixte"),
]);

const PRICING_TYPE: mapping::Values = mapping::Values(&[
    (&["HOURLY"], "horaire"),
    (&["DAILY"], "journalier"),
    (&["PROJECT"], "forfait"),
]);

pub(super) const FORMS: [Form; 3] = [
    Form {
        apps: "funding-offers",
        segment: "financements",
        kind: "financement",
        fields: Fields(&[
            ("title", "titre"),
            ("sector", "secteur"),
            ("target", "cible"),
            ("min_amount", "montant_min"),
            ("max_amount", "montant_max"),
            ("annual_interest_rate", "taux"),
            ("repayment_duration", "duree_remboursement"),
            ("eligibility_conditions", "conditions"),
            ("application_process", "processus"),
            ("application_deadline", "date_limite"),
            ("geographic_zone", "zone_geographique"),
            ("funding_type", "type_financement"),
        ]),
        without_home: &[
            "max_applications",
            "contact_info",
            "no_guarantee",
            "grace_period_available",
            "country",
            "region",
            "job_function",
            "activity_sector",
        ],
        choices: &[
            ("secteur", "secteurs_financement", None),
            ("cible", "cibles_financement", None),
            ("type_financement", "types_financement", None),
        ],
        numbers: &["montant_min", "montant_max", "taux", "duree_remboursement"],
        flags: &[
            (
                "business_plan_required",
                "documents_requis",
                "business_plan",
            ),
            (
                "financial_statements_required",
                "documents_requis",
                "etats_financiers",
            ),
        ],
        // The form has no type: a new programme is "autre" (another).
        defaults: &[("type_financement", "autre")],
    },
    Form {
        apps: "scholarships",
        segment: "bourses",
        kind: "bourse",
        fields: Fields(&[
            ("title", "titre"),
            ("scholarship_type", "type_bourse"),
            ("required_level", "niveau_requis"),
            ("study_domain", "domaine_etude"),
            ("scholarship_amount", "montant"),
            ("duration", "duree"),
            ("application_deadline", "date_limite"),
            ("start_date", "date_debut"),
            ("beneficiary_count", "nombre_beneficiaires"),
            ("organization_name", "organisation"),
            ("organization_type", "type_organisation"),
            ("eligibility_criteria", "conditions"),
            ("external_application_url", "lien_candidature"),
        ]),
        without_home: &[
            "country_region",
            "benefits_coverage",
            "application_process",
            "contact_info",
            "official_website",
            "external_platform_name",
            "is_external_application",
        ],
        choices: &[
            ("type_bourse", "types_bourse", None),
            ("niveau_requis", "niveaux_etude", Some(&REQUIRED_LEVEL)),
            ("domaine_etude", "domaines_etude", None),
            ("type_organisation", "types_organisation", None),
        ],
        numbers: &["montant", "nombre_beneficiaires"],
        flags: &[
            ("full_funding", "couverture", "totale"),
            ("partial_funding", "couverture", "partielle"),
            ("accommodation_included", "couverture", "logement"),
            ("travel_expenses_included", "couverture", "transport"),
        ],
        defaults: &[],
    },
    Form {
        apps: "consultation-offers",
        segment: "consultations",
        kind: "consultation",
        fields: Fields(&[
            ("title", "titre"),
            ("consultation_type", "type_consultation"),
            ("delivery_mode", "mode_prestation"),
            ("estimated_duration", "duree"),
            ("application_deadline", "date_limite"),
            ("pricing_type", "type_tarification"),
            ("price", "budget"),
            ("objectives", "objectifs"),
            ("methodology", "methodologie"),
            ("deliverables", "livrables"),
            ("required_experience_years", "annees_experience"),
            ("required_skills", "competences_requises"),
        ]),
        without_home: &[
            "expertise_sector",
            "client_type",
            "company_size",
            "geographic_zone",
            "max_concurrent_projects",
            "contact_info",
            "portfolio_required",
            "on_site_presence_required",
            "detailed_report_included",
            "is_urgent",
            "country",
            "region",
        ],
        choices: &[
            ("type_consultation", "types_consultation", None),
            ("mode_prestation", "modes_prestation", Some(&DELIVERY_MODE)),
            (
                "type_tarification",
                "types_tarification",
                Some(&PRICING_TYPE),
            ),
        ],
        numbers: &["budget", "annees_experience"],
        flags: &[],
        defaults: &[],
    },
];

/// The form's body in ours: its fields renamed, the selects' values as
/// our ids, numbers as numbers, the checkboxes as our lists, the
/// `datetime-local` deadline read as UTC (as the offer form's), an empty
/// field as none, what has no home dropped; what matches nothing goes
/// as sent, and ours names it (400).
fn form_body(form: &Form, body: Map<String, Value>, creating: bool) -> Value {
    let mut lists: Map<String, Value> = Map::new();
    let mut kept = Map::new();
    for (key, value) in body {
        if form.without_home.contains(&key.as_str()) {
            continue;
        }
        if let Some((_, field, item)) = form.flags.iter().find(|(flag, ..)| *flag == key) {
            let list = lists.entry(field.to_string()).or_insert_with(|| json!([]));
            if value == Value::Bool(true) {
                list.as_array_mut()
                    .expect("a list")
                    .push(Value::from(*item));
            }
            continue;
        }
        let empty = value.is_null() || value.as_str().is_some_and(|t| t.trim().is_empty());
        // An edit form sends every field, and one it could not fill on
        // load empty: an empty field leaves ours as it is.
        if empty && !creating {
            continue;
        }
        kept.insert(key, if empty { Value::Null } else { value });
    }
    let mut ours = form.fields.to_ours(kept);
    ours.extend(lists);
    if let Some(Value::String(local)) = ours.get("date_limite")
        && let Some(utc) = mapping::local_to_utc(local)
    {
        ours.insert("date_limite".into(), utc.into());
    }
    for field in form.numbers {
        if let Some(Value::String(text)) = ours.get(*field) {
            let text = text.trim();
            let number = text
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<f64>().map(Value::from));
            if let Ok(number) = number {
                ours.insert(field.to_string(), number);
            }
        }
    }
    let reference = crate::reference::get();
    for (field, list, values) in form.choices {
        let Some(sent) = ours.get(*field).filter(|v| !v.is_null()).cloned() else {
            continue;
        };
        let spelled = sent
            .as_str()
            .and_then(|s| values.and_then(|v| v.to_ours(s)))
            .map(Value::from);
        let entries = reference.list(list).unwrap_or_default();
        let numbered =
            mapping::id_from_number(entries.iter().map(|e| e.id.as_str()), &sent).map(Value::from);
        ours.insert(field.to_string(), spelled.or(numbered).unwrap_or(sent));
    }
    if creating {
        for (field, value) in form.defaults {
            if ours.get(*field).is_none_or(Value::is_null) {
                ours.insert(field.to_string(), Value::from(*value));
            }
        }
    }
    Value::Object(ours)
}

/// One of our publications as the apps' pages of its kind read it: the
/// common names (`mapping::job_offer`), then its form's (the fields
/// under the form's names, each select's value as `{id, code, name}`
/// or the form's own spelling, each checkbox from our list), so an edit
/// form is filled with what was stored.
pub(super) fn publication(ours: Value) -> Value {
    let common = mapping::job_offer(ours);
    let Some(form) = FORMS.iter().find(|f| common["type_publication"] == f.kind) else {
        return common;
    };
    let Value::Object(common) = common else {
        return common;
    };
    let mut apps = form.fields.to_apps(common);
    let reference = crate::reference::get();
    for (field, list, values) in form.choices {
        let Some(&(name, _)) = form.fields.0.iter().find(|(_, o)| o == field) else {
            continue;
        };
        let Some(value) = apps.get_mut(name) else {
            continue;
        };
        match (values, value.as_str().map(String::from)) {
            (Some(values), Some(ours)) => {
                if let Some(spelled) = values.to_apps(&ours) {
                    *value = spelled.into();
                }
            }
            (None, Some(ours)) => {
                let label = reference
                    .list(list)
                    .unwrap_or_default()
                    .iter()
                    .find(|e| e.id == ours)
                    .map(|e| e.nom.clone());
                *value = json!({"id": ours, "nom": label.unwrap_or_else(|| ours.clone())});
                mapping::named(value);
            }
            _ => mapping::named(value),
        }
    }
    for (flag, list, item) in form.flags {
        let on = apps
            .get(*list)
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|v| v == *item));
        apps.insert(flag.to_string(), on.into());
    }
    Value::Object(apps)
}

/// `POST /api/jobs/<form.apps>/`: our `POST /api/recruteur/<kind>/`.
pub(super) async fn create(ours: Ours, form: &'static Form, request: Request) -> Response {
    let (caller, body) = read!(request);
    let path = format!("/api/recruteur/{}/", form.segment);
    let body = form_body(form, body, true);
    let found = call(&ours, &caller, Method::POST, &path, Some(body)).await;
    answer(found, &form.fields, publication)
}

/// `PATCH /api/jobs/<form.apps>/{id}/`: our `PUT /api/recruteur/<kind>/{id}/`.
pub(super) async fn edit(ours: Ours, form: &'static Form, id: &str, request: Request) -> Response {
    let (caller, body) = read!(request);
    let path = format!("/api/recruteur/{}/{}/", form.segment, urlencoding(id));
    let body = form_body(form, body, false);
    let found = call(&ours, &caller, Method::PUT, &path, Some(body)).await;
    answer(found, &form.fields, publication)
}

/// The form of the apps' list segment `kind`.
pub(super) fn of(kind: &str) -> Option<&'static Form> {
    FORMS.iter().find(|f| f.apps == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_reads_as_ours() {
        let funding = of("funding-offers").unwrap();
        let body = form_body(
            funding,
            json!({"title": "Fonds", "min_amount": "100000", "annual_interest_rate": "4.5",
                   "sector": "agriculture", "business_plan_required": true,
                   "financial_statements_required": false, "contact_info": "x", "region": ""})
            .as_object()
            .unwrap()
            .clone(),
            true,
        );
        assert_eq!(
            body,
            json!({"titre": "Fonds", "montant_min": 100000, "taux": 4.5, "secteur": "agriculture",
                   "documents_requis": ["business_plan"], "type_financement": "autre"})
        );
        let consultation = of("consultation-offers").unwrap();
        let number = mapping::numeric_id("juridique");
        let body = form_body(
            consultation,
            json!({"consultation_type": number, "delivery_mode": "HYBRID", "pricing_type": "DAILY",
                   "price": "250000", "application_deadline": "2099-01-31T12:00"})
            .as_object()
            .unwrap()
            .clone(),
            false,
        );
        assert_eq!(body["type_consultation"], "juridique");
        assert_eq!(body["mode_prestation"], "mixte");
        assert_eq!(body["type_tarification"], "journalier");
        assert_eq!(body["budget"], 250000);
        assert_eq!(body["date_limite"], "2099-01-31T12:00:00Z");
        let scholarship = of("scholarships").unwrap();
        let body = form_body(
            scholarship,
            json!({"required_level": "POST_DOC", "full_funding": true, "travel_expenses_included": true})
                .as_object()
                .unwrap()
                .clone(),
            true,
        );
        // Read back as the edit forms fill themselves.
        let read = publication(json!({"type_publication": "consultation", "titre": "Audit",
            "type_consultation": "juridique", "mode_prestation": "mixte", "budget": 5}));
        assert_eq!(read["title"], "Audit");
        assert_eq!(
            read["consultation_type"]["id"],
            mapping::numeric_id("juridique")
        );
        assert_eq!(read["delivery_mode"], "HYBRID");
        assert_eq!(read["price"], 5);
        let read = publication(
            json!({"type_publication": "financement", "documents_requis": ["business_plan"],
            "secteur": {"id": "agriculture", "nom": "Agriculture"}}),
        );
        assert_eq!(read["business_plan_required"], true);
        assert_eq!(read["financial_statements_required"], false);
        assert_eq!(read["sector"]["code"], "agriculture");
        // An edit's empty field leaves ours as it is.
        let edited = form_body(
            funding,
            json!({"title": "", "min_amount": null, "max_amount": "9"})
                .as_object()
                .unwrap()
                .clone(),
            false,
        );
        assert_eq!(edited, json!({"montant_max": 9}));
        // A level we do not have goes as sent: ours names it.
        assert_eq!(body["niveau_requis"], "POST_DOC");
        assert_eq!(body["couverture"], json!(["totale", "transport"]));
    }
}
