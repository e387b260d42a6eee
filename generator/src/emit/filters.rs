//! The config's `filters` section → typed search conditions, sort items and fuzzy-search fields
//! (`filters.rs` of the generated crate): `Filter::status().equal(UserDtoStatus::Suspended)`,
//! `Sort::created_at().desc()`.
//!
//! Everything is resolved against the model first ([`resolve`]), so a config naming a schema,
//! property, operator or enum the spec does not have is refused with the config key and what
//! the spec offers; [`render`] then only prints.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Value, json};

use super::docs::{doc_lines, lines_to_attrs};
use super::types::{ident, rust_type};
use crate::config::{Config, FILTER_VALUE_KINDS, FilterField, Filters, Takes};
use crate::error::Error;
use crate::model::{Api, EnumValue, Field, TypeDef, TypeKind, TypeRef};
use crate::naming::{self, Namespace};

/// The body of `filters.rs`, or `None` when the config declares no filters.
pub fn emit(api: &Api, config: &Config) -> Result<Option<TokenStream>, Error> {
    let Some(filters) = &config.filters else { return Ok(None) };
    let plan = resolve(api, config, filters).map_err(|message| Error::Config {
        path: "filters".into(),
        message,
    })?;
    Ok(Some(render(&plan)))
}

// ---------------------------------------------------------------------------------------------
// Resolution: config names → model types, fields and Rust identifiers.

/// Everything `render` prints, with every name decided.
struct Plan<'a> {
    /// The library name for doc examples (`genauth_client`).
    krate: String,
    client: String,
    /// The client method of the operation (`list_users`) and its setters for the conditions
    /// (`advanced_filter`) and the options (`options`).
    method: String,
    conditions_setter: String,
    options_setter: Option<String>,
    condition: ConditionPlan<'a>,
    sort: Option<SortPlan<'a>>,
    options: Option<OptionsPlan<'a>>,
}

struct ConditionPlan<'a> {
    /// The condition type (`ListUsersAdvancedFilterItemDto`) and its alias (`Filter`).
    schema: &'a TypeDef,
    alias: String,
    field: &'a Field,
    operator: &'a Field,
    value: &'a Field,
    /// The operator enum (`ListUsersAdvancedFilterItemDtoOperator`) and its alias
    /// (`FilterOperator`); `None` when the operator is a plain string.
    operator_enum: Option<(String, String)>,
    operators: Vec<OperatorPlan<'a>>,
    fields: Vec<FieldPlan<'a>>,
    /// `custom(name)`: any field, every operator, any value.
    custom: FieldPlan<'a>,
    raw_method: String,
    /// Whether a field takes `time` values (then `Timestamp` is emitted).
    uses_time: bool,
}

struct OperatorPlan<'a> {
    wire: &'a str,
    method: String,
    takes: Takes,
    /// The operator enum's variant for it, when the operator is an enum.
    variant: Option<String>,
    /// Its description from the spec (`- EQUAL: ...`).
    doc: Option<String>,
}

struct FieldPlan<'a> {
    /// The field as sent; `None` for `custom`, whose name is given at run time.
    wire: Option<&'a str>,
    method: String,
    builder: String,
    kind: ValueKind,
    /// Indexes into `ConditionPlan::operators`.
    operators: Vec<usize>,
    doc: Vec<String>,
}

/// What an operator method takes for one value.
#[derive(Clone)]
enum ValueKind {
    String,
    Integer,
    Number,
    Boolean,
    Time,
    Any,
    /// A type of the `types` module; with its values when it is an enum.
    Named { name: String, values: Option<Vec<EnumValue>> },
}

struct SortPlan<'a> {
    schema: &'a TypeDef,
    alias: String,
    /// `SortBy`: a field waiting for its order.
    builder: String,
    field: &'a Field,
    order: &'a Field,
    /// `created_at()` → `SortingDtoField::CreatedAt`, with the value's description; empty when
    /// the field is a plain string.
    fields: Vec<(String, EnumValue, Option<String>)>,
    by_method: String,
    /// `desc()` → `SortingDtoOrder::Desc`; empty when the order is a plain string.
    orders: Vec<(String, EnumValue, Option<String>)>,
    order_method: String,
}

/// An alias for an enum type: its name in `filters` and the enum's.
type ItemAlias = (String, String);

struct OptionsPlan<'a> {
    schema: &'a TypeDef,
    /// The values of the fuzzy-search item enum, when its items are one.
    fuzzy_values: Option<&'a [EnumValue]>,
    /// `with_sort` and the property.
    sort: Option<(String, &'a Field)>,
    /// `with_fuzzy_search_on`, the property, and the alias of its item enum (`FuzzySearchOn`,
    /// with the enum's name) when its items are an enum.
    fuzzy: Option<(String, &'a Field, Option<ItemAlias>)>,
}

fn find_type<'a>(api: &'a Api, name: &str) -> Option<&'a TypeDef> {
    api.types.iter().find(|t| t.name == name)
}

fn struct_type<'a>(api: &'a Api, key: &str, name: &str) -> Result<(&'a TypeDef, &'a [Field]), String> {
    match find_type(api, name).map(|t| (t, &t.kind)) {
        Some((t, TypeKind::Struct(fields))) => Ok((t, fields.as_slice())),
        Some(_) => Err(format!("{key}: {name:?} is not an object type of the spec")),
        None => Err(format!("{key}: {name:?} is not a type of the spec (types are named as in the generated `types` module)")),
    }
}

fn property<'a>(fields: &'a [Field], key: &str, schema: &str, wire: &str) -> Result<&'a Field, String> {
    fields.iter().find(|f| f.wire_name == wire).ok_or_else(|| {
        let known: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
        format!("{key}: {schema:?} has no property {wire:?} (it has {})", known.join(", "))
    })
}

/// A string property, or a string enum property with its enum: `Ok(None)` for a plain string.
fn string_or_enum<'a>(api: &'a Api, key: &str, schema: &str, field: &Field) -> Result<Option<(&'a TypeDef, &'a [EnumValue])>, String> {
    match &field.ty {
        TypeRef::String { .. } => Ok(None),
        TypeRef::Named(name) => match find_type(api, name).map(|t| (t, &t.kind)) {
            Some((t, TypeKind::Enum(values))) => Ok(Some((t, values.as_slice()))),
            _ => Err(format!("{key}: property {:?} of {schema:?} must be a string or a string enum", field.wire_name)),
        },
        _ => Err(format!("{key}: property {:?} of {schema:?} must be a string or a string enum", field.wire_name)),
    }
}

/// The text after `- <name>:` (or `` - `<name>`: ``) in a Markdown list, continuation lines
/// included: how the spec documents each value of a field or an enum.
fn bullet(description: Option<&str>, name: &str) -> Option<String> {
    let mut found: Option<String> = None;
    for line in description?.lines() {
        let line = line.trim();
        if let Some(text) = &mut found {
            if line.is_empty() || line.starts_with("- ") {
                break;
            }
            text.push(' ');
            text.push_str(line);
            continue;
        }
        let Some(item) = line.strip_prefix("- ") else { continue };
        let item = item.trim_start();
        let rest = item
            .strip_prefix('`')
            .and_then(|r| r.strip_prefix(name))
            .and_then(|r| r.strip_prefix('`'))
            .or_else(|| item.strip_prefix(name));
        if let Some(text) = rest.and_then(|r| r.strip_prefix(':')) {
            found = Some(text.trim().to_owned());
        }
    }
    found.filter(|t| !t.is_empty())
}

