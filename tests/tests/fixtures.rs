//! Behaviour of the types generated from the fixtures (`tests/golden/enums` and
//! `tests/golden/optional`): what goes over the wire, not only that the code compiles.

use fixture_enums::types::{Account, CountryCode, Operator, Provider, Status};
use fixture_optional::types::{Record, TreeNode};
use serde_json::{json, Value};

#[test]
fn unknown_enum_value_round_trips() {
    let provider: Provider = serde_json::from_value(json!("okta")).expect("an unknown value decodes");
    assert_eq!(provider, Provider::Unknown("okta".to_owned()));
    assert_eq!(serde_json::to_value(&provider).expect("serializes"), json!("okta"));

    // Inside a struct too, beside known values with odd spellings.
    let account: Account = serde_json::from_value(json!({
        "id": "a1",
        "provider": "azure-ad",
        "status": "suspended",
        "countryCode": "+86",
        "operator": "NOT_EQUAL",
    }))
    .expect("account decodes");
    assert_eq!(account.provider, Provider::AzureAd);
    assert_eq!(account.status, Status::Unknown("suspended".to_owned()));
    assert_eq!(account.country_code, Some(CountryCode::V86));
    assert_eq!(account.operator, Some(Operator::NotEqual));
    let back = serde_json::to_value(&account).expect("serializes");
    assert_eq!(back["status"], json!("suspended"));
    assert_eq!(back["provider"], json!("azure-ad"));
    assert_eq!(back["countryCode"], json!("+86"));
}

#[test]
fn enum_values_that_collide_after_conversion_stay_distinct() {
    // `Unknown` is a real value of Status: it must not land in the catch-all.
    assert_eq!(Status::from("Unknown"), Status::Unknown2);
    assert_eq!(Status::Unknown2.as_str(), "Unknown");
    assert_eq!(Status::from("unknown"), Status::Unknown3);
    assert_eq!(Status::from("Self"), Status::Self2);
    assert_eq!(Operator::from("not-equal"), Operator::NotEqual2);
    assert_eq!(CountryCode::from("86"), CountryCode::V86_2);
    assert_eq!(CountryCode::V1_2.as_str(), "1");
    // Duplicates in the spec's list are listed once.
    assert_eq!(Operator::KNOWN_VALUES, ["EQUAL", "NOT_EQUAL", "not-equal", ""]);
    for value in Status::KNOWN_VALUES {
        let decoded: Status = serde_json::from_value(json!(value)).expect("decodes");
        assert!(!matches!(decoded, Status::Unknown(_)), "{value} is known");
        assert_eq!(decoded.to_string(), *value);
    }
}

fn record() -> Record {
    Record {
        id: "r1".to_owned(),
        display_name: "Ada".to_owned(),
        type_: "person".to_owned(),
        ..Record::default()
    }
}

