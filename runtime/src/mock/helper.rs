//! [`Mock`]: how a test sets up the answer to one operation; and the markers that say what the
//! operation answers with, so each helper has only the `respond` methods that fit.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use hyper::header::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::answer::Answer;
use super::request::{ReceivedRequest, TypedRequest};
use super::state::{label, Check, Expectation};
use super::MockServer;

/// Marks an operation that answers with a payload `T` in the API's envelope:
/// `respond(data)` and `respond_with_meta(data, message, request_id)`.
pub struct Enveloped<T>(PhantomData<fn() -> T>);

/// Marks an operation that answers with the API's envelope and no payload: `respond()` and
/// `respond_with_meta(message, request_id)`.
pub struct EnvelopedEmpty;

/// Marks an operation that answers with a plain JSON body `T` (HTTP 200): `respond(data)`.
pub struct Json<T>(PhantomData<fn() -> T>);

/// Marks an operation that answers without a body (HTTP 204): `respond()`.
pub struct NoContent;

/// Marks an operation whose answer is not one JSON type (a file, text, several types by
/// status): answer it with `respond_bytes(..)` or `respond_raw(..)`.
pub struct Raw;

/// How the mock server answers one operation: expectations about the request, how many
/// requests, then the answer. Made by [`MockServer::mock`]; `B` is the operation's request body
/// type (`()` for none, or one that is not JSON), `A` what it answers with ([`Enveloped`],
/// [`EnvelopedEmpty`], [`Json`], [`NoContent`], [`Raw`]).
#[must_use = "nothing is set up until `respond`, `fail`, `respond_raw` or `respond_bytes` is called"]
pub struct Mock<'a, B, A> {
    server: &'a MockServer,
    operation: &'static str,
    checks: Vec<Check>,
    times: Option<usize>,
    delay: Option<Duration>,
    headers: Vec<(HeaderName, HeaderValue)>,
    // `fn() -> _`: the helper holds no `B` or `A`, so it is `Send` and `Sync` whatever they are.
    types: PhantomData<fn() -> (B, A)>,
}

impl<B, A> fmt::Debug for Mock<'_, B, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mock")
            .field("expectation", &label(self.operation, &self.checks))
            .field("times", &self.times)
            .field("delay", &self.delay)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl<'a, B, A> Mock<'a, B, A> {
    pub(super) fn new(server: &'a MockServer, operation: &'static str) -> Self {
        Mock {
            server,
            operation,
            checks: Vec::new(),
            times: None,
            delay: None,
            headers: Vec::new(),
            types: PhantomData,
        }
    }

    fn check(mut self, description: String, test: impl Fn(&ReceivedRequest) -> Result<(), String> + Send + Sync + 'static) -> Self {
        self.checks.push(Check { description, test: Box::new(test) });
        self
    }

    /// Answers only requests whose query parameter `name` (as the spec names it) has `value`,
    /// decoded (arrays sent as one value are matched comma-joined, `a,b`).
    pub fn expect_query(self, name: &str, value: impl Into<String>) -> Self {
        let (name, value) = (name.to_owned(), value.into());
        self.check(format!("query `{name}` = {value:?}"), move |request| {
            let found = request.query_all(&name);
            if found.contains(&value.as_str()) { Ok(()) } else { Err(format!("query `{name}` is {found:?}, not {value:?}")) }
        })
    }

    /// Answers only requests whose path parameter `name` (as the path template names it) is
    /// `value`, decoded.
    pub fn expect_path(self, name: &str, value: impl Into<String>) -> Self {
        let (name, value) = (name.to_owned(), value.into());
        self.check(format!("path parameter `{name}` = {value:?}"), move |request| match request.path_param(&name) {
            Some(found) if found == value => Ok(()),
            found => Err(format!("path parameter `{name}` is {found:?}, not {value:?}")),
        })
    }

    /// Answers only requests with header `name` (any case) set to `value`.
    pub fn expect_header(self, name: &str, value: impl Into<String>) -> Self {
        let (name, value) = (name.to_owned(), value.into());
        self.check(format!("header `{name}` = {value:?}"), move |request| match request.header(&name) {
            Some(found) if found == value => Ok(()),
            found => Err(format!("header `{name}` is {found:?}, not {value:?}")),
        })
    }

    /// Answers only requests for which `check` returns `true`; it sees the request with its
    /// body decoded (see [`TypedRequest`]). A `check` that panics does not match. It runs while
    /// the server holds its state: it must not call the server.
    pub fn expect(self, check: impl Fn(&TypedRequest<'_, B>) -> bool + Send + Sync + 'static) -> Self
    where
        B: DeserializeOwned,
    {
        self.check("an `expect` closure".to_owned(), move |request| {
            let view = TypedRequest { request, body: request.json().ok() };
            // A closure that panics (an `unwrap` on a missing body, say) does not match.
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&view))) {
                Ok(true) => Ok(()),
                Ok(false) => Err("the `expect` closure returned false".to_owned()),
                Err(_) => Err("the `expect` closure panicked".to_owned()),
            }
        })
    }

    /// Answers at most `n` requests, and [`MockServer::verify`] then wants exactly `n` (by
    /// default: any number, at least one). Later helpers of the same operation answer the
    /// requests after those.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Waits this long before answering (to test timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Adds this header to the answer, whichever it is (`retry-after` on a 503, say); it
    /// replaces the server's own header of that name (`content-type`). Repeat it to send a
    /// header more than once.
    ///
    /// # Panics
    ///
    /// When `name` or `value` cannot be an HTTP header, and for `content-length` and
    /// `transfer-encoding` (the server frames the body itself).
    #[track_caller]
    pub fn with_response_header(mut self, name: &str, value: &str) -> Self {
        let header = HeaderName::from_bytes(name.as_bytes())
            .unwrap_or_else(|_| panic!("mock server: {name:?} is not a valid header name"));
        assert!(
            header != hyper::header::CONTENT_LENGTH && header != hyper::header::TRANSFER_ENCODING,
            "mock server: `{header}` is set by the server itself, from the body"
        );
        let value = HeaderValue::from_str(value)
            .unwrap_or_else(|_| panic!("mock server: {value:?} is not a valid value for header `{header}`"));
        self.headers.push((header, value));
        self
    }

    /// Answers with the service's refusal with status `status`: with an envelope, in the
    /// envelope (over HTTP 200), which the client returns as [`Error::Api`](crate::Error::Api);
    /// without one, as HTTP status `status` (500 when it does not have three digits) with
    /// `{"message": message}`, which the client returns as [`Error::Http`](crate::Error::Http).
    pub fn fail(self, status: i64, message: impl Into<String>) {
        self.finish(Answer::Failure { status, api_code: None, message: message.into() });
    }

    /// As [`Self::fail`], with the finer business error code too, where the envelope has a
    /// field for it (it is left out otherwise).
    pub fn fail_with_api_code(self, status: i64, api_code: i64, message: impl Into<String>) {
        self.finish(Answer::Failure { status, api_code: Some(api_code), message: message.into() });
    }

    /// Answers with exactly this HTTP status and body (sent as `application/json`): malformed
    /// answers, HTTP errors, anything the other answers do not cover.
    ///
    /// # Panics
    ///
    /// When `http_status` does not have three digits.
    #[track_caller]
    pub fn respond_raw(self, http_status: u16, body: impl Into<String>) {
        assert!((100..=999).contains(&http_status), "mock server: HTTP status {http_status} is not three digits");
        self.finish(Answer::Raw { http_status, body: body.into() });
    }

    /// Answers with exactly this HTTP status, content type and body (a file, text, anything
    /// not JSON).
    ///
    /// # Panics
    ///
    /// When `http_status` does not have three digits or `content_type` cannot be a header
    /// value.
    #[track_caller]
    pub fn respond_bytes(self, http_status: u16, content_type: &str, body: impl Into<Vec<u8>>) {
        assert!((100..=999).contains(&http_status), "mock server: HTTP status {http_status} is not three digits");
        let content_type = HeaderValue::from_str(content_type)
            .unwrap_or_else(|_| panic!("mock server: {content_type:?} is not a valid content type"));
        self.finish(Answer::Bytes { http_status, content_type, body: body.into().into() });
    }

    fn finish(self, answer: Answer) {
        self.server.add(Expectation {
            operation: self.operation,
            checks: self.checks,
            answer,
            times: self.times,
            delay: self.delay,
            headers: self.headers,
            hits: 0,
        });
    }
}

