//! Spec descriptions → doc attributes that rustdoc renders without warnings.
//!
//! Descriptions are prose written for web pages: they carry `<placeholders>`, `[json]`, bare
//! URLs and indented lines that rustdoc would read as HTML, links or doctests.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `text`, or nothing when there is none.
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    lines_to_attrs(&doc_lines(text.unwrap_or("")))
}

/// Doc attributes for already-sanitized lines.
pub fn lines_to_attrs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// The doc line stating a declared default (`Default: `3`.`), the value shown as JSON in code.
pub fn default_line(value: &serde_json::Value) -> String {
    let json = value.to_string();
    // A backtick inside needs a longer fence (CommonMark code spans).
    if json.contains('`') { format!("Default: `` {json} ``.") } else { format!("Default: `{json}`.") }
}

/// Sanitized Markdown lines of a description (empty when there is none).
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // Width of the current list item's marker: its continuation lines are indented by it.
    let mut list_indent: Option<usize> = None;
    // A lone `\r` ends a line too (rustdoc refuses one inside a doc comment), and other control
    // characters have no place in prose.
    let text: String = text.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
    for raw in text.trim().lines() {
        // Original indentation is dropped: four blanks would make an indented code block,
        // which rustdoc compiles as a doctest.
        let line = raw.trim();
        if line.starts_with("```") {
            out.push(if in_fence { "```".to_owned() } else { "```text".to_owned() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        if line.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        let escaped = escape_line(line);
        if let Some(width) = list_marker_width(line) {
            list_indent = Some(width);
            out.push(escaped);
        } else if let Some(width) = list_indent {
            out.push(format!("{}{escaped}", " ".repeat(width)));
        } else {
            out.push(escaped);
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // Collapse runs of blank lines.
    out.dedup_by(|a, b| a.is_empty() && b.is_empty());
    out
}

/// The width of a list marker starting `line` (`- `, `* `, `1. `), if it has one.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 4 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

/// Escapes HTML and link syntax outside inline code, and turns bare URLs into autolinks.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if let Some(len) = url_len(rest) {
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                rest = &rest[len..];
                continue;
            }
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '\\' => out.push_str("\\\\"),
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unmatched backtick would swallow the rest of the doc as code.
        out.push('`');
    }
    out
}

/// Length of an `http(s)://` URL at the start of `s`, without trailing punctuation.
fn url_len(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '(' | ')' | '[' | ']' | '，' | '。'))
        .unwrap_or(s.len());
    let url = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    (url.len() > "https://".len()).then_some(url.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(
            doc_lines("Format <extIdpId>:<id>, see https://x.io/a. Sample [\"a\"]"),
            ["Format &lt;extIdpId&gt;:&lt;id&gt;, see <https://x.io/a>. Sample \\[\"a\"\\]"]
        );
        assert_eq!(doc_lines("keep `<code>` as is"), ["keep `<code>` as is"]);
        assert_eq!(doc_lines("a\n\n\n    indented\n```\nx\n```"), ["a", "", "indented", "```text", "x", "```"]);
        assert_eq!(doc_lines("1. one\n   more\n- two\nmore\n\nafter"), ["1. one", "   more", "- two", "  more", "", "after"]);
        assert_eq!(default_line(&serde_json::json!(3)), "Default: `3`.");
        assert_eq!(default_line(&serde_json::json!("a`b")), "Default: `` \"a`b\" ``.");
    }
}
