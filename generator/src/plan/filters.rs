//! The config's `filters` section, resolved against the model: the condition, sort and options
//! schemas and their properties, the operators, one builder type per operator set, and every
//! name the generated `filters` module introduces. A config naming a schema, property, operator
//! or enum the spec does not have is refused with the config key and what the spec offers.

use super::OpPlan;
use crate::config::{FILTER_VALUE_KINDS, FieldOperators, FilterField, Filters, Takes};
use crate::docs::doc_lines;
use crate::model::{Api, EnumValue, Field, TypeDef, TypeKind, TypeRef};
use crate::naming::{self, Namespace};

/// The typed filters of one operation, every name decided.
#[derive(Debug)]
pub struct FiltersPlan<'a> {
    /// The library name for doc examples (`genauth_client`).
    pub krate: String,
    /// The client type.
    pub client: String,
    /// The client method of the operation (`list_users`).
    pub method: String,
    /// Its setter of the conditions (`advanced_filter`).
    pub conditions_setter: String,
    /// Its setter of the options (`options`), when the options are configured and it has one.
    pub options_setter: Option<String>,
    /// The condition type, its operators, builders and constructors.
    pub condition: ConditionPlan<'a>,
    /// Sort items.
    pub sort: Option<SortPlan<'a>>,
    /// The options object's helpers.
    pub options: Option<OptionsPlan<'a>>,
}

/// The condition type and what builds it.
#[derive(Debug)]
pub struct ConditionPlan<'a> {
    /// The condition type (`ListUsersAdvancedFilterItemDto`).
    pub schema: &'a TypeDef,
    /// Its alias in `filters` (`Filter`).
    pub alias: String,
    /// Its property naming the field.
    pub field: &'a Field,
    /// Its property naming the operator.
    pub operator: &'a Field,
    /// Its property holding the value.
    pub value: &'a Field,
    /// The operator enum (`ListUsersAdvancedFilterItemDtoOperator`) and its alias
    /// (`FilterOperator`); `None` when the operator is a plain string.
    pub operator_enum: Option<(String, String)>,
    /// Every operator.
    pub operators: Vec<OperatorPlan<'a>>,
    /// One builder type per operator set; the first is `custom`'s, with every operator.
    pub sets: Vec<OperatorSetPlan>,
    /// A constructor per documented field.
    pub fields: Vec<FieldPlan<'a>>,
    /// `custom(name)`: any field, every operator, any value.
    pub custom: FieldPlan<'a>,
    /// `raw(field, operator, value)`.
    pub raw_method: String,
}

/// One operator.
#[derive(Debug)]
pub struct OperatorPlan<'a> {
    /// As sent (`BETWEEN`).
    pub wire: &'a str,
    /// Its builder method (`between`).
    pub method: String,
    /// What it compares with.
    pub takes: Takes,
    /// The operator enum's variant for it, when the operator is an enum.
    pub variant: Option<String>,
    /// Its description from the spec (`- EQUAL: ...`).
    pub doc: Option<String>,
}

/// A builder type for the fields that allow the same operators, generic over the value type.
#[derive(Debug)]
pub struct OperatorSetPlan {
    /// Its type name (`TextFilter`).
    pub builder: String,
    /// Indexes into `ConditionPlan::operators`.
    pub operators: Vec<usize>,
    /// The value type of its type parameter's default: its first field's.
    pub default: ValueKind,
}

/// A constructor of conditions on one field.
#[derive(Debug)]
pub struct FieldPlan<'a> {
    /// The field as sent; `None` for `custom`, whose name is given at run time.
    pub wire: Option<&'a str>,
    /// The constructor (`logins_count`).
    pub method: String,
    /// Index into `ConditionPlan::sets`.
    pub set: usize,
    /// Its value type.
    pub kind: ValueKind,
    /// Its documentation.
    pub doc: Vec<String>,
}

/// What an operator method takes for one value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// Text.
    String,
    /// Whole numbers.
    Integer,
    /// Numbers.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A `Timestamp`.
    Time,
    /// Any JSON.
    Any,
    /// A type of the `types` module; with its values when it is an enum.
    Named {
        /// The type's name.
        name: String,
        /// Its values, when it is an enum.
        values: Option<Vec<EnumValue>>,
    },
}

