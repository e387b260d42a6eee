//! Generated crates for the config combinations besides the GenAuth client's (envelope and
//! token auth), driven over loopback HTTP through their own mock kits:
//!
//! - `fixture-envelope`: an envelope without auth (success is `code` 0; no api code or request
//!   id fields), typed filters and a batch;
//! - `fixture-token-auth`: token auth without an envelope (the token operation answers plain
//!   JSON, a refused token is HTTP 401) and without a tenant claim, with paging and filters over
//!   plain strings;
//! - `fixture-names`: operations, parameters and schemas named like what the runtime, the
//!   client and the builders have themselves, and a client itself named `Client`.

use std::future::Future;
use std::time::Duration;

use futures_util::TryStreamExt as _;
use serde_json::json;

async fn within<T>(body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), body).await.expect("finished within 10 s")
}

mod envelope {
    use fixture_envelope::filters::{OrderBy, Where};
    use fixture_envelope::mock::{MockServer, Operation};
    use fixture_envelope::types::{Kind, Thing};
    use fixture_envelope::Error;

    use super::*;

    fn thing(id: &str) -> Thing {
        Thing { id: id.to_owned(), kind: Kind::Small, weight: None }
    }

    #[tokio::test]
    async fn payloads_come_out_of_the_envelope_and_refusals_are_api_errors() {
        within(async {
            let server = MockServer::start().await;
            server.get_thing().expect_path("id", "t1").times(1).respond_with_meta(thing("t1"), "fine", "ignored");
            server.get_thing().fail(7, "no such thing");
            server.delete_thing().respond();
            let client = server.client();

            let answer = client.get_thing().id("t1").send_with_meta().await.expect("found");
            assert_eq!(answer.data, thing("t1"));
            assert_eq!((answer.status_code, answer.message.as_deref()), (0, Some("fine")));
            // The envelope has no request id field: nothing is read for it.
            assert_eq!(answer.request_id, None);

            let err = client.get_thing().id("t2").send().await.expect_err("refused");
            match &err {
                Error::Api { operation: "getThing", status_code: 7, api_code: None, message, request_id: None, http_status: 200 } => {
                    assert_eq!(message, "no such thing");
                }
                other => panic!("{other:?}"),
            }
            client.delete_thing().id("t1").send().await.expect("deleted");

            let wire = &server.received(Operation::GetThing)[0];
            assert_eq!(wire.path(), "/things/t1");
            // No auth: nothing but the crate's user agent identifies the caller.
            assert!(wire.header("authorization").is_none());
            server.verify();
        })
        .await;
    }

    #[tokio::test]
    async fn typed_conditions_and_sort_items_go_on_the_wire_as_the_schemas_say() {
        within(async {
            let server = MockServer::start().await;
            server.search_things().respond(vec![thing("t1")]);
            let found = server
                .client()
                .search_things()
                .where_([Where::kind().one_of([Kind::Small, Kind::Large]), Where::weight().above(2.5), Where::custom("colour").is("red")])
                .order([OrderBy::weight().down()])
                .send()
                .await
                .expect("found");
            assert_eq!(found, [thing("t1")]);
            let body: serde_json::Value = server.received(Operation::SearchThings)[0].json().expect("JSON body");
            assert_eq!(
                body,
                json!({
                    "where": [
                        {"field": "kind", "op": "ONE_OF", "value": ["small", "large"]},
                        {"field": "weight", "op": "ABOVE", "value": 2.5},
                        {"field": "colour", "op": "IS", "value": "red"},
                    ],
                    "order": [{"by": "weight", "dir": "down"}],
                })
            );
            server.verify();
        })
        .await;
    }

    #[tokio::test]
    async fn a_long_list_is_sent_in_batches_of_its_max_items() {
        within(async {
            let server = MockServer::start().await;
            server.batch_get_things().times(3).respond(vec![thing("x")]);
            let all = server.client().batch_get_things().ids(["a", "b", "c", "d", "e"]).send_all().await.expect("sent");
            assert_eq!(all.len(), 3);
            let sent: Vec<serde_json::Value> =
                server.received(Operation::BatchGetThings).iter().map(|r| r.json::<serde_json::Value>().expect("JSON")["ids"].clone()).collect();
            assert_eq!(sent, [json!(["a", "b"]), json!(["c", "d"]), json!(["e"])]);
            server.verify();
        })
        .await;
    }
}

