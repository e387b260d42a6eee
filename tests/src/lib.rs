//! Test support: a loopback HTTP/1.1 server that records every request and answers from a
//! closure. It is hyper's HTTP/1.1 server on a real socket on 127.0.0.1, so the tests exercise
//! the generated client's real HTTP stack. It runs on a thread of its own with its own tokio
//! runtime, so sync tests can use it and async tests' runtimes do not drive (or stall) it.
//!
//! A [`Reply`] can also carry extra headers (`Retry-After`) or wait before answering. It can
//! also produce faults that production servers and networks produce but a correct HTTP server
//! never does: hanging up part-way through its body ([`Reply::cut_after`]) or resetting the
//! connection instead of answering ([`Reply::reset`]). Only those bypass hyper and go to the
//! socket directly.

use std::io::Write;
use std::net::Shutdown;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::CONTENT_TYPE;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The raw query string (without `?`), if any.
    pub query: Option<String>,
    /// Headers, names lowercased, in arrival order (several of one name stand together, at the
    /// place of the first: hyper groups them).
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The query decoded into (name, value) pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let Some(query) = &self.query else { return Vec::new() };
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// `content-type` header value.
    pub content_type: &'static str,
    /// Body.
    pub body: String,
    /// Further headers, sent besides `content-type` and `content-length`.
    pub headers: Vec<(String, String)>,
    /// How long to wait before sending anything.
    pub delay: Option<Duration>,
    /// Send only this many bytes of the body (while declaring its full length), then close the
    /// connection.
    pub cut_after: Option<usize>,
    /// Send nothing: reset the connection (TCP RST) instead of answering.
    pub reset: bool,
}

impl Reply {
    /// A 200 with a JSON body.
    pub fn json(value: serde_json::Value) -> Self {
        Reply::raw(200, "application/json", value.to_string())
    }

    /// Any status and body.
    pub fn raw(status: u16, content_type: &'static str, body: impl Into<String>) -> Self {
        Reply {
            status,
            content_type,
            body: body.into(),
            headers: Vec::new(),
            delay: None,
            cut_after: None,
            reset: false,
        }
    }

    /// No answer: once the request has been read, the connection is reset, as when the server
    /// crashes or a proxy in between gives up.
    pub fn reset() -> Self {
        Reply { reset: true, ..Reply::raw(200, "text/plain", "") }
    }

    /// This reply with another status (a JSON envelope over HTTP 429, say).
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// This reply with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// This reply, sent only after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// This reply with its full `content-length` declared but only `bytes` bytes of the body
    /// sent before the connection is closed.
    pub fn cut_after(mut self, bytes: usize) -> Self {
        self.cut_after = Some(bytes);
        self
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// What every connection of one server shares.
struct Shared {
    log: Arc<Mutex<Vec<Recorded>>>,
    handler: Box<Handler>,
}

/// A server on 127.0.0.1 with an ephemeral port; it lives until the test process ends.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    /// Starts a server answering every request with `handler`.
    pub fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        // Bound here, synchronously, so the address is known (and connectable) on return.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        listener.set_nonblocking(true).expect("non-blocking listener");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new(Shared { log: Arc::clone(&requests), handler: Box::new(handler) });
        // One thread runs the runtime and so every connection: named, so profiles tell the
        // server's work from the client's.
        thread::Builder::new()
            .name("test-server".into())
            .spawn(move || {
                let runtime =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
                runtime.block_on(accept(listener, shared));
            })
            .expect("spawn server thread");
        TestServer { base_url, requests }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("request log").clone()
    }

    /// Every request received so far for `path` (without the query string).
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    /// How many requests were received so far for `path`.
    pub fn count(&self, path: &str) -> usize {
        self.requests.lock().expect("request log").iter().filter(|r| r.path == path).count()
    }

    /// The only request received; panics when there were none or several.
    pub fn single_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
        requests.into_iter().next().expect("one request")
    }
}

async fn accept(listener: std::net::TcpListener, shared: Arc<Shared>) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("register listener");
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        tokio::spawn(serve(stream, Arc::clone(&shared)));
    }
}

/// Serves one connection (keep-alive) until the client closes it or a fault ends it.
async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    // Else a reply leaving in more than one segment waits for the client's delayed ACK
    // (Nagle): ~40 ms on every call.
    let _ = stream.set_nodelay(true);
    let (faults, mut fault) = mpsc::unbounded_channel();
    let service = service_fn(move |request| answer(request, Arc::clone(&shared), faults.clone()));
    let mut connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = &mut connection => {}
        Some(fault) = fault.recv() => {
            // hyper has written nothing for this request: take the socket back from it.
            fault.inflict(connection.into_parts().io.into_inner());
        }
    }
}

