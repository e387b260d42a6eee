//! Compiled usage examples for the generated docs: one call of an operation with sample values
//! for its required inputs (the spec's examples where it has them), and the mock module's.

use super::{Input, OpPlan, Shape};
use crate::model::{Api, Limits, Operation, ParamLocation, TypeKind, TypeRef};
use crate::rust::rust_type;

/// A call, as doctest lines: set-up hidden from the rendered docs, then the visible chain.
#[derive(Debug, Clone)]
pub struct Example {
    crate_ident: String,
    client: String,
    /// `# let list: Vec<…> = unimplemented!();` for inputs no literal can stand for.
    hidden: Vec<String>,
    /// `.get_user()`, `.user_id("…")`, …, `.send()`, `.await`
    chain: Vec<String>,
}

impl Example {
    /// A complete `no_run` doctest: `let answer = <call>?;`.
    pub fn doc_block(&self) -> Vec<String> {
        let mut lines = vec!["```no_run".to_owned(), self.signature()];
        lines.extend(self.hidden.iter().cloned());
        lines.push("let answer = client".to_owned());
        lines.extend(self.chain.iter().map(|l| format!("    {l}")));
        if let Some(last) = lines.last_mut() {
            last.push('?');
            last.push(';');
        }
        lines.extend(["# let _ = answer;", "# Ok(())", "# }", "```"].map(str::to_owned));
        lines
    }

    /// `# async fn example(client: &krate::Client) -> Result<(), krate::Error> {`
    pub fn signature(&self) -> String {
        format!(
            "# async fn example(client: &{krate}::{client}) -> Result<(), {krate}::Error> {{",
            krate = self.crate_ident,
            client = self.client
        )
    }

    /// The hidden set-up lines.
    pub fn hidden(&self) -> &[String] {
        &self.hidden
    }

    /// The call expression, one line per step, starting with `client`.
    pub fn chain(&self) -> Vec<String> {
        let mut lines = vec!["client".to_owned()];
        lines.extend(self.chain.iter().map(|l| format!("    {l}")));
        lines
    }

    /// The call ending in `.into_stream()` instead of `.send().await`.
    pub fn stream_chain(&self) -> Vec<String> {
        let mut chain = self.chain();
        chain.truncate(chain.len().saturating_sub(2));
        chain.push("    .into_stream()".to_owned());
        chain
    }
}

/// An example call of `op`, whose builder takes `inputs`.
pub(super) fn call(api: &Api, crate_ident: &str, client: &str, op: &Operation, inputs: &[Input]) -> Example {
    let types = format!("{crate_ident}::types::");
    let mut hidden = Vec::new();
    let mut chain = vec![format!(".{}()", op.name)];
    for input in inputs.iter().filter(|i| i.required) {
        let value = match sample(api, &types, input.ty, input.example, 0, false) {
            Some(literal) => literal,
            None => {
                let prefix: proc_macro2::TokenStream = types.parse().unwrap_or_default();
                let ty = rust_type(input.ty, &prefix).to_string();
                hidden.push(format!("# let {}: {ty} = unimplemented!();", input.setter));
                input.setter.clone()
            }
        };
        chain.push(format!(".{}({value})", input.setter));
    }
    chain.push(".send()".to_owned());
    chain.push(".await".to_owned());
    Example {
        crate_ident: crate_ident.to_owned(),
        client: client.to_owned(),
        hidden,
        chain,
    }
}

