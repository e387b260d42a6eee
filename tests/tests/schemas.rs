//! Schema constructs (`tests/golden/schemas`): discriminated unions (an `allOf` base, a `oneOf`
//! with and without a mapping, variants that hold the tag and variants that do not), `oneOf`
//! beside properties, enums of integers and numbers, nullable references, other keys,
//! read-only/write-only properties and recursion, by serde round trip and over a loopback server.

use fixture_schemas::types::{
    Animal, AnimalVariant, Branch, Canine, Feline, Cat, Circle, Closed, Dog, Event, EventVariant, ExtendedTree, HttpCode, Labelled, LabelledVariant, Level, Login, Logout, Open, Pet, Ratio, Record,
    RecordTone, Shape, Square, Tree,
};
use fixture_schemas::Client;
use integration_tests::{Reply, TestServer};
use serde_json::{json, Value};

/// Decodes `value` as `T` and encodes it again: the JSON must come back unchanged.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug>(value: Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value} decodes: {e}"));
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), value, "{decoded:?}");
    decoded
}

#[test]
fn an_allof_base_with_a_discriminator_decodes_by_tag() {
    let cat: Pet = round_trip(json!({"petType": "cat", "name": "Tom", "meows": true}));
    assert_eq!(cat, Pet::Cat(Cat { pet_type: "cat".into(), name: "Tom".into(), meows: Some(true) }));
    // Two mapping keys name the same schema.
    let kitty: Pet = round_trip(json!({"petType": "kitty", "name": "Kit"}));
    assert!(matches!(kitty, Pet::Cat(Cat { ref pet_type, .. }) if pet_type == "kitty"));
    // A mapping value given as a bare schema name.
    let dog: Pet = round_trip(json!({"petType": "dog", "name": "Rex", "barks": false}));
    assert_eq!(dog, Pet::Dog(Dog { pet_type: "dog".into(), name: "Rex".into(), barks: false }));
    // No mapping entry: the schema name is the tag.
    assert!(matches!(round_trip::<Pet>(json!({"petType": "Lizard", "name": "Liz", "scales": 300})), Pet::Lizard(_)));
    // The tag decides, not which shape fits first: a dog without `barks` is an error, not a cat.
    let err = serde_json::from_value::<Pet>(json!({"petType": "dog", "name": "Rex"})).expect_err("barks is required");
    assert!(err.to_string().contains("barks"), "{err}");
}

#[test]
fn unknown_tags_are_kept_and_a_missing_tag_is_an_error() {
    let hamster = json!({"petType": "hamster", "name": "Ham", "wheel": true});
    assert_eq!(round_trip::<Pet>(hamster.clone()), Pet::Unknown(hamster));
    let err = serde_json::from_value::<Pet>(json!({"name": "Nobody"})).expect_err("no tag");
    assert!(err.to_string().contains("Pet: the discriminator `petType` is missing"), "{err}");
    let err = serde_json::from_value::<Pet>(json!({"petType": 7, "name": "Seven"})).expect_err("not text");
    assert!(err.to_string().contains("must be a string"), "{err}");
}

#[test]
fn variants_without_the_tag_property_get_it_written() {
    // `Circle` and `Square` do not declare `kind`: it is read to pick the variant, and written.
    let circle: Shape = round_trip(json!({"kind": "round", "radius": 1.5}));
    assert_eq!(circle, Shape::Circle(Circle { radius: 1.5 }));
    let square = Shape::Square(Square { side: 2.0 });
    assert_eq!(serde_json::to_value(&square).unwrap(), json!({"kind": "Square", "side": 2.0}));
    assert_eq!(round_trip::<Shape>(json!({"kind": "Square", "side": 2.0})), square);
}

#[test]
fn a_oneof_beside_properties_is_a_common_part_and_a_variant() {
    let login: Event = round_trip(json!({"id": "e1", "at": "2026-12-02T10:00:00Z", "type": "login", "method": "sso"}));
    assert_eq!(login.id, "e1");
    assert_eq!(login.at.as_deref(), Some("2026-12-02T10:00:00Z"));
    assert_eq!(login.variant, EventVariant::Login(Login { method: "sso".into() }));
    let logout: Event = round_trip(json!({"id": "e2", "type": "logout", "forced": true}));
    assert_eq!(logout.variant, EventVariant::Logout(Logout { forced: Some(true) }));
    // An event kind added later keeps its payload.
    let later: Event = round_trip(json!({"id": "e3", "type": "mfa", "factor": "otp"}));
    assert_eq!(later.variant, EventVariant::Unknown(json!({"type": "mfa", "factor": "otp"})));

    // `allOf` of a common part and an undiscriminated `oneOf`: the variant is found by shape.
    let labelled: Labelled = round_trip(json!({"label": "wheel", "radius": 0.5}));
    assert_eq!(labelled.label, "wheel");
    assert_eq!(labelled.variant, LabelledVariant::Circle(Circle { radius: 0.5 }));
}

