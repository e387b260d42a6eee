//! Requests as the server received them, for checks and for tests to inspect.

use std::fmt;

/// One request as the mock server received it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedRequest {
    pub(super) operation: Option<&'static str>,
    pub(super) method: String,
    pub(super) target: String,
    pub(super) path: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) path_params: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
}

impl ReceivedRequest {
    /// The operationId of the operation whose method and path template the request fits, if
    /// any.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// The method (`GET`, `POST`, …).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path as sent, without the query string (still percent-encoded).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The first value of query parameter `name`, decoded.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of query parameter `name`, decoded, in order.
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The query string as decoded (name, value) pairs, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every header as (lowercase name, value); the values of one name in the order sent.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The value of path parameter `name` (as the path template names it), decoded.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// The body, as sent (a chunked body put back together).
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded as an `application/x-www-form-urlencoded` form: (name, value) pairs,
    /// in order.
    pub fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
    }

    /// The body decoded from JSON.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of type `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// `GET /path?query`.
impl fmt::Display for ReceivedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.target)
    }
}

/// A request of one operation as an `expect` closure sees it: everything of the
/// [`ReceivedRequest`] (through `Deref`), and its JSON body decoded into the operation's body
/// type `B` (`()` for operations without a body).
#[derive(Debug)]
pub struct TypedRequest<'a, B> {
    pub(super) request: &'a ReceivedRequest,
    pub(super) body: Option<B>,
}

impl<B> TypedRequest<'_, B> {
    /// The body, when it is JSON of the operation's body type.
    pub fn body(&self) -> Option<&B> {
        self.body.as_ref()
    }

    /// The request as received.
    pub fn request(&self) -> &ReceivedRequest {
        self.request
    }
}

impl<B> std::ops::Deref for TypedRequest<'_, B> {
    type Target = ReceivedRequest;

    fn deref(&self) -> &ReceivedRequest {
        self.request
    }
}
