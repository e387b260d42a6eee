//! Request bodies other than JSON: [`Blob`]s (bytes in memory or a stream), form bodies and
//! multipart bodies, written by hand (RFC 7578) so that streamed parts can be sent too.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

/// The error of a streamed upload, as reqwest takes it.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A boxed stream that is `Sync` too, so requests holding one stay `Sync`: it is only ever
/// polled through `&mut`, where the mutex costs no locking.
pub(crate) struct SyncStream<T>(Mutex<Pin<Box<dyn Stream<Item = T> + Send>>>);

impl<T> SyncStream<T> {
    pub(crate) fn new(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        SyncStream(Mutex::new(Box::pin(stream)))
    }
}

impl<T> Stream for SyncStream<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // A poisoned lock only means an earlier poll panicked; the stream itself decides what
        // to do next.
        self.get_mut().0.get_mut().unwrap_or_else(PoisonError::into_inner).as_mut().poll_next(cx)
    }
}

/// A stream of a caller's bytes with its error type turned into [`BoxError`].
struct ErrInto<S>(Pin<Box<S>>);

impl<S, E> Stream for ErrInto<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().0.as_mut().poll_next(cx).map(|item| item.map(|chunk| chunk.map_err(Into::into)))
    }
}

/// What a blob or a body part holds.
pub(crate) enum Data {
    Bytes(Bytes),
    /// Read once, while sending: a body holding one cannot be sent again.
    Stream(SyncStream<Result<Bytes, BoxError>>),
}

impl Data {
    fn bytes(&self) -> Option<&Bytes> {
        match self {
            Data::Bytes(bytes) => Some(bytes),
            Data::Stream(_) => None,
        }
    }

    fn into_body(self) -> reqwest::Body {
        match self {
            Data::Bytes(bytes) => reqwest::Body::from(bytes),
            Data::Stream(stream) => reqwest::Body::wrap_stream(stream),
        }
    }
}

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the bytes: they may be large, or secret.
        match self {
            Data::Bytes(bytes) => write!(f, "{} bytes", bytes.len()),
            Data::Stream(_) => f.write_str("stream"),
        }
    }
}

/// Bytes to upload: in memory or a stream, with an optional file name and content type.
///
/// A request whose body holds a streamed blob is sent once: it is not repeated after a
/// failure, since the stream cannot be read again.
pub struct Blob {
    pub(crate) data: Data,
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: Option<String>,
}

impl Blob {
    /// Bytes in memory.
    pub fn new(bytes: impl Into<Bytes>) -> Blob {
        Blob { data: Data::Bytes(bytes.into()), file_name: None, content_type: None }
    }

    /// Bytes read from `stream` while the request is sent.
    pub fn stream<S, E>(stream: S) -> Blob
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        Blob { data: Data::Stream(SyncStream::new(ErrInto(Box::pin(stream)))), file_name: None, content_type: None }
    }

    /// The file name sent with it in a multipart body.
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Blob {
        self.file_name = Some(name.into());
        self
    }

    /// Its content type, sent instead of the operation's declared one.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Blob {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blob")
            .field("data", &self.data)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Blob {
        Blob::new(bytes)
    }
}

impl From<&'static [u8]> for Blob {
    fn from(bytes: &'static [u8]) -> Blob {
        Blob::new(bytes)
    }
}

impl From<Bytes> for Blob {
    fn from(bytes: Bytes) -> Blob {
        Blob::new(bytes)
    }
}

impl From<String> for Blob {
    fn from(text: String) -> Blob {
        Blob::new(text)
    }
}

impl From<&'static str> for Blob {
    fn from(text: &'static str) -> Blob {
        Blob::new(text)
    }
}

/// One part of a multipart body.
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) file_name: Option<String>,
    /// `None`: no `Content-Type` line (text parts).
    pub(crate) content_type: Option<Cow<'static, str>>,
    pub(crate) data: Data,
}

