//! Paging and batches, as `spec/codegen.yaml` declares them (`paging`, `batches`), over real HTTP
//! on 127.0.0.1: `list_users().into_stream()` / `.pages()` walk every page lazily, one page held
//! at a time; `get_user_batch().send_all()` splits more ids than the API takes into several
//! requests and joins the answers in order. Also the GET fixture (`tests/fixtures/paging.yaml`)
//! and the config errors of a wrong declaration.

use std::path::Path;
use std::time::Duration;

use futures_util::{StreamExt as _, TryStreamExt as _};
use genauth_client::types::{ListUsersOptionsDto, PaginationDto};
use genauth_client::{Error, ManagementClient, RetryPolicy};
use integration_tests::{envelope, refusal, user, Recorded, Reply, TestServer};
use serde_json::json;

const LIST_PATH: &str = "/api/v3/list-users";
const BATCH_PATH: &str = "/api/v3/get-user-batch";

fn client(server: &TestServer) -> ManagementClient {
    ManagementClient::builder()
        .host(&server.base_url)
        .access_token("test-token")
        .user_pool_id("pool-1")
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid configuration")
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user-{i:03}")).collect()
}

/// `(page, limit)` of a listUsers request body (`options.pagination`).
fn pagination(request: &Recorded) -> (i64, i64) {
    let body = request.json();
    let pagination = &body["options"]["pagination"];
    (
        pagination["page"].as_i64().expect("page sent"),
        pagination["limit"].as_i64().expect("limit sent"),
    )
}

/// A listUsers server over `count` users that reports `total_count` (pages numbered from 1).
fn user_pages(count: usize, total_count: usize) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let all = ids(count);
    move |request| {
        let (page, limit) = pagination(request);
        let start = usize::try_from((page - 1) * limit).expect("page from 1");
        let list: Vec<_> = all.iter().skip(start).take(usize::try_from(limit).expect("limit")).map(|id| user(id)).collect();
        envelope(json!({"totalCount": total_count, "list": list}))
    }
}

fn user_ids(users: &[genauth_client::types::UserDto]) -> Vec<String> {
    users.iter().map(|u| u.user_id.clone()).collect()
}

#[tokio::test]
async fn stream_yields_every_user_of_four_pages_in_order() {
    let server = TestServer::start(user_pages(187, 187));
    let users: Vec<_> = client(&server).list_users().keywords("a").into_stream().try_collect().await.expect("every page");
    assert_eq!(user_ids(&users), ids(187));
    let requests = server.requests_to(LIST_PATH);
    assert_eq!(requests.iter().map(pagination).collect::<Vec<_>>(), [(1, 50), (2, 50), (3, 50), (4, 50)]);
    // The caller's other inputs go with every page.
    assert!(requests.iter().all(|r| r.json()["keywords"] == "a"));
    assert_eq!(server.requests().len(), 4, "no other request: the 187th user ends it");
}

#[tokio::test]
async fn empty_page_ends_the_stream_when_total_count_is_too_large() {
    let server = TestServer::start(user_pages(120, 1000));
    let users: Vec<_> = client(&server).list_users().into_stream().try_collect().await.expect("every page");
    assert_eq!(user_ids(&users), ids(120));
    let pages: Vec<_> = server.requests_to(LIST_PATH).iter().map(pagination).collect();
    assert_eq!(pages, [(1, 50), (2, 50), (3, 50), (4, 50)], "page 4 came back empty");
}

#[tokio::test]
async fn callers_page_and_limit_are_kept() {
    let server = TestServer::start(user_pages(137, 137));
    let options = ListUsersOptionsDto {
        pagination: Some(PaginationDto {
            page: Some(2),
            limit: Some(20),
        }),
        ..Default::default()
    };
    let users: Vec<_> = client(&server).list_users().options(options).into_stream().try_collect().await.expect("pages 2 to 7");
    assert_eq!(user_ids(&users), ids(137)[20..]);
    let pages: Vec<_> = server.requests_to(LIST_PATH).iter().map(pagination).collect();
    // Page 7 brings the 137th user: no eighth request.
    assert_eq!(pages, [(2, 20), (3, 20), (4, 20), (5, 20), (6, 20), (7, 20)]);
}

