//! The client core (`Client`, `ClientBuilder`, `Request`, `RetryPolicy`, token auth, envelope
//! decoding, `Error`) over real HTTP on 127.0.0.1: mostly against the runtime's own mock server,
//! and where connection-level behaviour matters, against a counting DNS resolver or a tiny
//! hand-rolled listener. Three API descriptions: envelope + token auth whose tokens name the
//! tenant (`SHOP`), token auth without envelope where "token invalid" is HTTP 401 (`KEYS`), and
//! neither (`PLAIN`). Timing assertions have generous upper bounds; every test is bounded by
//! [`within`].

#![cfg(feature = "mock")]

mod common;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openapi_client_runtime::mock::{Enveloped, Json, Mock, MockServer, NoContent, OperationInfo, TypedRequest, ACCESS_KEY_ID, ACCESS_KEY_SECRET, TENANT_ID};
use openapi_client_runtime::{
    reqwest, ApiDescription, Call, Client, ClientBuilder, EnvelopeFormat, Error, HeaderFamily, Method, RetryPolicy, TokenAuth,
};
use common::{KEYS, KEY_OPERATIONS};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// ---- API descriptions ----

/// Envelope, and token auth whose tokens carry the tenant in the claim `tenant`.
static SHOP: ApiDescription = ApiDescription {
    client_name: "ShopClient",
    default_host: None,
    base_path: None,
    user_agent: "shop-test/1.2.3",
    version: "1.2.3",
    env_prefix: Some("RTCLIENT_SHOP"),
    envelope: Some(EnvelopeFormat {
        status_field: "code",
        success: 0,
        data_field: "data",
        message_field: "msg",
        api_code_field: Some("apiCode"),
        request_id_field: Some("requestId"),
    }),
    auth: Some(TokenAuth {
        operation: "getToken",
        method: "POST",
        path: "/auth/token",
        key_id_field: "accessKeyId",
        key_secret_field: "accessKeySecret",
        token_field: "token",
        expires_in_field: "expires_in",
        header: "authorization",
        scheme: "Bearer ",
        invalid_token_status: 401,
        tenant_claim: Some("tenant"),
        tenant_name: "tenant_id",
        tenant_header: "tenant",
        lang_header: "lang",
        sdk_version_header: "sdk-version",
        families: &[
            HeaderFamily { name: "Shop", prefix: "x-shop", host: "api.shop.example" },
            HeaderFamily { name: "Mall", prefix: "x-mall", host: "api.mall.example" },
        ],
    }),
};

static SHOP_OPERATIONS: &[OperationInfo] = &[
    OperationInfo { id: "getToken", method: "POST", path: "/auth/token" },
    OperationInfo { id: "getItem", method: "GET", path: "/items/{id}" },
    OperationInfo { id: "listItems", method: "GET", path: "/items" },
    OperationInfo { id: "deleteItem", method: "DELETE", path: "/items/{id}" },
];


/// Neither envelope nor auth.
static PLAIN: ApiDescription = ApiDescription {
    client_name: "PlainClient",
    default_host: None,
    base_path: None,
    user_agent: "plain-test/0.1.0",
    version: "0.1.0",
    env_prefix: None,
    envelope: None,
    auth: None,
};

static PLAIN_OPERATIONS: &[OperationInfo] = &[
    OperationInfo { id: "getThing", method: "GET", path: "/things/{id}" },
    OperationInfo { id: "listThings", method: "GET", path: "/things" },
    OperationInfo { id: "putThing", method: "PUT", path: "/things/{id}" },
    OperationInfo { id: "deleteThing", method: "DELETE", path: "/things/{id}" },
    OperationInfo { id: "getPrefixed", method: "GET", path: "/api/v1/things/{id}" },
];

/// As `PLAIN`, with a default host.
static DEFAULTED: ApiDescription = ApiDescription {
    client_name: "DefaultedClient",
    default_host: Some("https://api.defaulted.example/v2"),
    base_path: None,
    user_agent: "defaulted-test/0.1.0",
    version: "0.1.0",
    env_prefix: None,
    envelope: None,
    auth: None,
};

/// As `PLAIN`, with a server path (`servers: [{url: /api/v3}]`) and no default host.
static UNDER_PATH: ApiDescription = ApiDescription {
    client_name: "UnderPathClient",
    default_host: None,
    base_path: Some("/api/v3"),
    user_agent: "under-path-test/0.1.0",
    version: "0.1.0",
    env_prefix: None,
    envelope: None,
    auth: None,
};

// ---- Payloads, calls and mock helpers ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: u64,
    name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Page {
    items: Vec<Item>,
    total: u64,
}

fn item(id: u64, name: &str) -> Item {
    Item { id, name: name.to_owned() }
}

const fn read(operation: &'static str) -> Call {
    Call { operation, read_only: true, authenticated: true, sensitive: false }
}

const fn write(operation: &'static str) -> Call {
    Call { operation, read_only: false, authenticated: true, sensitive: false }
}

fn token_op(server: &MockServer) -> Mock<'_, Value, Enveloped<Value>> {
    server.mock("getToken")
}

fn items(server: &MockServer) -> Mock<'_, (), Enveloped<Item>> {
    server.mock("getItem")
}

fn things(server: &MockServer) -> Mock<'_, (), Json<String>> {
    server.mock("getThing")
}

async fn get_item(client: &Client, id: &str) -> Result<Item, Error> {
    Ok(client.send_enveloped::<Item>(client.request(read("getItem"), Method::GET, &["items", id])).await?.data)
}

async fn get_thing(client: &Client, id: &str) -> Result<String, Error> {
    client.send_json::<String>(client.request(read("getThing"), Method::GET, &["things", id])).await
}

async fn put_thing(client: &Client, id: &str) -> Result<String, Error> {
    let mut request = client.request(write("putThing"), Method::PUT, &["things", id]);
    request.json(&json!({"name": "new"}));
    client.send_json::<String>(request).await
}

// ---- Tools ----

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs a test body, failing it if it takes longer than ten seconds.
async fn within<T>(body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), body).await.expect("the test finished within 10 s")
}

/// Short waits, so retries cost little.
fn fast() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(ms(5)).max_backoff(ms(20))
}

fn no_proxy() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("an HTTP client")
}

/// When requests reached the mock server, recorded by `expect` closures.
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<Vec<Instant>>>);

