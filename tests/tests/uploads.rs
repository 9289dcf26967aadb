//! Uploads (spec 11, 14.1): files as their owner, a recruiter and an admin
//! see them, through the presigned links; refused files leave nothing in
//! the bucket or the table; nobody reads, links or deletes another
//! account's file.

use e2e::*;
use serde_json::{Value, json};

/// A minimal PDF that readers open.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// A PDF of its own (distinct bytes per test).
fn pdf(text: &str) -> Vec<u8> {
    let mut bytes = PDF.to_vec();
    bytes.splice(9..9, format!("% {text}\n").into_bytes());
    bytes
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 7]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn upload(app: &TestApp, token: &str, kind: &str, name: &str, bytes: Vec<u8>) -> Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str("application/pdf")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("fichier", part);
    send_form(app, token, kind, form).await
}

/// Posts any form to `/api/upload/<kind>/`.
async fn send_form(
    app: &TestApp,
    token: &str,
    kind: &str,
    form: reqwest::multipart::Form,
) -> Response {
    let url = app.url(&format!("/api/upload/{kind}/"));
    app.send(app.http.post(url).bearer_auth(token).multipart(form))
        .await
}

/// Uploads; asserts 201 and returns the file.
async fn uploaded(app: &TestApp, token: &str, kind: &str, name: &str, bytes: Vec<u8>) -> Value {
    let r = upload(app, token, kind, name, bytes).await;
    assert_eq!(r.status, 201, "{name}: {}", r.body);
    r.body
}

/// The bytes behind a file's presigned link.
async fn download(file: &Value) -> (Vec<u8>, String) {
    let url = file["url"].as_str().expect("a download link");
    let r = reqwest::get(url).await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    let disposition = r
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (r.bytes().await.unwrap().to_vec(), disposition)
}

fn s3(app: &TestApp) -> (aws_sdk_s3::Client, String) {
    let bucket = app.stack.resources.id("UploadsBucket").unwrap().to_string();
    (app.s3(), bucket)
}

/// The keys of the uploads bucket under `prefix`.
async fn objects(app: &TestApp, prefix: &str) -> Vec<String> {
    app.bucket_keys("UploadsBucket", prefix).await
}

/// The caller's own files, as the API lists them.
async fn mine(app: &TestApp, token: &str) -> Vec<Value> {
    app.walk("/api/upload/", Some(token)).await
}

#[tokio::test]
async fn a_pdf_comes_back_byte_for_byte_through_its_link() {
    let app = TestApp::spawn().await;
    let (_, sub, token) = app.applicant("candidat", json!({})).await;
    let bytes = pdf("cv of Awa");

    let file = uploaded(&app, &token, "cv", "CV Awa Kouassi é.pdf", bytes.clone()).await;
    assert_eq!(file["type_fichier"], "cv");
    assert_eq!(file["proprietaire"], sub.as_str());
    assert_eq!(file["nom"], "CV Awa Kouassi é.pdf");
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["taille"], bytes.len());
    let digest: String = shared::uploads::content::sha256(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(file["sha256"], digest.as_str());
    assert!(file["url_expiration"].is_string(), "{file}");

    let (downloaded, disposition) = download(&file).await;
    assert_eq!(downloaded, bytes, "the same bytes come back");
    assert!(
        disposition.contains("attachment")
            && disposition.contains("CV%20Awa%20Kouassi%20%C3%A9.pdf"),
        "{disposition}"
    );
    // It became the profile's CV; a fresh link comes with the detail.
    let profile = app.get_auth("/api/auth/profile/", &token).await.body;
    assert_eq!(profile["cv"], id(&file).as_str());
    let r = app
        .get_auth(&format!("/api/upload/{}/", id(&file)), &token)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(download(&r.body).await.0, bytes);
    assert_eq!(mine(&app, &token).await.len(), 1);

    // In the bucket: encrypted, and no longer pending.
    let (s3, bucket) = s3(&app);
    let key = format!("cv/{sub}/{}", id(&file));
    let head = s3
        .head_object()
        .bucket(&bucket)
        .key(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.server_side_encryption().map(|s| s.as_str()),
        Some("AES256")
    );
    let tags = s3
        .get_object_tagging()
        .bucket(&bucket)
        .key(&key)
        .send()
        .await
        .unwrap();
    assert!(tags.tag_set().is_empty(), "{:?}", tags.tag_set());

    // Deleting removes the object, the metadata and the profile's link.
    let r = app
        .delete_auth(&format!("/api/upload/{}/", id(&file)), &token)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        app.get_auth(&format!("/api/upload/{}/", id(&file)), &token)
            .await
            .status,
        404
    );
    assert!(objects(&app, &format!("cv/{sub}/")).await.is_empty());
    assert!(mine(&app, &token).await.is_empty());
    assert!(app.get_auth("/api/auth/profile/", &token).await.body["cv"].is_null());
}