/// Records the request and answers it with the handler's reply, or hands a fault to the
/// connection's task and never answers.
async fn answer(
    request: Request<Incoming>,
    shared: Arc<Shared>,
    faults: mpsc::UnboundedSender<Fault>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let (head, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    let headers = head.headers.iter().map(|(name, value)| {
        (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
    });
    let request = Recorded {
        method: head.method.as_str().to_owned(),
        path: head.uri.path().to_owned(),
        query: head.uri.query().map(str::to_owned),
        headers: headers.collect(),
        body: body.to_vec(),
    };
    // Logged before the handler runs, so a handler that panics still leaves its request.
    shared.log.lock().expect("request log").push(request.clone());
    let reply = (shared.handler)(&request);
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let fault = if reply.reset {
        Some(Fault::Reset)
    } else {
        reply.cut_after.map(|sent| Fault::CutShort(cut_short(&reply, sent)))
    };
    if let Some(fault) = fault {
        // The connection's task drops hyper's connection, and with it this future.
        let _ = faults.send(fault);
        return std::future::pending().await;
    }
    let mut response = Response::builder().status(reply.status).header(CONTENT_TYPE, reply.content_type);
    for (name, value) in &reply.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    // hyper declares the content-length and sends head and body in one write.
    Ok(response.body(Full::new(Bytes::from(reply.body))).expect("a valid status and headers"))
}

/// What hyper cannot be made to send, done on the bare socket.
enum Fault {
    /// These bytes (a head declaring the full body, and the start of that body), then hang up.
    CutShort(Vec<u8>),
    /// A TCP reset instead of an answer.
    Reset,
}

impl Fault {
    fn inflict(self, stream: TcpStream) {
        match self {
            Fault::CutShort(bytes) => {
                let Ok(stream) = stream.into_std() else { return };
                // A blocking write is fine on the server's thread: a reply fits the socket buffer.
                let _ = stream.set_nonblocking(false);
                let _ = (&stream).write_all(&bytes);
                let _ = stream.shutdown(Shutdown::Both);
            }
            // With a zero linger, closing (the drop) resets the connection.
            Fault::Reset => {
                let _ = stream.set_zero_linger();
            }
        }
    }
}

/// The reply's head, with the full body's length, and its body's first `sent` bytes.
fn cut_short(reply: &Reply, sent: usize) -> Vec<u8> {
    let reason = StatusCode::from_u16(reply.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: {}\r\ncontent-length: {}\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let body = reply.body.as_bytes();
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body[..sent.min(body.len())]);
    bytes
}

/// Decodes `%XX` escapes and `+` (form encoding's space).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes bytes as unpadded base64url, as JWT segments are written.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// A JWT-shaped token (`header.payload.signature`) whose payload carries `claims`. The
/// signature is not a real one: clients read the claims, only the server checks signatures.
pub fn jwt(claims: &serde_json::Value) -> String {
    let header = base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = base64url(claims.to_string().as_bytes());
    format!("{header}.{payload}.{}", base64url(b"not-a-real-signature"))
}

/// Where the management token is issued.
pub const TOKEN_PATH: &str = "/api/v3/get-management-token";

/// A successful answer of the service around `data`.
pub fn envelope(data: serde_json::Value) -> Reply {
    Reply::json(serde_json::json!({"statusCode": 200, "message": "Success", "requestId": "req-ok", "data": data}))
}

/// The service's refusal: HTTP 200 whose body reports `status_code`.
pub fn refusal(status_code: u16, message: &str) -> Reply {
    Reply::json(serde_json::json!({"statusCode": status_code, "message": message, "requestId": "req-refused"}))
}

/// The token endpoint's answer issuing `token` for `expires_in` seconds.
pub fn token_reply(token: &str, expires_in: u64) -> Reply {
    envelope(serde_json::json!({"access_token": token, "expires_in": expires_in}))
}

/// A user with the fields the service always sends.
pub fn user(id: &str) -> serde_json::Value {
    serde_json::json!({
        "userId": id,
        "createdAt": "2022-07-03T03:20:30.000Z",
        "updatedAt": "2022-07-03T03:20:30.000Z",
        "status": "Activated",
        "workStatus": "Active",
        "gender": "U",
        "emailVerified": false,
        "phoneVerified": false,
        "userSourceType": "register",
        "loginsCount": 1
    })
}
