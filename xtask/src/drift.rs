//! Spec drift: how our spec differs from an upstream document of the same API.
//!
//! Both documents go through the generator's model (every `$ref` resolved, `allOf` merged), so
//! what is compared is what a client sees: per operation (matched by method and path), its
//! parameters and the fields of its request body and of its answer, each with its type, enum
//! values and required-ness, walked through nested objects and lists. Names of types, texts and
//! examples are not compared. Every difference is one line; a reviewed file (`spec/drift.yaml`)
//! explains the differences we mean, by patterns over those lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use generator::model::{Api, Operation, ParamLocation, TypeKind, TypeRef};

/// How far nested objects are walked.
const MAX_DEPTH: usize = 8;

/// The comparison of our spec with an upstream one.
#[derive(Debug, Default)]
pub struct Report {
    /// Our operations: `(operationId, method path, the upstream operationId if matched)`.
    pub operations: Vec<(String, String, Option<String>)>,
    /// Every difference, one line each, in operation order.
    pub differences: Vec<String>,
    /// Upstream operations we do not have, by upstream tag: `method path (operationId)`.
    pub missing: BTreeMap<String, Vec<String>>,
}

/// One reviewed difference: a pattern over difference lines (`*` matches any text) and why.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewed {
    /// The lines it explains (`*` is a wildcard).
    #[serde(rename = "match")]
    pub pattern: String,
    /// Why our spec differs there.
    pub reason: String,
}

/// The reviewed file: `differences: [{match, reason}]`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewedFile {
    /// Every reviewed difference.
    pub differences: Vec<Reviewed>,
}

impl ReviewedFile {
    /// Reads the reviewed file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: ReviewedFile = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for entry in &file.differences {
            if entry.reason.trim().is_empty() {
                return Err(format!("{}: {:?} has no reason", path.display(), entry.pattern));
            }
        }
        Ok(file)
    }
}

/// Which differences the reviewed file explains.
#[derive(Debug, Default)]
pub struct Review {
    /// Differences with their reason.
    pub explained: Vec<(String, String)>,
    /// Differences no entry matches.
    pub unexplained: Vec<String>,
    /// Entries that match no difference (the drift they explained is gone).
    pub stale: Vec<String>,
}

impl Report {
    /// Splits the differences by whether `reviewed` explains them.
    pub fn review(&self, reviewed: &ReviewedFile) -> Review {
        let mut review = Review::default();
        let mut used = BTreeSet::new();
        for line in &self.differences {
            match reviewed.differences.iter().enumerate().find(|(_, r)| glob(&r.pattern, line)) {
                Some((i, entry)) => {
                    used.insert(i);
                    review.explained.push((line.clone(), entry.reason.clone()));
                }
                None => review.unexplained.push(line.clone()),
            }
        }
        review.stale = reviewed
            .differences
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .map(|(_, r)| r.pattern.clone())
            .collect();
        review
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields a part");
    let Some(mut text) = text.strip_prefix(first) else { return false };
    let Some((last, middle)) = rest.split_last() else { return text.is_empty() };
    for part in middle {
        match text.find(part) {
            Some(at) => text = &text[at + part.len()..],
            None => return false,
        }
    }
    text.len() >= last.len() && text.ends_with(last)
}

/// Compares `ours` with `upstream` (`upstream_tags` maps upstream operation ids to their tags).
pub fn compare(ours: &Api, upstream: &Api, upstream_tags: &BTreeMap<String, Vec<String>>) -> Report {
    let mut report = Report::default();
    let key = |op: &Operation| format!("{} {}", op.method.as_str(), op.path);
    let theirs: BTreeMap<String, &Operation> = upstream.operations.iter().map(|op| (key(op), op)).collect();
    let mut matched = BTreeSet::new();
    for op in &ours.operations {
        let at = key(op);
        let Some(up) = theirs.get(&at) else {
            report.differences.push(format!("{}: {at} is not an upstream operation", op.id));
            report.operations.push((op.id.clone(), at, None));
            continue;
        };
        matched.insert(at.clone());
        report.operations.push((op.id.clone(), at, Some(up.id.clone())));
        let (mine, other) = (shape(ours, op), shape(upstream, up));
        for (place, entry) in &other {
            match mine.get(place) {
                None => report.differences.push(format!("{}: {place}: upstream has it ({entry}), ours not", op.id)),
                Some(ours_entry) if ours_entry != entry => {
                    report.differences.push(format!("{}: {place}: upstream {entry}, ours {ours_entry}", op.id));
                }
                Some(_) => {}
            }
        }
        for (place, entry) in &mine {
            if !other.contains_key(place) {
                report.differences.push(format!("{}: {place}: ours has it ({entry}), upstream not", op.id));
            }
        }
    }
    for op in &upstream.operations {
        if matched.contains(&key(op)) {
            continue;
        }
        let tag = upstream_tags.get(&op.id).and_then(|tags| tags.first()).cloned().unwrap_or_else(|| "(no tag)".to_owned());
        report.missing.entry(tag).or_default().push(format!("{} ({})", key(op), op.id));
    }
    report
}

/// Every place of an operation a client sees, with its type, enum values and required-ness:
/// `query userId`, `body options.pagination.limit`, `answer data.list[].status`.
fn shape(api: &Api, op: &Operation) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for p in &op.params {
        let location = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        let place = format!("{location} {}", p.wire_name);
        walk(api, &place, &p.ty, p.required, &mut out, &mut Vec::new());
    }
    if let Some(body) = &op.body {
        walk(api, "body", &body.ty, body.required, &mut out, &mut Vec::new());
    }
    if let Some(answer) = &op.response {
        walk(api, "answer", answer, true, &mut out, &mut Vec::new());
    }
    out
}

