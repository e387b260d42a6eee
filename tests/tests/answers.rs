//! Every kind of declared answer (`tests/golden/answers`), over a loopback server: success
//! answers that differ per status, typed error answers (a code, a range, `default`) decoded into
//! `Error::Response`, bodies that do not fit kept in `Error::Http`, answer headers, text answers
//! and downloads read whole and as a stream.

use fixture_answers::operations::PutPetAnswer;
use fixture_answers::types::{Created, Failure, NotFound, Pet, Problem};
use fixture_answers::{Client, Error};
use futures_util::TryStreamExt as _;
use integration_tests::{Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::builder().host(&server.base_url).build().expect("client")
}

fn pet() -> Pet {
    Pet { id: "p1".into(), name: "Rex".into() }
}

#[tokio::test]
async fn a_success_comes_with_its_status_and_declared_headers() {
    let server = TestServer::start(|_| Reply::json(json!({"id": "p1", "name": "Rex"})).header("x-rate-limit-remaining", "41").header("etag", "\"v7\""));
    let answer = client(&server).get_pet().id("p1").send_with_meta().await.expect("found");
    assert_eq!(answer.data, pet());
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers.get("x-rate-limit-remaining").and_then(|v| v.to_str().ok()), Some("41"));
    assert_eq!(answer.headers.get("etag").and_then(|v| v.to_str().ok()), Some("\"v7\""));
}

#[tokio::test]
async fn declared_error_answers_decode_into_typed_details() {
    let server = TestServer::start(|r| match r.path.as_str() {
        "/pets/gone" => Reply::raw(404, "application/json", r#"{"message":"no pet gone","id":"gone"}"#),
        "/pets/locked" => Reply::raw(423, "application/problem+json", r#"{"title":"locked","status":423}"#),
        "/pets/broken" => Reply::raw(500, "application/json", r#"{"code":17,"detail":"disk full"}"#),
        _ => Reply::raw(404, "text/html", "<h1>Not Found</h1>"),
    });
    let client = client(&server);

    // A code of its own.
    let err = client.get_pet().id("gone").send().await.expect_err("404");
    assert!(matches!(&err, Error::Response { operation: "getPet", status: 404, .. }), "{err:?}");
    assert_eq!(err.details::<NotFound>(), Some(&NotFound { message: "no pet gone".into(), id: Some("gone".into()) }));
    assert_eq!(err.details::<Failure>(), None, "only the declared type");
    assert_eq!(err.status_code(), Some(404));
    assert_eq!(err.body(), Some(r#"{"message":"no pet gone","id":"gone"}"#));

    // A range, `4XX`.
    let err = client.get_pet().id("locked").send().await.expect_err("423");
    assert_eq!(err.details::<Problem>(), Some(&Problem { title: Some("locked".into()), status: Some(423) }));

    // `default`: any other status.
    let err = client.get_pet().id("broken").send().await.expect_err("500");
    assert!(matches!(&err, Error::Response { status: 500, .. }), "{err:?}");
    assert_eq!(err.details::<Failure>(), Some(&Failure { code: 17, detail: Some("disk full".into()) }));
    assert!(err.to_string().contains("getPet: HTTP 500"), "{err}");

    // A body that does not fit the declared type is kept as it came.
    let err = client.get_pet().id("other").send().await.expect_err("404 html");
    match &err {
        Error::Http { operation: "getPet", status: 404, body } => assert_eq!(body, "<h1>Not Found</h1>"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn different_answers_per_status_form_an_enum() {
    let server = TestServer::start(|r| match r.path.as_str() {
        "/pets/p1" => Reply::json(json!({"id": "p1", "name": "Rex"})),
        "/pets/p2" => Reply::raw(201, "application/json", r#"{"location":"/pets/p2"}"#),
        "/pets/p3" => Reply::raw(202, "text/plain", "queued as job 9"),
        "/pets/p4" => Reply::raw(204, "text/plain", ""),
        "/pets/p5" => Reply::raw(206, "text/plain", "partial?"),
        _ => Reply::raw(500, "text/html", "<p>oops</p>"),
    });
    let client = client(&server);
    let put = |id: &'static str| client.put_pet().id(id).id2("p").name("Rex").send();
    assert_eq!(put("p1").await.expect("200"), PutPetAnswer::Ok(pet()));
    assert_eq!(put("p2").await.expect("201"), PutPetAnswer::Created(Created { location: "/pets/p2".into() }));
    assert_eq!(put("p3").await.expect("202"), PutPetAnswer::Accepted("queued as job 9".into()));
    assert_eq!(put("p4").await.expect("204"), PutPetAnswer::NoContent);
    // A success status the spec does not declare, and an error answer that is not JSON.
    let err = put("p5").await.expect_err("206 is not declared");
    assert!(matches!(&err, Error::Http { status: 206, body, .. } if body == "partial?"), "{err:?}");
    let err = put("p6").await.expect_err("500");
    assert!(matches!(&err, Error::Http { status: 500, body, .. } if body == "<p>oops</p>"), "{err:?}");
}

#[tokio::test]
async fn no_content_text_and_default_only_answers() {
    let server = TestServer::start(|r| match (r.method.as_str(), r.path.as_str()) {
        ("DELETE", "/pets/p1") => Reply::raw(204, "text/plain", ""),
        ("DELETE", _) => Reply::raw(404, "application/json", r#"{"message":"no such pet"}"#),
        (_, "/health") => Reply::raw(200, "text/plain; charset=utf-8", "all good ✓"),
        _ => Reply::json(json!({"id": "p1", "name": "Rex"})),
    });
    let client = client(&server);
    client.delete_pet().id("p1").send().await.expect("deleted");
    let err = client.delete_pet().id("p2").send().await.expect_err("404");
    assert_eq!(err.details::<NotFound>().map(|n| n.message.as_str()), Some("no such pet"));
    assert_eq!(client.health().send().await.expect("text"), "all good ✓");
    assert_eq!(client.legacy().send().await.expect("default is the success"), pet());
}

#[tokio::test]
async fn a_download_is_read_whole_or_as_a_stream() {
    let photo: String = (0..50_000).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let served = photo.clone();
    let server = TestServer::start(move |r| match r.path.as_str() {
        "/pets/p1/photo" => Reply::raw(200, "image/png", served.clone()).header("content-disposition", "attachment; filename=\"rex.png\""),
        _ => Reply::raw(404, "application/json", r#"{"message":"no photo"}"#),
    });
    let client = client(&server);

    let whole = client.download_photo().id("p1").send_with_meta().await.expect("downloaded");
    assert_eq!(whole.data, photo.as_bytes());
    assert_eq!(whole.headers.get("content-disposition").and_then(|v| v.to_str().ok()), Some("attachment; filename=\"rex.png\""));

    let download = client.download_photo().id("p1").send_streaming().await.expect("streaming");
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("image/png"));
    let chunks: Vec<_> = download.into_stream().try_collect().await.expect("read");
    let streamed: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
    assert_eq!(streamed, photo.as_bytes());

    // An error answer of a streamed call is read and typed as for any call.
    let err = client.download_photo().id("p2").send_streaming().await.expect_err("404");
    assert_eq!(err.details::<NotFound>().map(|n| n.message.as_str()), Some("no photo"));
}
