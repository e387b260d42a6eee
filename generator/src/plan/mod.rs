//! The model and the config → everything the emitters print, decided once.
//!
//! The config names operations, fields and schemas of the spec (the token operation, paged
//! inputs, filter schemas); here each name is resolved against the model, every name the
//! generated crate introduces beyond the model's is chosen, and every configuration error is
//! raised, naming the config file and key. The emitters then only print a [`Plan`].

mod auth;
mod examples;
mod filters;
mod paging;
mod smoke;

use crate::config::{Config, Envelope, ExampleSource, Runtime};
use crate::error::Error;
use crate::model::{is_binary, Api, BodyKind, Field, Limits, Method, Operation, Param, Payload, TypeRef};
use crate::naming::{self, Namespace};

pub use auth::AuthPlan;
pub use examples::Example;
pub use filters::{ConditionPlan, FieldPlan, FiltersPlan, OperatorPlan, OptionsPlan, OperatorSetPlan, SortPlan, ValueKind};
pub use paging::{Answers, BatchPlan, PagingPlan, Step};
pub use smoke::{SmokeAnswer, SmokeCall};

/// Everything the emitters print.
#[derive(Debug)]
pub struct Plan<'a> {
    /// The model, for types.
    pub api: &'a Api,
    /// The package and how it reaches the runtime.
    pub krate: CratePlan<'a>,
    /// The client type and what the runtime is told about the API.
    pub client: ClientPlan,
    /// One per operation, in the model's order.
    pub operations: Vec<OpPlan<'a>>,
    /// Typed search conditions, when configured.
    pub filters: Option<FiltersPlan<'a>>,
    /// The crate docs' examples: a call that needs no set-up, and a paged stream.
    pub showcase: Option<Example>,
    /// The crate docs' paging example (an operation with `into_stream()`).
    pub paging_example: Option<Example>,
    /// The mock module's example, as doctest lines.
    pub mock_example: Vec<String>,
}

/// The generated package.
#[derive(Debug)]
pub struct CratePlan<'a> {
    /// The package name (`genauth-client`).
    pub package: &'a str,
    /// The package version.
    pub version: &'a str,
    /// The package description.
    pub description: String,
    /// The library name (`genauth_client`).
    pub ident: String,
    /// How it depends on the runtime.
    pub runtime: &'a Runtime,
    /// Example programs copied into `examples/`.
    pub examples: &'a [ExampleSource],
}

/// The client type and the API description the runtime reads.
#[derive(Debug)]
pub struct ClientPlan {
    /// The client type (`ManagementClient`).
    pub name: String,
    /// Its builder type (`ManagementClientBuilder`).
    pub builder: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The spec's first server, when it is an absolute http(s) URL.
    pub default_host: Option<String>,
    /// The path of the spec's first server URL (`/api/v3`), absolute or relative, when it has one.
    pub base_path: Option<String>,
    /// The environment variable prefix of `from_env()`.
    pub env_prefix: Option<String>,
    /// The response envelope.
    pub envelope: Option<Envelope>,
    /// Token authentication.
    pub auth: Option<AuthPlan>,
}

/// One operation and everything printed about it.
#[derive(Debug)]
pub struct OpPlan<'a> {
    /// The operation in the model.
    pub op: &'a Operation,
    /// What its builder collects: parameters, then a flattened body's fields (or the body).
    pub inputs: Vec<Input<'a>>,
    /// The fields of a flattened body, in the order of `inputs` after the parameters.
    pub body_fields: Option<&'a [Field]>,
    /// What a successful call returns.
    pub shape: Shape<'a>,
    /// Retried when it only reads.
    pub read_only: bool,
    /// Sends the API's token.
    pub authenticated: bool,
    /// Its answers carry credentials: never kept, its builder's `Debug` shows no input.
    pub sensitive: bool,
    /// Its doc example.
    pub example: Example,
    /// The names of `send()`'s own locals.
    pub locals: Locals,
    /// Its variant of the mock module's `Operation` enum.
    pub mock_variant: String,
    /// Its method on the mock server.
    pub mock_method: String,
    /// `pages()` / `into_stream()`, when configured.
    pub paging: Option<PagingPlan<'a>>,
    /// `send_all()`, when configured.
    pub batch: Option<BatchPlan<'a>>,
    /// Its call in the crate's smoke test.
    pub smoke: Option<SmokeCall>,
}