/// Records `place` as `ty` and walks into its fields; `seen` holds the types on the way, so a
/// recursive type is walked once.
fn walk(api: &Api, place: &str, ty: &TypeRef, required: bool, out: &mut BTreeMap<String, String>, seen: &mut Vec<String>) {
    let needed = if required { "required" } else { "optional" };
    out.insert(place.to_owned(), format!("{}, {needed}", describe(api, ty)));
    if seen.len() >= MAX_DEPTH {
        return;
    }
    let ty = api.resolve(ty);
    match ty {
        TypeRef::Array(item) | TypeRef::Nullable(item) => walk_inner(api, &format!("{place}[]"), item, out, seen),
        TypeRef::Map(value) => walk_inner(api, &format!("{place}{{}}"), value, out, seen),
        TypeRef::Named(name) if !seen.contains(name) => {
            if let Some(TypeKind::Struct(fields)) = api.type_def(name).map(|t| &t.kind) {
                seen.push(name.clone());
                for field in fields {
                    // `body options`, then `body options.pagination`.
                    let inner = if place == "body" || place == "answer" {
                        format!("{place} {}", field.wire_name)
                    } else {
                        format!("{place}.{}", field.wire_name)
                    };
                    walk(api, &inner, &field.ty, field.required && !field.nullable, out, seen);
                }
                seen.pop();
            }
        }
        _ => {}
    }
}

/// Walks into an item or value type without recording the container's own entry again.
fn walk_inner(api: &Api, place: &str, ty: &TypeRef, out: &mut BTreeMap<String, String>, seen: &mut Vec<String>) {
    let resolved = api.resolve(ty);
    let is_object = matches!(resolved, TypeRef::Named(name) if matches!(api.type_def(name).map(|t| &t.kind), Some(TypeKind::Struct(_))));
    if is_object || matches!(resolved, TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Nullable(_)) {
        walk(api, place, ty, true, out, seen);
    }
}

/// A type as the comparison sees it: its kind, and an enum's values.
fn describe(api: &Api, ty: &TypeRef) -> String {
    match api.resolve(ty) {
        TypeRef::String { format: Some(format) } => format!("string ({format})"),
        TypeRef::String { format: None } => "string".to_owned(),
        TypeRef::Integer { .. } => "integer".to_owned(),
        TypeRef::Number { .. } => "number".to_owned(),
        TypeRef::Boolean => "boolean".to_owned(),
        TypeRef::Array(item) => format!("list of {}", describe(api, item)),
        TypeRef::Map(value) => format!("map of {}", describe(api, value)),
        TypeRef::Nullable(inner) => format!("{} or null", describe(api, inner)),
        TypeRef::Any => "any".to_owned(),
        TypeRef::Object => "object".to_owned(),
        TypeRef::Named(name) => match api.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Enum(values)) => {
                let values: BTreeSet<&str> = values.iter().map(|v| v.wire.as_str()).collect();
                format!("enum [{}]", values.into_iter().collect::<Vec<_>>().join(", "))
            }
            Some(TypeKind::NumberEnum { ty, values }) => {
                let values: Vec<String> = values.iter().map(|v| v.wire.to_string()).collect();
                format!("{} enum [{}]", describe(api, ty), values.join(", "))
            }
            Some(TypeKind::Union { variants, .. }) => {
                let kinds: Vec<String> = variants.iter().map(|v| describe(api, &v.ty)).collect();
                format!("one of [{}]", kinds.join(", "))
            }
            _ => "object".to_owned(),
        },
    }
}

/// Reads a spec into the generator's model; also the tags of its operations.
pub fn model(path: &Path) -> Result<(Api, BTreeMap<String, Vec<String>>), generator::Error> {
    let spec = generator::load::load(path)?;
    let mut tags = BTreeMap::new();
    for item in spec.doc.paths.paths.values() {
        if let Some(item) = item.as_item() {
            for (_, op) in item.iter() {
                if let Some(id) = &op.operation_id {
                    tags.insert(id.clone(), op.tags.clone());
                }
            }
        }
    }
    Ok((generator::model::build(&spec)?, tags))
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("a*c", "abc"));
        assert!(glob("*: query page: *", "listGroups: query page: upstream number, ours integer"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
        assert!(glob("*", ""));
        assert!(!glob("a*b*c", "acb"));
        assert!(glob("a*b*c", "aXbYc"));
    }
}
