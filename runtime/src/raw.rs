//! Calls of endpoints a generated crate does not type (yet): any method and path, with query,
//! headers and a JSON body, sent like every typed call (credentials, retries, envelope, `Error`)
//! and decoded into a type the caller names, `serde_json::Value` for anything.

use crate::client::{Call, Client, Request};
use crate::decode::ApiResponse;
use crate::Error;

/// The operation name a raw request's errors and tracing span carry.
pub const RAW_OPERATION: &str = "request";

/// A request of any endpoint, made by [`Client::raw`]; finish it with [`RawRequest::send`].
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent with `.send().await`"]
pub struct RawRequest {
    client: Client,
    request: Request,
}

impl Client {
    /// A request of `method` on `path` (`/api/v3/create-user`; each `/`-separated segment is
    /// percent-encoded as given, a `?query` is read as query pairs). It carries the API's
    /// credentials like every call; reads (GET, HEAD, OPTIONS) are repeated after connection
    /// failures and busy answers, other methods only when [`RawRequest::read_only`] says so.
    pub fn raw(&self, method: reqwest::Method, path: &str) -> RawRequest {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let read_only = matches!(method, reqwest::Method::GET | reqwest::Method::HEAD | reqwest::Method::OPTIONS);
        let call = Call { operation: RAW_OPERATION, read_only, authenticated: true, sensitive: false };
        let mut request = self.request(call, method, &segments);
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            request.query(&name, &value);
        }
        RawRequest { client: self.clone(), request }
    }
}

impl RawRequest {
    /// Adds the query parameter `name` with `value` (form-encoded, after those already set).
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.request.query(name, &value.to_string());
        self
    }

    /// Adds the header `name` with `value`; an invalid one refuses the request when it is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request.dynamic_header(name, value);
        self
    }

    /// Sends `body` as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.request.json(body);
        self
    }

    /// Whether the request only reads, so that a failed attempt may be repeated (by default:
    /// only for GET, HEAD and OPTIONS).
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.request.set_read_only(read_only);
        self
    }

    /// Sends the request and decodes the answer's payload as `T`: the envelope's payload when
    /// the API has one, else the JSON body. `serde_json::Value` takes any payload; `()`-like
    /// types such as `serde::de::IgnoredAny` ignore it.
    ///
    /// # Errors
    ///
    /// As a typed call: [`Error::Api`] for the service's refusal (with an envelope),
    /// [`Error::Http`], [`Error::Transport`], [`Error::Decode`] (with the path to the value
    /// that does not fit `T`), [`Error::InvalidParameter`] for a header or body that cannot be
    /// sent. Errors name the operation `request`.
    pub async fn send<T: serde::de::DeserializeOwned + Send>(self) -> Result<T, Error> {
        if self.client.api().envelope.is_some() {
            self.client.send_enveloped::<T>(self.request).await.map(|answer| answer.data)
        } else {
            self.client.send_json::<T>(self.request).await
        }
    }

    /// As [`Self::send`], with the envelope's status, message and request id.
    ///
    /// # Errors
    ///
    /// As [`Self::send`]; [`Error::InvalidConfig`] for an API without an envelope.
    pub async fn send_with_meta<T: serde::de::DeserializeOwned + Send>(self) -> Result<ApiResponse<T>, Error> {
        self.client.send_enveloped::<T>(self.request).await
    }
}
