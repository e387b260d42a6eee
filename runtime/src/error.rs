//! The one error type of every generated client.

use std::any::Any;
use std::fmt;

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
    /// The server answered with an error the API documents for this operation;
    /// [`Error::details`] gives the decoded value (the body is kept too).
    #[error("{operation}: HTTP {status}: {}", excerpt(body))]
    Response {
        /// The operation.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The response body, as received (lossily decoded as UTF-8).
        body: String,
        /// The body decoded as the type the API documents for this answer.
        details: ErrorDetails,
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
            | Error::Response { operation, .. }
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
            Error::Http { status, .. } | Error::Response { status, .. } => matches!(*status, 429 | 502..=504),
            Error::Transport { source, .. } => source.is_connect() || source.is_timeout(),
            _ => false,
        }
    }

    /// The status the service reported: the business status of an [`Error::Api`], or the HTTP
    /// status of an [`Error::Http`] or [`Error::Response`].
    pub fn status_code(&self) -> Option<i64> {
        match self {
            Error::Api { status_code, .. } => Some(*status_code),
            Error::Http { status, .. } | Error::Response { status, .. } => Some(i64::from(*status)),
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
            Error::Http { body, .. } | Error::Response { body, .. } | Error::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The decoded body of an [`Error::Response`], when it is of type `E` (the type the API
    /// documents for that answer).
    pub fn details<E: 'static>(&self) -> Option<&E> {
        match self {
            Error::Response { details, .. } => details.get(),
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
            Error::Response { .. } => "response",
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

/// The decoded body of an [`Error::Response`]: a value of the type the API documents for that
/// answer, whatever it is; [`ErrorDetails::get`] (or [`Error::details`]) gives it back typed.
pub struct ErrorDetails {
    value: Box<dyn DetailsValue>,
    /// Shown as redacted in `Debug` output: the answer of an operation that carries
    /// credentials.
    redacted: bool,
}

/// What a details value must be: any `'static` type that can be shown and shared.
trait DetailsValue: Any + fmt::Debug + Send + Sync {}

impl<T: Any + fmt::Debug + Send + Sync> DetailsValue for T {}

impl ErrorDetails {
    /// Wraps `value`.
    pub fn new<E: Any + fmt::Debug + Send + Sync>(value: E) -> ErrorDetails {
        ErrorDetails { value: Box::new(value), redacted: false }
    }

    /// As [`ErrorDetails::new`], shown as redacted in `Debug` output.
    pub(crate) fn redacted<E: Any + fmt::Debug + Send + Sync>(value: E) -> ErrorDetails {
        ErrorDetails { value: Box::new(value), redacted: true }
    }

    /// The value, when it is of type `E`.
    pub fn get<E: 'static>(&self) -> Option<&E> {
        // Through `dyn Any`: on the box itself, `Any` would name the box's type.
        let value: &dyn Any = &*self.value;
        value.downcast_ref()
    }
}

impl fmt::Debug for ErrorDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.redacted {
            f.write_str("<redacted: the answer carries credentials>")
        } else {
            self.value.fmt(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct NotFound {
        id: u32,
    }

    #[test]
    fn details_come_back_typed_only_as_their_type() {
        let error = Error::Response {
            operation: "getPet",
            status: 404,
            body: r#"{"id":7}"#.to_owned(),
            details: ErrorDetails::new(NotFound { id: 7 }),
        };
        assert_eq!(error.details::<NotFound>(), Some(&NotFound { id: 7 }));
        assert_eq!(error.details::<String>(), None);
        assert_eq!(error.status_code(), Some(404));
        assert_eq!(error.body(), Some(r#"{"id":7}"#));
        assert_eq!(error.operation(), Some("getPet"));
        assert_eq!(error.kind(), "response");
        assert!(!error.is_retryable());
        assert_eq!(error.to_string(), r#"getPet: HTTP 404: {"id":7}"#);
        assert!(format!("{error:?}").contains("NotFound { id: 7 }"));
        let hidden = ErrorDetails::redacted(NotFound { id: 8 });
        assert_eq!(format!("{hidden:?}"), "<redacted: the answer carries credentials>");
        assert_eq!(hidden.get::<NotFound>(), Some(&NotFound { id: 8 }));
        let busy = Error::Response { operation: "x", status: 503, body: String::new(), details: ErrorDetails::new(()) };
        assert!(busy.is_retryable());
    }
}
