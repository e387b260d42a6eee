//! Every spec in `tests/fixtures/errors/` is refused with a message naming the file, the JSON
//! pointer of the offending part and, where the parser knows it, the line; every spec in
//! `tests/fixtures/warnings/` is sloppy but clear: it generates, with located warnings.

use std::path::{Path, PathBuf};

use generator::{Config, Error, Provenance};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/errors").join(name)
}

fn refuse(name: &str) -> Error {
    let provenance = Provenance {
        command: "t".into(),
        spec_label: "t".into(),
    };
    match generator::generate(&fixture(name), &Config::new("x"), &provenance) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e,
    }
}

/// Whether the error came from parsing (`Parse`) or from the model (`Unsupported`).
#[derive(Debug, PartialEq)]
enum Kind {
    Parse,
    Unsupported,
}

struct Case {
    file: &'static str,
    kind: Kind,
    pointer: &'static str,
    line: Option<(usize, usize)>,
    message: &'static str,
}

const CASES: &[Case] = &[
    Case {
        file: "openapi-3.1.yaml",
        kind: Kind::Parse,
        pointer: "/openapi",
        line: Some((2, 1)),
        message: "OpenAPI 3.1.0 is not supported: this generator reads OpenAPI 3.0 only",
    },
    Case {
        file: "swagger-2.0.json",
        kind: Kind::Parse,
        pointer: "/swagger",
        line: Some((2, 3)),
        message: "Swagger 2.0 documents are not supported; convert the spec to OpenAPI 3.0",
    },
    Case {
        file: "invalid-yaml.yaml",
        kind: Kind::Parse,
        pointer: "",
        line: Some((10, 1)),
        message: "invalid YAML: did not find expected ',' or '}', while parsing a flow mapping at line 9 column 16",
    },
    Case {
        file: "invalid-json.json",
        kind: Kind::Parse,
        pointer: "",
        line: Some((4, 13)),
        message: "invalid JSON: key must be a string",
    },
    Case {
        file: "paths-is-a-list.yaml",
        kind: Kind::Parse,
        pointer: "/paths",
        line: Some((6, 3)),
        message: "not a valid OpenAPI 3.0 document: paths: invalid type: sequence, expected a mapping (an OpenAPI Paths object)",
    },
    Case {
        file: "unresolved-ref.yaml",
        kind: Kind::Unsupported,
        pointer: "/components/schemas/Pet/properties/owner/$ref",
        line: None,
        message: "unresolved `$ref` \"#/components/schemas/Owner\": no such schema in components.schemas",
    },
    Case {
        file: "external-ref.yaml",
        kind: Kind::Unsupported,
        pointer: "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
        line: None,
        message: "unsupported `$ref` \"pets.yaml#/components/schemas/Pet\": schema references must point to \
                  `#/components/schemas/<name>` in the same document",
    },
    Case {
        file: "deep-invalid-schema.json",
        kind: Kind::Parse,
        pointer: "/components/schemas/A/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/type",
        line: None,
        message: "not a valid OpenAPI 3.0 document: `type`: expected a string",
    },
    // Inside a path item, located at the failing node (openapiv3 names only `/paths`).
    Case {
        file: "missing-responses.yaml",
        kind: Kind::Parse,
        pointer: "/paths/~1a/get/responses",
        line: None,
        message: "an operation needs `responses` (a mapping of status codes to answers)",
    },
    Case {
        file: "parameter-without-name.yaml",
        kind: Kind::Parse,
        pointer: "/paths/~1a/get/parameters/0/name",
        line: None,
        message: "a parameter needs a `name` (a string)",
    },
    Case {
        file: "body-parameter.yaml",
        kind: Kind::Parse,
        pointer: "/paths/~1a/post/parameters/0/in",
        line: None,
        message: "`in: body` is Swagger 2.0; OpenAPI 3.0 declares bodies in `requestBody`",
    },
    Case {
        file: "undeclared-path-param.yaml",
        kind: Kind::Unsupported,
        pointer: "/paths/~1items~1{id}/get",
        line: None,
        message: "path \"/items/{id}\" uses `{id}` but declares no such path parameter",
    },
    Case {
        file: "dangling-path-item-ref.yaml",
        kind: Kind::Unsupported,
        pointer: "/paths/~1items/$ref",
        line: None,
        message: "unresolved path item `$ref` \"#/paths/~1things\"",
    },
];

