//! The client: configuration, authentication, retries, and the one place requests are sent.
//!
//! Sending is not generic: [`Client::execute`] takes a request, sends it (attempts, credentials,
//! retries, tracing) and hands each answer to a callback. Only the thin `send_*` wrappers are
//! generic, and they only decode. Request values are generic only until they are JSON
//! (`serde_json::Value`); styling and encoding them is not.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde_json::Value;
use tracing::Instrument;

use crate::answer::{Answer, Download};
use crate::api::{ApiDescription, TokenAuth};
use crate::auth::{refresh_at, AuthState, CachedToken, Credentials, Secret};
use crate::body::{Blob, Data, Part, Payload};
use crate::decode::{self, ApiResponse};
use crate::retry::{retry_after, RetryPolicy};
use crate::style::{self, Style};
use crate::Error;

/// Default limit for a whole request, connection to last byte.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default limit for establishing a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Turns an answer (HTTP status, headers, body) into a call's result; see [`Client::execute`].
pub type Interpret<'a> = dyn FnMut(u16, &HeaderMap, &[u8]) -> Result<(), Error> + Send + 'a;

/// What the send loop hands each final answer to.
type Handler<'a> = dyn FnMut(&Answer<'_>) -> Result<(), Error> + Send + 'a;

/// What the client needs to know about an operation to send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// The spec's operationId.
    pub operation: &'static str,
    /// Only reads (or only fetches a token): a failed attempt may be repeated.
    pub read_only: bool,
    /// Needs the API's token (when the API has token authentication).
    pub authenticated: bool,
    /// Its answer carries credentials: bodies are never kept in errors.
    pub sensitive: bool,
}

/// One request of an operation, as a generated request builder assembles it.
pub struct Request {
    call: Call,
    method: Method,
    url: Url,
    headers: Vec<(&'static str, String)>,
    /// Headers set at run time (raw requests), already checked.
    extra_headers: HeaderMap,
    /// (name, value) as given; encoded into one `Cookie` header when sent.
    cookies: Vec<(String, String)>,
    body: Option<Payload>,
    /// A part that cannot be sent, and why (a body that could not be encoded, a path segment
    /// `..`): reported when the request is sent.
    invalid: Option<(&'static str, String)>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Cookie values and body contents are left out: sessions, passwords in forms.
        f.debug_struct("Request")
            .field("call", &self.call)
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &self.headers)
            .field("extra_headers", &self.extra_headers)
            .field("cookies", &self.cookies.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("body", &self.body)
            .field("invalid", &self.invalid)
            .finish()
    }
}

impl Request {
    /// Adds the query parameter `name` with `value` (form-encoded, in order).
    pub fn query(&mut self, name: &str, value: &str) {
        self.url.query_pairs_mut().append_pair(name, value);
    }

    /// Adds the query parameter `name` with `value` written in `style` (see [`Style`]):
    /// possibly several pairs, possibly none (`null`), form-encoded, in order.
    pub fn query_value<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, explode: bool) {
        if let Some(value) = self.json_value("query", name, value) {
            let mut pairs = Vec::new();
            style::pairs(name, &value, style, explode, &mut pairs);
            // Only when there are pairs: a URL without them must not gain an empty `?`.
            if !pairs.is_empty() {
                self.url.query_pairs_mut().extend_pairs(pairs);
            }
        }
    }

    /// Adds the header `name` (as the spec names it) with `value`.
    pub fn header(&mut self, name: &'static str, value: String) {
        self.headers.push((name, value));
    }

