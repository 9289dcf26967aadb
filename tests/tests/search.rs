//! Search (spec 9) over a seeded set of 420 publications of the four
//! kinds: every spec 9.2 filter, alone and combined, returns exactly the
//! publications it should, pages are full and give each result once, and
//! the orderings hold. One test: it owns the binary's public lists.

use std::collections::BTreeSet;

use e2e::*;
use serde_json::{Value, json};
use shared::publications::{Content, Kind, Publication, StatutValidation, store};
use time::{Duration, OffsetDateTime};

const TITLES: [&str; 5] = [
    "Développeur Rust",
    "Comptable senior",
    "Chargé de clientèle",
    "Ingénieur réseau",
    "DÉVELOPPEUR web",
];
const PLACES: [Option<&str>; 4] = [
    Some("Abidjan"),
    Some("Dakar"),
    Some("Yamoussoukro, Côte d'Ivoire"),
    None,
];
const CONTRACTS: [&str; 4] = ["cdi", "cdd", "stage", "freelance"];
const COMPANIES: [&str; 4] = ["Orange Côte d'Ivoire", "MTN", "Société Générale", "Acme"];
const SKILLS: [&str; 5] = ["Rust", "SQL", "Gestion de projet", "Excel", "Réseaux"];

/// What a seeded offre is made of, to compute what each search must find.
#[derive(Clone, Debug)]
struct Offre {
    id: String,
    title: usize,
    place: Option<&'static str>,
    contract: &'static str,
    company: &'static str,
    min: Option<i64>,
    max: Option<i64>,
    experience: Option<i64>,
    skills: Vec<&'static str>,
    old: bool,
}

fn offre_seed(i: usize) -> Offre {
    let salary = 100_000 + (i as i64 * 7919) % 900_000;
    let (min, max) = match i % 4 {
        0 => (Some(salary), Some(salary + 200_000)),
        1 => (Some(salary), None),
        2 => (None, Some(salary)),
        _ => (None, None),
    };
    Offre {
        id: String::new(),
        title: i % 5,
        place: PLACES[(i / 5) % 4],
        contract: CONTRACTS[(i / 3) % 4],
        company: COMPANIES[(i / 7) % 4],
        min,
        max,
        experience: (i % 6 != 5).then_some((i % 9) as i64),
        skills: SKILLS
            .iter()
            .enumerate()
            .filter(|(k, _)| (i >> k) & 1 == 1)
            .map(|(_, s)| *s)
            .collect(),
        old: i % 15 == 0,
    }
}

fn offre_body(o: &Offre) -> Value {
    json!({
        "titre": TITLES[o.title],
        "description": "<p>Rejoignez une équipe <b>motivée</b>.</p>",
        "entreprise": o.company,
        "type_contrat": o.contract,
        "localisation": o.place,
        "salaire_min": o.min,
        "salaire_max": o.max,
        "experience_requise": o.experience,
        "competences_requises": o.skills,
    })
}

/// Stores and validates a publication (the functions' own storage code,
/// so the seed is fast); `created` dates it.
async fn seed(
    s: &shared::store::Store,
    kind: Kind,
    body: Value,
    created: OffsetDateTime,
) -> Publication {
    let p = Publication::new(
        "seed-recruiter",
        Content::parse(kind, body).unwrap(),
        created,
    );
    store::create(s, &p, 10_000, created).await.unwrap();
    store::decide(s, "seed-admin", &p.id, StatutValidation::Validee, None)
        .await
        .unwrap()
}

