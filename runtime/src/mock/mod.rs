//! An offline stand-in for an API, for tests of code that uses a client built on this runtime
//! (feature `mock`).
//!
//! [`MockServer::start`] takes the API's [`ApiDescription`] and its operations
//! ([`OperationInfo`]: operationId, method, path template), serves HTTP/1.1 on `127.0.0.1` (a
//! free port, a task of the current Tokio runtime), and [`MockServer::client_builder`] gives a
//! [`ClientBuilder`](crate::ClientBuilder) pointed at it. Nothing leaves the machine. A generated
//! crate wraps the server in its own type, with one method per operation that calls
//! [`MockServer::mock`] with the operation's request body type and answer marker.
//!
//! - **Answers**: [`MockServer::mock`] returns a [`Mock`] helper for one operation. Narrow which
//!   requests it answers with `expect_query`, `expect_header`, `expect_path`, `expect_body` or
//!   `expect` (a closure over a [`TypedRequest`], whose body is decoded into the operation's
//!   body type), limit it with `times(n)`, slow it down with `delay`, add headers to its answer
//!   with `with_response_header`, then finish it with `respond(..)` (a typed payload; what it
//!   takes depends on the operation's answer: [`Enveloped`], [`EnvelopedEmpty`], [`Json`] or
//!   [`NoContent`]), `respond_with_meta(..)` (envelopes only), `fail(status, message)` (the
//!   service's refusal: in the API's envelope over HTTP 200 when it has one, else that HTTP
//!   status with `{"message": ...}`), `respond_raw(http_status, body)` (any JSON text) or
//!   `respond_bytes(http_status, content_type, body)` (anything at all; operations marked
//!   [`Raw`] answer only these two ways).
//! - **Matching**: a request goes to the operation whose method and path template it fits (the
//!   template with the fewest parameters wins: `/pets/mine` before `/pets/{id}`), then to the
//!   first helper set up for it, in setup order, whose expectations all hold and that has
//!   answers left. A request nothing answers gets an error answer (HTTP 501) naming its method,
//!   path and why, and is reported by [`MockServer::verify`].
//! - **Tokens** (APIs with [token authentication](crate::TokenAuth)): the server answers the
//!   token operation itself for [`ACCESS_KEY_ID`] and [`ACCESS_KEY_SECRET`] (the credentials of
//!   [`MockServer::client_builder`]) with a JWT-shaped token (whose tenant claim, when the API
//!   names one, is [`TENANT_ID`]), and refuses every other call that does not carry one of its
//!   tokens and the tenant id, with the API's "token invalid" status. Set up the token operation
//!   like any other to answer otherwise (tokens such answers carry are accepted too);
//!   [`MockServer::revoke_tokens`] makes the client fetch a new token.
//! - **Checking**: [`MockServer::received`] lists the requests of an operation,
//!   [`MockServer::verify`] panics unless every helper was used as set up (at least once, or
//!   exactly `times(n)`) and nothing unexpected arrived.
//!
//! # Example
//!
//! ```
//! use openapi_client_runtime::mock::{Enveloped, MockServer, OperationInfo};
//! use openapi_client_runtime::{ApiDescription, Call, EnvelopeFormat, Method};
//!
//! static API: ApiDescription = ApiDescription {
//!     client_name: "PetClient",
//!     default_host: None,
//!     base_path: None,
//!     user_agent: "pets/0.1.0",
//!     version: "0.1.0",
//!     env_prefix: None,
//!     envelope: Some(EnvelopeFormat {
//!         status_field: "code",
//!         success: 0,
//!         data_field: "data",
//!         message_field: "message",
//!         api_code_field: None,
//!         request_id_field: None,
//!     }),
//!     auth: None,
//! };
//! static OPERATIONS: &[OperationInfo] = &[OperationInfo { id: "getPet", method: "GET", path: "/pets/{id}" }];
//! const GET_PET: Call = Call { operation: "getPet", read_only: true, authenticated: true, sensitive: false };
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let server = MockServer::start(&API, OPERATIONS).await;
//! // The first request for pet 7 gets its name, the next ones a refusal. (A generated crate
//! // offers this as `server.get_pet()`.)
//! server.mock::<(), Enveloped<String>>("getPet").expect_path("id", "7").times(1).respond("Rex".to_owned());
//! server.mock::<(), Enveloped<String>>("getPet").fail(404, "no such pet");
//!
//! let client = server.client_builder().build().unwrap();
//! let first = client.send_enveloped::<String>(client.request(GET_PET, Method::GET, &["pets", "7"])).await;
//! assert_eq!(first.unwrap().data, "Rex");
//! let second = client.send_enveloped::<String>(client.request(GET_PET, Method::GET, &["pets", "7"])).await;
//! assert_eq!(second.unwrap_err().status_code(), Some(404));
//!
//! // Every helper was used as set up, and nothing unexpected arrived.
//! server.verify();
//! assert_eq!(server.received("getPet").len(), 2);
//! # });
//! ```

