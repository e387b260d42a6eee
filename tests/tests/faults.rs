//! Failures as production servers produce them, over real HTTP on 127.0.0.1: business errors,
//! rate limiting, unavailable servers, slow servers, dropped connections, HTML error pages,
//! answers that do not decode, and requests refused before anything is sent.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use genauth_client::types::{ListUsersOptionsDto, PaginationDto, UpdateUserInfoDto};
use genauth_client::{Error, ManagementClient, RetryPolicy};
use integration_tests::{envelope, user, Recorded, Reply, TestServer};
use serde_json::json;

const USER_PATH: &str = "/api/v3/get-user";

/// Fast repeats: 10 ms backoff, never more than 100 ms.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(100))
}

/// A client with a ready-made token, so each attempt is exactly one request.
fn client_with(server: &TestServer, policy: RetryPolicy) -> ManagementClient {
    ManagementClient::builder()
        .host(&server.base_url)
        .access_token("test-token")
        .user_pool_id("pool-1")
        .timeout(Duration::from_secs(5))
        .retry_policy(policy)
        .build()
        .expect("valid configuration")
}

fn client(server: &TestServer) -> ManagementClient {
    client_with(server, quick_retries())
}

/// Answers the first `failures` requests with `failure`, then `success`.
fn failing_then(failures: usize, failure: Reply, success: Reply) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let seen = AtomicUsize::new(0);
    move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < failures { failure.clone() } else { success.clone() }
    }
}

fn unavailable() -> Reply {
    Reply::raw(503, "text/plain", "Service Unavailable")
}

