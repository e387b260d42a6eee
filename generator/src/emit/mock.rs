//! The plan's operations → `src/mock.rs` (feature `mock`): the API's `Operation` enum, and a
//! `MockServer` wrapping the runtime's mock server with one typed helper per operation. The
//! server itself (HTTP, matching, token issuance, `verify`) is the runtime's.

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs::lines_to_attrs;
use crate::model::BodyKind;
use crate::plan::{OpPlan, Plan, Shape};
use crate::rust::{ident, rust_type, types_prefix};

/// The body of `mock.rs`, in pieces of whole items (see `operations::emit`): the server, then
/// each operation's helper in an `impl` block of its own.
pub fn emit<'p>(plan: &'p Plan<'p>) -> impl Iterator<Item = TokenStream> + 'p {
    let helpers = plan.operations.iter().map(|op| {
        let helper = helper(plan, op);
        quote! {
            impl MockServer {
                #helper
            }
        }
    });
    std::iter::once(server(plan)).chain(helpers)
}

/// The module docs, `Operation`, the routes and `MockServer` with its own methods.
fn server(plan: &Plan) -> TokenStream {
    let c = &plan.client;
    let client = ident(&c.name);
    let builder = ident(&c.builder);
    let module_docs = module_docs(plan);
    let operation_enum = operation_enum(plan);
    let auth_constants = c.auth.as_ref().map(|_| quote!(pub use crate::runtime::mock::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, TENANT_ID};));
    let infos = plan.operations.iter().map(|op| {
        let (id, method, path) = (&op.op.id, op.op.method.as_str(), &op.op.path);
        quote!(crate::runtime::mock::OperationInfo { id: #id, method: #method, path: #path })
    });
    quote! {
        #module_docs

        pub use crate::runtime::mock::{Enveloped, EnvelopedEmpty, Json, Mock, NoContent, Raw, ReceivedRequest, TypedRequest};
        #auth_constants

        #operation_enum

        /// The operations as the server routes requests.
        static OPERATIONS: &[crate::runtime::mock::OperationInfo] = &[#(#infos),*];

        /// A loopback HTTP/1.1 server answering the API's operations as set up; see the
        /// [module documentation](self). Everything not specific to this API (`base_url`,
        /// `verify`, `problems`, `requests`, `reset`, …) comes from the runtime's server it
        /// dereferences to.
        ///
        /// It stops when dropped. Share it between tasks by reference or in an `Arc`.
        pub struct MockServer {
            inner: crate::runtime::mock::MockServer,
        }

        impl std::fmt::Debug for MockServer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.inner, f)
            }
        }

        impl std::ops::Deref for MockServer {
            type Target = crate::runtime::mock::MockServer;

            fn deref(&self) -> &Self::Target {
                &self.inner
            }
        }

        impl MockServer {
            /// Starts a server on `127.0.0.1` with a free port, serving on a task of the current
            /// Tokio runtime.
            ///
            /// # Panics
            ///
            /// Outside a Tokio runtime, or when no loopback port can be bound.
            pub async fn start() -> MockServer {
                MockServer { inner: crate::runtime::mock::MockServer::start(&crate::client::API, OPERATIONS).await }
            }

            /// A client builder set up for this server: its host, an HTTP client that ignores
            /// proxy settings (one for all clients of this server), the mock's credentials when
            /// the API has token auth, and the default retry policy with short waits (5 to 50 ms).
            /// Change anything before `build()`.
            ///
            /// # Panics
            ///
            /// When the HTTP client cannot be built (its TLS backend fails to initialise).
            pub fn client_builder(&self) -> crate::#builder {
                crate::#builder { inner: self.inner.client_builder() }
            }

            /// A client of this server, as [`Self::client_builder`] sets it up.
            ///
            /// # Panics
            ///
            /// As [`Self::client_builder`].
            pub fn client(&self) -> crate::#client {
                self.client_builder()
                    .build()
                    .unwrap_or_else(|e| panic!("mock server: the client settings are invalid: {e}"))
            }

            /// Every request of `operation` received so far, answered or not, in arrival order.
            pub fn received(&self, operation: Operation) -> Vec<ReceivedRequest> {
                self.inner.received(operation.id())
            }
        }
    }
}

