//! Answers → values: plain JSON bodies and bodies in a response envelope, and the errors that
//! say where a body stopped fitting.
//!
//! Decoding is the only generic step of a call. A failure is located afterwards, without
//! decoding again: serde_json reports the line and column where it stopped, and [`locate`]
//! walks the body to that point to name the path (`data.list[3].status`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use reqwest::header::HeaderMap;

use crate::answer::Answer;
use crate::api::EnvelopeFormat;
use crate::client::Call;
use crate::Error;

/// A successful answer with its envelope: the payload plus what the service said about it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The payload.
    pub data: T,
    /// The business status, the success value.
    pub status_code: i64,
    /// The service's message.
    pub message: Option<String>,
    /// The request id, for support requests.
    pub request_id: Option<String>,
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// The answer's headers.
    pub headers: HeaderMap,
}

/// A body in the envelope: its payload (`None` when absent or `null`) when the envelope
/// reports success.
pub(crate) fn enveloped<T: DeserializeOwned>(answer: &Answer<'_>, format: &EnvelopeFormat) -> Result<ApiResponse<Option<T>>, Error> {
    let (call, status, body) = (&answer.call, answer.status, &answer.body[..]);
    let envelope = match parse_envelope::<T>(format, body) {
        Ok(envelope) => envelope,
        // The service's own refusal may not fit the payload type.
        Err(e) => return Err(refusal(call, format, status, body).unwrap_or_else(|| decode_error(call, e, body))),
    };
    if envelope.status != format.success {
        return Err(envelope.into_error(call, status));
    }
    Ok(ApiResponse {
        data: envelope.data,
        status_code: envelope.status,
        message: envelope.message,
        request_id: envelope.request_id,
        http_status: status,
        headers: answer.headers.clone(),
    })
}

/// A successful envelope without the payload the operation requires.
pub(crate) fn missing_payload(call: &Call, format: &EnvelopeFormat, body: &[u8]) -> Error {
    Error::Decode {
        operation: call.operation,
        path: format.data_field.to_owned(),
        source: de::Error::custom(format!("a successful answer without `{}`", format.data_field)),
        body: kept_body(call, body),
    }
}

/// The service's refusal in a body that did not fit what was expected, if it is one; an HTTP
/// error for any other body with a status outside 2xx.
pub(crate) fn refusal(call: &Call, format: &EnvelopeFormat, status: u16, body: &[u8]) -> Option<Error> {
    match parse_envelope::<IgnoredAny>(format, body) {
        Ok(envelope) if envelope.status != format.success => Some(envelope.into_error(call, status)),
        _ if !(200..300).contains(&status) => Some(http_error(call, status, body)),
        _ => None,
    }
}

/// The envelope's fields; `data` is `None` when absent or `null`.
struct Envelope<T> {
    status: i64,
    message: Option<String>,
    api_code: Option<i64>,
    request_id: Option<String>,
    data: Option<T>,
}

impl<T> Envelope<T> {
    fn into_error(self, call: &Call, http_status: u16) -> Error {
        Error::Api {
            operation: call.operation,
            status_code: self.status,
            api_code: self.api_code,
            message: self.message.unwrap_or_default(),
            request_id: self.request_id,
            http_status,
        }
    }
}

fn parse_envelope<T: DeserializeOwned>(format: &EnvelopeFormat, body: &[u8]) -> Result<Envelope<T>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let envelope = EnvelopeSeed { format, payload: PhantomData }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(envelope)
}

/// Deserializes an [`Envelope`] whose field names are data ([`EnvelopeFormat`]), not code.
struct EnvelopeSeed<'f, T> {
    format: &'f EnvelopeFormat,
    payload: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for EnvelopeSeed<'_, T> {
    type Value = Envelope<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for EnvelopeSeed<'_, T> {
    type Value = Envelope<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with `{}`", self.format.status_field)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let format = self.format;
        let mut status = None;
        let (mut message, mut api_code, mut request_id, mut data) = (None, None, None, None);
        while let Some(key) = map.next_key_seed(KeySeed(format))? {
            match key {
                Key::Status => status = Some(map.next_value::<i64>()?),
                Key::Message => message = map.next_value::<Option<String>>()?,
                Key::ApiCode => api_code = map.next_value::<Option<i64>>()?,
                Key::RequestId => request_id = map.next_value::<Option<String>>()?,
                Key::Data => data = map.next_value::<Option<T>>()?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let status = status.ok_or_else(|| de::Error::missing_field(format.status_field))?;
        Ok(Envelope { status, message, api_code, request_id, data })
    }
}

