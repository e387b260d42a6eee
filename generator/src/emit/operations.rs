//! Operations → a method on the client and a fluent request builder each (`operations.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::checks::Checks;
use super::docs::{default_line, doc_lines, lines_to_attrs};
use super::types::{ident, rust_type};
use crate::config::Config;
use crate::model::{Method, Api, Field, Limits, Operation, Param, ParamLocation, PathPart, PathSegment, TypeKind, TypeRef};
use crate::naming::Namespace;

/// How named types are reached from `operations.rs`.
pub(super) fn types_prefix() -> TokenStream {
    quote!(crate::types::)
}

/// A value the builder collects: a parameter or a field of a flattened body.
pub(super) struct Input<'a> {
    pub(super) setter: String,
    pub(super) wire: &'a str,
    description: Option<&'a str>,
    pub(super) ty: &'a TypeRef,
    pub(super) required: bool,
    pub(super) recursive: bool,
    pub(super) limits: &'a Limits,
    default: Option<&'a serde_json::Value>,
    pub(super) example: Option<&'a serde_json::Value>,
}

/// What a successful call returns.
pub(super) enum Shape {
    /// An envelope around an optional payload type.
    Enveloped(Option<TypeRef>),
    /// A JSON body of this type, as is.
    Plain(TypeRef),
    /// Nothing worth decoding.
    Empty,
}

pub(super) fn struct_fields<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a [Field]> {
    let TypeRef::Named(name) = ty else { return None };
    api.types.iter().find(|t| &t.name == name).and_then(|t| match &t.kind {
        TypeKind::Struct(fields) => Some(fields.as_slice()),
        _ => None,
    })
}

pub(super) fn shape(api: &Api, config: &Config, op: &Operation) -> Shape {
    let Some(ty) = &op.response else { return Shape::Empty };
    if let Some(envelope) = &config.envelope
        && let Some(fields) = struct_fields(api, ty)
        && fields.iter().any(|f| f.wire_name == envelope.status_field)
    {
        let data = fields.iter().find(|f| f.wire_name == envelope.data_field).map(|f| f.ty.clone());
        return Shape::Enveloped(data);
    }
    Shape::Plain(ty.clone())
}

/// How the client treats an operation: retried when it only reads (or issues tokens),
/// authenticated unless it is the one that issues tokens (whose answers are then never kept in
/// errors).
struct Treatment {
    read_only: bool,
    authenticated: bool,
    sensitive: bool,
}

fn treatment(config: &Config, op: &Operation) -> Treatment {
    let issues_tokens = config.auth.as_ref().is_some_and(|a| a.token_operation == op.id);
    // Exchanging an access key for a token changes nothing either: every call needs it, so a
    // rate-limited or unavailable token endpoint is tried again like a read.
    let read_only = matches!(op.method, Method::Get | Method::Head | Method::Options)
        || config.read_only_operations.contains(&op.id)
        || issues_tokens;
    Treatment {
        read_only,
        authenticated: config.auth.is_some() && !issues_tokens,
        sensitive: issues_tokens,
    }
}

/// The body of `operations.rs`.
pub fn emit(api: &Api, config: &Config) -> TokenStream {
    let client = ident(&config.client_name);
    let methods = api.operations.iter().map(|op| client_method(api, config, op));
    let checks = Checks::new(api);
    let builders = api.operations.iter().map(|op| builder(api, config, &checks, op, &client));
    quote! {
        //! One request builder per operation of the spec; start one from a client method.
        impl crate::#client {
            #(#methods)*
        }
        #(#builders)*
    }
}

fn operation_docs(op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &op.summary {
        lines.extend(doc_lines(summary));
    }
    if let Some(description) = &op.description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(doc_lines(description));
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!("`{} {}` (operation `{}`).", op.method.as_str(), op.path, op.id));
    lines
}

fn client_method(api: &Api, config: &Config, op: &Operation) -> TokenStream {
    let mut lines = operation_docs(op);
    lines.push(String::new());
    lines.push(format!("Set the parameters on the returned [`{}`], then call `send()`.", op.builder));
    lines.push(String::new());
    lines.push("# Example".to_owned());
    lines.push(String::new());
    lines.extend(super::examples::call(api, config, op).doc_block());
    let docs = lines_to_attrs(&lines);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated = "deprecated in the API spec"]));
    let name = ident(&op.name);
    let builder = ident(&op.builder);
    quote! {
        #docs
        #deprecated
        pub fn #name(&self) -> #builder {
            #builder::new(self.clone())
        }
    }
}

