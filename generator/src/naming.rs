//! The one place where names from the spec become Rust identifiers.
//!
//! Everything that decides an identifier (case conversion, keywords, characters Rust does not
//! allow, collisions) lives here, so the model and the emitters agree by construction.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be plain identifiers (strict and reserved keywords of every edition).
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the emitted code uses itself and schemas must not shadow.
const RESERVED_TYPES: &[&str] = &["Option", "Result", "String", "Vec", "Box", "Error", "Value"];

/// Methods the generated client type has itself (see `emit::client`), and `clone`, which the
/// operation methods call, and `fmt` of `Debug`: operation methods must not take these names.
/// Sending (`execute`, `credentials`, ...) lives on the runtime's client inside it, so operation
/// names never meet it.
pub const CLIENT_METHODS: &[&str] = &["new", "builder", "from_env", "base_url", "http_client", "request", "runtime", "clone", "fmt"];

/// Names a request builder already uses for itself (its `send`, `send_with_meta`, `send_streaming`,
/// `into_request` and `new` methods, its `client` field): setters must not take these names.
pub const BUILDER_MEMBERS: &[&str] = &["send", "send_with_meta", "send_streaming", "into_request", "new", "client"];

/// Methods the generated `MockServer` has itself, or reaches through `Deref` from the runtime's
/// server, and those of the traits it implements: its per-operation helpers, named after the
/// client methods, must not take these.
pub const MOCK_SERVER_METHODS: &[&str] = &[
    "start", "base_url", "address", "client", "client_builder", "received", "requests", "problems", "verify",
    "reset", "revoke_tokens", "mock", "deref", "drop", "fmt",
];

/// Keeps ASCII letters, digits and `_`; spells any other letter or digit as its code point
/// (`x²` → `x u00b2`), so identifiers are ASCII (no lint on uncommon code points, no character
/// Rust calls alphanumeric but not an identifier character) and distinct names stay distinct;
/// everything else becomes a word boundary.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:04x} ", u32::from(c)));
        } else {
            out.push(' ');
        }
    }
    out
}

fn fix_start(mut name: String, prefix: &str, empty: &str) -> String {
    if name.is_empty() {
        return empty.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, prefix);
    }
    name
}

/// `userIdType` → `UserIdType`; used for types, enum variants and builders.
pub fn pascal(raw: &str) -> String {
    fix_start(clean(raw).to_upper_camel_case(), "V", "Empty")
}

/// `withCustomData` → `with_custom_data`, keywords get a trailing `_` (`type` → `type_`).
pub fn snake(raw: &str) -> String {
    let name = fix_start(clean(raw).to_snake_case(), "n", "value");
    if KEYWORDS.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// A type name for a schema or hoisted inline type.
pub fn type_name(raw: &str) -> String {
    let name = pascal(raw);
    if KEYWORDS.contains(&name.as_str()) || RESERVED_TYPES.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// Hands out names that are unique within one namespace, adding `2`, `3`, … on collision.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    used: HashSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `candidate`, or the first free numbered variant of it (`name2`, or `v1_2` when the
    /// name already ends in a digit, so `V1` and `V12` stay distinguishable).
    pub fn claim(&mut self, candidate: String) -> String {
        if self.used.insert(candidate.clone()) {
            return candidate;
        }
        // `Error_` (a reserved type name, escaped) taken: `Error2`, not `Error_2`, which is not
        // camel case.
        let candidate = if candidate.starts_with(|c: char| c.is_ascii_uppercase()) && candidate.ends_with('_') {
            candidate.trim_end_matches('_').to_owned()
        } else {
            candidate
        };
        let separator = if candidate.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        let mut n = 2;
        loop {
            let next = format!("{candidate}{separator}{n}");
            if self.used.insert(next.clone()) {
                return next;
            }
            n += 1;
        }
    }
}

/// Snake-case names for a list of wire names, unique within the list.
pub fn unique_snake<'a>(wire: impl IntoIterator<Item = &'a str>, reserved: &[&str]) -> Vec<String> {
    let mut ns = Namespace::with_reserved(reserved);
    wire.into_iter().map(|w| ns.claim(snake(w))).collect()
}

/// Enum variant names for wire values, unique within the enum and never the catch-all's name.
pub fn variant_names<'a>(values: impl IntoIterator<Item = &'a str>, catch_all: &str) -> Vec<String> {
    let mut ns = Namespace::with_reserved(&[catch_all, "Self"]);
    values.into_iter().map(|v| ns.claim(pascal(v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_api_names() {
        assert_eq!(snake("withCustomData"), "with_custom_data");
        assert_eq!(snake("access_token"), "access_token");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("X-Request-ID"), "x_request_id");
        assert_eq!(snake("2fa"), "n2fa");
        assert_eq!(pascal("user_id"), "UserId");
        assert_eq!(pascal("azure-ad"), "AzureAd");
        assert_eq!(pascal("NOT_EQUAL"), "NotEqual");
        assert_eq!(pascal("+86"), "V86");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(type_name("Error"), "Error_");
        assert_eq!(type_name("UserDto"), "UserDto");
    }

    #[test]
    fn resolves_collisions() {
        assert_eq!(unique_snake(["userId", "user_id", "UserId"], &[]), ["user_id", "user_id2", "user_id3"]);
        assert_eq!(variant_names(["Unknown", "unknown", "a"], "Unknown"), ["Unknown2", "Unknown3", "A"]);
        assert_eq!(variant_names(["+86", "86", "+1", "1", "12"], "Unknown"), ["V86", "V86_2", "V1", "V1_2", "V12"]);
    }
}
