//! The config's `paging` and `batches` sections, resolved against an operation's inputs and
//! its answer: which fields hold the page, the limit, the items and the total, and which list
//! input is split.

use super::OpPlan;
use crate::config::{Batch, Paging};
use crate::model::{Api, Limits, TypeRef};

/// One step of a path: the builder's input first, then a field of the value before it.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    /// The Rust name of the builder field or struct field.
    pub field: String,
    /// Its wire name, for messages.
    pub wire: &'a str,
    /// Held as `Option` (builder fields always are).
    pub optional: bool,
    /// Its type, without that `Option`.
    pub ty: &'a TypeRef,
    /// Bounds declared on it.
    pub limits: &'a Limits,
}

/// `pages()` / `into_stream()` of a paged operation.
#[derive(Debug, Clone)]
pub struct PagingPlan<'a> {
    /// The section as configured (its paths, for docs).
    pub config: &'a Paging,
    /// From the builder to the page number, and its integer type.
    pub page: Vec<Step<'a>>,
    /// From the builder to the page size, and its integer type.
    pub limit: Vec<Step<'a>>,
    /// The page number's type.
    pub page_ty: TypeRef,
    /// The page size's type.
    pub limit_ty: TypeRef,
    /// The first page: the page input's minimum, else 1.
    pub first_page: u64,
    /// Pages of this many items unless the caller sets the limit.
    pub page_size: u64,
    /// The answer's payload type.
    pub payload: TypeRef,
    /// From the payload to its list of items.
    pub items: Vec<Step<'a>>,
    /// The type of one item.
    pub item: TypeRef,
    /// From the payload to the total number of items, if the API reports it.
    pub total: Option<Vec<Step<'a>>>,
}

/// `send_all()` of an operation whose list input is split.
#[derive(Debug, Clone)]
pub struct BatchPlan<'a> {
    /// The builder field of the list input.
    pub setter: String,
    /// Its wire name.
    pub wire: &'a str,
    /// Values per request.
    pub size: usize,
    /// The type of one value of the input.
    pub value_item: TypeRef,
    /// What `send_all()` returns.
    pub answers: Answers,
}

/// How `send_all()` puts the answers of its requests together.
#[derive(Debug, Clone)]
pub enum Answers {
    /// The answers' lists joined in order: items of this type.
    Joined(TypeRef),
    /// One answer per request, in order.
    Each(TypeRef),
    /// Answers without a payload: nothing.
    Nothing,
}

/// The builder methods paging and batching add: an input of the same name would collide.
const PAGING_METHODS: [&str; 2] = ["pages", "into_stream"];
const BATCH_METHODS: [&str; 1] = ["send_all"];

fn check_names(op: &OpPlan, methods: &[&str]) -> Result<(), String> {
    match op.inputs.iter().find(|i| methods.contains(&i.setter.as_str())) {
        Some(input) => Err(format!("its input {:?} has the builder method name {:?}", input.wire, input.setter)),
        None => Ok(()),
    }
}

