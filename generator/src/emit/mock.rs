//! The model → `src/mock.rs` (feature `mock`): an offline server for tests of code that uses the
//! client. Its runtime comes from `templates/mock.rs.askama`; this adds what depends on the
//! spec: the `Operation` enum, one typed helper per operation, and the module's example.

use askama::Template;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::lines_to_attrs;
use super::operations::{shape, Shape};
use super::types::{ident, rust_type};
use crate::config::{Config, Envelope};
use crate::error::Error;
use crate::model::{Api, Limits, Operation, ParamLocation, TypeKind, TypeRef};
use crate::naming::{self, Namespace};

#[derive(Template)]
#[template(path = "mock.rs.askama", escape = "none")]
struct MockRs<'a> {
    title: &'a str,
    client: &'a str,
    envelope: Option<&'a Envelope>,
    auth: Option<MockAuth>,
    example: Vec<String>,
    /// The generated items (`Operation`, the helpers), as Rust source.
    operations: String,
}

/// What the mock needs to issue and check tokens: wire names from the config, and the token
/// operation's variant.
struct MockAuth {
    token_variant: String,
    token_id: String,
    key_id_field: String,
    key_secret_field: String,
    token_field: String,
    expires_field: String,
    header: String,
    scheme: String,
    invalid_status: i64,
    tenant_claim: Option<String>,
    tenant: String,
    tenant_header: String,
    prefixes: Vec<String>,
}

/// An operation's names in the mock module.
struct Names {
    /// Its `Operation` variant.
    variant: String,
    /// Its `MockServer` method.
    method: String,
    /// Its helper type.
    helper: String,
}

/// The text of `src/mock.rs`, before formatting.
pub(super) fn render(api: &Api, config: &Config) -> Result<String, Error> {
    let variants = naming::variant_names(api.operations.iter().map(|o| o.id.as_str()), "Self");
    let mut methods = Namespace::with_reserved(naming::MOCK_SERVER_METHODS);
    let mut helpers = Namespace::with_reserved(naming::MOCK_TYPES);
    let names: Vec<Names> = api
        .operations
        .iter()
        .zip(variants)
        .map(|(op, variant)| Names {
            variant,
            method: methods.claim(op.name.clone()),
            helper: helpers.claim(naming::type_name(&format!("{}Mock", op.id))),
        })
        .collect();

    let auth = config.auth.as_ref().and_then(|auth| {
        let (_, names) = api.operations.iter().zip(&names).find(|(op, _)| op.id == auth.token_operation)?;
        Some(MockAuth {
            token_variant: names.variant.clone(),
            token_id: auth.token_operation.clone(),
            key_id_field: auth.key_id_field.clone(),
            key_secret_field: auth.key_secret_field.clone(),
            token_field: auth.token_field.clone(),
            expires_field: auth.expires_in_field.clone(),
            header: auth.header.clone(),
            scheme: auth.scheme.clone(),
            invalid_status: auth.invalid_token_status,
            tenant_claim: auth.tenant_claim.clone(),
            tenant: auth.tenant_name.clone(),
            tenant_header: auth.headers.tenant.clone(),
            prefixes: auth.families.iter().map(|f| f.prefix.clone()).collect(),
        })
    });

    let operation_enum = operation_enum(api, config, &names);
    let helpers = api.operations.iter().zip(&names).map(|(op, names)| helper(api, config, op, names));
    let operations = quote! {
        #operation_enum
        #(#helpers)*
    };
    let template = MockRs {
        title: &api.title,
        client: &config.client_name,
        envelope: config.envelope.as_ref(),
        auth,
        example: example(api, config, &names),
        operations: operations.to_string(),
    };
    template.render().map_err(|e| Error::Internal {
        file: "src/mock.rs".to_owned(),
        message: e.to_string(),
    })
}

fn client_link(config: &Config, op: &Operation) -> String {
    format!("[`{client}::{m}`](crate::{client}::{m})", client = config.client_name, m = op.name)
}