mod answer;
mod helper;
mod http;
mod request;
mod route;
mod state;
mod tokens;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;

use crate::api::ApiDescription;
use state::{Expectation, State};

pub use helper::{Enveloped, EnvelopedEmpty, Json, Mock, NoContent, Raw};
pub use request::{ReceivedRequest, TypedRequest};

/// The access key id [`MockServer::client_builder`] uses: the server issues tokens for it only.
pub const ACCESS_KEY_ID: &str = "mock-access-key-id";

/// The access key secret [`MockServer::client_builder`] uses, with [`ACCESS_KEY_ID`].
pub const ACCESS_KEY_SECRET: &str = "mock-access-key-secret";

/// The tenant id of the server's tokens, which every call must send.
pub const TENANT_ID: &str = "mock-tenant-id";

/// One operation as the server routes requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperationInfo {
    /// The spec's operationId.
    pub id: &'static str,
    /// The HTTP method (`GET`).
    pub method: &'static str,
    /// The path template (`/pets/{id}`); a `{name}` may share a segment with literal text
    /// (`/files/{name}.{ext}`).
    pub path: &'static str,
}

/// A loopback HTTP/1.1 server answering an API's operations as set up; see the
/// [module documentation](self).
///
/// It stops when dropped. Share it between tasks by reference or in an `Arc`.
pub struct MockServer {
    address: SocketAddr,
    base_url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
    /// Built on first use, then shared by every client of this server.
    http: OnceLock<reqwest::Client>,
}

/// What the test and the connections' tasks share.
struct Shared {
    api: &'static ApiDescription,
    /// The operations requests are routed to.
    routes: Vec<OperationInfo>,
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A check that panicked poisons the lock, but leaves the state consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // The accepting task owns every connection's task: aborting it closes them all.
        self.task.abort();
    }
}

