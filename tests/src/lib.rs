//! Test support: a loopback HTTP/1.1 server that records every request and answers from a
//! closure. Plain `std::net`, so the tests exercise the generated client's real HTTP stack
//! against a real socket on 127.0.0.1.
//!
//! A [`Reply`] can also carry extra headers (`Retry-After`), wait before answering, or hang up
//! part-way through its body, so tests can produce the faults production servers produce.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The raw query string (without `?`), if any.
    pub query: Option<String>,
    /// Headers, names lowercased, in arrival order.
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
    /// Further headers, sent after `content-type` and `content-length`.
    pub headers: Vec<(String, String)>,
    /// How long to wait before sending anything.
    pub delay: Option<Duration>,
    /// Send only this many bytes of the body (while declaring its full length), then close the
    /// connection.
    pub cut_after: Option<usize>,
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
        }
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

/// A server on 127.0.0.1 with an ephemeral port; it lives until the test process ends.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    /// Starts a server answering every request with `handler`.
    pub fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::clone(&requests);
        let _ = thread::Builder::new().name("test-server".into()).spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, handler) = (Arc::clone(&log), Arc::clone(&handler));
                // Named, so profiles tell the server's work from the client's.
                let _ = thread::Builder::new()
                    .name("test-server".into())
                    .spawn(move || serve(stream, &log, &*handler));
            }
        });
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

/// Serves requests on one connection until the client closes it (keep-alive aware).
fn serve(stream: TcpStream, log: &Mutex<Vec<Recorded>>, handler: &Handler) {
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().expect("clone stream");
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        log.lock().expect("request log").push(request.clone());
        let reply = handler(&request);
        if let Some(delay) = reply.delay {
            thread::sleep(delay);
        }
        let mut head = format!(
            "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\n",
            reply.status,
            reply.content_type,
            reply.body.len()
        );
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let body = reply.body.as_bytes();
        let sent = &body[..reply.cut_after.map_or(body.len(), |n| n.min(body.len()))];
        // One write: a head and a body in separate small packets would meet the client's
        // delayed ACK (Nagle), adding ~40 ms to every call.
        let mut packet = head.into_bytes();
        packet.extend_from_slice(sent);
        if writer.write_all(&packet).and_then(|()| writer.flush()).is_err() {
            return;
        }
        if reply.cut_after.is_some() {
            // Hang up mid-body: the client must see a connection closed before the declared end.
            let _ = writer.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target, None),
    };
    Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
    })
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