#[tokio::test]
async fn pages_yields_whole_pages() {
    let server = TestServer::start(user_pages(137, 137));
    let pages: Vec<_> = client(&server).list_users().pages().try_collect().await.expect("every page");
    assert_eq!(pages.iter().map(|p| p.list.len()).collect::<Vec<_>>(), [50, 50, 37]);
    assert!(pages.iter().all(|p| p.total_count == 137));
    assert_eq!(server.count(LIST_PATH), 3);
}

#[tokio::test]
async fn error_on_page_two_is_the_last_item() {
    let pages = user_pages(137, 137);
    let server = TestServer::start(move |request| {
        if pagination(request).0 == 2 { refusal(403, "Forbidden") } else { pages(request) }
    });
    let items: Vec<Result<_, Error>> = client(&server).list_users().into_stream().collect().await;
    assert_eq!(items.len(), 51, "50 users, then the error, then nothing");
    let users: Vec<_> = items[..50].iter().map(|item| item.as_ref().expect("page 1").user_id.clone()).collect();
    assert_eq!(users, ids(50));
    match &items[50] {
        Err(Error::Api { operation, status_code, message, .. }) => {
            assert_eq!(*operation, "listUsers");
            assert_eq!(*status_code, 403);
            assert_eq!(message, "Forbidden");
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert_eq!(server.requests_to(LIST_PATH).iter().map(pagination).collect::<Vec<_>>(), [(1, 50), (2, 50)]);
}

#[tokio::test]
async fn pages_are_asked_for_lazily() {
    let server = TestServer::start(user_pages(137, 137));
    let mut stream = client(&server).list_users().into_stream();
    assert_eq!(server.count(LIST_PATH), 0, "nothing is sent before the stream is polled");
    let first: Vec<_> = stream.by_ref().take(10).try_collect().await.expect("page 1");
    assert_eq!(user_ids(&first), ids(10));
    assert_eq!(server.count(LIST_PATH), 1, "ten items need one page");
    let rest: Vec<_> = stream.by_ref().take(40).try_collect().await.expect("page 1");
    assert_eq!(rest.len(), 40);
    assert_eq!(server.count(LIST_PATH), 1, "the 50th item is still on page 1");
    let next = stream.try_next().await.expect("page 2").expect("an item");
    assert_eq!(next.user_id, "user-050");
    assert_eq!(server.count(LIST_PATH), 2);
}

#[tokio::test]
async fn invalid_limit_is_the_only_item_and_nothing_is_sent() {
    let server = TestServer::start(user_pages(137, 137));
    let options = ListUsersOptionsDto {
        pagination: Some(PaginationDto { page: None, limit: Some(51) }),
        ..Default::default()
    };
    let items: Vec<_> = client(&server).list_users().options(options).into_stream().collect().await;
    assert_eq!(items.len(), 1);
    assert!(matches!(&items[0], Err(Error::InvalidParameter { parameter: "options", .. })), "{:?}", items[0]);
    assert!(server.requests().is_empty());
}

/// A getUserBatch server answering the users of the comma-joined `userIds` in order.
fn batch_server() -> TestServer {
    TestServer::start(|request| {
        let pairs = request.query_pairs();
        let ids = &pairs.iter().find(|(k, _)| k == "userIds").expect("userIds sent").1;
        envelope(json!(ids.split(',').map(user).collect::<Vec<_>>()))
    })
}

fn batch_sizes(server: &TestServer) -> Vec<usize> {
    server
        .requests_to(BATCH_PATH)
        .iter()
        .map(|r| {
            let pairs = r.query_pairs();
            assert_eq!(pairs.iter().filter(|(k, _)| k == "userIds").count(), 1, "one comma-joined value");
            pairs.iter().find(|(k, _)| k == "userIds").expect("userIds").1.split(',').count()
        })
        .collect()
}

#[tokio::test]
async fn send_all_splits_120_ids_into_requests_of_50_and_joins_in_order() {
    let server = batch_server();
    let users = client(&server).get_user_batch().user_ids(ids(120)).with_custom_data(true).send_all().await.expect("three requests");
    assert_eq!(user_ids(&users), ids(120));
    assert_eq!(batch_sizes(&server), [50, 50, 20]);
    let requests = server.requests_to(BATCH_PATH);
    let sent: Vec<String> = requests
        .iter()
        .flat_map(|r| r.query_pairs().into_iter().filter(|(k, _)| k == "userIds").flat_map(|(_, v)| v.split(',').map(str::to_owned).collect::<Vec<_>>()))
        .collect();
    assert_eq!(sent, ids(120), "each id once, in order");
    // The other inputs go with every request.
    assert!(requests.iter().all(|r| r.query_pairs().contains(&("withCustomData".to_owned(), "true".to_owned()))));
}

#[tokio::test]
async fn send_all_with_at_most_50_ids_is_one_request() {
    let server = batch_server();
    let users = client(&server).get_user_batch().user_ids(ids(50)).send_all().await.expect("one request");
    assert_eq!(user_ids(&users), ids(50));
    assert_eq!(batch_sizes(&server), [50]);
}

#[tokio::test]
async fn send_refuses_51_ids_before_sending() {
    let server = batch_server();
    let err = client(&server).get_user_batch().user_ids(ids(51)).send().await.expect_err("more than maxItems");
    assert!(matches!(&err, Error::InvalidParameter { operation: "getUserBatch", parameter: "userIds", .. }), "{err:?}");
    assert!(server.requests().is_empty(), "refused before any request");
}

#[tokio::test]
async fn send_all_stops_at_the_first_failure() {
    let server = TestServer::start(|request| {
        let pairs = request.query_pairs();
        let ids = &pairs.iter().find(|(k, _)| k == "userIds").expect("userIds").1;
        if ids.starts_with("user-050") { refusal(500, "Internal error") } else { envelope(json!(ids.split(',').map(user).collect::<Vec<_>>())) }
    });
    let err = client(&server).get_user_batch().user_ids(ids(120)).send_all().await.expect_err("second request fails");
    assert_eq!(err.status_code(), Some(500));
    assert_eq!(server.count(BATCH_PATH), 2, "no request after the failure");
}

/// The GET fixture: page and limit are query parameters, `total` is optional.
#[tokio::test]
async fn fixture_pages_through_query_parameters() {
    let all = ids(250);
    let server = TestServer::start(move |request| {
        let pairs = request.query_pairs();
        let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.parse::<usize>().expect("a number"));
        let (page, per_page) = (value("page").expect("page"), value("per_page").expect("per_page"));
        let items: Vec<_> = all.iter().skip((page - 1) * per_page).take(per_page).map(|id| json!({"id": id})).collect();
        Reply::json(json!({"items": items, "total": 250}))
    });
    let client = fixture_paging::Client::new(&server.base_url).expect("valid");
    let items: Vec<_> = client.list_items().q("x").into_stream().try_collect().await.expect("every page");
    assert_eq!(items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(), ids(250));
    let queries: Vec<_> = server.requests().iter().map(|r| r.query.clone().expect("a query")).collect();
    assert_eq!(queries, ["q=x&page=1&per_page=100", "q=x&page=2&per_page=100", "q=x&page=3&per_page=100"]);
}

/// Without a total, only an empty page ends it; pages start at the declared minimum (0).
#[tokio::test]
async fn fixture_without_total_stops_at_an_empty_page() {
    let server = TestServer::start(|request| {
        let pairs = request.query_pairs();
        let page: usize = pairs.iter().find(|(k, _)| k == "pageIndex").expect("pageIndex").1.parse().expect("a number");
        let events: Vec<_> = (0..if page < 2 { 20 } else { 0 }).map(|i| json!({"at": format!("2024-01-0{}T00:00:{i:02}Z", page + 1)})).collect();
        Reply::json(json!({"result": {"events": events}}))
    });
    let client = fixture_paging::Client::new(&server.base_url).expect("valid");
    let events: Vec<_> = client.list_events().into_stream().try_collect().await.expect("every page");
    assert_eq!(events.len(), 40);
    let queries: Vec<_> = server.requests().iter().map(|r| r.query.clone().expect("a query")).collect();
    assert_eq!(queries, ["pageIndex=0&size=20", "pageIndex=1&size=20", "pageIndex=2&size=20"]);
}

/// A body field split by `send_all()` in the fixture: at most 10 ids per request.
#[tokio::test]
async fn fixture_splits_a_body_list() {
    let server = TestServer::start(|request| {
        let ids = request.json()["ids"].as_array().expect("ids").clone();
        Reply::json(json!(ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()))
    });
    let client = fixture_paging::Client::new(&server.base_url).expect("valid");
    let items = client.lookup_items().ids(ids(25)).with_details(true).send_all().await.expect("three requests");
    assert_eq!(items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(), ids(25));
    let bodies: Vec<_> = server.requests().iter().map(Recorded::json).collect();
    assert_eq!(bodies.iter().map(|b| b["ids"].as_array().expect("ids").len()).collect::<Vec<_>>(), [10, 10, 5]);
    assert!(bodies.iter().all(|b| b["withDetails"] == true));
}

/// Generates the client with `edit` applied to `spec/codegen.yaml`'s settings; the error text.
fn config_error(edit: impl FnOnce(&mut generator::Config)) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let mut config = generator::Config::load(&root.join("spec/codegen.yaml")).expect("settings");
    edit(&mut config);
    let provenance = generator::Provenance {
        command: "test".into(),
        spec_label: "spec/genauth-management.yaml".into(),
    };
    match generator::generate(&root.join("spec/genauth-management.yaml"), &config, &provenance) {
        Ok(_) => panic!("the settings were accepted"),
        Err(err) => {
            assert!(matches!(err, generator::Error::Config { .. }), "{err:?}");
            err.to_string()
        }
    }
}

