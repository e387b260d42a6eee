//! Paged operations and batched lists (`plan::PagingPlan`, `plan::BatchPlan`): more methods on
//! those operations' request builders, appended to `operations.rs`.
//!
//! - `pages()` / `into_stream()` walk the pages of a paged operation, one request at a time;
//! - `send_all()` splits a list input longer than the API takes into several requests and joins
//!   the answers' lists in order.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::docs::lines_to_attrs;
use crate::plan::{Answers, BatchPlan, OpPlan, PagingPlan, Plan, Step};
use crate::rust::{ident, rust_type, types_prefix};

/// The `impl` blocks of every paged and batched operation, in spec order.
pub fn emit(plan: &Plan) -> TokenStream {
    let mut out = TokenStream::new();
    for op in &plan.operations {
        if let Some(paging) = &op.paging {
            out.extend(paged(plan, op, paging));
        }
        if let Some(batch) = &op.batch {
            out.extend(batched(plan, op, batch));
        }
    }
    out
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

/// A `no_run` example calling `method` on the operation's builder.
fn example(plan: &Plan, op: &OpPlan, params: &str, body: &[&str]) -> Vec<String> {
    let krate = &plan.krate.ident;
    let client = &plan.client.name;
    let mut lines = vec![
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!("# async fn run(client: {krate}::{client}{params}) -> Result<(), {krate}::Error> {{"),
    ];
    lines.extend(body.iter().map(|line| line.replace("{op}", &op.op.name)));
    lines.extend(["# Ok(())", "# }", "```"].map(str::to_owned));
    lines
}

fn paged(plan: &Plan, op: &OpPlan, paging: &PagingPlan) -> TokenStream {
    let prefix = types_prefix();
    let builder = ident(&op.op.builder);
    let payload_rust = rust_type(&paging.payload, &prefix);
    let item_rust = rust_type(&paging.item, &prefix);
    let page_ty = rust_type(&paging.page_ty, &prefix);
    let limit_ty = rust_type(&paging.limit_ty, &prefix);
    let first_literal = Literal::u64_unsuffixed(paging.first_page);
    let size_literal = Literal::u64_unsuffixed(paging.page_size);
    let read_page = read_copy(quote!(self), &paging.page);
    let read_limit = read_copy(quote!(self), &paging.limit);
    let set_page = write(quote!(next), &paging.page, quote!(page));
    let set_limit = write(quote!(next), &paging.limit, quote!(limit));
    let count = match read_ref(quote!(payload), &paging.items) {
        (expr, true) => quote!(#expr.map_or(0, |items| items.len())),
        (expr, false) => quote!(#expr.len()),
    };
    let more = paging.total.as_ref().map(|steps| match read_ref(quote!(payload), steps) {
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
    let offset = if paging.first_page == 0 { quote!(first) } else { quote!(first - #first_literal) };
    let take_items = match read_owned(quote!(payload), &paging.items) {
        (expr, true) => quote!(#expr.unwrap_or_default()),
        (expr, false) => expr,
    };

    let config = paging.config;
    let stop = match &config.total {
        Some(total) => format!("after a page that comes back empty, or once `{total}` items (as the last page says) came back"),
        None => "after a page that comes back empty".to_owned(),
    };
    let mut pages_lines = vec![
        "Every page of the answer: one request per page, each sent only when the stream is polled past the page before.".to_owned(),
        String::new(),
        format!(
            "Asks for page {first} (or `{}` as set), then the pages after it, with `{}` {size} \
             (or as set). Stops {stop}. A failure, including an input refused before sending, is the last item.",
            config.page,
            config.limit,
            first = paging.first_page,
            size = paging.page_size,
        ),
    ];
    pages_lines.extend(example(
        plan,
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
        format!("Every item of every page (`{}` of each [`Self::pages`]), in order.", config.items),
        String::new(),
        "Holds one page at a time: the next page is asked for once every item of the one before was taken. \
         A failure is the last item."
            .to_owned(),
    ];
    stream_lines.extend(example(
        plan,
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

    quote! {
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
    }
}

fn batched(plan: &Plan, op: &OpPlan, batch: &BatchPlan) -> TokenStream {
    let prefix = types_prefix();
    let builder = ident(&op.op.builder);
    let field = ident(&batch.setter);
    let size_literal = Literal::usize_unsuffixed(batch.size);
    let (size, wire) = (batch.size, batch.wire);
    let value_doc = rust_type(&batch.value_item, &quote!(crate_path::types::))
        .to_string()
        .replace(' ', "")
        .replace("crate_path", &plan.krate.ident);
    let joined = match &batch.answers {
        Answers::Joined(_) => "and joins their answers' lists in request order",
        Answers::Each(_) => "and returns their answers in request order",
        Answers::Nothing => "and succeeds once all have",
    };
    let mut lines = vec![
        format!("Sends the request as several requests of at most {size} `{wire}` values each, one after another, {joined}."),
        String::new(),
        format!("With at most {size} values (or none) this is [`Self::send`]."),
        String::new(),
        "# Errors".to_owned(),
        String::new(),
        "As [`Self::send`]; the first failure ends it, and the answers before it are dropped.".to_owned(),
    ];
    lines.extend(example(
        plan,
        op,
        &format!(", values: Vec<{value_doc}>"),
        &[
            &match batch.answers {
                Answers::Nothing => format!("client.{{op}}().{}(values).send_all().await?;", batch.setter),
                _ => format!("let all = client.{{op}}().{}(values).send_all().await?;", batch.setter),
            },
            match batch.answers {
                Answers::Nothing => "println!(\"all sent\");",
                _ => "println!(\"{} answers\", all.len());",
            },
        ],
    ));
    let docs = lines_to_attrs(&lines);
    let (output, start, add, finish, single) = match &batch.answers {
        Answers::Joined(item) => {
            let item = rust_type(item, &prefix);
            let start = quote!(let mut all = Vec::with_capacity(values.len()););
            (quote!(Vec<#item>), start, quote!(all.extend(request.send().await?);), quote!(Ok(all)), quote!(self.send().await))
        }
        Answers::Each(payload) => {
            let payload = rust_type(payload, &prefix);
            let single = quote!(self.send().await.map(|answer| vec![answer]));
            (quote!(Vec<#payload>), quote!(let mut all = Vec::new();), quote!(all.push(request.send().await?);), quote!(Ok(all)), single)
        }
        Answers::Nothing => (quote!(()), quote!(), quote!(request.send().await?;), quote!(Ok(())), quote!(self.send().await)),
    };
    quote! {
        impl #builder {
            #docs
            pub async fn send_all(mut self) -> Result<#output, crate::Error> {
                match self.#field.take() {
                    Some(values) if values.len() > #size_literal => {
                        #start
                        for chunk in values.chunks(#size_literal) {
                            let mut request = self.clone();
                            request.#field = Some(chunk.to_vec());
                            #add
                        }
                        #finish
                    }
                    values => {
                        self.#field = values;
                        #single
                    }
                }
            }
        }
    }
}
