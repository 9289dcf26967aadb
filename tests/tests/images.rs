//! Profile photos and company logos (#18 point 2): what the public fetches
//! is a re-encoded file of 512 px at most with no EXIF, upright; a
//! disguised file stores nothing; replacing or deleting an image removes
//! its object, and a recruiter's publications follow its logo.

use e2e::*;
use serde_json::{Value, json};

fn encoded(picture: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A 1200 × 800 JPEG photo whose EXIF says "rotate 90°" (orientation 6),
/// as phones write them, and names a camera.
fn phone_photo() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x / 5) as u8, (y / 4) as u8, 90])
    });
    let jpeg = encoded(
        image::DynamicImage::ImageRgb8(pixels),
        image::ImageFormat::Jpeg,
    );
    // TIFF header (little endian), one IFD of two entries: Orientation = 6
    // and Make = "SecretCam".
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(0x0112u16.to_le_bytes());
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend([6, 0, 0, 0]);
    let make_offset = 8 + 2 + 2 * 12 + 4;
    tiff.extend(0x010Fu16.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(10u32.to_le_bytes());
    tiff.extend((make_offset as u32).to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(b"SecretCam\0");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

async fn put_image(app: &TestApp, token: &str, slot: &str, name: &str, bytes: Vec<u8>) -> Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str("image/png")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("fichier", part);
    let url = app.url(&format!("/api/upload/{slot}/"));
    app.send(app.http.put(url).bearer_auth(token).multipart(form))
        .await
}

/// What the public gets at an image's URL: status, type, bytes.
async fn fetch(url: &str) -> (u16, String, Vec<u8>) {
    let (status, headers, bytes) = fetch_with_headers(url).await;
    let kind = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, bytes)
}

