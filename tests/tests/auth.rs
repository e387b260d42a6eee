//! The management token over real HTTP on 127.0.0.1: fetched with the access key, cached,
//! shared by concurrent calls, refreshed before it expires and when the service refuses it,
//! and sent with the user pool, language and SDK headers of the configured header family.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use genauth_client::{Error, HeaderFamily, ManagementClient, ManagementClientBuilder, RetryPolicy};
use integration_tests::{envelope, jwt, refusal, token_reply, user, Recorded, Reply, TestServer, TOKEN_PATH};
use serde_json::json;

const USER_PATH: &str = "/api/v3/get-user";
const KEY_ID: &str = "ak-id-4b1d";
const KEY_SECRET: &str = "sk-secret-9e2f7c";

/// A token naming `pool` in its `scoped_userpool_id` claim; `n` makes each one distinct.
fn token(pool: &str, n: usize) -> String {
    // The note's `?` and `>` encode to `_` and `-`: the client must decode base64url, not base64.
    jwt(&json!({"scoped_userpool_id": pool, "n": n, "note": "???>>>", "exp": 4_102_444_800_u64}))
}

/// A server issuing `token(pool, 1)`, `token(pool, 2)`, … for `expires_in` seconds and answering
/// every other request with `other`.
fn service(pool: &'static str, expires_in: u64, other: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> TestServer {
    let issued = AtomicUsize::new(0);
    TestServer::start(move |request| {
        if request.path == TOKEN_PATH {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            token_reply(&token(pool, n), expires_in)
        } else {
            other(request)
        }
    })
}

fn builder(server: &TestServer) -> ManagementClientBuilder {
    ManagementClient::builder()
        .host(&server.base_url)
        .access_key_id(KEY_ID)
        .access_key_secret(KEY_SECRET)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
}

fn client(server: &TestServer) -> ManagementClient {
    builder(server).build().expect("valid configuration")
}