#[tokio::test]
async fn business_error_keeps_every_field_of_the_answer() {
    let server = TestServer::start(|_| {
        Reply::json(json!({"statusCode": 404, "apiCode": 2004, "message": "User not found", "requestId": "req-404"}))
    });
    let err = client(&server).get_user().user_id("nobody").send().await.expect_err("not found");
    match &err {
        Error::Api { operation, status_code, api_code, message, request_id, http_status } => {
            assert_eq!(*operation, "getUser");
            assert_eq!(*status_code, 404);
            assert_eq!(*api_code, Some(2004));
            assert_eq!(message, "User not found");
            assert_eq!(request_id.as_deref(), Some("req-404"));
            assert_eq!(*http_status, 200);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert_eq!(err.status_code(), Some(404));
    assert_eq!(err.api_code(), Some(2004));
    assert_eq!(err.request_id(), Some("req-404"));
    assert_eq!(err.operation(), Some("getUser"));
    assert_eq!(err.body(), None);
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "getUser: the service answered 404 (api code 2004): User not found [request req-404]"
    );
    assert_eq!(server.count(USER_PATH), 1, "a business error is not repeated");
}

#[tokio::test]
async fn rate_limit_is_repeated_after_retry_after() {
    let limited = Reply::json(json!({"statusCode": 429, "message": "Too Many Requests"}))
        .with_status(429)
        .header("Retry-After", "1");
    let server = TestServer::start(failing_then(1, limited, envelope(user("u1"))));
    let policy = quick_retries().max_retry_after(Duration::from_secs(2));
    let started = Instant::now();
    let found = client_with(&server, policy).get_user().user_id("u1").send().await.expect("succeeds on the repeat");
    let waited = started.elapsed();
    assert_eq!(found.user_id, "u1");
    assert_eq!(server.count(USER_PATH), 2);
    // The server's word (1 s), not the 10 ms backoff.
    assert!(waited >= Duration::from_millis(900), "waited only {waited:?}");
    assert!(waited < Duration::from_millis(2500), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_is_capped_by_max_retry_after() {
    let limited = Reply::raw(429, "application/json", r#"{"statusCode":429,"message":"slow down"}"#).header("Retry-After", "30");
    let server = TestServer::start(failing_then(1, limited, envelope(user("u1"))));
    let policy = quick_retries().max_retry_after(Duration::from_millis(50));
    let started = Instant::now();
    client_with(&server, policy).get_user().user_id("u1").send().await.expect("succeeds on the repeat");
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?}", started.elapsed());
    assert_eq!(server.count(USER_PATH), 2);
}

#[tokio::test]
async fn rate_limit_that_persists_is_a_retryable_api_error() {
    let limited = Reply::json(json!({"statusCode": 429, "message": "Too Many Requests"})).with_status(429);
    let server = TestServer::start(move |_| limited.clone());
    let err = client_with(&server, quick_retries().max_retries(1)).get_user().user_id("u1").send().await.expect_err("429");
    assert!(matches!(&err, Error::Api { status_code: 429, http_status: 429, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(server.count(USER_PATH), 2);
}

#[tokio::test]
async fn unavailable_twice_then_success_takes_three_requests() {
    let server = TestServer::start(failing_then(2, unavailable(), envelope(user("u1"))));
    let found = client(&server).get_user().user_id("u1").send().await.expect("succeeds on the third attempt");
    assert_eq!(found.user_id, "u1");
    assert_eq!(server.count(USER_PATH), 3);
}

#[tokio::test]
async fn unavailable_forever_gives_up_after_max_retries() {
    let server = TestServer::start(|_| unavailable());
    let err = client_with(&server, quick_retries().max_retries(3))
        .get_user()
        .user_id("u1")
        .send()
        .await
        .expect_err("always 503");
    assert!(matches!(&err, Error::Http { operation: "getUser", status: 503, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.body(), Some("Service Unavailable"));
    assert_eq!(server.count(USER_PATH), 4, "1 attempt + 3 retries");
}

#[tokio::test]
async fn writes_are_not_repeated_unless_allowed() {
    let server = TestServer::start(|_| unavailable());
    let update = |client: ManagementClient| {
        client.update_user_batch().list([UpdateUserInfoDto { user_id: "u1".into(), ..Default::default() }]).send()
    };
    let err = update(client(&server)).await.expect_err("503");
    assert!(matches!(&err, Error::Http { operation: "updateUserBatch", status: 503, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1, "a write that may have happened is not repeated");

    let allowed = client_with(&server, quick_retries().retry_writes(true));
    update(allowed).await.expect_err("503");
    assert_eq!(server.requests().len(), 1 + 3, "with retry_writes: 1 attempt + 2 retries");
}

#[tokio::test]
async fn list_users_is_a_read_and_repeated() {
    let server = TestServer::start(|_| unavailable());
    let err = client(&server).list_users().keywords("bob").send().await.expect_err("503");
    assert!(matches!(&err, Error::Http { operation: "listUsers", status: 503, .. }), "{err:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "POST, but read-only per the config: 1 attempt + 2 retries");
    assert!(requests.iter().all(|r| r.method == "POST" && r.json() == json!({"keywords": "bob"})));
}

#[tokio::test]
async fn disabled_policy_sends_once() {
    let server = TestServer::start(|_| unavailable());
    let err = client_with(&server, RetryPolicy::disabled()).get_user().user_id("u1").send().await.expect_err("503");
    assert!(matches!(&err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(server.count(USER_PATH), 1);
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = TestServer::start(|_| envelope(user("u1")).delayed(Duration::from_secs(2)));
    let client = ManagementClient::builder()
        .host(&server.base_url)
        .access_token("test-token")
        .timeout(Duration::from_millis(200))
        .retry_policy(quick_retries())
        .build()
        .expect("valid");
    let started = Instant::now();
    let err = client.get_user().user_id("u1").send().await.expect_err("too slow");
    assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());
    match &err {
        Error::Transport { operation, source } => {
            assert_eq!(*operation, "getUser");
            assert!(source.is_timeout(), "{source:?}");
        }
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert!(err.to_string().starts_with("getUser: request failed"), "{err}");
}

#[tokio::test]
async fn connection_closed_mid_body_is_a_transport_error() {
    let server = TestServer::start(|_| envelope(user("u1")).cut_after(20));
    let err = client(&server).get_user().user_id("u1").send().await.expect_err("body cut short");
    match &err {
        Error::Transport { operation: "getUser", source } => assert!(!source.is_timeout(), "{source:?}"),
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    assert_eq!(err.body(), None);
    assert_eq!(server.count(USER_PATH), 1);
}

#[tokio::test]
async fn connection_reset_instead_of_an_answer_is_a_transport_error() {
    let server = TestServer::start(|_| Reply::reset());
    let err = client_with(&server, quick_retries().max_retries(1))
        .get_user()
        .user_id("u1")
        .send()
        .await
        .expect_err("no answer");
    match &err {
        Error::Transport { operation: "getUser", source } => {
            let mut causes = std::iter::successors(Some(source as &dyn std::error::Error), |e| e.source());
            let reset = causes.any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == ErrorKind::ConnectionReset));
            assert!(reset, "{source:?}");
        }
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    assert_eq!(err.body(), None);
    // Only a failed connection is repeated: this one carried the request, which the server
    // may have acted on, so even a read is sent once.
    assert_eq!(server.count(USER_PATH), 1);
}

#[tokio::test]
async fn refused_connection_is_a_retryable_transport_error() {
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let client = ManagementClient::builder()
        .host(format!("http://127.0.0.1:{port}"))
        .access_token("test-token")
        .retry_policy(quick_retries().max_retries(1))
        .build()
        .expect("valid");
    let err = client.get_user().user_id("u1").send().await.expect_err("nothing listens");
    match &err {
        Error::Transport { operation: "getUser", source } => assert!(source.is_connect(), "{source:?}"),
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn html_error_page_is_an_http_error_with_the_body() {
    let page = "<html><body><h1>500 Internal Server Error</h1></body></html>";
    let server = TestServer::start(move |_| Reply::raw(500, "text/html", page));
    let err = client(&server).get_user().user_id("u1").send().await.expect_err("500");
    assert!(matches!(&err, Error::Http { operation: "getUser", status: 500, .. }), "{err:?}");
    assert_eq!(err.body(), Some(page));
    assert_eq!(err.status_code(), Some(500));
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("<h1>500 Internal Server Error</h1>"), "{err}");
    assert_eq!(server.count(USER_PATH), 1, "500 is not repeated");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_the_body() {
    let body = r#"{"statusCode": 200, "data": {"userId": "u1""#;
    let server = TestServer::start(move |_| Reply::raw(200, "application/json", body));
    let err = client(&server).get_user().user_id("u1").send().await.expect_err("truncated JSON");
    assert!(matches!(&err, Error::Decode { operation: "getUser", .. }), "{err:?}");
    assert_eq!(err.body(), Some(body));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn success_without_data_is_a_decode_error_at_data() {
    let server = TestServer::start(|_| Reply::json(json!({"statusCode": 200, "message": "Success"})));
    let err = client(&server).get_user().user_id("u1").send().await.expect_err("no data");
    match &err {
        Error::Decode { operation, path, body, .. } => {
            assert_eq!(*operation, "getUser");
            assert_eq!(path, "data");
            assert!(body.contains("Success"), "{body}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_type_deep_inside_names_its_path() {
    let server = TestServer::start(|request| {
        let mut bad = user("u2");
        bad["loginsCount"] = json!("x");
        if request.path == USER_PATH {
            envelope(bad)
        } else {
            envelope(json!([user("u1"), bad]))
        }
    });
    let err = client(&server).get_user().user_id("u2").send().await.expect_err("string count");
    match &err {
        Error::Decode { path, source, .. } => {
            assert_eq!(path, "data.loginsCount");
            assert!(source.to_string().contains("invalid type: string"), "{source}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert!(err.to_string().contains("`data.loginsCount`"), "{err}");

    let err = client(&server).get_user_batch().user_ids(["u1", "u2"]).send().await.expect_err("second user");
    assert!(matches!(&err, Error::Decode { operation: "getUserBatch", path, .. } if path == "data[1].loginsCount"), "{err:?}");
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = TestServer::start(|_| envelope(json!({"totalCount": 0, "list": []})));
    let client = client(&server);

    let err = client.get_user().send().await.expect_err("userId is required");
    assert!(matches!(err, Error::MissingParameter { operation: "getUser", parameter: "userId" }), "{err:?}");
    let err = client.get_user_groups().user_id_type("email").send().await.expect_err("userId is required");
    assert!(matches!(err, Error::MissingParameter { operation: "getUserGroups", parameter: "userId" }), "{err:?}");
    let err = client.update_user_batch().send().await.expect_err("list is required");
    assert!(matches!(err, Error::MissingParameter { operation: "updateUserBatch", parameter: "list" }), "{err:?}");

    let err = client.get_user_batch().user_ids(Vec::<String>::new()).send().await.expect_err("no ids");
    assert_eq!(err.to_string(), "getUserBatch: invalid parameter `userIds`: has 0 items, at least 1 required");
    let err = client.get_user_batch().user_ids((0..51).map(|i| format!("u{i}"))).send().await.expect_err("51 ids");
    assert_eq!(err.to_string(), "getUserBatch: invalid parameter `userIds`: has 51 items, at most 50 allowed");

    // Bounds declared inside the body: `options.pagination.limit` is 1 to 50, `page` from 1.
    let page = |page: i64, limit: i64| ListUsersOptionsDto {
        pagination: Some(PaginationDto { page: Some(page), limit: Some(limit) }),
        ..Default::default()
    };
    for (options, reason) in [
        (page(1, 0), "`options.pagination.limit` is 0, at least 1 required"),
        (page(1, 51), "`options.pagination.limit` is 51, at most 50 allowed"),
        (page(0, 10), "`options.pagination.page` is 0, at least 1 required"),
    ] {
        let err = client.list_users().options(options).send().await.expect_err("out of bounds");
        match &err {
            Error::InvalidParameter { operation: "listUsers", parameter: "options", reason: got } => {
                assert_eq!(got, reason);
            }
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
        assert!(!err.is_retryable());
    }
    assert!(server.requests().is_empty(), "nothing may be sent: {:#?}", server.requests());

    // The bounds themselves are allowed.
    for options in [page(1, 1), page(1, 50), ListUsersOptionsDto::default()] {
        client.list_users().options(options).send().await.expect("within bounds");
    }
    let sent = server.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[1].json()["options"]["pagination"], json!({"page": 1, "limit": 50}));
}

/// The generator's checks of nested bounds in every shape (`tests/fixtures/limits.yaml`): through
/// aliases, maps, nullable list items, union variants and a boxed recursive type.
#[tokio::test]
async fn nested_bounds_of_every_shape_are_refused_before_sending() {
    use fixture_limits::types::{BatchGapsItem, Line, LineOrNote, Link, Note};
    use std::collections::BTreeMap;

    let server = TestServer::start(|_| Reply::raw(204, "application/json", ""));
    let client = fixture_limits::Client::new(&server.base_url).expect("valid");
    let line = |quantity: i32| Line { sku: "s".into(), quantity, weight: None, tags: None };
    let refused = |err: Result<(), fixture_limits::Error>| match err {
        Err(fixture_limits::Error::InvalidParameter { operation, parameter, reason }) => format!("{operation} {parameter}: {reason}"),
        other => panic!("expected InvalidParameter, got {other:?}"),
    };

    let err = client.create_batch().lines(vec![line(1), line(100)]).send().await;
    assert_eq!(refused(err), "createBatch lines: `lines[1].quantity` is 100, at most 99 allowed");
    let tagged = Line { tags: Some(vec!["a".into(); 4]), ..line(1) };
    let err = client.create_batch().lines(vec![line(1)]).by_warehouse(BTreeMap::from([("w-1".to_owned(), tagged)])).send().await;
    assert_eq!(refused(err), r#"createBatch byWarehouse: `byWarehouse["w-1"].tags` has 4 items, at most 3 allowed"#);
    let err = client
        .create_batch()
        .lines(vec![line(1)])
        .gaps([None, Some(BatchGapsItem { size: Some(10.5) })])
        .send()
        .await;
    assert_eq!(refused(err), "createBatch gaps: `gaps[1].size` is 10.5, at most 10 allowed");
    let heavy = Line { weight: Some(-1.0), ..line(1) };
    let err = client.create_batch().lines(vec![line(1)]).entries([LineOrNote::Note(Note::default()), LineOrNote::Line(heavy)]).send().await;
    assert_eq!(refused(err), "createBatch entries: `entries[1].weight` is -1, at least 0 required");
    let err = client.put_lines().body([line(0)]).send().await;
    assert_eq!(refused(err), "putLines body: `body[0].quantity` is 0, at least 1 required");
    let chain = Link { weight: Some(1), next: Some(Box::new(Link { weight: Some(-3), next: None })) };
    let err = client.create_chain().next(chain).send().await;
    assert_eq!(refused(err), "createChain next: `next.next.weight` is -3, at least 0 required");
    assert!(server.requests().is_empty(), "nothing may be sent: {:#?}", server.requests());

    // Values within their bounds are sent.
    client.create_batch().lines(vec![line(1), line(99)]).gaps([None]).send().await.expect("within bounds");
    client.create_chain().next(Link { weight: Some(0), next: None }).send().await.expect("within bounds");
    assert_eq!(server.requests().len(), 2);
}
