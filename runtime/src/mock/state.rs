//! What the server knows (helpers set up, requests received, problems seen, tokens issued) and
//! how it picks the answer to a request.

use std::time::Duration;

use hyper::header::{HeaderName, HeaderValue};

use super::answer::{Answer, Reply};
use super::request::ReceivedRequest;
use super::tokens::Token;
use super::{route, Shared};

/// A check of a request: `Err` says why it does not hold.
pub(super) type CheckFn = Box<dyn Fn(&ReceivedRequest) -> Result<(), String> + Send + Sync>;

/// One expectation about a request: what it is, for messages, and the test.
pub(super) struct Check {
    pub(super) description: String,
    pub(super) test: CheckFn,
}

/// How the server answers requests of one operation that pass its checks.
pub(super) struct Expectation {
    pub(super) operation: &'static str,
    pub(super) checks: Vec<Check>,
    pub(super) answer: Answer,
    pub(super) times: Option<usize>,
    pub(super) delay: Option<Duration>,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    pub(super) hits: usize,
}

impl Expectation {
    /// The helper as messages name it: its operation and checks.
    pub(super) fn label(&self) -> String {
        label(self.operation, &self.checks)
    }
}

pub(super) fn label(operation: &str, checks: &[Check]) -> String {
    if checks.is_empty() {
        format!("`{operation}`")
    } else {
        let checks: Vec<&str> = checks.iter().map(|c| c.description.as_str()).collect();
        format!("`{operation}` with {}", checks.join(", "))
    }
}

/// What the server knows.
#[derive(Default)]
pub(super) struct State {
    pub(super) expectations: Vec<Expectation>,
    pub(super) requests: Vec<ReceivedRequest>,
    pub(super) problems: Vec<String>,
    /// Tokens issued, by the server or by helpers' answers; empty without token auth.
    pub(super) tokens: Vec<Token>,
}

/// Answers `request` and records it.
pub(super) fn respond(shared: &Shared, mut request: ReceivedRequest) -> Reply {
    let api = shared.api;
    let mut guard = shared.lock();
    // One reborrow, so the fields can be borrowed apart.
    let state = &mut *guard;
    // Clients put operation paths under the API's server path; templates do not have it.
    let path = match api.base_path.and_then(|base| request.path.strip_prefix(base)) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => request.path.as_str(),
    };
    let Some((operation, params)) = route::route(&shared.routes, &request.method, path) else {
        let message = format!("mock server: unexpected request {request}: no operation has this method and path");
        state.requests.push(request);
        state.problems.push(message.clone());
        return Reply::error(api, 501, &message);
    };
    let id = operation.id;
    request.operation = Some(id);
    request.path_params = params;
    state.requests.push(request.clone());
    let auth = api.auth.as_ref();
    let is_token_operation = auth.is_some_and(|auth| auth.operation == id);
    if let Some(auth) = auth
        && !is_token_operation
        && let Some((why, problem)) = state.refuse_credentials(auth, &request)
    {
        let message = format!("mock server: refused {request} ({id}): {why}");
        if problem {
            state.problems.push(message.clone());
        }
        return Reply::refusal(api, auth.invalid_token_status, None, &message);
    }
    let mut reasons = Vec::new();
    let mut chosen = None;
    for (i, expectation) in state.expectations.iter().enumerate().filter(|(_, e)| e.operation == id) {
        if expectation.times.is_some_and(|times| expectation.hits >= times) {
            reasons.push(format!("{} answered all {} of its request(s)", expectation.label(), expectation.hits));
            continue;
        }
        let failed: Vec<String> = expectation.checks.iter().filter_map(|c| (c.test)(&request).err()).collect();
        if failed.is_empty() {
            chosen = Some(i);
            break;
        }
        reasons.push(format!("{}: {}", expectation.label(), failed.join("; ")));
    }
    if let Some(i) = chosen {
        let expectation = &mut state.expectations[i];
        expectation.hits += 1;
        let mut reply = expectation.answer.reply(api);
        reply.delay = expectation.delay;
        reply.headers = expectation.headers.clone();
        if let Some(auth) = auth
            && is_token_operation
            && let Some(token) = expectation.answer.token(auth)
        {
            // A test's own token is accepted too (its tenant is not checked).
            state.tokens.push(Token { token, tenant: None, revoked: false });
        }
        return reply;
    }
    // Without a helper that answers it, the token request gets a token.
    if let Some(auth) = auth
        && is_token_operation
    {
        return match state.issue_token(api, auth, &request) {
            Ok(reply) => reply,
            Err(why) => {
                let message = format!("mock server: refused {request} ({id}): {why}");
                state.problems.push(message.clone());
                Reply::refusal(api, auth.invalid_token_status, None, &message)
            }
        };
    }
    let message = if reasons.is_empty() {
        format!("mock server: unexpected request {request}: nothing is set up for `{id}`")
    } else {
        format!("mock server: unexpected request {request}: nothing set up for `{id}` answers it: {}", reasons.join("; "))
    };
    state.problems.push(message.clone());
    Reply::error(api, 501, &message)
}