#[tokio::test]
async fn refused_files_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    let (_, sub, candidate) = app.applicant("candidat", json!({})).await;
    let (_, recruiter, _, profile) = app.user("recruteur").await;
    let recruiter_sub = id(&profile);
    let max = app.config.upload_max_bytes;
    let mut oversize = pdf("big");
    oversize.resize(max + 1, b' ');

    let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
    let exe = [b"MZ".as_slice(), &[0x90; 300]].concat();
    let mut broken_png = png(8, 8);
    broken_png.truncate(broken_png.len() - 40);
    // (account, kind, name, content, status, words of the answer)
    type Case<'a> = (&'a str, &'a str, &'a str, Vec<u8>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            &candidate,
            "cv",
            "cv.pdf",
            b"Hello, I am really a PDF".to_vec(),
            400,
            "non accepté",
        ),
        (&candidate, "cv", "cv.pdf", elf, 400, "non accepté"),
        (&recruiter, "document", "kbis.pdf", exe, 400, "non accepté"),
        (&candidate, "lettre", "lettre.pdf", Vec::new(), 400, "vide"),
        (&candidate, "cv", "cv.pdf", oversize, 413, "volumineux"),
        (
            &candidate,
            "cv",
            "../../etc/passwd",
            pdf("traversal"),
            400,
            "chemin",
        ),
        (
            &recruiter,
            "document",
            "kbis.png",
            broken_png,
            400,
            "PNG illisible",
        ),
        (
            &candidate,
            "cv",
            "cv.exe",
            pdf("renamed"),
            400,
            ".pdf attendu",
        ),
    ];
    for (token, kind, name, bytes, status, words) in cases {
        let r = upload(&app, token, kind, name, bytes).await;
        assert_eq!(r.status, status, "{kind} {name}: {}", r.body);
        assert!(r.body.to_string().contains(words), "{name}: {}", r.body);
    }
    // Nothing in the bucket, nothing in the table, no profile link.
    assert!(objects(&app, &format!("cv/{sub}/")).await.is_empty());
    assert!(objects(&app, &format!("lettre/{sub}/")).await.is_empty());
    assert!(
        objects(&app, &format!("document/{recruiter_sub}/"))
            .await
            .is_empty()
    );
    assert!(mine(&app, &candidate).await.is_empty());
    assert!(mine(&app, &recruiter).await.is_empty());
    assert!(app.get_auth("/api/auth/profile/", &candidate).await.body["cv"].is_null());

    // Not multipart, no file, two files, the wrong account type.
    let r = app
        .post_auth("/api/upload/cv/", &candidate, json!({"fichier": "x"}))
        .await;
    assert_eq!(r.status, 415, "{}", r.body);
    let form = reqwest::multipart::Form::new().text("autre", "x");
    let r = send_form(&app, &candidate, "cv", form).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body, json!({"fichier": ["Ce champ est obligatoire."]}));
    let part = |n: &str| reqwest::multipart::Part::bytes(pdf(n)).file_name(format!("{n}.pdf"));
    let form = reqwest::multipart::Form::new()
        .part("fichier", part("a"))
        .part("fichier", part("b"));
    let r = send_form(&app, &candidate, "cv", form).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        upload(&app, &candidate, "document", "k.pdf", pdf("k"))
            .await
            .status,
        403
    );
    assert_eq!(
        upload(&app, &recruiter, "cv", "cv.pdf", pdf("r"))
            .await
            .status,
        403
    );
    let anonymous = reqwest::multipart::Form::new().part("fichier", part("anon"));
    let r = app
        .send(
            app.http
                .post(app.url("/api/upload/cv/"))
                .multipart(anonymous),
        )
        .await;
    assert_eq!(r.status, 401);
    assert!(objects(&app, &format!("cv/{sub}/")).await.is_empty());

    // The account's limit: the file past it is refused, and its object
    // removed.
    for n in 0..shared::uploads::MAX_FILES_PER_ACCOUNT {
        uploaded(
            &app,
            &candidate,
            "lettre",
            "lettre.pdf",
            pdf(&n.to_string()),
        )
        .await;
    }
    let r = upload(
        &app,
        &candidate,
        "lettre",
        "lettre.pdf",
        pdf("one too many"),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(
        objects(&app, &format!("lettre/{sub}/")).await.len(),
        shared::uploads::MAX_FILES_PER_ACCOUNT as usize
    );
}

