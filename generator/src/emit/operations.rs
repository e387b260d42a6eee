//! Operations → a method on the client and a fluent request builder each (`operations.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::checks::{as_f64, opt_f64, opt_usize, Checks};
use crate::docs::{default_line, doc_lines, lines_to_attrs};
use crate::model::{Answer, Api, BodyKind, TypeKind, Param, ParamLocation, ParamStyle, PathPart, PathSegment, Payload, StatusKey, TypeRef};
use crate::plan::{Carrier, Input, OpPlan, Plan, Shape};
use crate::rust::{ident, rust_type, types_prefix};

/// The body of `operations.rs`, in pieces of whole items (printed one after another, so a huge
/// spec never holds the whole file as tokens and syntax tree at once).
pub fn emit<'p>(plan: &'p Plan<'p>) -> impl Iterator<Item = TokenStream> + 'p {
    let client = ident(&plan.client.name);
    let head = quote! {
        //! One request builder per operation of the spec; start one from a client method.
    };
    let checks = Checks::new(plan.api);
    // Each operation's client method (in an `impl` block of its own) beside its builder.
    let operations = plan.operations.iter().map(move |op| {
        let method = client_method(plan, op);
        let builder = builder(plan, &checks, op);
        quote! {
            impl crate::#client {
                #method
            }
            #builder
        }
    });
    let answers = plan.operations.iter().filter_map(|op| answer_enum(plan, op));
    std::iter::once(head).chain(operations).chain(answers)
}