impl MockServer {
    /// Starts a server for `api` answering `operations`, on `127.0.0.1` with a free port,
    /// serving on a task of the current Tokio runtime.
    ///
    /// With token authentication, the token operation is routed even when `operations` leaves
    /// it out (by the method and path the [`TokenAuth`](crate::TokenAuth) gives), so clients
    /// can always get a token.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime, or when no loopback port can be bound.
    pub async fn start(api: &'static ApiDescription, operations: &'static [OperationInfo]) -> MockServer {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap_or_else(|e| panic!("mock server: cannot listen on 127.0.0.1: {e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("mock server: no local address: {e}"));
        let mut routes = operations.to_vec();
        if let Some(auth) = &api.auth
            && !routes.iter().any(|op| op.id == auth.operation)
        {
            routes.push(OperationInfo { id: auth.operation, method: auth.method, path: auth.path });
        }
        let shared = Arc::new(Shared { api, routes, state: Mutex::new(State::default()) });
        let task = tokio::spawn(http::accept(listener, Arc::clone(&shared)));
        MockServer {
            address,
            base_url: format!("http://{address}"),
            shared,
            task,
            http: OnceLock::new(),
        }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server's socket address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A client builder set up for this server: its host, an HTTP client that ignores proxy
    /// settings (one for all clients of this server), the default retry policy with short waits
    /// (5 to 50 ms), and with token authentication the server's access key ([`ACCESS_KEY_ID`],
    /// [`ACCESS_KEY_SECRET`]) plus [`TENANT_ID`] as the tenant when tokens carry no tenant
    /// claim. Change anything before `build()`.
    ///
    /// # Panics
    ///
    /// When the HTTP client cannot be built (its TLS backend fails to initialise).
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let http = self.http.get_or_init(|| {
            reqwest::Client::builder()
                .no_proxy()
                .connect_timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_else(|e| panic!("mock server: cannot build an HTTP client: {e}"))
        });
        let retry = crate::RetryPolicy::default()
            .initial_backoff(Duration::from_millis(5))
            .max_backoff(Duration::from_millis(50));
        let api = self.shared.api;
        let mut builder = crate::ClientBuilder::new(api)
            .host(self.base_url.clone())
            .http_client(http.clone())
            .retry_policy(retry);
        if let Some(auth) = &api.auth {
            builder = builder.access_key_id(ACCESS_KEY_ID).access_key_secret(ACCESS_KEY_SECRET);
            if auth.tenant_claim.is_none() {
                // The client cannot read the tenant out of the token: it is told.
                builder = builder.tenant(TENANT_ID);
            }
        }
        builder
    }

    /// Every request of the operation with this operationId received so far, answered or not,
    /// in arrival order.
    ///
    /// # Panics
    ///
    /// When no operation of the server has this id (a typo would otherwise look like "no
    /// request arrived").
    #[track_caller]
    pub fn received(&self, operation_id: &str) -> Vec<ReceivedRequest> {
        let operation = self.operation(operation_id);
        self.shared.lock().requests.iter().filter(|r| r.operation == Some(operation.id)).cloned().collect()
    }

    /// Every request received so far, of any operation or none, in arrival order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.lock().requests.clone()
    }

    /// What [`Self::verify`] would complain about: requests nothing answered, and helpers not
    /// used as set up. Empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        let state = self.shared.lock();
        let mut problems = state.problems.clone();
        for expectation in &state.expectations {
            match expectation.times {
                Some(times) if expectation.hits != times => problems.push(format!(
                    "{} was to answer {times} request(s) and answered {}",
                    expectation.label(),
                    expectation.hits
                )),
                None if expectation.hits == 0 => {
                    problems.push(format!("{} was set up but answered no request", expectation.label()));
                }
                _ => {}
            }
        }
        problems
    }

    /// Checks that every helper set up answered as many requests as it was to (at least one,
    /// or exactly `times(n)`) and that every request was answered as set up.
    ///
    /// # Panics
    ///
    /// Otherwise, listing every problem.
    #[track_caller]
    pub fn verify(&self) {
        let problems = self.problems();
        if !problems.is_empty() {
            panic!("mock server: {} problem(s):\n- {}", problems.len(), problems.join("\n- "));
        }
    }

    /// Forgets every helper set up, every request received and every problem; issued tokens
    /// stay valid.
    pub fn reset(&self) {
        let mut state = self.shared.lock();
        state.expectations.clear();
        state.requests.clear();
        state.problems.clear();
    }

    /// Refuses every token issued so far (with the API's "token invalid" status, as for an
    /// expired token), so the client must fetch a new one. These refusals are not problems.
    /// Without token authentication, there are no tokens and this does nothing.
    pub fn revoke_tokens(&self) {
        for token in &mut self.shared.lock().tokens {
            token.revoked = true;
        }
    }

    /// A helper for the operation with this operationId: add expectations to it, then finish
    /// it with `respond`, `fail`, `respond_raw` or `respond_bytes`. `B` is the operation's
    /// request body type (`()` without one, or for one that is not JSON), `A` what it answers
    /// with ([`Enveloped`], [`EnvelopedEmpty`], [`Json`], [`NoContent`] or [`Raw`]); a
    /// generated crate picks both.
    ///
    /// For the token operation: without a helper that answers, the server issues a token
    /// itself.
    ///
    /// # Panics
    ///
    /// When no operation of the server has this id.
    #[track_caller]
    pub fn mock<B, A>(&self, operation_id: &'static str) -> Mock<'_, B, A> {
        let operation = self.operation(operation_id);
        Mock::new(self, operation.id)
    }

    /// The operation with this id.
    #[track_caller]
    fn operation(&self, id: &str) -> &OperationInfo {
        self.shared.routes.iter().find(|op| op.id == id).unwrap_or_else(|| {
            let known: Vec<&str> = self.shared.routes.iter().map(|op| op.id).collect();
            panic!("mock server: no operation has the id {id:?}; the operations are {known:?}")
        })
    }

    fn add(&self, expectation: Expectation) {
        self.shared.lock().expectations.push(expectation);
    }
}