#[test]
fn each_rejected_spec_names_file_pointer_and_reason() {
    let mut failures = Vec::new();
    for case in CASES {
        let err = refuse(case.file);
        let text = err.to_string();
        let kind = match &err {
            Error::Parse { .. } => Some(Kind::Parse),
            Error::Unsupported { .. } => Some(Kind::Unsupported),
            _ => None,
        };
        let Some(location) = err.location() else {
            failures.push(format!("{}: no location in {err:?}", case.file));
            continue;
        };
        let mut problems = Vec::new();
        if kind.as_ref() != Some(&case.kind) {
            problems.push(format!("kind {kind:?}, expected {:?}", case.kind));
        }
        if !text.contains(case.file) {
            problems.push("message does not name the file".to_owned());
        }
        if location.file != fixture(case.file) {
            problems.push(format!("location names {}", location.file.display()));
        }
        if location.pointer != case.pointer {
            problems.push(format!("pointer {:?}, expected {:?}", location.pointer, case.pointer));
        }
        let shown = if case.pointer.is_empty() { "/" } else { case.pointer };
        if !text.contains(&format!(" at {shown}: ")) {
            problems.push(format!("message does not show the pointer {shown}"));
        }
        if location.line != case.line {
            problems.push(format!("line {:?}, expected {:?}", location.line, case.line));
        }
        if let Some((line, column)) = case.line
            && !text.contains(&format!("{}:{line}:{column} at ", case.file))
        {
            problems.push(format!("message does not show {line}:{column}"));
        }
        if !text.contains(case.message) {
            problems.push(format!("message lacks {:?}", case.message));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n    got: {text}", case.file, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn positions_are_not_repeated_in_the_message() {
    // The location prefix already says `file:line:column`; the parser's own "at line L column C"
    // for the same spot would only repeat it.
    let text = refuse("invalid-json.json").to_string();
    assert!(!text.contains("at line 4 column 13"), "{text}");
    let text = refuse("paths-is-a-list.yaml").to_string();
    assert!(!text.contains("at line 6 column 3"), "{text}");
}

#[test]
fn every_error_fixture_has_a_case() {
    let mut files: Vec<String> = std::fs::read_dir(fixture(""))
        .expect("fixtures/errors exists")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut covered: Vec<&str> = CASES.iter().map(|c| c.file).collect();
    covered.sort_unstable();
    assert_eq!(files, covered);
}

#[test]
fn a_missing_file_is_a_read_error_naming_it() {
    let err = refuse("no-such-spec.yaml");
    assert!(matches!(err, Error::Read { .. }), "{err:?}");
    assert!(err.location().is_none());
    assert!(err.to_string().contains("no-such-spec.yaml: cannot read"), "{err}");
}

/// Sloppy specs whose meaning is clear: `(file, [(pointer, part of the message)])`, every warning
/// in order.
const WARNINGS: &[(&str, &[(&str, &str)])] = &[
    (
        "bounds-and-info.yaml",
        &[
            ("/components/schemas/Limits/properties/above/exclusiveMinimum", "`exclusiveMinimum: 0` is OpenAPI 3.1; read as `minimum: 0` with `exclusiveMinimum: true`"),
            ("/components/schemas/Limits/properties/ratio/minimum", "`minimum: 0.5` bounds an integer; read as 1"),
            ("/info/title", "`info.title` is required; read as \"bounds-and-info\""),
        ],
    ),
    ("callbacks.yaml", &[("/paths/~1sessions/post/callbacks", "callbacks are requests the service sends to you; no client code is generated for them")]),
    (
        "control-chars.yaml",
        &[
            ("/paths/~1a/get/operationId", "control characters (line breaks, NUL, DEL, …) where one line is expected; read as spaces"),
            ("/info/title", "control characters (line breaks, NUL, DEL, …) where one line is expected; read as spaces"),
        ],
    ),
    ("cookie-parameter.yaml", &[]),
    (
        "duplicate-operation-id.yaml",
        &[("/paths/~1owners/get/operationId", "duplicate operationId \"listThings\" (already used at /paths/~1pets/get/operationId); this operation is called \"listThings2\"")],
    ),
    (
        "examples-list.yaml",
        &[("/paths/~1things/get/responses/200/content/application~1json/examples", "`examples` must be a mapping of names to examples (one example goes in `example`); ignored")],
    ),
    ("head-answer-body.yaml", &[("/paths/~1ping/head/responses/200/content", "an answer to HEAD has no body; its content is ignored")]),
    (
        "ignored-headers.yaml",
        &[
            ("/paths/~1items/get/parameters/0/name", "header parameter \"Authorization\" is ignored, as OpenAPI specifies; set it for every call with the client builder's `header()`"),
            ("/paths/~1items/get/parameters/1/name", "header parameter \"Accept\" is ignored"),
            ("/paths/~1items/get/parameters/2/style", "`deepObject` applies to objects; the value is sent with style `form`"),
            ("/paths/~1items/get/requestBody/content", "the request body declares no media type; no body is sent"),
        ],
    ),
    (
        "mixed-types.yaml",
        &[
            ("/components/schemas/Text/type", "`type: string` is combined with keywords of another type; `type` decides"),
            ("/components/schemas/List/type", "`type: array` is combined with keywords of another type; `type` decides"),
            ("/components/schemas/Count/type", "`type: integer` is combined with keywords of another type; `type` decides"),
            ("/components/schemas/When/type", "unknown schema `type: date-time`; the value is any JSON value"),
        ],
    ),
    ("non-finite-numbers.yaml", &[("/components/schemas/A/maximum", "an infinite or not-a-number value (`.inf`, `.nan`) has no JSON form; it is read as absent")]),
    ("non-json-body.yaml", &[]),
    ("not.yaml", &[("/components/schemas/NotAString/not", "`not` cannot be expressed as a type; the value is any JSON value")]),
    ("path-fragment.yaml", &[("/paths/~1tags~1{arn}#TagKeys", "the `#TagKeys` of path \"/tags/{arn}#TagKeys\" is a URL fragment, which HTTP does not send; left out")]),
    ("path-param-not-in-path.yaml", &[("/paths/~1items/get/parameters/0/name", "path parameter \"id\" does not appear in path \"/items\"; it is left out")]),
    (
        "schema-leniency.yaml",
        &[
            ("/components/schemas/Code/enum", "the `enum` values are integers but `type` is `string`; the values decide"),
            ("/components/schemas/Holder/properties/circle/nullable", "`nullable` beside `$ref` is ignored by OpenAPI 3.0; read as nullable"),
            ("/components/schemas/Holder/properties/tone/enum", "`null` is among the `enum` values of a schema that is not `nullable`; read as nullable"),
            ("/components/schemas/Inline/oneOf/1", "a discriminator names `$ref` members only; this inline member has no tag, so the variants are tried in order instead"),
            ("/components/schemas/Mapped/discriminator/mapping/square", "the mapping names \"#/components/schemas/Square\", which is not one of the variants; ignored"),
            ("/components/schemas/Claimed/oneOf/0", "this member has no tag of its own (the value \"Circle\" names another member); the variants are tried in order instead"),
            ("/components/schemas/Chain", "required property `next` leads back to `Chain` through required properties only, so no finite value has it; read as optional"),
            ("/components/schemas/Reading", "property `at` of `Reading` is typed differently by its variant `Stamped`; no value fits both, so that variant cannot be decoded"),
        ],
    ),
];

fn warnings_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/warnings").join(name)
}

#[test]
fn sloppy_specs_generate_with_located_warnings() {
    let provenance = Provenance { command: "t".into(), spec_label: "t".into() };
    let mut failures = Vec::new();
    for (file, expected) in WARNINGS {
        let path = warnings_fixture(file);
        let output = match generator::generate(&path, &Config::new("x"), &provenance) {
            Ok(output) => output,
            Err(e) => {
                failures.push(format!("{file}: refused: {e}"));
                continue;
            }
        };
        let got: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
        let matches = output.warnings.len() == expected.len()
            && output.warnings.iter().zip(expected.iter()).all(|(w, (pointer, message))| {
                w.location.file == path && w.location.pointer == *pointer && w.message.contains(message) && w.to_string().contains(&format!("{file} at {pointer}: "))
            });
        if !matches {
            failures.push(format!("{file}: expected {expected:?}\n    got {got:#?}"));
        }
        // The same warnings, in the same order, on every run.
        let again = generator::generate(&path, &Config::new("x"), &provenance).expect("generates again");
        assert_eq!(again.warnings, output.warnings, "{file}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_warning_fixture_has_a_case() {
    let mut files: Vec<String> = std::fs::read_dir(warnings_fixture(""))
        .expect("fixtures/warnings exists")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let covered: Vec<&str> = WARNINGS.iter().map(|(f, _)| *f).collect();
    assert_eq!(files, covered);
}
