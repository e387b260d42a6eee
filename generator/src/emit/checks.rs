//! Declared bounds (`minItems`, `maxItems`, `minimum`, `maximum`) on values nested inside a
//! parameter or body: every named type that holds such a bound somewhere inside gets a
//! `check_limits` method (in `types.rs`), and an operation calls it on its inputs before
//! anything is sent. Bounds on an operation's own inputs are checked by the operation itself.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Api, Field, Limits, TypeDef, TypeKind, TypeRef};

/// Turns the expression of a `crate::runtime::checks::Breach` into the expression the caller returns.
pub(crate) type Fail<'f> = &'f dyn Fn(TokenStream) -> TokenStream;

/// Which named types need checking, and the code that checks them.
pub(crate) struct Checks<'a> {
    by_name: HashMap<&'a str, &'a TypeDef>,
    checked: HashSet<&'a str>,
}

impl<'a> Checks<'a> {
    /// Finds the named types that operations send and that hold a bound somewhere inside
    /// (through fields, array items, map values, union variants and aliases; cycles included).
    pub(crate) fn new(api: &'a Api) -> Self {
        let mut checks = Checks {
            by_name: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            checked: HashSet::new(),
        };
        let sent = checks.sent(api);
        // A fixed point: a type is checked once one of its parts is; each round adds at least
        // one type or ends.
        loop {
            let found: Vec<&'a str> = api
                .types
                .iter()
                .filter(|t| sent.contains(t.name.as_str()) && !checks.checked.contains(t.name.as_str()))
                .filter(|t| match &t.kind {
                    TypeKind::Struct(fields) => fields.iter().any(|f| has_limits(f) || checks.needs(&f.ty, 0)),
                    TypeKind::Union { variants, .. } => variants.iter().any(|v| checks.needs(&v.ty, 0)),
                    TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::NumberEnum { .. } => false,
                })
                .map(|t| t.name.as_str())
                .collect();
            if found.is_empty() {
                return checks;
            }
            checks.checked.extend(found);
        }
    }

    /// The named types an operation's inputs can hold: answers are not checked.
    fn sent(&self, api: &'a Api) -> HashSet<&'a str> {
        let mut pending: Vec<&'a TypeRef> = Vec::new();
        for op in &api.operations {
            pending.extend(op.params.iter().map(|p| &p.ty));
            if let Some(body) = &op.body {
                // A flattened body is never built by the caller: only its fields are inputs.
                match (&body.flattened, self.struct_fields(&body.ty)) {
                    (Some(_), Some(fields)) => pending.extend(fields.iter().map(|f| &f.ty)),
                    _ => pending.push(&body.ty),
                }
            }
        }
        let mut sent = HashSet::new();
        while let Some(ty) = pending.pop() {
            match ty {
                TypeRef::Array(item) | TypeRef::Map(item) | TypeRef::Nullable(item) => pending.push(item),
                TypeRef::Named(name) => {
                    let Some(t) = self.by_name.get(name.as_str()) else { continue };
                    if !sent.insert(t.name.as_str()) {
                        continue;
                    }
                    match &t.kind {
                        TypeKind::Struct(fields) => pending.extend(fields.iter().map(|f| &f.ty)),
                        TypeKind::Union { variants, .. } => pending.extend(variants.iter().map(|v| &v.ty)),
                        TypeKind::Alias(target) => pending.push(target),
                        TypeKind::Enum(_) | TypeKind::NumberEnum { .. } => {}
                    }
                }
                _ => {}
            }
        }
        sent
    }

    fn struct_fields(&self, ty: &TypeRef) -> Option<&'a [Field]> {
        let TypeRef::Named(name) = ty else { return None };
        match &self.by_name.get(name.as_str())?.kind {
            TypeKind::Struct(fields) => Some(fields),
            _ => None,
        }
    }

