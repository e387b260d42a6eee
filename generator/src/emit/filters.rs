//! Typed search conditions, sort items and fuzzy-search fields (`plan::FiltersPlan`) → the
//! `filters` module of the generated crate: `Filter::status().equal(UserDtoStatus::Suspended)`,
//! `Sort::created_at().desc()`. One builder type per operator set, generic over the value type.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Value, json};

use crate::config::Takes;
use crate::docs::{doc_lines, lines_to_attrs};
use crate::model::{EnumValue, Field, TypeDef, TypeKind, TypeRef};
use crate::plan::{ConditionPlan, FieldPlan, FiltersPlan, OperatorSetPlan, OptionsPlan, SortPlan, ValueKind};
use crate::rust::{ident, rust_type};

/// The body of `filters.rs`.
pub fn emit(plan: &FiltersPlan) -> TokenStream {
    render(plan)
}

/// The fields of a struct besides `known` (all optional: `resolve` checked), left `None`.
fn other_fields(schema: &TypeDef, known: &[&Field]) -> Vec<proc_macro2::Ident> {
    let TypeKind::Struct(fields) = &schema.kind else { return Vec::new() };
    fields
        .iter()
        .filter(|f| !known.iter().any(|k| k.wire_name == f.wire_name))
        .map(|f| ident(&f.name))
        .collect()
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

fn render(plan: &FiltersPlan) -> TokenStream {
    let c = &plan.condition;
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
        let set = &c.sets[f.set];
        let builder = ident(&set.builder);
        let value_ty = f.kind.rust();
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
        lines.push(format!("Values: {}. Operators: {} (see [`{b}`]).", f.kind.doc(), operator_list(c, set), b = set.builder));
        let docs = lines_to_attrs(&lines);
        quote! {
            #docs
            pub fn #method() -> #builder<#value_ty> {
                #builder::new(#wire.to_owned())
            }
        }
    });
    let custom_method = ident(&c.custom.method);
    let custom_builder = ident(&c.sets[c.custom.set].builder);
    let custom_doc = format!(
        " Conditions on any field, custom ones included (`\"some-custom-key\"`), with every operator and any JSON value: [`{b}`].",
        b = c.sets[c.custom.set].builder
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
    let builders = c.sets.iter().enumerate().map(|(i, set)| builder(plan, i, set, &operator_ty));
    let sort = plan.sort.as_ref().map(|s| render_sort(plan, s));
    let options = plan.options.as_ref().map(|o| render_options(plan, o));

    quote! {
        #module_docs

        pub use crate::runtime::filters::Timestamp;

        #[doc = #alias_doc]
        pub type #alias = #schema;

        #operator_alias

        impl #schema {
            #(#constructors)*

            #[doc = #custom_doc]
            pub fn #custom_method(field: impl Into<String>) -> #custom_builder {
                #custom_builder::new(field.into())
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

        #(#builders)*

        #sort

        #options
    }
}

/// `` `EQUAL`, `IN` `` for a set's operators.
fn operator_list(c: &ConditionPlan, set: &OperatorSetPlan) -> String {
    set.operators.iter().map(|&i| format!("`{}`", c.operators[i].wire)).collect::<Vec<_>>().join(", ")
}

/// The module example: two conditions, and sort items when there are any, sent through the
/// client.
fn module_example(plan: &FiltersPlan) -> Vec<String> {
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

/// A sample call of a builder (`Filter::status().equal(...)`) and the JSON value it sends,
/// using its first operator that takes one value, else a list, a pair or nothing.
fn sample_call<'a>(plan: &'a FiltersPlan, f: &FieldPlan) -> Option<(String, &'a str, Option<Value>)> {
    let c = &plan.condition;
    let samples = f.kind.samples(&plan.krate)?;
    let rank = |t: Takes| match t {
        Takes::One => 0,
        Takes::List => 1,
        Takes::Pair => 2,
        Takes::Nothing => 3,
    };
    let &op = c.sets[f.set].operators.iter().min_by_key(|&&i| rank(c.operators[i].takes))?;
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

/// The builder type of operator set `index`: its docs with an example (through its first
/// field, or `custom`), and a method per operator, generic over the value type.
fn builder(plan: &FiltersPlan, index: usize, set: &OperatorSetPlan, operator_ty: &TokenStream) -> TokenStream {
    let c = &plan.condition;
    let krate = &plan.krate;
    let name = ident(&set.builder);
    let users: Vec<&FieldPlan> = std::iter::once(&c.custom).chain(&c.fields).filter(|f| f.set == index).collect();
    let links: Vec<String> = users
        .iter()
        .map(|f| format!("[`{}::{m}`](crate::types::{}::{m})", c.alias, c.schema.name, m = f.method))
        .collect();
    let mut lines = vec![format!(
        "Conditions with the operators {}, for values of type `V`: started by {}.",
        operator_list(c, set),
        links.join(", ")
    )];
    lines.push(String::new());
    lines.push(format!("`V` is {} unless a constructor says otherwise.", set.default.doc()));
    let example = users.first().map(|f| match sample_call(plan, f) {
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
            let ty = match &f.kind {
                ValueKind::Named { name, .. } => name.clone(),
                _ => "serde_json::Value".to_owned(),
            };
            let op = &c.operators[set.operators[0]];
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
    });
    let docs = match example {
        Some(example) => docs_with_example(lines, &example),
        None => lines_to_attrs(&lines),
    };
    let default = set.default.rust();
    let alias_ty = ident(&c.alias);
    let methods = set.operators.iter().map(|&i| {
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
            Takes::One => quote! {
                #docs
                pub fn #method(self, value: impl Into<V>) -> #alias_ty {
                    condition(self.field, #operator, Some(crate::runtime::filters::to_json(value.into())))
                }
            },
            Takes::List => quote! {
                #docs
                pub fn #method(self, values: impl IntoIterator<Item = impl Into<V>>) -> #alias_ty {
                    let values = values.into_iter().map(|item| crate::runtime::filters::to_json(item.into())).collect();
                    condition(self.field, #operator, Some(serde_json::Value::Array(values)))
                }
            },
            Takes::Pair => quote! {
                #docs
                pub fn #method(self, from: impl Into<V>, to: impl Into<V>) -> #alias_ty {
                    let pair = vec![crate::runtime::filters::to_json(from.into()), crate::runtime::filters::to_json(to.into())];
                    condition(self.field, #operator, Some(serde_json::Value::Array(pair)))
                }
            },
        }
    });
    quote! {
        #docs
        #[must_use = "a field does nothing until an operator method makes a condition of it"]
        pub struct #name<V = #default> {
            field: String,
            value: std::marker::PhantomData<fn() -> V>,
        }

        impl<V> std::fmt::Debug for #name<V> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!(#name)).field("field", &self.field).finish()
            }
        }

        impl<V> Clone for #name<V> {
            fn clone(&self) -> Self {
                Self { field: self.field.clone(), value: std::marker::PhantomData }
            }
        }

        impl<V: serde::Serialize> #name<V> {
            fn new(field: String) -> Self {
                Self { field, value: std::marker::PhantomData }
            }

            #(#methods)*
        }
    }
}

fn render_sort(plan: &FiltersPlan, s: &SortPlan) -> TokenStream {
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

fn render_options(plan: &FiltersPlan, o: &OptionsPlan) -> TokenStream {
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