    /// Adds the header `name` with `value` written in `style`: [`Style::Json`] as JSON text,
    /// any other as [`Style::Simple`], the style of headers. A `null` value sends no header.
    pub fn header_value<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T, style: Style, explode: bool) {
        if let Some(text) = self.json_value(name, name, value).and_then(|value| style::header(&value, style, explode)) {
            self.headers.push((name, text));
        }
    }

    /// Adds the cookie `name` with `value`. All cookies go into one `Cookie` header, with the
    /// bytes cookies cannot carry percent-encoded.
    pub fn cookie(&mut self, name: &str, value: &str) {
        self.cookies.push((name.to_owned(), value.to_owned()));
    }

    /// Adds the cookie `name` with `value` written in `style`: [`Style::Json`] as JSON text, any
    /// other as [`Style::Form`] (the style of cookies: arrays comma-joined, or with `explode`
    /// one cookie `name` per item; exploded objects one cookie per property).
    pub fn cookie_value<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, explode: bool) {
        if let Some(value) = self.json_value("cookie", name, value) {
            let style = if style == Style::Json { Style::Json } else { Style::Form };
            style::pairs(name, &value, style, explode, &mut self.cookies);
        }
    }

    /// Sends `body` as JSON (`application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        self.json_as(body, "application/json");
    }

    /// Sends `body` as JSON with the content type `content_type` (a JSON media type such as
    /// `application/merge-patch+json`).
    pub fn json_as<T: serde::Serialize + ?Sized>(&mut self, body: &T, content_type: &'static str) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.single(Data::Bytes(bytes.into()), Cow::Borrowed(content_type)),
            Err(e) => self.refuse("body", format!("the body cannot be encoded as JSON: {e}")),
        }
    }

    /// Adds the field `name` with `value` written in `style` (as query parameters are) to an
    /// `application/x-www-form-urlencoded` body, which it starts if the body is anything else.
    pub fn form_field<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, explode: bool) {
        if let Some(value) = self.json_value("body", name, value) {
            let mut pairs = self.take_form();
            style::pairs(name, &value, style, explode, &mut pairs);
            self.body = Some(Payload::Form(pairs));
        }
    }

    /// Sends `body` as an `application/x-www-form-urlencoded` body: each property of the
    /// object it must be as a field in [`Style::Form`], exploded.
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match self.json_value("body", "body", body) {
            Some(Value::Object(object)) => {
                let mut pairs = Vec::new();
                for (name, value) in &object {
                    style::pairs(name, value, Style::Form, true, &mut pairs);
                }
                self.body = Some(Payload::Form(pairs));
            }
            Some(_) => self.refuse("body", "a form body must be an object".to_owned()),
            None => {}
        }
    }

    /// Adds the part `name` with `value` to a `multipart/form-data` body, which it starts if
    /// the body is anything else: a string, number or boolean as a text part (with
    /// `content_type` when given, else no `Content-Type`), an array of those as one part per
    /// item, anything else as one part of JSON text (`application/json`, or `content_type`).
    /// `null` adds no part.
    pub fn part<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, content_type: Option<&'static str>) {
        if let Some(value) = self.json_value("body", name, value) {
            let mut parts = self.take_parts();
            add_parts(&mut parts, name, &value, content_type);
            self.body = Some(Payload::Multipart(parts));
        }
    }

    /// Adds the file part `name` holding `blob` to a `multipart/form-data` body (which it
    /// starts if the body is anything else), with the blob's file name when it has one and its
    /// content type, else `content_type` (the spec's `encoding.contentType`), else
    /// `application/octet-stream`.
    pub fn part_blob(&mut self, name: &str, blob: Blob, content_type: Option<&'static str>) {
        let content_type = match (blob.content_type, content_type) {
            (Some(own), _) => Cow::Owned(own),
            (None, Some(declared)) => Cow::Borrowed(declared),
            (None, None) => Cow::Borrowed("application/octet-stream"),
        };
        let mut parts = self.take_parts();
        parts.push(Part { name: name.to_owned(), file_name: blob.file_name, content_type: Some(content_type), data: blob.data });
        self.body = Some(Payload::Multipart(parts));
    }

    /// Sends `body` as a `multipart/form-data` body: each property of the object it must be
    /// as [`Request::part`] adds it.
    pub fn multipart<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match self.json_value("body", "body", body) {
            Some(Value::Object(object)) => {
                let mut parts = Vec::new();
                for (name, value) in &object {
                    add_parts(&mut parts, name, value, None);
                }
                self.body = Some(Payload::Multipart(parts));
            }
            Some(_) => self.refuse("body", "a multipart body must be an object".to_owned()),
            None => {}
        }
    }

    /// Sends `blob` as the body, with its own content type if it has one, else `content_type`.
    /// A streamed blob makes the request one that is sent once, never repeated.
    pub fn blob(&mut self, blob: Blob, content_type: &'static str) {
        let content_type = blob.content_type.map_or(Cow::Borrowed(content_type), Cow::Owned);
        self.single(blob.data, content_type);
    }

    /// Sends `text` as the body, with the content type `content_type`.
    pub fn text(&mut self, text: String, content_type: &'static str) {
        self.single(Data::Bytes(text.into()), Cow::Borrowed(content_type));
    }

    fn single(&mut self, data: Data, content_type: Cow<'static, str>) {
        self.body = Some(Payload::Single { data, content_type });
    }

    /// The pairs of the form body, taken out (empty if the body is not a form): put them back
    /// with `Payload::Form`.
    fn take_form(&mut self) -> Vec<(String, String)> {
        match self.body.take() {
            Some(Payload::Form(pairs)) => pairs,
            _ => Vec::new(),
        }
    }

    /// The parts of the multipart body, taken out (none if the body is not multipart): put them
    /// back with `Payload::Multipart`.
    fn take_parts(&mut self) -> Vec<Part> {
        match self.body.take() {
            Some(Payload::Multipart(parts)) => parts,
            _ => Vec::new(),
        }
    }

    /// `value` as JSON, the only generic step; a value that cannot be JSON refuses the request
    /// (as `parameter`, naming `name`).
    fn json_value<T: serde::Serialize + ?Sized>(&mut self, parameter: &'static str, name: &str, value: &T) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(value) => Some(value),
            Err(e) => {
                self.refuse(parameter, format!("`{name}` cannot be encoded: {e}"));
                None
            }
        }
    }

    /// Marks the request as one that cannot be sent, keeping the first reason.
    fn refuse(&mut self, parameter: &'static str, reason: String) {
        self.invalid.get_or_insert((parameter, reason));
    }

    /// Whether it can be sent more than once: not with a streamed body.
    fn is_repeatable(&self) -> bool {
        self.body.as_ref().is_none_or(Payload::is_repeatable)
    }

    /// Adds a header known only at run time, checked now: a bad one refuses the request.
    pub(crate) fn dynamic_header(&mut self, name: &str, value: &str) {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.extra_headers.append(name, value);
            }
            _ => {
                self.invalid.get_or_insert_with(|| ("header", format!("{name:?} cannot be sent as a header with this value")));
            }
        }
    }

    /// Marks the request as one that only reads (so it may be repeated), or not.
    pub(crate) fn set_read_only(&mut self, read_only: bool) {
        self.call.read_only = read_only;
    }

    /// The operation it belongs to.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// The URL, with the query string so far.
    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// The parts `value` makes under `name` (see [`Request::part`]), added to `parts`.
