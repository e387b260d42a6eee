//! Reading a spec file into `openapiv3`'s document, refusing what is not OpenAPI 3.0.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::error::{escape_pointer_segment, Error, Location, Warning};

/// A parsed spec and the name of the file it came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file as the caller named it; used in every error message.
    pub path: PathBuf,
    /// The document.
    pub doc: OpenAPI,
    /// What the typed document does not keep (whether `explode` was given, keywords beside a
    /// `$ref`), found in the JSON tree, which itself is not kept (on a large spec it is as big
    /// as the typed document).
    pub raw: RawFacts,
    /// What reading the text had to work around, located.
    pub warnings: Vec<Warning>,
}

/// Reads and parses the spec at `path` (YAML or JSON).
pub fn load(path: &Path) -> Result<Spec, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses spec text; `path` is only used to name the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<Spec, Error> {
    let at = |pointer: &str, line: Option<(usize, usize)>| Location {
        file: path.to_owned(),
        pointer: pointer.to_owned(),
        line,
    };
    let is_json = text.trim_start().starts_with('{');

    // First a generic tree, so the version check can speak before openapiv3 fails on
    // 3.1-only constructs with a less helpful message.
    let tree: serde_json::Value = if is_json {
        serde_json::from_str(text).map_err(|e| {
            let line = (e.line(), e.column());
            Error::Parse {
                location: at("", Some(line)),
                message: format!("invalid JSON: {}", without_position(&e.to_string(), line)),
            }
        })?
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let line = e.location().map(|l| (l.line(), l.column()));
            Error::Parse {
                location: at("", line),
                message: format!("invalid YAML: {}", line.map_or_else(|| e.to_string(), |l| without_position(&e.to_string(), l))),
            }
        })?
    };
    check_version(&tree).map_err(|(pointer, message)| Error::Parse {
        location: at(pointer, pointer.strip_prefix('/').and_then(|key| top_level_key_line(text, key, is_json))),
        message,
    })?;
    // Schema keywords of the wrong kind, found here in one pass: openapiv3 would find them too,
    // but by trying every variant of its untagged enums at every level (time doubles with each
    // level of nesting) and would only name the outermost schema.
    let mut pointer = String::new();
    let mut repairs = Vec::new();
    let checked = check_paths(&tree).and_then(|ignored| check_schemas_in(&tree, &mut pointer, false, &mut repairs).map(|()| ignored));
    let ignored = checked.map_err(|(pointer, message)| Error::Parse {
        location: at(&pointer, None),
        message: format!("not a valid OpenAPI 3.0 document: {message}"),
    })?;
    let mut tree = tree;
    let mut warnings = Vec::new();
    for pointer in &ignored {
        if let Some((parent, key)) = pointer.rsplit_once('/')
            && let Some(serde_json::Value::Object(map)) = tree.pointer_mut(parent)
        {
            map.remove(&key.replace("~1", "/").replace("~0", "~"));
        }
        warnings.push(Warning {
            location: at(pointer, None),
            message: "`examples` must be a mapping of names to examples (one example goes in `example`); ignored".to_owned(),
        });
    }
    repairs.extend(missing_info(&tree, path));
    for repair in &repairs {
        if let Some(message) = repair.apply(&mut tree) {
            warnings.push(Warning { location: at(&repair.pointer, None), message });
        }
    }

    // YAML's `.inf` and `.nan` have no JSON form (openapiv3 panics on them): read as absent.
    let non_finite = if is_json { Vec::new() } else { non_finite_numbers(text) };
    warnings.extend(non_finite.iter().map(|pointer| Warning {
        location: at(pointer, None),
        message: "an infinite or not-a-number value (`.inf`, `.nan`) has no JSON form; it is read as absent".to_owned(),
    }));

    // Then the typed document, straight from the text so errors keep their line (from the tree,
    // where those values are already absent, when there are any).
    let raw = RawFacts::of(&tree);
    let result = if !non_finite.is_empty() || !ignored.is_empty() || !repairs.is_empty() {
        serde_path_to_error::deserialize(tree).map_err(|e| (pointer_of(e.path()), None, e.into_inner().to_string()))
    } else if is_json {
        // The tree is not needed any more: freed before the typed document is built.
        drop(tree);
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let line = (e.inner().line(), e.inner().column());
            let pointer = pointer_of(e.path());
            (pointer, Some(line), without_position(&e.into_inner().to_string(), line))
        })
    } else {
        drop(tree);
        let de = serde_yaml::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let line = e.inner().location().map(|l| (l.line(), l.column()));
            let pointer = pointer_of(e.path());
            let message = e.into_inner().to_string();
            let message = line.map_or_else(|| message.clone(), |l| without_position(&message, l));
            (pointer, line, message)
        })
    };
    let doc: OpenAPI = result.map_err(|(pointer, line, message)| Error::Parse {
        location: at(&pointer, line),
        message: format!("not a valid OpenAPI 3.0 document: {}", plain_expectation(&message)),
    })?;
    Ok(Spec {
        path: path.to_owned(),
        doc,
        raw,
        warnings,
    })
}

