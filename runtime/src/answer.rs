//! Received answers: [`Answer`], handed to a generated operation's decoder, which picks what
//! each status means; [`Response`], a decoded answer with its status and headers; and
//! [`Download`], a successful answer whose body is read on demand.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::api::EnvelopeFormat;
use crate::body::SyncStream;
use crate::client::Call;
use crate::decode::{self, ApiResponse};
use crate::error::ErrorDetails;
use crate::Error;

/// A received answer, handed to a generated operation's decoder.
pub struct Answer<'a> {
    pub(crate) call: Call,
    pub(crate) status: u16,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a Bytes,
    /// The envelope of the client's API, if it has one.
    pub(crate) envelope: Option<&'a EnvelopeFormat>,
}

impl fmt::Debug for Answer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the body: it may carry credentials.
        f.debug_struct("Answer")
            .field("operation", &self.call.operation)
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Answer<'a> {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The body, as received.
    pub fn body(&self) -> &[u8] {
        self.body
    }

    /// The body decoded as JSON of type `T`, whatever the status.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] with the path to the first value that does not fit `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(self.body).map_err(|e| decode::decode_error(&self.call, e, self.body))
    }

    /// The payload of a successful envelope (the API's envelope must report success and carry
    /// a payload `T`), with the envelope's status, message and request id.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when the envelope reports a refusal, [`Error::Http`] for a body that is no
    /// envelope with a status outside 2xx, [`Error::Decode`] otherwise (a missing payload
    /// too), [`Error::InvalidConfig`] when the API has no envelope.
    pub fn enveloped<T: DeserializeOwned>(&self) -> Result<ApiResponse<T>, Error> {
        let format = self.envelope_format()?;
        let answer = decode::enveloped::<T>(self, format)?;
        let ApiResponse { data, status_code, message, request_id, http_status, headers } = answer;
        match data {
            Some(data) => Ok(ApiResponse { data, status_code, message, request_id, http_status, headers }),
            None => Err(decode::missing_payload(&self.call, format, self.body)),
        }
    }

    /// The envelope's status, message and request id, when it reports success; any payload
    /// is ignored.
    ///
    /// # Errors
    ///
    /// As [`Answer::enveloped`], except for a missing payload.
    pub fn enveloped_status(&self) -> Result<ApiResponse<()>, Error> {
        let format = self.envelope_format()?;
        let answer = decode::enveloped::<IgnoredAny>(self, format)?;
        let ApiResponse { status_code, message, request_id, http_status, headers, .. } = answer;
        Ok(ApiResponse { data: (), status_code, message, request_id, http_status, headers })
    }

    fn envelope_format(&self) -> Result<&'a EnvelopeFormat, Error> {
        self.envelope.ok_or_else(|| Error::InvalidConfig("this API describes no response envelope".to_owned()))
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.body).into_owned()
    }

    /// The body, as received.
    pub fn bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// Success without a value, for an answer the API documents without content.
    ///
    /// # Errors
    ///
    /// None: the `Result` lets decoders treat it like the other answers.
    pub fn empty(&self) -> Result<(), Error> {
        Ok(())
    }

    /// An error answer the API documents for this operation: [`Error::Response`] with the body
    /// decoded as `E` (an empty body is read as `null`, so `()` and `Option<_>` take it), or
    /// [`Error::Http`] keeping the body when it does not decode as `E`.
    pub fn error<E: DeserializeOwned + fmt::Debug + Send + Sync + 'static>(&self) -> Error {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"null" } else { self.body };
        match serde_json::from_slice::<E>(body) {
            Ok(value) => Error::Response {
                operation: self.call.operation,
                status: self.status,
                body: decode::kept_body(&self.call, self.body),
                details: if self.call.sensitive { ErrorDetails::redacted(value) } else { ErrorDetails::new(value) },
            },
            Err(_) => self.http_error(),
        }
    }

    /// An answer the operation does not document: with an envelope, the envelope's refusal
    /// ([`Error::Api`]) when the body is one; else [`Error::Http`] keeping the body (for a 2xx
    /// status too).
    pub fn unexpected(&self) -> Error {
        self.envelope
            .and_then(|format| decode::refusal(&self.call, format, self.status, self.body))
            .unwrap_or_else(|| self.http_error())
    }

    /// `data` with this answer's status and headers.
    pub fn with_meta<T>(&self, data: T) -> Response<T> {
        Response { data, status: self.status, headers: self.headers.clone() }
    }

    /// [`Error::Http`] keeping the body.
    pub(crate) fn http_error(&self) -> Error {
        decode::http_error(&self.call, self.status, self.body)
    }

    /// Whether the status is 2xx.
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A successful answer with its HTTP status and headers (operations without an envelope).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub data: T,
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
}

/// A successful answer whose body is read on demand (downloads), from
/// [`Client::send_streaming`](crate::Client::send_streaming). The client's timeout still
/// limits the whole exchange, reading included.
pub struct Download {
    pub(crate) operation: &'static str,
    pub(crate) response: reqwest::Response,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.operation)
            .field("status", &self.status())
            .field("headers", &self.headers().keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Download {
    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.response.status().as_u16()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// Reads the whole body.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] naming the operation when the body cannot be read to its end.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let operation = self.operation;
        self.response.bytes().await.map_err(|source| Error::Transport { operation, source })
    }

    /// The body as a stream of chunks, as they arrive.
    pub fn into_stream(self) -> ByteStream {
        let operation = self.operation;
        let chunks = TransportErrors { operation, inner: Box::pin(self.response.bytes_stream()) };
        ByteStream(SyncStream::new(chunks))
    }
}

/// The body of a [`Download`], chunk by chunk; a failure to read it is an [`Error::Transport`]
/// naming the operation.
pub struct ByteStream(SyncStream<Result<Bytes, Error>>);

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.get_mut().0).poll_next(cx)
    }
}

/// reqwest's chunks, with its errors as [`Error::Transport`].
struct TransportErrors<S> {
    operation: &'static str,
    inner: Pin<Box<S>>,
}

impl<S: Stream<Item = reqwest::Result<Bytes>>> Stream for TransportErrors<S> {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let operation = this.operation;
        this.inner.as_mut().poll_next(cx).map(|item| item.map(|chunk| chunk.map_err(|source| Error::Transport { operation, source })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_callers_hold_can_cross_threads() {
        fn send_sync<T: Send + Sync>() {}
        fn send<T: Send>() {}
        send_sync::<crate::Request>();
        send_sync::<crate::Blob>();
        send_sync::<ByteStream>();
        send_sync::<Response<()>>();
        send_sync::<Error>();
        send::<Download>();
        fn future_is_send<F: std::future::Future + Send>(_: F) {}
        let client = crate::Client::builder(&API).host("http://127.0.0.1:9").build().expect("valid");
        let call = Call { operation: "op", read_only: true, authenticated: false, sensitive: false };
        future_is_send(client.send_with(client.request(call, reqwest::Method::GET, &[]), |answer| answer.json::<u8>()));
        future_is_send(client.send_streaming(client.request(call, reqwest::Method::GET, &[]), |answer| answer.unexpected()));
    }

    static API: crate::ApiDescription = crate::ApiDescription {
        client_name: "TestClient",
        default_host: None,
        base_path: None,
        user_agent: "test/0",
        version: "0",
        env_prefix: None,
        envelope: None,
        auth: None,
    };
}
