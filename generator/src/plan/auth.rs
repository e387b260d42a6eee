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
    for (i, family) in auth.families.iter().enumerate() {
        for earlier in &auth.families[..i] {
            for (what, a, b) in [("name", &family.name, &earlier.name), ("prefix", &family.prefix, &earlier.prefix), ("host", &family.host, &earlier.host)] {
                if a == b {
                    return Err(refuse(&format!("families[{i}]"), format!("two header families have the {what} {a:?}")));
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Config;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /token:
    post:
      operationId: getToken
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [id, secret]
              properties: {id: {type: string}, secret: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [token, ttl]
                properties: {token: {type: string}, ttl: {type: integer}}
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: q, in: query, required: true, schema: {type: string}}
      responses:
        '200': {description: ok}
"##;

    const AUTH: &str = r#"
token-operation: getToken
key-id-field: id
key-secret-field: secret
token-field: token
expires-in-field: ttl
header: authorization
scheme: "Bearer "
invalid-token-status: 401
tenant-name: tenant_id
headers: {tenant: tenant, lang: lang, sdk-version: version}
families:
  - {name: One, prefix: x-one, host: one.example}
  - {name: Two, prefix: x-two, host: two.example}
"#;

    /// The plan of the spec with `AUTH` edited (`from` → `to`): `Ok` or the config error.
    fn plan(from: &str, to: &str) -> Result<(), String> {
        assert!(AUTH.contains(from), "{from:?}");
        let spec = crate::load::parse(Path::new("t.yaml"), SPEC).expect("parses");
        let api = crate::model::build(&spec).expect("models");
        let mut config = Config::new("t");
        config.auth = Some(serde_yaml::from_str(&AUTH.replacen(from, to, 1)).expect("auth settings"));
        match crate::plan::build(&api, &config) {
            Ok(plan) => {
                assert!(plan.client.auth.is_some());
                Ok(())
            }
            Err(crate::Error::Config { message, .. }) => Err(message),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn token_auth_without_an_envelope_reads_the_plain_answer() {
        assert_eq!(plan("", ""), Ok(()));
    }

    #[test]
    fn refuses_what_the_spec_does_not_have() {
        let cases = [
            (("token-operation: getToken", "token-operation: getTokens"), "auth.token-operation: \"getTokens\" is not an operationId of the spec"),
            (("token-operation: getToken", "token-operation: listThings"), "auth.token-operation: \"listThings\" has the required parameter \"q\""),
            (("key-id-field: id", "key-id-field: key"), "auth.key-id-field: the request body of \"getToken\" has no field \"key\" (it has id, secret)"),
            (("token-field: token", "token-field: access"), "auth.token-field: the answer of \"getToken\" has no required field \"access\""),
            (("host: two.example", "host: one.example"), "auth.families[1]: two header families have the host \"one.example\""),
            (("name: Two", "name: One"), "auth.families[1]: two header families have the name \"One\""),
            (("tenant-name: tenant_id", "tenant-name: lang"), "auth.tenant-name: \"lang\" is a method the client builder has already"),
        ];
        for ((from, to), expected) in cases {
            let message = plan(from, to).expect_err(to);
            assert!(message.starts_with(expected), "{to}:\n  got      {message}\n  expected {expected}");
        }
    }
}