pub(super) fn inputs<'a>(api: &'a Api, op: &'a Operation) -> (Vec<Input<'a>>, Option<&'a [Field]>) {
    let mut inputs: Vec<Input<'a>> = op
        .params
        .iter()
        .map(|p: &'a Param| Input {
            setter: p.name.clone(),
            wire: &p.wire_name,
            description: p.description.as_deref(),
            ty: &p.ty,
            required: p.required,
            recursive: false,
            limits: &p.limits,
            default: p.default.as_ref(),
            example: p.example.as_ref(),
        })
        .collect();
    let mut body_fields = None;
    if let Some(body) = &op.body {
        match (&body.flattened, &body.ty) {
            (Some(setters), TypeRef::Named(name)) => {
                let fields = api
                    .types
                    .iter()
                    .find(|t| &t.name == name)
                    .and_then(|t| match &t.kind {
                        TypeKind::Struct(fields) => Some(fields.as_slice()),
                        _ => None,
                    })
                    .expect("flattened body is a struct");
                for (field, setter) in fields.iter().zip(setters) {
                    inputs.push(Input {
                        setter: setter.clone(),
                        wire: &field.wire_name,
                        description: field.description.as_deref(),
                        ty: &field.ty,
                        required: field.required && !field.nullable,
                        recursive: field.recursive,
                        limits: &field.limits,
                        default: field.default.as_ref(),
                        example: field.example.as_ref(),
                    });
                }
                body_fields = Some(fields);
            }
            _ => inputs.push(Input {
                setter: body.setter.clone(),
                wire: "body",
                description: body.description.as_deref(),
                ty: &body.ty,
                required: body.required,
                recursive: false,
                limits: &Limits::EMPTY,
                default: None,
                example: None,
            }),
        }
    }
    (inputs, body_fields)
}

