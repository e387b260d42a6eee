//! Paged operations and batched lists, as the config declares them (`paging`, `batches`): more
//! methods on those operations' request builders, appended to `operations.rs`.
//!
//! - `pages()` / `into_stream()` walk the pages of a paged operation, one request at a time;
//! - `send_all()` splits a list input longer than the API takes into several requests and joins
//!   the answers' lists in order.
//!
//! Which operation, which inputs and which payload fields take part comes from the config,
//! resolved here against the model (a wrong path is a config error naming it); nothing about any
//! one API is written in this file.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::lines_to_attrs;
use super::operations::{inputs, shape, types_prefix, Input, Shape};
use super::types::{derives_default, ident, rust_type};
use crate::config::{Batch, Config, Paging};
use crate::error::Error;
use crate::model::{Api, Field, Limits, Operation, TypeKind, TypeRef};

/// The builder methods emitted here: an input of the same name would collide with one.
const METHODS: [&str; 3] = ["pages", "into_stream", "send_all"];

/// The `impl` blocks of every paged and batched operation, in spec order.
pub fn emit(api: &Api, config: &Config) -> Result<TokenStream, Error> {
    for (i, paging) in config.paging.iter().enumerate() {
        find_operation(api, &paging.operation).map_err(|m| refuse("paging", i, &paging.operation, m))?;
    }
    for (i, batch) in config.batches.iter().enumerate() {
        find_operation(api, &batch.operation).map_err(|m| refuse("batches", i, &batch.operation, m))?;
    }
    let mut out = TokenStream::new();
    for op in &api.operations {
        if let Some((i, paging)) = config.paging.iter().enumerate().find(|(_, p)| p.operation == op.id) {
            out.extend(paged(api, config, op, paging).map_err(|m| refuse("paging", i, &op.id, m))?);
        }
        if let Some((i, batch)) = config.batches.iter().enumerate().find(|(_, b)| b.operation == op.id) {
            out.extend(batched(api, config, op, batch).map_err(|m| refuse("batches", i, &op.id, m))?);
        }
    }
    Ok(out)
}

fn refuse(section: &str, index: usize, operation: &str, message: String) -> Error {
    Error::Config {
        path: section.into(),
        message: format!("{section}[{index}] (operation {operation:?}): {message}"),
    }
}

fn find_operation<'a>(api: &'a Api, id: &str) -> Result<&'a Operation, String> {
    api.operations
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(|| format!("{id:?} is not an operationId of the spec"))
}

/// One step of a path: the builder's input first, then a field of the value before it.
struct Step<'a> {
    /// The Rust name of the builder field or struct field.
    field: String,
    /// Its wire name, for messages.
    wire: &'a str,
    /// Held as `Option` (builder fields always are).
    optional: bool,
    /// Its type, without that `Option`.
    ty: &'a TypeRef,
    /// Bounds declared on it.
    limits: &'a Limits,
}

/// The type behind any aliases.
fn resolve<'a>(api: &'a Api, mut ty: &'a TypeRef) -> &'a TypeRef {
    // Bounded: an alias cycle cannot be followed forever.
    for _ in 0..=api.types.len() {
        let TypeRef::Named(name) = ty else { break };
        match api.types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Alias(target)) => ty = target,
            _ => break,
        }
    }
    ty
}

fn object_fields<'a>(api: &'a Api, ty: &'a TypeRef) -> Option<&'a [Field]> {
    let TypeRef::Named(name) = resolve(api, ty) else { return None };
    api.types.iter().find(|t| &t.name == name).and_then(|t| match &t.kind {
        TypeKind::Struct(fields) => Some(fields.as_slice()),
        _ => None,
    })
}

