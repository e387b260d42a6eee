//! Parameters in every style, cookies and non-JSON bodies as they go on the wire (exact bytes,
//! as the runtime's mock server receives them), and answers decoded per status
//! (`Client::send_with`, `Answer`), as documented errors (`Error::Response`) and as downloads
//! (`Client::send_streaming`), over loopback HTTP. API descriptions: neither envelope nor auth
//! (`FILES`), an envelope without auth (`WRAPPED`), and token auth whose "token invalid" is HTTP
//! 401 (`KEYS`). Every test is bounded by [`within`].

#![cfg(feature = "mock")]

mod common;

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use openapi_client_runtime::mock::{EnvelopedEmpty, MockServer, NoContent, OperationInfo, Raw, ReceivedRequest};
use openapi_client_runtime::{
    ApiDescription, Answer, Blob, Bytes, Call, Client, EnvelopeFormat, Error, Method, Request, Response, RetryPolicy, Style,
};
use common::{KEYS, KEY_OPERATIONS};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ---- API descriptions ----

/// Neither envelope nor auth.
static FILES: ApiDescription = ApiDescription {
    client_name: "FileClient",
    default_host: None,
    base_path: None,
    user_agent: "files-test/0.1.0",
    version: "0.1.0",
    env_prefix: None,
    envelope: None,
    auth: None,
};

static FILE_OPERATIONS: &[OperationInfo] = &[
    OperationInfo { id: "search", method: "GET", path: "/search" },
    OperationInfo { id: "submit", method: "POST", path: "/submit" },
    OperationInfo { id: "putFile", method: "PUT", path: "/files/{name}" },
    OperationInfo { id: "getFile", method: "GET", path: "/files/{name}" },
    OperationInfo { id: "createItem", method: "POST", path: "/items" },
];

/// An envelope, no auth.
static WRAPPED: ApiDescription = ApiDescription {
    client_name: "WrappedClient",
    default_host: None,
    base_path: None,
    user_agent: "wrapped-test/0.1.0",
    version: "0.1.0",
    env_prefix: None,
    envelope: Some(EnvelopeFormat {
        status_field: "code",
        success: 0,
        data_field: "data",
        message_field: "msg",
        api_code_field: None,
        request_id_field: Some("requestId"),
    }),
    auth: None,
};

const fn read(operation: &'static str) -> Call {
    Call { operation, read_only: true, authenticated: true, sensitive: false }
}

const fn write(operation: &'static str) -> Call {
    Call { operation, read_only: false, authenticated: true, sensitive: false }
}

// ---- Tools ----

/// Runs a test body, failing it if it takes longer than ten seconds.
async fn within<T>(body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), body).await.expect("the test finished within 10 s")
}

/// Short waits, so retries cost little.
fn fast() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(2)).max_backoff(Duration::from_millis(5))
}

async fn files() -> (MockServer, Client) {
    let server = MockServer::start(&FILES, FILE_OPERATIONS).await;
    let client = server.client_builder().retry_policy(fast()).build().expect("valid");
    (server, client)
}

/// Sends `request` expecting any 2xx answer.
async fn send(client: &Client, request: Request) {
    client.send_empty(request).await.expect("answered");
}

/// The only request of `operation` the server received.
fn only(server: &MockServer, operation: &str) -> ReceivedRequest {
    let mut received = server.received(operation);
    assert_eq!(received.len(), 1, "{received:#?}");
    received.remove(0)
}

/// Every value of header `name` the request carried.
fn header_values<'a>(request: &'a ReceivedRequest, name: &str) -> Vec<&'a str> {
    request.headers().iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

/// The boundary a multipart request's content type names.
fn boundary(request: &ReceivedRequest) -> String {
    let content_type = request.header("content-type").expect("a content type");
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("multipart");
    assert!(boundary.len() >= 24 && boundary.bytes().all(|b| b.is_ascii_alphanumeric()), "{boundary}");
    boundary.to_owned()
}

