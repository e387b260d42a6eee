//! The plan's smoke calls → `tests/operations.rs` of the generated crate: every operation
//! called once through the crate's mock kit (feature `mock`), and the request checked.

use crate::plan::{Plan, SmokeAnswer};
use crate::rust::raw_string;

/// The text of `tests/operations.rs`, before formatting.
pub fn emit(plan: &Plan) -> String {
    let krate = &plan.krate.ident;
    let mut setup = String::new();
    let mut calls = String::new();
    let mut checks = String::new();
    for op in &plan.operations {
        let Some(smoke) = &op.smoke else { continue };
        let (id, method, mock, variant) = (&op.op.id, &op.op.name, &op.mock_method, &op.mock_variant);
        // The mock answers the token operation itself (the client also asks it for its own token).
        if !op.sensitive {
            let respond = match &smoke.answer {
                SmokeAnswer::Json(value) => format!("respond(serde_json::from_str({}).expect(\"a sample answer\"))", raw_string(&value.to_string())),
                SmokeAnswer::Empty => "respond()".to_owned(),
                SmokeAnswer::Raw { status, content_type, body } => format!("respond_bytes({status}, {content_type:?}, {body:?})"),
            };
            setup.push_str(&format!("server.{mock}().times(1).{respond};\n"));
        }
        let setters: String = smoke.setters.iter().map(|(setter, value)| format!(".{setter}({value})")).collect();
        calls.push_str(&format!("client.{method}(){setters}.send().await.expect({id:?});\n"));
        if op.sensitive {
            checks.push_str(&format!("assert!(!server.received(Operation::{variant}).is_empty());\n"));
            continue;
        }
        checks.push_str(&format!("let request = &server.received(Operation::{variant})[0];\n"));
        // The mock routed it by method and path template: the operation is the one called.
        checks.push_str(&format!("assert_eq!(request.method(), {:?}, {id:?});\n", op.op.method.as_str()));
        for name in &smoke.query {
            checks.push_str(&format!("assert!(request.query({name:?}).is_some(), \"{id}: query {name}\");\n"));
        }
        for name in &smoke.headers {
            checks.push_str(&format!("assert!(request.header({name:?}).is_some(), \"{id}: header {name}\");\n"));
        }
        if let Some(fields) = &smoke.body {
            checks.push_str(&format!("let body: serde_json::Value = request.json().expect(\"{id}: a JSON body\");\n"));
            for field in fields {
                checks.push_str(&format!("assert!(body.get({field:?}).is_some(), \"{id}: body field {field}\");\n"));
            }
            if fields.is_empty() {
                checks.push_str("let _ = body;\n");
            }
        }
    }
    format!(
        "//! Every operation of the crate called once through its mock kit (feature `mock`): sample values for\n\
         //! its required inputs, a sample answer, then what the request carried.\n\
         #![cfg(feature = \"mock\")]\n\
         #![allow(deprecated)]\n\
         \n\
         use {krate}::mock::{{MockServer, Operation}};\n\
         \n\
         #[tokio::test]\n\
         async fn every_operation_goes_through_the_mock_kit() {{\n\
         let server = MockServer::start().await;\n\
         {setup}\n\
         let client = server.client();\n\
         {calls}\n\
         {checks}\n\
         server.verify();\n\
         }}\n"
    )
}