/// Follows `segments` (wire names) through the fields of `start`, named `start_label`.
fn walk<'a>(api: &'a Api, start: &'a TypeRef, start_label: &'a str, segments: &[&str], key: &str, path: &str) -> Result<Vec<Step<'a>>, String> {
    let mut steps: Vec<Step<'a>> = Vec::new();
    for segment in segments {
        let (ty, label) = steps.last().map_or((start, start_label), |s| (s.ty, s.wire));
        let fields = object_fields(api, ty).ok_or_else(|| format!("{key} {path:?}: {label} is not an object, so it has no field {segment:?}"))?;
        let field = fields.iter().find(|f| f.wire_name == *segment).ok_or_else(|| {
            let known: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
            format!("{key} {path:?}: {label} has no field {segment:?} (it has: {})", known.join(", "))
        })?;
        steps.push(Step {
            field: field.name.clone(),
            wire: &field.wire_name,
            optional: !field.required || field.nullable,
            ty: &field.ty,
            limits: &field.limits,
        });
    }
    Ok(steps)
}

/// A path starting at one of the builder's inputs (`options.pagination.page`).
fn input_path<'a>(api: &'a Api, inputs: &[Input<'a>], key: &str, path: &str) -> Result<Vec<Step<'a>>, String> {
    let segments: Vec<&str> = path.split('.').collect();
    let input = inputs.iter().find(|i| i.wire == segments[0]).ok_or_else(|| {
        let known: Vec<&str> = inputs.iter().map(|i| i.wire).collect();
        format!(
            "{key} {path:?}: {:?} is not a parameter or body field of the operation (it has: {})",
            segments[0],
            known.join(", ")
        )
    })?;
    let mut steps = vec![Step {
        field: input.setter.clone(),
        wire: input.wire,
        optional: true,
        ty: input.ty,
        limits: input.limits,
    }];
    steps.extend(walk(api, input.ty, input.wire, &segments[1..], key, path)?);
    // Values on the way that may be unset are filled in with their defaults.
    for step in &steps[..steps.len() - 1] {
        if let TypeRef::Named(name) = step.ty
            && step.optional
            && !derives_default(api, name)
        {
            return Err(format!(
                "{key} {path:?}: {} may be unset, and its type {name} has required fields without defaults, so it cannot be filled in",
                step.wire
            ));
        }
    }
    Ok(steps)
}

/// The Rust integer type of a path's last step, or why it is not one.
fn integer(api: &Api, steps: &[Step], key: &str, path: &str) -> Result<(TokenStream, bool), String> {
    match resolve(api, steps.last().expect("a path has a step").ty) {
        ty @ TypeRef::Integer { int32 } => Ok((rust_type(ty, &types_prefix()), *int32)),
        _ => Err(format!("{key} {path:?} is not an integer")),
    }
}

/// A whole number from a bound or the config, as a literal of the leaf's integer type.
fn whole(value: f64, int32: bool, what: &str) -> Result<Literal, String> {
    let max = if int32 { f64::from(i32::MAX) } else { 9_007_199_254_740_992.0 };
    if value.fract() != 0.0 || value < 0.0 || value > max {
        return Err(format!("{what} {value} is not a whole number this integer can hold"));
    }
    // Checked above: whole, non-negative, within range.
    Ok(Literal::u64_unsuffixed(value as u64))
}

/// The place of a path's last step read from `base`: `(expression, is_option)`. With no
/// optional step on the way the expression is the place itself (`payload.list`), otherwise an
/// `Option<&Leaf>`.
fn read_ref(base: TokenStream, steps: &[Step]) -> (TokenStream, bool) {
    let mut expr = base;
    let mut option = false;
    for step in steps {
        let field = ident(&step.field);
        expr = match (option, step.optional) {
            (false, false) => quote!(#expr.#field),
            (false, true) => {
                option = true;
                quote!(#expr.#field.as_ref())
            }
            (true, false) => quote!(#expr.map(|v| &v.#field)),
            (true, true) => quote!(#expr.and_then(|v| v.#field.as_ref())),
        };
    }
    (expr, option)
}

/// `Option<Leaf>` of an integer path from `base`.
fn read_copy(base: TokenStream, steps: &[Step]) -> TokenStream {
    if let [only] = steps {
        let field = ident(&only.field);
        return quote!(#base.#field);
    }
    match read_ref(base, steps) {
        (expr, true) => quote!(#expr.copied()),
        (expr, false) => quote!(Some(#expr)),
    }
}

/// The value of a path's last step taken out of `base` (moved): `(expression, is_option)`.
fn read_owned(base: TokenStream, steps: &[Step]) -> (TokenStream, bool) {
    let mut expr = base;
    let mut option = false;
    for step in steps {
        let field = ident(&step.field);
        expr = match (option, step.optional) {
            (false, _) => {
                option = step.optional;
                quote!(#expr.#field)
            }
            (true, false) => quote!(#expr.map(|v| v.#field)),
            (true, true) => quote!(#expr.and_then(|v| v.#field)),
        };
    }
    (expr, option)
}

/// Sets a path's last step (filling in unset values on the way) in `target` to `value`.
fn write(target: TokenStream, steps: &[Step], value: TokenStream) -> TokenStream {
    let (leaf, way) = steps.split_last().expect("a path has a step");
    let leaf_field = ident(&leaf.field);
    let leaf_value = if leaf.optional { quote!(Some(#value)) } else { value };
    if way.is_empty() {
        return quote!(#target.#leaf_field = #leaf_value;);
    }
    let lets = way.iter().enumerate().map(|(i, step)| {
        let field = ident(&step.field);
        let from = if i == 0 { target.clone() } else { quote!(v) };
        if step.optional {
            quote!(let v = #from.#field.get_or_insert_with(Default::default);)
        } else {
            quote!(let v = &mut #from.#field;)
        }
    });
    quote! {
        {
            #(#lets)*
            v.#leaf_field = #leaf_value;
        }
    }
}

/// The answer's payload type, as `send()` returns it.
fn payload(api: &Api, config: &Config, op: &Operation) -> Result<TypeRef, String> {
    match shape(api, config, op) {
        Shape::Enveloped(Some(ty)) | Shape::Plain(ty) => Ok(ty),
        _ => Err("its answer has no JSON payload".to_owned()),
    }
}

fn check_names(inputs: &[Input], methods: &[&str]) -> Result<(), String> {
    match inputs.iter().find(|i| methods.contains(&i.setter.as_str())) {
        Some(input) => Err(format!("its input {:?} has the builder method name {:?}", input.wire, input.setter)),
        None => Ok(()),
    }
}

/// A `no_run` example calling `method` on the operation's builder.
fn example(config: &Config, op: &Operation, params: &str, body: &[&str]) -> Vec<String> {
    let krate = config.crate_ident();
    let client = &config.client_name;
    let mut lines = vec![
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!("# async fn run(client: {krate}::{client}{params}) -> Result<(), {krate}::Error> {{"),
    ];
    lines.extend(body.iter().map(|line| line.replace("{op}", &op.name)));
    lines.extend(["# Ok(())", "# }", "```"].map(str::to_owned));
    lines
}

fn paged(api: &Api, config: &Config, op: &Operation, paging: &Paging) -> Result<TokenStream, String> {
    let (inputs, _) = inputs(api, op);
    check_names(&inputs, &METHODS[..2])?;
    let page = input_path(api, &inputs, "page", &paging.page)?;
    let limit = input_path(api, &inputs, "limit", &paging.limit)?;
    let (page_ty, page_int32) = integer(api, &page, "page", &paging.page)?;
    let (limit_ty, limit_int32) = integer(api, &limit, "limit", &paging.limit)?;
    let first_page = page.last().and_then(|s| s.limits.minimum).unwrap_or(1.0);
    let first_literal = whole(first_page, page_int32, "the page's minimum")?;
    let size = match (paging.page_size, limit.last().and_then(|s| s.limits.maximum)) {
        (Some(size), _) => f64::from(size),
        (None, Some(max)) => max,
        (None, None) => {
            return Err(format!("limit {:?} declares no maximum: set page-size", paging.limit));
        }
    };
    let size_literal = whole(size, limit_int32, "the page size")?;
    if size < 1.0 {
        return Err(format!("the page size {size} is less than 1"));
    }

    let payload_ty = payload(api, config, op)?;
    let payload_label = "the answer's payload";
    let items_segments: Vec<&str> = paging.items.split('.').collect();
    let items = walk(api, &payload_ty, payload_label, &items_segments, "items", &paging.items)?;
    let TypeRef::Array(item_ty) = resolve(api, items.last().expect("a path has a step").ty) else {
        return Err(format!("items {:?} is not a list", paging.items));
    };
    let total = match &paging.total {
        Some(path) => {
            let segments: Vec<&str> = path.split('.').collect();
            let steps = walk(api, &payload_ty, payload_label, &segments, "total", path)?;
            integer(api, &steps, "total", path)?;
            Some(steps)
        }
        None => None,
    };

    let prefix = types_prefix();
    let builder = ident(&op.builder);
    let payload_rust = rust_type(&payload_ty, &prefix);
    let item_rust = rust_type(item_ty, &prefix);
    let read_page = read_copy(quote!(self), &page);
    let read_limit = read_copy(quote!(self), &limit);
    let set_page = write(quote!(next), &page, quote!(page));
    let set_limit = write(quote!(next), &limit, quote!(limit));
    let count = match read_ref(quote!(payload), &items) {
        (expr, true) => quote!(#expr.map_or(0, |items| items.len())),
        (expr, false) => quote!(#expr.len()),
    };
    let more = total.as_ref().map(|steps| match read_ref(quote!(payload), steps) {
        (expr, true) => quote!(#expr.copied().is_none_or(|total| usize::try_from(total).is_ok_and(|total| seen < total))),
        (expr, false) => quote!(usize::try_from(#expr).is_ok_and(|total| seen < total)),
    });
    let then = match more {
        Some(more) => quote! {
            let more = #more;
            Some((Ok(payload), more.then_some((request, page + 1, seen))))
        },
        None => quote!(Some((Ok(payload), Some((request, page + 1, seen))))),
    };
    let offset = if first_page == 0.0 { quote!(first) } else { quote!(first - #first_literal) };
    let take_items = match read_owned(quote!(payload), &items) {
        (expr, true) => quote!(#expr.unwrap_or_default()),
        (expr, false) => expr,
    };

    let stop = match &paging.total {
        Some(total) => format!("after a page that comes back empty, or once `{total}` items (as the last page says) came back"),
        None => "after a page that comes back empty".to_owned(),
    };
    let mut pages_lines = vec![
        "Every page of the answer: one request per page, each sent only when the stream is polled past the page before.".to_owned(),
        String::new(),
        format!(
            "Asks for page {first_literal} (or `{}` as set), then the pages after it, with `{}` {size_literal} \
             (or as set). Stops {stop}. A failure, including an input refused before sending, is the last item.",
            paging.page, paging.limit
        ),
    ];
    pages_lines.extend(example(
        config,
        op,
        "",
        &[
            "use futures_util::TryStreamExt as _;",
            "",
            "let mut pages = client.{op}().pages();",
            "let mut count = 0;",
            "while let Some(_page) = pages.try_next().await? {",
            "    count += 1;",
            "}",
            "println!(\"{count} pages\");",
        ],
    ));
    let pages_docs = lines_to_attrs(&pages_lines);
    let mut stream_lines = vec![
        format!("Every item of every page (`{}` of each [`Self::pages`]), in order.", paging.items),
        String::new(),
        "Holds one page at a time: the next page is asked for once every item of the one before was taken. \
         A failure is the last item."
            .to_owned(),
    ];
    stream_lines.extend(example(
        config,
        op,
        "",
        &[
            "use futures_util::TryStreamExt as _;",
            "",
            "let all: Vec<_> = client.{op}().into_stream().try_collect().await?;",
            "println!(\"{} items\", all.len());",
        ],
    ));
    let stream_docs = lines_to_attrs(&stream_lines);

    Ok(quote! {
        impl #builder {
            #pages_docs
            pub fn pages(self) -> impl futures_core::Stream<Item = Result<#payload_rust, crate::Error>> + Send + Unpin + 'static {
                let first: #page_ty = #read_page.unwrap_or(#first_literal);
                let limit: #limit_ty = #read_limit.unwrap_or(#size_literal);
                // Pages before the first one asked for count as full ones.
                let skipped = usize::try_from(#offset)
                    .unwrap_or(0)
                    .saturating_mul(usize::try_from(limit).unwrap_or(0));
                // The request as the caller set it, the next page number, the items so far;
                // `None` once done.
                let start = Some((self, first, skipped));
                let pages = futures_util::stream::unfold(start, move |state| async move {
                    let (request, page, seen) = state?;
                    let mut next = request.clone();
                    #set_page
                    #set_limit
                    match next.send().await {
                        Err(error) => Some((Err(error), None)),
                        Ok(payload) => {
                            let count = #count;
                            if count == 0 {
                                return None;
                            }
                            let seen = seen + count;
                            #then
                        }
                    }
                });
                // Fused: polling again after the end is `None`, not a panic.
                Box::pin(futures_util::StreamExt::fuse(pages))
            }

            #stream_docs
            pub fn into_stream(self) -> impl futures_core::Stream<Item = Result<#item_rust, crate::Error>> + Send + Unpin + 'static {
                let pages = futures_util::TryStreamExt::map_ok(self.pages(), |payload| {
                    futures_util::stream::iter(#take_items.into_iter().map(Ok))
                });
                futures_util::TryStreamExt::try_flatten(pages)
            }
        }
    })
}

fn batched(api: &Api, config: &Config, op: &Operation, batch: &Batch) -> Result<TokenStream, String> {
    let (inputs, _) = inputs(api, op);
    check_names(&inputs, &METHODS[2..])?;
    let input = inputs.iter().find(|i| i.wire == batch.parameter).ok_or_else(|| {
        let known: Vec<&str> = inputs.iter().map(|i| i.wire).collect();
        format!("{:?} is not a parameter or body field of the operation (it has: {})", batch.parameter, known.join(", "))
    })?;
    if input.recursive || !matches!(resolve(api, input.ty), TypeRef::Array(_)) {
        return Err(format!("parameter {:?} is not a list", batch.parameter));
    }
    let size = match (batch.size, input.limits.max_items) {
        (Some(size), Some(max)) if size as usize > max => {
            return Err(format!("size {size} is more than the {max} values parameter {:?} takes (maxItems)", batch.parameter));
        }
        (Some(size), _) => size as usize,
        (None, Some(max)) => max,
        (None, None) => return Err(format!("parameter {:?} declares no maxItems: set size", batch.parameter)),
    };
    if size == 0 {
        return Err(format!("parameter {:?} takes no values (maxItems 0)", batch.parameter));
    }
    let payload_ty = payload(api, config, op)?;
    let TypeRef::Array(answer_item) = resolve(api, &payload_ty) else {
        return Err("its answer's payload is not a list, so answers cannot be joined".to_owned());
    };
    let TypeRef::Array(value_item) = resolve(api, input.ty) else { unreachable!("checked above") };

    let prefix = types_prefix();
    let builder = ident(&op.builder);
    let field = ident(&input.setter);
    let answer_rust = rust_type(answer_item, &prefix);
    let size_literal = Literal::usize_unsuffixed(size);
    let wire = input.wire;
    let value_doc = rust_type(value_item, &quote!(crate_path::types::))
        .to_string()
        .replace(' ', "")
        .replace("crate_path", &config.crate_ident());
    let mut lines = vec![
        format!(
            "Sends the request as several requests of at most {size} `{wire}` values each, one after another, \
             and joins their answers' lists in request order."
        ),
        String::new(),
        format!("With at most {size} values (or none) this is [`Self::send`]."),
        String::new(),
        "# Errors".to_owned(),
        String::new(),
        "As [`Self::send`]; the first failure ends it, and the answers before it are dropped.".to_owned(),
    ];
    lines.extend(example(
        config,
        op,
        &format!(", values: Vec<{value_doc}>"),
        &[
            &format!("let all = client.{{op}}().{}(values).send_all().await?;", input.setter),
            "println!(\"{} answers\", all.len());",
        ],
    ));
    let docs = lines_to_attrs(&lines);
    Ok(quote! {
        impl #builder {
            #docs
            pub async fn send_all(mut self) -> Result<Vec<#answer_rust>, crate::Error> {
                match self.#field.take() {
                    Some(values) if values.len() > #size_literal => {
                        let mut all = Vec::with_capacity(values.len());
                        for chunk in values.chunks(#size_literal) {
                            let mut request = self.clone();
                            request.#field = Some(chunk.to_vec());
                            all.extend(request.send().await?);
                        }
                        Ok(all)
                    }
                    values => {
                        self.#field = values;
                        self.send().await
                    }
                }
            }
        }
    })
}
