//! The one error type of every generated client.

/// Everything that can go wrong when calling the API. Each variant that concerns a call names
/// its operation (the spec's `operationId`). Secrets and tokens never appear in it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client configuration cannot work (no credentials, a host that is not an http(s) URL,
    /// a bad header); nothing was sent.
    #[error("invalid client configuration: {0}")]
    InvalidConfig(String),
    /// A required parameter was not set; nothing was sent.
    #[error("{operation}: missing required parameter `{parameter}`")]
    MissingParameter {
        /// The operation.
        operation: &'static str,
        /// The parameter's name in the API.
        parameter: &'static str,
    },
    /// A parameter, or a value inside it, is outside the bounds the API declares; nothing was
    /// sent.
    #[error("{operation}: invalid parameter `{parameter}`: {reason}")]
    InvalidParameter {
        /// The operation.
        operation: &'static str,
        /// The parameter's name in the API.
        parameter: &'static str,
        /// Which bound it breaks; for a value inside the parameter, starting with its path
        /// (`` `options.pagination.limit` is 0, at least 1 required ``).
        reason: String,
    },
    /// The service refused the call: its answer's envelope reports a status other than success
    /// (APIs whose answers have no envelope report refusals as [`Error::Http`]).
    #[error("{operation}: the service answered {status_code}{}: {message}{}", api_code.map(|c| format!(" (api code {c})")).unwrap_or_default(), request_id.as_ref().map(|r| format!(" [request {r}]")).unwrap_or_default())]
    Api {
        /// The operation.
        operation: &'static str,
        /// The business status code the envelope reports (often an HTTP status code: 401 token
        /// invalid, 404 not found, 429 rate limited, …).
        status_code: i64,
        /// The finer business error code, when the service gives one.
        api_code: Option<i64>,
        /// The service's explanation.
        message: String,
        /// The request id, for support requests.
        request_id: Option<String>,
        /// The HTTP status of the answer (often 200 even on failure).
        http_status: u16,
    },
    /// The request could not be sent, or the response could not be read (connection refused or
    /// closed, timeout).
    #[error("{operation}: request failed: {source}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an HTTP status other than 2xx and no recognisable answer of the
    /// service; the body is kept.
    #[error("{operation}: HTTP {status}: {}", excerpt(body))]
    Http {
        /// The operation.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The response body, as received (lossily decoded as UTF-8).
        body: String,
    },
    /// The response body is not the documented JSON; the body is kept.
    #[error("{operation}: cannot decode the answer at `{path}`: {source}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// Where in the body decoding stopped (`data.list[3].status`; empty for the top level).
        path: String,
        /// What did not match.
        #[source]
        source: serde_json::Error,
        /// The response body, as received (lossily decoded as UTF-8).
        body: String,
    },
}

impl Error {
    /// The operation the error concerns, if it concerns one.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::InvalidConfig(_) => None,
            Error::MissingParameter { operation, .. }
            | Error::InvalidParameter { operation, .. }
            | Error::Api { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Http { operation, .. }
            | Error::Decode { operation, .. } => Some(operation),
        }
    }

    /// Whether trying again later may succeed: rate limiting, an unavailable server, a failed
    /// or timed-out connection.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status_code, http_status, .. } => {
                matches!(*status_code, 429 | 500..=599) || matches!(*http_status, 429 | 502..=504)
            }
            Error::Http { status, .. } => matches!(*status, 429 | 502..=504),
            Error::Transport { source, .. } => source.is_connect() || source.is_timeout(),
            _ => false,
        }
    }

    /// The status the service reported: the business status of an [`Error::Api`], or the HTTP
    /// status of an [`Error::Http`].
    pub fn status_code(&self) -> Option<i64> {
        match self {
            Error::Api { status_code, .. } => Some(*status_code),
            Error::Http { status, .. } => Some(i64::from(*status)),
            _ => None,
        }
    }

    /// The finer business error code of an [`Error::Api`], when the service gave one.
    pub fn api_code(&self) -> Option<i64> {
        match self {
            Error::Api { api_code, .. } => *api_code,
            _ => None,
        }
    }

    /// The request id of an [`Error::Api`], when the service gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The response body, for errors that kept one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Http { body, .. } | Error::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// A short name of the variant, for logs and tracing.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Error::InvalidConfig(_) => "invalid_config",
            Error::MissingParameter { .. } | Error::InvalidParameter { .. } => "invalid_request",
            Error::Api { .. } => "api",
            Error::Transport { source, .. } if source.is_timeout() => "timeout",
            Error::Transport { .. } => "transport",
            Error::Http { .. } => "http",
            Error::Decode { .. } => "decode",
        }
    }
}

/// The start of a body, for messages: enough to recognise an HTML page or an error object.
fn excerpt(body: &str) -> &str {
    let body = body.trim();
    match body.char_indices().nth(200) {
        Some((end, _)) => &body[..end],
        None => body,
    }
}
