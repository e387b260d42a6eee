//! Operations → a method on the client and a fluent request builder each (`operations.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::checks::{as_f64, opt_f64, opt_usize, Checks};
use crate::docs::{default_line, doc_lines, lines_to_attrs};
use crate::model::{ParamLocation, PathPart, PathSegment, TypeRef};
use crate::plan::{Input, OpPlan, Plan, Shape};
use crate::rust::{ident, rust_type, types_prefix};

/// The body of `operations.rs`.
pub fn emit(plan: &Plan) -> TokenStream {
    let client = ident(&plan.client.name);
    let methods = plan.operations.iter().map(|op| client_method(plan, op));
    let checks = Checks::new(plan.api);
    let builders = plan.operations.iter().map(|op| builder(plan, &checks, op));
    quote! {
        //! One request builder per operation of the spec; start one from a client method.
        impl crate::#client {
            #(#methods)*
        }
        #(#builders)*
    }
}

fn operation_docs(op: &OpPlan) -> Vec<String> {
    let op = op.op;
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

fn client_method(_plan: &Plan, op: &OpPlan) -> TokenStream {
    let mut lines = operation_docs(op);
    lines.push(String::new());
    lines.push(format!("Set the parameters on the returned [`{}`], then call `send()`.", op.op.builder));
    lines.push(String::new());
    lines.push("# Example".to_owned());
    lines.push(String::new());
    lines.extend(op.example.doc_block());
    let docs = lines_to_attrs(&lines);
    let deprecated = op.op.deprecated.then(|| quote!(#[deprecated = "deprecated in the API spec"]));
    let name = ident(&op.op.name);
    let builder = ident(&op.op.builder);
    quote! {
        #docs
        #deprecated
        pub fn #name(&self) -> #builder {
            #builder::new(self.clone())
        }
    }
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
    let name = ident(&input.setter);
    let wire = input.wire;
    let mut checks = TokenStream::new();
    if input.limits.min_items.is_some() || input.limits.max_items.is_some() {
        let (min, max) = (opt_usize(input.limits.min_items), opt_usize(input.limits.max_items));
        checks.extend(quote!(crate::runtime::checks::check_len(CALL.operation, #wire, value.len(), #min, #max)?;));
    }
    if input.limits.minimum.is_some() || input.limits.maximum.is_some() {
        let (min, max) = (opt_f64(input.limits.minimum), opt_f64(input.limits.maximum));
        let number = as_f64(input.ty);
        checks.extend(quote!(crate::runtime::checks::check_range(CALL.operation, #wire, #number, #min, #max)?;));
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

/// A parameter value as the `&str` a query or header takes.
fn text(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String { .. } => quote!(value),
        _ => quote!(&value.to_string()),
    }
}

fn builder(plan: &Plan, nested: &Checks, op: &OpPlan) -> TokenStream {
    let prefix = types_prefix();
    let client = ident(&plan.client.name);
    let name = ident(&op.op.builder);
    let op_id = &op.op.id;
    let method_name = &op.op.name;
    let inputs = &op.inputs;

    let field_names: Vec<_> = inputs.iter().map(|i| ident(&i.setter)).collect();
    let (request, body_local) = (ident(&op.locals.request), ident(&op.locals.body));
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
    let checks: Vec<TokenStream> = inputs.iter().map(|i| limit_checks(i, nested)).collect();
    let refuses_early = inputs.iter().any(|i| i.required) || checks.iter().any(|c| !c.is_empty());

    // URL.
    let params = &op.op.params;
    let segments = op.op.path_segments.iter().map(|PathSegment::Parts(parts)| match parts.as_slice() {
        [PathPart::Literal(text)] => quote!(#text),
        [PathPart::Param(i)] => {
            let name = ident(&params[*i].name);
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
                        let name = ident(&params[*i].name);
                        args.push(quote!(#name));
                    }
                }
            }
            quote!(&format!(#format, #(#args),*))
        }
    });

    // Query string and headers, in declaration order.
    let mut edits = Vec::new();
    for p in params.iter().filter(|p| matches!(p.location, ParamLocation::Query | ParamLocation::Header)) {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let push = match (&p.ty, p.location) {
            (TypeRef::Array(item), ParamLocation::Query) if p.explode => {
                let value = text(item);
                quote!(for value in value { #request.query(#wire, #value); })
            }
            (TypeRef::Array(_), ParamLocation::Query) => quote!(#request.query(#wire, &crate::runtime::join(value));),
            (TypeRef::Array(_), _) => quote!(#request.header(#wire, crate::runtime::join(value));),
            (ty, ParamLocation::Query) => {
                let value = text(ty);
                quote!(#request.query(#wire, #value);)
            }
            _ => quote!(#request.header(#wire, value.to_string());),
        };
        edits.push(if p.required {
            quote!({ let value = &#name; #push })
        } else {
            quote!(if let Some(value) = &#name { #push })
        });
    }

    // Body.
    match (&op.op.body, op.body_fields) {
        (None, _) => {}
        (Some(body), Some(fields)) => {
            let TypeRef::Named(type_name) = &body.ty else { unreachable!("a flattened body is a named struct") };
            let type_name = ident(type_name);
            let setters = &inputs[inputs.len() - fields.len()..];
            let assigns = fields.iter().zip(setters).map(|(f, input)| {
                let field = ident(&f.name);
                let setter = ident(&input.setter);
                // Required fields were unwrapped above; the rest stay `Option`, as in the struct.
                if field == setter { quote!(#field) } else { quote!(#field: #setter) }
            });
            let construct = quote! {
                let #body_local = #prefix #type_name { #(#assigns,)* };
                #request.json(&#body_local);
            };
            edits.push(if body.required || fields.iter().any(|f| f.required && !f.nullable) {
                construct
            } else {
                let any = setters.iter().map(|s| {
                    let s = ident(&s.setter);
                    quote!(#s.is_some())
                });
                quote! {
                    if #(#any)||* {
                        #construct
                    }
                }
            });
        }
        (Some(body), None) => {
            let setter = ident(&body.setter);
            edits.push(if body.required {
                quote!(#request.json(&#setter);)
            } else {
                quote!(if let Some(value) = &#setter { #request.json(value); })
            });
        }
    }

    let (read_only, authenticated, sensitive) = (op.read_only, op.authenticated, op.sensitive);
    // `send_with_meta` (enveloped answers) or `send` holds the request code.
    let (fn_name, response_ty, send_call) = match op.shape {
        Shape::Enveloped(Some(ty)) => {
            let ty = rust_type(ty, &prefix);
            (quote!(send_with_meta), quote!(crate::ApiResponse<#ty>), quote!(client.inner.send_enveloped::<#ty>(#request).await))
        }
        Shape::Enveloped(None) => (quote!(send_with_meta), quote!(crate::ApiResponse<()>), quote!(client.inner.send_enveloped_status(#request).await)),
        Shape::Plain(ty) => {
            let ty = rust_type(ty, &prefix);
            (quote!(send), ty.clone(), quote!(client.inner.send_json::<#ty>(#request).await))
        }
        Shape::Empty => (quote!(send), quote!(()), quote!(client.inner.send_empty(#request).await)),
    };
    let send_delegate = match op.shape {
        Shape::Enveloped(data) => {
            let ty = data.map_or(quote!(()), |t| rust_type(t, &prefix));
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
        let type_name = op.op.builder.as_str();
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
    let method = format_ident!("{}", op.op.method.as_str());
    let builder_doc = format!(
        " Request builder for [`{client}::{method_name}`](crate::{client}::{method_name}): `{} {}`.",
        op.op.method.as_str(),
        op.op.path,
        client = plan.client.name,
    );
    let first_line = match op.shape {
        Shape::Enveloped(_) => "Sends the request and returns the answer's payload with the service's message and request id.",
        _ => "Sends the request and decodes the answer.",
    };
    let refusal = if plan.client.envelope.is_some() { "the service's refusal ([`Error::Api`](crate::Error::Api)) or " } else { "" };
    let mut send_lines = vec![first_line.to_owned(), String::new(), "# Errors".to_owned(), String::new()];
    if refuses_early {
        send_lines.push(format!(
            "[`Error::MissingParameter`](crate::Error::MissingParameter) or \
             [`Error::InvalidParameter`](crate::Error::InvalidParameter) before anything is sent; \
             otherwise {refusal}the transport, HTTP or decoding failure."
        ));
    } else {
        let mut line = format!("{refusal}the transport, HTTP or decoding failure.");
        line[..1].make_ascii_uppercase();
        send_lines.push(line);
    }
    let send_docs = lines_to_attrs(&send_lines);
    let destructure = if field_names.is_empty() {
        quote!(let Self { client } = self;)
    } else {
        quote!(let Self { client, #(#field_names),* } = self;)
    };
    let mutable = (!edits.is_empty()).then(|| quote!(mut));
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
                const CALL: crate::runtime::Call = crate::runtime::Call {
                    operation: #op_id,
                    read_only: #read_only,
                    authenticated: #authenticated,
                    sensitive: #sensitive,
                };
                #destructure
                #(#unwrap_required)*
                #(#checks)*
                let #mutable #request = client.inner.request(CALL, crate::runtime::Method::#method, &[#(#segments),*]);
                #(#edits)*
                #send_call
            }
        }

        #debug_impl
    }
}