/// Sort items.
#[derive(Debug)]
pub struct SortPlan<'a> {
    /// The sort item type.
    pub schema: &'a TypeDef,
    /// Its alias (`Sort`).
    pub alias: String,
    /// `SortBy`: a field waiting for its order.
    pub builder: String,
    /// Its property naming the field.
    pub field: &'a Field,
    /// Its property naming the order.
    pub order: &'a Field,
    /// `created_at()` → `SortingDtoField::CreatedAt`, with the value's description; empty when
    /// the field is a plain string.
    pub fields: Vec<(String, EnumValue, Option<String>)>,
    /// `by(field)`.
    pub by_method: String,
    /// `desc()` → `SortingDtoOrder::Desc`; empty when the order is a plain string.
    pub orders: Vec<(String, EnumValue, Option<String>)>,
    /// `order(order)`.
    pub order_method: String,
}

/// An alias for an enum type: its name in `filters` and the enum's.
pub type ItemAlias = (String, String);

/// Helpers on the options object.
#[derive(Debug)]
pub struct OptionsPlan<'a> {
    /// The options type.
    pub schema: &'a TypeDef,
    /// The values of the fuzzy-search item enum, when its items are one.
    pub fuzzy_values: Option<&'a [EnumValue]>,
    /// `with_sort` and the property.
    pub sort: Option<(String, &'a Field)>,
    /// `with_fuzzy_search_on`, the property, and the alias of its item enum (`FuzzySearchOn`,
    /// with the enum's name) when its items are an enum.
    pub fuzzy: Option<(String, &'a Field, Option<ItemAlias>)>,
}

impl OptionsPlan<'_> {
    /// The options type's fields.
    pub fn schema_fields(&self) -> Option<&[Field]> {
        match &self.schema.kind {
            TypeKind::Struct(fields) => Some(fields),
            _ => None,
        }
    }
}