fn add_parts(parts: &mut Vec<Part>, name: &str, value: &Value, content_type: Option<&'static str>) {
    let text_part = |text: String| Part {
        name: name.to_owned(),
        file_name: None,
        content_type: content_type.map(Cow::Borrowed),
        data: Data::Bytes(text.into()),
    };
    match value {
        Value::Null => {}
        Value::String(text) => parts.push(text_part(text.clone())),
        Value::Number(_) | Value::Bool(_) => parts.push(text_part(value.to_string())),
        Value::Array(items) if items.iter().all(|item| !matches!(item, Value::Array(_) | Value::Object(_))) => {
            for item in items {
                add_parts(parts, name, item, content_type);
            }
        }
        Value::Array(_) | Value::Object(_) => parts.push(Part {
            name: name.to_owned(),
            file_name: None,
            content_type: Some(Cow::Borrowed(content_type.unwrap_or("application/json"))),
            data: Data::Bytes(value.to_string().into()),
        }),
    }
}

/// A cookie name or value with the bytes RFC 6265 does not allow in one percent-encoded (and
/// `%` itself, so decoding gives back what was encoded; `=` too in names).
fn cookie_text(text: &str, is_name: bool) -> percent_encoding::PercentEncode<'_> {
    use percent_encoding::{AsciiSet, CONTROLS};
    const VALUE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');
    const NAME: &AsciiSet = &VALUE.add(b'=');
    percent_encoding::utf8_percent_encode(text, if is_name { NAME } else { VALUE })
}