/// Values of the document the typed one loses, by JSON pointer: every `explode` (openapiv3
/// reads a missing one as `false`), and `nullable` and `description` written beside a `$ref`
/// (OpenAPI 3.0 ignores them there; specs mean them).
#[derive(Debug, Clone, Default)]
pub struct RawFacts {
    values: std::collections::HashMap<String, serde_json::Value>,
}

impl RawFacts {
    fn of(tree: &serde_json::Value) -> Self {
        let mut facts = RawFacts::default();
        let mut pointer = String::new();
        facts.walk(tree, &mut pointer);
        facts
    }

    fn walk(&mut self, value: &serde_json::Value, pointer: &mut String) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                let beside_ref = map.contains_key("$ref");
                for (key, item) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_segment(key));
                    if key == "explode" && item.is_boolean() || beside_ref && (key == "nullable" || key == "description") {
                        self.values.insert(pointer.clone(), item.clone());
                    }
                    if item.is_object() || item.is_array() {
                        self.walk(item, pointer);
                    }
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    self.walk(item, pointer);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// The value at `pointer`, when it is one of those kept.
    pub fn pointer(&self, pointer: &str) -> Option<&serde_json::Value> {
        self.values.get(pointer)
    }
}

/// Checks what openapiv3 would refuse inside a path item without saying where (its path items
/// and parameters are untagged enums): operations without `responses`, parameters without a
/// `name` or with an `in` OpenAPI 3.0 does not have.
///
/// Returns the pointers of what is malformed but only documentation (`examples` that is not a
/// mapping), to be ignored.
fn check_paths(tree: &serde_json::Value) -> Result<Vec<String>, (String, String)> {
    use serde_json::Value;
    let mut ignored = Vec::new();
    let Some(Value::Object(paths)) = tree.get("paths") else { return Ok(ignored) };
    let check_parameters = |parameters: Option<&Value>, at: &str| -> Result<(), (String, String)> {
        let Some(Value::Array(parameters)) = parameters else { return Ok(()) };
        for (i, parameter) in parameters.iter().enumerate() {
            let at = format!("{at}/parameters/{i}");
            let Value::Object(parameter) = parameter else {
                return Err((at, "a parameter must be a mapping".to_owned()));
            };
            if parameter.contains_key("$ref") {
                continue;
            }
            if !parameter.get("name").is_some_and(Value::is_string) {
                return Err((format!("{at}/name"), "a parameter needs a `name` (a string)".to_owned()));
            }
            match parameter.get("in").and_then(Value::as_str) {
                Some("query" | "header" | "path" | "cookie") => {}
                Some(place @ ("body" | "formData")) => {
                    return Err((format!("{at}/in"), format!("`in: {place}` is Swagger 2.0; OpenAPI 3.0 declares bodies in `requestBody`")));
                }
                _ => return Err((format!("{at}/in"), "a parameter needs `in`: query, header, path or cookie".to_owned())),
            }
        }
        Ok(())
    };
    for (path, item) in paths {
        let at = format!("/paths/{}", escape_pointer_segment(path));
        let Value::Object(item) = item else { continue };
        if item.contains_key("$ref") {
            continue;
        }
        check_parameters(item.get("parameters"), &at)?;
        for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
            let Some(Value::Object(operation)) = item.get(method) else { continue };
            let at = format!("{at}/{method}");
            let Some(Value::Object(responses)) = operation.get("responses") else {
                return Err((format!("{at}/responses"), "an operation needs `responses` (a mapping of status codes to answers)".to_owned()));
            };
            check_parameters(operation.get("parameters"), &at)?;
            let bodies = responses
                .iter()
                .map(|(status, answer)| (format!("{at}/responses/{}", escape_pointer_segment(status)), answer))
                .chain(operation.get("requestBody").map(|body| (format!("{at}/requestBody"), body)));
            for (at, body) in bodies {
                let Some(Value::Object(content)) = body.get("content") else { continue };
                for (media, media_type) in content {
                    if let Some(examples) = media_type.get("examples")
                        && !examples.is_object()
                    {
                        ignored.push(format!("{at}/content/{}/examples", escape_pointer_segment(media)));
                    }
                }
            }
        }
    }
    Ok(ignored)
}

