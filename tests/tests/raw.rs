//! `client.request(method, path)`: endpoints the crate does not type, sent like typed calls
//! (token, headers, retries, envelope, `Error`), over loopback HTTP.

use std::time::Duration;

use genauth_client::runtime::Method;
use genauth_client::types::UserDto;
use genauth_client::{Error, ManagementClient, RetryPolicy};
use integration_tests::{envelope, refusal, user, Reply, TestServer};
use serde_json::{json, Value};

fn client(server: &TestServer) -> ManagementClient {
    ManagementClient::builder()
        .host(&server.base_url)
        .access_token("test-token")
        .user_pool_id("pool-1")
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)).max_backoff(Duration::from_millis(20)))
        .build()
        .expect("valid")
}

#[tokio::test]
async fn a_write_with_a_json_body_returns_the_payload_as_the_type_named() {
    let server = TestServer::start(|_| envelope(user("u-new")));
    let created: UserDto = client(&server)
        .request(Method::POST, "/api/v3/create-user")
        .json(&json!({"email": "ann@example.com", "options": {"sendNotification": false}}))
        .header("x-request-tag", "raw")
        .send()
        .await
        .expect("created");
    assert_eq!(created.user_id, "u-new");
    let wire = server.single_request();
    assert_eq!((wire.method.as_str(), wire.path.as_str()), ("POST", "/api/v3/create-user"));
    assert_eq!(wire.json(), json!({"email": "ann@example.com", "options": {"sendNotification": false}}));
    // The same credentials and headers as any typed call.
    assert_eq!(wire.header("authorization"), Some("Bearer test-token"));
    assert_eq!(wire.header("x-genauth-userpool-id"), Some("pool-1"));
    assert_eq!(wire.header("content-type"), Some("application/json"));
    assert_eq!(wire.header("x-request-tag"), Some("raw"));
}

#[tokio::test]
async fn query_pairs_from_the_path_and_from_query_are_sent_in_order() {
    let server = TestServer::start(|_| envelope(json!({"ok": true})));
    let answer = client(&server)
        .request(Method::GET, "/api/v3/list-groups?keywords=a+b")
        .query("page", 2)
        .query("limit", "10")
        .send_with_meta::<Value>()
        .await
        .expect("listed");
    assert_eq!(answer.data, json!({"ok": true}));
    assert_eq!(answer.request_id.as_deref(), Some("req-ok"));
    let wire = server.single_request();
    assert_eq!(wire.path, "/api/v3/list-groups");
    assert_eq!(wire.query.as_deref(), Some("keywords=a+b&page=2&limit=10"));
}

#[tokio::test]
async fn refusals_and_undecodable_payloads_are_the_usual_errors() {
    let server = TestServer::start(|r| {
        if r.path.ends_with("missing") { refusal(404, "no such thing") } else { envelope(json!({"userId": 5})) }
    });
    let err = client(&server).request(Method::POST, "/api/v3/missing").send::<Value>().await.expect_err("refused");
    assert!(matches!(&err, Error::Api { operation: "request", status_code: 404, .. }), "{err:?}");
    let err = client(&server).request(Method::POST, "/api/v3/odd").send::<UserDto>().await.expect_err("does not fit");
    match &err {
        Error::Decode { operation: "request", path, .. } => assert_eq!(path, "data.userId"),
        other => panic!("{other:?}"),
    }
    let err = client(&server).request(Method::GET, "/api/v3/x").header("bad header", "v").send::<Value>().await.expect_err("refused");
    assert!(matches!(&err, Error::InvalidParameter { operation: "request", parameter: "header", .. }), "{err:?}");
    assert_eq!(server.requests().len(), 2, "the bad header was refused before sending");
}

#[tokio::test]
async fn only_reads_are_repeated_unless_marked_read_only() {
    let server = TestServer::start(|_| Reply::json(json!({"statusCode": 503, "message": "busy"})).with_status(503));
    let err = client(&server).request(Method::POST, "/api/v3/write").send::<Value>().await.expect_err("busy");
    assert!(matches!(&err, Error::Api { status_code: 503, http_status: 503, .. }), "{err:?}");
    assert_eq!(server.count("/api/v3/write"), 1);
    client(&server).request(Method::POST, "/api/v3/read").read_only(true).send::<Value>().await.expect_err("busy");
    assert_eq!(server.count("/api/v3/read"), 3, "two retries by default");
    client(&server).request(Method::GET, "/api/v3/get").send::<Value>().await.expect_err("busy");
    assert_eq!(server.count("/api/v3/get"), 3);
}

#[tokio::test]
async fn the_mock_kit_answers_raw_requests_of_its_operations() {
    let server = genauth_client::mock::MockServer::start().await;
    let mut dto: UserDto = serde_json::from_value(user("u1")).expect("a user");
    dto.nickname = Some("Ann".to_owned());
    server.get_user().expect_query("userId", "u1").respond(dto);
    let found: Value = server.client().request(Method::GET, "/api/v3/get-user").query("userId", "u1").send().await.expect("found");
    assert_eq!(found["nickname"], "Ann");
    server.verify();
}
