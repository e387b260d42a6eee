//! Parameters in every place and style (`tests/golden/styles`), checked on the wire of a
//! loopback server: query styles (form exploded or not, space- and pipe-delimited, deepObject,
//! an exploded object, JSON content), headers, cookies, path-level parameters, path-item `$ref`
//! and label and matrix path styles (single values, lists, objects).

// `Format` comes from a component parameter used by two operations: one type for both.
use fixture_styles::types::{Color, Filter, Format, Page};
use fixture_styles::Client;
use integration_tests::{Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::builder().host(&server.base_url).build().expect("client")
}

#[tokio::test]
async fn query_parameters_follow_their_styles() {
    let server = TestServer::start(|_| Reply::json(json!(["hit"])));
    let hits = client(&server)
        .search()
        .tag(["a b", "c"])
        .id([1, 2, 3])
        .word(["x", "y"])
        .color([Color::Red, Color::Blue])
        .filter(Filter { status: Some("open".into()), min_age: Some(3) })
        .page(Page { limit: Some(10), offset: Some(20) })
        .where_(Filter { status: Some("closed".into()), min_age: None })
        .format(Format::Csv)
        .send()
        .await
        .expect("searched");
    assert_eq!(hits, ["hit"]);
    let request = server.single_request();
    assert_eq!(
        request.query.as_deref(),
        Some(
            "tag=a+b&tag=c&id=1%2C2%2C3&word=x+y&color=red%7Cblue\
             &filter%5BminAge%5D=3&filter%5Bstatus%5D=open&limit=10&offset=20\
             &where=%7B%22status%22%3A%22closed%22%7D&format=csv"
        )
    );
    // `Accept` is the client's own, not a parameter.
    assert_ne!(request.header("accept"), Some(""));
}

#[tokio::test]
async fn headers_and_cookies() {
    let server = TestServer::start(|_| Reply::raw(204, "text/plain", ""));
    client(&server)
        .touch_session()
        .session("s 1;x")
        .prefs(["dark", "compact"])
        .x_ids([7, 8])
        .x_context(Page { limit: Some(5), offset: None })
        .send()
        .await
        .expect("touched");
    let request = server.single_request();
    // One `Cookie` header; an array, exploded (the default for cookies), is one pair per item.
    assert_eq!(request.header("cookie"), Some("session=s%201%3Bx; prefs=dark; prefs=compact"));
    assert_eq!(request.header("x-ids"), Some("7,8"));
    assert_eq!(request.header("x-context"), Some("limit=5"));
}

#[tokio::test]
async fn path_level_parameters_merge_with_the_operations_and_path_item_refs_resolve() {
    let server = TestServer::start(|r| match r.path.as_str() {
        p if p.starts_with("/shelves/") => Reply::json(json!({"title": "Dune"})),
        _ => Reply::raw(204, "text/plain", ""),
    });
    let client = client(&server);
    // `lang` is required here: the operation's definition wins over the path's.
    let err = client.get_book().shelf("s1").book("b1").send().await.expect_err("lang is required");
    assert!(matches!(err, fixture_styles::Error::MissingParameter { parameter: "lang", .. }), "{err:?}");
    let book = client.get_book().shelf("s1").book("b/1").lang("en").format(Format::Json).send().await.expect("found");
    assert_eq!(book.title.as_deref(), Some("Dune"));
    // The same operation under both paths of the `$ref`.
    client.get_library_book().book("b1").ids(["x"]).send().await.expect("via /books");
    client.get_library_book2().book("b2").send().await.expect("via /library");
    client.get_point().point(5).send().await.expect("matrix");
    client
        .get_grid()
        .cells([1, 2])
        .corner(Page { limit: Some(3), offset: Some(4) })
        .size([5, 6])
        .send()
        .await
        .expect("label and matrix lists and objects");
    let requests = server.requests();
    assert_eq!((requests[0].path.as_str(), requests[0].query.as_deref()), ("/shelves/s1/books/b%2F1", Some("format=json&lang=en")));
    assert_eq!((requests[1].path.as_str(), requests[1].query.as_deref()), ("/books/.b1", Some("ids=x")));
    assert_eq!(requests[2].path, "/library/.b2");
    assert_eq!(requests[3].path, "/points/;point=5");
    assert_eq!(requests[4].path, "/grids/.1.2/;limit=3;offset=4/;size=5,6");
}
