//! The generated crate's smoke test (`tests/operations.rs`): every operation called once through
//! the crate's mock kit, with sample values for its required inputs and a sample answer, and
//! what the request must then carry. Values are samples of the model's types: required fields
//! only, the first enum value, the declared minimum, one item per list.

use serde_json::{json, Map, Value};

use super::{Input, OpPlan, Shape};
use crate::model::{Api, BodyKind, Limits, ParamLocation, Payload, StatusKey, TypeKind, TypeRef, Variant};
use crate::rust::raw_string;

/// How deep samples take the first variant of a union; deeper, they take the variant whose
/// smallest value nests least ([`Api::least_depth`]), so a recursive sample ends. Aliases do not
/// count.
const MAX_DEPTH: usize = 16;

/// Where samples stop whatever the type (only a type without a finite value gets there).
const STOP_DEPTH: usize = 4 * MAX_DEPTH;

/// The most items a sample list gets for its `minItems`.
const MAX_SAMPLE_ITEMS: usize = 64;

/// Lists deeper than this are sampled empty, which keeps samples small.
const LIST_DEPTH: usize = 4;

/// The mock's answer in the smoke test.
#[derive(Debug, Clone)]
pub enum SmokeAnswer {
    /// `respond(<sample payload>)`.
    Json(Value),
    /// `respond()`.
    Empty,
    /// `respond_bytes(status, content type, body)`.
    Raw {
        /// The HTTP status.
        status: u16,
        /// Its content type.
        content_type: &'static str,
        /// The body.
        body: String,
    },
}

/// One operation's call in the smoke test.
#[derive(Debug, Clone)]
pub struct SmokeCall {
    /// `(setter, Rust expression)` for each required input.
    pub setters: Vec<(String, String)>,
    /// The answer the mock gives.
    pub answer: SmokeAnswer,
    /// Query parameters the request must carry.
    pub query: Vec<String>,
    /// Headers the request must carry.
    pub headers: Vec<String>,
    /// Fields the JSON body must have (`Some(vec![])`: a body of any shape).
    pub body: Option<Vec<String>>,
}