fn setter(input: &Input) -> TokenStream {
    let name = ident(&input.setter);
    let prefix = types_prefix();
    let mut lines = doc_lines(input.description.unwrap_or(""));
    if lines.is_empty() {
        lines.push(format!("Sets `{}`.", input.wire));
    }
    if input.required {
        lines.push(String::new());
        lines.push("Required.".to_owned());
    }
    if let Some(default) = input.default {
        lines.push(String::new());
        lines.push(format!("{} The API applies it when this is not set.", default_line(default)));
    }
    let docs = lines_to_attrs(&lines);
    let (arg, value) = match input.ty {
        TypeRef::String { .. } | TypeRef::Named(_) | TypeRef::Any => {
            let ty = rust_type(input.ty, &prefix);
            (quote!(impl Into<#ty>), quote!(value.into()))
        }
        TypeRef::Array(item) => {
            let item = rust_type(item, &prefix);
            (quote!(impl IntoIterator<Item = impl Into<#item>>), quote!(value.into_iter().map(Into::into).collect()))
        }
        other => (rust_type(other, &prefix), quote!(value)),
    };
    let value = if input.recursive { quote!(Box::new(#value)) } else { value };
    quote! {
        #docs
        pub fn #name(mut self, value: #arg) -> Self {
            self.#name = Some(#value);
            self
        }
    }
}

/// Checks of declared bounds, on the input and inside it, run before anything is sent.
fn limit_checks(input: &Input, nested: &Checks) -> TokenStream {
    use super::checks::{as_f64, opt_f64, opt_usize};
    let name = ident(&input.setter);
    let wire = input.wire;
    let mut checks = TokenStream::new();
    if input.limits.min_items.is_some() || input.limits.max_items.is_some() {
        let (min, max) = (opt_usize(input.limits.min_items), opt_usize(input.limits.max_items));
        checks.extend(quote!(crate::client::check_len(CALL.operation, #wire, value.len(), #min, #max)?;));
    }
    if input.limits.minimum.is_some() || input.limits.maximum.is_some() {
        let (min, max) = (opt_f64(input.limits.minimum), opt_f64(input.limits.maximum));
        let number = as_f64(input.ty);
        checks.extend(quote!(crate::client::check_range(CALL.operation, #wire, #number, #min, #max)?;));
    }
    // Bounds declared inside its type (`options.pagination.limit`).
    checks.extend(nested.nested(input.ty, quote!(value), &|b| quote!(#b.into_error(CALL.operation, #wire)), 0));
    if checks.is_empty() {
        checks
    } else if input.required {
        quote!({ let value = &#name; #checks })
    } else {
        quote!(if let Some(value) = &#name { #checks })
    }
}

fn builder(api: &Api, config: &Config, nested: &Checks, op: &Operation, client: &proc_macro2::Ident) -> TokenStream {
    let prefix = types_prefix();
    let name = ident(&op.builder);
    let op_id = &op.id;
    let (inputs, body_fields) = inputs(api, op);
    let method_name = &op.name;

    let field_names: Vec<_> = inputs.iter().map(|i| ident(&i.setter)).collect();
    // `send()` binds every input to a local of its setter's name; its own locals must not
    // shadow one of those.
    let mut locals = Namespace::with_reserved(&inputs.iter().map(|i| i.setter.as_str()).collect::<Vec<_>>());
    let mut local = |name: &str| ident(&locals.claim(name.to_owned()));
    let (url, request, query, body_local) = (local("url"), local("request"), local("query"), local("body"));
    let field_types = inputs.iter().map(|i| {
        let ty = rust_type(i.ty, &prefix);
        if i.recursive { quote!(Option<Box<#ty>>) } else { quote!(Option<#ty>) }
    });
    let setters = inputs.iter().map(setter);

    // Required values are unwrapped first, so a missing one fails before anything is sent.
    let unwrap_required = inputs.iter().filter(|i| i.required).map(|i| {
        let name = ident(&i.setter);
        let wire = i.wire;
        quote! {
            let #name = #name.ok_or(crate::Error::MissingParameter { operation: CALL.operation, parameter: #wire })?;
        }
    });
    let checks = inputs.iter().map(|i| limit_checks(i, nested));

    // URL.
    let segments = op.path_segments.iter().map(|PathSegment::Parts(parts)| match parts.as_slice() {
        [PathPart::Literal(text)] => quote!(#text),
        [PathPart::Param(i)] => {
            let name = ident(&op.params[*i].name);
            quote!(&#name.to_string())
        }
        parts => {
            let mut format = String::new();
            let mut args = Vec::new();
            for part in parts {
                match part {
                    PathPart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
                    PathPart::Param(i) => {
                        format.push_str("{}");
                        let name = ident(&op.params[*i].name);
                        args.push(quote!(#name));
                    }
                }
            }
            quote!(&format!(#format, #(#args),*))
        }
    });

    // Query string and headers.
    let query_params: Vec<&Param> = op.params.iter().filter(|p| p.location == ParamLocation::Query).collect();
    let query_pushes = query_params.iter().map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let push = match &p.ty {
            TypeRef::Array(_) if p.explode => quote! {
                for item in value { #query.push((#wire, item.to_string())); }
            },
            TypeRef::Array(_) => quote! {
                #query.push((#wire, crate::client::join(value)));
            },
            _ => quote!(#query.push((#wire, value.to_string()));),
        };
        if p.required {
            quote!({ let value = &#name; #push })
        } else {
            quote!(if let Some(value) = &#name { #push })
        }
    });
    let query_setup = if query_params.is_empty() {
        quote!()
    } else {
        quote! {
            let mut #query: Vec<(&str, String)> = Vec::new();
            #(#query_pushes)*
            #request = #request.query(&#query);
        }
    };
    let headers = op.params.iter().filter(|p| p.location == ParamLocation::Header).map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let value = match &p.ty {
            TypeRef::Array(_) => quote!(crate::client::join(value)),
            _ => quote!(value.to_string()),
        };
        if p.required {
            quote!({ let value = &#name; #request = #request.header(#wire, #value); })
        } else {
            quote!(if let Some(value) = &#name { #request = #request.header(#wire, #value); })
        }
    });

    // Body.
    let body = match (&op.body, body_fields) {
        (None, _) => quote!(),
        (Some(body), Some(fields)) => {
            let TypeRef::Named(type_name) = &body.ty else { unreachable!() };
            let type_name = ident(type_name);
            let setters = body.flattened.as_ref().expect("flattened");
            let assigns = fields.iter().zip(setters).map(|(f, setter)| {
                let field = ident(&f.name);
                let setter = ident(setter);
                // Required fields were unwrapped above; the rest stay `Option`, as in the struct.
                if field == setter { quote!(#field) } else { quote!(#field: #setter) }
            });
            let construct = quote! {
                let #body_local = #prefix #type_name { #(#assigns,)* };
                #request = #request.json(&#body_local);
            };
            if body.required || fields.iter().any(|f| f.required && !f.nullable) {
                construct
            } else {
                let any = setters.iter().map(|s| {
                    let s = ident(s);
                    quote!(#s.is_some())
                });
                quote! {
                    if #(#any)||* {
                        #construct
                    }
                }
            }
        }
        (Some(body), None) => {
            let setter = ident(&body.setter);
            if body.required {
                quote!(#request = #request.json(&#setter);)
            } else {
                quote!(if let Some(value) = &#setter { #request = #request.json(value); })
            }
        }
    };

    let Treatment { read_only, authenticated, sensitive } = treatment(config, op);
    let shape = shape(api, config, op);
    // `send_with_meta` (enveloped answers) or `send` holds the request code.
    let (fn_name, response_ty, send_call) = match &shape {
        Shape::Enveloped(Some(ty)) => {
            let ty = rust_type(ty, &prefix);
            (quote!(send_with_meta), quote!(crate::ApiResponse<#ty>), quote!(client.execute_enveloped::<#ty>(CALL, #request).await))
        }
        Shape::Enveloped(None) => (quote!(send_with_meta), quote!(crate::ApiResponse<()>), quote!(client.execute_status(CALL, #request).await)),
        Shape::Plain(ty) => {
            let ty = rust_type(ty, &prefix);
            (quote!(send), ty.clone(), quote!(client.execute_json::<#ty>(CALL, #request).await))
        }
        Shape::Empty => (quote!(send), quote!(()), quote!(client.execute_empty(CALL, #request).await)),
    };
    let send_delegate = match &shape {
        Shape::Enveloped(data) => {
            let ty = data.as_ref().map_or(quote!(()), |t| rust_type(t, &prefix));
            quote! {
                /// Sends the request and returns the answer's payload.
                ///
                /// # Errors
                ///
                /// As [`Self::send_with_meta`].
                pub async fn send(self) -> Result<#ty, crate::Error> {
                    self.send_with_meta().await.map(|answer| answer.data)
                }
            }
        }
        _ => quote!(),
    };
    let debug_impl = if sensitive {
        // Its inputs are credentials: show none of them.
        let type_name = op.builder.as_str();
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#type_name).finish_non_exhaustive()
                }
            }
        }
    } else {
        quote!()
    };
    let derive_debug = (!sensitive).then(|| quote!(Debug,));
    // The field exists only in clients that authenticate.
    let authenticated = config.auth.is_some().then(|| quote!(authenticated: #authenticated,));
    let method = format_ident!("{}", op.method.as_str());
    let builder_doc = format!(
        " Request builder for [`{client}::{method_name}`](crate::{client}::{method_name}): `{} {}`.",
        op.method.as_str(),
        op.path
    );
    let first_line = match &shape {
        Shape::Enveloped(_) => "Sends the request and returns the answer's payload with the service's message and request id.",
        _ => "Sends the request and decodes the answer.",
    };
    let mut send_lines = vec![
        first_line.to_owned(),
        String::new(),
        "# Errors".to_owned(),
        String::new(),
        "[`Error::MissingParameter`](crate::Error::MissingParameter) or \
         [`Error::InvalidParameter`](crate::Error::InvalidParameter) before anything is sent; \
         otherwise the service's refusal ([`Error::Api`](crate::Error::Api)) or the transport, \
         HTTP or decoding failure."
            .to_owned(),
    ];
    // Without a required input or a bound to check, nothing is refused before sending.
    if inputs.iter().all(|i| !i.required && limit_checks(i, nested).is_empty()) {
        send_lines.truncate(3);
        send_lines.push(String::new());
        send_lines.push(
            "The service's refusal ([`Error::Api`](crate::Error::Api)) or the transport, HTTP or decoding failure.".to_owned(),
        );
    }
    let send_docs = lines_to_attrs(&send_lines);
    let destructure = if field_names.is_empty() {
        quote!(let Self { client } = self;)
    } else {
        quote!(let Self { client, #(#field_names),* } = self;)
    };
    let mutable_request = if query_params.is_empty() && op.body.is_none() && !op.params.iter().any(|p| p.location == ParamLocation::Header) {
        quote!()
    } else {
        quote!(mut)
    };
    quote! {
        #[doc = #builder_doc]
        #[derive(#derive_debug Clone)]
        #[must_use = "a request does nothing until it is sent with `.send().await`"]
        pub struct #name {
            client: crate::#client,
            #(#field_names: #field_types,)*
        }

        impl #name {
            fn new(client: crate::#client) -> Self {
                Self {
                    client,
                    #(#field_names: None,)*
                }
            }

            #(#setters)*

            #send_delegate

            #send_docs
            pub async fn #fn_name(self) -> Result<#response_ty, crate::Error> {
                const CALL: crate::client::Call = crate::client::Call {
                    operation: #op_id,
                    read_only: #read_only,
                    #authenticated
                    sensitive: #sensitive,
                };
                #destructure
                #(#unwrap_required)*
                #(#checks)*
                let #url = client.url(&[#(#segments),*]);
                let #mutable_request #request = client.request(reqwest::Method::#method, #url);
                #query_setup
                #(#headers)*
                #body
                #send_call
            }
        }

        #debug_impl
    }
}

