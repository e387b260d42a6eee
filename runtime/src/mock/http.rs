//! The HTTP side, on hyper: accepting connections, turning requests into
//! [`ReceivedRequest`]s and replies into responses.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::CONTENT_TYPE;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use super::answer::Reply;
use super::request::ReceivedRequest;
use super::{route, state, Shared};

/// The largest request body the server reads.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Accepts connections until the server is dropped; each is served on its own task.
pub(super) async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    // Owned here, so aborting this task ends every connection too.
    let mut connections = tokio::task::JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                while connections.try_join_next().is_some() {}
                connections.spawn(serve(stream, Arc::clone(&shared)));
            }
            // Out of file descriptors, say: wait rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Serves requests on one connection until the client closes it (hyper keeps connections
/// alive by default).
async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    // Small answers must not wait for the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    // A connection that fails (the client went away, a malformed request hyper answered
    // itself) concerns that connection only.
    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
}

/// Reads the whole request (a chunked body too), answers it and records it.
async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) => {
            let (status, why) = if e.is::<LengthLimitError>() {
                (413, "request body larger than 16 MiB")
            } else {
                (400, "request body cut short or malformed")
            };
            return Ok(response(Reply::error(shared.api, status, &format!("mock server: {why}"))));
        }
    };
    let target = parts.uri.path_and_query().map_or_else(|| parts.uri.to_string(), |pq| pq.as_str().to_owned());
    let request = ReceivedRequest {
        operation: None,
        method: parts.method.as_str().to_owned(),
        target,
        path: parts.uri.path().to_owned(),
        query: route::query_pairs(parts.uri.query().unwrap_or_default()),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        path_params: Vec::new(),
        body: body.to_vec(),
    };
    let reply = state::respond(&shared, request);
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    // hyper leaves the body out after a HEAD request and for 204 and 304.
    Ok(response(reply))
}

fn response(reply: Reply) -> Response<Full<Bytes>> {
    let (content_type, body) = reply.body.unzip();
    let mut response = Response::new(Full::new(body.unwrap_or_default()));
    // Statuses are checked to have three digits when set up.
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(content_type) = content_type {
        headers.insert(CONTENT_TYPE, content_type);
    }
    for (name, _) in &reply.headers {
        headers.remove(name);
    }
    for (name, value) in reply.headers {
        headers.append(name, value);
    }
    response
}