/// The smoke call of `op`; `key_setters` are the token operation's access key setters, which
/// get the mock's access key instead of samples.
pub(super) fn call(api: &Api, krate: &str, op: &OpPlan, key_setters: &[(String, String)]) -> SmokeCall {
    let mut setters = Vec::new();
    let form = op.op.body.as_ref().is_some_and(|b| matches!(b.kind, BodyKind::Form | BodyKind::Multipart));
    for input in op.inputs.iter().filter(|i| i.required) {
        let value = match key_setters.iter().find(|(setter, _)| *setter == input.setter) {
            Some((_, constant)) => format!("{krate}::mock::{constant}"),
            // A form without a schema is any value, and only an object can be a form.
            None if form && input.param.is_none() && *input.ty == TypeRef::Any => {
                format!("serde_json::from_str::<serde_json::Value>({}).expect(\"a sample value\")", raw_string(r#"{"x":"x"}"#))
            }
            None => rust_value(api, krate, input),
        };
        setters.push((input.setter.clone(), value));
    }
    let required = |location: ParamLocation| -> Vec<String> {
        op.op.params.iter().filter(|p| p.required && p.location == location).map(|p| p.wire_name.clone()).collect()
    };
    let body = op.op.body.as_ref().filter(|b| b.kind == BodyKind::Json && op.inputs.iter().any(|i| i.param.is_none() && i.required)).map(|_| match op.body_fields {
        Some(fields) => fields.iter().filter(|f| f.required && !f.nullable && !f.flatten).map(|f| f.wire_name.clone()).collect(),
        None => Vec::new(),
    });
    let answer = match op.shape {
        Shape::Enveloped(Some(ty)) | Shape::Plain(ty) => SmokeAnswer::Json(sample(api, ty, 0)),
        Shape::Enveloped(None) | Shape::Empty => SmokeAnswer::Empty,
        Shape::Text | Shape::Binary | Shape::Answers(_) => {
            // The first declared success answer.
            let first = op.op.success.first();
            let status = match first.map(|a| a.status) {
                Some(StatusKey::Code(code)) => code,
                _ => 200,
            };
            match first.map(|a| &a.payload) {
                Some(Payload::Json(ty)) => SmokeAnswer::Raw { status, content_type: "application/json", body: sample(api, ty, 0).to_string() },
                Some(Payload::Text) => SmokeAnswer::Raw { status, content_type: "text/plain", body: "x".to_owned() },
                Some(Payload::Binary) => SmokeAnswer::Raw { status, content_type: "application/octet-stream", body: "x".to_owned() },
                _ => SmokeAnswer::Raw { status, content_type: "text/plain", body: String::new() },
            }
        }
    };
    SmokeCall { setters, answer, query: required(ParamLocation::Query), headers: required(ParamLocation::Header), body }
}

/// A Rust expression for a required input's setter.
fn rust_value(api: &Api, krate: &str, input: &Input) -> String {
    // A path segment is never empty: an object there gets every property, not only required ones.
    if input.param.is_some_and(|p| p.location == ParamLocation::Path)
        && let TypeRef::Named(name) = input.ty
        && let Some(TypeKind::Struct(fields)) = api.type_def(name).map(|t| &t.kind)
    {
        let object: Map<String, Value> = fields.iter().filter(|f| !f.flatten).map(|f| (f.wire_name.clone(), sample(api, &f.ty, MAX_DEPTH))).collect();
        return from_json(krate, name, &Value::Object(object));
    }
    // An enum whose only value is empty: any other text (an open enum keeps it) reaches the path.
    if input.param.is_some_and(|p| p.location == ParamLocation::Path)
        && let TypeRef::Named(name) = input.ty
        && let Some(TypeKind::Enum(values)) = api.type_def(name).map(|t| &t.kind)
        && first_value(values).is_empty()
    {
        return "\"x\"".to_owned();
    }
    match input.ty {
        TypeRef::Array(item) => {
            let item = item_value(api, krate, item, 0);
            format!("[{}]", vec![item; items(input.limits, 1)].join(", "))
        }
        ty => scalar_value(api, krate, ty, input.limits, 0),
    }
}

fn item_value(api: &Api, krate: &str, ty: &TypeRef, depth: usize) -> String {
    match ty {
        // Setters take items as `impl Into<Option<T>>`: a value of `T` would need two conversions.
        TypeRef::Nullable(inner) => {
            let prefix: proc_macro2::TokenStream = format!("{krate}::types::").parse().expect("a path");
            format!("Option::<{}>::None", crate::rust::rust_type(inner, &prefix))
        }
        _ => scalar_value(api, krate, ty, &Limits::EMPTY, depth),
    }
}

fn scalar_value(api: &Api, krate: &str, ty: &TypeRef, limits: &Limits, depth: usize) -> String {
    match ty {
        TypeRef::String { .. } => sample(api, ty, 0).to_string(),
        TypeRef::Integer { .. } => whole(limits).to_string(),
        TypeRef::Number { .. } => format!("{:?}", number(limits)),
        TypeRef::Boolean => "true".to_owned(),
        TypeRef::Array(item) if depth < MAX_DEPTH => {
            let item = exact(api, krate, item, item_value(api, krate, item, depth + 1));
            format!("vec![{}]", vec![item; items(limits, 1)].join(", "))
        }
        TypeRef::Map(_) => "std::collections::BTreeMap::new()".to_owned(),
        TypeRef::Object => "serde_json::Map::new()".to_owned(),
        TypeRef::Any => "serde_json::Value::from(\"x\")".to_owned(),
        TypeRef::Nullable(inner) => scalar_value(api, krate, inner, limits, depth),
        TypeRef::Named(name) => match api.type_def(name).map(|t| &t.kind) {
            // Enums convert from their wire text.
            Some(TypeKind::Enum(values)) => format!("{:?}", first_value(values)),
            Some(TypeKind::Alias(target)) if depth < MAX_DEPTH => match target {
                TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Object | TypeRef::Any => from_json(krate, name, &sample(api, ty, depth)),
                target => scalar_value(api, krate, target, limits, depth + 1),
            },
            _ => from_json(krate, name, &sample(api, ty, depth)),
        },
        TypeRef::Array(_) => "Vec::new()".to_owned(),
    }
}

/// `text` (a sample of `ty`) as a value of exactly that type: an item of a `vec![…]`, where no
/// `Into` conversion applies (a text literal is a `&str`, not a `String` or a string enum).
fn exact(api: &Api, krate: &str, ty: &TypeRef, text: String) -> String {
    match api.resolve(ty) {
        TypeRef::String { .. } => format!("String::from({text})"),
        TypeRef::Named(name) if matches!(api.type_def(name).map(|t| &t.kind), Some(TypeKind::Enum(_))) => format!("{krate}::types::{name}::from({text})"),
        _ => text,
    }
}

/// `value` decoded as `krate::types::Name` (from text: large samples would exceed the
/// recursion limit of `json!`).
fn from_json(krate: &str, name: &str, value: &Value) -> String {
    format!("serde_json::from_str::<{krate}::types::{name}>({}).expect(\"a sample value\")", raw_string(&value.to_string()))
}


/// The smallest whole number within declared bounds, from 1.
fn whole(limits: &Limits) -> i64 {
    let low = limits.minimum.unwrap_or(1.0).max(1.0);
    let value = match limits.maximum {
        Some(max) if max < low => max,
        _ => low,
    };
    value.ceil() as i64
}

/// A number within declared bounds: 1.5, else the minimum, else the maximum.
fn number(limits: &Limits) -> f64 {
    let low = limits.minimum.unwrap_or(1.5);
    limits.maximum.filter(|max| *max < low).unwrap_or(low)
}

/// How many items a sample list gets: `usual`, at least `minItems` (at most
/// [`MAX_SAMPLE_ITEMS`]), at most `maxItems`.
fn items(limits: &Limits, usual: usize) -> usize {
    let count = usual.max(limits.min_items.unwrap_or(0).min(MAX_SAMPLE_ITEMS));
    limits.max_items.map_or(count, |max| count.min(max))
}

/// A JSON sample of a field or list of `ty` that declares `limits` (its own bounds).
fn bounded_sample(api: &Api, ty: &TypeRef, limits: &Limits, depth: usize) -> Value {
    match ty {
        TypeRef::Integer { .. } if !limits.is_empty() => json!(whole(limits)),
        TypeRef::Number { .. } if !limits.is_empty() => json!(number(limits)),
        TypeRef::Array(item) if !limits.is_empty() => {
            let usual = usize::from(depth < LIST_DEPTH);
            Value::Array(vec![sample(api, item, depth + 1); items(limits, usual)])
        }
        TypeRef::Nullable(inner) => bounded_sample(api, inner, limits, depth),
        ty => sample(api, ty, depth),
    }
}

/// An enum's sample: its first value that is not empty (an empty path segment would not reach
/// the operation).
fn first_value(values: &[crate::model::EnumValue]) -> &str {
    values.iter().map(|v| v.wire.as_str()).find(|v| !v.is_empty()).or(values.first().map(|v| v.wire.as_str())).unwrap_or("x")
}

/// A JSON sample of `ty`: required fields only, first enum values, one item per list.
pub(super) fn sample(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    // Through aliases first (bounded, cycles included), at the same depth.
    let ty = api.resolve(ty);
    match ty {
        TypeRef::String { format } => match format.as_deref() {
            Some("date-time") => json!("2024-01-01T00:00:00Z"),
            Some("date") => json!("2024-01-01"),
            _ => json!("x"),
        },
        TypeRef::Integer { .. } => json!(1),
        TypeRef::Number { .. } => json!(1.5),
        TypeRef::Boolean => json!(true),
        TypeRef::Array(item) if depth < LIST_DEPTH => json!([sample(api, item, depth + 1)]),
        TypeRef::Array(_) => json!([]),
        TypeRef::Map(_) | TypeRef::Object => json!({}),
        TypeRef::Any => json!("x"),
        TypeRef::Nullable(inner) => sample(api, inner, depth),
        TypeRef::Named(name) => match api.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Enum(values)) => json!(first_value(values)),
            Some(TypeKind::NumberEnum { values, .. }) => values.first().map_or(json!(1), |v| Value::Number(v.wire.clone())),
            Some(TypeKind::Alias(target)) if depth < MAX_DEPTH => sample(api, target, depth + 1),
            _ if depth >= STOP_DEPTH => json!({}),
            Some(TypeKind::Union { variants, discriminator }) => variant_sample(api, pick_variant(api, variants, depth), discriminator.as_deref(), depth),
            Some(TypeKind::Struct(fields)) => {
                let mut object = Map::new();
                for field in fields.iter().filter(|f| f.required) {
                    let value = if field.nullable {
                        Value::Null
                    } else if field.flatten
                        && let Some(TypeKind::Union { variants, discriminator }) = api.resolve_kind(&field.ty)
                    {
                        // A variant beside the struct's own properties: one that agrees with them.
                        let agrees = |v: &&Variant| {
                            api.object_fields(&v.ty).is_none_or(|inner| {
                                inner.iter().all(|i| fields.iter().filter(|f| !f.flatten && f.wire_name == i.wire_name).all(|f| api.same_type(&f.ty, &i.ty)))
                            })
                        };
                        let chosen = variants.iter().filter(agrees).find(|v| api.least_depth(&v.ty).is_some());
                        variant_sample(api, chosen.or_else(|| pick_variant(api, variants, depth + 1)), discriminator.as_deref(), depth + 1)
                    } else {
                        bounded_sample(api, &field.ty, &field.limits, depth + 1)
                    };
                    match (field.flatten, value) {
                        // The variant's properties sit beside the others.
                        (true, Value::Object(more)) => object.extend(more),
                        (true, _) => {}
                        (false, value) => {
                            object.insert(field.wire_name.clone(), value);
                        }
                    }
                }
                Value::Object(object)
            }
            _ => json!({}),
        },
    }
}

/// The union variant a sample takes: the first, unless it has no finite value or the sample is
/// already deep (past [`MAX_DEPTH`]), when the one whose smallest value nests least.
fn pick_variant<'a>(api: &Api, variants: &'a [Variant], depth: usize) -> Option<&'a Variant> {
    match variants.first() {
        Some(first) if depth < MAX_DEPTH && api.least_depth(&first.ty).is_some() => Some(first),
        _ => variants.iter().filter(|v| api.least_depth(&v.ty).is_some()).min_by_key(|v| api.least_depth(&v.ty)).or(variants.first()),
    }
}

/// The sample of a union's variant `v`, its tag set when the union has a discriminator.
fn variant_sample(api: &Api, v: Option<&Variant>, discriminator: Option<&str>, depth: usize) -> Value {
    let Some(v) = v else { return json!("x") };
    let mut value = sample(api, &v.ty, depth + 1);
    if let (Some(property), Value::Object(object), Some(tag)) = (discriminator, &mut value, v.tags.first()) {
        object.insert(property.to_owned(), json!(tag));
    }
    value
}