/// Chunks to stream, in order.
struct Chunks(VecDeque<Result<Bytes, std::io::Error>>);

impl Chunks {
    fn of(chunks: &[&'static str]) -> Chunks {
        Chunks(chunks.iter().map(|c| Ok(Bytes::from_static(c.as_bytes()))).collect())
    }
}

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.pop_front())
    }
}

async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

// ---- Parameters ----

#[tokio::test]
async fn query_values_in_every_style() {
    within(async {
        let (server, client) = files().await;
        server.mock::<(), NoContent>("search").respond();
        let mut request = client.request(read("search"), Method::GET, &["search"]);
        request.query_value("ids", &[1, 2, 3], Style::Form, true);
        request.query_value("tags", &["a", "b c"], Style::Form, false);
        request.query_value("words", &["x", "y"], Style::SpaceDelimited, false);
        request.query_value("codes", &["x", "y"], Style::PipeDelimited, false);
        request.query_value("filter", &json!({"status": "on", "range": {"min": 1}, "kinds": ["k1", "k2"]}), Style::DeepObject, true);
        request.query_value("point", &json!({"lat": 1.5, "lon": -2}), Style::Form, true);
        request.query_value("q", &json!({"a": [1]}), Style::Json, false);
        request.query_value("absent", &None::<u32>, Style::Form, true);
        request.query_value("flag", &true, Style::Form, true);
        send(&client, request).await;

        let call = only(&server, "search");
        assert_eq!(
            call.to_string(),
            "GET /search?ids=1&ids=2&ids=3&tags=a%2Cb+c&words=x+y&codes=x%7Cy\
             &filter%5Bkinds%5D=k1&filter%5Bkinds%5D=k2&filter%5Brange%5D%5Bmin%5D=1&filter%5Bstatus%5D=on\
             &lat=1.5&lon=-2&q=%7B%22a%22%3A%5B1%5D%7D&flag=true"
        );
        assert_eq!(call.query_all("filter[kinds]"), ["k1", "k2"]);
        assert_eq!(call.query("words"), Some("x y"));

        // Nothing to send: no `?` either.
        let mut request = client.request(read("search"), Method::GET, &["search"]);
        request.query_value("absent", &json!(null), Style::DeepObject, true);
        request.query_value("empty", &Vec::<u8>::new(), Style::Form, true);
        assert!(request.url().query().is_none(), "{}", request.url());
    })
    .await;
}