/// The locals of an operation's `send()` besides its inputs: `send()` binds every input to a
/// local named like its setter, so these must differ from all of those.
#[derive(Debug, Clone)]
pub struct Locals {
    /// The request being assembled.
    pub request: String,
    /// A flattened body being built.
    pub body: String,
}

/// A value the builder collects: a parameter or a field of a flattened body.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The setter (and builder field) name.
    pub setter: String,
    /// The name on the wire (`body` for a whole body).
    pub wire: &'a str,
    /// Its description.
    pub description: Option<&'a str>,
    /// Its type.
    pub ty: &'a TypeRef,
    /// Must be set before sending.
    pub required: bool,
    /// Held in a box (a recursive body field).
    pub recursive: bool,
    /// Declared bounds.
    pub limits: &'a Limits,
    /// The declared default.
    pub default: Option<&'a serde_json::Value>,
    /// The declared example.
    pub example: Option<&'a serde_json::Value>,
    /// The parameter it is, if it is one.
    pub param: Option<&'a Param>,
    /// What the setter takes and the builder holds.
    pub carrier: Carrier,
}

/// What a builder holds for an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// A value of the input's type.
    Value,
    /// Bytes to upload (`runtime::Blob`): a binary body or a binary multipart field.
    Blob,
    /// Several of them (a list of binary multipart fields).
    Blobs,
    /// Text (a text body).
    Text,
}