/// Which envelope field a key names.
enum Key {
    Status,
    Message,
    ApiCode,
    RequestId,
    Data,
    Other,
}

/// Reads a key without allocating: it is only compared with the format's names.
struct KeySeed<'f>(&'f EnvelopeFormat);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        let f = self.0;
        Ok(if key == f.status_field {
            Key::Status
        } else if key == f.data_field {
            Key::Data
        } else if key == f.message_field {
            Key::Message
        } else if Some(key) == f.api_code_field {
            Key::ApiCode
        } else if Some(key) == f.request_id_field {
            Key::RequestId
        } else {
            Key::Other
        })
    }
}

/// The body as errors keep it: never for an operation whose answers carry credentials.
pub(crate) fn kept_body(call: &Call, body: &[u8]) -> String {
    if call.sensitive {
        "<redacted: the answer carries credentials>".to_owned()
    } else {
        String::from_utf8_lossy(body).into_owned()
    }
}

/// An [`Error::Http`] keeping the body.
pub(crate) fn http_error(call: &Call, status: u16, body: &[u8]) -> Error {
    Error::Http {
        operation: call.operation,
        status,
        body: kept_body(call, body),
    }
}

/// An [`Error::Decode`] at the place in `body` where `source` stopped.
pub(crate) fn decode_error(call: &Call, source: serde_json::Error, body: &[u8]) -> Error {
    Error::Decode {
        operation: call.operation,
        path: locate(body, source.line(), source.column()),
        source: if call.sensitive { withheld(&source) } else { source },
        body: kept_body(call, body),
    }
}

/// A decoding error that says what kind of mismatch and where, but not the text: serde_json
/// quotes unexpected values (`invalid type: string "<the token>"`).
fn withheld(source: &serde_json::Error) -> serde_json::Error {
    use serde_json::error::Category;
    let kind = match source.classify() {
        Category::Io => "unreadable answer",
        Category::Syntax => "invalid JSON",
        Category::Data => "unexpected value",
        Category::Eof => "the answer ends early",
    };
    de::Error::custom(format!(
        "{kind} at line {} column {} (details withheld: the answer carries credentials)",
        source.line(),
        source.column()
    ))
}

/// One open JSON container on the way to a position.
enum Frame {
    /// An object, with the key whose value comes or came last.
    Object(Option<String>),
    /// An array, with the index of the current item; `None` before the first one.
    Array(Option<usize>),
}

