//! Named types → Rust structs, enums and aliases (`types.rs` of the generated crate).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::checks::Checks;
use crate::docs::{default_line, doc_attrs, doc_lines, lines_to_attrs};
use crate::model::{Api, Field, NumberValue, TypeDef, TypeKind, TypeRef, Variant};
use crate::rust::{field_type, ident, rust_type, types_prefix};

/// The body of `types.rs`. Schemas may take any name not in `naming`'s reserved list (`From`,
/// `Default`, …), so traits are named by their full path here.
/// The body of `types.rs`, in pieces of whole items (see `operations::emit`).
pub fn emit(api: &Api) -> impl Iterator<Item = TokenStream> + '_ {
    let checks = Checks::new(api);
    let items = api.types.iter().map(move |t| match &t.kind {
        TypeKind::Struct(fields) => {
            let item = emit_struct(t, fields, api.derives_default(&t.name));
            let check_limits = checks.method(t);
            quote!(#item #check_limits)
        }
        TypeKind::Enum(_) => emit_enum(t),
        TypeKind::NumberEnum { ty, values } => emit_number_enum(t, ty, values),
        TypeKind::Union { variants, discriminator } => {
            let item = match discriminator {
                Some(property) => emit_tagged_union(api, t, variants, property),
                None => emit_union(api, t, variants),
            };
            let check_limits = checks.method(t);
            quote!(#item #check_limits)
        }
        TypeKind::Alias(target) => {
            let docs = doc_attrs(t.description.as_deref().or(Some(&format!("`{}` in the spec.", t.name))));
            let name = ident(&t.name);
            let target = rust_type(target, &quote!());
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    });
    std::iter::once(quote! {
        //! The API's data types, one per schema of the spec.
    })
    .chain(items)
}

/// The `serde_json::Value` test for the JSON kinds a type can decode from; `None` for any kind.
fn json_kind(api: &Api, ty: &TypeRef, depth: usize) -> Option<&'static str> {
    match ty {
        TypeRef::String { .. } => Some("is_string"),
        TypeRef::Integer { signed: true, .. } => Some("is_i64"),
        TypeRef::Integer { signed: false, .. } => Some("is_u64"),
        TypeRef::Number { .. } => Some("is_number"),
        TypeRef::Boolean => Some("is_boolean"),
        TypeRef::Array(_) => Some("is_array"),
        TypeRef::Map(_) | TypeRef::Object => Some("is_object"),
        TypeRef::Any | TypeRef::Nullable(_) => None,
        TypeRef::Named(name) if depth < 8 => match api.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(_)) => Some("is_object"),
            Some(TypeKind::Enum(_)) => Some("is_string"),
            Some(TypeKind::NumberEnum { ty, .. }) => json_kind(api, ty, depth + 1),
            Some(TypeKind::Alias(target)) => json_kind(api, target, depth + 1),
            _ => None,
        },
        TypeRef::Named(_) => None,
    }
}