async fn fetch_with_headers(url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = reqwest::get(url).await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

/// The keys of the images bucket under `prefix`.
async fn objects(app: &TestApp, prefix: &str) -> Vec<String> {
    app.bucket_keys("ImagesBucket", prefix).await
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_photo_is_published_upright_small_and_without_its_metadata() {
    let app = TestApp::spawn().await;
    let (_, sub, token) = app
        .applicant(
            "candidat",
            json!({"profil_public": true, "champs_publics": ["prenom", "photo"]}),
        )
        .await;
    let sent = phone_photo();
    assert!(contains(&sent, b"SecretCam"));

    let r = put_image(&app, &token, "photo", "moi.jpg", sent).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let photo = r.body.clone();
    assert_eq!(photo["content_type"], "image/jpeg");
    // 1200 × 800 turned upright is 800 × 1200, then shrunk to 512 high.
    assert_eq!(
        (photo["largeur"].as_u64(), photo["hauteur"].as_u64()),
        (Some(341), Some(512))
    );

    let url = photo["url"].as_str().unwrap();
    let (status, kind, bytes) = fetch(url).await;
    assert_eq!((status, kind.as_str()), (200, "image/jpeg"), "{url}");
    assert_eq!(bytes.len() as u64, photo["taille"].as_u64().unwrap());
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (341, 512));
    assert!(
        !contains(&bytes, b"Exif"),
        "EXIF left in the published file"
    );
    assert!(!contains(&bytes, b"SecretCam"));
    // Cached a day, never revalidated: a new image is a new URL.
    let (_, headers, _) = fetch_with_headers(url).await;
    assert_eq!(
        headers.get("cache-control").map(|v| v.to_str().unwrap()),
        Some("public, max-age=86400, immutable")
    );

    // The profile and the public page carry it.
    let me = app.get_auth("/api/auth/profile/", &token).await;
    assert_eq!(me.body["photo"]["url"], url);
    let page = app
        .send(
            app.http
                .get(app.url(&format!("/api/profils/candidats/{sub}/"))),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body["photo"]["url"], url);

    // A profile edit sending it back (read-only, as a form resends the
    // whole profile) leaves it as it is.
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &token,
            json!({"photo": {"cle": "photo/autre/x.jpg"}, "prenom": "Awa"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["photo"]["url"], url);

    // Replacing removes the old object; deleting removes the new one.
    let webp = encoded(
        image::DynamicImage::ImageRgb8(image::RgbImage::new(300, 200)),
        image::ImageFormat::WebP,
    );
    let r = put_image(&app, &token, "photo", "nouvelle.webp", webp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let replaced = r.body["url"].as_str().unwrap().to_string();
    assert_ne!(replaced, url);
    assert_eq!(fetch(url).await.0, 404, "the old photo is still served");
    assert_eq!(fetch(&replaced).await.0, 200);
    assert_eq!(objects(&app, &format!("photo/{sub}/")).await.len(), 1);

    let r = app.delete_auth("/api/upload/photo/", &token).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(fetch(&replaced).await.0, 404);
    assert!(objects(&app, &format!("photo/{sub}/")).await.is_empty());
    let me = app.get_auth("/api/auth/profile/", &token).await;
    assert!(me.body["photo"].is_null(), "{}", me.body);
    let r = app.delete_auth("/api/upload/photo/", &token).await;
    assert_eq!(r.status, 404, "no photo left to delete: {}", r.body);
}

#[tokio::test]
async fn a_disguised_file_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (_, sub, token) = app.applicant("prestataire", json!({})).await;
    let html = b"<html><body><script>alert(document.cookie)</script></body></html>".to_vec();
    let r = put_image(&app, &token, "photo", "photo.png", html).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let reason = r.body["fichier"][0].as_str().unwrap_or_default();
    assert!(reason.contains("PNG, JPEG ou WebP"), "{}", r.body);
    // A PNG signature on a body that does not decode.
    let mut broken = encoded(
        image::DynamicImage::ImageRgb8(image::RgbImage::new(64, 64)),
        image::ImageFormat::Png,
    );
    broken.truncate(50);
    let r = put_image(&app, &token, "photo", "photo.png", broken).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(objects(&app, &format!("photo/{sub}/")).await.is_empty());
    let me = app.get_auth("/api/auth/profile/", &token).await;
    assert!(me.body["photo"].is_null(), "{}", me.body);

    // Each account has its own image: a prestataire has no logo.
    let logo = encoded(
        image::DynamicImage::ImageRgb8(image::RgbImage::new(64, 64)),
        image::ImageFormat::Png,
    );
    let r = put_image(&app, &token, "logo", "logo.png", logo).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = app.send(app.http.put(app.url("/api/upload/photo/"))).await;
    assert_eq!(r.status, 401, "{}", r.body);
}

/// The logo of a publication, as the detail, the public list and the
/// search show it.
async fn logos(app: &TestApp, id: &str, titre: &str) -> [Value; 3] {
    let detail = app
        .send(app.http.get(app.url(&format!("/api/offres/{id}/"))))
        .await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    let find = |list: Vec<Value>| {
        list.into_iter()
            .find(|p| p["id"] == id)
            .map(|p| p["logo"].clone())
            .expect("listed")
    };
    let listed = find(app.walk("/api/offres/", None).await);
    let query = format!("/api/recherche/offres/?q={}", titre.replace(' ', "+"));
    let searched = find(app.walk(&query, None).await);
    [detail.body["logo"].clone(), listed, searched]
}

#[tokio::test]
async fn a_company_logo_follows_its_publications() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, sub, recruiter) = app.verified_recruiter(&admin).await;
    // A logo with transparency stays a PNG.
    let transparent =
        image::RgbaImage::from_fn(900, 300, |x, _| image::Rgba([200, 30, 30, (x % 256) as u8]));
    let r = put_image(
        &app,
        &recruiter,
        "logo",
        "acme.webp",
        encoded(
            image::DynamicImage::ImageRgba8(transparent),
            image::ImageFormat::Png,
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let first = r.body.clone();
    assert_eq!(first["content_type"], "image/png");
    assert_eq!(
        (first["largeur"].as_u64(), first["hauteur"].as_u64()),
        (Some(512), Some(171))
    );
    let (_, kind, bytes) = fetch(first["url"].as_str().unwrap()).await;
    assert_eq!(kind, "image/png");
    assert!(image::load_from_memory(&bytes).unwrap().color().has_alpha());

    // A publication created after shows it, and so does the company page.
    let titre = format!("Logo {}", ulid::Ulid::new());
    let p = app
        .open_publication(&admin, &recruiter, "offres", &titre)
        .await;
    let id = p["id"].as_str().unwrap();
    for logo in logos(&app, id, &titre).await {
        assert_eq!(logo["url"], first["url"]);
    }
    let page = app
        .send(
            app.http
                .get(app.url(&format!("/api/profils/recruteurs/{sub}/"))),
        )
        .await;
    assert_eq!(page.body["logo"]["url"], first["url"], "{}", page.body);

    // Replaced: every place shows the new one, the old object is gone.
    let r = put_image(
        &app,
        &recruiter,
        "logo",
        "acme.jpg",
        encoded(
            image::DynamicImage::ImageRgb8(image::RgbImage::new(200, 100)),
            image::ImageFormat::Jpeg,
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let second = r.body.clone();
    for logo in logos(&app, id, &titre).await {
        assert_eq!(logo["url"], second["url"]);
    }
    assert_eq!(fetch(first["url"].as_str().unwrap()).await.0, 404);
    // A change that crossed this one and lands late (the first logo's
    // fan-out) leaves the newer logo in place.
    let store = shared::store::Store::new(
        aws_sdk_dynamodb::Client::new(&app.stack.sdk),
        app.config.table_name.clone(),
    );
    let older: shared::uploads::Image = serde_json::from_value(first.clone()).unwrap();
    let newer: shared::uploads::Image = serde_json::from_value(second.clone()).unwrap();
    shared::publications::store::set_logo(&store, &sub, Some(&older), None)
        .await
        .unwrap();
    shared::publications::store::set_logo(&store, &sub, None, Some(&older))
        .await
        .unwrap();
    for logo in logos(&app, id, &titre).await {
        assert_eq!(logo["url"], second["url"]);
    }
    // An author's edit keeps it.
    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{id}/"),
            &recruiter,
            json!({"statut": "fermee"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["logo"]["url"], second["url"]);
    let stored = shared::publications::store::get(&store, id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.logo.as_ref(),
        Some(&newer),
        "the edit's write kept it"
    );
    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{id}/"),
            &recruiter,
            json!({"statut": "active"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Deleted: gone from the publications and from the bucket.
    let r = app.delete_auth("/api/upload/logo/", &recruiter).await;
    assert_eq!(r.status, 204, "{}", r.body);
    for logo in logos(&app, id, &titre).await {
        assert!(logo.is_null(), "{logo}");
    }
    assert!(objects(&app, &format!("logo/{sub}/")).await.is_empty());

    // A candidat has no logo; a recruiter no photo.
    let (_, _, candidat) = app.applicant("candidat", json!({})).await;
    let r = app.delete_auth("/api/upload/logo/", &candidat).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = app.delete_auth("/api/upload/photo/", &recruiter).await;
    assert_eq!(r.status, 403, "{}", r.body);
}
