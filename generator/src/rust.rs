//! Rust syntax shared by the plan (doc examples) and the emitters: identifiers and the Rust
//! type of a model type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Field, TypeRef};

/// An identifier the model or plan already made valid (see `naming`).
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type for a type reference; named types are written as `prefix::Name`.
pub(crate) fn rust_type(ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String { .. } => quote!(String),
        TypeRef::Integer { bits, signed } => {
            let name = quote::format_ident!("{}{bits}", if *signed { "i" } else { "u" });
            quote!(#name)
        }
        TypeRef::Number { float: true } => quote!(f32),
        TypeRef::Number { float: false } => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Array(item) => {
            let item = rust_type(item, prefix);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = rust_type(value, prefix);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(inner, prefix);
            quote!(Option<#inner>)
        }
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Object => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#prefix #name)
        }
    }
}

/// The declared type of a struct field: `Option` unless required, boxed when recursive.
pub(crate) fn field_type(field: &Field, prefix: &TokenStream) -> TokenStream {
    let mut ty = rust_type(&field.ty, prefix);
    if field.recursive {
        ty = quote!(Box<#ty>);
    }
    if !field.required || field.nullable {
        ty = quote!(Option<#ty>);
    }
    ty
}

/// How named types are reached from outside `types.rs`.
pub(crate) fn types_prefix() -> TokenStream {
    quote!(crate::types::)
}

/// A raw string literal holding `text`, with enough `#`s.
pub(crate) fn raw_string(text: &str) -> String {
    let hashes = "#".repeat((1..).find(|n| !text.contains(&format!("\"{}", "#".repeat(*n)))).unwrap_or(1));
    format!("r{hashes}\"{text}\"{hashes}")
}