/// The enum of an operation's success answers, when they differ per status.
fn answer_enum(plan: &Plan, op: &OpPlan) -> Option<TokenStream> {
    let name = op.op.answer_enum.as_deref()?;
    let prefix = types_prefix();
    let variants = op.op.success.iter().map(|a| {
        let mut lines = vec![match a.status {
            StatusKey::Code(c) => format!("`{c}`"),
            StatusKey::Range(r) => format!("`{r}XX`"),
            StatusKey::Default => "`default`".to_owned(),
        }];
        if let Some(description) = &a.description {
            let text = doc_lines(description).join(" ");
            if !text.is_empty() {
                lines[0].push_str(": ");
                lines[0].push_str(&text);
            }
        }
        let docs = lines_to_attrs(&lines);
        let variant = ident(&a.variant);
        let payload = match &a.payload {
            Payload::Json(ty) => Some(rust_type(ty, &prefix)),
            Payload::Text => Some(quote!(String)),
            Payload::Binary => Some(quote!(crate::runtime::Bytes)),
            Payload::Empty => None,
        };
        match payload {
            Some(ty) => quote!(#docs #variant(#ty),),
            None => quote!(#docs #variant,),
        }
    });
    let docs = lines_to_attrs(&[format!(
        "The successful answers of [`{client}::{method}`](crate::{client}::{method}), by HTTP status.",
        client = plan.client.name,
        method = op.op.name
    )]);
    let name = ident(name);
    Some(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    })
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
    let (arg, value) = match (input.carrier, input.ty) {
        (Carrier::Blob, _) => (quote!(impl Into<crate::runtime::Blob>), quote!(value.into())),
        (Carrier::Blobs, _) => (quote!(impl IntoIterator<Item = impl Into<crate::runtime::Blob>>), quote!(value.into_iter().map(Into::into).collect())),
        (Carrier::Text, _) => (quote!(impl Into<String>), quote!(value.into())),
        (_, TypeRef::String { .. } | TypeRef::Named(_) | TypeRef::Any) => {
            let ty = rust_type(input.ty, &prefix);
            (quote!(impl Into<#ty>), quote!(value.into()))
        }
        (_, TypeRef::Array(item)) => {
            let item = rust_type(item, &prefix);
            (quote!(impl IntoIterator<Item = impl Into<#item>>), quote!(value.into_iter().map(Into::into).collect()))
        }
        (_, other) => (rust_type(other, &prefix), quote!(value)),
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
fn limit_checks(api: &Api, input: &Input, nested: &Checks) -> TokenStream {
    let name = ident(&input.setter);
    let wire = input.wire;
    let mut checks = TokenStream::new();
    if input.limits.min_items.is_some() || input.limits.max_items.is_some() {
        let (min, max) = (opt_usize(input.limits.min_items), opt_usize(input.limits.max_items));
        checks.extend(quote!(crate::runtime::checks::check_len(CALL.operation, #wire, value.len(), #min, #max)?;));
    }
    // A `$ref` to a bounded number is an alias of it.
    let number = as_f64(api.resolve(input.ty));
    if (input.limits.minimum.is_some() || input.limits.maximum.is_some()) && !number.is_empty() {
        let (min, max) = (opt_f64(input.limits.minimum), opt_f64(input.limits.maximum));
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
        let ty = match i.carrier {
            Carrier::Blob => quote!(crate::runtime::Blob),
            Carrier::Blobs => quote!(Vec<crate::runtime::Blob>),
            Carrier::Text => quote!(String),
            Carrier::Value => rust_type(i.ty, &prefix),
        };
        if i.recursive { quote!(Option<Box<#ty>>) } else { quote!(Option<#ty>) }
    });
    // Uploads may be streams, which cannot be copied.
    let clonable = inputs.iter().all(|i| matches!(i.carrier, Carrier::Value | Carrier::Text));
    let setters = inputs.iter().map(setter);

    // Required values are unwrapped first, so a missing one fails before anything is sent.
    let unwrap_required = inputs.iter().filter(|i| i.required).map(|i| {
        let name = ident(&i.setter);
        let wire = i.wire;
        quote! {
            let #name = #name.ok_or(crate::Error::MissingParameter { operation: CALL.operation, parameter: #wire })?;
        }
    });
    let checks: Vec<TokenStream> = inputs.iter().map(|i| limit_checks(plan.api, i, nested)).collect();
    let refuses_early = inputs.iter().any(|i| i.required) || checks.iter().any(|c| !c.is_empty());

    // URL.
    let params = &op.op.params;
    let segments = op.op.path_segments.iter().map(|PathSegment::Parts(parts)| match parts.as_slice() {
        [PathPart::Literal(text)] => quote!(#text),
        [PathPart::Param(i)] => {
            let value = path_value(plan.api, &params[*i]);
            quote!(&#value.to_string())
        }
        parts => {
            let mut format = String::new();
            let mut args = Vec::new();
            for part in parts {
                match part {
                    PathPart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
                    PathPart::Param(i) => {
                        format.push_str("{}");
                        args.push(path_value(plan.api, &params[*i]));
                    }
                }
            }
            quote!(&format!(#format, #(#args),*))
        }
    });

    // Query string, headers and cookies, in declaration order.
    let mut edits = Vec::new();
    for p in params.iter().filter(|p| p.location != ParamLocation::Path) {
        let name = ident(&p.name);
        let push = param_push(plan.api, p, &request);
        edits.push(if p.required {
            quote!({ let value = &#name; #push })
        } else {
            quote!(if let Some(value) = &#name { #push })
        });
    }

    // Body.
    if let Some(body) = &op.op.body {
        let choice = (!body.alternatives.is_empty()).then(|| ident(&body.choice));
        let encode = |kind: BodyKind, media: &str| -> TokenStream {
            match op.body_fields {
                Some(fields) => {
                    let setters = &inputs[inputs.len() - fields.len()..];
                    match kind {
                        BodyKind::Json => {
                            let TypeRef::Named(type_name) = &body.ty else { unreachable!("a flattened body is a named struct") };
                            let type_name = ident(type_name);
                            let assigns = fields.iter().zip(setters).map(|(f, input)| {
                                let field = ident(&f.name);
                                let setter = ident(&input.setter);
                                // Required fields were unwrapped above; the rest stay `Option`, as in
                                // the struct, but for other keys left unset: none.
                                if f.flatten && !input.required {
                                    quote!(#field: #setter.unwrap_or_default())
                                } else if field == setter {
                                    quote!(#field)
                                } else {
                                    quote!(#field: #setter)
                                }
                            });
                            let send = json_call(&request, &body_local, media);
                            quote! {
                                let #body_local = #prefix #type_name { #(#assigns,)* };
                                #send
                            }
                        }
                        _ => {
                            let pushes = setters.iter().map(|input| {
                                let setter = ident(&input.setter);
                                let push = field_push(body, kind, input, &request);
                                // (A field named `value` is bound already.)
                                match (input.required, input.setter == "value") {
                                    (true, true) => quote!({ #push }),
                                    (true, false) => quote!({ let value = #setter; #push }),
                                    (false, _) => quote!(if let Some(value) = #setter { #push }),
                                }
                            });
                            quote!(#(#pushes)*)
                        }
                    }
                }
                None => {
                    let setter = ident(&body.setter);
                    let value = format_ident!("value");
                    let send = match kind {
                        BodyKind::Json => json_call(&request, &value, media),
                        BodyKind::Form => quote!(#request.form(&#value);),
                        BodyKind::Multipart => quote!(#request.multipart(&#value);),
                        BodyKind::Binary => quote!(#request.blob(#value, #media);),
                        BodyKind::Text => quote!(#request.text(#value, #media);),
                    };
                    if body.required { quote!({ let value = #setter; #send }) } else { quote!(if let Some(value) = #setter { #send }) }
                }
            }
        };
        let default = encode(body.kind, &body.media);
        let encoded = match &choice {
            None => default,
            Some(choice) => {
                let arms = body.alternatives.iter().map(|a| {
                    let media = &a.media;
                    let code = encode(a.kind, media);
                    quote!(Some(#media) => { #code })
                });
                quote! {
                    match #choice {
                        #(#arms)*
                        _ => { #default }
                    }
                }
            }
        };
        // A flattened JSON body with no required field is sent only when one of its fields is
        // set (form and multipart fields are added one by one: none set, no body).
        let per_field = body.kind != BodyKind::Json && body.alternatives.is_empty();
        let optional_fields =
            op.body_fields.filter(|fields| !per_field && !body.required && !fields.iter().any(|f| f.required && !f.nullable));
        edits.push(match optional_fields {
            Some(fields) => {
                let any = inputs[inputs.len() - fields.len()..].iter().map(|s| {
                    let s = ident(&s.setter);
                    quote!(#s.is_some())
                });
                quote! {
                    if #(#any)||* {
                        #encoded
                    }
                }
            }
            None => encoded,
        });
    }

    let (read_only, authenticated, sensitive) = (op.read_only, op.authenticated, op.sensitive);
    let declared_errors: Vec<&Answer> = op.op.errors.iter().filter(|a| matches!(a.payload, Payload::Json(_))).collect();
    let error_arms = |streaming: bool| -> Vec<TokenStream> {
        declared_errors
            .iter()
            .map(|a| {
                let Payload::Json(ty) = &a.payload else { unreachable!("filtered above") };
                let ty = rust_type(ty, &prefix);
                let error = if streaming { quote!(answer.error::<#ty>()) } else { quote!(Err(answer.error::<#ty>())) };
                let pattern = status_pattern(a.status);
                quote!(#pattern => #error,)
            })
            .collect()
    };
    let catch_all = |streaming: bool| -> TokenStream {
        let unexpected = if streaming { quote!(answer.unexpected()) } else { quote!(Err(answer.unexpected())) };
        if declared_errors.iter().any(|a| a.status == StatusKey::Default) { quote!() } else { quote!(_ => #unexpected,) }
    };
    let arms = error_arms(false);
    let rest = catch_all(false);
    let with_meta = |value: TokenStream| quote!(Ok(answer.with_meta(#value)));
    // `send_with_meta` holds the call; `send` returns only the payload.
    let (meta_ty, payload_ty, send_call) = match op.shape {
        Shape::Enveloped(data) => {
            let payload = data.map_or(quote!(()), |t| rust_type(t, &prefix));
            let call = match (data, declared_errors.is_empty()) {
                (Some(_), true) => quote!(client.inner.send_enveloped::<#payload>(#request).await),
                (None, true) => quote!(client.inner.send_enveloped_status(#request).await),
                (data, false) => {
                    let decode = if data.is_some() { quote!(answer.enveloped::<#payload>()) } else { quote!(answer.enveloped_status()) };
                    quote!(client.inner.send_with(#request, |answer| match answer.status() { #(#arms)* _ => #decode }).await)
                }
            };
            (quote!(crate::runtime::ApiResponse<#payload>), payload, call)
        }
        _ => {
            let (payload, success) = match op.shape {
                Shape::Plain(ty) => {
                    let ty = rust_type(ty, &prefix);
                    let arm = quote!(200..=299 => answer.json::<#ty>().map(|data| answer.with_meta(data)),);
                    (ty, arm)
                }
                Shape::Text => (quote!(String), { let v = with_meta(quote!(answer.text())); quote!(200..=299 => #v,) }),
                Shape::Binary => (quote!(crate::runtime::Bytes), { let v = with_meta(quote!(answer.bytes())); quote!(200..=299 => #v,) }),
                Shape::Answers(enum_name) => {
                    let enum_ident = ident(enum_name);
                    let arms = op.op.success.iter().map(|a| {
                        let variant = ident(&a.variant);
                        let value = match &a.payload {
                            Payload::Json(ty) => {
                                let ty = rust_type(ty, &prefix);
                                quote!(#enum_ident::#variant(answer.json::<#ty>()?))
                            }
                            Payload::Text => quote!(#enum_ident::#variant(answer.text())),
                            Payload::Binary => quote!(#enum_ident::#variant(answer.bytes())),
                            Payload::Empty => quote!(#enum_ident::#variant),
                        };
                        let pattern = status_pattern(a.status);
                        let v = with_meta(value);
                        quote!(#pattern => #v,)
                    });
                    (quote!(#enum_ident), quote!(#(#arms)*))
                }
                _ => (quote!(()), { let v = with_meta(quote!(())); quote!(200..=299 => #v,) }),
            };
            let call = quote!(client.inner.send_with(#request, |answer| match answer.status() { #success #(#arms)* #rest }).await);
            (quote!(crate::runtime::Response<#payload>), payload, call)
        }
    };
    let streaming = (op.shape == Shape::Binary).then(|| {
        let arms = error_arms(true);
        let rest = catch_all(true);
        let on_error = if arms.is_empty() { quote!(|answer| answer.unexpected()) } else { quote!(|answer| match answer.status() { #(#arms)* #rest }) };
        let docs = lines_to_attrs(&[
            "Sends the request and returns the answer without reading its body, to read it as a stream (downloads).".to_owned(),
            String::new(),
            "# Errors".to_owned(),
            String::new(),
            "As [`Self::send_with_meta`]; reading the body may fail later.".to_owned(),
        ]);
        quote! {
            #docs
            pub async fn send_streaming(self) -> Result<crate::runtime::Download, crate::Error> {
                let (client, #request) = self.into_request()?;
                client.inner.send_streaming(#request, #on_error).await
            }
        }
    });
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
    let derive_clone = clonable.then(|| quote!(Clone));
    let method = format_ident!("{}", op.op.method.as_str());
    let builder_doc = format!(
        " Request builder for [`{client}::{method_name}`](crate::{client}::{method_name}): `{} {}`.",
        op.op.method.as_str(),
        op.op.path,
        client = plan.client.name,
    );
    let mut meta_lines = match op.shape {
        Shape::Enveloped(_) => vec!["Sends the request and returns the answer's payload with the service's message and request id, the HTTP status and headers.".to_owned()],
        _ => vec!["Sends the request and returns the decoded answer with its HTTP status and headers.".to_owned()],
    };
    if !op.op.response_headers.is_empty() {
        meta_lines.push(String::new());
        meta_lines.push("The API declares these answer headers:".to_owned());
        for h in &op.op.response_headers {
            let description = h.description.as_deref().map(|d| doc_lines(d).join(" ")).filter(|d| !d.is_empty());
            meta_lines.push(match description {
                Some(d) => format!("- `{}`: {d}", h.name),
                None => format!("- `{}`", h.name),
            });
        }
    }
    let refusal = if plan.client.envelope.is_some() { "the service's refusal ([`Error::Api`](crate::Error::Api)) or " } else { "" };
    meta_lines.extend([String::new(), "# Errors".to_owned(), String::new()]);
    if refuses_early {
        meta_lines.push(format!(
            "[`Error::MissingParameter`](crate::Error::MissingParameter) or \
             [`Error::InvalidParameter`](crate::Error::InvalidParameter) before anything is sent; \
             otherwise {refusal}the transport, HTTP or decoding failure."
        ));
    } else {
        let mut line = format!("{refusal}the transport, HTTP or decoding failure.");
        line[..1].make_ascii_uppercase();
        meta_lines.push(line);
    }
    if !declared_errors.is_empty() {
        meta_lines.push(String::new());
        meta_lines.push(
            "Error answers the API declares become [`Error::Response`](crate::Error::Response), whose \
             `details::<T>()` is the decoded body (when the body does not fit, [`Error::Http`](crate::Error::Http) keeps it):"
                .to_owned(),
        );
        for a in &declared_errors {
            let Payload::Json(ty) = &a.payload else { continue };
            let status = match a.status {
                StatusKey::Code(c) => format!("`{c}`"),
                StatusKey::Range(r) => format!("`{r}XX`"),
                StatusKey::Default => "any other status".to_owned(),
            };
            meta_lines.push(format!("- {status}: {}", type_doc(ty)));
        }
    }
    let meta_docs = lines_to_attrs(&meta_lines);
    let choice_field = op.op.body.as_ref().filter(|b| !b.alternatives.is_empty()).map(|b| ident(&b.choice));
    let (choice_decl, choice_init) = match &choice_field {
        Some(choice) => (quote!(#choice: Option<&'static str>,), quote!(#choice: None,)),
        None => (quote!(), quote!()),
    };
    let choice_name = choice_field.iter();
    let destructure = quote!(let Self { client, #(#choice_name,)* #(#field_names),* } = self;);
    let alternatives = op.op.body.iter().flat_map(|b| b.alternatives.iter().map(move |a| (b, a))).map(|(b, a)| {
        let method = ident(&a.method);
        let choice = ident(&b.choice);
        let media = &a.media;
        let docs = lines_to_attrs(&[format!("Sends the body as `{media}` instead of `{}`.", b.media)]);
        quote! {
            #docs
            pub fn #method(mut self) -> Self {
                self.#choice = Some(#media);
                self
            }
        }
    });
    let mutable = (!edits.is_empty()).then(|| quote!(mut));
    quote! {
        #[doc = #builder_doc]
        #[derive(#derive_debug #derive_clone)]
        #[must_use = "a request does nothing until it is sent with `.send().await`"]
        pub struct #name {
            client: crate::#client,
            #choice_decl
            #(#field_names: #field_types,)*
        }

        impl #name {
            fn new(client: crate::#client) -> Self {
                Self {
                    client,
                    #choice_init
                    #(#field_names: None,)*
                }
            }

            #(#setters)*

            #(#alternatives)*

            /// Sends the request and returns the answer's payload.
            ///
            /// # Errors
            ///
            /// As [`Self::send_with_meta`].
            pub async fn send(self) -> Result<#payload_ty, crate::Error> {
                self.send_with_meta().await.map(|answer| answer.data)
            }

            #meta_docs
            pub async fn send_with_meta(self) -> Result<#meta_ty, crate::Error> {
                let (client, #request) = self.into_request()?;
                #send_call
            }

            #streaming

            /// The request to send: required inputs and declared bounds checked, everything encoded.
            fn into_request(self) -> Result<(crate::#client, crate::runtime::Request), crate::Error> {
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
                Ok((client, #request))
            }
        }

        #debug_impl
    }
}

/// The match pattern of a status.
fn status_pattern(status: StatusKey) -> TokenStream {
    match status {
        StatusKey::Code(c) => {
            let c = proc_macro2::Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        StatusKey::Range(r) => {
            let (low, high) = (proc_macro2::Literal::u16_unsuffixed(r * 100), proc_macro2::Literal::u16_unsuffixed(r * 100 + 100));
            quote!(status if (#low..#high).contains(&status))
        }
        StatusKey::Default => quote!(_),
    }
}

/// How the docs name a type: a link for named types.
fn type_doc(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("[`{name}`](crate::types::{name})"),
        other => format!("`{}`", rust_type(other, &types_prefix()).to_string().replace(' ', "")),
    }
}

/// An expression for a path parameter's text (something `Display`).
fn path_value(api: &Api, p: &Param) -> TokenStream {
    let name = ident(&p.name);
    let wire = &p.wire_name;
    let explode = p.explode;
    // `is_struct_like` holds for lists too: only single values are written with `Display`.
    let single = !is_struct_like(api, &p.ty) && p.style != ParamStyle::Json;
    match p.style {
        ParamStyle::Label if single => quote!(format!(".{}", #name)),
        ParamStyle::Matrix if single => quote!(format!(";{}={}", #wire, #name)),
        ParamStyle::Label => quote!(crate::runtime::label_text(&#name, #explode)),
        ParamStyle::Matrix => quote!(crate::runtime::matrix_text(#wire, &#name, #explode)),
        _ if single => quote!(#name),
        ParamStyle::Json => quote!(crate::runtime::style_text(&#name, crate::runtime::Style::Json, #explode)),
        _ => match &p.ty {
            TypeRef::Array(item) if !is_struct_like(api, item) => quote!(crate::runtime::join(&#name)),
            _ => quote!(crate::runtime::style_text(&#name, crate::runtime::Style::Simple, #explode)),
        },
    }
}

/// The runtime's `Style` for a parameter or field style.
fn runtime_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form | ParamStyle::Label | ParamStyle::Matrix => quote!(crate::runtime::Style::Form),
        ParamStyle::SpaceDelimited => quote!(crate::runtime::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(crate::runtime::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(crate::runtime::Style::DeepObject),
        ParamStyle::Simple => quote!(crate::runtime::Style::Simple),
        ParamStyle::Json => quote!(crate::runtime::Style::Json),
    }
}

/// Adds a query, header or cookie parameter's `value` (a reference) to the request.
fn param_push(api: &Api, p: &Param, request: &proc_macro2::Ident) -> TokenStream {
    let wire = &p.wire_name;
    let explode = p.explode;
    let style = runtime_style(p.style);
    let scalar = !is_struct_like(api, &p.ty) && p.style != ParamStyle::Json;
    match p.location {
        ParamLocation::Query if scalar => {
            let value = text(&p.ty);
            quote!(#request.query(#wire, #value);)
        }
        ParamLocation::Query => match (&p.ty, p.style, explode) {
            (TypeRef::Array(item), ParamStyle::Form, true) if !is_struct_like(api, item) => {
                let value = text(item);
                quote!(for value in value { #request.query(#wire, #value); })
            }
            (TypeRef::Array(item), ParamStyle::Form, false) if !is_struct_like(api, item) => quote!(#request.query(#wire, &crate::runtime::join(value));),
            _ => quote!(#request.query_value(#wire, value, #style, #explode);),
        },
        ParamLocation::Header if scalar => quote!(#request.header(#wire, value.to_string());),
        ParamLocation::Header => match &p.ty {
            TypeRef::Array(item) if p.style == ParamStyle::Simple && !is_struct_like(api, item) => quote!(#request.header(#wire, crate::runtime::join(value));),
            _ => quote!(#request.header_value(#wire, value, #style, #explode);),
        },
        ParamLocation::Cookie if scalar => {
            let value = text(&p.ty);
            quote!(#request.cookie(#wire, #value);)
        }
        ParamLocation::Cookie | ParamLocation::Path => quote!(#request.cookie_value(#wire, value, #style, #explode);),
    }
}

/// A value that is written through serde, not `Display`: anything but strings, numbers,
/// booleans, enums and aliases of those.
fn is_struct_like(api: &Api, ty: &TypeRef) -> bool {
    match api.resolve(ty) {
        TypeRef::String { .. } | TypeRef::Integer { .. } | TypeRef::Number { .. } | TypeRef::Boolean => false,
        TypeRef::Named(name) => !matches!(api.type_def(name).map(|t| &t.kind), Some(TypeKind::Enum(_) | TypeKind::NumberEnum { .. })),
        _ => true,
    }
}

/// Adds a form or multipart body field's `value` (owned) to the request.
fn field_push(body: &crate::model::Body, kind: BodyKind, input: &Input, request: &proc_macro2::Ident) -> TokenStream {
    let wire = input.wire;
    let encoding = body.encodings.iter().find(|e| e.property == wire);
    let content_type = match encoding.and_then(|e| e.content_type.as_deref()) {
        Some(ct) => quote!(Some(#ct)),
        None => quote!(None),
    };
    match (kind, input.carrier) {
        (BodyKind::Multipart, Carrier::Blob) => quote!(#request.part_blob(#wire, value, #content_type);),
        (BodyKind::Multipart, Carrier::Blobs) => quote!(for blob in value { #request.part_blob(#wire, blob, #content_type); }),
        (BodyKind::Multipart, _) => quote!(#request.part(#wire, &value, #content_type);),
        _ => {
            let (style, explode) = encoding.map_or((ParamStyle::Form, true), |e| (e.style, e.explode));
            let style = runtime_style(style);
            quote!(#request.form_field(#wire, &value, #style, #explode);)
        }
    }
}

/// Sends `value` (a reference or owned value) as the JSON body with `media` as content type.
fn json_call(request: &proc_macro2::Ident, value: &proc_macro2::Ident, media: &str) -> TokenStream {
    if media == "application/json" { quote!(#request.json(&#value);) } else { quote!(#request.json_as(&#value, #media);) }
}