fn find_type<'a>(api: &'a Api, name: &str) -> Option<&'a TypeDef> {
    api.type_def(name)
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
pub(crate) fn bullet(description: Option<&str>, name: &str) -> Option<String> {
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

pub(super) fn resolve<'a>(api: &'a Api, operations: &[OpPlan<'a>], krate: &str, client: &str, filters: &'a Filters) -> Result<FiltersPlan<'a>, String> {
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
    // One builder per operator set: `custom`'s (every operator) first, then the named sets and
    // the lists of the fields, in order of first use; a list equal to a set's is that set.
    let mut sets = vec![OperatorSetPlan {
        builder: types.claim(format!("Custom{}", c.type_name)),
        operators: (0..operators.len()).collect(),
        default: ValueKind::Any,
    }];
    let mut fields = Vec::new();
    for (i, f) in c.fields.iter().enumerate() {
        let key = format!("condition.fields[{i}] ({:?})", f.name);
        let kind = value_kind(api, &key, f)?;
        let (wires, set_name) = match &f.operators {
            FieldOperators::Set(name) => {
                let set = c.operator_sets.iter().find(|s| &s.name == name).ok_or_else(|| {
                    format!("{key}: operators {name:?} is not one of condition.operator-sets")
                })?;
                (&set.operators, set.name.clone())
            }
            FieldOperators::List(list) => {
                // A list equal to a named set is that set.
                let named = c.operator_sets.iter().find(|s| &s.operators == list);
                (list, named.map_or_else(|| naming::type_name(&f.name).trim_end_matches('_').to_owned(), |s| s.name.clone()))
            }
        };
        let ops = wires
            .iter()
            .map(|w| {
                operators
                    .iter()
                    .position(|o| o.wire == w)
                    .ok_or_else(|| format!("{key}: operator {w:?} is not one of condition.operators"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let set = match sets.iter().skip(1).position(|s| s.operators == ops) {
            Some(index) => index + 1,
            None => {
                sets.push(OperatorSetPlan {
                    builder: types.claim(format!("{set_name}{}", c.type_name)),
                    operators: ops,
                    default: kind.clone(),
                });
                sets.len() - 1
            }
        };
        let text = f.doc.clone().or_else(|| bullet(field.description.as_deref(), &f.name));
        fields.push(FieldPlan {
            wire: Some(&f.name),
            method: methods.claim(naming::snake(&f.name)),
            set,
            kind,
            doc: text.map(|t| doc_lines(&t)).unwrap_or_default(),
        });
    }
    let custom = FieldPlan {
        wire: None,
        method: custom_method,
        set: 0,
        kind: ValueKind::Any,
        doc: Vec::new(),
    };

    // The operation: its setters for the conditions and the options.
    let op = operations
        .iter()
        .find(|o| o.op.id == filters.operation)
        .ok_or_else(|| format!("operation {:?} is not an operationId of the spec", filters.operation))?;
    // A flattened body's fields are the inputs that are not parameters.
    let setters = op.inputs.iter().filter(|i| i.param.is_none()).map(|i| &i.setter);
    let body_fields: Vec<(&Field, &String)> = op.body_fields.map(|fields| fields.iter().zip(setters).collect()).unwrap_or_default();
    let conditions_setter = body_fields
        .iter()
        .find(|(f, _)| f.ty == TypeRef::Array(Box::new(TypeRef::Named(schema.name.clone()))))
        .map(|(_, s)| (*s).clone())
        .ok_or_else(|| format!("operation: the request body of {:?} has no array of {:?}", op.op.id, schema.name))?;

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

    Ok(FiltersPlan {
        krate: krate.to_owned(),
        client: client.to_owned(),
        method: op.op.name.clone(),
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
            sets,
            fields,
            custom,
            raw_method,
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

/// Refuses a struct with a required field besides `known`: the helpers could not fill it.
fn only_optional_others(key: &str, schema: &TypeDef, known: &[&str]) -> Result<(), String> {
    let TypeKind::Struct(fields) = &schema.kind else { return Ok(()) };
    match fields.iter().find(|f| f.required && !f.nullable && !known.contains(&f.wire_name.as_str())) {
        Some(f) => Err(format!("{key}: {:?} has a required property {:?} the helpers cannot fill", schema.name, f.wire_name)),
        None => Ok(()),
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
  operator-sets:
    - { name: Pick, operators: [EQ, IN] }
  fields:
    - { name: age, value: integer, operators: [EQ, RANGE, EMPTY] }
    - { name: color, value: Color, operators: [EQ, IN] }
    - { name: shade, value: string, operators: Pick }
    - { name: raw, value: Point, operators: [IN] }
    - { name: seen, value: time, operators: [RANGE] }
sort: { schema: SortItem, field: by, order: dir }
options: { schema: Opts, sort: sort, fuzzy-search-on: on, fuzzy-type: MatchOn }
"#;

    /// Generates with `from` replaced by `to` in the filters config or, when it has no `from`,
    /// in the spec: `src/filters.rs`, or the config error's message after `filters: `.
    fn run(from: &str, to: &str) -> Result<String, String> {
        let (mut spec, mut filters) = (SPEC.to_owned(), FILTERS.to_owned());
        if filters.contains(from) {
            filters = filters.replacen(from, to, 1);
        } else {
            assert!(spec.contains(from), "{from:?} is in neither the spec nor the config");
            spec = spec.replacen(from, to, 1);
        }
        let spec = crate::load::parse(Path::new("t.yaml"), &spec).expect("the spec parses");
        let mut config = Config::new("t");
        config.filters = Some(serde_yaml::from_str(&filters).map_err(|e| e.to_string())?);
        config.validate()?;
        let provenance = crate::Provenance { command: "test".into(), spec_label: "t.yaml".into() };
        match crate::generate_from(&spec, &config, &provenance) {
            Ok(output) => Ok(output.files.into_iter().find(|f| f.path == "src/filters.rs").expect("filters.rs").contents),
            Err(crate::Error::Config { message, .. }) => Err(message.strip_prefix("filters: ").unwrap_or(&message).to_owned()),
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
            "pub fn age() -> AgeWhere<i64>",
            // `raw` is taken by the constructor of raw conditions.
            "pub fn raw2() -> RawWhere<crate::types::Point>",
            "pub fn custom(field: impl Into<String>) -> CustomWhere",
            "pub fn one_of(",
            // A list equal to a named set is that set, and fields with equal lists share one.
            "pub fn color() -> PickWhere<crate::types::Color>",
            "pub fn shade() -> PickWhere<String>",
            "pub fn seen() -> SeenWhere<Timestamp>",
            "pub struct PickWhere<V = crate::types::Color>",
            "pub fn range(self, from: impl Into<V>, to: impl Into<V>) -> Where",
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
            (("operators: Pick }", "operators: Choose }"), "filters.condition.fields[2] (\"shade\"): operators \"Choose\" is not one of filters.condition.operator-sets"),
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