/// Finds schema objects in `value` (under `schema` keys and in `components.schemas`) and checks
/// their keywords' kinds; `is_schema` says `value` itself is one.
fn check_schemas_in(value: &serde_json::Value, pointer: &mut String, is_schema: bool, repairs: &mut Vec<Repair>) -> Result<(), (String, String)> {
    use serde_json::Value;
    if is_schema {
        return check_schema(value, pointer, repairs);
    }
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape_pointer_segment(key));
                let schema = key == "schema" && item.is_object();
                if key == "schemas" && pointer.as_str() == "/components/schemas" {
                    if let Value::Object(schemas) = item {
                        for (name, schema) in schemas {
                            let len = pointer.len();
                            pointer.push('/');
                            pointer.push_str(&escape_pointer_segment(name));
                            check_schema(schema, pointer, repairs)?;
                            pointer.truncate(len);
                        }
                    }
                } else {
                    check_schemas_in(item, pointer, schema, repairs)?;
                }
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                check_schemas_in(item, pointer, false, repairs)?;
                pointer.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks one schema object's keywords (and its subschemas'): the kind each keyword must have.
fn check_schema(value: &serde_json::Value, pointer: &mut String, repairs: &mut Vec<Repair>) -> Result<(), (String, String)> {
    use serde_json::Value;
    let Value::Object(map) = value else {
        // `true`/`false` schemas and other kinds are left to openapiv3's message.
        return Ok(());
    };
    if map.contains_key("$ref") {
        return Ok(());
    }
    for (key, item) in map {
        let len = pointer.len();
        pointer.push('/');
        pointer.push_str(&escape_pointer_segment(key));
        let integer = map.get("type").and_then(Value::as_str) == Some("integer");
        let expected = match (key.as_str(), item) {
            // OpenAPI 3.1 writes the bound itself in `exclusiveMinimum`; its meaning is clear.
            ("exclusiveMinimum" | "exclusiveMaximum", Value::Number(n)) => {
                repairs.push(Repair { pointer: pointer.clone(), kind: RepairKind::ExclusiveBound(n.clone()) });
                None
            }
            // `minimum: 0.0` on an integer: openapiv3 reads integer bounds as integers only.
            ("minimum" | "maximum", Value::Number(n)) if integer && !n.is_i64() && !n.is_u64() => {
                repairs.push(Repair { pointer: pointer.clone(), kind: RepairKind::IntegerBound(n.as_f64().unwrap_or_default()) });
                None
            }
            ("type" | "format" | "title" | "pattern", Value::String(_)) => None,
            ("type" | "format" | "title" | "pattern", _) => Some("a string"),
            ("description", Value::String(_) | Value::Null) => None,
            ("description", _) => Some("a string"),
            ("nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" | "exclusiveMinimum" | "exclusiveMaximum", Value::Bool(_)) => None,
            ("nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" | "exclusiveMinimum" | "exclusiveMaximum", _) => Some("true or false"),
            ("minimum" | "maximum" | "multipleOf", Value::Number(_) | Value::Null) => None,
            ("minimum" | "maximum" | "multipleOf", _) => Some("a number"),
            ("minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties", Value::Number(n)) if n.is_u64() => None,
            ("minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties", _) => Some("a whole number of at least 0"),
            ("required", Value::Array(names)) if names.iter().all(Value::is_string) => None,
            ("required", _) => Some("a list of property names"),
            ("enum", Value::Array(_)) => None,
            ("enum", _) => Some("a list of values"),
            ("items" | "not", Value::Object(_)) => {
                check_schema(item, pointer, repairs)?;
                None
            }
            ("items" | "not", _) => Some("a schema (a mapping)"),
            ("additionalProperties", Value::Bool(_)) => None,
            ("additionalProperties", Value::Object(_)) => {
                check_schema(item, pointer, repairs)?;
                None
            }
            ("additionalProperties", _) => Some("true, false or a schema"),
            ("properties", Value::Object(properties)) => {
                for (name, property) in properties {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_segment(name));
                    if !property.is_object() {
                        return Err((pointer.clone(), format!("property {name:?}: expected a schema (a mapping)")));
                    }
                    check_schema(property, pointer, repairs)?;
                    pointer.truncate(len);
                }
                None
            }
            ("properties", _) => Some("a mapping of property names to schemas"),
            ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => {
                for (i, member) in members.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    if !member.is_object() {
                        return Err((pointer.clone(), "expected a schema (a mapping)".to_owned()));
                    }
                    check_schema(member, pointer, repairs)?;
                    pointer.truncate(len);
                }
                None
            }
            ("allOf" | "oneOf" | "anyOf", _) => Some("a list of schemas"),
            _ => None,
        };
        if let Some(expected) = expected {
            return Err((pointer.clone(), format!("`{key}`: expected {expected}")));
        }
        pointer.truncate(len);
    }
    Ok(())
}