    /// Whether a value of type `ty` holds a bound somewhere inside.
    pub(crate) fn needs(&self, ty: &TypeRef, depth: usize) -> bool {
        match ty {
            TypeRef::Named(name) => match self.by_name.get(name.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) if depth < 16 => self.needs(target, depth + 1),
                _ => self.checked.contains(name.as_str()),
            },
            TypeRef::Array(item) | TypeRef::Map(item) | TypeRef::Nullable(item) => self.needs(item, depth),
            _ => false,
        }
    }

    /// Statements checking the bounds inside `value` (an expression of type `&T` for `ty`);
    /// a breach `b` ends the function with `Err(fail(b))`. Empty when there is nothing to check.
    pub(crate) fn nested(&self, ty: &TypeRef, value: TokenStream, fail: Fail, depth: usize) -> TokenStream {
        if !self.needs(ty, 0) {
            return TokenStream::new();
        }
        match ty {
            TypeRef::Named(name) => match self.by_name.get(name.as_str()).map(|t| &t.kind) {
                // A type alias is the same Rust type: check its target in place.
                Some(TypeKind::Alias(target)) => self.nested(target, value, fail, depth),
                // Boxed values are reached through the box by the method call.
                _ => {
                    let error = fail(quote!(breach));
                    if error.to_string() == "breach" {
                        quote!(#value.check_limits()?;)
                    } else {
                        quote!(#value.check_limits().map_err(|breach| #error)?;)
                    }
                }
            },
            TypeRef::Array(item) => {
                let (index, element) = (format_ident!("index{}", depth), format_ident!("item{}", depth));
                let fail_item = |b: TokenStream| fail(quote!(#b.at_index(#index)));
                let inner = self.nested(item, quote!(#element), &fail_item, depth + 1);
                quote!(for (#index, #element) in #value.iter().enumerate() { #inner })
            }
            TypeRef::Map(item) => {
                let (key, element) = (format_ident!("key{}", depth), format_ident!("item{}", depth));
                let fail_item = |b: TokenStream| fail(quote!(#b.at_key(#key)));
                let inner = self.nested(item, quote!(#element), &fail_item, depth + 1);
                quote!(for (#key, #element) in #value.iter() { #inner })
            }
            TypeRef::Nullable(item) => {
                let element = format_ident!("item{}", depth);
                let inner = self.nested(item, quote!(#element), fail, depth + 1);
                quote!(if let Some(#element) = #value { #inner })
            }
            _ => TokenStream::new(),
        }
    }

    /// The `check_limits` method of a named type, if it needs one.
    pub(crate) fn method(&self, t: &TypeDef) -> TokenStream {
        if !self.checked.contains(t.name.as_str()) {
            return TokenStream::new();
        }
        let body = match &t.kind {
            TypeKind::Struct(fields) => {
                let checks = fields.iter().map(|f| self.field(f));
                quote!(#(#checks)*)
            }
            TypeKind::Union { variants, discriminator } => {
                // Every variant is listed, so no pattern is unreachable; a discriminated union
                // also keeps unknown variants, which are not checked.
                let unknown = discriminator.is_some().then(|| quote!(Self::Unknown(_) => {}));
                let arms = variants.iter().map(|v| {
                    let variant = format_ident!("{}", v.name);
                    if !self.needs(&v.ty, 0) {
                        return quote!(Self::#variant(_) => {});
                    }
                    let checks = self.nested(&v.ty, quote!(value), &|b| b, 0);
                    quote!(Self::#variant(value) => { #checks })
                }).chain(unknown);
                quote! {
                    #[allow(clippy::single_match)]
                    match self {
                        #(#arms)*
                    }
                }
            }
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::NumberEnum { .. } => return TokenStream::new(),
        };
        let name = format_ident!("{}", t.name);
        quote! {
            impl #name {
                /// Checks the bounds the API declares on this value's fields, nested ones
                /// included: the first one broken, with where it is.
                pub(crate) fn check_limits(&self) -> std::result::Result<(), crate::runtime::checks::Breach> {
                    #body
                    Ok(())
                }
            }
        }
    }

    /// The checks of one struct field: its own bounds, then those inside it.
    fn field(&self, field: &Field) -> TokenStream {
        let name = format_ident!("{}", field.name);
        let wire = &field.wire_name;
        let fail = |b: TokenStream| quote!(#b.within(#wire));
        let mut checks = own_limits(&field.limits, &field.ty);
        if !checks.is_empty() {
            checks = quote!(#checks.map_err(|breach| breach.within(#wire))?;);
        }
        // A recursive field is a box around a named type, whose method the call reaches.
        checks.extend(self.nested(&field.ty, quote!(value), &fail, 0));
        if checks.is_empty() {
            return checks;
        }
        if field.required && !field.nullable {
            quote!({ let value = &self.#name; #checks })
        } else {
            quote!(if let Some(value) = &self.#name { #checks })
        }
    }
}

/// Whether a field declares a bound its type can have (a length for arrays, a range for numbers).
fn has_limits(field: &Field) -> bool {
    !own_limits(&field.limits, &field.ty).is_empty()
}

/// `Some(n)` or `None` as a literal bound.
pub(crate) fn opt_usize(v: Option<usize>) -> TokenStream {
    match v {
        Some(v) => {
            let v = Literal::usize_unsuffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

/// `Some(x)` or `None` as a literal bound.
pub(crate) fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(v) => {
            let v = Literal::f64_unsuffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

/// `value` (a `&T` of a numeric type) as the `f64` bounds are compared with; empty for other types.
pub(crate) fn as_f64(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Integer { .. } => quote!(*value as f64),
        TypeRef::Number { float: true } => quote!(f64::from(*value)),
        TypeRef::Number { float: false } => quote!(*value),
        _ => TokenStream::new(),
    }
}

/// An expression of type `Result<(), Breach>` checking `value` (a `&T`) against `limits`; empty
/// when no bound applies to its type.
fn own_limits(limits: &Limits, ty: &TypeRef) -> TokenStream {
    let number = as_f64(ty);
    let has_len = limits.min_items.is_some() || limits.max_items.is_some();
    let has_range = limits.minimum.is_some() || limits.maximum.is_some();
    match ty {
        TypeRef::Array(_) if has_len => {
            let (min, max) = (opt_usize(limits.min_items), opt_usize(limits.max_items));
            quote!(crate::runtime::checks::Breach::len(value.len(), #min, #max))
        }
        TypeRef::Integer { .. } | TypeRef::Number { .. } if has_range => {
            let (min, max) = (opt_f64(limits.minimum), opt_f64(limits.maximum));
            quote!(crate::runtime::checks::Breach::range(#number, #min, #max))
        }
        _ => TokenStream::new(),
    }
}