/// A client of one API: cheap to clone (clones share one connection pool and one cached token).
/// Generated crates wrap it in their own client type.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    api: &'static ApiDescription,
    http: reqwest::Client,
    base_url: Url,
    headers: HeaderMap,
    timeout: Duration,
    retry: RetryPolicy,
    auth: Option<(AuthState, HeaderName)>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values are left out: callers may put credentials there.
        let inner = &self.inner;
        let mut debug = f.debug_struct(inner.api.client_name);
        debug
            .field("base_url", &inner.base_url.as_str())
            .field("headers", &inner.headers.keys().collect::<Vec<_>>())
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry);
        if let Some((auth, _)) = &inner.auth {
            debug.field("auth", auth);
        }
        debug.finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client of `api`.
    pub fn builder(api: &'static ApiDescription) -> ClientBuilder {
        ClientBuilder::new(api)
    }

    /// A client of `api` configured from environment variables named after its prefix
    /// (`<PREFIX>_HOST`, and with token auth `<PREFIX>_ACCESS_KEY_ID`,
    /// `<PREFIX>_ACCESS_KEY_SECRET`, `<PREFIX>_ACCESS_TOKEN`, `<PREFIX>_<TENANT NAME>`,
    /// `<PREFIX>_LANG`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when they are missing or invalid, naming the variables.
    pub fn from_env(api: &'static ApiDescription) -> Result<Client, Error> {
        let Some(prefix) = api.env_prefix else {
            return Err(Error::InvalidConfig("this API declares no environment variables".to_owned()));
        };
        let var = |name: &str| std::env::var(format!("{prefix}_{name}")).ok().filter(|v| !v.is_empty());
        let mut builder = ClientBuilder::new(api);
        if let Some(host) = var("HOST") {
            builder = builder.host(host);
        }
        if let Some(auth) = &api.auth {
            if let Some(id) = var("ACCESS_KEY_ID") {
                builder = builder.access_key_id(id);
            }
            if let Some(secret) = var("ACCESS_KEY_SECRET") {
                builder = builder.access_key_secret(secret);
            }
            if let Some(token) = var("ACCESS_TOKEN") {
                builder = builder.access_token(token);
            }
            if let Some(tenant) = var(&auth.tenant_name.to_uppercase()) {
                builder = builder.tenant(tenant);
            }
            if let Some(lang) = var("LANG") {
                builder = builder.lang(lang);
            }
        }
        builder.build().map_err(|e| match e {
            Error::InvalidConfig(message) => Error::InvalidConfig(format!("{message} (from the {prefix}_* environment variables)")),
            other => other,
        })
    }

    /// The API this client calls.
    pub fn api(&self) -> &'static ApiDescription {
        self.inner.api
    }

    /// The URL requests are sent under.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The HTTP client requests go through.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A request of `call`: `method` on the base URL with `segments` appended, each
    /// percent-encoded as one path segment. A segment `.` or `..` (a path parameter's value)
    /// makes sending it fail with [`Error::InvalidParameter`]: URLs resolve them, even
    /// percent-encoded, so the request would go to another path.
    pub fn request(&self, call: Call, method: Method, segments: &[&str]) -> Request {
        let mut url = self.inner.base_url.clone();
        // `build()` only accepts http(s) URLs, which always have path segments.
        if let Ok(mut path) = url.path_segments_mut() {
            // `extend` silently skips `.` and `..`; they are refused below.
            path.pop_if_empty().extend(segments);
        }
        let invalid = segments.iter().find(|s| matches!(**s, "." | "..")).map(|s| {
            ("path", format!("the path segment {s:?} cannot be sent: a URL resolves it, which would address another path"))
        });
        Request {
            call,
            method,
            url,
            headers: Vec::new(),
            extra_headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
            invalid,
        }
    }

    /// Sends `request` and hands the final answer (any status) to `decode` (again after the one
    /// token refresh, when `decode` reports the API's "token invalid" answer).
    ///
    /// # Errors
    ///
    /// What `decode` returns, or the transport failure, or the request's own problems.
    pub async fn send_with<T: Send>(
        &self,
        request: Request,
        mut decode: impl FnMut(&Answer<'_>) -> Result<T, Error> + Send,
    ) -> Result<T, Error> {
        let mut decoded = None;
        self.dispatch(request, false, &mut |answer| {
            decoded = Some(decode(answer)?);
            Ok(())
        })
        .await?;
        decoded.ok_or_else(unanswered)
    }

    /// Sends `request`; a 2xx answer's body is not read but returned as a [`Download`]; any
    /// other answer is read whole and handed to `on_error`.
    ///
    /// # Errors
    ///
    /// What `on_error` returns, or the transport failure, or the request's own problems.
    pub async fn send_streaming(
        &self,
        request: Request,
        mut on_error: impl FnMut(&Answer<'_>) -> Error + Send,
    ) -> Result<Download, Error> {
        let operation = request.call.operation;
        let response = self.dispatch(request, true, &mut |answer| Err(on_error(answer))).await?;
        response.map(|response| Download { operation, response }).ok_or_else(unanswered)
    }

    /// Sends `request` and decodes a JSON answer (HTTP 2xx) as `T`.
    ///
    /// # Errors
    ///
    /// The transport, HTTP or decoding failure; the request's own problems before sending.
    pub async fn send_json<T: serde::de::DeserializeOwned + Send>(&self, request: Request) -> Result<T, Error> {
        self.send_with(request, |answer| if answer.is_success() { answer.json() } else { Err(answer.http_error()) }).await
    }

    /// Sends `request`, expecting an HTTP 2xx answer whose body, if any, does not matter.
    ///
    /// # Errors
    ///
    /// As [`Client::send_json`].
    pub async fn send_empty(&self, request: Request) -> Result<(), Error> {
        self.send_with(request, |answer| if answer.is_success() { Ok(()) } else { Err(answer.http_error()) }).await
    }

    /// Sends `request`; the answer's envelope must report success and carry a payload `T`.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when the envelope reports a refusal; otherwise as [`Client::send_json`].
    pub async fn send_enveloped<T: serde::de::DeserializeOwned + Send>(&self, request: Request) -> Result<ApiResponse<T>, Error> {
        self.expect_envelope()?;
        self.send_with(request, |answer| answer.enveloped()).await
    }

    /// Sends `request`; the answer's envelope must report success; any payload is ignored.
    ///
    /// # Errors
    ///
    /// As [`Client::send_enveloped`].
    pub async fn send_enveloped_status(&self, request: Request) -> Result<ApiResponse<()>, Error> {
        self.expect_envelope()?;
        self.send_with(request, |answer| answer.enveloped_status()).await
    }

    /// Refuses, before sending, to expect an envelope of an API that has none.
    fn expect_envelope(&self) -> Result<(), Error> {
        match self.inner.api.envelope {
            Some(_) => Ok(()),
            None => Err(Error::InvalidConfig("this API describes no response envelope".to_owned())),
        }
    }

    /// The one place requests are sent: per attempt it adds credentials, sends, repeats after
    /// connection failures and HTTP 429/502/503/504 (for reads, or for every call with
    /// [`RetryPolicy::retry_writes`]) and once after the API's "token invalid" status, inside
    /// the call's `tracing` span. `interpret` turns each final answer (HTTP status, headers,
    /// body) into the call's result. A request with a streamed body is sent once.
    ///
    /// # Errors
    ///
    /// What `interpret` returns, or the transport failure, or the request's own problems.
    pub async fn execute(
        &self,
        request: Request,
        interpret: &mut Interpret<'_>,
    ) -> Result<(), Error> {
        self.dispatch(request, false, &mut |answer| interpret(answer.status(), answer.headers(), answer.body())).await.map(drop)
    }

    /// [`Client::execute`] with answers as [`Answer`]s; with `stream_success`, a 2xx answer is
    /// returned unread instead.
    async fn dispatch(
        &self,
        request: Request,
        stream_success: bool,
        handler: &mut Handler<'_>,
    ) -> Result<Option<reqwest::Response>, Error> {
        let call = request.call;
        let span = tracing::info_span!(
            "api_call",
            operation = call.operation,
            attempt = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let result = self.attempts(request, stream_success, handler).instrument(span.clone()).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(e) => e.kind(),
        };
        span.record("outcome", outcome);
        tracing::debug!(parent: &span, outcome, "call finished");
        result
    }

    async fn attempts(
        &self,
        request: Request,
        stream_success: bool,
        handler: &mut Handler<'_>,
    ) -> Result<Option<reqwest::Response>, Error> {
        let call = request.call;
        let transport = |source| Error::Transport { operation: call.operation, source };
        // A streamed body can be read once only: such a request gets one attempt.
        let repeatable = request.is_repeatable();
        let mut pending = Some(self.build(request)?);
        let policy = &self.inner.retry;
        let may_repeat = repeatable && (call.read_only || policy.retry_writes);
        let envelope = self.inner.api.envelope.as_ref();
        let mut retries = 0;
        let mut refreshed = false;
        for attempt in 1.. {
            tracing::Span::current().record("attempt", attempt);
            let this_attempt = if repeatable { pending.as_ref().and_then(reqwest::Request::try_clone) } else { pending.take() };
            let Some(mut this_attempt) = this_attempt else {
                return Err(Error::InvalidConfig("internal error: the request body cannot be sent again".to_owned()));
            };
            let credentials = match &self.inner.auth {
                Some((auth, token_header)) if call.authenticated => {
                    let credentials = self.credentials().await?;
                    credentials.apply(this_attempt.headers_mut(), token_header, &auth.tenant_header);
                    Some(credentials)
                }
                _ => None,
            };
            let mut response = match self.inner.http.execute(this_attempt).await {
                Ok(response) => response,
                Err(source) => {
                    if may_repeat && source.is_connect() && retries < policy.max_retries {
                        retries += 1;
                        let delay = policy.delay(retries, None);
                        tracing::debug!(attempt, ?delay, error = %source, "connection failed; retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(transport(source));
                }
            };
            let status = response.status().as_u16();
            if stream_success && (200..300).contains(&status) {
                return Ok(Some(response));
            }
            // Taken, not copied: reading the body consumes the response.
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await.map_err(transport)?;
            if may_repeat && matches!(status, 429 | 502 | 503 | 504) && retries < policy.max_retries {
                retries += 1;
                let delay = policy.delay(retries, retry_after(&headers));
                tracing::debug!(attempt, status, ?delay, "retryable HTTP status; retrying");
                tokio::time::sleep(delay).await;
                continue;
            }
            let answer = Answer { call, status, headers: &headers, body: &body, envelope };
            match handler(&answer) {
                Err(e) if !refreshed && self.is_token_refusal(&e) && credentials.as_ref().is_some_and(|c| c.renewable) => {
                    // The token was refused: get a new one and repeat this request once.
                    refreshed = true;
                    if let Some(credentials) = &credentials {
                        self.forget_token(&credentials.token).await;
                    }
                    if !repeatable {
                        // The next call gets a new token; this one cannot be sent again.
                        return Err(e);
                    }
                    tracing::debug!(attempt, "token refused; refreshing it and repeating the request");
                }
                result => return result.map(|()| None),
            }
        }
        unreachable!("the attempt loop only ends by returning")
    }

    /// The reqwest request for `request`, with the client's headers and timeout.
    fn build(&self, request: Request) -> Result<reqwest::Request, Error> {
        let Request { call, method, url, headers, extra_headers, cookies, body, invalid } = request;
        if let Some((parameter, reason)) = invalid {
            return Err(Error::InvalidParameter { operation: call.operation, parameter, reason });
        }
        let invalid = |parameter, reason: &str| Error::InvalidParameter { operation: call.operation, parameter, reason: reason.to_owned() };
        let mut builder = self.inner.http.request(method, url).headers(self.inner.headers.clone()).timeout(self.inner.timeout);
        for (name, value) in headers {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid(name, "not a valid header name"))?;
            let value = HeaderValue::from_str(&value).map_err(|_| invalid(name, "cannot be sent as a header value"))?;
            builder = builder.header(header, value);
        }
        for (name, value) in &extra_headers {
            builder = builder.header(name, value.clone());
        }
        let mut built = builder.build().map_err(|source| Error::Transport { operation: call.operation, source })?;
        if !cookies.is_empty() {
            // One `Cookie` header (RFC 6265): after any the client or caller set.
            let mut line: Vec<u8> = Vec::new();
            for value in built.headers().get_all(reqwest::header::COOKIE) {
                line.extend_from_slice(value.as_bytes());
                line.extend_from_slice(b"; ");
            }
            let ours: Vec<String> = cookies.iter().map(|(name, value)| format!("{}={}", cookie_text(name, true), cookie_text(value, false))).collect();
            line.extend_from_slice(ours.join("; ").as_bytes());
            let value = HeaderValue::from_bytes(&line).map_err(|_| invalid("cookie", "cannot be sent as a header value"))?;
            built.headers_mut().insert(reqwest::header::COOKIE, value);
        }
        if let Some(body) = body {
            let (body, content_type) = body.encode();
            let content_type = HeaderValue::from_str(&content_type)
                .map_err(|_| invalid("body", &format!("the content type {content_type:?} cannot be sent as a header value")))?;
            built.headers_mut().insert(reqwest::header::CONTENT_TYPE, content_type);
            *built.body_mut() = Some(body);
        }
        Ok(built)
    }

    /// Whether `error` is the API's answer to a token it does not accept.
    fn is_token_refusal(&self, error: &Error) -> bool {
        let Some(auth) = &self.inner.api.auth else { return false };
        match error {
            Error::Api { status_code, .. } => *status_code == auth.invalid_token_status,
            Error::Http { status, .. } | Error::Response { status, .. } => {
                self.inner.api.envelope.is_none() && i64::from(*status) == auth.invalid_token_status
            }
            _ => false,
        }
    }

    /// The token and tenant to send, fetching (or refreshing) the token when needed. Concurrent
    /// callers wait for one fetch instead of each sending their own.
    async fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        let Some((auth, _)) = &self.inner.auth else {
            return Err(Error::InvalidConfig("this API has no token authentication".to_owned()));
        };
        let Some((key_id, key_secret)) = &auth.key else {
            return auth
                .fixed
                .clone()
                .ok_or_else(|| Error::InvalidConfig("no credentials: set an access key or an access token".to_owned()));
        };
        let mut cached = auth.cached.lock().await;
        if let Some(current) = cached.as_ref()
            && std::time::Instant::now() < current.refresh_at
        {
            return Ok(current.credentials.clone());
        }
        // Boxed: fetching sends a request through `execute`, which may call this.
        let (token, expires_in) = Box::pin(self.fetch_token(auth.description, key_id, key_secret)).await?;
        let credentials = Credentials::new(auth.description, Secret(token), auth.tenant.as_deref(), true)
            .ok_or_else(|| Error::InvalidConfig("the issued token or tenant id cannot be sent as a header value".to_owned()))?;
        let credentials = Arc::new(credentials);
        *cached = Some(CachedToken {
            credentials: credentials.clone(),
            refresh_at: refresh_at(std::time::Instant::now(), expires_in),
        });
        Ok(credentials)
    }

    /// Exchanges the access key for a token: `(token, lifetime in seconds)`.
    async fn fetch_token(&self, description: &'static TokenAuth, key_id: &str, key_secret: &Secret) -> Result<(String, i64), Error> {
        // Exchanging a key for a token changes nothing: it is repeated like a read.
        let call = Call { operation: description.operation, read_only: true, authenticated: false, sensitive: true };
        let method = Method::from_bytes(description.method.as_bytes())
            .map_err(|_| Error::InvalidConfig(format!("invalid token operation method {:?}", description.method)))?;
        let segments: Vec<&str> = description.path.split('/').filter(|s| !s.is_empty()).collect();
        let mut request = self.request(call, method, &segments);
        let mut body = serde_json::Map::new();
        body.insert(description.key_id_field.to_owned(), key_id.into());
        body.insert(description.key_secret_field.to_owned(), key_secret.0.as_str().into());
        request.json(&body);
        let (payload, prefix) = match &self.inner.api.envelope {
            Some(format) => (self.send_enveloped::<serde_json::Value>(request).await?.data, format!("{}.", format.data_field)),
            None => (self.send_json::<serde_json::Value>(request).await?, String::new()),
        };
        let missing = |field: &str, what: &str| Error::Decode {
            operation: call.operation,
            path: format!("{prefix}{field}"),
            source: serde::de::Error::custom(format!("expected {what} (details withheld: the answer carries credentials)")),
            body: decode::kept_body(&call, &[]),
        };
        let token = payload
            .get(description.token_field)
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| missing(description.token_field, "the token as a string"))?;
        let expires_in = payload.get(description.expires_in_field).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)));
        let expires_in = expires_in.ok_or_else(|| missing(description.expires_in_field, "the lifetime in seconds as a number"))?;
        Ok((token.to_owned(), expires_in))
    }

    /// Drops the cached token if it is still `token`, so the next call fetches a new one.
    async fn forget_token(&self, token: &Secret) {
        let Some((auth, _)) = &self.inner.auth else { return };
        let mut cached = auth.cached.lock().await;
        if cached.as_ref().is_some_and(|c| &c.credentials.token == token) {
            *cached = None;
        }
    }
}