#[tokio::test]
async fn header_values_and_cookies_in_one_header() {
    within(async {
        let server = MockServer::start(&FILES, FILE_OPERATIONS).await;
        server.mock::<(), NoContent>("search").respond();
        let client = server.client_builder().header("cookie", "base=1").build().expect("valid");
        let mut request = client.request(read("search"), Method::GET, &["search"]);
        request.header_value("x-ids", &[1, 2], Style::Simple, false);
        request.header_value("x-point", &json!({"lat": 1, "lon": 2}), Style::Simple, true);
        request.header_value("x-pair", &json!({"lat": 1, "lon": 2}), Style::Simple, false);
        request.header_value("x-json", &json!({"a": "b"}), Style::Json, false);
        request.header_value("x-absent", &None::<String>, Style::Simple, false);
        request.cookie("session", "a b;c,\"d\"\\é%");
        request.cookie_value("ids", &[1, 2], Style::Form, false);
        request.cookie_value("tag", &["x", "y"], Style::Form, true);
        request.cookie_value("pref", &json!({"a": 1}), Style::Json, false);
        request.cookie_value("none", &None::<u8>, Style::Form, false);
        send(&client, request).await;

        let call = only(&server, "search");
        assert_eq!(header_values(&call, "x-ids"), ["1,2"]);
        assert_eq!(header_values(&call, "x-point"), ["lat=1,lon=2"]);
        assert_eq!(header_values(&call, "x-pair"), ["lat,1,lon,2"]);
        assert_eq!(header_values(&call, "x-json"), [r#"{"a":"b"}"#]);
        assert!(call.header("x-absent").is_none());
        assert_eq!(
            header_values(&call, "cookie"),
            ["base=1; session=a%20b%3Bc%2C%22d%22%5C%C3%A9%25; ids=1%2C2; tag=x; tag=y; pref={%22a%22:1}"]
        );
    })
    .await;
}

// ---- Bodies ----

#[derive(Serialize)]
struct Signup {
    name: String,
    age: u8,
    tags: Vec<&'static str>,
    address: Option<Address>,
    nickname: Option<String>,
}

#[derive(Serialize)]
struct Address {
    city: &'static str,
}

fn signup() -> Signup {
    Signup { name: "Ann B&c".to_owned(), age: 30, tags: vec!["x", "y"], address: Some(Address { city: "Oslo" }), nickname: None }
}

#[tokio::test]
async fn form_bodies() {
    within(async {
        let (server, client) = files().await;
        server.mock::<(), NoContent>("submit").respond();

        let mut request = client.request(write("submit"), Method::POST, &["submit"]);
        request.form_field("name", "Ann B&c", Style::Form, true);
        request.form_field("ids", &[1, 2], Style::Form, true);
        request.form_field("filter", &json!({"k": "v w"}), Style::DeepObject, true);
        request.form_field("meta", &json!({"k": 1}), Style::Json, false);
        send(&client, request).await;

        let mut request = client.request(write("submit"), Method::POST, &["submit"]);
        request.form(&signup());
        send(&client, request).await;

        let calls = server.received("submit");
        assert_eq!(calls[0].header("content-type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(calls[0].text(), "name=Ann+B%26c&ids=1&ids=2&filter%5Bk%5D=v+w&meta=%7B%22k%22%3A1%7D");
        let pairs = calls[0].form();
        assert_eq!(pairs[0], ("name".to_owned(), "Ann B&c".to_owned()));
        assert_eq!(pairs[3], ("filter[k]".to_owned(), "v w".to_owned()));
        // Properties by name; an object property exploded into its own; `None` left out.
        assert_eq!(calls[1].text(), "city=Oslo&age=30&name=Ann+B%26c&tags=x&tags=y");

        // Not an object: refused before sending.
        let mut request = client.request(write("submit"), Method::POST, &["submit"]);
        request.form(&[1, 2]);
        match client.send_empty(request).await {
            Err(Error::InvalidParameter { operation: "submit", parameter: "body", reason }) => {
                assert_eq!(reason, "a form body must be an object");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(server.received("submit").len(), 2);
    })
    .await;
}

#[tokio::test]
async fn multipart_bodies() {
    within(async {
        let (server, client) = files().await;
        server.mock::<(), NoContent>("submit").respond();

        let mut request = client.request(write("submit"), Method::POST, &["submit"]);
        request.part("name", "Rex", None);
        request.part("age", &3, None);
        request.part("tags", &["a", "b"], None);
        request.part("meta", &json!({"x": 1}), None);
        request.part("list", &json!([{"x": 1}]), Some("application/vnd.list+json"));
        request.part("note", "hi", Some("text/plain"));
        request.part("absent", &None::<String>, None);
        request.part_blob("photo", Blob::from(vec![0u8, 1, 2]).file_name("p\"1\r\n.png").content_type("image/png"), None);
        request.part_blob("raw", Blob::from("x"), None);
        send(&client, request).await;

        let mut request = client.request(write("submit"), Method::POST, &["submit"]);
        request.multipart(&signup());
        send(&client, request).await;

        let calls = server.received("submit");
        let b = boundary(&calls[0]);
        let expected = [
            format!("--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nRex\r\n").into_bytes(),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"age\"\r\n\r\n3\r\n").into_bytes(),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n").into_bytes(),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n").into_bytes(),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"x\":1}}\r\n").into_bytes(),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"list\"\r\nContent-Type: application/vnd.list+json\r\n\r\n[{{\"x\":1}}]\r\n").into_bytes(),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"note\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n").into_bytes(),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p%221%0D%0A.png\"\r\nContent-Type: image/png\r\n\r\n").into_bytes(),
            vec![0, 1, 2],
            format!("\r\n--{b}\r\nContent-Disposition: form-data; name=\"raw\"\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n").into_bytes(),
            format!("--{b}--\r\n").into_bytes(),
        ]
        .concat();
        assert_eq!(calls[0].body_bytes(), expected, "{}", calls[0].text());
        assert_eq!(calls[0].header("content-length"), Some(expected.len().to_string().as_str()));

        let b2 = boundary(&calls[1]);
        assert_ne!(b, b2, "a boundary per request");
        let part = |name: &str, head: &str, data: &str| format!("--{b2}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n{head}\r\n{data}\r\n");
        let expected = [
            part("address", "Content-Type: application/json\r\n", r#"{"city":"Oslo"}"#),
            part("age", "", "30"),
            part("name", "", "Ann B&c"),
            part("tags", "", "x"),
            part("tags", "", "y"),
            format!("--{b2}--\r\n"),
        ]
        .concat();
        assert_eq!(calls[1].text(), expected);
    })
    .await;
}

#[tokio::test]
async fn a_multipart_body_with_a_streamed_part() {
    within(async {
        let (server, client) = files().await;
        server.mock::<(), NoContent>("submit").respond();
        let mut request = client.request(write("submit"), Method::POST, &["submit"]);
        request.part("name", "report", None);
        request.part_blob("file", Blob::stream(Chunks::of(&["first,", "", "second"])).file_name("r.csv").content_type("text/csv"), Some("text/plain"));
        request.part("after", "z", None);
        send(&client, request).await;

        let call = only(&server, "submit");
        let b = boundary(&call);
        assert_eq!(
            call.text(),
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nreport\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\nContent-Type: text/csv\r\n\r\nfirst,second\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nz\r\n\
                 --{b}--\r\n"
            )
        );
        assert_eq!(call.header("transfer-encoding"), Some("chunked"), "streamed");
    })
    .await;
}