/// What a successful call returns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape<'a> {
    /// An envelope around an optional payload type.
    Enveloped(Option<&'a TypeRef>),
    /// A JSON body of this type, as is.
    Plain(&'a TypeRef),
    /// A text body.
    Text,
    /// A body of bytes (a download).
    Binary,
    /// Success answers that differ: the operation's answer enum (its identifier).
    Answers(&'a str),
    /// Nothing worth decoding.
    Empty,
}

impl<'a> Shape<'a> {
    /// The payload type `send()` returns, if there is one.
    pub fn payload(&self) -> Option<&'a TypeRef> {
        match *self {
            Shape::Enveloped(Some(ty)) | Shape::Plain(ty) => Some(ty),
            _ => None,
        }
    }
}

/// A configuration error at `key`, naming the config file.
pub(crate) fn config_error(config: &Config, key: &str, message: impl std::fmt::Display) -> Error {
    Error::Config {
        path: config.source.clone().unwrap_or_else(|| "generator config".into()),
        message: format!("{key}: {message}"),
    }
}

/// Resolves `config` against `api`.
pub fn build<'a>(api: &'a Api, config: &'a Config) -> Result<Plan<'a>, Error> {
    config.validate().map_err(|message| Error::Config {
        path: config.source.clone().unwrap_or_else(|| "generator config".into()),
        message,
    })?;
    for (key, ids) in [
        ("read-only-operations", config.read_only_operations.iter().collect::<Vec<_>>()),
        ("paging", config.paging.iter().map(|p| &p.operation).collect()),
        ("batches", config.batches.iter().map(|b| &b.operation).collect()),
    ] {
        for (i, id) in ids.into_iter().enumerate() {
            if api.operation(id).is_none() {
                let at = format!("{key}[{i}] (operation {id:?})");
                return Err(config_error(config, &at, format!("{id:?} is not an operationId of the spec")));
            }
        }
    }
    let crate_ident = config.crate_ident();
    let auth = auth::resolve(api, config)?;
    let client = ClientPlan {
        name: config.client_name.clone(),
        builder: format!("{}Builder", config.client_name),
        title: api.title.clone(),
        version: api.version.clone(),
        description: api.description.clone(),
        default_host: api.default_server.clone().filter(|s| is_plain_url(s)),
        base_path: api.default_server.as_deref().and_then(server_path),
        env_prefix: config.env_prefix.clone(),
        envelope: config.envelope.clone(),
        auth,
    };

    let variants = naming::variant_names(api.operations.iter().map(|o| o.id.as_str()), "Self");
    let mut mock_methods = Namespace::with_reserved(naming::MOCK_SERVER_METHODS);
    let token_operation = client.auth.as_ref().map(|a| a.operation.as_str());
    let mut operations = Vec::new();
    for (op, variant) in api.operations.iter().zip(variants) {
        let (inputs, body_fields) = inputs(api, op);
        let issues_tokens = token_operation == Some(op.id.as_str());
        // Exchanging an access key for a token changes nothing either: every call needs it, so
        // a rate-limited or unavailable token endpoint is tried again like a read.
        let read_only = matches!(op.method, Method::Get | Method::Head | Method::Options)
            || config.read_only_operations.contains(&op.id)
            || issues_tokens;
        let example = examples::call(api, &crate_ident, &client.name, op, &inputs);
        let mut locals = Namespace::with_reserved(&inputs.iter().map(|i| i.setter.as_str()).collect::<Vec<_>>());
        let locals = Locals { request: locals.claim("request".to_owned()), body: locals.claim("body".to_owned()) };
        operations.push(OpPlan {
            op,
            shape: shape(api, config, op),
            read_only,
            authenticated: client.auth.is_some() && !issues_tokens,
            sensitive: issues_tokens,
            example,
            locals,
            mock_variant: variant,
            mock_method: mock_methods.claim(op.name.clone()),
            paging: None,
            batch: None,
            smoke: None,
            inputs,
            body_fields,
        });
    }
    for (i, paging) in config.paging.iter().enumerate() {
        let index = operations.iter().position(|o| o.op.id == paging.operation).expect("checked above");
        let plan = paging::paged(api, &operations[index], paging)
            .map_err(|m| config_error(config, &format!("paging[{i}] (operation {:?})", paging.operation), m))?;
        operations[index].paging = Some(plan);
    }
    for (i, batch) in config.batches.iter().enumerate() {
        let index = operations.iter().position(|o| o.op.id == batch.operation).expect("checked above");
        let plan = paging::batched(api, &operations[index], batch)
            .map_err(|m| config_error(config, &format!("batches[{i}] (operation {:?})", batch.operation), m))?;
        operations[index].batch = Some(plan);
    }
    // The smoke test calls the token operation with the mock's access key.
    for op in &mut operations {
        let mut keys = Vec::new();
        if let Some(auth) = client.auth.as_ref().filter(|_| op.sensitive) {
            for (wire, constant) in [(&auth.key_id_field, "ACCESS_KEY_ID"), (&auth.key_secret_field, "ACCESS_KEY_SECRET")] {
                if let Some(input) = op.inputs.iter().find(|i| i.param.is_none() && i.wire == wire.as_str()) {
                    keys.push((input.setter.clone(), constant.to_owned()));
                }
            }
        }
        op.smoke = Some(smoke::call(api, &crate_ident, op, &keys));
    }
    let filters = match &config.filters {
        Some(filters) => Some(
            filters::resolve(api, &operations, &crate_ident, &client.name, filters).map_err(|m| config_error(config, "filters", m))?,
        ),
        None => None,
    };

    // The crate docs call an operation that needs no set-up, preferring one that is
    // authenticated like most are (not the token operation).
    let showcase = operations
        .iter()
        .filter(|o| o.example.hidden().is_empty())
        .min_by_key(|o| o.sensitive)
        .or(operations.first())
        .map(|o| o.example.clone());
    let paging_example = operations.iter().find(|o| o.paging.is_some()).map(|o| o.example.clone());
    let mock_example = examples::mock(&crate_ident, &operations);
    Ok(Plan {
        api,
        krate: CratePlan {
            package: &config.crate_name,
            version: &config.crate_version,
            description: config
                .description
                .clone()
                .unwrap_or_else(|| format!("Typed client for the {}, generated from its OpenAPI spec.", api.title)),
            ident: crate_ident,
            runtime: &config.runtime,
            examples: &config.example_sources,
        },
        client,
        operations,
        filters,
        showcase,
        paging_example,
        mock_example,
    })
}

/// The path of a server URL (`https://host/api/v3` or `/api/v3` → `/api/v3`), without a
/// trailing `/`; `None` for none, or for one that would need escaping.
fn server_path(url: &str) -> Option<String> {
    let path = match url.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    let plain = path.starts_with('/') && !path.contains(['{', '}', '"', '\\', ' ']) && !path.chars().any(char::is_control);
    plain.then(|| path.to_owned())
}

/// An absolute http(s) URL without undeclared `{variables}` or characters that would need
/// escaping: usable as a default host.
fn is_plain_url(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://")) && !url.contains(['{', '}', '"', '\\', ' ']) && !url.chars().any(char::is_control)
}

/// What a successful call of `op` returns: with an envelope configured, an object answer that
/// has the envelope's status field is enveloped.
fn shape<'a>(api: &'a Api, config: &Config, op: &'a Operation) -> Shape<'a> {
    if let Some(answers) = &op.answer_enum {
        return Shape::Answers(answers);
    }
    let Some(ty) = &op.response else {
        return match op.success.first().map(|a| &a.payload) {
            Some(Payload::Text) => Shape::Text,
            Some(Payload::Binary) => Shape::Binary,
            _ => Shape::Empty,
        };
    };
    if let Some(envelope) = &config.envelope
        && let Some(fields) = api.struct_fields(ty)
        && fields.iter().any(|f| f.wire_name == envelope.status_field)
    {
        return Shape::Enveloped(fields.iter().find(|f| f.wire_name == envelope.data_field).map(|f| &f.ty));
    }
    Shape::Plain(ty)
}

/// The builder's inputs: parameters, then the fields of a flattened body (or the body itself).
fn inputs<'a>(api: &'a Api, op: &'a Operation) -> (Vec<Input<'a>>, Option<&'a [Field]>) {
    let mut inputs: Vec<Input<'a>> = op
        .params
        .iter()
        .map(|p| Input {
            setter: p.name.clone(),
            wire: &p.wire_name,
            description: p.description.as_deref(),
            ty: &p.ty,
            required: p.required,
            recursive: false,
            limits: &p.limits,
            default: p.default.as_ref(),
            example: p.example.as_ref(),
            param: Some(p),
            carrier: Carrier::Value,
        })
        .collect();
    let Some(body) = &op.body else { return (inputs, None) };
    if let (Some(setters), Some(fields)) = (&body.flattened, api.struct_fields(&body.ty)) {
        for (field, setter) in fields.iter().zip(setters) {
            inputs.push(Input {
                setter: setter.clone(),
                wire: &field.wire_name,
                description: field.description.as_deref(),
                ty: &field.ty,
                // Other keys (a flattened map) may be left unset: none.
                required: field.required && !field.nullable && !(field.flatten && matches!(field.ty, TypeRef::Map(_) | TypeRef::Object)),
                recursive: field.recursive,
                limits: &field.limits,
                default: field.default.as_ref(),
                example: field.example.as_ref(),
                param: None,
                carrier: match &field.ty {
                    ty if body.kind == BodyKind::Multipart && is_binary(ty) => Carrier::Blob,
                    TypeRef::Array(item) if body.kind == BodyKind::Multipart && is_binary(item) => Carrier::Blobs,
                    _ => Carrier::Value,
                },
            });
        }
        return (inputs, Some(fields));
    }
    inputs.push(Input {
        setter: body.setter.clone(),
        wire: "body",
        description: body.description.as_deref(),
        ty: &body.ty,
        required: body.required,
        recursive: false,
        limits: &Limits::EMPTY,
        default: None,
        example: None,
        param: None,
        carrier: match body.kind {
            BodyKind::Binary => Carrier::Blob,
            BodyKind::Text => Carrier::Text,
            _ => Carrier::Value,
        },
    });
    (inputs, None)
}


#[cfg(test)]
mod tests {
    use super::server_path;

    #[test]
    fn server_paths_come_from_absolute_and_relative_urls() {
        assert_eq!(server_path("https://petstore3.swagger.io/api/v3").as_deref(), Some("/api/v3"));
        assert_eq!(server_path("/v3/").as_deref(), Some("/v3"));
        assert_eq!(server_path("https://api.genauth.ai"), None);
        assert_eq!(server_path("https://api.example/"), None);
        assert_eq!(server_path("/"), None);
        assert_eq!(server_path("https://{region}.example/{version}"), None);
        assert_eq!(server_path("https://x.example/base?x=1").as_deref(), Some("/base"));
    }
}
