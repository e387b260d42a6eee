//! The access key secret and the tokens it buys never show: not in `Debug` output of the client,
//! its builder or the token request, not in any error (`Debug` or `Display`), and not in the
//! `tracing` spans and events of calls, which do record each call's operation and outcome.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use genauth_client::{Error, ManagementClient, ManagementClientBuilder, RetryPolicy};
use integration_tests::{envelope, jwt, refusal, token_reply, user, Reply, TestServer, TOKEN_PATH};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const KEY_ID: &str = "ak-id-5c3e";
const KEY_SECRET: &str = "sk-SECRET-d41d8cd98f00b204";

/// The token the test servers issue: distinctive, so any leak of it is found.
fn issued_token() -> String {
    jwt(&json!({"scoped_userpool_id": "pool-1", "jti": "TOKEN-e9800998ecf8427e"}))
}

/// Fails naming `what` when `text` shows the secret or the token (or the token's signature or
/// payload alone).
fn assert_clean(what: &str, text: &str) {
    let token = issued_token();
    let mut forbidden = vec![KEY_SECRET.to_owned(), token.clone(), "TOKEN-e9800998ecf8427e".to_owned()];
    forbidden.extend(token.split('.').skip(1).map(str::to_owned));
    for needle in &forbidden {
        assert!(!text.contains(needle.as_str()), "{what} shows {needle:?}:\n{text}");
    }
}

/// Both renderings of an error must be clean.
fn assert_error_clean(what: &str, err: &Error) {
    assert_clean(&format!("{what} (Debug)"), &format!("{err:?}"));
    assert_clean(&format!("{what} (Display)"), &err.to_string());
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        assert_clean(&format!("{what} (source)"), &inner.to_string());
        source = inner.source();
    }
}

fn builder(server: &TestServer) -> ManagementClientBuilder {
    ManagementClient::builder()
        .host(&server.base_url)
        .access_key_id(KEY_ID)
        .access_key_secret(KEY_SECRET)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
}

/// A server issuing [`issued_token`] and answering other calls with a user.
fn service() -> TestServer {
    TestServer::start(|request| {
        if request.path == TOKEN_PATH { token_reply(&issued_token(), 7200) } else { envelope(user("u1")) }
    })
}

#[tokio::test]
async fn debug_output_of_builder_client_and_token_request_hides_credentials() {
    let server = service();
    let builder = builder(&server);
    let shown = format!("{builder:?}");
    assert_clean("builder Debug", &shown);
    assert!(shown.contains(KEY_ID), "the key id is not secret and helps debugging: {shown}");
    assert_clean("builder with a token, Debug", &format!("{:?}", builder.access_token(issued_token())));

    let client = self::builder(&server).build().expect("valid");
    assert_clean("client Debug", &format!("{client:?}"));
    client.get_user().user_id("u1").send().await.expect("succeeds");
    assert_eq!(server.count(TOKEN_PATH), 1);
    // Now the token is cached inside.
    assert_clean("client Debug with a cached token", &format!("{client:?}"));
    assert_clean("client Debug, alternate", &format!("{client:#?}"));
    let fixed = ManagementClient::builder().host(&server.base_url).access_token(issued_token()).build().expect("valid");
    assert_clean("client with a ready-made token, Debug", &format!("{fixed:?}"));

    let request = client.get_management_token().access_key_id(KEY_ID).access_key_secret(KEY_SECRET);
    assert_clean("token request Debug", &format!("{request:?}"));
    assert_clean("token request Debug, alternate", &format!("{request:#?}"));
    let answer = request.send().await.expect("token issued");
    assert_eq!(answer.access_token, issued_token(), "the caller who asks for the token gets it");
}

