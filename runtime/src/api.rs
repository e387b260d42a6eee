//! What a generated crate tells the runtime about its API: everything that varies from one API
//! to another but not from one operation to another. A generated crate holds one
//! [`ApiDescription`] in a `static`; the runtime reads it and never needs to be generic over it.

/// The description of one API, as a generated crate declares it.
#[derive(Debug)]
pub struct ApiDescription {
    /// The generated client type's name (`ManagementClient`), for `Debug` output.
    pub client_name: &'static str,
    /// The base URL used when the builder sets none (`https://api.genauth.ai`).
    pub default_host: Option<&'static str>,
    /// The path every operation's path is under, from the spec's server URL (`/api/v3`),
    /// added to a host given without a path of its own.
    pub base_path: Option<&'static str>,
    /// Sent as `user-agent`: the generated crate's name and version.
    pub user_agent: &'static str,
    /// The generated crate's version, sent in the SDK version header of token auth.
    pub version: &'static str,
    /// Prefix of the environment variables [`Client::from_env`](crate::Client::from_env)
    /// reads (`GENAUTH` → `GENAUTH_HOST`, …).
    pub env_prefix: Option<&'static str>,
    /// How every answer wraps its payload, when it does.
    pub envelope: Option<EnvelopeFormat>,
    /// Token authentication, when the API uses it.
    pub auth: Option<TokenAuth>,
}

/// A response envelope: `{ <status>: 200, <message>: "...", <data>: ... }`. Success is decided
/// by the status field, not by the HTTP status.
#[derive(Debug)]
pub struct EnvelopeFormat {
    /// The business status field (`statusCode`).
    pub status_field: &'static str,
    /// Its value on success (`200`).
    pub success: i64,
    /// The payload field (`data`).
    pub data_field: &'static str,
    /// The human-readable message field (`message`).
    pub message_field: &'static str,
    /// The finer error code field (`apiCode`), if any.
    pub api_code_field: Option<&'static str>,
    /// The request id field (`requestId`), if any.
    pub request_id_field: Option<&'static str>,
}

/// Token authentication: an access key pair is exchanged for a token by one operation of the
/// API, and the token (plus a tenant id) is sent with every other request.
#[derive(Debug)]
pub struct TokenAuth {
    /// The operation that issues tokens (`getManagementToken`), for errors and tracing.
    pub operation: &'static str,
    /// Its HTTP method (`POST`).
    pub method: &'static str,
    /// Its path (`/api/v3/get-management-token`), without parameters.
    pub path: &'static str,
    /// The JSON body field carrying the key id (`accessKeyId`).
    pub key_id_field: &'static str,
    /// The JSON body field carrying the key secret (`accessKeySecret`).
    pub key_secret_field: &'static str,
    /// The token field of its answer's payload (`access_token`).
    pub token_field: &'static str,
    /// The lifetime field of its answer's payload, in seconds (`expires_in`).
    pub expires_in_field: &'static str,
    /// The header carrying the token (`authorization`).
    pub header: &'static str,
    /// Text before the token in that header (`"Bearer "`).
    pub scheme: &'static str,
    /// The status meaning "token invalid or expired" (`401`): the envelope's business status,
    /// or the HTTP status for an API without an envelope. One refresh and one repeat follow it.
    pub invalid_token_status: i64,
    /// The JWT claim holding the tenant id (`scoped_userpool_id`), if tokens carry one.
    pub tenant_claim: Option<&'static str>,
    /// What the tenant id is called (`user_pool_id`): the builder's setter and, upper-cased,
    /// the environment variable.
    pub tenant_name: &'static str,
    /// Header name suffix of the tenant id, after a family's prefix and `-` (`userpool-id`).
    pub tenant_header: &'static str,
    /// Header name suffix of the message language (`lang`).
    pub lang_header: &'static str,
    /// Header name suffix of the SDK version (`sdk-version`).
    pub sdk_version_header: &'static str,
    /// Header families, the first being the default.
    pub families: &'static [HeaderFamily],
}

/// A family of header names and the host that expects it.
#[derive(Debug, PartialEq, Eq)]
pub struct HeaderFamily {
    /// Its name (`GenAuth`).
    pub name: &'static str,
    /// The prefix of its header names (`x-genauth`).
    pub prefix: &'static str,
    /// The host that expects this family (`api.genauth.ai`).
    pub host: &'static str,
}

impl TokenAuth {
    /// The family a host expects: its own, or the first (default) one.
    pub fn family_for_host(&self, host: &str) -> Option<&'static HeaderFamily> {
        self.families.iter().find(|f| f.host == host).or(self.families.first())
    }
}
