//! Request bodies of every media type (`tests/golden/bodies`), checked byte for byte on the wire
//! of a loopback server: form fields in their declared styles, multipart parts with their
//! boundary, raw uploads (buffered and streamed), text, `+json` and a body offered in several
//! media types.

use fixture_bodies::types::Claims;
use fixture_bodies::Client;
use integration_tests::{Recorded, Reply, TestServer};

fn client(server: &TestServer) -> Client {
    Client::builder().host(&server.base_url).build().expect("client")
}

fn body(request: &Recorded) -> String {
    String::from_utf8(request.body.clone()).expect("a UTF-8 body")
}

#[tokio::test]
async fn a_form_body_is_encoded_field_by_field_in_its_declared_styles() {
    // Fields go in declaration order; an object's properties (deepObject) in name order.
    let server = TestServer::start(|_| Reply::json(serde_json::json!({"access_token": "t", "expires_in": 60})));
    let token = client(&server)
        .issue_token()
        .grant_type("client_credentials")
        .scope(["read", "write"])
        .audience(["a", "b"])
        .resource(["r1", "r2"])
        .claims(Claims { role: Some("admin & co".into()), level: Some(3) })
        .ttl(60)
        .send()
        .await
        .expect("issued");
    assert_eq!(token.access_token, "t");
    let request = server.single_request();
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        body(&request),
        "grant_type=client_credentials&scope=read+write&audience=a&audience=b&resource=r1%2Cr2\
         &claims%5Blevel%5D=3&claims%5Brole%5D=admin+%26+co&ttl=60"
    );
}

/// The multipart body's parts, split at the boundary the content type names.
fn parts(request: &Recorded) -> (String, Vec<String>) {
    let content_type = request.header("content-type").expect("a content type");
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("multipart with a boundary").to_owned();
    let text = body(request);
    let closing = format!("--{boundary}--\r\n");
    assert!(text.ends_with(&closing), "{text:?}");
    let inner = text.strip_suffix(&closing).expect("closing delimiter");
    let parts = inner
        .split(&format!("--{boundary}\r\n"))
        .skip(1)
        .map(|p| p.strip_suffix("\r\n").expect("a part ends with CRLF").to_owned())
        .collect();
    (boundary, parts)
}

#[tokio::test]
async fn a_multipart_body_has_a_part_per_field_with_file_names_and_content_types() {
    let server = TestServer::start(|_| Reply::raw(204, "text/plain", ""));
    client(&server)
        .upload_photo()
        .id("p1")
        .caption("on the \"beach\"")
        .tags(["sun", "sea"])
        .meta(Claims { role: Some("owner".into()), level: None })
        .file(fixture_bodies::runtime::Blob::new(&b"PNG..."[..]).file_name("beach.png"))
        .thumbnails([b"small".as_slice(), b"tiny".as_slice()])
        .send()
        .await
        .expect("uploaded");
    let request = server.single_request();
    assert_eq!(request.path, "/pets/p1/photo");
    let (boundary, parts) = parts(&request);
    assert!(boundary.len() >= 24 && boundary.chars().all(|c| c.is_ascii_alphanumeric()), "{boundary}");
    assert_eq!(
        parts,
        [
            "Content-Disposition: form-data; name=\"caption\"\r\n\r\non the \"beach\"",
            "Content-Disposition: form-data; name=\"tags\"\r\n\r\nsun",
            "Content-Disposition: form-data; name=\"tags\"\r\n\r\nsea",
            "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/vnd.meta+json\r\n\r\n{\"role\":\"owner\"}",
            "Content-Disposition: form-data; name=\"file\"; filename=\"beach.png\"\r\nContent-Type: image/png\r\n\r\nPNG...",
            "Content-Disposition: form-data; name=\"thumbnails\"\r\nContent-Type: application/octet-stream\r\n\r\nsmall",
            "Content-Disposition: form-data; name=\"thumbnails\"\r\nContent-Type: application/octet-stream\r\n\r\ntiny",
        ]
        .map(str::to_owned)
    );
}

