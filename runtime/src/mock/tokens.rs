//! Token authentication on the server's side: issuing tokens for the mock's access key, and
//! checking that calls carry one of them and the tenant id.

use super::answer::{Answer, Reply};
use super::request::ReceivedRequest;
use super::state::State;
use super::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, TENANT_ID};
use crate::api::{ApiDescription, TokenAuth};
use crate::auth::base64url_encode;

/// The lifetime of the server's tokens, in seconds.
const TOKEN_LIFETIME: i64 = 7200;

/// A token the server issued (or a test's answer to the token operation did).
pub(super) struct Token {
    pub(super) token: String,
    /// The tenant id calls with this token must send; `None` for tokens a test made up.
    pub(super) tenant: Option<String>,
    pub(super) revoked: bool,
}

impl State {
    /// Why `request` may not be answered (no token of this server, or not its tenant), and
    /// whether that is a problem (refusing a revoked token is not).
    pub(super) fn refuse_credentials(&self, auth: &TokenAuth, request: &ReceivedRequest) -> Option<(String, bool)> {
        let header = auth.header;
        let Some(value) = request.header(header) else {
            return Some((format!("no `{header}` header"), true));
        };
        let Some(sent) = value.strip_prefix(auth.scheme) else {
            return Some((format!("`{header}` does not start with {:?}", auth.scheme), true));
        };
        let Some(token) = self.tokens.iter().find(|t| t.token == sent) else {
            return Some((format!("`{header}` carries no token this server issued"), true));
        };
        if token.revoked {
            // Expected after `revoke_tokens`: the client fetches a new token.
            return Some(("the token was revoked".to_owned(), false));
        }
        let tenant = token.tenant.as_ref()?;
        // Any header family will do: the client picks one by host or by its setting.
        let headers: Vec<String> = auth.families.iter().map(|f| format!("{}-{}", f.prefix, auth.tenant_header)).collect();
        let found = headers.iter().find_map(|name| request.header(name));
        if found == Some(tenant.as_str()) {
            return None;
        }
        let name = headers.first().map_or(auth.tenant_header, String::as_str);
        Some((format!("`{name}` is {found:?}, not {tenant:?}"), true))
    }

    /// The answer to the token operation when no helper of it applies: a token for the mock's
    /// access key, or why there is none. The secret sent is never repeated.
    pub(super) fn issue_token(&mut self, api: &ApiDescription, auth: &TokenAuth, request: &ReceivedRequest) -> Result<Reply, String> {
        let body: serde_json::Value = request.json().unwrap_or_default();
        let key_id = body.get(auth.key_id_field).and_then(|v| v.as_str());
        let key_secret = body.get(auth.key_secret_field).and_then(|v| v.as_str());
        let wrong = if key_id != Some(ACCESS_KEY_ID) {
            format!("`{}` is {key_id:?}", auth.key_id_field)
        } else if key_secret != Some(ACCESS_KEY_SECRET) {
            format!("`{}` is not ACCESS_KEY_SECRET", auth.key_secret_field)
        } else {
            String::new()
        };
        if !wrong.is_empty() {
            return Err(format!("{wrong}; the mock issues tokens for ACCESS_KEY_ID ({ACCESS_KEY_ID:?}) and ACCESS_KEY_SECRET only"));
        }
        let mut claims = serde_json::Map::new();
        if let Some(claim) = auth.tenant_claim {
            claims.insert(claim.to_owned(), TENANT_ID.into());
        }
        claims.insert("iss".to_owned(), "mock-server".into());
        // A new token each time, so a refreshed token differs from the one it replaces.
        claims.insert("jti".to_owned(), (self.tokens.len() + 1).to_string().into());
        let token = [
            base64url_encode(br#"{"alg":"none","typ":"JWT"}"#),
            base64url_encode(serde_json::Value::Object(claims).to_string().as_bytes()),
            base64url_encode(b"mock-signature"),
        ]
        .join(".");
        self.tokens.push(Token { token: token.clone(), tenant: Some(TENANT_ID.to_owned()), revoked: false });
        let mut data = serde_json::Map::new();
        data.insert(auth.token_field.to_owned(), token.into());
        data.insert(auth.expires_in_field.to_owned(), TOKEN_LIFETIME.into());
        let answer = Answer::Enveloped { data: Some(data.into()), message: None, request_id: None };
        Ok(answer.reply(api))
    }
}
