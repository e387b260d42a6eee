//! Discriminated unions (`oneOf` with a `discriminator`): reading the tag, and writing it for
//! variants whose own type does not hold it; and objects whose variant restates some of their
//! properties (`beside`). Generated `Serialize`/`Deserialize` impls call these.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// The discriminator value of `value`: its `property` as text. `type_name` names the union in the
/// error when the property is missing or not a string.
pub fn discriminator<'v>(value: &'v Value, property: &str, type_name: &str) -> Result<&'v str, String> {
    match value.get(property) {
        Some(Value::String(tag)) => Ok(tag),
        Some(other) => Err(format!("{type_name}: the discriminator `{property}` must be a string, not {other}")),
        None => Err(format!("{type_name}: the discriminator `{property}` is missing from {}", preview(value))),
    }
}

/// Serializes `value` (an object) with `property` set to `tag`: for a variant whose own type
/// does not declare the discriminator property.
pub fn serialize_tagged<S: Serializer, T: Serialize + ?Sized>(serializer: S, property: &str, tag: &str, value: &T) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    match &mut json {
        Value::Object(map) => {
            map.insert(property.to_owned(), Value::String(tag.to_owned()));
        }
        other => {
            return Err(serde::ser::Error::custom(format!("a variant tagged `{tag}` must be an object to carry `{property}`, not {}", preview(other))));
        }
    }
    json.serialize(serializer)
}

/// The object of `parts` (each an object) merged in order, a later part's keys replacing an
/// earlier one's: the variants of an object and then its own properties, when a variant declares
/// some of the same properties (serde's flattening would write those keys twice).
pub fn beside(parts: Vec<Value>, type_name: &str) -> Result<Value, String> {
    let mut object = serde_json::Map::new();
    for part in parts {
        match part {
            Value::Object(map) => object.extend(map),
            other => return Err(format!("{type_name}: a variant written beside properties must be an object, not {}", preview(&other))),
        }
    }
    Ok(Value::Object(object))
}

/// `skip_serializing_if` for a borrowed optional property (`&Option<T>`).
#[allow(clippy::ref_option_ref)] // the generated struct borrows its fields
pub fn absent<T>(value: &&Option<T>) -> bool {
    value.is_none()
}

/// The start of a value's JSON text, for messages.
fn preview(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_tag() {
        assert_eq!(discriminator(&json!({"kind": "cat"}), "kind", "Pet"), Ok("cat"));
        let missing = discriminator(&json!({"name": "x"}), "kind", "Pet").unwrap_err();
        assert!(missing.contains("Pet") && missing.contains("`kind` is missing"), "{missing}");
        let wrong = discriminator(&json!({"kind": 3}), "kind", "Pet").unwrap_err();
        assert!(wrong.contains("must be a string, not 3"), "{wrong}");
    }

    #[test]
    fn merges_variants_and_properties() {
        let merged = beside(vec![json!({"id": 1, "meow": true}), json!({"id": 2, "name": "x"})], "Pet").unwrap();
        assert_eq!(merged, json!({"id": 2, "meow": true, "name": "x"}));
        let err = beside(vec![json!(3), json!({"id": 2})], "Pet").unwrap_err();
        assert!(err.contains("Pet") && err.contains("must be an object, not 3"), "{err}");
        assert!(absent(&&None::<u8>) && !absent(&&Some(1)));
    }

    #[test]
    fn writes_the_tag_beside_the_fields() {
        let mut out = Vec::new();
        serialize_tagged(&mut serde_json::Serializer::new(&mut out), "kind", "dog", &json!({"barks": true})).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&out).unwrap(), json!({"barks": true, "kind": "dog"}));
        let mut out = Vec::new();
        let err = serialize_tagged(&mut serde_json::Serializer::new(&mut out), "kind", "dog", &json!("text")).unwrap_err();
        assert!(err.to_string().contains("must be an object"), "{err}");
    }
}
