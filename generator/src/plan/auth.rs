//! The config's `auth` section, resolved against the token operation of the spec.

use super::{Shape, config_error};
use crate::config::{Config, HeaderFamily};
use crate::error::Error;
use crate::model::{Api, ParamLocation};

/// Token authentication, as the generated crate describes it to the runtime.
#[derive(Debug, Clone)]
pub struct AuthPlan {
    /// The token operation's id (`getManagementToken`).
    pub operation: String,
    /// Its method (`POST`).
    pub method: &'static str,
    /// Its path, which has no parameters.
    pub path: String,
    /// The body field of the key id (wire name).
    pub key_id_field: String,
    /// The body field of the key secret (wire name).
    pub key_secret_field: String,
    /// The payload field of the token (wire name).
    pub token_field: String,
    /// The payload field of the token's lifetime in seconds (wire name).
    pub expires_in_field: String,
    /// The header carrying the token.
    pub header: String,
    /// Text before the token in that header.
    pub scheme: String,
    /// The status meaning "token invalid".
    pub invalid_token_status: i64,
    /// The JWT claim naming the tenant.
    pub tenant_claim: Option<String>,
    /// The tenant's name: the builder's setter (`user_pool_id`).
    pub tenant_name: String,
    /// Header suffixes.
    pub tenant_header: String,
    /// Header suffixes.
    pub lang_header: String,
    /// Header suffixes.
    pub sdk_version_header: String,
    /// Header families, the first being the default.
    pub families: Vec<HeaderFamily>,
}

/// The builder methods of a client with token auth: the tenant setter must not take one.
const BUILDER_METHODS: &[&str] = &[
    "host", "http_client", "header", "timeout", "connect_timeout", "retry_policy", "access_key_id", "access_key_secret",
    "access_token", "lang", "header_family", "build", "fmt",
];

pub(super) fn resolve(api: &Api, config: &Config) -> Result<Option<AuthPlan>, Error> {
    let Some(auth) = &config.auth else { return Ok(None) };
    let refuse = |key: &str, message: String| config_error(config, &format!("auth.{key}"), message);
    let id = &auth.token_operation;
    let op = api
        .operation(id)
        .ok_or_else(|| refuse("token-operation", format!("{id:?} is not an operationId of the spec")))?;
    if let Some(p) = op.params.iter().find(|p| p.location == ParamLocation::Path || p.required) {
        return Err(refuse(
            "token-operation",
            format!("{id:?} has the required parameter {:?}; the client sends only the access key to get a token", p.wire_name),
        ));
    }
    if BUILDER_METHODS.contains(&auth.tenant_name.as_str()) {
        return Err(refuse("tenant-name", format!("{:?} is a method the client builder has already", auth.tenant_name)));
    }
    // The key goes in the body's fields.
    let body = op
        .body
        .as_ref()
        .and_then(|b| api.struct_fields(&b.ty))
        .ok_or_else(|| refuse("token-operation", format!("{id:?}: its request body is not an object with the access key fields")))?;
    for (key, wire) in [("key-id-field", &auth.key_id_field), ("key-secret-field", &auth.key_secret_field)] {
        if !body.iter().any(|f| &f.wire_name == wire) {
            let known: Vec<&str> = body.iter().map(|f| f.wire_name.as_str()).collect();
            return Err(refuse(key, format!("the request body of {id:?} has no field {wire:?} (it has {})", known.join(", "))));
        }
    }
    // The token comes out of the answer's payload: the envelope's data, or the whole body.
    let payload = match (super::shape(api, config, op), &config.envelope) {
        (Shape::Enveloped(Some(ty)), Some(_)) | (Shape::Plain(ty), None) => api.object_fields(ty),
        _ => None,
    };
    let payload = payload.ok_or_else(|| {
        let what = match &config.envelope {
            Some(envelope) => format!("no object `{}` payload in its envelope", envelope.data_field),
            None => "no JSON object answer".to_owned(),
        };
        refuse("token-operation", format!("{id:?}: its answer has {what}"))
    })?;
    for (key, wire) in [("token-field", &auth.token_field), ("expires-in-field", &auth.expires_in_field)] {
        if !payload.iter().any(|f| &f.wire_name == wire && f.required) {
            return Err(refuse(key, format!("the answer of {id:?} has no required field {wire:?}")));
        }
    }
    Ok(Some(AuthPlan {
        operation: id.clone(),
        method: op.method.as_str(),
        path: op.path.clone(),
        key_id_field: auth.key_id_field.clone(),
        key_secret_field: auth.key_secret_field.clone(),
        token_field: auth.token_field.clone(),
        expires_in_field: auth.expires_in_field.clone(),
        header: auth.header.clone(),
        scheme: auth.scheme.clone(),
        invalid_token_status: auth.invalid_token_status,
        tenant_claim: auth.tenant_claim.clone(),
        tenant_name: auth.tenant_name.clone(),
        tenant_header: auth.headers.tenant.clone(),
        lang_header: auth.headers.lang.clone(),
        sdk_version_header: auth.headers.sdk_version.clone(),
        families: auth.families.clone(),
    }))
}