fn module_docs(plan: &Plan) -> TokenStream {
    let c = &plan.client;
    let mut lines = vec![
        format!("An offline stand-in for the {}, for tests of code that uses this crate (feature `mock`).", c.title),
        String::new(),
        format!(
            "[`MockServer::start`] serves HTTP/1.1 on `127.0.0.1` (a free port, a task of the current Tokio runtime) and \
             [`MockServer::client`] gives a [`{0}`](crate::{0}) pointed at it. Nothing leaves the machine.",
            c.name
        ),
        String::new(),
        "- **Answers**: `server.<operation>()` (named like the client's method) returns a typed [`Mock`] helper for that \
         operation. Narrow which requests it answers with `expect_query`, `expect_header`, `expect_path`, `expect_body` or \
         `expect` (a closure over a [`TypedRequest`], whose body is decoded into the operation's body type), limit it with \
         `times(n)`, then finish it with `respond(..)` (a typed payload), `fail(status, message)`, \
         `respond_bytes(http_status, content_type, body)` (downloads, text, answers that differ per status) or \
         `respond_raw(http_status, body)` (anything at all)."
            .to_owned(),
    ];
    lines.push(
        "- **Matching**: a request goes to the operation whose method and path template it fits, then to the first helper \
         set up for it, in setup order, whose expectations all hold and that has answers left. A request nothing answers \
         gets an error answer (HTTP 501) naming its method, path and why, and is reported by `verify`."
            .to_owned(),
    );
    if let Some(auth) = &c.auth {
        lines.push(format!(
            "- **Tokens**: the server answers `{op}` itself for [`ACCESS_KEY_ID`] and [`ACCESS_KEY_SECRET`] (the client's \
             credentials) with a JWT-shaped token{claim}, and refuses every other call that does not carry one of its tokens \
             and the tenant id [`TENANT_ID`], with status {status}. Set up `{op}` like any operation to answer otherwise; \
             `revoke_tokens` makes the client fetch a new token.",
            op = auth.operation,
            claim = auth.tenant_claim.as_ref().map(|claim| format!(" whose `{claim}` claim is [`TENANT_ID`]")).unwrap_or_default(),
            status = auth.invalid_token_status,
        ));
    }
    lines.push(
        "- **Checking**: [`MockServer::received`] lists the requests of an operation; `verify` panics unless every helper \
         was used as set up (at least once, or exactly `times(n)`) and nothing unexpected arrived."
            .to_owned(),
    );
    lines.extend(["".to_owned(), "# Example".to_owned(), "".to_owned(), "```".to_owned()]);
    lines.extend(plan.mock_example.iter().cloned());
    lines.push("```".to_owned());
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    quote!(#(#attrs)*)
}

fn client_link(plan: &Plan, op: &OpPlan) -> String {
    format!("[`{client}::{m}`](crate::{client}::{m})", client = plan.client.name, m = op.op.name)
}

/// `Operation`: one variant per operation, with its id, method and path template.
fn operation_enum(plan: &Plan) -> TokenStream {
    let variants: Vec<_> = plan.operations.iter().map(|op| ident(&op.mock_variant)).collect();
    let docs = plan.operations.iter().map(|op| {
        let line = format!(" `{}`: `{} {}` ({}).", op.op.id, op.op.method.as_str(), op.op.path, client_link(plan, op));
        quote!(#[doc = #line])
    });
    let ids = plan.operations.iter().map(|op| &op.op.id);
    let indexes = 0..plan.operations.len();
    // Without operations the matches are empty, which is fine for an enum without variants.
    let lookups = {
        quote! {
            /// The spec's `operationId`.
            pub fn id(self) -> &'static str {
                match self {
                    #(Operation::#variants => #ids,)*
                }
            }

            /// The HTTP method.
            pub fn method(self) -> &'static str {
                OPERATIONS[self.index()].method
            }

            /// The path template (`/pets/{id}`).
            pub fn path(self) -> &'static str {
                OPERATIONS[self.index()].path
            }

            fn index(self) -> usize {
                match self {
                    #(Operation::#variants => #indexes,)*
                }
            }
        }
    };
    let display = quote! {
        /// The `operationId`.
        impl std::fmt::Display for Operation {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.id())
            }
        }
    };
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

            #lookups
        }

        #display
    }
}

/// The `MockServer` method of one operation.
fn helper(plan: &Plan, op: &OpPlan) -> TokenStream {
    let prefix = types_prefix();
    let method = ident(&op.mock_method);
    let id = &op.op.id;
    let what = format!("`{}` (`{} {}`)", op.op.id, op.op.method.as_str(), op.op.path);
    let mut lines = vec![
        format!("Sets up an answer to {what}, which {} sends.", client_link(plan, op)),
        String::new(),
        match op.shape {
            Shape::Text | Shape::Binary | Shape::Answers(_) => "Add expectations to the returned [`Mock`], then finish it with \
                 `respond_bytes(status, content_type, body)` (the answer as the server sends it), `fail` or `respond_raw`."
                .to_owned(),
            _ => "Add expectations to the returned [`Mock`], then finish it with `respond`, `fail` or `respond_raw`.".to_owned(),
        },
    ];
    if op.sensitive {
        lines.push(String::new());
        lines.push("Without one that answers, the server issues a token itself.".to_owned());
    }
    let docs = lines_to_attrs(&lines);
    let body = match &op.op.body {
        Some(body) if body.kind == BodyKind::Json => rust_type(&body.ty, &prefix),
        _ => quote!(()),
    };
    let answer = match op.shape {
        Shape::Enveloped(Some(ty)) => {
            let ty = rust_type(ty, &prefix);
            quote!(Enveloped<#ty>)
        }
        Shape::Enveloped(None) => quote!(EnvelopedEmpty),
        Shape::Plain(ty) => {
            let ty = rust_type(ty, &prefix);
            quote!(Json<#ty>)
        }
        Shape::Empty => quote!(NoContent),
        Shape::Text | Shape::Binary | Shape::Answers(_) => quote!(Raw),
    };
    quote! {
        #docs
        pub fn #method(&self) -> Mock<'_, #body, #answer> {
            self.inner.mock(#id)
        }
    }
}