/// A Rust literal for a value of `ty`, from the spec's example when it fits. A `nested` value is
/// an item of a list inside a list, which takes no `Into` conversion: its type must be exact.
fn sample(api: &Api, types: &str, ty: &TypeRef, example: Option<&serde_json::Value>, depth: usize, nested: bool) -> Option<String> {
    use serde_json::Value;
    // Aliases can chain (or loop, in a broken spec): give up rather than recurse forever.
    if depth > 16 {
        return None;
    }
    let (open, close) = if nested { ("vec![", "]") } else { ("[", "]") };
    match (ty, example) {
        (TypeRef::String { .. }, Some(Value::String(s))) if nested => Some(format!("String::from({s:?})")),
        (TypeRef::String { .. }, Some(Value::String(s))) => Some(format!("{s:?}")),
        (TypeRef::String { .. }, _) if nested => Some("String::from(\"...\")".to_owned()),
        (TypeRef::String { .. }, _) => Some("\"...\"".to_owned()),
        (TypeRef::Integer { .. }, Some(Value::Number(n))) if n.is_i64() => Some(n.to_string()),
        (TypeRef::Integer { .. }, _) => Some("1".to_owned()),
        (TypeRef::Number { .. }, Some(Value::Number(n))) => Some(format!("{:?}", n.as_f64().unwrap_or(1.0))),
        (TypeRef::Number { .. }, _) => Some("1.0".to_owned()),
        (TypeRef::Boolean, Some(Value::Bool(b))) => Some(b.to_string()),
        (TypeRef::Boolean, _) => Some("true".to_owned()),
        (TypeRef::Array(item), Some(Value::Array(items))) if !items.is_empty() => {
            let samples: Option<Vec<String>> = items.iter().take(3).map(|v| sample(api, types, item, Some(v), depth + 1, depth > 0 || nested)).collect();
            samples.map(|s| format!("{open}{}{close}", s.join(", ")))
        }
        (TypeRef::Array(item), _) => sample(api, types, item, None, depth + 1, depth > 0 || nested).map(|s| format!("{open}{s}{close}")),
        (TypeRef::Named(name), _) => match api.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Enum(values)) => {
                let wanted = example.and_then(Value::as_str);
                let value = values.iter().find(|v| Some(v.wire.as_str()) == wanted).or(values.first())?;
                Some(format!("{types}{name}::{}", value.name))
            }
            Some(TypeKind::NumberEnum { values, .. }) => {
                let value = values.iter().find(|v| example.and_then(Value::as_number) == Some(&v.wire)).or(values.first())?;
                Some(format!("{types}{name}::{}", value.name))
            }
            Some(TypeKind::Alias(target)) => sample(api, types, target, example, depth + 1, nested),
            _ => None,
        },
        _ => None,
    }
}

/// A literal for a required input in the mock example, and how it appears in the query.
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

/// The setter calls for an operation's required inputs (`.user_id("example")`) and the
/// `expect_query` arguments for its first required query parameter; `None` when an input has no
/// simple literal.
fn required_inputs(op: &OpPlan) -> Option<(String, Option<String>)> {
    let mut setters = String::new();
    let mut query = None;
    for input in op.inputs.iter().filter(|i| i.required) {
        let (value, text) = literal(input.ty, input.limits)?;
        setters.push_str(&format!(".{}({value})", input.setter));
        if let Some(p) = input.param
            && p.location == ParamLocation::Query
            && query.is_none()
        {
            query = Some(format!("{:?}, {text:?}", p.wire_name));
        }
    }
    Some((setters, query))
}

/// The mock module's example: one operation answered, then refused, then checked. It picks an
/// operation whose required inputs have simple literals, preferring one whose answer has a
/// default value.
pub(super) fn mock(crate_ident: &str, operations: &[OpPlan]) -> Vec<String> {
    let candidates: Vec<(&OpPlan, String, Option<String>)> = operations
        .iter()
        .filter(|op| !op.op.deprecated && !op.sensitive)
        .filter_map(|op| {
            let (setters, query) = required_inputs(op)?;
            Some((op, setters, query))
        })
        .collect();
    let answer = |op: &OpPlan| match &op.shape {
        Shape::Enveloped(None) | Shape::Empty => Some("respond()"),
        Shape::Enveloped(Some(ty)) | Shape::Plain(ty) => (!matches!(ty, TypeRef::Named(_))).then_some("respond(Default::default())"),
        Shape::Text | Shape::Binary | Shape::Answers(_) => None,
    };
    let chosen = candidates.iter().find(|(op, ..)| answer(op).is_some()).or(candidates.first());
    let mut lines = vec![format!("use {crate_ident}::mock::{{MockServer, Operation}};"), String::new()];
    lines.push("# tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {".to_owned());
    lines.push("let server = MockServer::start().await;".to_owned());
    let Some((op, setters, query)) = chosen else {
        lines.extend(["let client = server.client();", "# let _ = client;", "server.verify();", "# });"].map(str::to_owned));
        return lines;
    };
    let expect = query.as_ref().map(|q| format!(".expect_query({q})")).unwrap_or_default();
    let call = format!("client.{}(){setters}.send().await", op.op.name);
    let mock = &op.mock_method;
    let mut calls = 1;
    match answer(op) {
        Some(respond) => {
            calls = 2;
            lines.push(format!("// The first `{}` request gets a successful answer, the next ones a refusal.", op.op.id));
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
    lines.push(format!("assert_eq!(server.received(Operation::{}).len(), {calls});", op.mock_variant));
    lines.push("# });".to_owned());
    lines
}