/// A change to the document before it is typed: something sloppy whose meaning is clear.
#[derive(Debug)]
struct Repair {
    /// Where: the keyword changed.
    pointer: String,
    kind: RepairKind,
}

#[derive(Debug)]
enum RepairKind {
    /// An OpenAPI 3.1 `exclusiveMinimum: n` (or maximum): `minimum: n` + `exclusiveMinimum: true`.
    ExclusiveBound(serde_json::Number),
    /// A fractional bound of an integer schema: the nearest whole number within it.
    IntegerBound(f64),
    /// A required `info` field that is missing: this text.
    InfoField(String),
}

impl Repair {
    /// Applies the repair to `tree`; the warning to print, if the change is worth one.
    fn apply(&self, tree: &mut serde_json::Value) -> Option<String> {
        use serde_json::Value;
        let (parent, key) = self.pointer.rsplit_once('/')?;
        let Some(Value::Object(map)) = tree.pointer_mut(parent) else { return None };
        match &self.kind {
            RepairKind::ExclusiveBound(n) => {
                let bound = if key == "exclusiveMinimum" { "minimum" } else { "maximum" };
                map.insert(bound.to_owned(), Value::Number(n.clone()));
                map.insert(key.to_owned(), Value::Bool(true));
                Some(format!("`{key}: {n}` is OpenAPI 3.1; read as `{bound}: {n}` with `{key}: true`"))
            }
            RepairKind::IntegerBound(value) => {
                let whole = if key == "minimum" { value.ceil() } else { value.floor() };
                // Bounds beyond i64 mean no bound an i64 could break.
                if !(i64::MIN as f64..=i64::MAX as f64).contains(&whole) {
                    map.remove(key);
                    return Some(format!("`{key}: {value}` lies beyond any 64-bit integer; ignored"));
                }
                map.insert(key.to_owned(), Value::from(whole as i64));
                (whole != *value).then(|| format!("`{key}: {value}` bounds an integer; read as {whole}"))
            }
            RepairKind::InfoField(text) => {
                map.insert(key.to_owned(), Value::String(text.clone()));
                Some(format!("`info.{key}` is required; read as {text:?}"))
            }
        }
    }
}

/// `info.title` and `info.version` when missing (a title from the file name).
fn missing_info(tree: &serde_json::Value, path: &Path) -> Vec<Repair> {
    let Some(serde_json::Value::Object(info)) = tree.get("info") else { return Vec::new() };
    let title = path.file_stem().map_or_else(|| "API".to_owned(), |s| s.to_string_lossy().into_owned());
    [("title", title), ("version", "0.0.0".to_owned())]
        .into_iter()
        .filter(|(key, _)| !info.contains_key(*key))
        .map(|(key, text)| Repair { pointer: format!("/info/{key}"), kind: RepairKind::InfoField(text) })
        .collect()
}