fn emit_union(api: &Api, t: &TypeDef, variants: &[Variant]) -> TokenStream {
    let docs = doc_attrs(t.description.as_deref().or(Some(&format!("One of several shapes of `{}`.", t.name))));
    let name = ident(&t.name);
    let wire_name = &t.name;
    let mut declarations = Vec::new();
    let mut attempts = Vec::new();
    for v in variants {
        let docs = doc_attrs(v.description.as_deref().or(Some(&format!("The `{}` shape.", v.name))));
        let variant = ident(&v.name);
        let inner = rust_type(&v.ty, &quote!());
        let (ty, wrap) = if v.recursive {
            (quote!(Box<#inner>), quote!(Box::new(decoded)))
        } else {
            (inner.clone(), quote!(decoded))
        };
        declarations.push(quote! {
            #docs
            #variant(#ty),
        });
        // A variant is only tried on JSON of a kind it can hold: serde's derived structs would
        // otherwise also accept a JSON array as their fields in order.
        let decode = quote!(let Ok(decoded) = <#inner as serde::Deserialize>::deserialize(&value));
        let condition = match json_kind(api, &v.ty, 0) {
            Some(test) => {
                let test = ident(test);
                quote!(value.#test() && #decode)
            }
            None => decode,
        };
        attempts.push(quote! {
            if #condition {
                return Ok(Self::#variant(#wrap));
            }
        });
    }
    quote! {
        #docs
        ///
        /// Decoding tries each variant that can hold the JSON value's kind, in order, and keeps
        /// the first that fits.
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#declarations)*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                #(#attempts)*
                Err(<D::Error as serde::de::Error>::custom(format!(
                    "no variant of {} matches {}", #wire_name, value
                )))
            }
        }
    }
}

/// A union whose variants a property names: decoded by that property's value (unknown values
/// kept as JSON), encoded as the variant with the property set.
fn emit_tagged_union(api: &Api, t: &TypeDef, variants: &[Variant], property: &str) -> TokenStream {
    let docs = doc_attrs(t.description.as_deref().or(Some(&format!("One of several kinds of `{}`.", t.name))));
    let name = ident(&t.name);
    let type_name = &t.name;
    let mut declarations = Vec::new();
    let mut encodes = Vec::new();
    let mut decodes = Vec::new();
    for v in variants {
        let tags = v.tags.iter().map(|tag| format!("`{tag}`")).collect::<Vec<_>>().join(", ");
        let mut lines = doc_lines(v.description.as_deref().unwrap_or(""));
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("`{property}`: {tags}."));
        let docs = lines_to_attrs(&lines);
        let variant = ident(&v.name);
        let inner = rust_type(&v.ty, &quote!());
        let (ty, wrap) = if v.recursive { (quote!(Box<#inner>), quote!(.map(Box::new))) } else { (inner.clone(), quote!()) };
        declarations.push(quote! {
            #docs
            #variant(#ty),
        });
        // A variant whose type declares the property carries it itself.
        let holds_tag = api.struct_fields(&v.ty).is_some_and(|fields| fields.iter().any(|f| f.wire_name == property));
        let tag = &v.tags[0];
        encodes.push(if holds_tag {
            quote!(Self::#variant(value) => serde::Serialize::serialize(value, serializer),)
        } else {
            quote!(Self::#variant(value) => crate::runtime::union::serialize_tagged(serializer, #property, #tag, value),)
        });
        let patterns = &v.tags;
        decodes.push(quote! {
            #(#patterns)|* => <#inner as serde::Deserialize>::deserialize(&value)#wrap.map(Self::#variant),
        });
    }
    let unknown_doc = format!(" A kind this version of the client does not know (another `{property}`), kept as received.");
    let tag_doc = format!(" The `{property}` property names the kind; unknown kinds decode to [`Self::Unknown`].");
    quote! {
        #docs
        ///
        #[doc = #tag_doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#declarations)*
            #[doc = #unknown_doc]
            Unknown(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#encodes)*
                    Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let decoded = match crate::runtime::union::discriminator(&value, #property, #type_name).map_err(<D::Error as serde::de::Error>::custom)? {
                    #(#decodes)*
                    _ => return Ok(Self::Unknown(value)),
                };
                decoded.map_err(<D::Error as serde::de::Error>::custom)
            }
        }
    }
}

fn emit_struct(t: &TypeDef, fields_in: &[Field], default: bool) -> TokenStream {
    let docs = doc_attrs(t.description.as_deref().or(Some(&format!("The `{}` object.", t.name))));
    let name = ident(&t.name);
    let derive_default = default.then(|| quote!(Default,));
    // A struct whose variant shares keys has its own serde impls: no attributes on its fields.
    let custom = fields_in.iter().any(|f| f.shares_key);
    let fields = fields_in.iter().map(|f| {
        let mut lines = doc_lines(f.description.as_deref().unwrap_or(""));
        if lines.is_empty() {
            lines.push(if f.flatten {
                format!("The variant (`{}`), whose properties are written beside the others.", f.wire_name)
            } else {
                format!("The `{}` property.", f.wire_name)
            });
        }
        if f.read_only || f.write_only {
            lines.push(String::new());
            lines.push(if f.read_only {
                "Read-only: the service sets it; requests leave it out.".to_owned()
            } else {
                "Write-only: sent in requests; answers leave it out.".to_owned()
            });
        }
        if let Some(default) = &f.default {
            lines.push(String::new());
            lines.push(default_line(default));
        }
        let docs = lines_to_attrs(&lines);
        let field = ident(&f.name);
        let ty = field_type(f, &quote!());
        let serde = if custom { None } else { serde_attrs(f) };
        quote! {
            #docs
            #serde
            pub #field: #ty,
        }
    });
    if !custom {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize, serde::Deserialize)]
            pub struct #name {
                #(#fields)*
            }
        };
    }
    let codec = emit_shared_key_codec(t, fields_in);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        pub struct #name {
            #(#fields)*
        }
        #codec
    }
}