#[tokio::test]
async fn a_missing_required_file_is_refused_before_sending() {
    let server = TestServer::start(|_| Reply::raw(204, "text/plain", ""));
    let err = client(&server).upload_photo().id("p1").caption("x").send().await.expect_err("no file");
    assert!(matches!(err, fixture_bodies::Error::MissingParameter { operation: "uploadPhoto", parameter: "file" }), "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn raw_uploads_send_the_bytes_with_the_declared_or_given_content_type() {
    let server = TestServer::start(|_| Reply::raw(204, "text/plain", ""));
    client(&server).put_raw().id("p1").body(vec![0u8, 1, 2, 255]).send().await.expect("uploaded");
    client(&server)
        .put_raw()
        .id("p2")
        .body(fixture_bodies::runtime::Blob::new(&b"%PDF"[..]).content_type("application/pdf"))
        .send()
        .await
        .expect("uploaded");
    // A stream: sent as it comes, chunk after chunk.
    let chunks: Vec<Result<fixture_bodies::runtime::Bytes, std::io::Error>> =
        vec![Ok("one,".into()), Ok("two,".into()), Ok("three".into())];
    client(&server)
        .put_raw()
        .id("p3")
        .body(fixture_bodies::runtime::Blob::stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .expect("streamed");
    let requests = server.requests();
    assert_eq!(requests[0].header("content-type"), Some("application/octet-stream"));
    assert_eq!(requests[0].body, [0, 1, 2, 255]);
    assert_eq!(requests[1].header("content-type"), Some("application/pdf"));
    assert_eq!(requests[1].body, b"%PDF");
    assert_eq!(requests[2].header("content-type"), Some("application/octet-stream"));
    assert_eq!(requests[2].body, b"one,two,three");
}

#[tokio::test]
async fn text_json_variants_and_schemaless_bodies_carry_their_media_types() {
    let server = TestServer::start(|r| match r.path.as_str() {
        "/tokens/verify" => Reply::json(serde_json::json!({"role": "reader"})),
        _ => Reply::raw(204, "text/plain", ""),
    });
    let client = client(&server);
    client.add_note().body("remember the milk").send().await.expect("noted");
    client.patch_pet().id("p1").name("Rex").send().await.expect("patched");
    let claims = client.verify_token().body("eyJhbGciOi.x.y").send().await.expect("verified");
    assert_eq!(claims.role.as_deref(), Some("reader"));
    client.post_anything().body(serde_json::Map::from_iter([("k".to_owned(), serde_json::json!(1))])).send().await.expect("posted");
    let requests = server.requests();
    assert_eq!((requests[0].header("content-type"), body(&requests[0]).as_str()), (Some("text/plain"), "remember the milk"));
    assert_eq!((requests[1].header("content-type"), body(&requests[1]).as_str()), (Some("application/merge-patch+json"), "{\"name\":\"Rex\"}"));
    assert_eq!((requests[2].header("content-type"), body(&requests[2]).as_str()), (Some("application/jwt"), "eyJhbGciOi.x.y"));
    assert_eq!((requests[3].header("content-type"), body(&requests[3]).as_str()), (Some("application/json"), "{\"k\":1}"));
}

#[tokio::test]
async fn a_body_declared_in_several_media_types_goes_as_json_unless_the_caller_picks_another() {
    let server = TestServer::start(|_| Reply::raw(201, "text/plain", ""));
    let client = client(&server);
    client.create_pet().name("Rex").age(3).send().await.expect("json");
    client.create_pet().name("Rex").age(3).as_form().send().await.expect("form");
    client.create_pet().name("Rex").as_multipart().send().await.expect("multipart");
    let requests = server.requests();
    assert_eq!((requests[0].header("content-type"), body(&requests[0]).as_str()), (Some("application/json"), "{\"name\":\"Rex\",\"age\":3}"));
    assert_eq!((requests[1].header("content-type"), body(&requests[1]).as_str()), (Some("application/x-www-form-urlencoded"), "name=Rex&age=3"));
    let (_, parts) = parts(&requests[2]);
    assert_eq!(parts, ["Content-Disposition: form-data; name=\"name\"\r\n\r\nRex".to_owned()]);
}