/// JSON pointers of YAML numbers that are infinite or not a number; parses only when the text
/// has such a token.
fn non_finite_numbers(text: &str) -> Vec<String> {
    fn walk(value: &serde_yaml::Value, pointer: &mut String, out: &mut Vec<String>) {
        match value {
            serde_yaml::Value::Number(n) if n.as_f64().is_some_and(|f| !f.is_finite()) => out.push(pointer.clone()),
            serde_yaml::Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    walk(item, pointer, out);
                    pointer.truncate(len);
                }
            }
            serde_yaml::Value::Mapping(map) => {
                for (key, item) in map {
                    let key = match key {
                        serde_yaml::Value::String(s) => s.clone(),
                        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
                    };
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_segment(&key));
                    walk(item, pointer, out);
                    pointer.truncate(len);
                }
            }
            serde_yaml::Value::Tagged(tagged) => walk(&tagged.value, pointer, out),
            _ => {}
        }
    }
    let lower = text.to_ascii_lowercase();
    if !lower.contains(".inf") && !lower.contains(".nan") {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) {
        walk(&value, &mut String::new(), &mut out);
    }
    out
}

/// serde names the Rust type it wanted (`expected struct Paths`); say what the spec needs.
fn plain_expectation(message: &str) -> String {
    match message.split_once("expected struct ") {
        Some((before, name)) => {
            let end = name.find(|c: char| !c.is_alphanumeric()).unwrap_or(name.len());
            format!("{before}expected a mapping (an OpenAPI {} object){}", &name[..end], &name[end..])
        }
        None => message.to_owned(),
    }
}

/// The parser's message without its ` at line L column C`, which the location already shows.
fn without_position(message: &str, (line, column): (usize, usize)) -> String {
    message.replacen(&format!(" at line {line} column {column}"), "", 1)
}

/// The 1-based line and column of a top-level `key` (`openapi`, `swagger`): the first line that
/// starts with it unindented in YAML, its first quoted occurrence in JSON.
fn top_level_key_line(text: &str, key: &str, is_json: bool) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        if is_json {
            let quoted = format!("\"{key}\"");
            line.find(&quoted).map(|col| (i + 1, col + 1))
        } else {
            [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
                .iter()
                .any(|k| line.strip_prefix(k.as_str()).is_some_and(|rest| rest.trim_start().starts_with(':')))
                .then_some((i + 1, 1))
        }
    })
}

/// Accepts `openapi: 3.0.x` only, naming what was found otherwise.
fn check_version(tree: &serde_json::Value) -> Result<(), (&'static str, String)> {
    if !tree.is_object() {
        return Err(("", "the document is not a mapping; expected an OpenAPI 3.0 object".into()));
    }
    if tree.get("swagger").is_some() {
        return Err((
            "/swagger",
            "Swagger 2.0 documents are not supported; convert the spec to OpenAPI 3.0".into(),
        ));
    }
    let version = match tree.get("openapi") {
        Some(serde_json::Value::String(v)) => v,
        Some(other) => {
            return Err(("/openapi", format!("`openapi` must be a version string, found {other}")));
        }
        None => return Err(("", "missing `openapi` version field; expected `openapi: 3.0.x`".into())),
    };
    if version.starts_with("3.0.") || version == "3.0" {
        Ok(())
    } else if version.starts_with("3.1") {
        Err((
            "/openapi",
            format!(
                "OpenAPI {version} is not supported: this generator reads OpenAPI 3.0 only \
                 (openapiv3 cannot represent 3.1); declare `openapi: 3.0.3` and use 3.0 constructs"
            ),
        ))
    } else {
        Err(("/openapi", format!("unsupported OpenAPI version {version:?}; expected 3.0.x")))
    }
}

/// Turns a serde path (`paths./pets.get`) into a JSON pointer (`/paths/~1pets/get`).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        let part = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => escape_pointer_segment(key),
            Segment::Enum { variant } => escape_pointer_segment(variant),
            Segment::Unknown => continue,
        };
        pointer.push('/');
        pointer.push_str(&part);
    }
    pointer
}