/// `Operation`: one variant per operation, with its id, method and path template.
fn operation_enum(api: &Api, config: &Config, names: &[Names]) -> TokenStream {
    let variants: Vec<Ident> = names.iter().map(|n| ident(&n.variant)).collect();
    let docs = api.operations.iter().map(|op| {
        let line = format!(" `{}`: `{} {}` ({}).", op.id, op.method.as_str(), op.path, client_link(config, op));
        quote!(#[doc = #line])
    });
    let ids = api.operations.iter().map(|op| &op.id);
    let methods = api.operations.iter().map(|op| op.method.as_str());
    let paths = api.operations.iter().map(|op| &op.path);
    quote! {
        /// The API's operations, as the mock server tells requests apart.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            #(#docs #variants,)*
        }

        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: &'static [Operation] = &[#(Operation::#variants),*];

            /// The spec's `operationId`.
            pub fn id(self) -> &'static str {
                match self {
                    #(Operation::#variants => #ids,)*
                }
            }

            /// The HTTP method.
            pub fn method(self) -> &'static str {
                match self {
                    #(Operation::#variants => #methods,)*
                }
            }

            /// The path template (`/pets/{id}`).
            pub fn path(self) -> &'static str {
                match self {
                    #(Operation::#variants => #paths,)*
                }
            }
        }

        /// The `operationId`.
        impl std::fmt::Display for Operation {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.id())
            }
        }
    }
}

fn docs(lines: &[&str]) -> TokenStream {
    lines_to_attrs(&lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>())
}