/// `execute` returned without calling its callback successfully: cannot happen.
fn unanswered() -> Error {
    Error::InvalidConfig("internal error: a call ended without an answer".to_owned())
}

/// Configures a [`Client`].
#[must_use]
pub struct ClientBuilder {
    api: &'static ApiDescription,
    host: Option<String>,
    http: Option<reqwest::Client>,
    headers: Vec<(String, String)>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    access_key_id: Option<String>,
    access_key_secret: Option<Secret>,
    access_token: Option<Secret>,
    tenant: Option<String>,
    lang: Option<String>,
    header_family: Option<String>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(&format!("{}Builder", self.api.client_name))
            .field("host", &self.host)
            .field("http", &self.http)
            .field("headers", &self.headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("access_token", &self.access_token)
            .field("tenant", &self.tenant)
            .field("lang", &self.lang)
            .field("header_family", &self.header_family)
            .finish()
    }
}

impl ClientBuilder {
    /// Default settings for a client of `api`.
    pub fn new(api: &'static ApiDescription) -> Self {
        ClientBuilder {
            api,
            host: None,
            http: None,
            headers: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            access_key_id: None,
            access_key_secret: None,
            access_token: None,
            tenant: None,
            lang: None,
            header_family: None,
        }
    }

    /// The service's base URL (default: the API's own, when it declares one).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// Sends requests through this HTTP client instead of a new one (its own connect timeout
    /// and TLS settings then apply; the timeout still limits each request).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Limit for each attempt of a request, connection to last byte (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for establishing a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// When failed attempts are repeated (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Token auth: the access key id.
    pub fn access_key_id(mut self, id: impl Into<String>) -> Self {
        self.access_key_id = Some(id.into());
        self
    }