/// A change to the settings.
type Edit = fn(&mut generator::Config);

#[test]
fn wrong_paging_and_batch_settings_are_config_errors_naming_them() {
    let cases: [(Edit, &str); 8] = [
        (|c| c.paging[0].operation = "listUser".into(), r#"paging[0] (operation "listUser"): "listUser" is not an operationId"#),
        (
            |c| c.paging[0].page = "options.pagination.pag".into(),
            r#"page "options.pagination.pag": pagination has no field "pag" (it has: page, limit)"#,
        ),
        (|c| c.paging[0].limit = "option.pagination.limit".into(), r#""option" is not a parameter or body field of the operation (it has: keywords, advancedFilter, searchQuery, options)"#),
        (|c| c.paging[0].page = "keywords".into(), r#"page "keywords" is not an integer"#),
        (|c| c.paging[0].items = "totalCount".into(), r#"items "totalCount" is not a list"#),
        (|c| c.paging[0].total = Some("list.count".into()), r#"total "list.count": list is not an object"#),
        (|c| c.batches[0].parameter = "userIdType".into(), r#"batches[0] (operation "getUserBatch"): parameter "userIdType" is not a list"#),
        (|c| c.batches[0].size = Some(51), r#"size 51 is more than the 50 values parameter "userIds" takes (maxItems)"#),
    ];
    for (edit, expected) in cases {
        let message = config_error(edit);
        assert!(message.contains(expected), "{message:?} does not contain {expected:?}");
    }
}

#[test]
fn paging_without_a_page_size_needs_a_declared_maximum() {
    let message = config_error(|c| {
        c.paging[0].limit = "options.pagination.page".into();
    });
    assert!(message.contains(r#"limit "options.pagination.page" declares no maximum: set page-size"#), "{message}");
}

#[tokio::test]
async fn a_stream_that_ended_stays_ended() {
    let server = TestServer::start(|_| refusal(403, "Forbidden"));
    let mut stream = client(&server).list_users().into_stream();
    assert!(matches!(stream.next().await, Some(Err(Error::Api { status_code: 403, .. }))));
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none(), "polled again after the end");
    assert_eq!(server.count(LIST_PATH), 1);
}