/// Follows `segments` (wire names) through the fields of `start`, named `start_label`.
fn walk<'a>(api: &'a Api, start: &'a TypeRef, start_label: &'a str, segments: &[&str], key: &str, path: &str) -> Result<Vec<Step<'a>>, String> {
    let mut steps: Vec<Step<'a>> = Vec::new();
    for segment in segments {
        let (ty, label) = steps.last().map_or((start, start_label), |s| (s.ty, s.wire));
        let fields = api
            .object_fields(ty)
            .ok_or_else(|| format!("{key} {path:?}: {label} is not an object, so it has no field {segment:?}"))?;
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
fn input_path<'a>(api: &'a Api, op: &OpPlan<'a>, key: &str, path: &str) -> Result<Vec<Step<'a>>, String> {
    let segments: Vec<&str> = path.split('.').collect();
    let input = op.inputs.iter().find(|i| i.wire == segments[0]).ok_or_else(|| {
        let known: Vec<&str> = op.inputs.iter().map(|i| i.wire).collect();
        format!("{key} {path:?}: {:?} is not a parameter or body field of the operation (it has: {})", segments[0], known.join(", "))
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
            && !api.derives_default(name)
        {
            return Err(format!(
                "{key} {path:?}: {} may be unset, and its type {name} has required fields without defaults, so it cannot be filled in",
                step.wire
            ));
        }
    }
    Ok(steps)
}

/// The integer type of a path's last step, and the largest whole number it holds exactly.
fn integer(api: &Api, steps: &[Step], key: &str, path: &str) -> Result<(TypeRef, f64), String> {
    match api.resolve(steps.last().expect("a path has a step").ty) {
        ty @ TypeRef::Integer { bits, signed } => {
            let max = 2f64.powi(i32::from(*bits) - i32::from(*signed)) - 1.0;
            // Past 2^53 not every whole `f64` bound is exact.
            Ok((ty.clone(), max.min(9_007_199_254_740_992.0)))
        }
        _ => Err(format!("{key} {path:?} is not an integer")),
    }
}

/// A whole number from a bound or the config that the leaf's integer type can hold.
fn whole(value: f64, max: f64, what: &str) -> Result<u64, String> {
    if value.fract() != 0.0 || value < 0.0 || value > max {
        return Err(format!("{what} {value} is not a whole number this integer can hold"));
    }
    // Checked above: whole, non-negative, within range.
    Ok(value as u64)
}

/// Paging and batches send copies of one request: uploads (streams) cannot be copied.
fn check_repeatable(op: &OpPlan) -> Result<(), String> {
    match op.inputs.iter().find(|i| matches!(i.carrier, super::Carrier::Blob | super::Carrier::Blobs)) {
        Some(input) => Err(format!("its input {:?} is an upload, which cannot be sent more than once", input.wire)),
        None => Ok(()),
    }
}

pub(super) fn paged<'a>(api: &'a Api, op: &OpPlan<'a>, paging: &'a Paging) -> Result<PagingPlan<'a>, String> {
    check_names(op, &PAGING_METHODS)?;
    check_repeatable(op)?;
    let page = input_path(api, op, "page", &paging.page)?;
    let limit = input_path(api, op, "limit", &paging.limit)?;
    let (page_ty, page_max) = integer(api, &page, "page", &paging.page)?;
    let (limit_ty, limit_max) = integer(api, &limit, "limit", &paging.limit)?;
    let first_page = whole(page.last().and_then(|s| s.limits.minimum).unwrap_or(1.0), page_max, "the page's minimum")?;
    let size = match (paging.page_size, limit.last().and_then(|s| s.limits.maximum)) {
        (Some(size), _) => f64::from(size),
        (None, Some(max)) => max,
        (None, None) => return Err(format!("limit {:?} declares no maximum: set page-size", paging.limit)),
    };
    let page_size = whole(size, limit_max, "the page size")?;
    if page_size < 1 {
        return Err(format!("the page size {size} is less than 1"));
    }
    let payload = op.shape.payload().ok_or_else(|| "its answer has no JSON payload".to_owned())?;
    let label = "the answer's payload";
    let items_segments: Vec<&str> = paging.items.split('.').collect();
    let items = walk(api, payload, label, &items_segments, "items", &paging.items)?;
    let TypeRef::Array(item) = api.resolve(items.last().expect("a path has a step").ty) else {
        return Err(format!("items {:?} is not a list", paging.items));
    };
    let total = match &paging.total {
        Some(path) => {
            let segments: Vec<&str> = path.split('.').collect();
            let steps = walk(api, payload, label, &segments, "total", path)?;
            integer(api, &steps, "total", path)?;
            Some(steps)
        }
        None => None,
    };
    Ok(PagingPlan {
        config: paging,
        page,
        limit,
        page_ty,
        limit_ty,
        first_page,
        page_size,
        payload: payload.clone(),
        items,
        item: (**item).clone(),
        total,
    })
}

pub(super) fn batched<'a>(api: &'a Api, op: &OpPlan<'a>, batch: &Batch) -> Result<BatchPlan<'a>, String> {
    check_names(op, &BATCH_METHODS)?;
    check_repeatable(op)?;
    let input = op.inputs.iter().find(|i| i.wire == batch.parameter).ok_or_else(|| {
        let known: Vec<&str> = op.inputs.iter().map(|i| i.wire).collect();
        format!("{:?} is not a parameter or body field of the operation (it has: {})", batch.parameter, known.join(", "))
    })?;
    let TypeRef::Array(value_item) = api.resolve(input.ty) else {
        return Err(format!("parameter {:?} is not a list", batch.parameter));
    };
    if input.recursive {
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
    let answers = match op.shape.payload() {
        Some(payload) => match api.resolve(payload) {
            TypeRef::Array(item) => Answers::Joined((**item).clone()),
            _ => Answers::Each(payload.clone()),
        },
        None => Answers::Nothing,
    };
    Ok(BatchPlan {
        setter: input.setter.clone(),
        wire: input.wire,
        size,
        value_item: (**value_item).clone(),
        answers,
    })
}