/// A field's serde attributes.
fn serde_attrs(f: &Field) -> Option<TokenStream> {
    let wire = &f.wire_name;
    let rename = (f.name != *wire).then(|| quote!(rename = #wire,));
    if f.flatten {
        Some(quote!(#[serde(flatten)]))
    } else if f.required && !f.nullable {
        rename.map(|r| quote!(#[serde(#r)]))
    } else if f.required {
        // Required but nullable: always sent, `null` when unset.
        Some(quote!(#[serde(#rename default)]))
    } else {
        Some(quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none")]))
    }
}

/// `Serialize`/`Deserialize` of a struct whose flattened variant declares some of its own
/// properties: serde's flattening would hand such a key to the property only (the variant then
/// misses it) and write it twice. Here each side reads the whole object, and the object is
/// written as the variant's keys and then the struct's own.
fn emit_shared_key_codec(t: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&t.name);
    let type_name = &t.name;
    let prefix = types_prefix();
    // Variants: flattened unions (named types); the rest, a flattened map included, is the
    // struct's own part.
    let (variants, own): (Vec<&Field>, Vec<&Field>) = fields.iter().partition(|f| f.flatten && matches!(f.ty, TypeRef::Named(_)));
    let variant_names: Vec<Ident> = variants.iter().map(|f| ident(&f.name)).collect();
    let own_names: Vec<Ident> = own.iter().map(|f| ident(&f.name)).collect();
    // Decoded with the struct's usual attributes (`skip_serializing_if` means nothing here).
    let owned = own.iter().map(|f| {
        let (field, ty, serde) = (ident(&f.name), field_type(f, &prefix), serde_attrs(f));
        quote!(#serde #field: #ty,)
    });
    let borrowed = own.iter().map(|f| {
        let (field, ty, wire) = (ident(&f.name), field_type(f, &prefix), &f.wire_name);
        let rename = (f.name != *wire).then(|| quote!(rename = #wire,));
        let serde = if f.flatten {
            Some(quote!(#[serde(flatten)]))
        } else if f.required {
            rename.map(|r| quote!(#[serde(#r)]))
        } else {
            Some(quote!(#[serde(#rename skip_serializing_if = "crate::runtime::union::absent")]))
        };
        quote!(#serde #field: &'a #ty,)
    });
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                #[derive(serde::Serialize)]
                struct Own<'a> { #(#borrowed)* }
                let own = Own { #(#own_names: &self.#own_names,)* };
                let parts = Vec::from([
                    #(serde_json::to_value(&self.#variant_names).map_err(<S::Error as serde::ser::Error>::custom)?,)*
                    serde_json::to_value(&own).map_err(<S::Error as serde::ser::Error>::custom)?,
                ]);
                let value = crate::runtime::union::beside(parts, #type_name).map_err(<S::Error as serde::ser::Error>::custom)?;
                serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                #[derive(serde::Deserialize)]
                struct Own { #(#owned)* }
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let own = <Own as serde::Deserialize>::deserialize(&value).map_err(<D::Error as serde::de::Error>::custom)?;
                Ok(Self {
                    #(#own_names: own.#own_names,)*
                    #(#variant_names: serde::Deserialize::deserialize(&value).map_err(<D::Error as serde::de::Error>::custom)?,)*
                })
            }
        }
    }
}

fn emit_enum(t: &TypeDef) -> TokenStream {
    let TypeKind::Enum(values) = &t.kind else { unreachable!() };
    let docs = doc_attrs(t.description.as_deref().or(Some(&format!("The `{}` values.", t.name))));
    let name = ident(&t.name);
    let variants: Vec<Ident> = values.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    quote! {
        #docs
        ///
        /// Unknown values decode to [`Self::Unknown`] instead of failing, so a value the service
        /// adds later does not break this client.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this version of the client does not know, kept as received.
            Unknown(String),
        }

        impl #name {
            /// Every value this version of the client knows, as sent on the wire.
            pub const KNOWN_VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::convert::From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#wires => Self::#variants,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            // Not `Self::Err`: a variant may be called `Err`.
            fn from_str(value: &str) -> Result<Self, std::convert::Infallible> {
                Ok(Self::from(value))
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// An enum of integers or numbers: like a string enum, unknown values are kept.
fn emit_number_enum(t: &TypeDef, ty: &TypeRef, values: &[NumberValue]) -> TokenStream {
    let docs = doc_attrs(t.description.as_deref().or(Some(&format!("The `{}` values.", t.name))));
    let name = ident(&t.name);
    let repr = rust_type(ty, &quote!());
    let integer = matches!(ty, TypeRef::Integer { .. });
    let variants: Vec<Ident> = values.iter().map(|v| ident(&v.name)).collect();
    let literals: Vec<proc_macro2::Literal> = values
        .iter()
        .map(|v| match (ty, v.wire.as_i64(), v.wire.as_u64()) {
            (TypeRef::Integer { .. }, Some(i), _) => proc_macro2::Literal::i64_unsuffixed(i),
            (TypeRef::Integer { .. }, None, Some(u)) => proc_macro2::Literal::u64_unsuffixed(u),
            _ => proc_macro2::Literal::f64_unsuffixed(v.wire.as_f64().unwrap_or_default()),
        })
        .collect();
    let variant_docs = values.iter().map(|v| format!(" `{}`", v.wire));
    // Floating-point values have no `Eq`/`Hash`, and are compared, not matched as patterns.
    let (derives, from) = if integer {
        (
            quote!(#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]),
            quote! {
                match value {
                    #(#literals => Self::#variants,)*
                    other => Self::Unknown(other),
                }
            },
        )
    } else {
        (
            quote!(#[derive(Debug, Clone, Copy, PartialEq)]),
            quote! {
                #(if value == #literals { return Self::#variants; })*
                Self::Unknown(value)
            },
        )
    };
    let float_cmp = (!integer).then(|| quote!(#[allow(clippy::float_cmp)]));
    quote! {
        #docs
        ///
        /// Unknown values decode to [`Self::Unknown`] instead of failing, so a value the service
        /// adds later does not break this client.
        #derives
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this version of the client does not know, kept as received.
            Unknown(#repr),
        }

        impl #name {
            /// Every value this version of the client knows, as sent on the wire.
            pub const KNOWN_VALUES: &'static [#repr] = &[#(#literals),*];

            /// The value as sent on the wire.
            pub fn value(self) -> #repr {
                match self {
                    #(Self::#variants => #literals,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl std::convert::From<#repr> for #name {
            #float_cmp
            fn from(value: #repr) -> Self {
                #from
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.value(), serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <#repr as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