fn ids(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

/// Every page of a search, asserting that each page but the last is full.
async fn pages(app: &TestApp, path: &str, size: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut next = Some(format!("{path}{sep}page_size={size}"));
    let mut all = Vec::new();
    while let Some(p) = next {
        let r = app.send(app.http.get(app.url(&p))).await;
        assert_eq!(r.status, 200, "{p}: {}", r.body);
        let results = r.body["results"].as_array().unwrap().clone();
        next = r.body["next"].as_str().map(String::from);
        if next.is_some() {
            assert_eq!(results.len(), size, "a short page before the end: {p}");
        }
        all.extend(results);
    }
    all
}

async fn found(app: &TestApp, path: &str) -> BTreeSet<String> {
    let items = pages(app, path, 100).await;
    let set = ids(&items);
    assert_eq!(set.len(), items.len(), "an item twice: {path}");
    set
}

fn expected<T>(
    seeds: &[T],
    id: impl Fn(&T) -> String,
    keep: impl Fn(&T) -> bool,
) -> BTreeSet<String> {
    seeds.iter().filter(|s| keep(s)).map(id).collect()
}

#[tokio::test]
async fn every_filter_alone_and_combined_finds_exactly_what_it_should() {
    let app = TestApp::spawn().await;
    let s = shared::Services::new(app.config.clone(), &app.stack.sdk)
        .store
        .clone();
    let now = OffsetDateTime::now_utc();
    let old = now - Duration::days(10);

    // 300 offres (20 of them created ten days ago), 40 of each other kind.
    let mut offres: Vec<Offre> = (0..300).map(offre_seed).collect();
    for chunk in offres.chunks_mut(25) {
        let created = futures_util::future::join_all(chunk.iter().map(|o| {
            seed(
                &s,
                Kind::Offre,
                offre_body(o),
                if o.old { old } else { now },
            )
        }))
        .await;
        for (o, p) in chunk.iter_mut().zip(created) {
            o.id = p.id;
        }
    }
    let sectors = [Some("agriculture"), Some("numerique"), Some("sante"), None];
    let fin_types = ["subvention", "pret", "microcredit"];
    let mut financements = Vec::new();
    let mut bourses = Vec::new();
    let mut consultations = Vec::new();
    for i in 0..40usize {
        let amount = (i % 5 != 4).then_some(1_000_000 + i as i64 * 250_000);
        let f = seed(&s, Kind::Financement, json!({"titre": format!("Fonds {i}"), "description": "Appui aux projets", "type_financement": fin_types[i % 3], "secteur": sectors[i % 4], "montant": amount}), now).await;
        financements.push((f.id, i, amount));
        let b = seed(&s, Kind::Bourse, json!({"titre": format!("Bourse d'études {i}"), "description": "Pour étudiants", "type_bourse": (["merite", "excellence"][i % 2]), "domaine_etude": (["informatique", "medecine", "economie_gestion"][i % 3]), "montant": amount}), now).await;
        bourses.push((b.id, i, amount));
        let c = seed(&s, Kind::Consultation, json!({"titre": format!("Mission {i}"), "description": "Accompagnement", "type_consultation": (["strategie", "informatique"][i % 2]), "budget": amount, "competences_requises": (if i % 3 == 0 { vec!["Rust", "Audit"] } else { vec!["Audit"] })}), now).await;
        consultations.push((c.id, i, amount));
    }
    // One through the API, as recruiters publish: found like the others.
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let mut via_api = offre_seed(1);
    let r = app
        .post_auth("/api/recruteur/offres/", &recruiter, offre_body(&via_api))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    via_api.id = r.body["id"].as_str().unwrap().into();
    app.decide(&admin, &via_api.id, "valider", json!({})).await;
    offres.push(via_api);

    let o_id = |o: &Offre| o.id.clone();
    let all_offres = expected(&offres, o_id, |_| true);

    // Without a filter: every offre once, pages full, newest first.
    let walked = pages(&app, "/api/recherche/offres/", 7).await;
    assert_eq!(walked.len(), 301);
    assert_eq!(ids(&walked), all_offres);
    let dates: Vec<&str> = walked
        .iter()
        .map(|v| v["date_publication"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert_eq!(found(&app, "/api/offres/recherche/").await, all_offres);

    // Keywords: accents and case ignored, every word required.
    let dev = |o: &Offre| o.title == 0 || o.title == 4;
    assert_eq!(
        found(&app, "/api/recherche/offres/?q=developpeur").await,
        expected(&offres, o_id, dev)
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?q=D%C3%A9veloppeur").await,
        expected(&offres, o_id, dev)
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?q=developpeur+rust").await,
        expected(&offres, o_id, |o| o.title == 0
            || (o.title == 4 && o.skills.contains(&"Rust")))
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?q=gestion+projet").await,
        expected(&offres, o_id, |o| o.skills.contains(&"Gestion de projet"))
    );
    // A keyword's page is full too, though most offres do not match.
    pages(&app, "/api/recherche/offres/?q=ingenieur", 4).await;

    let place = |words: &[&str]| {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        move |o: &Offre| {
            o.place.is_some_and(|p| {
                let p = shared::text::fold(p);
                words.iter().all(|w| p.split(' ').any(|x| x == w))
            })
        }
    };
    assert_eq!(
        found(&app, "/api/recherche/offres/?localisation=abidjan").await,
        expected(&offres, o_id, place(&["abidjan"]))
    );
    assert_eq!(
        found(
            &app,
            "/api/recherche/offres/?localisation=C%C3%B4te+d%27Ivoire"
        )
        .await,
        expected(&offres, o_id, place(&["cote", "ivoire"]))
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?type_contrat=cdd").await,
        expected(&offres, o_id, |o| o.contract == "cdd")
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?entreprise=orange").await,
        expected(&offres, o_id, |o| o.company.starts_with("Orange"))
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?entreprise=societe+generale").await,
        expected(&offres, o_id, |o| o.company == "Société Générale")
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?experience_requise=2").await,
        expected(&offres, o_id, |o| o.experience.unwrap_or(0) <= 2)
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?competences=sql,RUST").await,
        expected(&offres, o_id, |o| o.skills.contains(&"SQL")
            && o.skills.contains(&"Rust"))
    );
    // Salaries: the offre's range reaches the minimum and starts under the maximum.
    let high = |o: &Offre| o.max.or(o.min);
    let low = |o: &Offre| o.min.or(o.max);
    assert_eq!(
        found(&app, "/api/recherche/offres/?salaire_min=600000").await,
        expected(&offres, o_id, |o| high(o).is_some_and(|h| h >= 600_000))
    );
    assert_eq!(
        found(&app, "/api/recherche/offres/?salaire_max=300000").await,
        expected(&offres, o_id, |o| low(o).is_some_and(|l| l <= 300_000))
    );
    assert_eq!(
        found(
            &app,
            "/api/recherche/offres/?salaire_min=400000&salaire_max=500000"
        )
        .await,
        expected(&offres, o_id, |o| high(o).is_some_and(|h| h >= 400_000)
            && low(o).is_some_and(|l| l <= 500_000))
    );
    let today = now.date();
    let ten_days_ago = old.date();
    assert_eq!(
        found(
            &app,
            &format!("/api/recherche/offres/?date_creation={ten_days_ago}")
        )
        .await,
        expected(&offres, o_id, |o| o.old)
    );
    assert_eq!(
        found(
            &app,
            &format!("/api/recherche/offres/?date_creation_min={today}")
        )
        .await,
        expected(&offres, o_id, |o| !o.old)
    );
    assert_eq!(
        found(
            &app,
            &format!(
                "/api/recherche/offres/?date_creation_max={}",
                today - Duration::days(1)
            )
        )
        .await,
        expected(&offres, o_id, |o| o.old)
    );
    assert_eq!(
        found(
            &app,
            "/api/recherche/offres/?statut=active&type_publication=offre"
        )
        .await,
        all_offres
    );
    assert!(
        found(&app, "/api/recherche/offres/?statut=fermee")
            .await
            .is_empty()
    );

    // Combined: every filter must hold.
    let combined = "/api/recherche/offres/?q=developpeur&localisation=abidjan&type_contrat=cdi&salaire_min=200000&experience_requise=6";
    let want = expected(&offres, o_id, |o| {
        dev(o)
            && place(&["abidjan"])(o)
            && o.contract == "cdi"
            && high(o).is_some_and(|h| h >= 200_000)
            && o.experience.unwrap_or(0) <= 6
    });
    assert!(!want.is_empty(), "the seed has matches for the combination");
    assert_eq!(found(&app, combined).await, want);
    let combined = "/api/recherche/offres/?entreprise=mtn&type_contrat=stage&competences=excel";
    let want = expected(&offres, o_id, |o| {
        o.company == "MTN" && o.contract == "stage" && o.skills.contains(&"Excel")
    });
    assert!(!want.is_empty());
    assert_eq!(found(&app, combined).await, want);

    // Orderings: by amount both ways (no amount counts as 0), by relevance.
    let amount_of = |v: &Value| {
        v["salaire_max"]
            .as_i64()
            .or(v["salaire_min"].as_i64())
            .unwrap_or(0)
    };
    let by_amount = pages(&app, "/api/recherche/offres/?ordering=-salaire", 30).await;
    assert_eq!(ids(&by_amount), all_offres);
    assert!(
        by_amount
            .windows(2)
            .all(|w| amount_of(&w[0]) >= amount_of(&w[1])),
        "highest first"
    );
    let cheap = pages(
        &app,
        "/api/recherche/offres/?ordering=montant&salaire_min=1",
        30,
    )
    .await;
    assert!(
        cheap
            .windows(2)
            .all(|w| amount_of(&w[0]) <= amount_of(&w[1])),
        "lowest first"
    );
    assert_eq!(ids(&cheap), expected(&offres, o_id, |o| high(o).is_some()));
    let ranked = pages(&app, "/api/recherche/offres/?q=rust&ordering=pertinence", 9).await;
    assert_eq!(
        ids(&ranked),
        expected(&offres, o_id, |o| o.title == 0
            || o.skills.contains(&"Rust"))
    );
    let in_title: Vec<bool> = ranked
        .iter()
        .map(|v| v["titre"] == "Développeur Rust")
        .collect();
    let first_other = in_title.iter().position(|t| !t).unwrap_or(in_title.len());
    assert!(
        in_title[first_other..].iter().all(|t| !t),
        "title matches rank first"
    );

    // The other kinds' own filters.
    let f_id = |f: &(String, usize, Option<i64>)| f.0.clone();
    assert_eq!(
        found(&app, "/api/recherche/financements/?secteur=numerique").await,
        expected(&financements, f_id, |f| f.1 % 4 == 1)
    );
    assert_eq!(
        found(&app, "/api/recherche/financements/?type_financement=pret").await,
        expected(&financements, f_id, |f| f.1 % 3 == 1)
    );
    assert_eq!(
        found(&app, "/api/recherche/financements/?montant_min=3000000&montant_max=8000000&type_financement=subvention").await,
        expected(&financements, f_id, |f| f.1 % 3 == 0 && f.2.is_some_and(|m| (3_000_000..=8_000_000).contains(&m)))
    );
    assert_eq!(
        found(&app, "/api/recherche/bourses/?domaine_etude=MEDECINE").await,
        expected(&bourses, f_id, |b| b.1 % 3 == 1)
    );
    assert_eq!(
        found(
            &app,
            "/api/recherche/bourses/?q=etudes&type_bourse=excellence&montant_max=5000000"
        )
        .await,
        expected(&bourses, f_id, |b| b.1 % 2 == 1
            && b.2.is_some_and(|m| m <= 5_000_000))
    );
    assert_eq!(
        found(
            &app,
            "/api/recherche/consultations/?type_consultation=informatique&competences=rust"
        )
        .await,
        expected(&consultations, f_id, |c| c.1 % 2 == 1 && c.1 % 3 == 0)
    );
    assert_eq!(
        found(&app, "/api/recherche/consultations/?montant_min=5000000").await,
        expected(&consultations, f_id, |c| c
            .2
            .is_some_and(|m| m >= 5_000_000))
    );
    let by_budget = pages(&app, "/api/recherche/consultations/?ordering=-montant", 10).await;
    assert_eq!(by_budget.len(), 40);
    assert!(
        by_budget
            .windows(2)
            .all(|w| w[0]["budget"].as_i64().unwrap_or(0) >= w[1]["budget"].as_i64().unwrap_or(0))
    );

    // Bad filters: 400 with the fields named, never a 500.
    for (path, fields) in [
        (
            "/api/recherche/offres/?salaire_min=500&salaire_max=100",
            vec!["salaire_max"],
        ),
        (
            "/api/recherche/offres/?type_contrat=cdx",
            vec!["type_contrat"],
        ),
        (
            "/api/recherche/offres/?date_creation=hier&experience_requise=-1",
            vec!["date_creation", "experience_requise"],
        ),
        (
            "/api/recherche/bourses/?type_contrat=cdi",
            vec!["type_contrat"],
        ),
        (
            "/api/recherche/financements/?montant_min=9&montant_max=1",
            vec!["montant_max"],
        ),
        (
            "/api/recherche/consultations/?ordering=pertinence",
            vec!["ordering"],
        ),
        ("/api/recherche/offres/?statut=ouverte", vec!["statut"]),
    ] {
        let r = app.send(app.http.get(app.url(path))).await;
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        let got: Vec<&String> = r.body.as_object().unwrap().keys().collect();
        assert_eq!(got, fields, "{path}: {}", r.body);
    }
    // A cursor belongs to its search: replayed on another filter, a 400.
    let r = app
        .send(
            app.http
                .get(app.url("/api/recherche/offres/?q=developpeur&page_size=2")),
        )
        .await;
    let next = r.body["next"].as_str().unwrap();
    let cursor = next.split("cursor=").nth(1).unwrap();
    let r = app
        .send(app.http.get(app.url(&format!(
            "/api/recherche/offres/?q=comptable&cursor={cursor}"
        ))))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
}
