//! How parameter and form field values are written: the `style` and `explode` of OpenAPI 3.0
//! ("Style Values"), on values already turned into JSON, so nothing here is generic.

use serde_json::{Map, Value};

/// How a parameter or form field value is written (OpenAPI `style`, plus `Json` for parameters
/// declared with `content: application/json`).
///
/// A `null` value is not sent at all; nor are `null` items of arrays, `null` properties of
/// objects, and arrays and objects left empty. Object properties come in the order of
/// `serde_json::Map` (by name). A style that does not fit the value (`DeepObject` on a string,
/// say) is read as `Form`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `name=a&name=b` (exploded) or `name=a,b`; an exploded object sends one pair per property
    /// (`k1=v1&k2=v2`), an unexploded one `name=k1,v1,k2,v2`.
    Form,
    /// An array or object joined with spaces: `name=a b` (`explode` does not apply).
    SpaceDelimited,
    /// An array or object joined with `|`: `name=a|b` (`explode` does not apply).
    PipeDelimited,
    /// An object as `name[k]=v` pairs, `name[k][k2]=v` for nested objects, `name[k]=v` once per
    /// item of an array.
    DeepObject,
    /// Comma-joined: `a,b`; an object as `k1,v1,k2,v2`, or exploded `k1=v1,k2=v2`. The style of
    /// headers.
    Simple,
    /// The whole value as JSON text.
    Json,
}

/// Text of a value inside another one: strings as they are, numbers and booleans as JSON,
/// arrays and objects as JSON text; `None` for `null`.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The texts of an array's items, `null` ones left out.
fn items(array: &[Value]) -> Vec<String> {
    array.iter().filter_map(text).collect()
}

/// `k1 <sep> v1 <sep> k2 <sep> v2`, `null` properties left out.
fn flat(object: &Map<String, Value>, separator: &str) -> String {
    let pairs: Vec<String> = object.iter().filter_map(|(k, v)| Some(format!("{k}{separator}{}", text(v)?))).collect();
    pairs.join(separator)
}

/// `k1=v1,k2=v2`, `null` properties left out.
fn assigned(object: &Map<String, Value>) -> String {
    let pairs: Vec<String> = object.iter().filter_map(|(k, v)| Some(format!("{k}={}", text(v)?))).collect();
    pairs.join(",")
}

/// The (name, value) pairs a query parameter, form field or cookie `name` with `value` is sent
/// as, appended to `out` in order.
pub(crate) fn pairs(name: &str, value: &Value, style: Style, explode: bool, out: &mut Vec<(String, String)>) {
    let mut push = |key: String, value: String| out.push((key, value));
    match (value, style) {
        (Value::Null, _) => {}
        (_, Style::Json) => push(name.to_owned(), value.to_string()),
        (Value::Array(array), _) => {
            let items = items(array);
            // An empty array sends nothing, as an absent one: there is no text for "no items".
            if items.is_empty() {
                return;
            }
            match style {
                Style::SpaceDelimited => push(name.to_owned(), items.join(" ")),
                Style::PipeDelimited => push(name.to_owned(), items.join("|")),
                Style::Simple => push(name.to_owned(), items.join(",")),
                // Form, and DeepObject that does not fit arrays.
                _ if explode => items.into_iter().for_each(|item| push(name.to_owned(), item)),
                _ => push(name.to_owned(), items.join(",")),
            }
        }
        // As for arrays: nothing to send.
        (Value::Object(object), _) if object.values().all(Value::is_null) => {}
        (Value::Object(object), _) => match style {
            Style::DeepObject => deep(name, object, out),
            Style::SpaceDelimited => push(name.to_owned(), flat(object, " ")),
            Style::PipeDelimited => push(name.to_owned(), flat(object, "|")),
            Style::Simple if explode => push(name.to_owned(), assigned(object)),
            Style::Simple => push(name.to_owned(), flat(object, ",")),
            _ if explode => {
                for (key, value) in object {
                    if let Some(value) = text(value) {
                        push(key.clone(), value);
                    }
                }
            }
            _ => push(name.to_owned(), flat(object, ",")),
        },
        (scalar, _) => {
            if let Some(value) = text(scalar) {
                push(name.to_owned(), value);
            }
        }
    }
}

/// `prefix[k]=v` for each property, nested objects deeper, arrays once per item.
fn deep(prefix: &str, object: &Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (key, value) in object {
        let name = format!("{prefix}[{key}]");
        match value {
            Value::Object(inner) => deep(&name, inner, out),
            Value::Array(array) => out.extend(items(array).into_iter().map(|item| (name.clone(), item))),
            other => out.extend(text(other).map(|text| (name, text))),
        }
    }
}