#[tokio::test]
async fn token_is_fetched_once_with_the_access_key_and_reused() {
    let server = service("pool-from-token", 7200, |r| match r.path.as_str() {
        "/api/v3/get-user-groups" => envelope(json!({"totalCount": 0, "list": []})),
        "/api/v3/list-users" => envelope(json!({"totalCount": 0, "list": []})),
        _ => envelope(user("u1")),
    });
    let client = client(&server);
    for _ in 0..3 {
        client.get_user().user_id("u1").send().await.expect("getUser succeeds");
    }
    client.get_user_groups().user_id("u1").send().await.expect("getUserGroups succeeds");
    // Clones share the cached token.
    client.clone().list_users().keywords("bob").send().await.expect("listUsers succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 6, "{requests:#?}");
    let token_request = &requests[0];
    assert_eq!((token_request.method.as_str(), token_request.path.as_str()), ("POST", TOKEN_PATH));
    assert_eq!(token_request.json(), json!({"accessKeyId": KEY_ID, "accessKeySecret": KEY_SECRET}));
    assert_eq!(token_request.header("authorization"), None, "the token call needs no token");
    assert_eq!(server.count(TOKEN_PATH), 1);

    let issued = token("pool-from-token", 1);
    let payload = issued.split('.').nth(1).expect("three segments");
    assert_eq!(issued.split('.').count(), 3);
    assert!(payload.contains('-') && payload.contains('_') && !payload.contains('='), "{payload}");
    let user_agent = token_request.header("user-agent").expect("user-agent").to_owned();
    let version = user_agent.strip_prefix("genauth-client/").expect("user-agent names the crate");
    assert!(!version.is_empty());
    for request in &requests[1..] {
        assert_eq!(request.header("authorization"), Some(format!("Bearer {issued}").as_str()), "{request:?}");
        // The user pool id comes from the token's `scoped_userpool_id` claim.
        assert_eq!(request.header("x-genauth-userpool-id"), Some("pool-from-token"), "{request:?}");
        assert_eq!(request.header("x-genauth-sdk-version"), Some(version), "{request:?}");
        assert_eq!(request.header("user-agent"), Some(user_agent.as_str()));
        assert_eq!(request.header("x-genauth-lang"), None, "no language unless configured");
        assert!(request.headers.iter().all(|(name, _)| !name.starts_with("x-authing-")), "{request:?}");
    }
}

#[tokio::test]
async fn configured_user_pool_id_wins_over_the_token_claim_and_lang_is_sent() {
    let server = service("pool-from-token", 7200, |_| envelope(user("u1")));
    let client = builder(&server).user_pool_id("pool-configured").lang("en-US").build().expect("valid");
    client.get_user().user_id("u1").send().await.expect("getUser succeeds");

    let call = &server.requests_to(USER_PATH)[0];
    assert_eq!(call.header("x-genauth-userpool-id"), Some("pool-configured"));
    assert_eq!(call.header("x-genauth-lang"), Some("en-US"));
    assert_eq!(call.header("authorization"), Some(format!("Bearer {}", token("pool-from-token", 1)).as_str()));
}

#[tokio::test]
async fn authing_header_family_sends_x_authing_headers() {
    let server = service("pool-authing", 7200, |_| envelope(user("u1")));
    let client = builder(&server).header_family(HeaderFamily::Authing).lang("zh-CN").build().expect("valid");
    client.get_user().user_id("u1").send().await.expect("getUser succeeds");

    let call = &server.requests_to(USER_PATH)[0];
    assert_eq!(call.header("x-authing-userpool-id"), Some("pool-authing"));
    assert_eq!(call.header("x-authing-lang"), Some("zh-CN"));
    assert!(call.header("x-authing-sdk-version").is_some_and(|v| !v.is_empty()), "{call:?}");
    assert!(call.headers.iter().all(|(name, _)| !name.starts_with("x-genauth-")), "{call:?}");

    // Without an explicit family the host decides (checked without sending anything).
    assert_eq!(HeaderFamily::for_host("api.authing.cn"), HeaderFamily::Authing);
    assert_eq!(HeaderFamily::for_host("api.genauth.ai"), HeaderFamily::GenAuth);
    assert_eq!(HeaderFamily::for_host("127.0.0.1"), HeaderFamily::GenAuth);
    let authing = ManagementClient::builder()
        .host("https://api.authing.cn")
        .access_key_id(KEY_ID)
        .access_key_secret(KEY_SECRET)
        .build()
        .expect("valid");
    assert!(format!("{authing:?}").contains("family: Authing"), "{authing:?}");
}

#[tokio::test]
async fn token_is_refreshed_before_it_expires() {
    // One second of validity: the client refreshes a tenth of it early, after 0.9 s.
    let server = service("pool-1", 1, |_| envelope(user("u1")));
    let client = client(&server);
    client.get_user().user_id("u1").send().await.expect("first call");
    client.get_user().user_id("u1").send().await.expect("second call, within the lifetime");
    assert_eq!(server.count(TOKEN_PATH), 1, "still valid: reused");

    tokio::time::sleep(Duration::from_millis(950)).await;
    client.get_user().user_id("u1").send().await.expect("third call, after the refresh point");
    assert_eq!(server.count(TOKEN_PATH), 2, "refreshed");
    let calls = server.requests_to(USER_PATH);
    assert_eq!(calls.len(), 3);
    let bearer = |n| format!("Bearer {}", token("pool-1", n));
    assert_eq!(calls[1].header("authorization"), Some(bearer(1).as_str()));
    assert_eq!(calls[2].header("authorization"), Some(bearer(2).as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_on_a_fresh_client_share_one_token_request() {
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&issued);
    let server = TestServer::start(move |request| {
        if request.path == TOKEN_PATH {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            // Slow, so every call arrives while the first fetch is under way.
            token_reply(&token("pool-1", n), 7200).delayed(Duration::from_millis(200))
        } else {
            envelope(user("u1"))
        }
    });
    let client = client(&server);
    let started = Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.get_user().user_id(format!("u{i}")).send().await })
        })
        .collect();
    for task in tasks {
        task.await.expect("task ran").expect("getUser succeeds");
    }
    assert!(started.elapsed() >= Duration::from_millis(190), "the calls waited for the token");
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(server.count(TOKEN_PATH), 1);
    let calls = server.requests_to(USER_PATH);
    assert_eq!(calls.len(), 50);
    let bearer = format!("Bearer {}", token("pool-1", 1));
    assert!(calls.iter().all(|c| c.header("authorization") == Some(bearer.as_str())));
}

#[tokio::test]
async fn refused_token_is_refreshed_once_and_the_call_repeated() {
    let first = format!("Bearer {}", token("pool-1", 1));
    let server = service("pool-1", 7200, move |request| {
        if request.header("authorization") == Some(first.as_str()) {
            refusal(401, "token expired")
        } else {
            envelope(user("u1"))
        }
    });
    let client = client(&server);
    let found = client.get_user().user_id("u1").send().await.expect("succeeds after one refresh");
    assert_eq!(found.user_id, "u1");
    assert_eq!(server.count(TOKEN_PATH), 2);
    let calls = server.requests_to(USER_PATH);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].header("authorization"), Some(format!("Bearer {}", token("pool-1", 2)).as_str()));

    // The new token is cached for the next call.
    client.get_user().user_id("u1").send().await.expect("succeeds");
    assert_eq!(server.count(TOKEN_PATH), 2);
    assert_eq!(server.count(USER_PATH), 3);
}