#[tokio::test]
async fn blob_text_and_json_bodies_with_their_content_types() {
    within(async {
        let (server, client) = files().await;
        server.mock::<(), NoContent>("putFile").respond();
        /// Sets a body; the content type and bytes it must send.
        type Case = (fn(&mut Request), &'static str, &'static [u8]);
        let bodies: [Case; 5] = [
            (|r| r.blob(Blob::from(vec![0xffu8, 0, 7]), "application/octet-stream"), "application/octet-stream", &[0xff, 0, 7]),
            (|r| r.blob(Blob::from("<svg/>").content_type("image/svg+xml"), "application/octet-stream"), "image/svg+xml", b"<svg/>"),
            (|r| r.text("héllo".to_owned(), "text/plain; charset=utf-8"), "text/plain; charset=utf-8", "héllo".as_bytes()),
            (|r| r.json_as(&json!({"name": null}), "application/merge-patch+json"), "application/merge-patch+json", br#"{"name":null}"#),
            (|r| r.json(&json!([1])), "application/json", b"[1]"),
        ];
        for (set, content_type, body) in bodies {
            server.reset();
            server.mock::<(), NoContent>("putFile").respond();
            let mut request = client.request(write("putFile"), Method::PUT, &["files", "f"]);
            set(&mut request);
            send(&client, request).await;
            let call = only(&server, "putFile");
            assert_eq!(call.header("content-type"), Some(content_type));
            assert_eq!(call.body_bytes(), body);
        }

        // A streamed blob, with its own content type.
        server.reset();
        server.mock::<(), NoContent>("putFile").respond();
        let mut request = client.request(write("putFile"), Method::PUT, &["files", "f"]);
        request.blob(Blob::stream(Chunks::of(&["ab", "cd"])).content_type("text/x-letters"), "application/octet-stream");
        send(&client, request).await;
        let call = only(&server, "putFile");
        assert_eq!((call.header("content-type"), call.text().as_str()), (Some("text/x-letters"), "abcd"));

        // A content type that cannot be a header value: refused, nothing sent.
        let mut request = client.request(write("putFile"), Method::PUT, &["files", "f"]);
        request.blob(Blob::from("x").content_type("text/plain\n"), "application/octet-stream");
        let err = client.send_empty(request).await.expect_err("refused");
        assert!(matches!(err, Error::InvalidParameter { parameter: "body", .. }), "{err:?}");
        assert_eq!(server.received("putFile").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_streamed_upload_is_sent_once_even_when_a_buffered_one_is_retried() {
    within(async {
        let (server, client) = files().await;
        server.mock::<(), Raw>("putFile").respond_raw(503, r#"{"message": "busy"}"#);
        // A read (so it may be repeated) with a buffered body: repeated.
        let mut request = client.request(read("putFile"), Method::PUT, &["files", "f"]);
        request.blob(Blob::from("abc"), "application/octet-stream");
        let err = client.send_empty(request).await.expect_err("busy");
        assert_eq!(err.status_code(), Some(503));
        let attempts = server.received("putFile").len();
        assert!(attempts > 1, "{attempts}");
        // The same with a streamed body: once.
        server.reset();
        server.mock::<(), Raw>("putFile").respond_raw(503, r#"{"message": "busy"}"#);
        let mut request = client.request(read("putFile"), Method::PUT, &["files", "f"]);
        request.blob(Blob::stream(Chunks::of(&["ab", "c"])), "application/octet-stream");
        let err = client.send_empty(request).await.expect_err("busy");
        assert!(matches!(&err, Error::Http { status: 503, body, .. } if body.contains("busy")), "{err:?}");
        assert_eq!(only(&server, "putFile").text(), "abc");
    })
    .await;
}

// ---- Answers ----

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Item {
    id: u32,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Ticket {
    ticket: String,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Problem {
    code: String,
}

#[derive(Debug, PartialEq)]
enum Created {
    Existing(Response<Item>),
    Queued(Ticket),
    Nothing,
}

/// A decoder as a generated operation has one: each declared status decoded as declared.
fn created(answer: &Answer<'_>) -> Result<Created, Error> {
    match answer.status() {
        200 => answer.json().map(|item| Created::Existing(answer.with_meta(item))),
        201 => answer.json().map(Created::Queued),
        204 => answer.empty().map(|()| Created::Nothing),
        404 | 409 => Err(answer.error::<Problem>()),
        _ => Err(answer.unexpected()),
    }
}

async fn create(client: &Client) -> Result<Created, Error> {
    client.send_with(client.request(write("createItem"), Method::POST, &["items"]), created).await
}

#[tokio::test]
async fn send_with_decodes_each_status_as_declared() {
    within(async {
        let (server, client) = files().await;
        let items = || server.mock::<(), Raw>("createItem").times(1);
        items().with_response_header("x-total", "7").respond_bytes(200, "application/json", br#"{"id": 5}"#.as_slice());
        items().respond_bytes(201, "application/json", r#"{"ticket": "t-1"}"#);
        server.mock::<(), NoContent>("createItem").times(1).respond();
        items().respond_bytes(404, "application/problem+json", r#"{"code": "missing"}"#);
        items().respond_bytes(409, "text/html", "<html>conflict</html>");
        items().respond_bytes(202, "application/json", "{}");
        items().respond_raw(200, r#"{"id": "five"}"#);

        match create(&client).await.expect("200") {
            Created::Existing(response) => {
                assert_eq!((response.data, response.status), (Item { id: 5 }, 200));
                assert_eq!(response.headers.get("x-total").map(|v| v.as_bytes()), Some(b"7".as_slice()));
                assert_eq!(response.headers.get("content-type").map(|v| v.as_bytes()), Some(b"application/json".as_slice()));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(create(&client).await.expect("201"), Created::Queued(Ticket { ticket: "t-1".to_owned() }));
        assert_eq!(create(&client).await.expect("204"), Created::Nothing);

        // A documented error: its value, typed.
        let err = create(&client).await.expect_err("404");
        assert!(matches!(&err, Error::Response { operation: "createItem", status: 404, .. }), "{err:?}");
        assert_eq!(err.details::<Problem>(), Some(&Problem { code: "missing".to_owned() }));
        assert_eq!(err.details::<Item>(), None);
        assert_eq!((err.status_code(), err.body()), (Some(404), Some(r#"{"code": "missing"}"#)));
        assert_eq!(err.to_string(), r#"createItem: HTTP 404: {"code": "missing"}"#);
        // A documented error whose body does not decode: the raw body.
        match create(&client).await.expect_err("409") {
            Error::Http { status: 409, body, .. } => assert_eq!(body, "<html>conflict</html>"),
            other => panic!("{other:?}"),
        }
        // An undeclared status, 2xx too.
        assert!(matches!(create(&client).await, Err(Error::Http { status: 202, .. })));
        // A declared one that does not fit its type.
        match create(&client).await.expect_err("not an Item") {
            Error::Decode { path, .. } => assert_eq!(path, "id"),
            other => panic!("{other:?}"),
        }
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn envelopes_carry_the_http_status_and_headers() {
    within(async {
        static OPERATIONS: &[OperationInfo] = &[OperationInfo { id: "ping", method: "GET", path: "/ping" }];
        let server = MockServer::start(&WRAPPED, OPERATIONS).await;
        let client = server.client_builder().build().expect("valid");
        let ping = || client.request(read("ping"), Method::GET, &["ping"]);
        server.mock::<(), EnvelopedEmpty>("ping").times(1).with_response_header("x-trace", "abc").respond_with_meta("pong", "r-1");
        let answer = client.send_enveloped_status(ping()).await.expect("pong");
        assert_eq!((answer.http_status, answer.message.as_deref(), answer.request_id.as_deref()), (200, Some("pong"), Some("r-1")));
        assert_eq!(answer.headers.get("x-trace").map(|v| v.as_bytes()), Some(b"abc".as_slice()));

        // Through an Answer: a refusal in the envelope is the service's, whatever the status.
        server.mock::<(), Raw>("ping").times(1).respond_raw(200, r#"{"code": 403, "msg": "no"}"#);
        let err = client.send_with(ping(), |answer| answer.enveloped::<u8>()).await.expect_err("refused");
        assert!(matches!(&err, Error::Api { status_code: 403, .. }), "{err:?}");
        server.mock::<(), Raw>("ping").times(1).respond_raw(418, r#"{"code": 418, "msg": "teapot"}"#);
        let err = client.send_with(ping(), |answer| -> Result<(), Error> { Err(answer.unexpected()) }).await.expect_err("refused");
        assert!(matches!(&err, Error::Api { status_code: 418, http_status: 418, .. }), "{err:?}");
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn a_token_refused_as_a_documented_error_is_refreshed_once() {
    within(async {
        let server = MockServer::start(&KEYS, KEY_OPERATIONS).await;
        let client = server.client_builder().build().expect("valid");
        async fn get(client: &Client) -> Result<String, Error> {
            let request = client.request(read("getThing"), Method::GET, &["things", "1"]);
            client
                .send_with(request, |answer| match answer.status() {
                    200 => answer.json::<String>(),
                    401 => Err(answer.error::<Problem>()),
                    _ => Err(answer.unexpected()),
                })
                .await
        }
        server.mock::<(), Raw>("getThing").times(1).respond_bytes(401, "application/json", r#"{"code": "expired"}"#);
        server.mock::<(), Raw>("getThing").respond_raw(200, r#""thing""#);
        assert_eq!(get(&client).await.expect("after a refresh"), "thing");
        assert_eq!(server.received("getToken").len(), 2, "a new token");
        assert_eq!(server.received("getThing").len(), 2, "repeated once");

        // Refused again after the refresh: the documented error.
        server.reset();
        server.mock::<(), Raw>("getThing").respond_bytes(401, "application/json", r#"{"code": "expired"}"#);
        let err = get(&client).await.expect_err("refused twice");
        assert_eq!(err.details::<Problem>(), Some(&Problem { code: "expired".to_owned() }));
        assert_eq!(server.received("getThing").len(), 2);
    })
    .await;
}

// ---- Downloads ----

#[tokio::test]
async fn downloads_are_read_whole_and_failures_go_to_on_error() {
    within(async {
        let (server, client) = files().await;
        let file = || client.request(read("getFile"), Method::GET, &["files", "f"]);
        let bytes: Vec<u8> = (0..=255).collect();
        server.mock::<(), Raw>("getFile").times(1).respond_bytes(200, "application/octet-stream", bytes.clone());
        server.mock::<(), Raw>("getFile").times(1).respond_bytes(404, "application/json", r#"{"code": "gone"}"#);
        server.mock::<(), Raw>("getFile").times(2).respond_raw(503, "{}");
        server.mock::<(), Raw>("getFile").times(1).respond_bytes(200, "text/plain", "late");

        let download = client.send_streaming(file(), |answer| answer.unexpected()).await.expect("200");
        assert_eq!(download.status(), 200);
        assert_eq!(download.headers().get("content-type").map(|v| v.as_bytes()), Some(b"application/octet-stream".as_slice()));
        assert!(format!("{download:?}").contains("getFile"));
        assert_eq!(download.bytes().await.expect("read"), bytes);

        let err = client.send_streaming(file(), |answer| answer.error::<Problem>()).await.expect_err("404");
        assert_eq!(err.details::<Problem>(), Some(&Problem { code: "gone".to_owned() }));
        // Busy answers are repeated like any read's.
        let download = client.send_streaming(file(), |answer| answer.unexpected()).await.expect("after retries");
        assert_eq!(download.bytes().await.expect("read").as_ref(), b"late");
        assert_eq!(server.received("getFile").len(), 5);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn a_download_streams_its_chunks_as_they_arrive() {
    within(async {
        // A server that sends each chunk only once the client has read the previous one.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (more, mut wanted) = tokio::sync::mpsc::unbounded_channel::<()>();
        let task = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("a connection");
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = stream.read(&mut buffer).await.expect("read");
                assert!(n > 0, "the request ended early");
                request.extend_from_slice(&buffer[..n]);
            }
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await.expect("write");
            for (i, chunk) in ["hello ", "streamed ", "world"].into_iter().enumerate() {
                if i > 0 {
                    wanted.recv().await.expect("the client asks for more");
                }
                stream.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await.expect("write");
                stream.flush().await.expect("flush");
            }
            stream.write_all(b"0\r\n\r\n").await.expect("write");
            String::from_utf8_lossy(&request).into_owned()
        });
        let client = Client::builder(&FILES)
            .host(format!("http://{address}"))
            .http_client(openapi_client_runtime::reqwest::Client::builder().no_proxy().build().expect("client"))
            .build()
            .expect("valid");
        let download = client
            .send_streaming(client.request(read("getFile"), Method::GET, &["files", "f"]), |answer| answer.unexpected())
            .await
            .expect("200");
        assert_eq!(download.headers().get("content-type").map(|v| v.as_bytes()), Some(b"text/plain".as_slice()));
        let mut stream = download.into_stream();
        let mut chunks = Vec::new();
        while let Some(chunk) = next(&mut stream).await {
            chunks.push(chunk.expect("a chunk"));
            // The server may have closed its side after the last chunk.
            let _ = more.send(());
        }
        let text: Vec<u8> = chunks.concat();
        assert_eq!(text, b"hello streamed world");
        assert!(chunks.len() >= 3, "{chunks:?}");
        assert!(task.await.expect("the server ran").starts_with("GET /files/f HTTP/1.1\r\n"));
    })
    .await;
}
