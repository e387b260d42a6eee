//! What the server answers, shaped by the API: in its envelope when it has one, as plain JSON
//! and HTTP statuses when it does not.

use std::time::Duration;

use hyper::header::{HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::api::{ApiDescription, TokenAuth};

/// What a helper answers.
pub(super) enum Answer {
    /// Success in the envelope, with `data` when given (without an envelope: `data` as the JSON
    /// body).
    Enveloped {
        data: Option<Value>,
        message: Option<String>,
        request_id: Option<String>,
    },
    /// Success: this JSON body, as is (HTTP 200).
    Json(Value),
    /// Success without a body (HTTP 204).
    NoContent,
    /// The service's refusal; see [`Reply::refusal`].
    Failure { status: i64, api_code: Option<i64>, message: String },
    /// Exactly this HTTP status and JSON body.
    Raw { http_status: u16, body: String },
    /// Exactly this HTTP status, content type and body.
    Bytes { http_status: u16, content_type: HeaderValue, body: bytes::Bytes },
}

impl Answer {
    pub(super) fn reply(&self, api: &ApiDescription) -> Reply {
        match self {
            Answer::Enveloped { data, message, request_id } => match &api.envelope {
                Some(format) => {
                    let mut body = Map::new();
                    body.insert(format.status_field.to_owned(), format.success.into());
                    body.insert(format.message_field.to_owned(), message.as_deref().unwrap_or("success").into());
                    if let (Some(field), Some(id)) = (format.request_id_field, request_id) {
                        body.insert(field.to_owned(), id.as_str().into());
                    }
                    if let Some(data) = data {
                        body.insert(format.data_field.to_owned(), data.clone());
                    }
                    Reply::json(200, &Value::Object(body))
                }
                // Without an envelope there is nowhere to put the message and request id.
                None => Reply::json(200, data.as_ref().unwrap_or(&Value::Null)),
            },
            Answer::Json(data) => Reply::json(200, data),
            Answer::NoContent => Reply::new(204, None),
            Answer::Failure { status, api_code, message } => Reply::refusal(api, *status, *api_code, message),
            Answer::Raw { http_status, body } => Reply::new(*http_status, Some(body.clone())),
            Answer::Bytes { http_status, content_type, body } => Reply {
                body: Some((content_type.clone(), body.clone())),
                ..Reply::new(*http_status, None)
            },
        }
    }

    /// The token in a successful answer to the token operation, if it carries one.
    pub(super) fn token(&self, auth: &TokenAuth) -> Option<String> {
        let data = match self {
            Answer::Enveloped { data: Some(data), .. } | Answer::Json(data) => data,
            _ => return None,
        };
        data.get(auth.token_field)?.as_str().map(str::to_owned)
    }
}

/// An HTTP answer.
pub(super) struct Reply {
    pub(super) status: u16,
    /// The body and its content type; `None` for none at all.
    pub(super) body: Option<(HeaderValue, bytes::Bytes)>,
    /// Headers a helper adds; they replace the server's own of the same name.
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    /// How long to wait before answering.
    pub(super) delay: Option<Duration>,
}

impl Reply {
    /// An answer with a JSON body, or none.
    fn new(status: u16, body: Option<String>) -> Reply {
        let body = body.map(|body| (HeaderValue::from_static("application/json"), bytes::Bytes::from(body)));
        Reply { status, body, headers: Vec::new(), delay: None }
    }

    pub(super) fn json(status: u16, body: &Value) -> Reply {
        Reply::new(status, Some(body.to_string()))
    }

    /// The service's refusal with `status`: in the envelope over HTTP 200 when the API has one
    /// (with `api_code` where the envelope has a field for it), else with `status` as the HTTP
    /// status (500 when it does not have three digits) and `{"message": ...}`.
    pub(super) fn refusal(api: &ApiDescription, status: i64, api_code: Option<i64>, message: &str) -> Reply {
        match api.envelope {
            Some(_) => Reply::error_body(api, 200, status, api_code, message),
            None => {
                let http_status = u16::try_from(status).ok().filter(|s| (100..=999).contains(s)).unwrap_or(500);
                Reply::error_body(api, http_status, status, None, message)
            }
        }
    }

    /// The server's own error (a request it cannot answer), as HTTP `http_status`; with an
    /// envelope, the envelope reports the same status, so clients show the message.
    pub(super) fn error(api: &ApiDescription, http_status: u16, message: &str) -> Reply {
        Reply::error_body(api, http_status, i64::from(http_status), None, message)
    }

    fn error_body(api: &ApiDescription, http_status: u16, status: i64, api_code: Option<i64>, message: &str) -> Reply {
        let mut body = Map::new();
        match &api.envelope {
            Some(format) => {
                body.insert(format.status_field.to_owned(), status.into());
                body.insert(format.message_field.to_owned(), message.into());
                if let (Some(field), Some(code)) = (format.api_code_field, api_code) {
                    body.insert(field.to_owned(), code.into());
                }
            }
            None => {
                body.insert("message".to_owned(), message.into());
            }
        }
        Reply::json(http_status, &Value::Object(body))
    }
}