impl<B: Serialize + DeserializeOwned + PartialEq + Send + Sync + 'static, A> Mock<'_, B, A> {
    /// Answers only requests whose JSON body decodes to a value equal to `body`.
    pub fn expect_body(self, body: B) -> Self {
        let json = serde_json::to_string(&body).unwrap_or_else(|e| format!("<not JSON: {e}>"));
        self.check(format!("body {json}"), move |request| match request.json::<B>() {
            Ok(found) if found == body => Ok(()),
            _ => Err(format!("body is {}, not {json}", String::from_utf8_lossy(request.body_bytes()))),
        })
    }
}

/// The payload as JSON.
///
/// # Panics
///
/// When it cannot be JSON (a map with non-string keys, say).
#[track_caller]
fn to_json<T: Serialize>(data: &T) -> serde_json::Value {
    serde_json::to_value(data).unwrap_or_else(|e| panic!("mock server: the answer is not JSON: {e}"))
}

impl<B, T: Serialize> Mock<'_, B, Enveloped<T>> {
    /// Answers with `data` in a successful envelope (message `success`).
    ///
    /// # Panics
    ///
    /// When `data` cannot be serialized as JSON.
    #[track_caller]
    pub fn respond(self, data: T) {
        self.finish(Answer::Enveloped { data: Some(to_json(&data)), message: None, request_id: None });
    }

    /// Answers with `data` in a successful envelope, with this message and request id (where
    /// the envelope has a field for it).
    ///
    /// # Panics
    ///
    /// When `data` cannot be serialized as JSON.
    #[track_caller]
    pub fn respond_with_meta(self, data: T, message: impl Into<String>, request_id: impl Into<String>) {
        self.finish(Answer::Enveloped {
            data: Some(to_json(&data)),
            message: Some(message.into()),
            request_id: Some(request_id.into()),
        });
    }
}

impl<B> Mock<'_, B, EnvelopedEmpty> {
    /// Answers with a successful envelope without payload (message `success`).
    pub fn respond(self) {
        self.finish(Answer::Enveloped { data: None, message: None, request_id: None });
    }

    /// Answers with a successful envelope without payload, with this message and request id
    /// (where the envelope has a field for it).
    pub fn respond_with_meta(self, message: impl Into<String>, request_id: impl Into<String>) {
        self.finish(Answer::Enveloped { data: None, message: Some(message.into()), request_id: Some(request_id.into()) });
    }
}

impl<B, T: Serialize> Mock<'_, B, Json<T>> {
    /// Answers with `data` as the JSON body (HTTP 200).
    ///
    /// # Panics
    ///
    /// When `data` cannot be serialized as JSON.
    #[track_caller]
    pub fn respond(self, data: T) {
        self.finish(Answer::Json(to_json(&data)));
    }
}

impl<B> Mock<'_, B, NoContent> {
    /// Answers with success and no body (HTTP 204).
    pub fn respond(self) {
        self.finish(Answer::NoContent);
    }
}
