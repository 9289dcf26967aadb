//! Public lists page through many publications, each once, in order,
//! both ways. Its own binary: its 120 publications notify every admin of
//! the emulator, and the other publication tests wait on notifications.

use e2e::*;
use futures_util::future::join_all;
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

#[tokio::test]
async fn public_lists_page_through_120_items_each_once() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, sub, token) = app.verified_recruiter(&admin).await;
    app.set_quota(&admin, &sub, 130).await;
    let mut mine = Vec::new();
    for chunk in 0..12 {
        let batch = (0..10).map(|i| {
            let (app, token) = (&app, &token);
            async move {
                app.publish(token, "financements", &format!("Financement {chunk}-{i}"))
                    .await
            }
        });
        let created = join_all(batch).await;
        let decisions = created.iter().map(|p| {
            let (app, admin, pid) = (&app, &admin, id(p));
            async move { app.decide(admin, &pid, "valider", json!({})).await }
        });
        mine.extend(join_all(decisions).await.iter().map(id));
    }
    assert_eq!(mine.len(), 120);

    // Forwards, 7 at a time: every item once.
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut next = Some("/api/financements/?page_size=7".to_string());
    while let Some(path) = next {
        let r = app.send(app.http.get(app.url(&path))).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body["results"].as_array().unwrap().len() <= 7);
        seen.extend(ids(r.body["results"].as_array().unwrap()));
        next = r.body["next"].as_str().map(String::from);
        pages.push(r.body);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "an item appeared twice");
    for m in &mine {
        assert!(seen.contains(m), "{m} missing");
    }
    // Newest first.
    let dates: Vec<String> = pages
        .iter()
        .flat_map(|p| {
            p["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["date_publication"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // Back from the second page: the first page again.
    let previous = pages[1]["previous"].as_str().unwrap();
    let r = app.send(app.http.get(app.url(previous))).await;
    assert_eq!(
        ids(r.body["results"].as_array().unwrap()),
        ids(pages[0]["results"].as_array().unwrap())
    );
    // A tampered cursor is a 400.
    let r = app
        .send(app.http.get(app.url("/api/financements/?cursor=AAAA")))
        .await;
    assert_eq!(r.status, 400);
}