impl Arrivals {
    /// An `expect` closure that records the arrival and accepts the request.
    fn recorder<B>(&self) -> impl Fn(&TypedRequest<'_, B>) -> bool + Send + Sync + 'static {
        let arrivals = self.clone();
        move |_| {
            arrivals.0.lock().expect("not poisoned").push(Instant::now());
            true
        }
    }

    fn all(&self) -> Vec<Instant> {
        self.0.lock().expect("not poisoned").clone()
    }

    /// The time between consecutive arrivals.
    fn gaps(&self) -> Vec<Duration> {
        self.all().windows(2).map(|w| w[1] - w[0]).collect()
    }
}

/// Unpadded base64url, as JWT segments are written.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// A JWT-shaped token with these claims (unsigned: the client never checks signatures).
fn jwt(claims: Value) -> String {
    format!("{}.{}.{}", base64url(br#"{"alg":"none","typ":"JWT"}"#), base64url(claims.to_string().as_bytes()), base64url(b"sig"))
}

/// Resolves every name to the next of `answers` (the last one repeated), counting lookups:
/// each connection attempt makes one.
struct CountingResolver {
    lookups: AtomicUsize,
    answers: Vec<SocketAddr>,
}

impl CountingResolver {
    fn new(answers: Vec<SocketAddr>) -> Arc<Self> {
        Arc::new(CountingResolver { lookups: AtomicUsize::new(0), answers })
    }

    fn lookups(&self) -> usize {
        self.lookups.load(Ordering::SeqCst)
    }
}

impl reqwest::dns::Resolve for CountingResolver {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let i = self.lookups.fetch_add(1, Ordering::SeqCst);
        let address = self.answers[i.min(self.answers.len() - 1)];
        Box::pin(async move { Ok(Box::new(std::iter::once(address)) as reqwest::dns::Addrs) })
    }
}

/// A loopback address nothing listens on (bound, then closed).
fn closed_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address")
}

/// A plain client whose connections go wherever `resolver` says.
fn plain_client_via(resolver: &Arc<CountingResolver>, policy: RetryPolicy) -> Client {
    let http = reqwest::Client::builder().no_proxy().dns_resolver(Arc::clone(resolver)).build().expect("an HTTP client");
    // No port in the URL: the resolved address's port is used.
    ClientBuilder::new(&PLAIN).host("http://things.invalid").http_client(http).retry_policy(policy).build().expect("valid")
}

// ---- 1. Retries ----

#[tokio::test]
async fn a_read_answered_503_twice_succeeds_on_the_third_attempt_after_jittered_backoff() {
    within(async {
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        let arrivals = Arrivals::default();
        things(&server).expect(arrivals.recorder()).times(2).respond_raw(503, "busy");
        things(&server).expect(arrivals.recorder()).times(1).respond("ok".to_owned());
        let policy = RetryPolicy::default().initial_backoff(ms(50)).max_backoff(Duration::from_secs(1));
        let client = server.client_builder().retry_policy(policy).build().expect("valid");

        let start = Instant::now();
        assert_eq!(get_thing(&client, "1").await.expect("the third attempt succeeds"), "ok");
        let elapsed = start.elapsed();
        assert_eq!(server.received("getThing").len(), 3);
        // Waits in [25, 50] ms, then [50, 100] ms.
        assert!(elapsed >= ms(75), "waited at least the lower jitter bounds: {elapsed:?}");
        assert!(elapsed < ms(150) + Duration::from_secs(2), "{elapsed:?}");
        let gaps = arrivals.gaps();
        assert!(gaps[0] >= ms(25) && gaps[1] >= ms(50), "{gaps:?}");
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn backoff_doubles_with_each_retry_and_stops_at_max_backoff() {
    within(async {
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;

        // Ceilings 20, 40, 80, 160 ms: each wait at least half of its ceiling.
        let arrivals = Arrivals::default();
        things(&server).expect(arrivals.recorder()).times(4).respond_raw(503, "busy");
        things(&server).expect(arrivals.recorder()).times(1).respond("ok".to_owned());
        let policy = RetryPolicy::default().max_retries(4).initial_backoff(ms(20)).max_backoff(Duration::from_secs(10));
        let client = server.client_builder().retry_policy(policy).build().expect("valid");
        assert_eq!(get_thing(&client, "1").await.expect("the fifth attempt succeeds"), "ok");
        let gaps = arrivals.gaps();
        assert_eq!(gaps.len(), 4);
        for (gap, lower) in gaps.iter().zip([10, 20, 40, 80]) {
            assert!(*gap >= ms(lower), "wait at least {lower} ms: {gaps:?}");
        }
        server.verify();

        // Capped at 20 ms: without the cap, the seventh wait would be at least 640 ms.
        server.reset();
        let arrivals = Arrivals::default();
        things(&server).expect(arrivals.recorder()).times(7).respond_raw(503, "busy");
        things(&server).expect(arrivals.recorder()).times(1).respond("ok".to_owned());
        let policy = RetryPolicy::default().max_retries(7).initial_backoff(ms(20)).max_backoff(ms(20));
        let client = server.client_builder().retry_policy(policy).build().expect("valid");
        let start = Instant::now();
        assert_eq!(get_thing(&client, "1").await.expect("the eighth attempt succeeds"), "ok");
        let elapsed = start.elapsed();
        let gaps = arrivals.gaps();
        assert_eq!(gaps.len(), 7);
        assert!(gaps.iter().all(|gap| *gap >= ms(10) && *gap < ms(600)), "waits of 10 to 20 ms: {gaps:?}");
        assert!(elapsed >= ms(70) && elapsed < Duration::from_secs(3), "{elapsed:?}");
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn retry_after_is_honoured_and_capped_by_max_retry_after() {
    within(async {
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;

        // One second, though the backoff would be at most 20 ms.
        things(&server).times(1).with_response_header("retry-after", "1").respond_raw(503, "busy");
        things(&server).times(1).respond("ok".to_owned());
        let client = server.client_builder().retry_policy(fast()).build().expect("valid");
        let start = Instant::now();
        assert_eq!(get_thing(&client, "1").await.expect("after the wait"), "ok");
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(4), "{elapsed:?}");
        assert_eq!(server.received("getThing").len(), 2);
        server.verify();

        // An hour, cut to max_retry_after.
        server.reset();
        things(&server).times(1).with_response_header("retry-after", "3600").respond_raw(429, "slow down");
        things(&server).times(1).respond("ok".to_owned());
        let client = server.client_builder().retry_policy(fast().max_retry_after(ms(150))).build().expect("valid");
        let start = Instant::now();
        assert_eq!(get_thing(&client, "1").await.expect("after the capped wait"), "ok");
        let elapsed = start.elapsed();
        assert!(elapsed >= ms(150) && elapsed < Duration::from_secs(2), "{elapsed:?}");
        server.verify();

        // A date is not a number of seconds: the backoff applies (the default cap is 30 s).
        server.reset();
        things(&server).times(1).with_response_header("retry-after", "Fri, 31 Dec 2999 23:59:59 GMT").respond_raw(503, "busy");
        things(&server).times(1).respond("ok".to_owned());
        let client = server.client_builder().retry_policy(fast()).build().expect("valid");
        let start = Instant::now();
        assert_eq!(get_thing(&client, "1").await.expect("after the backoff"), "ok");
        assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn writes_are_repeated_only_with_retry_writes() {
    within(async {
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        server.mock::<Value, Json<String>>("putThing").times(1).respond_raw(503, "busy");
        server.mock::<Value, Json<String>>("putThing").times(1).respond("stored".to_owned());
        let client = server.client_builder().retry_policy(fast()).build().expect("valid");
        let err = put_thing(&client, "1").await.expect_err("a write is not repeated");
        assert!(matches!(&err, Error::Http { operation: "putThing", status: 503, body, .. } if body == "busy"), "{err:?}");
        assert_eq!(server.received("putThing").len(), 1);
        // The helper set up for a repeat is still unused.
        assert_eq!(server.problems().len(), 1, "{:?}", server.problems());

        server.reset();
        server.mock::<Value, Json<String>>("putThing").times(1).respond_raw(503, "busy");
        server.mock::<Value, Json<String>>("putThing").times(1).respond("stored".to_owned());
        let client = server.client_builder().retry_policy(fast().retry_writes(true)).build().expect("valid");
        assert_eq!(put_thing(&client, "1").await.expect("repeated"), "stored");
        let puts = server.received("putThing");
        assert_eq!(puts.len(), 2);
        assert_eq!(puts[0].body_bytes(), puts[1].body_bytes(), "the same body both times");
        assert_eq!(puts[1].json::<Value>().expect("JSON"), json!({"name": "new"}));
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn max_retries_bounds_the_attempts_and_disabled_sends_once() {
    within(async {
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        let cases = [
            (RetryPolicy::disabled(), 1),
            (RetryPolicy::default().max_retries(0), 1),
            (fast().max_retries(1), 2),
            (fast(), 3),
            (fast().max_retries(4), 5),
        ];
        for (policy, attempts) in cases {
            server.reset();
            things(&server).respond_raw(503, "busy");
            let client = server.client_builder().retry_policy(policy.clone()).build().expect("valid");
            let err = get_thing(&client, "1").await.expect_err("always busy");
            assert!(matches!(&err, Error::Http { status: 503, body, .. } if body == "busy"), "{err:?}");
            assert_eq!(server.received("getThing").len(), attempts, "{policy:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn only_429_502_503_and_504_are_repeated() {
    within(async {
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        let client = server.client_builder().retry_policy(fast()).build().expect("valid");
        for status in [429, 502, 503, 504] {
            server.reset();
            things(&server).times(1).respond_raw(status, "try again");
            things(&server).times(1).respond("ok".to_owned());
            assert_eq!(get_thing(&client, "1").await.unwrap_or_else(|e| panic!("{status}: {e}")), "ok");
            assert_eq!(server.received("getThing").len(), 2, "{status} is repeated");
            server.verify();
        }
        for status in [500, 501, 400, 404, 408] {
            server.reset();
            things(&server).respond_raw(status, "no");
            let err = get_thing(&client, "1").await.expect_err("not repeated");
            assert_eq!(err.status_code(), Some(i64::from(status)), "{err:?}");
            assert_eq!(server.received("getThing").len(), 1, "{status} is not repeated");
        }
    })
    .await;
}

#[tokio::test]
async fn refused_connections_are_repeated_for_reads_only() {
    within(async {
        let closed = closed_address();

        // A read: the first attempt and two repeats, each a new connection attempt.
        let resolver = CountingResolver::new(vec![closed]);
        let client = plain_client_via(&resolver, fast());
        let err = get_thing(&client, "1").await.expect_err("nothing listens");
        match &err {
            Error::Transport { operation: "getThing", source } => assert!(source.is_connect(), "{source:?}"),
            other => panic!("expected a transport error, got {other:?}"),
        }
        assert!(err.is_retryable());
        assert_eq!(resolver.lookups(), 3);

        // A write: once.
        let resolver = CountingResolver::new(vec![closed]);
        let client = plain_client_via(&resolver, fast());
        let err = put_thing(&client, "1").await.expect_err("nothing listens");
        assert!(matches!(&err, Error::Transport { operation: "putThing", source } if source.is_connect()), "{err:?}");
        assert_eq!(resolver.lookups(), 1);

        // Disabled: once.
        let resolver = CountingResolver::new(vec![closed]);
        let client = plain_client_via(&resolver, RetryPolicy::disabled());
        get_thing(&client, "1").await.expect_err("nothing listens");
        assert_eq!(resolver.lookups(), 1);

        // Refused twice, then a server listens: the read succeeds.
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        things(&server).respond("ok".to_owned());
        let resolver = CountingResolver::new(vec![closed, closed, server.address()]);
        let client = plain_client_via(&resolver, fast());
        assert_eq!(get_thing(&client, "1").await.expect("the third connection attempt works"), "ok");
        assert_eq!(resolver.lookups(), 3);
        assert_eq!(server.received("getThing").len(), 1);
        server.verify();
    })
    .await;
}

/// Only failures to connect are repeated: not a connection closed without an answer, nor a
/// read that times out (though the caller may try again: `is_retryable`).
#[tokio::test]
async fn closed_connections_and_timeouts_are_not_repeated() {
    within(async {
        // A server that accepts, reads the request, and hangs up.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                counter.fetch_add(1, Ordering::SeqCst);
                let mut buffer = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await;
                drop(stream);
            }
        });
        let client = ClientBuilder::new(&PLAIN)
            .host(format!("http://{address}"))
            .http_client(no_proxy())
            .retry_policy(fast())
            .build()
            .expect("valid");
        let err = get_thing(&client, "1").await.expect_err("no answer");
        match &err {
            Error::Transport { operation: "getThing", source } => {
                assert!(!source.is_connect() && !source.is_timeout(), "{source:?}");
            }
            other => panic!("expected a transport error, got {other:?}"),
        }
        assert!(!err.is_retryable());
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "not repeated");
        task.abort();

        // An answer slower than the timeout.
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        things(&server).delay(Duration::from_secs(5)).respond("late".to_owned());
        let client = server.client_builder().retry_policy(fast()).timeout(ms(200)).build().expect("valid");
        let start = Instant::now();
        let err = get_thing(&client, "1").await.expect_err("too slow");
        let elapsed = start.elapsed();
        assert!(matches!(&err, Error::Transport { source, .. } if source.is_timeout()), "{err:?}");
        assert!(err.is_retryable());
        assert!(elapsed >= ms(200) && elapsed < Duration::from_secs(3), "{elapsed:?}");
        assert_eq!(server.received("getThing").len(), 1, "not repeated");
    })
    .await;
}

// ---- 2. Token auth ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_wait_for_one_token_request() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        let token = jwt(json!({"tenant": "t-1"}));
        // Slow, so every call asks for the token while it is being fetched.
        token_op(&server).delay(ms(300)).respond(json!({"token": token, "expires_in": 3600}));
        items(&server).times(20).respond(item(1, "one"));
        let client = server.client_builder().build().expect("valid");
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { get_item(&client, "1").await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.expect("the task ran").expect("getItem"), item(1, "one"));
        }
        assert_eq!(server.received("getToken").len(), 1, "one token request for all");
        let calls = server.received("getItem");
        assert_eq!(calls.len(), 20);
        let expected = format!("Bearer {token}");
        assert!(calls.iter().all(|c| c.header("authorization") == Some(expected.as_str())), "{calls:#?}");
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn a_token_is_reused_until_its_refresh_time_and_refreshed_ahead_of_expiry() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        let arrivals = Arrivals::default();
        let (first, second) = (jwt(json!({"tenant": "t-1", "n": 1})), jwt(json!({"tenant": "t-1", "n": 2})));
        // Two seconds to live: refreshed a tenth early, 1.8 s after it is issued.
        token_op(&server).expect(arrivals.recorder()).times(1).respond(json!({"token": first, "expires_in": 2}));
        token_op(&server).expect(arrivals.recorder()).times(1).respond(json!({"token": second, "expires_in": 3600}));
        items(&server).respond(item(1, "one"));
        let client = server.client_builder().build().expect("valid");

        get_item(&client, "1").await.expect("fetches the first token");
        // The token's refresh time is 1.8 s after the client read the answer: before now.
        let fetched = Instant::now();
        tokio::time::sleep(Duration::from_secs(1)).await;
        get_item(&client, "1").await.expect("reuses it");
        assert_eq!(server.received("getToken").len(), 1, "reused before its refresh time");

        // Past the refresh time for sure, and (the client being prompt) before expiry.
        tokio::time::sleep_until(tokio::time::Instant::from_std(fetched + ms(1800))).await;
        get_item(&client, "1").await.expect("refreshes it");
        assert_eq!(server.received("getToken").len(), 2, "refreshed after its refresh time");
        let arrived = arrivals.all();
        let between = arrived[1] - arrived[0];
        assert!(between >= ms(1800), "not before the refresh time: {between:?}");
        assert!(between < Duration::from_secs(2), "ahead of expiry: {between:?}");

        let sent: Vec<_> = server.received("getItem").iter().map(|c| c.header("authorization").map(str::to_owned)).collect();
        let bearer = |t: &str| Some(format!("Bearer {t}"));
        assert_eq!(sent, [bearer(&first), bearer(&first), bearer(&second)], "no refusal, no repeat");
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_and_the_call_repeated_once() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        items(&server).times(2).respond(item(1, "one"));
        items(&server).fail(401, "signature rejected");
        let client = server.client_builder().build().expect("valid");
        let tokens = |server: &MockServer| server.received("getToken").len();
        let sent = |server: &MockServer| -> Vec<String> {
            server.received("getItem").iter().map(|c| c.header("authorization").expect("a token").to_owned()).collect()
        };

        get_item(&client, "1").await.expect("first call");
        assert_eq!(tokens(&server), 1);

        // The token is refused (the server's own refusal): one refresh, one repeat, success.
        server.revoke_tokens();
        get_item(&client, "1").await.expect("refreshed and repeated");
        assert_eq!(tokens(&server), 2);
        let calls = sent(&server);
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[0], calls[1], "the refused call carried the old token");
        assert_ne!(calls[1], calls[2], "the repeat carries the new one");

        // Refused again right after the refresh: the refusal is the answer, no loop.
        let err = get_item(&client, "1").await.expect_err("refused twice");
        assert!(
            matches!(&err, Error::Api { operation: "getItem", status_code: 401, message, .. } if message == "signature rejected"),
            "{err:?}"
        );
        assert_eq!(tokens(&server), 3, "one refresh");
        let calls = sent(&server);
        assert_eq!(calls.len(), 5, "one repeat");
        assert_eq!(calls[2], calls[3]);
        assert_ne!(calls[3], calls[4]);

        // Another status is no token refusal: no refresh, no repeat.
        server.reset();
        items(&server).fail_with_api_code(403, 1403, "forbidden");
        let err = get_item(&client, "1").await.expect_err("forbidden");
        assert_eq!((err.status_code(), err.api_code()), (Some(403), Some(1403)));
        assert_eq!((server.received("getItem").len(), tokens(&server)), (1, 0));

        // With an envelope, an HTTP 401 outside the envelope is not the API's token refusal.
        server.reset();
        items(&server).respond_raw(401, "<html>401 Authorization Required</html>");
        let err = get_item(&client, "1").await.expect_err("HTTP 401");
        assert!(matches!(&err, Error::Http { status: 401, .. }), "{err:?}");
        assert_eq!((server.received("getItem").len(), tokens(&server)), (1, 0));

        // The refresh itself fails: its error is the answer.
        server.reset();
        server.revoke_tokens();
        token_op(&server).fail_with_api_code(403, 1403, "access key disabled");
        let err = get_item(&client, "1").await.expect_err("no new token");
        assert!(matches!(&err, Error::Api { operation: "getToken", status_code: 403, .. }), "{err:?}");
        assert_eq!((server.received("getItem").len(), tokens(&server)), (1, 1));
    })
    .await;
}

#[tokio::test]
async fn without_envelope_http_401_means_token_invalid() {
    within(async {
        let server = MockServer::start(&KEYS, KEY_OPERATIONS).await;
        things(&server).times(2).respond("thing".to_owned());
        things(&server).fail(401, "token rejected");
        let client = server.client_builder().build().expect("valid");
        let tokens = |server: &MockServer| server.received("getToken").len();

        assert_eq!(get_thing(&client, "1").await.expect("getThing"), "thing");
        let call = &server.received("getThing")[0];
        assert!(call.header("x-api-token").is_some_and(|t| t.split('.').count() == 3), "no scheme before the token: {call:?}");
        assert_eq!(call.header("x-keys-account"), Some(TENANT_ID));

        server.revoke_tokens();
        assert_eq!(get_thing(&client, "1").await.expect("refreshed and repeated"), "thing");
        assert_eq!((server.received("getThing").len(), tokens(&server)), (3, 2));

        let err = get_thing(&client, "1").await.expect_err("refused twice");
        assert!(matches!(&err, Error::Http { operation: "getThing", status: 401, body, .. } if body.contains("token rejected")), "{err:?}");
        assert_eq!((server.received("getThing").len(), tokens(&server)), (5, 3));

        server.reset();
        things(&server).fail(403, "forbidden");
        let err = get_thing(&client, "1").await.expect_err("forbidden");
        assert_eq!(err.status_code(), Some(403));
        assert_eq!((server.received("getThing").len(), tokens(&server)), (1, 0));
    })
    .await;
}

#[tokio::test]
async fn a_ready_made_token_is_sent_as_is_and_never_refreshed() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        let fixed = jwt(json!({"tenant": "t-fixed"}));
        // Have the server issue it, as though another program had fetched it.
        token_op(&server).times(1).respond(json!({"token": fixed, "expires_in": 1}));
        let issued = no_proxy().post(format!("{}/auth/token", server.base_url())).body("{}").send().await.expect("answered");
        assert!(issued.status().is_success());
        items(&server).respond(item(1, "one"));
        let client = ClientBuilder::new(&SHOP)
            .host(server.base_url())
            .http_client(no_proxy())
            .retry_policy(fast())
            .access_token(fixed.clone())
            .build()
            .expect("valid");

        get_item(&client, "1").await.expect("accepted");
        get_item(&client, "1").await.expect("accepted");
        let calls = server.received("getItem");
        for call in &calls {
            assert_eq!(call.header("authorization"), Some(format!("Bearer {fixed}").as_str()));
            assert_eq!(call.header("x-shop-tenant"), Some("t-fixed"), "the tenant from its claim");
        }

        // Refused: returned, not refreshed or repeated.
        server.revoke_tokens();
        for round in 1..=2 {
            let err = get_item(&client, "1").await.expect_err("refused");
            assert_eq!(err.status_code(), Some(401), "{err:?}");
            assert_eq!(server.received("getItem").len(), 2 + round);
        }
        assert_eq!(server.received("getToken").len(), 1, "only the request of this test");

        // With a tenant set, that is sent instead of the claim.
        let tenant = ClientBuilder::new(&SHOP).host(server.base_url()).http_client(no_proxy()).access_token(fixed.clone()).tenant("t-set");
        let _ = get_item(&tenant.build().expect("valid"), "1").await;
        assert_eq!(server.received("getItem").last().and_then(|c| c.header("x-shop-tenant")), Some("t-set"));

        // Without an envelope, the refusal is the HTTP 401.
        let keys = MockServer::start(&KEYS, KEY_OPERATIONS).await;
        let client = ClientBuilder::new(&KEYS).host(keys.base_url()).http_client(no_proxy()).access_token("opaque").build().expect("valid");
        let err = get_thing(&client, "1").await.expect_err("unknown token");
        assert!(matches!(&err, Error::Http { status: 401, .. }), "{err:?}");
        assert_eq!((keys.received("getThing").len(), keys.received("getToken").len()), (1, 0));
        assert_eq!(keys.received("getThing")[0].header("x-api-token"), Some("opaque"));
    })
    .await;
}

#[tokio::test]
async fn the_tenant_header_carries_the_token_claim_unless_a_tenant_is_set() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        let token = jwt(json!({"tenant": "t-claim", "sub": "someone"}));
        token_op(&server).times(3).respond(json!({"token": token, "expires_in": 3600}));
        token_op(&server).respond(json!({"token": "opaque-token", "expires_in": 3600}));
        items(&server).respond(item(1, "one"));
        let last = |server: &MockServer| server.received("getItem").last().cloned().expect("a call");

        let client = server.client_builder().build().expect("valid");
        get_item(&client, "1").await.expect("getItem");
        let call = last(&server);
        assert_eq!(call.header("x-shop-tenant"), Some("t-claim"));
        assert_eq!(call.header("x-shop-sdk-version"), Some("1.2.3"));
        assert_eq!(call.header("user-agent"), Some("shop-test/1.2.3"));
        assert_eq!(call.header("x-shop-lang"), None);

        let client = server.client_builder().tenant("t-set").lang("en-US").build().expect("valid");
        get_item(&client, "1").await.expect("getItem");
        let call = last(&server);
        assert_eq!(call.header("x-shop-tenant"), Some("t-set"));
        assert_eq!(call.header("x-shop-lang"), Some("en-US"));

        // Another header family, by name.
        let client = server.client_builder().header_family("Mall").build().expect("valid");
        get_item(&client, "1").await.expect("getItem");
        let call = last(&server);
        assert_eq!((call.header("x-mall-tenant"), call.header("x-shop-tenant")), (Some("t-claim"), None));
        assert_eq!(call.header("x-mall-sdk-version"), Some("1.2.3"));

        // A token that is no JWT names no tenant: none is sent.
        let client = server.client_builder().build().expect("valid");
        get_item(&client, "1").await.expect("getItem");
        let call = last(&server);
        assert_eq!(call.header("authorization"), Some("Bearer opaque-token"));
        assert_eq!(call.header("x-shop-tenant"), None);

        // The token request carries the key, and no token.
        let request = &server.received("getToken")[0];
        assert_eq!(request.json::<Value>().expect("JSON"), json!({"accessKeyId": ACCESS_KEY_ID, "accessKeySecret": ACCESS_KEY_SECRET}));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("authorization"), None);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn the_token_request_is_repeated_like_a_read() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        token_op(&server).times(1).respond_raw(503, "busy");
        // Writes are not repeated, but the token request is.
        let client = server.client_builder().build().expect("valid");
        let delete = client.request(write("deleteItem"), Method::DELETE, &["items", "1"]);
        server.mock::<(), openapi_client_runtime::mock::EnvelopedEmpty>("deleteItem").respond();
        client.send_enveloped_status(delete).await.expect("deleted");
        assert_eq!(server.received("getToken").len(), 2);
        assert_eq!(server.received("deleteItem").len(), 1);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn answers_of_the_token_request_are_never_kept_in_errors() {
    within(async {
        const SECRET: &str = "SECRET-TOKEN-31337";
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        let cases = [
            (200, json!({"code": 0, "data": {"token": 12345, "expires_in": 60, "other": SECRET}}).to_string(), "data.token"),
            (200, json!({"code": 0, "data": {"token": SECRET}}).to_string(), "data.expires_in"),
            (200, json!({"code": 0, "data": {"token": SECRET, "expires_in": "soon"}}).to_string(), "data.expires_in"),
            (200, json!({"code": 0, "data": SECRET}).to_string(), "data.token"),
            (200, format!(r#"{{"code": 0, "data": {{"token": "{SECRET}", "#), ""),
            (200, format!("token={SECRET}"), ""),
        ];
        for (status, body, path) in cases {
            server.reset();
            token_op(&server).respond_raw(status, body.clone());
            let client = server.client_builder().build().expect("valid");
            let err = get_item(&client, "1").await.expect_err("no usable token");
            let Error::Decode { operation: "getToken", path: found, body: kept, .. } = &err else { panic!("{body}: {err:?}") };
            if !path.is_empty() {
                assert_eq!(found, path, "{body}");
            }
            assert_eq!(kept, "<redacted: the answer carries credentials>", "{body}");
            assert_eq!(err.body(), Some(kept.as_str()));
            for text in [err.to_string(), format!("{err:?}")] {
                assert!(!text.contains(SECRET), "{body}: {text}");
                assert!(!text.contains(ACCESS_KEY_SECRET), "{text}");
            }
            assert!(server.received("getItem").is_empty());
        }

        // An HTTP error of the token request keeps no body either.
        server.reset();
        token_op(&server).respond_raw(500, format!("<html>{SECRET}</html>"));
        let client = server.client_builder().build().expect("valid");
        let err = get_item(&client, "1").await.expect_err("no token");
        assert!(matches!(&err, Error::Http { operation: "getToken", status: 500, .. }), "{err:?}");
        assert!(!err.to_string().contains(SECRET) && !format!("{err:?}").contains(SECRET), "{err:?}");

        // Without an envelope, the path starts at the top.
        let keys = MockServer::start(&KEYS, KEY_OPERATIONS).await;
        keys.mock::<Value, Json<Value>>("getToken").respond(json!({"access_token": 5, "expires_in": SECRET}));
        let client = keys.client_builder().build().expect("valid");
        let err = get_thing(&client, "1").await.expect_err("no usable token");
        assert!(matches!(&err, Error::Decode { path, .. } if path == "access_token"), "{err:?}");
        assert!(!format!("{err:?}").contains(SECRET));

        // Neither the secret nor a token shows in a client's `Debug`.
        let client = server.client_builder().build().expect("valid");
        let debug = format!("{client:?} {:?}", server.client_builder().access_token(SECRET));
        assert!(!debug.contains(ACCESS_KEY_SECRET) && !debug.contains(SECRET), "{debug}");
        assert!(debug.contains("ShopClient") && debug.contains(ACCESS_KEY_ID), "{debug}");
    })
    .await;
}

// ---- 3. Envelopes through the client ----

#[tokio::test]
async fn envelopes_decode_into_payloads_refusals_and_located_errors() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        let client = server.client_builder().build().expect("valid");
        let list = || client.send_enveloped::<Page>(client.request(read("listItems"), Method::GET, &["items"]));
        fn page(server: &MockServer) -> Mock<'_, (), Enveloped<Page>> {
            server.mock("listItems")
        }

        // Success, with what the envelope says about it.
        page(&server).respond_with_meta(Page { items: vec![item(1, "one"), item(2, "two")], total: 2 }, "found", "req-1");
        let answer = list().await.expect("listItems");
        assert_eq!(answer.data, Page { items: vec![item(1, "one"), item(2, "two")], total: 2 });
        assert_eq!((answer.status_code, answer.message.as_deref(), answer.request_id.as_deref()), (0, Some("found"), Some("req-1")));
        server.verify();

        // A refusal, over HTTP 200 and over HTTP 404.
        let refusal = r#"{"code": 404, "msg": "no such item", "apiCode": 4004, "requestId": "req-404", "data": null}"#;
        for http_status in [200, 404] {
            server.reset();
            page(&server).respond_raw(http_status, refusal);
            let err = list().await.expect_err("refused");
            match &err {
                Error::Api { operation, status_code, api_code, message, request_id, http_status: found } => {
                    assert_eq!((*operation, *status_code, *api_code, *found), ("listItems", 404, Some(4004), http_status));
                    assert_eq!((message.as_str(), request_id.as_deref()), ("no such item", Some("req-404")));
                }
                other => panic!("expected Error::Api, got {other:?}"),
            }
        }

        // Not JSON, HTTP 502: repeated, then the HTTP error with the body.
        server.reset();
        page(&server).respond_raw(502, "<html>bad gateway</html>");
        let err = list().await.expect_err("bad gateway");
        assert!(matches!(&err, Error::Http { operation: "listItems", status: 502, body, .. } if body == "<html>bad gateway</html>"), "{err:?}");
        assert_eq!(server.received("listItems").len(), 3);

        // A payload that does not fit: where, and the body.
        server.reset();
        let misfit = r#"{"code": 0, "msg": "ok", "data": {"items": [{"id": 1, "name": "one"}, {"id": "two", "name": "two"}], "total": 2}}"#;
        page(&server).respond_raw(200, misfit);
        let err = list().await.expect_err("does not fit");
        match &err {
            Error::Decode { operation: "listItems", path, body, source } => {
                assert_eq!(path, "data.items[1].id");
                assert_eq!(body, misfit);
                assert!(source.to_string().contains("invalid type: string \"two\""), "{source}");
            }
            other => panic!("expected Error::Decode, got {other:?}"),
        }

        // A success without the payload.
        server.reset();
        page(&server).respond_raw(200, r#"{"code": 0, "msg": "ok"}"#);
        let err = list().await.expect_err("no payload");
        assert!(matches!(&err, Error::Decode { path, .. } if path == "data"), "{err:?}");
        // ... which a call without payload does not need.
        server.reset();
        server.mock::<(), openapi_client_runtime::mock::EnvelopedEmpty>("deleteItem").respond_with_meta("gone", "req-2");
        let deleted = client.send_enveloped_status(client.request(write("deleteItem"), Method::DELETE, &["items", "1"])).await;
        assert_eq!(deleted.expect("deleteItem").request_id.as_deref(), Some("req-2"));

        // Plain JSON answers.
        let plain = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        plain.mock::<(), Json<Value>>("listThings").times(1).respond(json!({"items": [{"id": 1, "name": "a"}, {"id": 2}], "total": 2}));
        plain.mock::<(), NoContent>("deleteThing").respond();
        let client = plain.client_builder().build().expect("valid");
        let err = client.send_json::<Page>(client.request(read("listThings"), Method::GET, &["things"])).await.expect_err("no name");
        assert!(matches!(&err, Error::Decode { path, .. } if path == "items[1]"), "{err:?}");
        client.send_empty(client.request(write("deleteThing"), Method::DELETE, &["things", "1"])).await.expect("204");
        // An envelope call on an API without one is a configuration error, and sends nothing.
        let before = plain.requests().len();
        let err = client.send_enveloped::<Value>(client.request(read("listThings"), Method::GET, &["things"])).await.expect_err("no envelope");
        assert!(matches!(&err, Error::InvalidConfig(m) if m.contains("no response envelope")), "{err:?}");
        assert_eq!(plain.requests().len(), before);
        plain.verify();
    })
    .await;
}

// ---- 4. Error helpers and texts ----

#[tokio::test]
async fn error_helpers_and_texts_on_real_errors() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        let client = server.client_builder().retry_policy(RetryPolicy::disabled()).build().expect("valid");

        // Api, with every field.
        items(&server).times(1).respond_raw(200, r#"{"code": 404, "msg": "no such item", "apiCode": 4004, "requestId": "req-404"}"#);
        let err = get_item(&client, "1").await.expect_err("refused");
        assert_eq!(err.to_string(), "getItem: the service answered 404 (api code 4004): no such item [request req-404]");
        assert_eq!((err.operation(), err.status_code(), err.api_code(), err.request_id()), (Some("getItem"), Some(404), Some(4004), Some("req-404")));
        assert_eq!((err.body(), err.is_retryable()), (None, false));

        // Api, with neither api code nor request id; a business 503 is worth trying again.
        items(&server).times(1).fail(503, "maintenance");
        let err = get_item(&client, "1").await.expect_err("refused");
        assert_eq!(err.to_string(), "getItem: the service answered 503: maintenance");
        assert_eq!((err.api_code(), err.request_id(), err.is_retryable()), (None, None, true));

        // Http: the text shows the start of the body, trimmed; the error keeps all of it.
        let long = format!("  {}  ", "x".repeat(300));
        items(&server).times(1).respond_raw(502, long.clone());
        let err = get_item(&client, "1").await.expect_err("bad gateway");
        assert_eq!(err.to_string(), format!("getItem: HTTP 502: {}", "x".repeat(200)));
        assert_eq!((err.status_code(), err.body(), err.is_retryable()), (Some(502), Some(long.as_str()), true));
        assert_eq!((err.api_code(), err.request_id(), err.operation()), (None, None, Some("getItem")));
        items(&server).times(1).respond_raw(409, "conflict");
        let err = get_item(&client, "1").await.expect_err("conflict");
        assert_eq!((err.to_string().as_str(), err.is_retryable()), ("getItem: HTTP 409: conflict", false));

        // Decode.
        items(&server).times(1).respond_raw(200, r#"{"code": 0, "data": {"id": -1, "name": "x"}}"#);
        let err = get_item(&client, "1").await.expect_err("negative id");
        let text = err.to_string();
        assert!(text.starts_with("getItem: cannot decode the answer at `data.id`: invalid value: integer `-1`"), "{text}");
        assert_eq!((err.status_code(), err.is_retryable(), err.operation()), (None, false, Some("getItem")));
        assert_eq!(err.body(), Some(r#"{"code": 0, "data": {"id": -1, "name": "x"}}"#));

        // Transport.
        let resolver = CountingResolver::new(vec![closed_address()]);
        let err = get_thing(&plain_client_via(&resolver, RetryPolicy::disabled()), "1").await.expect_err("refused");
        assert!(err.to_string().starts_with("getThing: request failed: "), "{err}");
        assert_eq!((err.operation(), err.status_code(), err.body(), err.is_retryable()), (Some("getThing"), None, None, true));
        assert!(std::error::Error::source(&err).is_some());

        // InvalidParameter, refused before sending.
        let mut request = client.request(read("getItem"), Method::GET, &["items", "1"]);
        request.header("x-trace", "two\nlines".to_owned());
        let err = client.send_enveloped::<Item>(request).await.expect_err("invalid header");
        assert_eq!(err.to_string(), "getItem: invalid parameter `x-trace`: cannot be sent as a header value");
        assert_eq!((err.operation(), err.status_code(), err.is_retryable(), err.body()), (Some("getItem"), None, false, None));

        // InvalidConfig.
        let err = ClientBuilder::new(&PLAIN).build().expect_err("no host");
        assert_eq!(err.to_string(), "invalid client configuration: no host set");
        assert_eq!((err.operation(), err.status_code(), err.is_retryable()), (None, None, false));

        // MissingParameter is made by generated crates; its text.
        let err = Error::MissingParameter { operation: "getItem", parameter: "id" };
        assert_eq!((err.to_string().as_str(), err.operation()), ("getItem: missing required parameter `id`", Some("getItem")));
        server.verify();
    })
    .await;
}

#[test]
fn build_refuses_configurations_that_cannot_work() {
    let config_error = |builder: ClientBuilder| match builder.build() {
        Err(Error::InvalidConfig(message)) => message,
        other => panic!("expected InvalidConfig, got {other:?}"),
    };
    let keyed = || ClientBuilder::new(&SHOP).host("http://127.0.0.1:9").access_key_id("id").access_key_secret("secret");

    assert_eq!(config_error(ClientBuilder::new(&PLAIN)), "no host set");
    let defaulted = ClientBuilder::new(&DEFAULTED).build().expect("the default host");
    assert_eq!(defaulted.base_url().as_str(), "https://api.defaulted.example/v2");
    let chosen = ClientBuilder::new(&DEFAULTED).host("http://127.0.0.1:9/x").build().expect("valid");
    assert_eq!(chosen.base_url().as_str(), "http://127.0.0.1:9/x");
    // The spec's server path goes under a bare host; a host with a path of its own keeps it.
    let bare = ClientBuilder::new(&UNDER_PATH).host("http://127.0.0.1:9").build().expect("valid");
    assert_eq!(bare.base_url().as_str(), "http://127.0.0.1:9/api/v3");
    let things = bare.request(read("listThings"), Method::GET, &["things"]);
    assert_eq!(things.url().as_str(), "http://127.0.0.1:9/api/v3/things");
    let own = ClientBuilder::new(&UNDER_PATH).host("http://127.0.0.1:9/proxy/").build().expect("valid");
    assert_eq!(own.base_url().as_str(), "http://127.0.0.1:9/proxy/");

    for host in ["ftp://files.example", "mailto:someone@example.com", "localhost:8080", "file:///tmp"] {
        let message = config_error(ClientBuilder::new(&PLAIN).host(host));
        assert_eq!(message, format!("host {host:?} is not an http(s) URL"));
    }
    let message = config_error(ClientBuilder::new(&PLAIN).host("not a url"));
    assert!(message.starts_with(r#"host "not a url" is not a URL: "#), "{message}");

    let base = || ClientBuilder::new(&SHOP).host("http://127.0.0.1:9");
    assert_eq!(config_error(base().access_key_id("id")), "an access key id needs its access key secret");
    assert_eq!(config_error(base().access_key_secret("secret")), "an access key secret needs its access key id");
    let message = config_error(base());
    assert!(message.starts_with("no credentials"), "{message}");
    let message = config_error(base().access_key_secret("super-secret"));
    assert!(!message.contains("super-secret"), "{message}");
    base().access_token("token").build().expect("a ready-made token will do");
    keyed().build().expect("an access key will do");

    assert_eq!(config_error(keyed().header("bad header", "x")), r#"invalid header name "bad header""#);
    assert_eq!(config_error(keyed().header("x-ok", "two\nlines")), r#"invalid value for header "x-ok""#);
    assert_eq!(config_error(keyed().header_family("x-nope")), r#"unknown header family "x-nope""#);
    assert_eq!(config_error(keyed().lang("en\nUS")), r#"invalid lang "en\nUS""#);
    let message = config_error(base().access_token("two\nlines"));
    assert!(message.contains("cannot be sent as a header value"), "{message}");

    // An API without auth needs no credentials.
    ClientBuilder::new(&PLAIN).host("https://example.invalid").header("x-any", "v").build().expect("valid");
}

// ---- 5. Requests ----

#[tokio::test]
async fn query_pairs_are_form_encoded_in_order() {
    within(async {
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        server.mock::<(), Json<Value>>("listThings").respond(json!([]));
        let client = server.client_builder().build().expect("valid");
        let mut request = client.request(read("listThings"), Method::GET, &["things"]);
        for (name, value) in [("q", "a b"), ("amp", "x&y=z"), ("plus", "1+1"), ("q", "second"), ("odd name", "ü/?#%")] {
            request.query(name, value);
        }
        let expected = "/things?q=a+b&amp=x%26y%3Dz&plus=1%2B1&q=second&odd+name=%C3%BC%2F%3F%23%25";
        assert_eq!(&request.url().as_str()[server.base_url().len()..], expected);
        client.send_json::<Value>(request).await.expect("listThings");

        let call = &server.received("listThings")[0];
        assert_eq!(call.to_string(), format!("GET {expected}"), "as sent");
        let pairs: Vec<(&str, &str)> = call.query_pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("q", "a b"), ("amp", "x&y=z"), ("plus", "1+1"), ("q", "second"), ("odd name", "ü/?#%")]);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn path_segments_are_percent_encoded_one_by_one() {
    within(async {
        let server = MockServer::start(&PLAIN, PLAIN_OPERATIONS).await;
        server.mock::<(), Json<String>>("getThing").respond("ok".to_owned());
        server.mock::<(), Json<String>>("getPrefixed").respond("prefixed".to_owned());
        let client = server.client_builder().build().expect("valid");

        assert_eq!(get_thing(&client, "a/b c?d#e%f").await.expect("getThing"), "ok");
        assert_eq!(get_thing(&client, "über").await.expect("getThing"), "ok");
        // Dots that are not a whole `.` or `..` segment are plain text.
        for id in ["...", "a/..", "%2e%2e"] {
            assert_eq!(get_thing(&client, id).await.expect("getThing"), "ok");
        }
        let calls = server.received("getThing");
        assert_eq!(calls[0].path(), "/things/a%2Fb%20c%3Fd%23e%25f");
        assert_eq!(calls[0].path_param("id"), Some("a/b c?d#e%f"));
        assert_eq!(calls[1].path(), "/things/%C3%BCber");
        let paths: Vec<&str> = calls[2..].iter().map(|c| c.path()).collect();
        assert_eq!(paths, ["/things/...", "/things/a%2F..", "/things/%252e%252e"]);
        assert_eq!(calls[4].path_param("id"), Some("%2e%2e"));

        // Segments go after the base URL's path, with or without its trailing slash.
        for base in ["/api/v1", "/api/v1/"] {
            let client = server.client_builder().host(format!("{}{base}", server.base_url())).build().expect("valid");
            let request = client.request(read("getPrefixed"), Method::GET, &["things", "7"]);
            assert_eq!(client.send_json::<String>(request).await.expect("getPrefixed"), "prefixed");
            assert_eq!(server.received("getPrefixed").last().map(|c| c.path().to_owned()).as_deref(), Some("/api/v1/things/7"));
        }

        // `.` and `..` cannot be path segments (a URL resolves them): refused, nothing sent.
        let before = server.requests().len();
        for id in [".", ".."] {
            let err = get_thing(&client, id).await.expect_err("a dot segment");
            assert!(
                matches!(&err, Error::InvalidParameter { operation: "getThing", parameter: "path", reason } if reason.contains(&format!("{id:?}"))),
                "{id}: {err:?}"
            );
            let request = client.request(write("deleteThing"), Method::DELETE, &["things", id, "x"]);
            let err = client.send_empty(request).await.expect_err("a dot segment");
            assert!(matches!(&err, Error::InvalidParameter { operation: "deleteThing", .. }), "{id}: {err:?}");
        }
        assert_eq!(server.requests().len(), before, "{:#?}", &server.requests()[before..]);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn request_headers_are_sent_and_invalid_ones_refused_before_sending() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        items(&server).expect_header("x-trace", "t-1").respond(item(1, "one"));
        let client = server.client_builder().header("x-client", "c-1").build().expect("valid");

        let mut request = client.request(read("getItem"), Method::GET, &["items", "1"]);
        request.header("x-trace", "t-1".to_owned());
        assert_eq!(request.call().operation, "getItem");
        client.send_enveloped::<Item>(request).await.expect("getItem");
        let call = &server.received("getItem")[0];
        assert_eq!((call.header("x-trace"), call.header("x-client")), (Some("t-1"), Some("c-1")));
        assert_eq!(server.received("getToken")[0].header("x-client"), Some("c-1"), "on every request");
        server.verify();

        // Refused before anything is sent, not even a token request.
        server.reset();
        let fresh = server.client_builder().build().expect("valid");
        let mut request = fresh.request(read("getItem"), Method::GET, &["items", "1"]);
        request.header("x-trace", "two\nlines".to_owned());
        let err = fresh.send_enveloped::<Item>(request).await.expect_err("invalid value");
        match &err {
            Error::InvalidParameter { operation: "getItem", parameter: "x-trace", reason } => {
                assert_eq!(reason, "cannot be sent as a header value");
            }
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
        let mut request = fresh.request(read("getItem"), Method::GET, &["items", "1"]);
        request.header("bad name", "v".to_owned());
        let err = fresh.send_enveloped::<Item>(request).await.expect_err("invalid name");
        assert!(matches!(&err, Error::InvalidParameter { parameter: "bad name", reason, .. } if reason == "not a valid header name"), "{err:?}");
        let mut request = fresh.request(write("deleteItem"), Method::DELETE, &["items", "1"]);
        let unencodable: std::collections::BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        request.json(&unencodable);
        let err = fresh.send_enveloped_status(request).await.expect_err("no JSON body");
        assert!(matches!(&err, Error::InvalidParameter { parameter: "body", reason, .. } if reason.contains("cannot be encoded as JSON")), "{err:?}");
        assert!(server.requests().is_empty(), "{:#?}", server.requests());
    })
    .await;
}

// ---- 6. Client::from_env ----

/// Selects what [`from_env_child`] does.
const CHILD_MODE: &str = "RTCLIENT_TEST_CHILD_MODE";

/// Runs [`from_env_child`] in a child process with `mode` and exactly these `RTCLIENT_SHOP_*`
/// variables.
async fn run_child(mode: &str, vars: &[(&str, &str)]) {
    let mut command = std::process::Command::new(std::env::current_exe().expect("the test binary"));
    command.args(["from_env_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"]);
    for (name, _) in std::env::vars_os().filter(|(name, _)| name.to_string_lossy().starts_with("RTCLIENT_SHOP_")) {
        command.env_remove(name);
    }
    // Loopback only, whatever the environment says.
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        command.env_remove(name);
    }
    command.env(CHILD_MODE, mode).envs(vars.iter().copied());
    // The server answering the child runs on this test's runtime: wait off it.
    let output = tokio::task::spawn_blocking(move || command.output()).await.expect("joined").expect("the child runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "child {mode}:\n{text}");
    assert!(text.contains("1 passed"), "the child test ran:\n{text}");
}

#[tokio::test]
async fn from_env_reads_variables_named_after_the_prefix() {
    within(async {
        let server = MockServer::start(&SHOP, SHOP_OPERATIONS).await;
        items(&server).respond(item(1, "one"));
        // The key of the environment gets a token whose claim the tenant variable overrides.
        token_op(&server)
            .expect_body(json!({"accessKeyId": "env-key-id", "accessKeySecret": "env-key-secret"}))
            .times(1)
            .respond(json!({"token": jwt(json!({"tenant": "t-claim"})), "expires_in": 3600}));
        let host = server.base_url().to_owned();

        run_child(
            "keys",
            &[
                ("RTCLIENT_SHOP_HOST", &host),
                ("RTCLIENT_SHOP_ACCESS_KEY_ID", "env-key-id"),
                ("RTCLIENT_SHOP_ACCESS_KEY_SECRET", "env-key-secret"),
                ("RTCLIENT_SHOP_TENANT_ID", "t-env"),
                ("RTCLIENT_SHOP_LANG", "en-US"),
            ],
        )
        .await;
        assert_eq!(server.received("getToken").len(), 1);
        let call = &server.received("getItem")[0];
        assert_eq!((call.header("x-shop-tenant"), call.header("x-shop-lang")), (Some("t-env"), Some("en-US")));

        // A ready-made token (the server issues it first, so it accepts it).
        let token = jwt(json!({"tenant": "t-token"}));
        token_op(&server).times(1).respond(json!({"token": token, "expires_in": 3600}));
        no_proxy().post(format!("{host}/auth/token")).body("{}").send().await.expect("issued");
        run_child("token", &[("RTCLIENT_SHOP_HOST", &host), ("RTCLIENT_SHOP_ACCESS_TOKEN", &token)]).await;
        let call = &server.received("getItem")[1];
        assert_eq!(call.header("authorization"), Some(format!("Bearer {token}").as_str()));
        assert_eq!(call.header("x-shop-tenant"), Some("t-token"));
        assert_eq!(server.received("getToken").len(), 2, "no token request from the child");

        run_child("missing secret", &[("RTCLIENT_SHOP_HOST", &host), ("RTCLIENT_SHOP_ACCESS_KEY_ID", "id")]).await;
        run_child(
            "missing secret",
            &[("RTCLIENT_SHOP_HOST", &host), ("RTCLIENT_SHOP_ACCESS_KEY_ID", "id"), ("RTCLIENT_SHOP_ACCESS_KEY_SECRET", "")],
        )
        .await;
        run_child("no credentials", &[("RTCLIENT_SHOP_HOST", &host)]).await;
        run_child("nothing", &[]).await;
        assert_eq!(server.received("getItem").len(), 2, "only the complete environments make calls");
        server.verify();

        // An API without a prefix reads nothing.
        let err = Client::from_env(&PLAIN).expect_err("no prefix");
        assert!(matches!(&err, Error::InvalidConfig(m) if m.contains("declares no environment variables")), "{err:?}");
    })
    .await;
}

/// The child half of [`from_env_reads_variables_named_after_the_prefix`]; does nothing when
/// run on its own.
#[tokio::test]
#[ignore = "run by from_env_reads_variables_named_after_the_prefix in a child process"]
async fn from_env_child() {
    let Ok(mode) = std::env::var(CHILD_MODE) else { return };
    let config_error = || match Client::from_env(&SHOP) {
        Err(Error::InvalidConfig(message)) => message,
        other => panic!("expected InvalidConfig, got {other:?}"),
    };
    match mode.as_str() {
        "keys" | "token" => {
            let client = Client::from_env(&SHOP).expect("configured from the environment");
            let host = std::env::var("RTCLIENT_SHOP_HOST").expect("the host");
            assert_eq!(client.base_url().as_str().trim_end_matches('/'), host);
            assert!(std::ptr::eq(client.api(), &SHOP));
            get_item(&client, "1").await.expect("getItem");
        }
        "missing secret" => {
            let message = config_error();
            assert!(message.contains("secret") && message.contains("RTCLIENT_SHOP_"), "{message}");
        }
        "no credentials" => {
            let message = config_error();
            assert!(message.starts_with("no credentials") && message.contains("RTCLIENT_SHOP_"), "{message}");
        }
        "nothing" => {
            let message = config_error();
            assert_eq!(message, "no host set (from the RTCLIENT_SHOP_* environment variables)");
        }
        other => panic!("unknown mode {other}"),
    }
}
