//! Compiled usage examples for the generated docs: one call of an operation with sample values
//! for its required inputs (the spec's examples where it has them).

use super::operations::inputs;
use super::types::rust_type;
use crate::config::Config;
use crate::model::{Api, Operation, TypeKind, TypeRef};

/// A call, as doctest lines: set-up hidden from the rendered docs, then the visible chain.
pub(crate) struct Example {
    crate_ident: String,
    client: String,
    /// `# let list: Vec<…> = unimplemented!();` for inputs no literal can stand for.
    hidden: Vec<String>,
    /// `client`, `.get_user()`, `.user_id("…")`, …, `.send()`, `.await`
    chain: Vec<String>,
}

impl Example {
    /// A complete `no_run` doctest: `let answer = <call>?;`.
    pub(crate) fn doc_block(&self) -> Vec<String> {
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
    pub(crate) fn signature(&self) -> String {
        format!(
            "# async fn example(client: &{krate}::{client}) -> Result<(), {krate}::Error> {{",
            krate = self.crate_ident,
            client = self.client
        )
    }

    /// The hidden set-up lines.
    pub(crate) fn hidden(&self) -> &[String] {
        &self.hidden
    }

    /// The call expression, one line per step, starting with `client`.
    pub(crate) fn chain(&self) -> Vec<String> {
        let mut lines = vec!["client".to_owned()];
        lines.extend(self.chain.iter().map(|l| format!("    {l}")));
        lines
    }
}

/// An example call of `op`.
pub(crate) fn call(api: &Api, config: &Config, op: &Operation) -> Example {
    let crate_ident = config.crate_ident();
    let types = format!("{crate_ident}::types::");
    let (all, _) = inputs(api, op);
    let mut hidden = Vec::new();
    let mut chain = vec![format!(".{}()", op.name)];
    for input in all.iter().filter(|i| i.required) {
        let value = match sample(api, &types, input.ty, input.example) {
            Some(literal) => literal,
            None => {
                let prefix: proc_macro2::TokenStream = format!("{crate_ident}::types::").parse().unwrap_or_default();
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
        crate_ident,
        client: config.client_name.clone(),
        hidden,
        chain,
    }
}

/// Whether every required input of `op` has a literal sample (so an example shows no set-up).
pub(crate) fn is_simple(api: &Api, config: &Config, op: &Operation) -> bool {
    call(api, config, op).hidden.is_empty()
}

/// A Rust literal for a value of `ty`, from the spec's example when it fits.
fn sample(api: &Api, types: &str, ty: &TypeRef, example: Option<&serde_json::Value>) -> Option<String> {
    use serde_json::Value;
    match (ty, example) {
        (TypeRef::String { .. }, Some(Value::String(s))) => Some(format!("{s:?}")),
        (TypeRef::String { .. }, _) => Some("\"...\"".to_owned()),
        (TypeRef::Integer { .. }, Some(Value::Number(n))) if n.is_i64() => Some(n.to_string()),
        (TypeRef::Integer { .. }, _) => Some("1".to_owned()),
        (TypeRef::Number { .. }, Some(Value::Number(n))) => Some(format!("{:?}", n.as_f64().unwrap_or(1.0))),
        (TypeRef::Number { .. }, _) => Some("1.0".to_owned()),
        (TypeRef::Boolean, Some(Value::Bool(b))) => Some(b.to_string()),
        (TypeRef::Boolean, _) => Some("true".to_owned()),
        (TypeRef::Array(item), Some(Value::Array(items))) if !items.is_empty() => {
            let samples: Option<Vec<String>> = items.iter().take(3).map(|v| sample(api, types, item, Some(v))).collect();
            samples.map(|s| format!("[{}]", s.join(", ")))
        }
        (TypeRef::Array(item), _) => sample(api, types, item, None).map(|s| format!("[{s}]")),
        (TypeRef::Named(name), _) => match api.types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Enum(values)) => {
                let wanted = example.and_then(Value::as_str);
                let value = values.iter().find(|v| Some(v.wire.as_str()) == wanted).or(values.first())?;
                Some(format!("{types}{name}::{}", value.name))
            }
            Some(TypeKind::Alias(target)) => sample(api, types, target, example),
            _ => None,
        },
        _ => None,
    }
}