#[tokio::test]
async fn persistently_refused_token_fails_after_exactly_one_refresh() {
    let server = service("pool-1", 7200, |_| refusal(401, "token invalid"));
    let err = client(&server).get_user().user_id("u1").send().await.expect_err("401 persists");
    assert!(
        matches!(&err, Error::Api { operation: "getUser", status_code: 401, message, .. } if message == "token invalid"),
        "{err:?}"
    );
    assert_eq!(err.status_code(), Some(401));
    assert_eq!(server.count(TOKEN_PATH), 2, "one refresh, no loop");
    assert_eq!(server.count(USER_PATH), 2, "one repeat, no loop");
}

#[tokio::test]
async fn a_ready_made_token_is_sent_as_is_and_never_refreshed() {
    let fixed = token("pool-of-fixed-token", 0);
    let server = TestServer::start(|_| refusal(401, "token invalid"));
    let client = ManagementClient::builder()
        .host(&server.base_url)
        .access_token(&fixed)
        .build()
        .expect("a token is enough");
    let err = client.get_user().user_id("u1").send().await.expect_err("refused");
    assert_eq!(err.status_code(), Some(401));
    let call = server.single_request();
    assert_eq!(call.path, USER_PATH, "no token request without an access key");
    assert_eq!(call.header("authorization"), Some(format!("Bearer {fixed}").as_str()));
    assert_eq!(call.header("x-genauth-userpool-id"), Some("pool-of-fixed-token"));
}

#[tokio::test]
async fn failed_token_request_surfaces_as_the_token_operations_error() {
    let server = TestServer::start(|request| {
        if request.path == TOKEN_PATH {
            refusal(400, "bad key")
        } else {
            envelope(user("u1"))
        }
    });
    let client = client(&server);
    let err = client.get_user().user_id("u1").send().await.expect_err("no token");
    assert!(
        matches!(&err, Error::Api { operation: "getManagementToken", status_code: 400, message, .. } if message == "bad key"),
        "{err:?}"
    );
    assert_eq!(err.operation(), Some("getManagementToken"));
    assert!(err.to_string().starts_with("getManagementToken: the service answered 400"), "{err}");
    assert_eq!(server.count(USER_PATH), 0, "nothing is sent without a token");
    assert_eq!(server.count(TOKEN_PATH), 1, "a refused access key is not repeated");

    // A failure is not cached: the next call asks again.
    client.get_user().user_id("u1").send().await.expect_err("still no token");
    assert_eq!(server.count(TOKEN_PATH), 2);
}

#[test]
fn build_refuses_configurations_that_cannot_work() {
    let invalid = |result: Result<ManagementClient, Error>, what: &str| match result {
        Err(Error::InvalidConfig(message)) => message,
        other => panic!("{what}: expected InvalidConfig, got {other:?}"),
    };
    let host = "http://127.0.0.1:9";
    let none = invalid(ManagementClient::builder().host(host).build(), "no credentials");
    assert!(none.contains("no credentials"), "{none}");
    let id_only = invalid(ManagementClient::builder().host(host).access_key_id(KEY_ID).build(), "id only");
    assert!(id_only.contains("secret"), "{id_only}");
    let secret_only = invalid(ManagementClient::builder().host(host).access_key_secret(KEY_SECRET).build(), "secret only");
    assert!(secret_only.contains("id"), "{secret_only}");
    assert!(!secret_only.contains(KEY_SECRET));
    let empty_secret =
        ManagementClient::builder().host(host).access_key_id(KEY_ID).access_key_secret("").build();
    invalid(empty_secret, "empty secret");
    for bad_host in ["not a url", "ftp://example.com", "/api/v3", "http://"] {
        let message = invalid(
            ManagementClient::builder().host(bad_host).access_key_id(KEY_ID).access_key_secret(KEY_SECRET).build(),
            bad_host,
        );
        assert!(message.contains("host"), "{bad_host}: {message}");
    }
    // A token alone, or a key alone, is enough.
    ManagementClient::builder().host(host).access_token("t").build().expect("token");
    ManagementClient::builder().access_key_id(KEY_ID).access_key_secret(KEY_SECRET).build().expect("key");
}

/// Set in the environment of the child process [`from_env_reads_the_environment`] starts.
const CHILD_MODE: &str = "AUTH_TEST_FROM_ENV_MODE";