#[test]
fn optional_fields_that_are_none_are_left_out() {
    let value = serde_json::to_value(record()).expect("serializes");
    let mut keys: Vec<&str> = value.as_object().expect("an object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    // Required fields only; `deletedAt` is required (and nullable), so present.
    assert_eq!(keys, ["deletedAt", "displayName", "id", "type"]);
}

#[test]
fn nullable_required_field_is_sent_as_null() {
    let value = serde_json::to_value(record()).expect("serializes");
    assert_eq!(value["deletedAt"], Value::Null);
    let set = Record {
        deleted_at: Some("2024-01-01T00:00:00Z".to_owned()),
        ..record()
    };
    assert_eq!(serde_json::to_value(set).expect("serializes")["deletedAt"], json!("2024-01-01T00:00:00Z"));
    // And `null` decodes back to `None`.
    let decoded: Record = serde_json::from_value(json!({
        "id": "r1", "displayName": "Ada", "deletedAt": null, "type": "person"
    }))
    .expect("decodes");
    assert_eq!(decoded, record());
}

#[test]
fn wire_names_are_used_in_json() {
    let full = Record {
        nickname: Some("A".to_owned()),
        middle_name: Some("B".to_owned()),
        self_: Some("s".to_owned()),
        match_: Some(true),
        self_2: Some("S".to_owned()),
        user_id: Some("camel".to_owned()),
        user_id2: Some("snake".to_owned()),
        user_id3: Some("upper".to_owned()),
        n2fa: Some(false),
        x_request_id: Some("req".to_owned()),
        retries: Some(3),
        ..record()
    };
    let value = serde_json::to_value(&full).expect("serializes");
    assert_eq!(
        value,
        json!({
            "id": "r1",
            "displayName": "Ada",
            "deletedAt": null,
            "nickname": "A",
            "middleName": "B",
            "retries": 3,
            "type": "person",
            "self": "s",
            "match": true,
            "Self": "S",
            "userId": "camel",
            "user_id": "snake",
            "UserID": "upper",
            "2fa": false,
            "x-request-id": "req",
        })
    );
    let back: Record = serde_json::from_value(value).expect("decodes");
    assert_eq!(back, full);
}

#[test]
fn required_field_missing_is_an_error() {
    let err = serde_json::from_value::<Record>(json!({"id": "r1", "type": "t", "deletedAt": null}))
        .expect_err("displayName is required");
    assert!(err.to_string().contains("missing field `displayName`"), "{err}");
}

#[test]
fn recursive_struct_decodes() {
    let tree: TreeNode = serde_json::from_value(json!({
        "label": "root",
        "parent": {"label": "above", "parent": {"label": "top"}},
        "children": [{"label": "a"}, {"label": "b", "children": [{"label": "b1"}]}],
        "byName": {"x": {"label": "x"}},
        "sibling": {"node": {"label": "next"}},
    }))
    .expect("a recursive document decodes");
    let parent = tree.parent.as_deref().expect("parent");
    assert_eq!(parent.label, "above");
    assert_eq!(parent.parent.as_ref().map(|p| p.label.as_str()), Some("top"));
    let children = tree.children.as_deref().expect("children");
    assert_eq!(children[1].children.as_deref().expect("grandchildren")[0].label, "b1");
    assert_eq!(tree.by_name.as_ref().expect("byName")["x"].label, "x");
    let sibling = tree.sibling.as_deref().expect("sibling");
    assert_eq!(sibling.node.as_deref().map(|n| n.label.as_str()), Some("next"));
    // And it serializes back to the same document.
    let again: TreeNode = serde_json::from_value(serde_json::to_value(&tree).expect("serializes")).expect("decodes");
    assert_eq!(again, tree);
}

#[test]
fn unions_decode_to_the_first_variant_that_fits() {
    use fixture_unions::types::{Cat, Dog, Nested, Node, Pet, StructureStruct};

    assert_eq!(serde_json::from_value::<Pet>(json!({"meows": true})).expect("cat"), Pet::Cat(Cat { meows: true }));
    assert_eq!(serde_json::from_value::<Pet>(json!({"barks": false})).expect("dog"), Pet::Dog(Dog { barks: false }));
    assert!(serde_json::from_value::<Pet>(json!({"quacks": true})).is_err(), "no variant fits");
    assert_eq!(serde_json::to_value(Pet::Dog(Dog { barks: true })).expect("serializes"), json!({"barks": true}));

    assert_eq!(serde_json::from_value::<StructureStruct>(json!("x")).expect("string"), StructureStruct::Plain("x".into()));
    assert_eq!(
        serde_json::from_value::<StructureStruct>(json!(["a", "b"])).expect("list"),
        StructureStruct::Array(vec!["a".into(), "b".into()])
    );

    // Recursive through a union, without a list in between.
    let nested: Nested = serde_json::from_value(json!({"name": "a", "inner": {"name": "b", "inner": "leaf"}})).expect("nested");
    let Nested::Node(outer) = &nested else { panic!("expected a node, got {nested:?}") };
    let Some(inner) = outer.inner.as_deref() else { panic!("expected an inner value") };
    assert_eq!(
        *inner,
        Nested::Node(Box::new(Node { name: "b".into(), inner: Some(Box::new(Nested::String("leaf".into()))) }))
    );
}

#[test]
fn names_with_non_identifier_characters_round_trip_under_their_wire_names() {
    use fixture_known_crashes::types::{BU00bd, Marks};
    // `x²`, `½`, `①a`, `٣b`: characters Rust calls alphanumeric but not identifier characters
    // (or not ASCII) are spelled as code points in identifiers; the wire names stay.
    let marks: Marks = serde_json::from_value(json!({"x²": "a", "½": "b", "①a": 3, "٣b": "c"})).expect("decodes");
    assert_eq!(marks.x_u00b2.as_deref(), Some("a"));
    assert_eq!(marks.u00bd.as_deref(), Some("b"));
    assert_eq!(marks.u2460_a, Some(3));
    assert_eq!(marks.u0663_b.as_deref(), Some("c"));
    assert_eq!(serde_json::to_value(&marks).expect("encodes"), json!({"x²": "a", "½": "b", "①a": 3, "٣b": "c"}));
    assert_eq!(BU00bd::from("x²"), BU00bd::XU00b2);
    assert_eq!(serde_json::to_value(BU00bd::U2460).expect("encodes"), json!("①"));
}