/// The text a header carries for `value`: `Json` as JSON text, any other style as `Simple`
/// (the only style of headers); `None` (no header) for `null` and for an array or object with
/// nothing to send, as query parameters send nothing for them.
pub(crate) fn header(value: &Value, style: Style, explode: bool) -> Option<String> {
    let joined = match (value, style) {
        (Value::Null, _) => return None,
        (_, Style::Json) => return Some(value.to_string()),
        (Value::Array(array), _) => items(array).join(","),
        (Value::Object(object), _) if explode => assigned(object),
        (Value::Object(object), _) => flat(object, ","),
        (scalar, _) => return text(scalar),
    };
    Some(joined).filter(|text| !text.is_empty())
}

/// The text of a path parameter's `value`: `Simple` (arrays comma-joined, objects `k,v,k,v` or
/// with `explode` `k=v,k=v`) or, for [`Style::Json`], its JSON text. Generated builders use it
/// for path parameters that are not single values.
pub fn style_text<T: serde::Serialize + ?Sized>(value: &T, style: Style, explode: bool) -> String {
    match serde_json::to_value(value) {
        Ok(value) => header(&value, style, explode).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// A path parameter in `label` style: `.v`; arrays `.a,b` (exploded `.a.b`), objects `.k,v`
/// (exploded `.k=v.k2=v2`).
pub fn label_text<T: serde::Serialize + ?Sized>(value: &T, explode: bool) -> String {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    let separator = if explode { "." } else { "," };
    match &value {
        Value::Array(array) => format!(".{}", items(array).join(separator)),
        Value::Object(object) if explode => {
            let pairs: Vec<String> = object.iter().filter_map(|(k, v)| Some(format!("{k}={}", text(v)?))).collect();
            format!(".{}", pairs.join("."))
        }
        Value::Object(object) => format!(".{}", flat(object, ",")),
        scalar => format!(".{}", text(scalar).unwrap_or_default()),
    }
}

/// A path parameter `name` in `matrix` style: `;name=v`; arrays `;name=a,b` (exploded
/// `;name=a;name=b`), objects `;name=k,v` (exploded `;k=v;k2=v2`).
pub fn matrix_text<T: serde::Serialize + ?Sized>(name: &str, value: &T, explode: bool) -> String {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    match &value {
        Value::Array(array) if explode => items(array).iter().map(|item| format!(";{name}={item}")).collect(),
        Value::Array(array) => format!(";{name}={}", items(array).join(",")),
        Value::Object(object) if explode => object.iter().filter_map(|(k, v)| Some(format!(";{k}={}", text(v)?))).collect(),
        Value::Object(object) => format!(";{name}={}", flat(object, ",")),
        Value::Null => format!(";{name}"),
        scalar => format!(";{name}={}", text(scalar).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(value: Value, style: Style, explode: bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        pairs("p", &value, style, explode, &mut out);
        out
    }

    fn expect(found: Vec<(String, String)>, expected: &[(&str, &str)]) {
        let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn label_and_matrix_follow_the_openapi_table() {
        let (array, object) = (json!(["blue", "black"]), json!({"R": 100, "G": 200}));
        assert_eq!(label_text(&json!("blue"), false), ".blue");
        assert_eq!(label_text(&array, false), ".blue,black");
        assert_eq!(label_text(&array, true), ".blue.black");
        assert_eq!(label_text(&object, false), ".G,200,R,100");
        assert_eq!(label_text(&object, true), ".G=200.R=100");
        assert_eq!(matrix_text("color", &json!("blue"), false), ";color=blue");
        assert_eq!(matrix_text("color", &array, false), ";color=blue,black");
        assert_eq!(matrix_text("color", &array, true), ";color=blue;color=black");
        assert_eq!(matrix_text("color", &object, false), ";color=G,200,R,100");
        assert_eq!(matrix_text("color", &object, true), ";G=200;R=100");
    }

    #[test]
    fn path_text_is_simple_or_json() {
        assert_eq!(style_text(&json!(["a", 1]), Style::Simple, false), "a,1");
        assert_eq!(style_text(&json!({"k": "v"}), Style::Simple, true), "k=v");
        assert_eq!(style_text(&json!({"k": "v"}), Style::Json, false), "{\"k\":\"v\"}");
    }

    #[test]
    fn null_sends_nothing() {
        for style in [Style::Form, Style::SpaceDelimited, Style::PipeDelimited, Style::DeepObject, Style::Simple, Style::Json] {
            assert!(run(Value::Null, style, true).is_empty(), "{style:?}");
            assert!(run(Value::Null, style, false).is_empty(), "{style:?}");
        }
        assert!(run(json!([]), Style::Form, true).is_empty());
        assert!(run(json!([null]), Style::PipeDelimited, false).is_empty());
        assert!(run(json!({"a": null}), Style::Form, false).is_empty());
        assert!(run(json!({}), Style::DeepObject, true).is_empty());
        assert_eq!(header(&Value::Null, Style::Simple, false), None);
        assert_eq!(header(&json!([null]), Style::Simple, false), None);
        assert_eq!(header(&json!({}), Style::Simple, true), None);
        assert_eq!(header(&json!(""), Style::Simple, true).as_deref(), Some(""), "an empty string is a value");
    }

    #[test]
    fn scalars_are_their_text_whatever_the_style() {
        for style in [Style::Form, Style::SpaceDelimited, Style::PipeDelimited, Style::DeepObject, Style::Simple] {
            expect(run(json!("a b"), style, true), &[("p", "a b")]);
            expect(run(json!(1.5), style, false), &[("p", "1.5")]);
            expect(run(json!(-3), style, true), &[("p", "-3")]);
            expect(run(json!(true), style, false), &[("p", "true")]);
        }
    }

    #[test]
    fn arrays_by_style() {
        let colors = || json!(["blue", "black", 3, null, false]);
        expect(run(colors(), Style::Form, true), &[("p", "blue"), ("p", "black"), ("p", "3"), ("p", "false")]);
        expect(run(colors(), Style::Form, false), &[("p", "blue,black,3,false")]);
        expect(run(colors(), Style::SpaceDelimited, false), &[("p", "blue black 3 false")]);
        expect(run(colors(), Style::SpaceDelimited, true), &[("p", "blue black 3 false")]);
        expect(run(colors(), Style::PipeDelimited, false), &[("p", "blue|black|3|false")]);
        expect(run(colors(), Style::Simple, true), &[("p", "blue,black,3,false")]);
        // DeepObject does not fit arrays: Form.
        expect(run(colors(), Style::DeepObject, true), &[("p", "blue"), ("p", "black"), ("p", "3"), ("p", "false")]);
        expect(run(colors(), Style::DeepObject, false), &[("p", "blue,black,3,false")]);
    }

    #[test]
    fn arrays_of_objects_send_each_item_as_json() {
        let value = || json!([{"a": 1}, {"b": "x"}]);
        expect(run(value(), Style::Form, true), &[("p", r#"{"a":1}"#), ("p", r#"{"b":"x"}"#)]);
        expect(run(value(), Style::PipeDelimited, false), &[("p", r#"{"a":1}|{"b":"x"}"#)]);
    }

    #[test]
    fn objects_by_style() {
        // Properties come in the order of `serde_json::Map`: by name.
        let rgb = || json!({"R": 100, "G": 200, "B": "x y", "N": null, "nested": {"a": [1]}});
        let nested = r#"{"a":[1]}"#;
        expect(run(rgb(), Style::Form, true), &[("B", "x y"), ("G", "200"), ("R", "100"), ("nested", nested)]);
        let flat = format!("B,x y,G,200,R,100,nested,{nested}");
        expect(run(rgb(), Style::Form, false), &[("p", &flat)]);
        expect(run(rgb(), Style::Simple, false), &[("p", &flat)]);
        expect(run(rgb(), Style::Simple, true), &[("p", &format!("B=x y,G=200,R=100,nested={nested}"))]);
        expect(run(rgb(), Style::SpaceDelimited, false), &[("p", &format!("B x y G 200 R 100 nested {nested}"))]);
        expect(run(rgb(), Style::PipeDelimited, false), &[("p", &format!("B|x y|G|200|R|100|nested|{nested}"))]);
    }

    #[test]
    fn deep_objects_nest_and_repeat_array_items() {
        let value = json!({"status": "on", "range": {"min": 1, "max": {"v": 2}}, "tags": ["a", "b"], "gone": null, "list": [{"x": 1}]});
        expect(
            run(value, Style::DeepObject, true),
            &[
                ("p[list]", r#"{"x":1}"#),
                ("p[range][max][v]", "2"),
                ("p[range][min]", "1"),
                ("p[status]", "on"),
                ("p[tags]", "a"),
                ("p[tags]", "b"),
            ],
        );
    }

    #[test]
    fn json_is_the_whole_value() {
        expect(run(json!({"a": [1, "x"]}), Style::Json, true), &[("p", r#"{"a":[1,"x"]}"#)]);
        expect(run(json!("s"), Style::Json, false), &[("p", r#""s""#)]);
        assert_eq!(header(&json!([1, 2]), Style::Json, false).as_deref(), Some("[1,2]"));
    }

    #[test]
    fn headers_are_simple() {
        assert_eq!(header(&json!("v"), Style::Simple, false).as_deref(), Some("v"));
        assert_eq!(header(&json!(7), Style::Simple, false).as_deref(), Some("7"));
        assert_eq!(header(&json!(["a", "b", null]), Style::Simple, true).as_deref(), Some("a,b"));
        assert_eq!(header(&json!({"a": 1, "b": "x"}), Style::Simple, false).as_deref(), Some("a,1,b,x"));
        assert_eq!(header(&json!({"a": 1, "b": "x"}), Style::Simple, true).as_deref(), Some("a=1,b=x"));
        // Styles headers cannot have are read as Simple.
        assert_eq!(header(&json!(["a", "b"]), Style::Form, true).as_deref(), Some("a,b"));
    }
}