    /// Token auth: the access key secret. It never appears in `Debug` output, errors or logs.
    pub fn access_key_secret(mut self, secret: impl Into<String>) -> Self {
        self.access_key_secret = Some(Secret(secret.into()));
        self
    }

    /// Token auth: a ready-made access token, sent as is and never refreshed.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(Secret(token.into()));
        self
    }

    /// Token auth: a fixed tenant id, sent instead of the one the token names.
    pub fn tenant(mut self, id: impl Into<String>) -> Self {
        self.tenant = Some(id.into());
        self
    }

    /// Token auth: the language of the service's messages (`zh-CN`, `en-US`, …).
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Token auth: which header names to send, by the family's prefix (default: the family the
    /// host expects).
    pub fn header_family(mut self, prefix: impl Into<String>) -> Self {
        self.header_family = Some(prefix.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the host is missing or not an http(s) URL, a header is
    /// invalid, or (with token auth) no credentials are set.
    pub fn build(self) -> Result<Client, Error> {
        let api = self.api;
        let host = self
            .host
            .as_deref()
            .or(api.default_host)
            .ok_or_else(|| Error::InvalidConfig("no host set".to_owned()))?;
        let mut base_url = Url::parse(host).map_err(|e| Error::InvalidConfig(format!("host {host:?} is not a URL: {e}")))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.cannot_be_a_base() || base_url.host_str().is_none() {
            return Err(Error::InvalidConfig(format!("host {host:?} is not an http(s) URL")));
        }
        // The spec's server path (`/api/v3`) under a bare host; a host with a path keeps its own.
        if let Some(base_path) = api.base_path
            && base_url.path() == "/"
        {
            base_url.set_path(base_path);
        }
        let mut headers = HeaderMap::new();
        let agent = HeaderValue::from_str(api.user_agent).map_err(|_| Error::InvalidConfig("invalid user agent".to_owned()))?;
        headers.insert(reqwest::header::USER_AGENT, agent);
        let auth = match &api.auth {
            Some(description) => Some(self.auth(description, &base_url, &mut headers)?),
            None => None,
        };
        for (name, value) in self.headers {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::InvalidConfig(format!("invalid header name {name:?}")))?;
            let value = HeaderValue::from_str(&value).map_err(|_| Error::InvalidConfig(format!("invalid value for header {name:?}")))?;
            headers.append(header, value);
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| Error::InvalidConfig(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner { api, http, base_url, headers, timeout: self.timeout, retry: self.retry, auth }),
        })
    }

    /// The token auth state, and the headers it adds to every request.
    fn auth(&self, description: &'static TokenAuth, base_url: &Url, headers: &mut HeaderMap) -> Result<(AuthState, HeaderName), Error> {
        let invalid = |what: &str| Error::InvalidConfig(format!("invalid {what}"));
        let family = match &self.header_family {
            Some(prefix) => description
                .families
                .iter()
                .find(|f| f.prefix == prefix || f.name == prefix)
                .ok_or_else(|| Error::InvalidConfig(format!("unknown header family {prefix:?}")))?,
            None => description
                .family_for_host(base_url.host_str().unwrap_or_default())
                .ok_or_else(|| Error::InvalidConfig("the API declares no header family".to_owned()))?,
        };
        let name = |suffix: &str| HeaderName::from_bytes(format!("{}-{suffix}", family.prefix).as_bytes());
        headers.insert(
            name(description.sdk_version_header).map_err(|_| invalid("SDK version header name"))?,
            HeaderValue::from_str(self.api.version).map_err(|_| invalid("SDK version"))?,
        );
        if let Some(lang) = &self.lang {
            let value = HeaderValue::from_str(lang).map_err(|_| Error::InvalidConfig(format!("invalid lang {lang:?}")))?;
            headers.insert(name(description.lang_header).map_err(|_| invalid("lang header name"))?, value);
        }
        let key = match (&self.access_key_id, &self.access_key_secret) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.0.is_empty() => Some((id.clone(), secret.clone())),
            (None, None) => None,
            (Some(_), _) => return Err(Error::InvalidConfig("an access key id needs its access key secret".to_owned())),
            (None, Some(_)) => return Err(Error::InvalidConfig("an access key secret needs its access key id".to_owned())),
        };
        if key.is_none() && self.access_token.is_none() {
            return Err(Error::InvalidConfig(
                "no credentials: set access_key_id and access_key_secret, or access_token".to_owned(),
            ));
        }
        let tenant_header = name(description.tenant_header).map_err(|_| invalid("tenant header name"))?;
        let token_header = HeaderName::from_bytes(description.header.as_bytes()).map_err(|_| invalid("token header name"))?;
        let fixed = match &self.access_token {
            Some(token) => Some(Arc::new(Credentials::new(description, token.clone(), self.tenant.as_deref(), false).ok_or_else(
                || Error::InvalidConfig("the access token or tenant id cannot be sent as a header value".to_owned()),
            )?)),
            None => None,
        };
        let state = AuthState {
            description,
            family,
            tenant_header,
            key,
            fixed,
            tenant: self.tenant.clone(),
            cached: tokio::sync::Mutex::new(None),
        };
        Ok((state, token_header))
    }
}