#[tokio::test]
async fn errors_never_show_the_secret_or_the_token() {
    let token = issued_token();
    let token_endpoint_answers = [
        // Refused access key.
        refusal(400, "bad key"),
        // The token as the payload itself: a decoding failure of the token response.
        Reply::json(json!({"statusCode": 200, "data": token})),
        Reply::json(json!({"statusCode": 200, "data": {"access_token": token}})),
        Reply::json(json!({"statusCode": 200, "data": {"access_token": [token], "expires_in": 7200}})),
        Reply::json(json!({"statusCode": 200, "data": {"access_token": token, "expires_in": token}})),
        Reply::raw(200, "application/json", format!(r#"{{"statusCode":200,"data":{{"access_token":"{token}""#)),
        // An error page echoing the request, secret included.
        Reply::raw(500, "text/html", format!("<pre>accessKeySecret={KEY_SECRET} access_token={token}</pre>")),
        Reply::raw(502, "application/json", format!(r#"{{"accessKeySecret":"{KEY_SECRET}"}}"#)),
        // A connection dropped mid-answer.
        token_reply(&token, 7200).cut_after(60),
    ];
    for (i, answer) in token_endpoint_answers.into_iter().enumerate() {
        let server = TestServer::start(move |request| {
            if request.path == TOKEN_PATH { answer.clone() } else { envelope(user("u1")) }
        });
        let client = builder(&server).retry_policy(RetryPolicy::disabled()).build().expect("valid");
        let err = client.get_user().user_id("u1").send().await.expect_err("no usable token");
        assert_eq!(err.operation(), Some("getManagementToken"), "{i}: {err:?}");
        assert_error_clean(&format!("token failure {i}"), &err);
        // Asking for the token directly fails the same clean way.
        let err = client.get_management_token().access_key_id(KEY_ID).access_key_secret(KEY_SECRET).send().await;
        assert_error_clean(&format!("direct token failure {i}"), &err.expect_err("fails"));
    }

    // A call whose token is refused, even after a refresh.
    let server = TestServer::start(|request| {
        if request.path == TOKEN_PATH { token_reply(&issued_token(), 7200) } else { refusal(401, "token invalid") }
    });
    let err = builder(&server).build().expect("valid").get_user().user_id("u1").send().await.expect_err("401");
    assert!(matches!(err, Error::Api { status_code: 401, .. }), "{err:?}");
    assert_error_clean("401", &err);

    // A call that times out, and one the server drops.
    let server = TestServer::start(|request| {
        if request.path == TOKEN_PATH {
            token_reply(&issued_token(), 7200)
        } else {
            envelope(user("u1")).delayed(Duration::from_secs(2))
        }
    });
    let client = builder(&server).timeout(Duration::from_millis(200)).retry_policy(RetryPolicy::disabled()).build();
    let err = client.expect("valid").get_user().user_id("u1").send().await.expect_err("timeout");
    assert!(matches!(&err, Error::Transport { source, .. } if source.is_timeout()), "{err:?}");
    assert_error_clean("timeout", &err);

    // The configuration errors, which hold the secret when they are raised.
    let invalid = ManagementClient::builder().host("no url").access_key_id(KEY_ID).access_key_secret(KEY_SECRET).build();
    assert_error_clean("invalid host", &invalid.expect_err("invalid"));
    let invalid = ManagementClient::builder().access_key_secret(KEY_SECRET).build();
    assert_error_clean("secret without id", &invalid.expect_err("invalid"));
}

/// Every span and event field recorded, as `(span or event name, field, value)`; it also tracks
/// which span each thread is in, as `Span::current()` needs.
#[derive(Clone, Default)]
struct Recorder {
    spans: Arc<Mutex<HashMap<u64, &'static Metadata<'static>>>>,
    entered: Arc<Mutex<HashMap<std::thread::ThreadId, Vec<u64>>>>,
    fields: Arc<Mutex<Vec<(String, String, String)>>>,
    next_id: Arc<AtomicU64>,
}

struct Collect<'a> {
    owner: String,
    out: &'a mut Vec<(String, String, String)>,
}

impl Visit for Collect<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.out.push((self.owner.clone(), field.name().to_owned(), value.to_owned()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.out.push((self.owner.clone(), field.name().to_owned(), format!("{value:?}")));
    }
}

impl Recorder {
    fn collect(&self, owner: &str, visit: impl FnOnce(&mut Collect)) {
        let mut fields = self.fields.lock().expect("fields");
        visit(&mut Collect { owner: owner.to_owned(), out: &mut fields });
    }

    /// The values of `field` recorded on spans named `span`.
    fn values(&self, span: &str, field: &str) -> Vec<String> {
        let fields = self.fields.lock().expect("fields");
        fields.iter().filter(|(s, f, _)| s == span && f == field).map(|(_, _, v)| v.clone()).collect()
    }
}

impl Subscriber for Recorder {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // Ask each time: other tests of this binary run without this subscriber.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        self.spans.lock().expect("spans").insert(id, span.metadata());
        self.collect(span.metadata().name(), |visitor| span.record(visitor));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let name = self.spans.lock().expect("spans").get(&span.into_u64()).map_or("?", |m| m.name());
        self.collect(name, |visitor| values.record(visitor));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        self.collect(&format!("event {}", event.metadata().target()), |visitor| event.record(visitor));
    }

    fn enter(&self, span: &Id) {
        let mut entered = self.entered.lock().expect("entered");
        entered.entry(std::thread::current().id()).or_default().push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut entered = self.entered.lock().expect("entered");
        let stack = entered.entry(std::thread::current().id()).or_default();
        if let Some(at) = stack.iter().rposition(|id| *id == span.into_u64()) {
            stack.remove(at);
        }
    }

    fn current_span(&self) -> tracing_core::span::Current {
        let entered = self.entered.lock().expect("entered");
        let top = entered.get(&std::thread::current().id()).and_then(|stack| stack.last().copied());
        match top.and_then(|id| Some((id, *self.spans.lock().expect("spans").get(&id)?))) {
            Some((id, metadata)) => tracing_core::span::Current::new(Id::from_u64(id), metadata),
            None => tracing_core::span::Current::none(),
        }
    }
}

#[tokio::test]
async fn tracing_records_operation_and_outcome_but_no_credentials() {
    let recorder = Recorder::default();
    // The test's runtime runs on this thread: the subscriber sees every span of these calls.
    // Other tests of this binary run meanwhile on other threads, without a subscriber. With a
    // single scoped dispatcher registered, tracing-core computes a new callsite's interest from
    // the registering thread's default only, so a callsite first reached by another test would
    // be cached as "never"; a second registered dispatcher makes it ask every registered one.
    let dispatch = tracing::Dispatch::new(recorder.clone());
    let _second = tracing::Dispatch::new(Recorder::default());
    let _guard = tracing::dispatcher::set_default(&dispatch);

    let first_token = format!("Bearer {}", issued_token());
    let unavailable_once = AtomicUsize::new(0);
    let server = TestServer::start(move |request| match request.path.as_str() {
        TOKEN_PATH => token_reply(&issued_token(), 7200),
        "/api/v3/get-user-groups" => refusal(404, "no such user"),
        "/api/v3/list-users" if unavailable_once.fetch_add(1, Ordering::SeqCst) == 0 => {
            Reply::raw(503, "text/plain", "busy")
        }
        "/api/v3/list-users" => envelope(json!({"totalCount": 0, "list": []})),
        _ if request.header("authorization") == Some(first_token.as_str()) => envelope(user("u1")),
        _ => refusal(401, "unexpected token"),
    });
    let client = builder(&server).build().expect("valid");
    client.get_user().user_id("u1").send().await.expect("getUser succeeds");
    client.get_user_groups().user_id("u1").send().await.expect_err("404");
    client.list_users().send().await.expect("listUsers succeeds on the repeat");
    drop(_guard);

    let operations = recorder.values("api_call", "operation");
    assert_eq!(operations, ["getUser", "getManagementToken", "getUserGroups", "listUsers"]);
    let outcomes = recorder.values("api_call", "outcome");
    assert_eq!(outcomes.len(), 4, "every call records its outcome: {outcomes:?}");
    for outcome in ["ok", "api"] {
        assert!(outcomes.iter().any(|o| o == outcome), "no {outcome:?} in {outcomes:?}");
    }
    assert_eq!(outcomes.iter().filter(|o| *o == "ok").count(), 3, "{outcomes:?}");
    let attempts = recorder.values("api_call", "attempt");
    assert!(attempts.iter().any(|a| a == "2"), "the repeated listUsers records its second attempt: {attempts:?}");

    let everything = recorder.fields.lock().expect("fields").clone();
    assert!(everything.iter().any(|(owner, _, _)| owner.starts_with("event")), "events are recorded too");
    for (owner, field, value) in &everything {
        assert_clean(&format!("{owner} field {field}"), value);
    }
}