#[tokio::test]
async fn another_account_cannot_read_link_or_delete_a_file() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Comptable")
        .await;
    let (_, _, alice) = app.applicant("candidat", json!({})).await;
    let (_, _, bob) = app.applicant("candidat", json!({})).await;
    let file = uploaded(&app, &alice, "cv", "cv.pdf", pdf("alice")).await;
    let path = format!("/api/upload/{}/", id(&file));
    let unknown = app
        .get_auth("/api/upload/01JUNKNOWNUPLOAD0000000000/", &bob)
        .await;
    assert_eq!(unknown.status, 404);

    // Read, delete: the same 404 as for a file that does not exist.
    let r = app.get_auth(&path, &bob).await;
    assert_eq!((r.status, &r.body), (404, &unknown.body));
    assert_eq!(app.delete_auth(&path, &bob).await.status, 404);
    // Link it to a profile, or to an application.
    let r = app
        .put_auth("/api/auth/profile/", &bob, json!({"cv": id(&file)}))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(
        r.body["detail"].as_str().unwrap().contains("« cv »"),
        "{}",
        r.body
    );
    assert!(app.get_auth("/api/auth/profile/", &bob).await.body["cv"].is_null());
    let r = app
        .apply(&bob, "offres", &id(&offre), json!({"cv": id(&file)}))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = app
        .apply(
            &bob,
            "offres",
            &id(&offre),
            json!({"lettre_motivation_fichier": id(&file)}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // Nothing was applied; the file is whole, its owner still reads it.
    assert!(
        app.walk("/api/candidat/candidatures/", Some(&bob))
            .await
            .is_empty()
    );
    let r = app.get_auth(&path, &alice).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["candidatures"], 0);

    // A file of the wrong kind does not link either.
    let letter = uploaded(&app, &bob, "lettre", "lettre.pdf", pdf("bob")).await;
    let r = app
        .put_auth("/api/auth/profile/", &bob, json!({"cv": id(&letter)}))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // Nor one file in two fields (it has one kind).
    let both = json!({"cv": id(&letter), "lettre_motivation": id(&letter)});
    let r = app.put_auth("/api/auth/profile/", &bob, both).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let both = json!({"cv": id(&letter), "lettre_motivation_fichier": id(&letter)});
    let r = app.apply(&bob, "offres", &id(&offre), both).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("lettre_motivation_fichier"),
        "{}",
        r.body
    );
    // The right one does; null unlinks.
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &bob,
            json!({"lettre_motivation": null}),
        )
        .await;
    assert_eq!(
        (r.status, &r.body["lettre_motivation"]),
        (200, &Value::Null)
    );
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &bob,
            json!({"lettre_motivation": id(&letter)}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["lettre_motivation"], id(&letter).as_str());
}

