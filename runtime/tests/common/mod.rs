//! What the runtime's integration tests share: an API with token auth, no envelope, and tokens
//! that do not name the tenant ("token invalid" is then HTTP 401).

use openapi_client_runtime::mock::OperationInfo;
use openapi_client_runtime::{ApiDescription, HeaderFamily, TokenAuth};

/// Token auth without envelope: "token invalid" is HTTP 401; tokens name no tenant.
pub static KEYS: ApiDescription = ApiDescription {
    client_name: "KeyClient",
    default_host: None,
    base_path: None,
    user_agent: "keys-test/0.1.0",
    version: "0.1.0",
    env_prefix: None,
    envelope: None,
    auth: Some(TokenAuth {
        operation: "getToken",
        method: "POST",
        path: "/oauth/token",
        key_id_field: "client_id",
        key_secret_field: "client_secret",
        token_field: "access_token",
        expires_in_field: "expires_in",
        header: "x-api-token",
        scheme: "",
        invalid_token_status: 401,
        tenant_claim: None,
        tenant_name: "account",
        tenant_header: "account",
        lang_header: "lang",
        sdk_version_header: "sdk",
        families: &[HeaderFamily { name: "Keys", prefix: "x-keys", host: "keys.example" }],
    }),
};

/// The operations of [`KEYS`]. The token operation is left out on purpose: the server routes it
/// from the `TokenAuth`.
pub static KEY_OPERATIONS: &[OperationInfo] = &[OperationInfo { id: "getThing", method: "GET", path: "/things/{id}" }];