/// `from_env()` reads process-wide state. Rather than `set_var` in a test binary whose tests
/// run in parallel threads (unsafe in edition 2024: another thread may read the environment
/// meanwhile), this test runs this same binary again as a child process with its own
/// environment, limited to the ignored test [`from_env_child`].
#[test]
fn from_env_reads_the_environment() {
    let server = service("pool-from-token", 7200, |_| envelope(user("u1")));
    let child = |mode: &str, vars: &[(&str, &str)]| {
        let mut command = Command::new(std::env::current_exe().expect("test binary"));
        command.args(["from_env_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"]);
        for name in ["ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "ACCESS_TOKEN", "HOST", "USER_POOL_ID", "LANG"] {
            command.env_remove(format!("GENAUTH_{name}"));
        }
        command.env(CHILD_MODE, mode).envs(vars.iter().copied());
        let output = command.output().expect("child runs");
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "child {mode}:\n{text}");
        assert!(text.contains("1 passed"), "the child test ran:\n{text}");
    };
    child(
        "complete",
        &[
            ("GENAUTH_ACCESS_KEY_ID", "env-key-id-31337"),
            ("GENAUTH_ACCESS_KEY_SECRET", "env-key-secret-31337"),
            ("GENAUTH_HOST", &server.base_url),
            ("GENAUTH_USER_POOL_ID", "env-pool-31337"),
            ("GENAUTH_LANG", "en-US"),
        ],
    );
    child("missing", &[("GENAUTH_ACCESS_KEY_ID", "env-key-id-31337"), ("GENAUTH_HOST", &server.base_url)]);

    let token_request = &server.requests_to(TOKEN_PATH)[0];
    assert_eq!(
        token_request.json(),
        json!({"accessKeyId": "env-key-id-31337", "accessKeySecret": "env-key-secret-31337"})
    );
    let calls = server.requests_to(USER_PATH);
    assert_eq!(calls.len(), 1, "only the complete environment makes a call");
    assert_eq!(calls[0].header("x-genauth-userpool-id"), Some("env-pool-31337"));
    assert_eq!(calls[0].header("x-genauth-lang"), Some("en-US"));
}

/// The child half of [`from_env_reads_the_environment`]; does nothing when run on its own.
#[tokio::test]
#[ignore = "run by from_env_reads_the_environment in a child process"]
async fn from_env_child() {
    let Ok(mode) = std::env::var(CHILD_MODE) else { return };
    match mode.as_str() {
        "complete" => {
            let client = ManagementClient::from_env().expect("configured from the environment");
            let host = std::env::var("GENAUTH_HOST").expect("host");
            assert_eq!(client.base_url().as_str().trim_end_matches('/'), host);
            client.get_user().user_id("u1").send().await.expect("getUser succeeds");
        }
        "missing" => match ManagementClient::from_env() {
            Err(Error::InvalidConfig(message)) => {
                assert!(message.contains("GENAUTH_"), "names the variables: {message}");
                assert!(message.contains("secret"), "{message}");
            }
            other => panic!("expected InvalidConfig, got {other:?}"),
        },
        other => panic!("unknown mode {other}"),
    }
}

#[tokio::test]
async fn token_request_is_repeated_when_the_service_is_briefly_unavailable() {
    // Exchanging the key for a token changes nothing, so a 503 on it is repeated like a read's.
    let attempts = AtomicUsize::new(0);
    let server = TestServer::start(move |request| {
        if request.path != TOKEN_PATH {
            envelope(user("u1"))
        } else if attempts.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::raw(503, "text/plain", "Service Unavailable")
        } else {
            token_reply(&token("pool-1", 1), 7200)
        }
    });
    client(&server).get_user().user_id("u1").send().await.expect("succeeds once the token comes");
    assert_eq!(server.count(TOKEN_PATH), 2);
    assert_eq!(server.count(USER_PATH), 1);
}

#[tokio::test]
async fn absurd_token_lifetimes_neither_panic_nor_stick() {
    // A lifetime far beyond any clock: the client must not overflow computing when to refresh.
    let server = TestServer::start(|request| {
        if request.path == TOKEN_PATH {
            envelope(json!({"access_token": token("pool-1", 1), "expires_in": i64::MAX}))
        } else {
            envelope(user("u1"))
        }
    });
    let client = client(&server);
    client.get_user().user_id("u1").send().await.expect("first call");
    client.get_user().user_id("u1").send().await.expect("second call");
    assert_eq!(server.count(TOKEN_PATH), 1, "cached");

    // A negative or zero lifetime: usable once, fetched again for the next call.
    let server = TestServer::start(|request| {
        if request.path == TOKEN_PATH {
            envelope(json!({"access_token": token("pool-1", 1), "expires_in": -5}))
        } else {
            envelope(user("u1"))
        }
    });
    let client = self::client(&server);
    client.get_user().user_id("u1").send().await.expect("first call");
    client.get_user().user_id("u1").send().await.expect("second call");
    assert_eq!(server.count(TOKEN_PATH), 2, "an expired token is not reused");
}