fn resolve<'a>(api: &'a Api, config: &Config, filters: &'a Filters) -> Result<Plan<'a>, String> {
    let c = &filters.condition;
    // Type names inside `filters`: aliases first, so builders give way on a collision.
    let mut types = Namespace::default();
    let alias = types.claim(c.type_name.clone());

    let (schema, props) = struct_type(api, "condition.schema", &c.schema)?;
    let field = property(props, "condition.field", &c.schema, &c.field)?;
    if !matches!(field.ty, TypeRef::String { .. }) || field.nullable {
        return Err(format!("condition.field: property {:?} of {:?} must be a string", c.field, c.schema));
    }
    let operator = property(props, "condition.operator", &c.schema, &c.operator)?;
    let operator_values = string_or_enum(api, "condition.operator", &c.schema, operator)?;
    let value = property(props, "condition.value", &c.schema, &c.value)?;
    if value.ty != TypeRef::Any {
        return Err(format!(
            "condition.value: property {:?} of {:?} must take any JSON value (declare it without a type)",
            c.value, c.schema
        ));
    }
    if (value.required && !value.nullable) && c.operators.iter().any(|o| o.takes == Takes::Nothing) {
        return Err(format!(
            "condition.value: property {:?} of {:?} is required, but an operator that takes nothing leaves it out",
            c.value, c.schema
        ));
    }
    only_optional_others("condition.schema", schema, &[&c.field, &c.operator, &c.value])?;
    let operator_enum = operator_values.map(|(t, _)| (t.name.clone(), types.claim(format!("{}Operator", c.type_name))));

    let mut operators = Vec::new();
    for (i, op) in c.operators.iter().enumerate() {
        let variant = match operator_values {
            Some((t, values)) => Some(
                values
                    .iter()
                    .find(|v| v.wire == op.wire)
                    .map(|v| v.name.clone())
                    .ok_or_else(|| {
                        let known: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
                        format!(
                            "condition.operators[{i}] ({:?}) is not a value of {:?} ({})",
                            op.wire,
                            t.name,
                            known.join(", ")
                        )
                    })?,
            ),
            None => None,
        };
        operators.push(OperatorPlan {
            wire: &op.wire,
            method: op.method.clone().unwrap_or_else(|| naming::snake(&op.wire)),
            takes: op.takes,
            variant,
            doc: bullet(operator.description.as_deref(), &op.wire),
        });
    }

    // Constructors on the condition type: `custom` and `raw` first, then one per field.
    let mut methods = Namespace::with_reserved(&["check_limits"]);
    let custom_method = methods.claim("custom".to_owned());
    let raw_method = methods.claim("raw".to_owned());
    let custom_builder = types.claim(format!("Custom{}", c.type_name));
    let mut fields = Vec::new();
    let mut uses_time = false;
    for (i, f) in c.fields.iter().enumerate() {
        let key = format!("condition.fields[{i}] ({:?})", f.name);
        let kind = value_kind(api, &key, f)?;
        uses_time |= matches!(kind, ValueKind::Time);
        let ops = f
            .operators
            .iter()
            .map(|w| {
                operators
                    .iter()
                    .position(|o| o.wire == w)
                    .ok_or_else(|| format!("{key}: operator {w:?} is not one of condition.operators"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let text = f.doc.clone().or_else(|| bullet(field.description.as_deref(), &f.name));
        fields.push(FieldPlan {
            wire: Some(&f.name),
            method: methods.claim(naming::snake(&f.name)),
            builder: types.claim(format!("{}{}", naming::type_name(&f.name).trim_end_matches('_'), c.type_name)),
            kind,
            operators: ops,
            doc: text.map(|t| doc_lines(&t)).unwrap_or_default(),
        });
    }
    let custom = FieldPlan {
        wire: None,
        method: custom_method,
        builder: custom_builder,
        kind: ValueKind::Any,
        operators: (0..operators.len()).collect(),
        doc: Vec::new(),
    };

    // The operation: its setters for the conditions and the options.
    let op = api
        .operations
        .iter()
        .find(|o| o.id == filters.operation)
        .ok_or_else(|| format!("operation {:?} is not an operationId of the spec", filters.operation))?;
    let body_fields = op.body.as_ref().and_then(|b| match (&b.flattened, &b.ty) {
        (Some(setters), TypeRef::Named(name)) => match find_type(api, name).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => Some(fields.iter().zip(setters).collect::<Vec<_>>()),
            _ => None,
        },
        _ => None,
    });
    let body_fields = body_fields.unwrap_or_default();
    let conditions_setter = body_fields
        .iter()
        .find(|(f, _)| f.ty == TypeRef::Array(Box::new(TypeRef::Named(schema.name.clone()))))
        .map(|(_, s)| (*s).clone())
        .ok_or_else(|| format!("operation: the request body of {:?} has no array of {:?}", op.id, schema.name))?;

    let sort = match &filters.sort {
        None => None,
        Some(s) => {
            let (schema, props) = struct_type(api, "sort.schema", &s.schema)?;
            let field = property(props, "sort.field", &s.schema, &s.field)?;
            let order = property(props, "sort.order", &s.schema, &s.order)?;
            let field_values = string_or_enum(api, "sort.field", &s.schema, field)?;
            let order_values = string_or_enum(api, "sort.order", &s.schema, order)?;
            only_optional_others("sort.schema", schema, &[&s.field, &s.order])?;
            let alias = types.claim(s.type_name.clone());
            let builder = types.claim(format!("{}By", s.type_name));
            let mut ctors = Namespace::with_reserved(&["check_limits"]);
            let by_method = ctors.claim("by".to_owned());
            let fields = field_values
                .map(|(t, values)| {
                    values
                        .iter()
                        .map(|v| (ctors.claim(naming::snake(&v.wire)), v.clone(), bullet(t.description.as_deref(), &v.wire)))
                        .collect()
                })
                .unwrap_or_default();
            let mut order_methods = Namespace::default();
            let order_method = order_methods.claim("order".to_owned());
            let orders = order_values
                .map(|(t, values)| {
                    values
                        .iter()
                        .map(|v| (order_methods.claim(naming::snake(&v.wire)), v.clone(), bullet(t.description.as_deref(), &v.wire)))
                        .collect()
                })
                .unwrap_or_default();
            Some(SortPlan {
                schema,
                alias,
                builder,
                field,
                order,
                fields,
                by_method,
                orders,
                order_method,
            })
        }
    };

    let (options, options_setter) = match &filters.options {
        None => (None, None),
        Some(o) => {
            let (schema, props) = struct_type(api, "options.schema", &o.schema)?;
            let mut setters = Namespace::with_reserved(&["check_limits"]);
            let sort_prop = match &o.sort {
                None => None,
                Some(wire) => {
                    let prop = property(props, "options.sort", &o.schema, wire)?;
                    let Some(sort) = &sort else {
                        return Err("options.sort names a property of sort items, but there is no `sort` section".to_owned());
                    };
                    if prop.ty != TypeRef::Array(Box::new(TypeRef::Named(sort.schema.name.clone()))) {
                        return Err(format!("options.sort: property {wire:?} of {:?} is not an array of {:?}", o.schema, sort.schema.name));
                    }
                    Some((setters.claim(format!("with_{}", prop.name)), prop))
                }
            };
            let fuzzy = match &o.fuzzy_search_on {
                None => None,
                Some(wire) => {
                    let prop = property(props, "options.fuzzy-search-on", &o.schema, wire)?;
                    let item_enum = match &prop.ty {
                        TypeRef::Array(item) => match item.as_ref() {
                            TypeRef::String { .. } => None,
                            TypeRef::Named(name) if matches!(find_type(api, name).map(|t| &t.kind), Some(TypeKind::Enum(_))) => {
                                Some((types.claim(o.fuzzy_type.clone()), name.clone()))
                            }
                            _ => return Err(format!("options.fuzzy-search-on: property {wire:?} of {:?} is not an array of strings", o.schema)),
                        },
                        _ => return Err(format!("options.fuzzy-search-on: property {wire:?} of {:?} is not an array", o.schema)),
                    };
                    Some((setters.claim(format!("with_{}", prop.name)), prop, item_enum))
                }
            };
            let setter = body_fields
                .iter()
                .find(|(f, _)| f.ty == TypeRef::Named(schema.name.clone()))
                .map(|(_, s)| (*s).clone());
            let fuzzy_values = fuzzy.as_ref().and_then(|(_, _, item)| item.as_ref()).and_then(|(_, name)| {
                match find_type(api, name).map(|t| &t.kind) {
                    Some(TypeKind::Enum(values)) => Some(values.as_slice()),
                    _ => None,
                }
            });
            (
                Some(OptionsPlan {
                    schema,
                    fuzzy_values,
                    sort: sort_prop,
                    fuzzy,
                }),
                setter,
            )
        }
    };

    Ok(Plan {
        krate: config.crate_ident(),
        client: config.client_name.clone(),
        method: op.name.clone(),
        conditions_setter,
        options_setter,
        condition: ConditionPlan {
            schema,
            alias,
            field,
            operator,
            value,
            operator_enum,
            operators,
            fields,
            custom,
            raw_method,
            uses_time,
        },
        sort,
        options,
    })
}

fn value_kind(api: &Api, key: &str, f: &FilterField) -> Result<ValueKind, String> {
    Ok(match f.value.as_str() {
        "string" => ValueKind::String,
        "integer" => ValueKind::Integer,
        "number" => ValueKind::Number,
        "boolean" => ValueKind::Boolean,
        "time" => ValueKind::Time,
        "any" => ValueKind::Any,
        name => match find_type(api, name) {
            Some(t) => ValueKind::Named {
                name: t.name.clone(),
                values: match &t.kind {
                    TypeKind::Enum(values) => Some(values.clone()),
                    _ => None,
                },
            },
            None => {
                return Err(format!(
                    "{key}: value {name:?} is neither a value kind ({}) nor a type of the spec",
                    FILTER_VALUE_KINDS.join(", ")
                ));
            }
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/// The fields of a struct besides `known` (all optional: `resolve` checked), left `None`.
fn other_fields(schema: &TypeDef, known: &[&Field]) -> Vec<proc_macro2::Ident> {
    let TypeKind::Struct(fields) = &schema.kind else { return Vec::new() };
    fields
        .iter()
        .filter(|f| !known.iter().any(|k| k.wire_name == f.wire_name))
        .map(|f| ident(&f.name))
        .collect()
}

/// Refuses a struct with a required field besides `known`: the helpers could not fill it.
fn only_optional_others(key: &str, schema: &TypeDef, known: &[&str]) -> Result<(), String> {
    let TypeKind::Struct(fields) = &schema.kind else { return Ok(()) };
    match fields.iter().find(|f| f.required && !f.nullable && !known.contains(&f.wire_name.as_str())) {
        Some(f) => Err(format!("{key}: {:?} has a required property {:?} the helpers cannot fill", schema.name, f.wire_name)),
        None => Ok(()),
    }
}

/// `expr`, or `Some(expr)` for a property that is optional in its struct.
fn wrap(field: &Field, expr: TokenStream) -> TokenStream {
    if field.required && !field.nullable { expr } else { quote!(Some(#expr)) }
}

/// The initializer of `field` from the local `local` (shorthand when the names match).
fn init(field: &Field, local: &str) -> TokenStream {
    let name = ident(&field.name);
    let local = ident(local);
    let value = wrap(field, quote!(#local));
    if field.required && !field.nullable && name == local { quote!(#name) } else { quote!(#name: #value) }
}

fn types_path(name: &str) -> TokenStream {
    rust_type(&TypeRef::Named(name.to_owned()), &quote!(crate::types::))
}

impl ValueKind {
    /// The Rust type a method takes `impl Into<_>` of.
    fn rust(&self) -> TokenStream {
        match self {
            ValueKind::String => quote!(String),
            ValueKind::Integer => quote!(i64),
            ValueKind::Number => quote!(f64),
            ValueKind::Boolean => quote!(bool),
            ValueKind::Time => quote!(Timestamp),
            ValueKind::Any => quote!(serde_json::Value),
            ValueKind::Named { name, .. } => types_path(name),
        }
    }

    /// `value` (already converted with `.into()`) as a `serde_json::Value`.
    fn to_json(&self, value: TokenStream) -> TokenStream {
        match self {
            ValueKind::Any => value,
            _ => quote!(json(#value)),
        }
    }

    /// How the docs name the values.
    fn doc(&self) -> String {
        match self {
            ValueKind::String => "text".to_owned(),
            ValueKind::Integer => "whole numbers".to_owned(),
            ValueKind::Number => "numbers".to_owned(),
            ValueKind::Boolean => "`true` or `false`".to_owned(),
            ValueKind::Time => {
                "points in time ([`Timestamp`]: RFC 3339 text, epoch milliseconds or a `SystemTime`)".to_owned()
            }
            ValueKind::Any => "any JSON value".to_owned(),
            ValueKind::Named { name, .. } => format!("[`{name}`](crate::types::{name})"),
        }
    }

    /// Two sample values for doc examples, as Rust (`krate` naming the crate) and as JSON;
    /// `None` for a struct or union type, which has no obvious sample.
    fn samples(&self, krate: &str) -> Option<[(String, Value); 2]> {
        let text = |a: &str, b: &str| [(format!("{a:?}"), json!(a)), (format!("{b:?}"), json!(b))];
        Some(match self {
            ValueKind::String | ValueKind::Any => text("some-value", "other-value"),
            ValueKind::Integer => [("10".to_owned(), json!(10)), ("100".to_owned(), json!(100))],
            ValueKind::Number => [("1.5".to_owned(), json!(1.5)), ("2.5".to_owned(), json!(2.5))],
            ValueKind::Boolean => [("true".to_owned(), json!(true)), ("false".to_owned(), json!(false))],
            ValueKind::Time => text("2022-07-03T03:20:30.000Z", "2022-07-10T03:20:30.000Z"),
            ValueKind::Named { name, values: Some(values) } if !values.is_empty() => {
                let sample = |v: &EnumValue| (format!("{krate}::types::{name}::{}", v.name), json!(v.wire));
                [sample(&values[0]), sample(values.get(1).unwrap_or(&values[0]))]
            }
            ValueKind::Named { .. } => return None,
        })
    }
}

/// Prose lines followed by a compiled example.
fn with_example(mut lines: Vec<String>, code: &[String]) -> Vec<String> {
    lines.push(String::new());
    lines.push("```".to_owned());
    lines.extend(code.iter().cloned());
    lines.push("```".to_owned());
    lines
}

/// Doc attributes for prose lines followed by a compiled example.
fn docs_with_example(lines: Vec<String>, code: &[String]) -> TokenStream {
    lines_to_attrs(&with_example(lines, code))
}

/// Inner doc attributes (`//!`) for lines.
fn inner_docs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    quote!(#(#attrs)*)
}

fn render(plan: &Plan) -> TokenStream {
    let c = &plan.condition;
    let krate = &plan.krate;
    let schema = types_path(&c.schema.name);
    let alias = ident(&c.alias);
    let value_ident = ident(&c.value.name);
    let operator_ty = match &c.operator_enum {
        Some((name, _)) => types_path(name),
        None => quote!(String),
    };

    // Module docs, with an example through the client.
    let mut module_lines = vec![
        format!(
            "Typed conditions for [`{client}::{method}`](crate::{client}::{method}): its `{setter}` items, built without writing JSON.",
            client = plan.client,
            method = plan.method,
            setter = plan.conditions_setter,
        ),
        String::new(),
        format!(
            "[`{alias}`] has a constructor per documented field, each returning a builder with exactly the operators \
             that field allows and typed values; [`{alias}::{custom}`](crate::types::{schema}::{custom}) reaches any \
             other field (custom ones included) and [`{alias}::{raw}`](crate::types::{schema}::{raw}) takes any field, \
             operator and JSON value.",
            alias = c.alias,
            schema = c.schema.name,
            custom = c.custom.method,
            raw = c.raw_method
        ),
    ];
    if let Some(sort) = &plan.sort {
        module_lines.push(format!(
            "[`{alias}`] makes sort items the same way (`{alias}::{}().{}()`).",
            sort.fields.first().map_or(sort.by_method.as_str(), |(m, _, _)| m.as_str()),
            sort.orders.first().map_or(sort.order_method.as_str(), |(m, _, _)| m.as_str()),
            alias = sort.alias,
        ));
    }
    let example = module_example(plan);
    let module_docs = inner_docs(&with_example(module_lines, &example));

    // The condition alias and constructors.
    let alias_doc = format!(
        " One condition: [`{name}`](crate::types::{name}) under a shorter name, with a constructor per documented field.",
        name = c.schema.name
    );
    let operator_alias = c.operator_enum.as_ref().map(|(name, alias_name)| {
        let doc = format!(" The operators of a [`{}`]: [`{name}`](crate::types::{name}).", c.alias);
        let alias_name = ident(alias_name);
        let target = types_path(name);
        quote! {
            #[doc = #doc]
            pub type #alias_name = #target;
        }
    });
    let constructors = c.fields.iter().map(|f| {
        let wire = f.wire.expect("documented fields have a name");
        let method = ident(&f.method);
        let builder = ident(&f.builder);
        let mut lines = vec![format!("Conditions on `{wire}`{}", if f.doc.is_empty() { "." } else { ":" })];
        if let Some((first, rest)) = f.doc.split_first() {
            lines[0].push(' ');
            lines[0].push_str(first);
            lines.extend(rest.iter().cloned());
            if let Some(last) = lines.last_mut()
                && !last.ends_with(['.', '!', '?', ')', '`'])
            {
                last.push('.');
            }
        }
        lines.push(String::new());
        lines.push(format!(
            "Values: {}. Operators: {} (see [`{b}`]).",
            f.kind.doc(),
            operator_list(c, f),
            b = f.builder
        ));
        let docs = lines_to_attrs(&lines);
        quote! {
            #docs
            pub fn #method() -> #builder {
                #builder { field: #wire.to_owned() }
            }
        }
    });
    let custom_method = ident(&c.custom.method);
    let custom_builder = ident(&c.custom.builder);
    let custom_doc = format!(
        " Conditions on any field, custom ones included (`\"some-custom-key\"`), with every operator and any JSON value: [`{b}`].",
        b = c.custom.builder
    );
    let raw_method = ident(&c.raw_method);
    let raw_doc = match &c.operator_enum {
        Some((_, op_alias)) => format!(
            " A condition exactly as given: any field, any operator ([`{op_alias}`], or `\"NEW_OP\".into()` for one this client does not know) and any JSON value."
        ),
        None => " A condition exactly as given: any field, any operator and any JSON value.".to_owned(),
    };
    let (field_init, operator_init) = (init(c.field, "field"), init(c.operator, "operator"));
    let value_init = match (c.value.required && !c.value.nullable, c.value.name == "value") {
        (true, _) => quote!(#value_ident: value.unwrap_or_default()),
        (false, true) => quote!(value),
        (false, false) => quote!(#value_ident: value),
    };

    let condition_rest = other_fields(c.schema, &[c.field, c.operator, c.value]);
    let builders = std::iter::once(&c.custom).chain(&c.fields).map(|f| builder(plan, f, &operator_ty));
    let needs_json = c.fields.iter().any(|f| !matches!(f.kind, ValueKind::Any));
    let json_fn = needs_json.then(|| {
        quote! {
            /// A typed value as JSON. Serializing the generated types cannot fail: their maps all
            /// have string keys.
            fn json<T: serde::Serialize>(value: T) -> serde_json::Value {
                serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
            }
        }
    });
    let timestamp = c.uses_time.then(|| timestamp(krate));
    let sort = plan.sort.as_ref().map(|s| render_sort(plan, s));
    let options = plan.options.as_ref().map(|o| render_options(plan, o));

    quote! {
        #module_docs

        #[doc = #alias_doc]
        pub type #alias = #schema;

        #operator_alias

        impl #schema {
            #(#constructors)*

            #[doc = #custom_doc]
            pub fn #custom_method(field: impl Into<String>) -> #custom_builder {
                #custom_builder { field: field.into() }
            }

            #[doc = #raw_doc]
            pub fn #raw_method(field: impl Into<String>, operator: impl Into<#operator_ty>, value: impl Into<serde_json::Value>) -> Self {
                condition(field.into(), operator.into(), Some(value.into()))
            }
        }

        /// The condition on `field` with `operator` and, unless the operator takes none, a value.
        fn condition(field: String, operator: #operator_ty, value: Option<serde_json::Value>) -> #alias {
            #schema {
                #field_init,
                #operator_init,
                #value_init,
                #(#condition_rest: None,)*
            }
        }

        #json_fn

        #(#builders)*

        #timestamp

        #sort

        #options
    }
}

/// `` `EQUAL`, `IN` `` for a field's operators.
fn operator_list(c: &ConditionPlan, f: &FieldPlan) -> String {
    f.operators.iter().map(|&i| format!("`{}`", c.operators[i].wire)).collect::<Vec<_>>().join(", ")
}

/// The module example: two conditions, and sort items when there are any, sent through the
/// client.
fn module_example(plan: &Plan) -> Vec<String> {
    let c = &plan.condition;
    let krate = &plan.krate;
    let mut uses = vec![c.alias.clone()];
    let mut calls = Vec::new();
    // A documented field (one with enum values reads best), and a custom field.
    let enum_first = c.fields.iter().filter(|f| matches!(f.kind, ValueKind::Named { values: Some(_), .. }));
    if let Some((call, _, _)) = enum_first.chain(&c.fields).find_map(|f| sample_call(plan, f)) {
        calls.push(call);
    }
    if let Some((call, _, _)) = sample_call(plan, &c.custom) {
        calls.push(call);
    }
    let mut lines = Vec::new();
    let mut chain = vec![format!("    .{}()", plan.method), format!("    .{}([", plan.conditions_setter)];
    chain.extend(calls.iter().map(|call| format!("        {call},")));
    chain.push("    ])".to_owned());
    if let (Some(sort), Some(options), Some(setter)) = (&plan.sort, &plan.options, &plan.options_setter)
        && let Some((with_sort, _)) = &options.sort
        && let Some(fields) = options.schema_fields()
        && fields.iter().all(|f| !f.required || f.nullable)
    {
        uses.push(sort.alias.clone());
        let first = sort.fields.first().map_or_else(|| format!("{}(\"a\")", sort.by_method), |(m, _, _)| format!("{m}()"));
        let order = sort.orders.first().map_or_else(|| format!("{}(\"desc\")", sort.order_method), |(m, _, _)| format!("{m}()"));
        chain.push(format!(
            "    .{setter}({krate}::types::{}::default().{with_sort}([{}::{first}.{order}]))",
            options.schema.name, sort.alias
        ));
    }
    chain.push("    .send()".to_owned());
    chain.push("    .await?;".to_owned());
    lines.push(format!("use {krate}::filters::{{{}}};", uses.join(", ")));
    lines.push(String::new());
    lines.push(format!("# async fn run(client: {krate}::{}) -> Result<(), {krate}::Error> {{", plan.client));
    lines.push("let answer = client".to_owned());
    lines.extend(chain);
    lines.push("# let _ = answer;".to_owned());
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines
}

impl OptionsPlan<'_> {
    fn schema_fields(&self) -> Option<&[Field]> {
        match &self.schema.kind {
            TypeKind::Struct(fields) => Some(fields),
            _ => None,
        }
    }
}

/// A sample call of a builder (`Filter::status().equal(...)`) and the JSON value it sends,
/// using its first operator that takes one value, else a list, a pair or nothing.
fn sample_call<'a>(plan: &'a Plan, f: &FieldPlan) -> Option<(String, &'a str, Option<Value>)> {
    let c = &plan.condition;
    let samples = f.kind.samples(&plan.krate)?;
    let rank = |t: Takes| match t {
        Takes::One => 0,
        Takes::List => 1,
        Takes::Pair => 2,
        Takes::Nothing => 3,
    };
    let &op = f.operators.iter().min_by_key(|&&i| rank(c.operators[i].takes))?;
    let op = &c.operators[op];
    let ctor = match f.wire {
        Some(_) => format!("{}::{}()", c.alias, f.method),
        None => format!("{}::{}(\"some-custom-key\")", c.alias, f.method),
    };
    let [(a, ja), (b, jb)] = samples;
    let (args, value) = match op.takes {
        Takes::Nothing => (String::new(), None),
        Takes::One => (a, Some(ja)),
        Takes::List => (format!("[{a}, {b}]"), Some(json!([ja, jb]))),
        Takes::Pair => (format!("{a}, {b}"), Some(json!([ja, jb]))),
    };
    Some((format!("{ctor}.{}({args})", op.method), op.wire, value))
}

/// One builder type: its docs with an example, and a method per operator it allows.
fn builder(plan: &Plan, f: &FieldPlan, operator_ty: &TokenStream) -> TokenStream {
    let c = &plan.condition;
    let krate = &plan.krate;
    let name = ident(&f.builder);
    let constructor = format!("[`{}::{m}`](crate::types::{}::{m})", c.alias, c.schema.name, m = f.method);
    let mut lines = match f.wire {
        Some(wire) => vec![format!("Conditions on `{wire}`, started by {constructor}: one method per operator the field allows.")],
        None => vec![format!(
            "Conditions on a field named at run time, started by {constructor}: every operator, any JSON value."
        )],
    };
    lines.push(String::new());
    lines.push(format!("Values: {}.", f.kind.doc()));
    let example = match sample_call(plan, f) {
        Some((call, op_wire, value)) => {
            let field_check = if c.field.required && !c.field.nullable {
                format!("filter.{}", c.field.name)
            } else {
                format!("filter.{}.as_deref().unwrap_or_default()", c.field.name)
            };
            let wire = f.wire.unwrap_or("some-custom-key");
            let mut wire_json = serde_json::Map::new();
            wire_json.insert(c.field.wire_name.clone(), json!(wire));
            wire_json.insert(c.operator.wire_name.clone(), json!(op_wire));
            if let Some(value) = value {
                wire_json.insert(c.value.wire_name.clone(), value);
            }
            vec![
                format!("use {krate}::filters::{};", c.alias),
                String::new(),
                format!("let filter = {call};"),
                format!("assert_eq!({field_check}, {wire:?});"),
                "assert_eq!(".to_owned(),
                "    serde_json::to_value(&filter).unwrap(),".to_owned(),
                format!("    serde_json::json!({}),", Value::Object(wire_json)),
                ");".to_owned(),
            ]
        }
        None => {
            // A struct value has no obvious sample: the example takes one.
            let ValueKind::Named { name: ty, .. } = &f.kind else { unreachable!("only structs lack samples") };
            let op = &c.operators[f.operators[0]];
            let call = match op.takes {
                Takes::Nothing => String::new(),
                Takes::One => "value".to_owned(),
                Takes::List => "[value]".to_owned(),
                Takes::Pair => "value.clone(), value".to_owned(),
            };
            vec![
                format!("use {krate}::filters::{};", c.alias),
                format!("use {krate}::types::{ty};"),
                String::new(),
                format!("fn condition(value: {ty}) -> {} {{", c.alias),
                format!("    {}::{}().{}({call})", c.alias, f.method, op.method),
                "}".to_owned(),
            ]
        }
    };
    let docs = docs_with_example(lines, &example);
    let ty = f.kind.rust();
    let alias_ty = ident(&c.alias);
    let methods = f.operators.iter().map(|&i| {
        let op = &c.operators[i];
        let method = ident(&op.method);
        let operator = match &op.variant {
            Some(variant) => {
                let variant = ident(variant);
                quote!(#operator_ty::#variant)
            }
            None => {
                let wire = op.wire;
                quote!(#wire.to_owned())
            }
        };
        let mut lines = vec![match &op.doc {
            Some(text) => format!("`{}`: {}", op.wire, doc_lines(text).join(" ")),
            None => format!("`{}`.", op.wire),
        }];
        let takes = match op.takes {
            Takes::Nothing => Some(format!("Sends no `{}`.", c.value.wire_name)),
            Takes::One => None,
            Takes::List => Some("Sends the values as a JSON array.".to_owned()),
            Takes::Pair => Some("Sends `[from, to]`.".to_owned()),
        };
        if let Some(takes) = takes {
            lines.push(String::new());
            lines.push(takes);
        }
        let docs = lines_to_attrs(&lines);
        match op.takes {
            Takes::Nothing => quote! {
                #docs
                pub fn #method(self) -> #alias_ty {
                    condition(self.field, #operator, None)
                }
            },
            Takes::One => {
                let value = f.kind.to_json(quote!(value.into()));
                quote! {
                    #docs
                    pub fn #method(self, value: impl Into<#ty>) -> #alias_ty {
                        condition(self.field, #operator, Some(#value))
                    }
                }
            }
            Takes::List => {
                let item = f.kind.to_json(quote!(item.into()));
                quote! {
                    #docs
                    pub fn #method(self, values: impl IntoIterator<Item = impl Into<#ty>>) -> #alias_ty {
                        let values = values.into_iter().map(|item| #item).collect();
                        condition(self.field, #operator, Some(serde_json::Value::Array(values)))
                    }
                }
            }
            Takes::Pair => {
                let (from, to) = (f.kind.to_json(quote!(from.into())), f.kind.to_json(quote!(to.into())));
                quote! {
                    #docs
                    pub fn #method(self, from: impl Into<#ty>, to: impl Into<#ty>) -> #alias_ty {
                        condition(self.field, #operator, Some(serde_json::Value::Array(vec![#from, #to])))
                    }
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[must_use = "a field does nothing until an operator method makes a condition of it"]
        pub struct #name {
            field: String,
        }

        impl #name {
            #(#methods)*
        }
    }
}

fn render_sort(plan: &Plan, s: &SortPlan) -> TokenStream {
    let krate = &plan.krate;
    let schema = types_path(&s.schema.name);
    let alias = ident(&s.alias);
    let builder = ident(&s.builder);
    let alias_doc = format!(
        " One sort item: [`{name}`](crate::types::{name}) under a shorter name, with a constructor per field it sorts by.",
        name = s.schema.name
    );
    let field_ty = match &s.field.ty {
        TypeRef::Named(name) => types_path(name),
        _ => quote!(String),
    };
    let order_ty = match &s.order.ty {
        TypeRef::Named(name) => types_path(name),
        _ => quote!(String),
    };
    let field_ident = ident(&s.field.name);
    let rest = other_fields(s.schema, &[s.field, s.order]);
    let field_value = wrap(s.field, quote!(self.field));
    let order_init = init(s.order, "order");
    let ctors = s.fields.iter().map(|(method, value, doc)| {
        let line = match doc {
            Some(text) => format!("Sorts by `{}`: {}.", value.wire, doc_lines(text).join(" ").trim_end_matches('.')),
            None => format!("Sorts by `{}`.", value.wire),
        };
        let docs = lines_to_attrs(&[line]);
        let method = ident(method);
        let variant = ident(&value.name);
        quote! {
            #docs
            pub fn #method() -> #builder {
                #builder { field: #field_ty::#variant }
            }
        }
    });
    let by = ident(&s.by_method);
    let by_doc = if s.fields.is_empty() {
        " Sorts by `field`.".to_owned()
    } else {
        " Sorts by any field, one this client does not know included.".to_owned()
    };
    let order_method = ident(&s.order_method);
    let orders = s.orders.iter().map(|(method, value, doc)| {
        let line = match doc {
            Some(text) => format!("`{}`: {}", value.wire, doc_lines(text).join(" ")),
            None => format!("`{}`.", value.wire),
        };
        let docs = lines_to_attrs(&[line]);
        let method = ident(method);
        let variant = ident(&value.name);
        quote! {
            #docs
            pub fn #method(self) -> #alias {
                self.#order_method(#order_ty::#variant)
            }
        }
    });
    let order_doc = if s.orders.is_empty() {
        " The item with this order.".to_owned()
    } else {
        " The item with any order, one this client does not know included.".to_owned()
    };
    // The builder's example: its first field and order.
    let (field_call, field_wire) = match s.fields.first() {
        Some((m, v, _)) => (format!("{m}()"), v.wire.clone()),
        None => (format!("{}(\"a\")", s.by_method), "a".to_owned()),
    };
    let (order_call, order_wire) = match s.orders.first() {
        Some((m, v, _)) => (format!("{m}()"), v.wire.clone()),
        None => (format!("{}(\"desc\")", s.order_method), "desc".to_owned()),
    };
    let mut wire = serde_json::Map::new();
    wire.insert(s.field.wire_name.clone(), json!(field_wire));
    wire.insert(s.order.wire_name.clone(), json!(order_wire));
    let example = vec![
        format!("use {krate}::filters::{};", s.alias),
        String::new(),
        format!("let item = {}::{field_call}.{order_call};", s.alias),
        "assert_eq!(".to_owned(),
        "    serde_json::to_value(&item).unwrap(),".to_owned(),
        format!("    serde_json::json!({}),", Value::Object(wire)),
        ");".to_owned(),
    ];
    let builder_docs = docs_with_example(
        vec![format!(
            "A field to sort by, waiting for its order: started by a constructor of [`{}`], finished by an order method.",
            s.alias
        )],
        &example,
    );
    quote! {
        #[doc = #alias_doc]
        pub type #alias = #schema;

        impl #schema {
            #(#ctors)*

            #[doc = #by_doc]
            pub fn #by(field: impl Into<#field_ty>) -> #builder {
                #builder { field: field.into() }
            }
        }

        #builder_docs
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[must_use = "a sort field does nothing until an order method makes a sort item of it"]
        pub struct #builder {
            field: #field_ty,
        }

        impl #builder {
            #(#orders)*

            #[doc = #order_doc]
            pub fn #order_method(self, order: impl Into<#order_ty>) -> #alias {
                let order = order.into();
                #schema {
                    #field_ident: #field_value,
                    #order_init,
                    #(#rest: None,)*
                }
            }
        }
    }
}

fn render_options(plan: &Plan, o: &OptionsPlan) -> TokenStream {
    let krate = &plan.krate;
    let schema = types_path(&o.schema.name);
    let schema_name = &o.schema.name;
    let mut items = Vec::new();
    let mut aliases = Vec::new();
    if let (Some((method, prop)), Some(sort)) = (&o.sort, &plan.sort) {
        let alias = ident(&sort.alias);
        let field = ident(&prop.name);
        let value = wrap(prop, quote!(items.into_iter().map(Into::into).collect()));
        let call = match (sort.fields.first(), sort.orders.first()) {
            (Some((f, _, _)), Some((order, _, _))) => format!("{}::{f}().{order}()", sort.alias),
            _ => format!("{}::{}(\"a\").{}(\"desc\")", sort.alias, sort.by_method, sort.order_method),
        };
        let example = vec![
            format!("use {krate}::filters::{};", sort.alias),
            format!("use {krate}::types::{schema_name};"),
            String::new(),
            format!("let options = {schema_name}::default().{method}([{call}]);"),
            format!("assert_eq!(options.{}.map(|items| items.len()), Some(1));", prop.name),
        ];
        let has_default = o.schema_fields().is_some_and(|fields| fields.iter().all(|f| !f.required || f.nullable));
        let lines = vec![
            format!("Sets `{}`: sort items ([`{}`]), the first one sorting first.", prop.wire_name, sort.alias),
        ];
        let docs = if has_default { docs_with_example(lines, &example) } else { lines_to_attrs(&lines) };
        let method = ident(method);
        items.push(quote! {
            #docs
            pub fn #method(mut self, items: impl IntoIterator<Item = impl Into<#alias>>) -> Self {
                self.#field = #value;
                self
            }
        });
    }
    if let Some((method, prop, item_enum)) = &o.fuzzy {
        let field = ident(&prop.name);
        let value = wrap(prop, quote!(fields.into_iter().map(Into::into).collect()));
        let item_ty = match item_enum {
            Some((alias, name)) => {
                let doc = format!(" A field fuzzy search matches on: [`{name}`](crate::types::{name}) under a shorter name.");
                let alias_ident = ident(alias);
                let target = types_path(name);
                aliases.push(quote! {
                    #[doc = #doc]
                    pub type #alias_ident = #target;
                });
                quote!(#alias_ident)
            }
            None => quote!(String),
        };
        let lines = vec![format!(
            "Sets `{}`: the fields fuzzy search (`keywords`) matches on.",
            prop.wire_name
        )];
        let has_default = o.schema_fields().is_some_and(|fields| fields.iter().all(|f| !f.required || f.nullable));
        let sample = match item_enum {
            Some((alias, _)) => o
                .fuzzy_values
                .and_then(|values| values.first())
                .map(|first| (format!("use {krate}::filters::{alias};"), format!("{alias}::{}", first.name))),
            None => Some((String::new(), "\"name\"".to_owned())),
        };
        let docs = match sample {
            Some((import, value)) if has_default => {
                let mut example: Vec<String> = [import, format!("use {krate}::types::{schema_name};")]
                    .into_iter()
                    .filter(|l| !l.is_empty())
                    .collect();
                example.push(String::new());
                example.push(format!("let options = {schema_name}::default().{method}([{value}]);"));
                example.push(format!("assert_eq!(options.{}.map(|fields| fields.len()), Some(1));", prop.name));
                docs_with_example(lines, &example)
            }
            _ => lines_to_attrs(&lines),
        };
        let method = ident(method);
        items.push(quote! {
            #docs
            pub fn #method(mut self, fields: impl IntoIterator<Item = impl Into<#item_ty>>) -> Self {
                self.#field = #value;
                self
            }
        });
    }
    if items.is_empty() {
        return quote!(#(#aliases)*);
    }
    quote! {
        #(#aliases)*

        impl #schema {
            #(#items)*
        }
    }
}

/// `Timestamp`: RFC 3339 text or epoch milliseconds, as the API docs send both.
fn timestamp(krate: &str) -> TokenStream {
    let example = [
        "use std::time::{Duration, UNIX_EPOCH};".to_owned(),
        format!("use {krate}::filters::Timestamp;"),
        String::new(),
        "let time = UNIX_EPOCH + Duration::from_millis(1_656_818_430_000);".to_owned(),
        "assert_eq!(Timestamp::from(time), Timestamp::Rfc3339(\"2022-07-03T03:20:30.000Z\".into()));".to_owned(),
        "assert_eq!(Timestamp::millis(time), Timestamp::EpochMillis(1_656_818_430_000));".to_owned(),
        "assert_eq!(Timestamp::from(1_656_818_430_000), Timestamp::EpochMillis(1_656_818_430_000));".to_owned(),
        "assert_eq!(Timestamp::from(\"2022-07-03\"), Timestamp::Rfc3339(\"2022-07-03\".into()));".to_owned(),
    ];
    let docs = docs_with_example(
        vec![
            "A point in time for conditions on time fields, sent as given: text (a JSON string) or milliseconds \
             since the Unix epoch (a JSON number)."
                .to_owned(),
            String::new(),
            "The API docs send both: `new Date(..)`, which JSON writes as `\"2022-07-03T03:20:30.000Z\"` \
             ([`Timestamp::from`] a `SystemTime` writes the same), and `Date.now() - ..`, a number \
             ([`Timestamp::millis`], or an `i64`)."
                .to_owned(),
        ],
        &example,
    );
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Timestamp {
            /// RFC 3339 text (`2022-07-03T03:20:30.000Z`), sent as a JSON string as it is.
            Rfc3339(String),
            /// Milliseconds since 1970-01-01T00:00:00Z, sent as a JSON number.
            EpochMillis(i64),
        }

        impl Timestamp {
            /// `time` as JavaScript's `JSON.stringify(new Date(..))` writes it: UTC, with
            /// milliseconds (`2022-07-03T03:20:30.000Z`).
            pub fn rfc3339(time: std::time::SystemTime) -> Self {
                Self::Rfc3339(format_millis(epoch_millis(time)))
            }

            /// `time` as JavaScript's `Date.now()` counts it: whole milliseconds since the Unix
            /// epoch.
            pub fn millis(time: std::time::SystemTime) -> Self {
                Self::EpochMillis(epoch_millis(time))
            }
        }

        impl std::convert::From<std::time::SystemTime> for Timestamp {
            /// As [`Timestamp::rfc3339`].
            fn from(time: std::time::SystemTime) -> Self {
                Self::rfc3339(time)
            }
        }

        impl std::convert::From<i64> for Timestamp {
            /// Milliseconds since the Unix epoch.
            fn from(millis: i64) -> Self {
                Self::EpochMillis(millis)
            }
        }

        impl std::convert::From<&str> for Timestamp {
            /// RFC 3339 text, sent as it is.
            fn from(text: &str) -> Self {
                Self::Rfc3339(text.to_owned())
            }
        }

        impl std::convert::From<String> for Timestamp {
            /// RFC 3339 text, sent as it is.
            fn from(text: String) -> Self {
                Self::Rfc3339(text)
            }
        }

        impl std::convert::From<Timestamp> for serde_json::Value {
            /// A JSON string or number, as sent: for conditions that take any JSON value.
            fn from(time: Timestamp) -> Self {
                match time {
                    Timestamp::Rfc3339(text) => serde_json::Value::String(text),
                    Timestamp::EpochMillis(millis) => serde_json::Value::from(millis),
                }
            }
        }

        impl serde::Serialize for Timestamp {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    Self::Rfc3339(text) => serializer.serialize_str(text),
                    Self::EpochMillis(millis) => serializer.serialize_i64(*millis),
                }
            }
        }

        /// Whole milliseconds since the Unix epoch, rounded down as JavaScript's `Date` does.
        fn epoch_millis(time: std::time::SystemTime) -> i64 {
            match time.duration_since(std::time::UNIX_EPOCH) {
                Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
                Err(before) => {
                    let before = before.duration();
                    let millis = before.as_millis() + u128::from(before.subsec_nanos() % 1_000_000 != 0);
                    i64::try_from(millis).map_or(i64::MIN, |millis| -millis)
                }
            }
        }

        /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the Unix epoch (days to a civil date
        /// by Howard Hinnant's `civil_from_days`).
        fn format_millis(millis: i64) -> String {
            let days = millis.div_euclid(86_400_000);
            let of_day = millis.rem_euclid(86_400_000);
            let z = days + 719_468;
            let era = z.div_euclid(146_097);
            let doe = z.rem_euclid(146_097);
            let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let day = doy - (153 * mp + 2) / 5 + 1;
            let month = if mp < 10 { mp + 3 } else { mp - 9 };
            let year = yoe + era * 400 + i64::from(month <= 2);
            format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
                of_day / 3_600_000,
                of_day / 60_000 % 60,
                of_day / 1_000 % 60,
                of_day % 1_000
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    /// A small API with conditions `{key, op, val}`, sort items `{by, dir}` and options.
    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /search:
    post:
      operationId: search
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Query'}
      responses:
        '200': {description: ok}
components:
  schemas:
    Query:
      type: object
      properties:
        where: {type: array, items: {$ref: '#/components/schemas/Cond'}}
        options: {$ref: '#/components/schemas/Opts'}
    Cond:
      type: object
      required: [key, op]
      properties:
        key:
          type: string
          description: |
            The field:
            - age: Age in
              years
            - `color`: Favourite colour
        op: {type: string, enum: [EQ, IN, RANGE, EMPTY]}
        val: {}
    Color: {type: string, enum: [red, green]}
    Point: {type: object, required: [x], properties: {x: {type: integer}}}
    SortItem:
      type: object
      required: [by, dir]
      properties:
        by: {type: string, enum: [age, raw]}
        dir: {type: string}
    Opts:
      type: object
      properties:
        sort: {type: array, items: {$ref: '#/components/schemas/SortItem'}}
        on: {type: array, items: {type: string, enum: [name, email]}}
"##;

    const FILTERS: &str = r#"
operation: search
condition:
  schema: Cond
  type: Where
  field: key
  operator: op
  value: val
  operators:
    - { wire: EQ, takes: one }
    - { wire: IN, takes: list, method: one_of }
    - { wire: RANGE, takes: pair }
    - { wire: EMPTY, takes: nothing }
  fields:
    - { name: age, value: integer, operators: [EQ, RANGE, EMPTY] }
    - { name: color, value: Color, operators: [EQ, IN] }
    - { name: raw, value: Point, operators: [IN] }
    - { name: seen, value: time, operators: [RANGE] }
sort: { schema: SortItem, field: by, order: dir }
options: { schema: Opts, sort: sort, fuzzy-search-on: on, fuzzy-type: MatchOn }
"#;

    /// Generates with `from` replaced by `to` in the filters config or, when it has no `from`,
    /// in the spec.
    fn run(from: &str, to: &str) -> Result<String, String> {
        let (mut spec, mut filters) = (SPEC.to_owned(), FILTERS.to_owned());
        if filters.contains(from) {
            filters = filters.replacen(from, to, 1);
        } else {
            assert!(spec.contains(from), "{from:?} is in neither the spec nor the config");
            spec = spec.replacen(from, to, 1);
        }
        let spec = crate::load::parse(Path::new("t.yaml"), &spec).expect("the spec parses");
        let api = crate::model::build(&spec).expect("the spec models");
        let mut config = Config::new("t");
        config.filters = Some(serde_yaml::from_str(&filters).map_err(|e| e.to_string())?);
        config.validate()?;
        match emit(&api, &config) {
            Ok(tokens) => {
                let file = syn::parse2::<syn::File>(tokens.expect("filters are configured")).expect("the output parses");
                Ok(prettyplease::unparse(&file))
            }
            Err(Error::Config { message, .. }) => Err(message),
            Err(other) => panic!("{other}"),
        }
    }

    fn refused(from: &str, to: &str) -> String {
        run(from, to).expect_err("refused")
    }

    #[test]
    fn emits_typed_builders_from_the_config() {
        let code = run("", "").expect("accepted");
        for expected in [
            "pub type Where = crate::types::Cond;",
            "pub type WhereOperator = crate::types::CondOp;",
            "pub fn age() -> AgeWhere",
            // `raw` is taken by the constructor of raw conditions.
            "pub fn raw2() -> RawWhere",
            "pub fn custom(field: impl Into<String>) -> CustomWhere",
            "pub fn one_of(",
            "impl Into<crate::types::Color>",
            "impl Into<Timestamp>",
            "pub fn range(self, from: impl Into<i64>, to: impl Into<i64>) -> Where",
            "pub fn empty(self) -> Where",
            "/// Conditions on `age`: Age in years.",
            "/// Conditions on `color`: Favourite colour.",
            "pub type Sort = crate::types::SortItem;",
            // The field enum's `raw` value: no clash in this namespace.
            "pub fn raw() -> SortBy",
            "pub fn by(field: impl Into<crate::types::SortItemBy>) -> SortBy",
            "pub fn order(self, order: impl Into<String>) -> Sort",
            "pub type MatchOn = crate::types::OptsOnItem;",
            "pub fn with_sort(",
            "pub fn with_on(",
        ] {
            assert!(code.contains(expected), "missing {expected:?} in:\n{code}");
        }
    }

    #[test]
    fn refuses_names_the_spec_does_not_have() {
        let cases = [
            (("schema: Cond", "schema: Nope"), "condition.schema: \"Nope\" is not a type of the spec"),
            (("schema: Cond", "schema: Color"), "condition.schema: \"Color\" is not an object type of the spec"),
            (("field: key", "field: name"), "condition.field: \"Cond\" has no property \"name\" (it has key, op, val)"),
            (("operator: op", "operator: val"), "condition.operator: property \"val\" of \"Cond\" must be a string or a string enum"),
            (("value: val", "value: key"), "condition.value: property \"key\" of \"Cond\" must take any JSON value"),
            (
                ("- { wire: EMPTY, takes: nothing }", "- { wire: EMPTY, takes: nothing }\n    - { wire: LIKE, takes: one }"),
                "condition.operators[4] (\"LIKE\") is not a value of \"CondOp\" (EQ, IN, RANGE, EMPTY)",
            ),
            (
                ("required: [key, op]", "required: [key, op, val]"),
                "condition.value: property \"val\" of \"Cond\" is required, but an operator that takes nothing leaves it out",
            ),
            (("value: Color", "value: Colour"), "condition.fields[1] (\"color\"): value \"Colour\" is neither a value kind (string, integer, number, boolean, time, any) nor a type of the spec"),
            (("operation: search", "operation: find"), "operation \"find\" is not an operationId of the spec"),
            (("schema: SortItem", "schema: Point"), "sort.field: \"Point\" has no property \"by\" (it has x)"),
            (("sort: sort,", "sort: on,"), "options.sort: property \"on\" of \"Opts\" is not an array of \"SortItem\""),
            (("fuzzy-search-on: on", "fuzzy-search-on: sort"), "options.fuzzy-search-on: property \"sort\" of \"Opts\" is not an array of strings"),
        ];
        for ((from, to), expected) in cases {
            let message = refused(from, to);
            assert!(message.starts_with(expected), "{from:?} → {to:?}:\n  got      {message}\n  expected {expected}");
        }
        let message = refused("sort: { schema: SortItem, field: by, order: dir }\n", "");
        assert_eq!(message, "options.sort names a property of sort items, but there is no `sort` section");
    }

    #[test]
    fn refuses_inconsistent_tables() {
        let cases = [
            (("[EQ, RANGE, EMPTY]", "[EQ, LIKE]"), "filters.condition.fields[0] (\"age\"): operator \"LIKE\" is not one of filters.condition.operators"),
            (("name: color", "name: age"), "filters.condition.fields[1] (\"age\"): the field is listed twice"),
            (("[EQ, RANGE, EMPTY]", "[]"), "filters.condition.fields[0] (\"age\"): lists no operator"),
            (("method: one_of", "method: in"), "filters.condition.operators[1] (\"IN\"): method \"in\" is not a snake_case identifier"),
            (("method: one_of", "method: range"), "filters.condition.operators: two operators have the method name \"range\""),
            (("type: Where", "type: where"), "filters.condition.type \"where\" is not an UpperCamelCase identifier"),
        ];
        for ((from, to), expected) in cases {
            let message = refused(from, to);
            assert!(message.starts_with(expected), "{from:?} → {to:?}:\n  got      {message}\n  expected {expected}");
        }
    }

    #[test]
    fn reads_value_docs_from_markdown_lists() {
        let text = "Fields:\n- id: User ID\n- `name`: Name,\n  in full\n- other: x";
        assert_eq!(bullet(Some(text), "id").as_deref(), Some("User ID"));
        assert_eq!(bullet(Some(text), "name").as_deref(), Some("Name, in full"));
        assert_eq!(bullet(Some(text), "nam"), None);
        assert_eq!(bullet(None, "id"), None);
    }
}