#[tokio::test]
async fn recruiters_read_the_cvs_sent_to_their_publications() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, other_recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Chargée de projet")
        .await;
    let (_, _, candidate) = app.applicant("candidat", json!({})).await;
    let cv_bytes = pdf("cv for the recruiter");
    let cv = uploaded(&app, &candidate, "cv", "cv.pdf", cv_bytes.clone()).await;
    let letter = uploaded(&app, &candidate, "lettre", "lettre.pdf", pdf("letter")).await;

    // Before applying, the recruiter cannot read it.
    let cv_path = format!("/api/upload/{}/", id(&cv));
    assert_eq!(app.get_auth(&cv_path, &recruiter).await.status, 404);
    // The CV comes from the profile; the letter is named.
    let r = app
        .apply(
            &candidate,
            "offres",
            &id(&offre),
            json!({"lettre_motivation_fichier": id(&letter)}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let application = r.body;
    assert_eq!(application["cv"], id(&cv).as_str());
    assert_eq!(
        application["lettre_motivation_fichier"],
        id(&letter).as_str()
    );
    let r = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{}/", id(&application)),
            &recruiter,
        )
        .await;
    assert_eq!(r.body["cv"], id(&cv).as_str());

    // The publication's recruiter reads both, through fresh links.
    let r = app.get_auth(&cv_path, &recruiter).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(download(&r.body).await.0, cv_bytes);
    // How many applications use it is not the recruiter's business.
    assert_eq!(r.body["candidatures"], 0);
    let r = app
        .get_auth(&format!("/api/upload/{}/", id(&letter)), &recruiter)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Another recruiter does not; an admin does.
    assert_eq!(app.get_auth(&cv_path, &other_recruiter).await.status, 404);
    assert_eq!(app.get_auth(&cv_path, &admin).await.status, 200);

    // The candidate cannot delete what the recruiter must read.
    let r = app.delete_auth(&cv_path, &candidate).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body["detail"].as_str().unwrap().contains("1 candidature"),
        "{}",
        r.body
    );
    assert_eq!(
        app.get_auth(&cv_path, &candidate).await.body["candidatures"],
        1
    );
    assert_eq!(
        download(&app.get_auth(&cv_path, &recruiter).await.body)
            .await
            .0,
        cv_bytes
    );

    // Once the application is withdrawn, the file is the candidate's alone.
    let r = app
        .delete_auth(
            &format!("/api/candidat/candidatures/{}/", id(&application)),
            &candidate,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(app.get_auth(&cv_path, &recruiter).await.status, 404);
    assert_eq!(app.delete_auth(&cv_path, &candidate).await.status, 204);
    assert_eq!(
        app.delete_auth(&format!("/api/upload/{}/", id(&letter)), &candidate)
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn verification_documents_reach_the_admin_review() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, recruiter, _, profile) = app.user("recruteur").await;
    let sub = id(&profile);
    let scan = png(40, 30);
    let kbis = uploaded(&app, &recruiter, "document", "Kbis Acme.png", scan.clone()).await;
    assert_eq!(kbis["content_type"], "image/png");
    let statutes = uploaded(&app, &recruiter, "document", "statuts", pdf("statuts")).await;
    assert_eq!(statutes["nom"], "statuts.pdf");
    let r = app.get_auth("/api/auth/profile/", &recruiter).await;
    assert_eq!(
        r.body["documents_verification"],
        json!([id(&kbis), id(&statutes)])
    );

    // The admin's review lists them, with links that work.
    let pending = app
        .walk("/api/admin/recruteurs-en-attente/", Some(&admin))
        .await;
    let account = pending
        .iter()
        .find(|a| a["id"] == sub.as_str())
        .expect("the account awaits review");
    let documents = account["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 2, "{account}");
    assert_eq!(documents[0]["nom"], "Kbis Acme.png");
    assert_eq!(download(&documents[0]).await.0, scan);
    // The documents are not for other recruiters to read.
    let (_, other, _, _) = app.user("recruteur").await;
    let r = app
        .get_auth(&format!("/api/upload/{}/", id(&kbis)), &other)
        .await;
    assert_eq!(r.status, 404);

    // Deleting one takes it off the list.
    let r = app
        .delete_auth(&format!("/api/upload/{}/", id(&kbis)), &recruiter)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = app.get_auth("/api/auth/profile/", &recruiter).await;
    assert_eq!(r.body["documents_verification"], json!([id(&statutes)]));
}