mod token_auth {
    use fixture_token_auth::mock::{MockServer, Operation, TENANT_ID};
    use fixture_token_auth::types::{ListWidgetsResponse, Widget};
    use fixture_token_auth::{Error, HeaderFamily, WidgetClient};

    use super::*;

    fn page(ids: &[&str], total: i64) -> ListWidgetsResponse {
        ListWidgetsResponse {
            items: ids.iter().map(|id| Widget { id: (*id).to_owned(), name: None }).collect(),
            total: Some(total),
        }
    }

    #[tokio::test]
    async fn the_token_comes_from_a_plain_json_answer_and_goes_in_its_own_header() {
        within(async {
            let server = MockServer::start().await;
            server.list_widgets().expect_query("page", "1").respond(page(&["w1", "w2"], 3));
            server.list_widgets().expect_query("page", "2").respond(page(&["w3"], 3));
            let ids: Vec<String> =
                server.client().list_widgets().limit(2).into_stream().map_ok(|w| w.id).try_collect().await.expect("listed");
            assert_eq!(ids, ["w1", "w2", "w3"]);

            let tokens = server.received(Operation::IssueToken);
            assert_eq!(tokens.len(), 1, "one token for both pages");
            let key: serde_json::Value = tokens[0].json().expect("JSON");
            assert!(key.get("clientId").is_some() && key.get("clientSecret").is_some(), "{key}");
            for call in server.received(Operation::ListWidgets) {
                // No scheme is configured: the header is the token itself.
                let token = call.header("x-api-token").expect("token header");
                assert!(!token.contains(' ') && token.split('.').count() == 3, "{token}");
                // Tokens name no tenant: the mock's client sets it, as the builder allows.
                assert_eq!(call.header("x-acme-workspace"), Some(TENANT_ID));
                assert!(call.header("x-acme-client-version").is_some());
            }
            server.verify();
        })
        .await;
    }

    #[tokio::test]
    async fn a_refused_token_is_an_http_401_followed_by_one_refresh() {
        within(async {
            let server = MockServer::start().await;
            server.get_widget().respond(Widget { id: "w1".to_owned(), name: None });
            let client = server.client();
            client.get_widget().id("w1").send().await.expect("first call");
            server.revoke_tokens();
            client.get_widget().id("w1").send().await.expect("refreshed and repeated");
            assert_eq!(server.received(Operation::IssueToken).len(), 2);
            assert_eq!(server.received(Operation::GetWidget).len(), 3, "one refused, repeated once");
            server.verify();

            // A ready-made token is never refreshed: the refusal is the answer.
            let fixed = WidgetClient::builder()
                .host(server.base_url())
                .access_token("not-issued-here")
                .workspace_id(TENANT_ID)
                .build()
                .expect("valid");
            let err = fixed.get_widget().id("w1").send().await.expect_err("refused");
            assert!(matches!(err, Error::Http { operation: "getWidget", status: 401, .. }), "{err:?}");
            assert_eq!(server.received(Operation::GetWidget).len(), 4, "a fixed token is not refreshed: no repeat");
        })
        .await;
    }

    #[tokio::test]
    async fn filters_over_plain_strings_without_an_envelope() {
        within(async {
            use fixture_token_auth::filters::{Filter, Sort};
            let server = MockServer::start().await;
            server.search_widgets().respond(vec![Widget { id: "w9".to_owned(), name: None }]);
            let found = server
                .client()
                .search_widgets()
                .filters([Filter::name().has(["a", "b"]), Filter::size().lt(3), Filter::raw("colour", "near", json!("red"))])
                .sort([Sort::by("name").order("asc")])
                .send()
                .await
                .expect("found");
            assert_eq!(found.len(), 1);
            let body: serde_json::Value = server.received(Operation::SearchWidgets)[0].json().expect("JSON");
            assert_eq!(
                body,
                json!({
                    "filters": [
                        {"attribute": "name", "operation": "has", "operand": ["a", "b"]},
                        {"attribute": "size", "operation": "lt", "operand": 3},
                        {"attribute": "colour", "operation": "near", "operand": "red"},
                    ],
                    "sort": [{"key": "name", "direction": "asc"}],
                })
            );
            server.verify();
        })
        .await;
    }