#[test]
fn variants_that_restate_the_common_part_see_its_keys() {
    // `Feline` and `Canine` are whole schemas built on the base too: `id` is the common part's and
    // the variant's (serde's flattening would give it to the common part only, and the variant
    // would miss its required `id`).
    let cat: Animal = round_trip(json!({"id": 7, "nickname": "Tom", "meows": true}));
    assert_eq!(cat.id, 7);
    assert_eq!(cat.nickname.as_deref(), Some("Tom"));
    assert_eq!(cat.variant, AnimalVariant::Feline(Feline { id: 7, nickname: Some("Tom".into()), meows: true }));
    let dog: Animal = round_trip(json!({"id": 8, "barks": false}));
    assert_eq!(dog.variant, AnimalVariant::Canine(Canine { id: 8, nickname: None, barks: false }));
    // Written once per key, the common part's value winning over the variant's.
    let edited = Animal { id: 9, ..dog };
    let text = serde_json::to_string(&edited).expect("encodes");
    assert_eq!(text.matches("\"id\"").count(), 1, "{text}");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), json!({"id": 9, "barks": false}));
    // A value neither variant holds is an error naming what is missing.
    let err = serde_json::from_value::<Animal>(json!({"nickname": "x", "meows": true})).expect_err("id is required");
    assert!(err.to_string().contains("id"), "{err}");
}

#[test]
fn integer_and_number_enums_are_typed_and_keep_unknown_values() {
    assert_eq!(round_trip::<Level>(json!(2)), Level::V2);
    assert_eq!(round_trip::<Level>(json!(-1)), Level::Minus1);
    assert_eq!(round_trip::<Level>(json!(9)), Level::Unknown(9));
    assert_eq!(Level::from(-1).to_string(), "-1");
    assert_eq!(Level::KNOWN_VALUES, &[1, 2, 3, -1]);
    assert!(serde_json::from_value::<Level>(json!("2")).is_err(), "a number, not text");
    assert_eq!(round_trip::<Ratio>(json!(1.5)), Ratio::V1Point5);
    assert_eq!(round_trip::<Ratio>(json!(0.25)), Ratio::Unknown(0.25));
    // Names from `x-enum-varnames`.
    assert_eq!(round_trip::<HttpCode>(json!(404)), HttpCode::NotFound);
    assert_eq!(HttpCode::Ok.value(), 200);
}

#[test]
fn records_honour_nullable_references_other_keys_and_access() {
    // Read-only `id`/`createdAt` and write-only `secret` are required only on their side: both
    // an answer without `secret` and a request without `id` decode.
    let answer: Record = round_trip(json!({"id": "r1", "createdAt": "2026-12-02T10:00:00Z", "small": -3}));
    assert_eq!(answer.id.as_deref(), Some("r1"));
    assert_eq!(answer.secret, None);
    let request: Record = round_trip(json!({"secret": "s3cret", "small": 4, "count": 4000000000u32, "total": 18000000000000000000u64}));
    assert_eq!(request.id, None);
    assert_eq!(request.count, Some(4_000_000_000));
    assert_eq!(request.total, Some(18_000_000_000_000_000_000));
    // Nullable through `allOf: [$ref]`, beside `$ref`, and by `null` among enum values.
    let nulls: Record = serde_json::from_value(json!({"small": 1, "owner": null, "shape": null, "tone": null, "size": null})).expect("nulls");
    assert_eq!((nulls.owner, nulls.shape, nulls.tone, nulls.size), (None, None, None, None));
    let set: Record = serde_json::from_value(json!({"small": 1, "owner": {"radius": 1.0}, "tone": "dark", "shape": {"kind": "round", "radius": 2.0}})).expect("set");
    assert_eq!(set.owner, Some(Circle { radius: 1.0 }));
    assert_eq!(set.tone, Some(RecordTone::Dark));
    assert_eq!(set.shape, Some(Shape::Circle(Circle { radius: 2.0 })));
    // Other keys: `additionalProperties: {type: integer}` keeps them, typed.
    let extra: Record = round_trip(json!({"small": 1, "level": 3, "ratio": 0.5, "visits": 12, "likes": 4}));
    assert_eq!(extra.level, Some(Level::V3));
    assert_eq!(extra.additional_properties.get("visits"), Some(&12));
    assert_eq!(extra.additional_properties.len(), 2);
    assert!(serde_json::from_value::<Record>(json!({"small": 1, "visits": "many"})).is_err(), "other keys are integers");
    // Out of range for `int8`.
    assert!(serde_json::from_value::<Record>(json!({"small": 300})).is_err());
    // `additionalProperties: false` ignores other keys; `true` keeps them.
    let closed: Closed = serde_json::from_value(json!({"name": "c", "x": 1})).expect("closed");
    assert_eq!(serde_json::to_value(&closed).unwrap(), json!({"name": "c"}));
    let open: Open = round_trip(json!({"name": "o", "x": 1, "y": [true]}));
    assert_eq!(open.additional_properties.get("y"), Some(&json!([true])));
}