/// The path (`data.list[3].status`, empty for the top level) of the value serde_json was
/// reading when it stopped at `line` and `column` (1-based; column 0 is "before the first
/// byte of the line"), found by walking the JSON text to that point.
pub fn locate(body: &[u8], line: usize, column: usize) -> String {
    let end = offset(body, line, column);
    let mut frames: Vec<Frame> = Vec::new();
    // Whether the next string in the innermost object is a key.
    let mut expect_key = false;
    let mut i = 0;
    while i < end {
        match body[i] {
            b'"' => {
                let start = i + 1;
                i = start;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key && let Some(Frame::Object(key)) = frames.last_mut() {
                    // A key cut short names nothing yet.
                    *key = (i < body.len()).then(|| unescape(&body[start..i]));
                    expect_key = false;
                } else {
                    value_starts(&mut frames);
                }
            }
            b'{' => {
                value_starts(&mut frames);
                frames.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => {
                value_starts(&mut frames);
                frames.push(Frame::Array(None));
            }
            b'}' | b']' => {
                frames.pop();
                expect_key = false;
            }
            b',' => {
                expect_key = matches!(frames.last(), Some(Frame::Object(_)));
            }
            b' ' | b'\t' | b'\r' | b'\n' | b':' => {}
            _ => {
                // A number or literal: one value, however many bytes.
                value_starts(&mut frames);
                while i + 1 < end && !matches!(body[i + 1], b',' | b']' | b'}' | b':' | b' ' | b'\t' | b'\r' | b'\n' | b'"') {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    // A container opened right where decoding stopped is the value that did not fit, not a
    // place inside it.
    if let Some(Frame::Object(None) | Frame::Array(None)) = frames.last() {
        frames.pop();
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array(Some(index)) => path.push_str(&format!("[{index}]")),
            Frame::Object(None) | Frame::Array(None) => {}
        }
    }
    path
}

/// Counts a value starting inside an array as its next item.
fn value_starts(frames: &mut [Frame]) {
    if let Some(Frame::Array(index)) = frames.last_mut() {
        *index = Some(index.map_or(0, |i| i + 1));
    }
}

/// The byte offset of `line` and `column` in `body`, clamped to its length.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(newline) => start += newline + 1,
            None => return body.len(),
        }
    }
    (start + column).min(body.len())
}

/// A key's text with JSON escapes resolved (enough for paths: `\uXXXX` and the short ones).
fn unescape(raw: &[u8]) -> String {
    serde_json::from_slice::<String>(&[b"\"", raw, b"\""].concat()).unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        list: Vec<User>,
        total: i64,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct User {
        id: String,
        status: Status,
        tags: Option<Vec<u8>>,
        nested: Option<std::collections::BTreeMap<String, Vec<User>>>,
    }

    #[derive(serde::Deserialize, Debug)]
    enum Status {
        Active,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Wrapped {
        #[serde(rename = "statusCode")]
        status: i64,
        data: Page,
    }

    /// Where serde_path_to_error says decoding stopped, and where `locate` says it did.
    fn both(body: &str) -> (String, String) {
        let mut de = serde_json::Deserializer::from_str(body);
        let err = serde_path_to_error::deserialize::<_, Wrapped>(&mut de).expect_err("does not fit");
        let expected = err.path().to_string();
        let plain = serde_json::from_str::<Wrapped>(body).expect_err("does not fit");
        let expected = if expected == "." { String::new() } else { expected };
        (expected, locate(body.as_bytes(), plain.line(), plain.column()))
    }

    #[test]
    fn locates_failures_where_a_path_tracking_decoder_does() {
        let user = r#"{"id": "u", "status": "Active"}"#;
        let cases = [
            // Wrong scalar type deep inside.
            format!(r#"{{"statusCode": 200, "data": {{"list": [{user}, {{"id": 5, "status": "Active"}}], "total": 2}}}}"#),
            // Unknown enum value.
            format!(r#"{{"statusCode": 200, "data": {{"list": [{user}, {user}, {{"id": "x", "status": "Gone"}}], "total": 3}}}}"#),
            // Missing field: reported at the object that lacks it.
            r#"{"statusCode": 200, "data": {"list": [{"id": "x"}], "total": 1}}"#.to_owned(),
            // An object where a list is expected.
            r#"{"statusCode": 200, "data": {"list": {"a": 1}, "total": 1}}"#.to_owned(),
            // A list where an object is expected.
            r#"{"statusCode": 200, "data": []}"#.to_owned(),
            // An item of a nested list.
            r#"{"statusCode": 200, "data": {"list": [{"id": "x", "status": "Active", "tags": [1, 2, 300]}], "total": 1}}"#.to_owned(),
            // Through a map, with escaped keys and newlines.
            format!("{{\"statusCode\": 200,\n \"data\": {{\"total\": 1, \"list\": [{{\"id\": \"x\", \"status\": \"Active\",\n \"nested\": {{\"a\\\"b\": [{user}, {{\"id\": [], \"status\": \"Active\"}}]}}}}]}}}}"),
            // Wrong type at the top level of the envelope.
            r#"{"statusCode": "200", "data": null}"#.to_owned(),
            // Not JSON at all.
            "<html>".to_owned(),
        ];
        for body in &cases {
            let (expected, found) = both(body);
            assert_eq!(found, expected, "in {body}");
        }
    }

    #[test]
    fn a_body_cut_short_is_located_at_the_last_complete_place() {
        let body = r#"{"statusCode": 200, "data": {"list": [{"id": "x", "sta"#;
        let err = serde_json::from_str::<Wrapped>(body).expect_err("cut short");
        assert_eq!(locate(body.as_bytes(), err.line(), err.column()), "data.list[0]");
    }

    #[test]
    fn top_level_failures_have_an_empty_path() {
        assert_eq!(locate(b"[1, 2]", 1, 1), "");
        assert_eq!(locate(b"", 0, 0), "");
        assert_eq!(locate(b"{}", 1, 2), "");
    }

    fn format() -> EnvelopeFormat {
        EnvelopeFormat {
            status_field: "code",
            success: 0,
            data_field: "payload",
            message_field: "msg",
            api_code_field: Some("sub"),
            request_id_field: None,
        }
    }

    const CALL: Call = Call { operation: "op", read_only: true, authenticated: false, sensitive: false };

    /// `decode` applied to an answer of `call` with `status` and `body`, in the envelope of
    /// [`format`].
    fn with<R>(call: Call, status: u16, body: &[u8], decode: impl FnOnce(&Answer<'_>) -> R) -> R {
        let (headers, body, format) = (HeaderMap::new(), bytes::Bytes::copy_from_slice(body), format());
        decode(&Answer { call, status, headers: &headers, body: &body, envelope: Some(&format) })
    }

    #[test]
    fn envelopes_are_read_by_their_declared_field_names() {
        let body = br#"{"msg": "fine", "code": 0, "extra": {"x": [1]}, "payload": [1, 2], "requestId": "ignored"}"#;
        let answer = with(CALL, 200, body, |a| a.enveloped::<Vec<u8>>()).expect("decodes");
        assert_eq!(answer.data, vec![1, 2]);
        assert_eq!(answer.http_status, 200);
        assert_eq!(answer.status_code, 0);
        assert_eq!(answer.message.as_deref(), Some("fine"));
        assert_eq!(answer.request_id, None);
    }

    #[test]
    fn a_refusal_is_an_api_error_even_when_its_payload_does_not_fit() {
        let body = br#"{"code": 404, "msg": "gone", "sub": 2004, "payload": "not a list"}"#;
        match with(CALL, 200, body, |a| a.enveloped::<Vec<u8>>()) {
            Err(Error::Api { operation: "op", status_code: 404, api_code: Some(2004), message, http_status: 200, .. }) => {
                assert_eq!(message, "gone");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_success_without_a_required_payload_is_a_decode_error() {
        match with(CALL, 200, br#"{"code": 0}"#, |a| a.enveloped::<u8>()) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "payload"),
            other => panic!("{other:?}"),
        }
        let answer = with(CALL, 200, br#"{"code": 0, "payload": null}"#, |a| enveloped::<u8>(a, &format())).expect("optional");
        assert_eq!(answer.data, None);
    }

    #[test]
    fn bodies_that_are_not_the_envelope() {
        match with(CALL, 502, b"<html>bad gateway</html>", |a| a.enveloped::<u8>()) {
            Err(Error::Http { status: 502, body, .. }) => assert_eq!(body, "<html>bad gateway</html>"),
            other => panic!("{other:?}"),
        }
        match with(CALL, 200, br#"{"msg": "no status"}"#, |a| a.enveloped::<u8>()) {
            Err(Error::Decode { path, source, .. }) => {
                assert_eq!(path, "");
                assert!(source.to_string().contains("missing field `code`"), "{source}");
            }
            other => panic!("{other:?}"),
        }
        // Trailing garbage after the envelope.
        assert!(matches!(with(CALL, 200, br#"{"code": 0, "payload": 1} x"#, |a| a.enveloped::<u8>()), Err(Error::Decode { .. })));
    }

    #[test]
    fn plain_json_and_http_errors() {
        assert_eq!(with(CALL, 200, b"[1]", |a| a.json::<Vec<u8>>()).expect("decodes"), vec![1]);
        match with(CALL, 200, b"[1, \"x\"]", |a| a.json::<Vec<u8>>()) {
            Err(Error::Decode { path, body, .. }) => {
                assert_eq!(path, "[1]");
                assert_eq!(body, "[1, \"x\"]");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(with(CALL, 404, b"[1]", |a| a.unexpected()), Error::Http { status: 404, .. }));
    }

    #[test]
    fn sensitive_answers_are_never_kept() {
        let call = Call { sensitive: true, ..CALL };
        match with(call, 200, br#""secret-token""#, |a| a.json::<u8>()) {
            Err(Error::Decode { source, body, .. }) => {
                assert!(!source.to_string().contains("secret-token"), "{source}");
                assert!(!body.contains("secret-token"), "{body}");
            }
            other => panic!("{other:?}"),
        }
    }
}