    #[test]
    fn one_header_family_and_its_host() {
        assert_eq!(HeaderFamily::for_host("anything.example"), HeaderFamily::Acme);
        assert_eq!(HeaderFamily::Acme.prefix(), "x-acme");
        let client = WidgetClient::builder().access_key_id("id").access_key_secret("s").build().expect("default host");
        assert_eq!(client.base_url().as_str(), "https://api.acme.test/");
        let err = WidgetClient::builder().build().expect_err("no credentials");
        assert!(err.to_string().contains("no credentials"), "{err}");
    }
}

mod names {
    use fixture_names::mock::{MockServer, Operation};
    use fixture_names::types::{Client as ClientDto, Error_, Result_};
    use fixture_names::Client;

    use super::*;

    fn answer() -> ClientDto {
        ClientDto { error: None, result: Some(Result_ { ok: Some(true), value: None }) }
    }

    #[tokio::test]
    async fn every_operation_is_reachable_whatever_its_name() {
        within(async {
            let server = MockServer::start().await;
            server.execute().respond(answer());
            server.send().respond(answer());
            server.builder2().respond(answer());
            server.new2().respond(answer());
            server.credentials().respond(answer());
            server.from_env2().respond(answer());
            server.base_url2().respond(answer());
            server.http_client2().respond(answer());
            server.request2().respond(answer());
            server.runtime2().respond(answer());
            server.attempts().respond(answer());
            server.forget_token().respond(answer());
            server.clone2().respond(answer());
            server.send_with_meta().expect_body(Error_ { send: "s".into(), new: None, client: None, send_with_meta: Some(true), request: None }).respond(answer());
            let client: Client = server.client();
            assert_eq!(client.execute().send2("x").client2("y").send().await.expect("execute"), answer());
            client.send().send().await.expect("send");
            client.builder2().send().await.expect("builder");
            client.new2().send().await.expect("new");
            client.credentials().send().await.expect("credentials");
            client.from_env2().send().await.expect("from_env");
            client.base_url2().send().await.expect("base_url");
            client.http_client2().send().await.expect("http_client");
            client.request2().send().await.expect("request");
            client.runtime2().send().await.expect("runtime");
            client.attempts().send().await.expect("attempts");
            client.forget_token().send().await.expect("forget_token");
            client.clone2().send().await.expect("clone");
            let meta = client.send_with_meta().send2("s").send_with_meta2(true).send_with_meta().await.expect("sendWithMeta");
            assert_eq!(meta.data, answer());
            // Inputs named like the builder's own members, a body field named like the field that
            // holds the picked media type, and one named like the method that picks it.
            server.send_streaming().respond_bytes(200, "application/octet-stream", "file");
            let download = client
                .send_streaming()
                .into_request2("u1")
                .send_streaming2("q")
                .encoding("gzip")
                .as_form("f")
                .as_form2()
                .send_streaming()
                .await
                .expect("sendStreaming");
            assert_eq!(download.bytes().await.expect("read"), "file");
            let upload = &server.received(Operation::SendStreaming)[0];
            assert_eq!((upload.path(), upload.query("send_streaming")), ("/uploads/u1", Some("q")));
            assert_eq!(upload.text(), "encoding=gzip&as_form=f");
            assert_eq!(server.received(Operation::Execute)[0].query("send"), Some("x"));
            assert_eq!(server.received(Operation::Execute)[0].query("client"), Some("y"));
            // Every path once, plus one token for all of them.
            assert_eq!(server.requests().len(), Operation::ALL.len());
            server.verify();
        })
        .await;
    }
}