/// The `MockServer` method of one operation and its helper type.
fn helper(api: &Api, config: &Config, op: &Operation, names: &Names) -> TokenStream {
    let prefix = quote!(crate::types::);
    let variant = ident(&names.variant);
    let method = ident(&names.method);
    let helper = ident(&names.helper);
    let what = format!("`{}` (`{} {}`)", op.id, op.method.as_str(), op.path);
    let is_token_op = config.auth.as_ref().is_some_and(|a| a.token_operation == op.id);
    let enveloped = config.envelope.is_some();

    let mut method_lines = vec![
        format!("Sets up an answer to {what}, which {} sends.", client_link(config, op)),
        String::new(),
        format!("Add expectations to the returned [`{}`], then finish it with `respond`, `fail` or `respond_raw`.", names.helper),
    ];
    if is_token_op {
        method_lines.push(String::new());
        method_lines.push("Without one that answers, the server issues a token itself.".to_owned());
    }
    let method_docs = lines_to_attrs(&method_lines);
    let helper_doc = format!(
        " How the mock server answers {what}: expectations about the request, how many requests, then the answer. \
         Made by [`MockServer::{}`].",
        names.method
    );

    let mut items = Vec::new();
    if op.params.iter().any(|p| p.location == ParamLocation::Query) {
        let d = docs(&[
            "Answers only requests whose query parameter `name` (as the spec names it) has `value`, decoded",
            "(arrays sent as one value are matched comma-joined, `a,b`).",
        ]);
        items.push(quote! {
            #d
            pub fn expect_query(self, name: &str, value: impl Into<String>) -> Self {
                Self { draft: self.draft.query(name, value.into()) }
            }
        });
    }
    if op.params.iter().any(|p| p.location == ParamLocation::Path) {
        let d = docs(&["Answers only requests whose path parameter `name` (as the spec names it) is `value`, decoded."]);
        items.push(quote! {
            #d
            pub fn expect_path(self, name: &str, value: impl Into<String>) -> Self {
                Self { draft: self.draft.path_param(name, value.into()) }
            }
        });
    }
    let d = docs(&["Answers only requests with header `name` (any case) set to `value`."]);
    items.push(quote! {
        #d
        pub fn expect_header(self, name: &str, value: impl Into<String>) -> Self {
            Self { draft: self.draft.header(name, value.into()) }
        }
    });
    let body_ty = match &op.body {
        Some(body) => {
            let ty = rust_type(&body.ty, &prefix);
            let d = docs(&["Answers only requests whose JSON body decodes to a value equal to `body`."]);
            items.push(quote! {
                #d
                pub fn expect_body(self, body: #ty) -> Self {
                    Self { draft: self.draft.body(body) }
                }
            });
            ty
        }
        None => quote!(()),
    };
    let d = docs(&[
        "Answers only requests for which `check` returns `true`; it sees the request with its body decoded",
        "(see [`TypedRequest`]). It runs while the server holds its state: it must not call the server.",
    ]);
    items.push(quote! {
        #d
        pub fn expect(self, check: impl Fn(&TypedRequest<'_, #body_ty>) -> bool + Send + Sync + 'static) -> Self {
            Self { draft: self.draft.typed(check) }
        }
    });
    let d = docs(&[
        "Answers at most `n` requests, and [`MockServer::verify`] then wants exactly `n` (by default: any",
        "number, at least one). Later helpers of the same operation answer the requests after those.",
    ]);
    items.push(quote! {
        #d
        pub fn times(self, n: usize) -> Self {
            Self { draft: self.draft.times(n) }
        }
    });
    let d = docs(&["Waits this long before answering (to test timeouts)."]);
    items.push(quote! {
        #d
        pub fn delay(self, delay: std::time::Duration) -> Self {
            Self { draft: self.draft.delay(delay) }
        }
    });

    match shape(api, config, op) {
        Shape::Enveloped(data) => {
            let (param, arg, value) = match &data {
                Some(ty) => {
                    let ty = rust_type(ty, &prefix);
                    (quote!(data: #ty,), quote!(Some(&data)), "`data` in a successful envelope")
                }
                None => (quote!(), quote!(None::<&()>), "a successful envelope"),
            };
            let d = docs(&[&format!("Answers with {value} (message `success`).")]);
            let meta = docs(&[&format!(
                "Answers with {value}, with this message and request id (what `send_with_meta` returns)."
            )]);
            items.push(quote! {
                #d
                pub fn respond(self, #param) {
                    self.draft.finish(Answer::success(#arg, None, None));
                }

                #meta
                pub fn respond_with_meta(self, #param message: impl Into<String>, request_id: impl Into<String>) {
                    self.draft.finish(Answer::success(#arg, Some(message.into()), Some(request_id.into())));
                }
            });
        }
        Shape::Plain(ty) => {
            let ty = rust_type(&ty, &prefix);
            let d = docs(&["Answers with `data` as the JSON body (HTTP 200)."]);
            items.push(quote! {
                #d
                pub fn respond(self, data: #ty) {
                    self.draft.finish(Answer::success(Some(&data), None, None));
                }
            });
        }
        Shape::Empty => {
            let d = docs(&["Answers with success and no body (HTTP 204)."]);
            items.push(quote! {
                #d
                pub fn respond(self) {
                    self.draft.finish(Answer::NoContent);
                }
            });
        }
    }
    if enveloped {
        let d = docs(&[
            "Answers with the service's refusal: an envelope (over HTTP 200) with this status and",
            "message, which the client returns as [`Error::Api`](crate::Error::Api).",
        ]);
        items.push(quote! {
            #d
            pub fn fail(self, status_code: i64, message: impl Into<String>) {
                self.draft.finish(Answer::Failure { status: status_code, api_code: None, message: message.into() });
            }
        });
        if config.envelope.as_ref().is_some_and(|e| e.api_code_field.is_some()) {
            let d = docs(&["As [`Self::fail`], with the finer business error code too."]);
            items.push(quote! {
                #d
                pub fn fail_with_api_code(self, status_code: i64, api_code: i64, message: impl Into<String>) {
                    self.draft.finish(Answer::Failure { status: status_code, api_code: Some(api_code), message: message.into() });
                }
            });
        }
    } else {
        let d = docs(&[
            "Answers with this HTTP status and `{\"message\": message}`, which the client returns as",
            "[`Error::Http`](crate::Error::Http) (for a status outside 2xx).",
        ]);
        items.push(quote! {
            #d
            pub fn fail(self, http_status: u16, message: impl Into<String>) {
                self.draft.finish(Answer::Failure { status: i64::from(http_status), api_code: None, message: message.into() });
            }
        });
    }
    let d = docs(&[
        "Answers with exactly this HTTP status and body (sent as `application/json`): malformed",
        "answers, HTTP errors, anything the other answers do not cover.",
        "",
        "# Panics",
        "",
        "When `http_status` does not have three digits.",
    ]);
    items.push(quote! {
        #d
        #[track_caller]
        pub fn respond_raw(self, http_status: u16, body: impl Into<String>) {
            self.draft.raw(http_status, body.into());
        }
    });

    quote! {
        impl MockServer {
            #method_docs
            pub fn #method(&self) -> #helper<'_> {
                #helper { draft: Draft::new(self, Operation::#variant) }
            }
        }

        #[doc = #helper_doc]
        #[must_use = "nothing is set up until `respond`, `fail` or `respond_raw` is called"]
        pub struct #helper<'a> {
            draft: Draft<'a>,
        }

        impl #helper<'_> {
            #(#items)*
        }
    }
}

/// A literal for a required input in the example, and how it appears in the query.
fn literal(ty: &TypeRef, limits: &Limits) -> Option<(String, String)> {
    match ty {
        TypeRef::String { format: None } => Some(("\"example\"".to_owned(), "example".to_owned())),
        TypeRef::Boolean => Some(("true".to_owned(), "true".to_owned())),
        TypeRef::Integer { .. } => {
            let value = limits.minimum.unwrap_or(1.0).max(1.0).min(limits.maximum.unwrap_or(f64::MAX)).ceil();
            let value = format!("{value:.0}");
            Some((value.clone(), value))
        }
        TypeRef::Array(item) if matches!(**item, TypeRef::String { format: None }) => {
            let fits = limits.min_items.unwrap_or(0) <= 1 && limits.max_items.unwrap_or(1) >= 1;
            fits.then(|| ("[\"example\"]".to_owned(), "example".to_owned()))
        }
        _ => None,
    }
}

/// The module's example: one operation answered, then refused, then checked. It picks an
/// operation whose required inputs have simple literals, preferring one whose answer has a
/// default value.
fn example(api: &Api, config: &Config, names: &[Names]) -> Vec<String> {
    let crate_ident = config.crate_ident();
    let token_op = config.auth.as_ref().map(|a| a.token_operation.as_str());
    let candidates: Vec<(&Operation, &Names, String, Option<String>)> = api
        .operations
        .iter()
        .zip(names)
        .filter(|(op, _)| !op.deprecated && Some(op.id.as_str()) != token_op)
        .filter_map(|(op, names)| {
            let (setters, query) = required_inputs(api, op)?;
            Some((op, names, setters, query))
        })
        .collect();
    let answer = |op: &Operation| match shape(api, config, op) {
        Shape::Enveloped(None) | Shape::Empty => Some("respond()"),
        Shape::Enveloped(Some(ty)) | Shape::Plain(ty) => (!matches!(ty, TypeRef::Named(_))).then_some("respond(Default::default())"),
    };
    let chosen = candidates.iter().find(|(op, ..)| answer(op).is_some()).or(candidates.first());
    let mut lines = vec![format!("use {crate_ident}::mock::{{MockServer, Operation}};"), String::new()];
    lines.push("# tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {".to_owned());
    lines.push("let server = MockServer::start().await;".to_owned());
    let Some((op, names, setters, query)) = chosen else {
        lines.extend(["let client = server.client();", "# let _ = client;", "server.verify();", "# });"].map(str::to_owned));
        return lines;
    };
    let expect = query.as_ref().map(|q| format!(".expect_query({q})")).unwrap_or_default();
    let call = format!("client.{}(){setters}.send().await", op.name);
    let mock = &names.method;
    let mut calls = 1;
    match answer(op) {
        Some(respond) => {
            calls = 2;
            lines.push(format!("// The first `{}` request gets a successful answer, the next ones a refusal.", op.id));
            lines.push(format!("server.{mock}(){expect}.times(1).{respond};"));
            lines.push(format!("server.{mock}().fail(404, \"not found\");"));
            lines.push(String::new());
            lines.push("let client = server.client();".to_owned());
            lines.push(format!("let first = {call};"));
            lines.push("assert!(first.is_ok(), \"{first:?}\");".to_owned());
            lines.push(format!("let second = {call};"));
            lines.push("assert_eq!(second.unwrap_err().status_code(), Some(404));".to_owned());
        }
        None => {
            lines.push(format!("server.{mock}(){expect}.fail(404, \"not found\");"));
            lines.push(String::new());
            lines.push("let client = server.client();".to_owned());
            lines.push(format!("let result = {call};"));
            lines.push("assert_eq!(result.unwrap_err().status_code(), Some(404));".to_owned());
        }
    }
    lines.push(String::new());
    lines.push("// Every helper was used as set up, and nothing unexpected arrived.".to_owned());
    lines.push("server.verify();".to_owned());
    lines.push(format!("assert_eq!(server.received(Operation::{}).len(), {calls});", names.variant));
    lines.push("# });".to_owned());
    lines
}

/// The setter calls for an operation's required inputs (`.user_id("example")`) and the
/// `expect_query` arguments for its first required query parameter; `None` when an input has no
/// simple literal.
fn required_inputs(api: &Api, op: &Operation) -> Option<(String, Option<String>)> {
    let mut setters = String::new();
    let mut query = None;
    for p in op.params.iter().filter(|p| p.required) {
        let (value, text) = literal(&p.ty, &p.limits)?;
        setters.push_str(&format!(".{}({value})", p.name));
        if p.location == ParamLocation::Query && query.is_none() {
            query = Some(format!("{:?}, {text:?}", p.wire_name));
        }
    }
    if let Some(body) = &op.body {
        match (&body.flattened, &body.ty) {
            (Some(names), TypeRef::Named(name)) => {
                let fields = api.types.iter().find(|t| &t.name == name).and_then(|t| match &t.kind {
                    TypeKind::Struct(fields) => Some(fields),
                    _ => None,
                })?;
                for (field, setter) in fields.iter().zip(names) {
                    if field.required && !field.nullable {
                        let (value, _) = literal(&field.ty, &field.limits)?;
                        setters.push_str(&format!(".{setter}({value})"));
                    }
                }
            }
            _ if body.required => {
                let (value, _) = literal(&body.ty, &Limits::EMPTY)?;
                setters.push_str(&format!(".{}({value})", body.setter));
            }
            _ => {}
        }
    }
    Some((setters, query))
}
