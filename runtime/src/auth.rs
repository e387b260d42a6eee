//! Token authentication: the credentials a request carries, the cached token, and reading the
//! tenant id out of a JWT.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::api::{HeaderFamily, TokenAuth};

/// The longest a fetched token is used before a new one is fetched, whatever its lifetime.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// A string that never shows in `Debug` output or error messages.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub(crate) String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A client's token authentication state.
pub(crate) struct AuthState {
    pub(crate) description: &'static TokenAuth,
    pub(crate) family: &'static HeaderFamily,
    /// `<family prefix>-<tenant header>`.
    pub(crate) tenant_header: HeaderName,
    /// `(id, secret)`, to fetch tokens with.
    pub(crate) key: Option<(String, Secret)>,
    /// From a ready-made token: sent as is, never refreshed.
    pub(crate) fixed: Option<Arc<Credentials>>,
    /// A fixed tenant id, sent instead of the one the token names.
    pub(crate) tenant: Option<String>,
    /// Held across a token fetch, so concurrent callers wait for one fetch.
    pub(crate) cached: tokio::sync::Mutex<Option<CachedToken>>,
}

impl std::fmt::Debug for AuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("family", &format_args!("{}", self.family.name))
            .field("access_key_id", &self.key.as_ref().map(|(id, _)| id))
            .field("access_key_secret", &self.key.as_ref().map(|(_, secret)| secret))
            .field("access_token", &self.fixed.as_ref().map(|c| &c.token))
            .field(self.description.tenant_name, &self.tenant)
            .finish()
    }
}

/// What authenticates one request, as header values made once per token.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    pub(crate) token: Secret,
    /// The token header's value, marked sensitive.
    authorization: HeaderValue,
    tenant: Option<HeaderValue>,
    /// Fetched with the access key, so a refused token can be replaced.
    pub(crate) renewable: bool,
}

impl Credentials {
    /// `None` when the token or tenant cannot be a header value. The tenant is `tenant` if
    /// configured, else the token's tenant claim (when the API names one).
    pub(crate) fn new(description: &TokenAuth, token: Secret, tenant: Option<&str>, renewable: bool) -> Option<Credentials> {
        let mut authorization = HeaderValue::from_str(&format!("{}{}", description.scheme, token.0)).ok()?;
        authorization.set_sensitive(true);
        let claimed = || description.tenant_claim.and_then(|claim| token_claim(&token.0, claim));
        let tenant = match tenant.map(str::to_owned).or_else(claimed) {
            Some(tenant) => Some(HeaderValue::from_str(&tenant).ok()?),
            None => None,
        };
        Some(Credentials { token, authorization, tenant, renewable })
    }

    pub(crate) fn apply(&self, headers: &mut HeaderMap, token_header: &HeaderName, tenant_header: &HeaderName) {
        headers.insert(token_header.clone(), self.authorization.clone());
        if let Some(tenant) = &self.tenant {
            headers.insert(tenant_header.clone(), tenant.clone());
        }
    }
}

pub(crate) struct CachedToken {
    /// Shared with the calls using it: made into header values once per token.
    pub(crate) credentials: Arc<Credentials>,
    pub(crate) refresh_at: Instant,
}

/// When to fetch a new token, for one issued now with `expires_in` seconds to live: a tenth of
/// its lifetime early (at most five minutes). A negative lifetime counts as none; one beyond a
/// day is renewed daily, which also keeps an absurd value from overflowing the clock.
pub(crate) fn refresh_at(now: Instant, expires_in: i64) -> Instant {
    let lifetime = Duration::from_secs(u64::try_from(expires_in).unwrap_or(0)).min(MAX_TOKEN_LIFETIME);
    let margin = (lifetime / 10).min(Duration::from_secs(300));
    now + lifetime - margin
}

/// The string claim `claim` of a JWT's payload (the signature is the server's business).
pub(crate) fn token_claim(token: &str, claim: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let json = base64url_decode(payload)?;
    let claims: serde_json::Value = serde_json::from_slice(&json).ok()?;
    claims.get(claim)?.as_str().map(str::to_owned)
}

/// Decodes unpadded base64url, as JWT segments are written (standard base64 is accepted too).
pub(crate) fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// Encodes bytes as unpadded base64url, as JWT segments are written.
#[cfg_attr(not(feature = "mock"), allow(dead_code))] // used by the mock server
pub(crate) fn base64url_encode(bytes: &[u8]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"\xff\xfe\x00{\"a\":1}"] {
            assert_eq!(base64url_decode(&base64url_encode(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(base64url_encode(b"\xfb\xff"), "-_8");
        assert_eq!(base64url_decode("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(base64url_decode("a*b"), None);
    }

    #[test]
    fn reads_a_string_claim() {
        let payload = base64url_encode(br#"{"tenant":"t-1","n":5}"#);
        let token = format!("h.{payload}.s");
        assert_eq!(token_claim(&token, "tenant").as_deref(), Some("t-1"));
        assert_eq!(token_claim(&token, "n"), None);
        assert_eq!(token_claim(&token, "missing"), None);
        assert_eq!(token_claim("not-a-jwt", "tenant"), None);
    }

    #[test]
    fn refreshes_a_tenth_early_and_at_least_daily() {
        let now = Instant::now();
        assert_eq!(refresh_at(now, 1000), now + Duration::from_secs(900));
        assert_eq!(refresh_at(now, 7200), now + Duration::from_secs(6900));
        assert_eq!(refresh_at(now, -5), now);
        assert_eq!(refresh_at(now, i64::MAX), now + MAX_TOKEN_LIFETIME - Duration::from_secs(300));
    }

    #[test]
    fn secrets_do_not_show() {
        assert_eq!(format!("{:?}", Secret("s3cr3t".into())), "<redacted>");
    }
}