/// A request body, kept as given until the request is built.
pub(crate) enum Payload {
    /// One piece with its content type (JSON, text, a blob).
    Single { data: Data, content_type: Cow<'static, str> },
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` parts.
    Multipart(Vec<Part>),
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names and sizes, never values: forms carry passwords.
        match self {
            Payload::Single { data, content_type } => write!(f, "{content_type} ({data:?})"),
            Payload::Form(pairs) => {
                let names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
                write!(f, "form {names:?}")
            }
            Payload::Multipart(parts) => {
                let parts: Vec<String> = parts.iter().map(|p| format!("{} ({:?})", p.name, p.data)).collect();
                write!(f, "multipart {parts:?}")
            }
        }
    }
}

impl Payload {
    /// Whether it can be sent again (for a retry): only if it streams nothing.
    pub(crate) fn is_repeatable(&self) -> bool {
        match self {
            Payload::Single { data, .. } => data.bytes().is_some(),
            Payload::Form(_) => true,
            Payload::Multipart(parts) => parts.iter().all(|p| p.data.bytes().is_some()),
        }
    }

    /// The body and its content type.
    pub(crate) fn encode(self) -> (reqwest::Body, Cow<'static, str>) {
        match self {
            Payload::Single { data, content_type } => (data.into_body(), content_type),
            Payload::Form(pairs) => {
                let text = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
                (reqwest::Body::from(text), Cow::Borrowed("application/x-www-form-urlencoded"))
            }
            Payload::Multipart(parts) => {
                let boundary = boundary_for(&parts);
                let content_type = format!("multipart/form-data; boundary={boundary}");
                (multipart(parts, &boundary), Cow::Owned(content_type))
            }
        }
    }
}

/// A part's lines after the boundary line, through the blank line before its data.
fn part_head(part: &Part) -> String {
    let mut head = format!("Content-Disposition: form-data; name=\"{}\"", escape(&part.name));
    if let Some(file_name) = &part.file_name {
        head.push_str(&format!("; filename=\"{}\"", escape(file_name)));
    }
    head.push_str("\r\n");
    if let Some(content_type) = &part.content_type {
        // A line break would end the header early and start a forged one.
        head.push_str(&format!("Content-Type: {}\r\n", content_type.replace(['\r', '\n'], " ")));
    }
    head.push_str("\r\n");
    head
}

/// A name or file name inside quotes, escaped as browsers do.
fn escape(text: &str) -> Cow<'_, str> {
    if text.contains(['"', '\r', '\n']) {
        Cow::Owned(text.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A boundary that occurs in no buffered part (streamed parts cannot be checked: 32 random
/// characters make a clash unlikely enough).
fn boundary_for(parts: &[Part]) -> String {
    loop {
        let boundary = random_boundary();
        let needle = boundary.as_bytes();
        let clashes = parts.iter().any(|part| {
            contains(part_head(part).as_bytes(), needle) || part.data.bytes().is_some_and(|data| contains(data, needle))
        });
        if !clashes {
            return boundary;
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// 32 characters of `[0-9a-zA-Z]`, different for every call: `RandomState` is seeded randomly
/// per thread and differs per instance, and a counter and the time go into the hash too.
fn random_boundary() -> String {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let time = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let state = std::collections::hash_map::RandomState::new();
    let mut boundary = String::with_capacity(32);
    for round in 0u8..4 {
        let mut bits = state.hash_one((count, time, round));
        // 8 digits of base 62 use 48 of the 64 bits.
        for _ in 0..8 {
            boundary.push(char::from(ALPHABET[(bits % 62) as usize]));
            bits /= 62;
        }
    }
    boundary
}

/// The multipart body: one buffer when every part is in memory (so it can be sent again), else
/// the buffered pieces chained around the parts' streams.
fn multipart(parts: Vec<Part>, boundary: &str) -> reqwest::Body {
    let mut pieces = VecDeque::new();
    let mut buffer = Vec::new();
    for part in parts {
        buffer.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        buffer.extend_from_slice(part_head(&part).as_bytes());
        match part.data {
            Data::Bytes(data) => buffer.extend_from_slice(&data),
            Data::Stream(stream) => {
                pieces.push_back(Data::Bytes(Bytes::from(std::mem::take(&mut buffer))));
                pieces.push_back(Data::Stream(stream));
            }
        }
        buffer.extend_from_slice(b"\r\n");
    }
    buffer.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    if pieces.is_empty() {
        return reqwest::Body::from(buffer);
    }
    pieces.push_back(Data::Bytes(Bytes::from(buffer)));
    reqwest::Body::wrap_stream(Chain(pieces))
}

/// Pieces sent one after the other.
struct Chain(VecDeque<Data>);

impl Stream for Chain {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let pieces = &mut self.get_mut().0;
        loop {
            match pieces.front_mut() {
                None => return Poll::Ready(None),
                Some(Data::Bytes(bytes)) => {
                    let bytes = std::mem::take(bytes);
                    pieces.pop_front();
                    if !bytes.is_empty() {
                        return Poll::Ready(Some(Ok(bytes)));
                    }
                }
                Some(Data::Stream(stream)) => match Pin::new(stream).poll_next(cx) {
                    Poll::Ready(None) => {
                        pieces.pop_front();
                    }
                    other => return other,
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(name: &str, data: &'static str) -> Part {
        Part { name: name.to_owned(), file_name: None, content_type: None, data: Data::Bytes(Bytes::from_static(data.as_bytes())) }
    }

    #[test]
    fn boundaries_are_random_alphanumeric_and_avoid_the_data() {
        let a = random_boundary();
        let b = random_boundary();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b);
        let parts = [part("x", "data"), part("y", "more")];
        let boundary = boundary_for(&parts);
        assert!(!contains(b"datamore", boundary.as_bytes()));
        assert!(contains(b"xxabcyy", b"abc") && !contains(b"ab", b"abc"));
    }

    #[test]
    fn names_and_file_names_are_escaped_as_browsers_do() {
        let mut p = part("a\"b\r\nc", "");
        p.file_name = Some("f\"1\n.txt".to_owned());
        p.content_type = Some(Cow::Borrowed("text/plain\r\nX-Evil: 1"));
        assert_eq!(
            part_head(&p),
            "Content-Disposition: form-data; name=\"a%22b%0D%0Ac\"; filename=\"f%221%0A.txt\"\r\nContent-Type: text/plain  X-Evil: 1\r\n\r\n"
        );
    }

    #[test]
    fn blobs_show_their_size_not_their_bytes() {
        let blob = Blob::from("secret").file_name("a.txt");
        assert_eq!(format!("{blob:?}"), r#"Blob { data: 6 bytes, file_name: Some("a.txt"), content_type: None }"#);
        let stream = Blob::stream(Chain(VecDeque::new())).content_type("image/png");
        assert_eq!(format!("{stream:?}"), r#"Blob { data: stream, file_name: None, content_type: Some("image/png") }"#);
        fn send_sync<T: Send + Sync>(_: &T) {}
        send_sync(&stream);
        let form = Payload::Form(vec![("password".to_owned(), "hunter2".to_owned())]);
        assert_eq!(format!("{form:?}"), r#"form ["password"]"#);
        let parts = Payload::Multipart(vec![part("file", "secret")]);
        assert_eq!(format!("{parts:?}"), r#"multipart ["file (6 bytes)"]"#);
    }
}