#[test]
fn recursion_through_arrays_maps_allof_and_oneof_round_trips() {
    let tree: Tree = round_trip(json!({
        "name": "root",
        "children": [{"name": "a", "children": []}],
        "byName": {"b": {"name": "b"}},
        "extended": {"name": "e", "height": 3, "branch": "leaf"},
        "branch": {"name": "inner", "branch": {"name": "deeper"}}
    }));
    assert_eq!(tree.children.as_ref().map(Vec::len), Some(1));
    assert_eq!(tree.by_name.as_ref().and_then(|m| m.get("b")).map(|t| t.name.as_str()), Some("b"));
    let extended: &ExtendedTree = tree.extended.as_deref().expect("extended");
    assert_eq!((extended.height, extended.branch.as_deref()), (Some(3), Some(&Branch::String("leaf".into()))));
    assert!(matches!(tree.branch.as_deref(), Some(Branch::Tree(inner)) if inner.name == "inner"));
}

#[tokio::test]
async fn tagged_bodies_and_number_enum_parameters_go_over_the_wire() {
    let server = TestServer::start(|r| match r.path.as_str() {
        "/shapes" => Reply::json(json!({"kind": "hexagon", "edges": 6})),
        "/events" => Reply::json(r.json()),
        "/open" => Reply::raw(204, "application/json", ""),
        _ => Reply::json(json!({"petType": "dog", "name": "Rex", "barks": true})),
    });
    let client = Client::builder().host(&server.base_url).build().expect("client");

    let stored = client.put_shape().level(-1).ratio(1.5).body(Shape::Square(Square { side: 3.0 })).send().await.expect("put");
    assert_eq!(stored, Shape::Unknown(json!({"kind": "hexagon", "edges": 6})));
    let sent = &server.requests_to("/shapes")[0];
    assert_eq!(sent.query_pairs(), [("level".to_owned(), "-1".to_owned()), ("ratio".to_owned(), "1.5".to_owned())]);
    assert_eq!(sent.json(), json!({"kind": "Square", "side": 3.0}));

    // A flattened body: the common fields and the variant, tag included, in one object.
    let event = client.add_event().id("e9").variant(EventVariant::Login(Login { method: "passkey".into() })).send().await.expect("event");
    assert_eq!(server.requests_to("/events")[0].json(), json!({"id": "e9", "type": "login", "method": "passkey"}));
    assert_eq!(event.variant, EventVariant::Login(Login { method: "passkey".into() }));

    // Other keys of a flattened body: optional, written beside the properties.
    client.add_open().name("plain").send().await.expect("open");
    let extra = serde_json::Map::from_iter([("x".to_owned(), json!(1))]);
    client.add_open().name("more").additional_properties(extra).send().await.expect("open");
    let sent: Vec<Value> = server.requests_to("/open").iter().map(|r| r.json()).collect();
    assert_eq!(sent, [json!({"name": "plain"}), json!({"name": "more", "x": 1})]);

    let pet = client.add_pet().body(Pet::Cat(Cat { pet_type: "cat".into(), name: "Tom".into(), meows: None })).send().await.expect("pet");
    assert_eq!(pet, Pet::Dog(Dog { pet_type: "dog".into(), name: "Rex".into(), barks: true }));
}

/// Constructs the random valid-spec test found broken (`tests/golden/found`), on the wire.
#[tokio::test]
async fn constructs_the_random_specs_found_work() {
    use fixture_found::types::{Card, Contact, ContactVariant, Outcome, Payment, PaymentVariant};
    let server = TestServer::start(|r| match r.path.as_str() {
        "/payments" => Reply::json(json!({"name": "Ann", "phone": "+1 555"})),
        _ => Reply::raw(204, "application/json", ""),
    });
    let client = fixture_found::Client::builder().host(&server.base_url).build().expect("client");
    // A bound declared on a referenced number is checked before sending.
    let err = client.list_things().ratio(11.0).send().await.expect_err("above the maximum");
    assert!(err.to_string().contains("ratio"), "{err}");
    client.list_things().ratio(10.0).send().await.expect("within");
    assert_eq!(server.count("/things"), 1);
    // A union beside properties: the common field and the variant in one body; a union beside
    // `allOf` decoded by shape.
    let contact = client.add_payment().amount(5).variant(PaymentVariant::Card(Card { number: "4242".into() })).send().await.expect("payment");
    assert_eq!(server.requests_to("/payments")[0].json(), json!({"amount": 5, "number": "4242"}));
    assert_eq!(contact, Contact { name: "Ann".into(), variant: ContactVariant::Phone(serde_json::from_value(json!({"phone": "+1 555"})).unwrap()) });
    let _: Payment = round_trip(json!({"amount": 1, "iban": "DE00"}));
    // An enum value `Err`.
    assert_eq!("Err".parse::<Outcome>(), Ok(Outcome::Err));
}
