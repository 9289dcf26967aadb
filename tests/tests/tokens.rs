//! Every way a bearer token can be wrong gives 401, on a live session.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ExplicitAuthFlowsType, MessageActionType,
};
use e2e::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

fn claims(token: &str) -> Value {
    jsonwebtoken::dangerous::insecure_decode(token)
        .unwrap()
        .claims
}

/// Re-signs `claims` with the emulator's own key: only the claims differ
/// from a genuine token.
fn forge(claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(&emulator_signing_key_pem()).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("dummy".into());
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

async fn profile_status(app: &TestApp, authorization: Option<&str>) -> (u16, Value) {
    let mut req = app.http.get(app.url("/api/auth/profile/"));
    if let Some(value) = authorization {
        req = req.header("Authorization", value);
    }
    let r = app.send(req).await;
    (r.status, r.body)
}

#[tokio::test]
async fn malformed_missing_and_tampered_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let (_, access, _, _) = app.user("candidat").await;
    assert_eq!(
        profile_status(&app, Some(&format!("Bearer {access}")))
            .await
            .0,
        200
    );

    let (status, body) = profile_status(&app, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "not_authenticated");

    let mut tampered = access.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let mut other_payload: Vec<&str> = access.split('.').collect();
    let forged_payload = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        br#"{"sub":"x"}"#,
    );
    other_payload[1] = &forged_payload;
    let swapped = other_payload.join(".");

    for bad in [
        "Bearer garbage".to_string(),
        "Bearer ".to_string(),
        format!("Basic {access}"),
        format!("Bearer {tampered}"),
        format!("Bearer {swapped}"),
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.".to_string(),
    ] {
        let (status, body) = profile_status(&app, Some(&bad)).await;
        assert_eq!(status, 401, "{bad}");
        assert!(body["detail"].is_string());
    }
}

#[tokio::test]
async fn expired_tokens_are_refused_while_fresh_ones_signed_alike_pass() {
    let app = TestApp::spawn().await;
    let (_, access, _, _) = app.user("candidat").await;
    let now = jsonwebtoken::get_current_timestamp();

    // Control: the same claims re-signed are accepted, so the refusals
    // below are about the claims alone.
    let same = forge(&claims(&access));
    assert_eq!(
        profile_status(&app, Some(&format!("Bearer {same}")))
            .await
            .0,
        200
    );

    let mut expired = claims(&access);
    expired["iat"] = json!(now - 7200);
    expired["exp"] = json!(now - 60);
    assert_eq!(
        profile_status(&app, Some(&format!("Bearer {}", forge(&expired))))
            .await
            .0,
        401
    );

    let mut wrong_use = claims(&access);
    wrong_use["token_use"] = json!("id");
    assert_eq!(
        profile_status(&app, Some(&format!("Bearer {}", forge(&wrong_use))))
            .await
            .0,
        401
    );

    let mut no_session = claims(&access);
    no_session["origin_jti"] = json!("never-logged-in");
    assert_eq!(
        profile_status(&app, Some(&format!("Bearer {}", forge(&no_session))))
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn tokens_of_another_client_or_pool_are_refused() {
    let app = TestApp::spawn().await;
    let (email, _, _, _) = app.user("candidat").await;
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&app.stack.sdk);
    let pool = &app.stack.resources.user_pool_id;

    // Another client of our pool: a genuine token, for someone else.
    let other_client = idp
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name(format!("other-{}", ulid::Ulid::new()))
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let token = idp
        .initiate_auth()
        .client_id(other_client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &email)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap();
    assert_eq!(
        profile_status(&app, Some(&format!("Bearer {token}")))
            .await
            .0,
        401
    );

    // Another pool altogether.
    let other_pool = idp
        .create_user_pool()
        .pool_name(format!("other-{}", ulid::Ulid::new()))
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = idp
        .create_user_pool_client()
        .user_pool_id(&other_pool)
        .client_name("c")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    idp.create_group()
        .user_pool_id(&other_pool)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    idp.admin_create_user()
        .user_pool_id(&other_pool)
        .username("intruder@example.com")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    idp.admin_set_user_password()
        .user_pool_id(&other_pool)
        .username("intruder@example.com")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    idp.admin_add_user_to_group()
        .user_pool_id(&other_pool)
        .username("intruder@example.com")
        .group_name("admin")
        .send()
        .await
        .unwrap();
    let token = idp
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "intruder@example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap();
    assert_eq!(
        profile_status(&app, Some(&format!("Bearer {token}")))
            .await
            .0,
        401
    );
}
