//! The plan's smoke calls → `tests/operations.rs` of the generated crate: every operation
//! called once through the crate's mock kit (feature `mock`), and the request checked.
//!
//! Each operation gets a function of its own (set the mock up, call, check), which the one test
//! calls in turn: the file is printed a function at a time, so a spec with thousands of
//! operations never has one huge function to parse and format.

use crate::plan::{Plan, SmokeAnswer};
use crate::rust::raw_string;

/// The text of `tests/operations.rs`, before formatting, in pieces of whole items.
pub fn emit<'a>(plan: &'a Plan<'a>) -> impl Iterator<Item = String> + 'a {
    let krate = &plan.krate.ident;
    let client = &plan.client.name;
    let smoked: Vec<_> = plan.operations.iter().filter(|op| op.smoke.is_some()).collect();
    let calls: String = smoked.iter().map(|op| format!("call_{}(&server, &client).await;\n", op.mock_method)).collect();
    let head = format!(
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
         let client = server.client();\n\
         {calls}\n\
         server.verify();\n\
         }}\n"
    );
    std::iter::once(head).chain(smoked.into_iter().map(move |op| {
        let smoke = op.smoke.as_ref().expect("filtered");
        let (id, method, mock, variant) = (&op.op.id, &op.op.name, &op.mock_method, &op.mock_variant);
        let mut body = String::new();
        // The mock answers the token operation itself (the client also asks it for its own token).
        if !op.sensitive {
            let respond = match &smoke.answer {
                SmokeAnswer::Json(value) => format!("respond(serde_json::from_str({}).expect(\"a sample answer\"))", raw_string(&value.to_string())),
                SmokeAnswer::Empty => "respond()".to_owned(),
                SmokeAnswer::Raw { status, content_type, body } => format!("respond_bytes({status}, {content_type:?}, {body:?})"),
            };
            body.push_str(&format!("server.{mock}().times(1).{respond};\n"));
        }
        let setters: String = smoke.setters.iter().map(|(setter, value)| format!(".{setter}({value})")).collect();
        body.push_str(&format!("client.{method}(){setters}.send().await.expect({id:?});\n"));
        if op.sensitive {
            body.push_str(&format!("assert!(!server.received(Operation::{variant}).is_empty());\n"));
        } else {
            body.push_str(&format!("let request = &server.received(Operation::{variant})[0];\n"));
            // The mock routed it by method and path template: the operation is the one called.
            body.push_str(&format!("assert_eq!(request.method(), {:?}, {id:?});\n", op.op.method.as_str()));
            for name in &smoke.query {
                body.push_str(&format!("assert!(request.query({name:?}).is_some(), \"{id}: query {name}\");\n"));
            }
            for name in &smoke.headers {
                body.push_str(&format!("assert!(request.header({name:?}).is_some(), \"{id}: header {name}\");\n"));
            }
            if let Some(fields) = &smoke.body {
                body.push_str(&format!("let body: serde_json::Value = request.json().expect(\"{id}: a JSON body\");\n"));
                for field in fields {
                    body.push_str(&format!("assert!(body.get({field:?}).is_some(), \"{id}: body field {field}\");\n"));
                }
                if fields.is_empty() {
                    body.push_str("let _ = body;\n");
                }
            }
        }
        format!("\n/// `{id}`.\nasync fn call_{mock}(server: &MockServer, client: &{krate}::{client}) {{\n{body}}}\n")
    }))
}
