//! The generated `mock` module (feature `mock`) through the real client: each operation's
//! helper, business errors, unexpected requests, token issuance and checks, `verify`, raw
//! HTTP/1.1 on the socket, and a fixture crate without envelope or auth (`fixture-params`).
//! Everything stays on 127.0.0.1; every test is bounded by [`within`].

use std::future::Future;
use std::io::{Read, Write};
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use genauth_client::mock::{MockServer, Operation, ReceivedRequest, ACCESS_KEY_ID, ACCESS_KEY_SECRET, TENANT_ID};
use genauth_client::types::{
    GetManagementAccessTokenDto, GroupPagingDto, ListUsersOptionsDto, PaginationDto, UpdateUserBatchReqDto, UpdateUserInfoDto, UserDto,
    UserIdType, UserPagingDto,
};
use genauth_client::{Error, RetryPolicy};
use serde_json::json;

/// Runs a test body, failing it if it takes longer than ten seconds.
async fn within<T>(body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), body).await.expect("the test finished within 10 s")
}

fn user(id: &str) -> UserDto {
    serde_json::from_value(integration_tests::user(id)).expect("a valid user")
}

fn bo() -> UpdateUserInfoDto {
    UpdateUserInfoDto { user_id: "u2".to_owned(), nickname: Some("Bo".to_owned()), ..UpdateUserInfoDto::default() }
}

fn named(id: &str, nickname: &str) -> UserDto {
    UserDto { nickname: Some(nickname.to_owned()), ..user(id) }
}

/// The problems [`MockServer::verify`] panics with, from the panic itself.
fn verify_panic(server: &MockServer) -> String {
    let panic = std::panic::catch_unwind(AssertUnwindSafe(|| server.verify())).expect_err("verify panics");
    panic.downcast_ref::<String>().cloned().expect("a formatted panic message")
}

#[tokio::test]
async fn every_operation_answers_through_its_helper() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().expect_query("userId", "u1").expect_query("userIdType", "email").respond(named("u1", "Ann"));
        server.get_user_batch().expect_query("userIds", "u1,u2").respond(vec![user("u1"), user("u2")]);
        let update = UpdateUserBatchReqDto {
            list: vec![bo()],
            options: None,
        };
        server.update_user_batch().expect_body(update).respond(vec![named("u2", "Bo")]);
        server.get_user_groups().expect_query("userId", "u1").respond(GroupPagingDto { total_count: 0, list: vec![] });
        server
            .list_users()
            .expect(|request| {
                request.body().is_some_and(|body| {
                    body.keywords.as_deref() == Some("bob")
                        && body.options.as_ref().and_then(|o| o.pagination.as_ref()).and_then(|p| p.limit) == Some(5)
                })
            })
            .respond(UserPagingDto { total_count: 1, list: vec![user("u3")] });

        let client = server.client();
        let found = client.get_user().user_id("u1").user_id_type(UserIdType::Email).send().await.expect("getUser");
        assert_eq!(found.nickname.as_deref(), Some("Ann"));
        let batch = client.get_user_batch().user_ids(["u1", "u2"]).send().await.expect("getUserBatch");
        assert_eq!(batch.iter().map(|u| u.user_id.as_str()).collect::<Vec<_>>(), ["u1", "u2"]);
        let updated = client
            .update_user_batch()
            .list([bo()])
            .send()
            .await
            .expect("updateUserBatch");
        assert_eq!(updated[0].nickname.as_deref(), Some("Bo"));
        let groups = client.get_user_groups().user_id("u1").send().await.expect("getUserGroups");
        assert_eq!(groups.total_count, 0);
        let options = ListUsersOptionsDto {
            pagination: Some(PaginationDto { page: Some(1), limit: Some(5) }),
            ..ListUsersOptionsDto::default()
        };
        let page = client.list_users().keywords("bob").options(options).send().await.expect("listUsers");
        assert_eq!(page.list[0].user_id, "u3");

        server.verify();
        // One request each, the token request included.
        let called = [
            Operation::GetUser,
            Operation::GetUserBatch,
            Operation::UpdateUserBatch,
            Operation::GetUserGroups,
            Operation::ListUsers,
            Operation::GetManagementToken,
        ];
        for operation in called {
            assert_eq!(server.received(operation).len(), 1, "{operation}");
        }
        assert_eq!(server.requests().len(), called.len());
        let token_request = &server.received(Operation::GetManagementToken)[0];
        assert_eq!(
            token_request.json::<serde_json::Value>().expect("JSON body"),
            json!({"accessKeyId": ACCESS_KEY_ID, "accessKeySecret": ACCESS_KEY_SECRET})
        );
    })
    .await;
}

#[tokio::test]
async fn respond_with_meta_reaches_send_with_meta() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().respond_with_meta(user("u1"), "Found it", "req-42");
        let answer = server.client().get_user().user_id("u1").send_with_meta().await.expect("getUser");
        assert_eq!(answer.data.user_id, "u1");
        assert_eq!(answer.status_code, 200);
        assert_eq!(answer.message.as_deref(), Some("Found it"));
        assert_eq!(answer.request_id.as_deref(), Some("req-42"));
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn business_errors_arrive_as_api_errors() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().expect_query("userId", "gone").fail_with_api_code(404, 2004, "user not found");
        server.get_user_groups().fail(403, "forbidden");
        let client = server.client();

        let err = client.get_user().user_id("gone").send().await.expect_err("refused");
        match &err {
            Error::Api { operation, status_code, api_code, message, http_status, .. } => {
                assert_eq!((*operation, *status_code, *api_code, *http_status), ("getUser", 404, Some(2004), 200));
                assert_eq!(message, "user not found");
            }
            other => panic!("expected Error::Api, got {other:?}"),
        }
        assert!(!err.is_retryable());
        let err = client.get_user_groups().user_id("u1").send().await.expect_err("refused");
        assert_eq!((err.status_code(), err.api_code()), (Some(403), None));
        // A refusal is an answer as set up, not a problem.
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn raw_answers_reach_the_clients_retries_and_decoding() {
    within(async {
        let server = MockServer::start().await;
        // A read is repeated on 503: twice by default, with the mock client's short waits.
        server.get_user().times(2).respond_raw(503, "{\"statusCode\": 503, \"message\": \"busy\"}");
        server.get_user().times(1).respond(user("u1"));
        server.get_user_groups().respond_raw(200, "{\"statusCode\": 200, \"data\": {\"totalCount\": \"many\"}}");
        let client = server.client();

        let found = client.get_user().user_id("u1").send().await.expect("third attempt succeeds");
        assert_eq!(found.user_id, "u1");
        assert_eq!(server.received(Operation::GetUser).len(), 3);
        let err = client.get_user_groups().user_id("u1").send().await.expect_err("malformed");
        assert!(matches!(&err, Error::Decode { path, .. } if path == "data.totalCount"), "{err:?}");
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn times_hands_over_to_the_next_helper_in_setup_order() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().times(1).respond(named("u1", "first"));
        server.get_user().respond(named("u1", "later"));
        let client = server.client();
        let mut names = Vec::new();
        for _ in 0..3 {
            let found = client.get_user().user_id("u1").send().await.expect("getUser");
            names.push(found.nickname.expect("a nickname"));
        }
        assert_eq!(names, ["first", "later", "later"]);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn unexpected_requests_get_an_error_naming_method_and_path() {
    within(async {
        let server = MockServer::start().await;
        let client = server.client();

        // Nothing set up for the operation.
        let err = client.get_user().user_id("u1").send().await.expect_err("nothing set up");
        let Error::Api { status_code: 501, http_status: 501, message, .. } = &err else { panic!("{err:?}") };
        assert!(message.contains("GET /api/v3/get-user?userId=u1"), "{message}");
        assert!(message.contains("nothing is set up for `getUser`"), "{message}");

        // Set up, but for another request: the reason is given.
        server.get_user().expect_query("userId", "u1").respond(user("u1"));
        let err = client.get_user().user_id("u2").send().await.expect_err("no helper matches");
        let message = err.to_string();
        assert!(message.contains("GET /api/v3/get-user?userId=u2"), "{message}");
        assert!(message.contains(r#"query `userId` is ["u2"], not "u1""#), "{message}");
        client.get_user().user_id("u1").send().await.expect("the helper still answers its own");

        // A path no operation has.
        let raw = reqwest::Client::builder().no_proxy().build().expect("client");
        let response = raw.delete(format!("{}/nowhere?x=1", server.base_url())).send().await.expect("answered");
        assert_eq!(response.status().as_u16(), 501);
        let body: serde_json::Value = response.json().await.expect("JSON");
        let text = body["message"].as_str().expect("a message");
        assert!(text.contains("DELETE /nowhere?x=1") && text.contains("no operation"), "{text}");

        let problems = server.problems();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        let report = verify_panic(&server);
        assert!(report.starts_with("mock server: 3 problem(s):"), "{report}");
        assert!(report.contains("GET /api/v3/get-user?userId=u2") && report.contains("DELETE /nowhere"), "{report}");
        // Every request is recorded, answered or not.
        assert_eq!(server.received(Operation::GetUser).len(), 3);
        assert_eq!(server.requests().iter().filter(|r| r.operation().is_none()).count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_panicking_expect_closure_does_not_match() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().expect(|request| request.query("absent").expect("present") == "x").respond(user("u1"));
        server.get_user().expect_query("userId", "u2").respond(user("u2"));
        let client = server.client();
        let err = client.get_user().user_id("u1").send().await.expect_err("the closure panicked");
        assert!(err.to_string().contains("the `expect` closure panicked"), "{err}");
        // The server goes on answering.
        assert_eq!(client.get_user().user_id("u2").send().await.expect("getUser").user_id, "u2");
        assert_eq!(server.problems().len(), 2, "the unanswered request and the unused helper");
    })
    .await;
}

#[tokio::test]
async fn verify_reports_unused_and_miscounted_helpers() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().times(2).respond(user("u1"));
        server.list_users().expect(|_| true).respond(UserPagingDto { total_count: 0, list: vec![] });
        server.get_user_groups().times(0).respond(GroupPagingDto { total_count: 0, list: vec![] });
        server.client().get_user().user_id("u1").send().await.expect("getUser");

        let problems = server.problems();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].contains("`getUser` was to answer 2 request(s) and answered 1"), "{problems:#?}");
        assert!(problems[1].contains("`listUsers` with an `expect` closure was set up but answered no request"), "{problems:#?}");
        let report = verify_panic(&server);
        assert!(report.contains("2 problem(s)"), "{report}");

        server.reset();
        assert!(server.problems().is_empty());
        assert!(server.requests().is_empty());
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn the_token_is_issued_by_the_mock_and_checked_on_every_call() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().respond(user("u1"));
        let client = server.client();
        for _ in 0..3 {
            client.get_user().user_id("u1").send().await.expect("getUser");
        }
        let tokens = server.received(Operation::GetManagementToken);
        assert_eq!(tokens.len(), 1, "fetched once, then cached");
        let calls = server.received(Operation::GetUser);
        let authorization = calls[0].header("authorization").expect("a token");
        let token = authorization.strip_prefix("Bearer ").expect("Bearer scheme");
        assert_eq!(token.split('.').count(), 3, "JWT-shaped: {token}");
        for call in &calls {
            assert_eq!(call.header("authorization"), Some(authorization));
            // The client read the tenant id from the token's claim.
            assert_eq!(call.header("x-genauth-userpool-id"), Some(TENANT_ID));
        }
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn calls_without_the_mocks_token_or_key_are_refused() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().respond(user("u1"));

        // A token the mock never issued: refused as invalid (the client cannot refresh it).
        let forged = keyless_builder(&server).access_token("forged").build().expect("valid");
        let err = forged.get_user().user_id("u1").send().await.expect_err("refused");
        let Error::Api { status_code: 401, message, .. } = &err else { panic!("{err:?}") };
        assert!(message.contains("carries no token this server issued"), "{message}");

        // The wrong access key: no token at all.
        let wrong_key = server.client_builder().access_key_secret("wrong").build().expect("valid");
        let err = wrong_key.get_user().user_id("u1").send().await.expect_err("no token");
        assert_eq!((err.operation(), err.status_code()), (Some("getManagementToken"), Some(401)));
        assert!(err.to_string().contains("`accessKeySecret` is not ACCESS_KEY_SECRET; the mock issues tokens"), "{err}");
        assert!(!err.to_string().contains("wrong"), "the secret is not repeated: {err}");

        // The wrong tenant with a valid token.
        let other_pool = server.client_builder().user_pool_id("someone-else").build().expect("valid");
        let err = other_pool.get_user().user_id("u1").send().await.expect_err("wrong tenant");
        assert!(err.to_string().contains(r#"`x-genauth-userpool-id` is Some("someone-else"), not "mock-tenant-id""#), "{err}");

        let problems = server.problems();
        // Forged: one refusal; wrong key: one; wrong tenant: the first call and its one repeat
        // after a refresh; and the helper never answered.
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(problems[..4].iter().all(|p| p.starts_with("mock server: refused ")), "{problems:#?}");
        assert_eq!(problems[4], "`getUser` was set up but answered no request");
    })
    .await;
}

/// A client builder for the mock without its access key, for clients bringing their own token.
fn keyless_builder(server: &MockServer) -> genauth_client::ManagementClientBuilder {
    genauth_client::ManagementClient::builder()
        .host(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .http_client(reqwest::Client::builder().no_proxy().build().expect("client"))
}

#[tokio::test]
async fn revoked_tokens_make_the_client_fetch_a_new_one() {
    within(async {
        let server = MockServer::start().await;
        server.get_user().respond(user("u1"));
        let client = server.client();
        client.get_user().user_id("u1").send().await.expect("first call");
        server.revoke_tokens();
        client.get_user().user_id("u1").send().await.expect("refreshed and repeated");
        assert_eq!(server.received(Operation::GetManagementToken).len(), 2);
        let calls = server.received(Operation::GetUser);
        assert_eq!(calls.len(), 3, "the refused call was repeated with the new token");
        assert_ne!(calls[1].header("authorization"), calls[2].header("authorization"));
        // Refusals of revoked tokens are expected, not problems.
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn the_token_operation_can_be_set_up_like_any_other() {
    within(async {
        let server = MockServer::start().await;
        server.get_management_token().times(1).fail_with_api_code(403, 1403, "access key disabled");
        server.get_user().respond(user("u1"));
        let client = server.client();
        let err = client.get_user().user_id("u1").send().await.expect_err("no token");
        assert!(
            matches!(&err, Error::Api { operation: "getManagementToken", status_code: 403, api_code: Some(1403), .. }),
            "{err:?}"
        );
        // Once that helper is used up, the mock issues tokens again.
        client.get_user().user_id("u1").send().await.expect("a token this time");
        assert_eq!(server.received(Operation::GetManagementToken).len(), 2);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn delayed_answers_meet_the_clients_timeout() {
    within(async {
        let server = MockServer::start().await;
        server.get_user_groups().delay(Duration::from_millis(400)).respond(GroupPagingDto { total_count: 0, list: vec![] });
        let client = server
            .client_builder()
            .timeout(Duration::from_millis(100))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("valid");
        let err = client.get_user_groups().user_id("u1").send().await.expect_err("too slow");
        assert!(matches!(&err, Error::Transport { source, .. } if source.is_timeout()), "{err:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_share_one_server_and_one_token() {
    within(async {
        let server = std::sync::Arc::new(MockServer::start().await);
        server.get_user().times(40).respond(user("u1"));
        let client = server.client();
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get_user().user_id("u1").send().await })
            })
            .collect();
        for task in tasks {
            task.await.expect("task ran").expect("getUser");
        }
        assert_eq!(server.received(Operation::GetManagementToken).len(), 1);
        server.verify();
    })
    .await;
}

/// Plain HTTP/1.1 on one connection: keep-alive, Content-Length bodies, `connection: close`,
/// and a malformed request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_http_keep_alive_and_content_length() {
    within(async {
        let server = MockServer::start().await;
        let key = GetManagementAccessTokenDto { access_key_id: "a".to_owned(), access_key_secret: "b".to_owned() };
        server.get_management_token().expect_body(key).respond_raw(200, "{\"ok\":true}");
        let address = server.address();
        let exchange = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).expect("connect");
            stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
            let body = r#"{"accessKeyId":"a","accessKeySecret":"b"}"#;
            let request = format!(
                "POST /api/v3/get-management-token HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            // Twice on the same connection, the second asking to close it.
            stream.write_all(request.as_bytes()).expect("write");
            stream.write_all(request.replace("host: x", "host: x\r\nconnection: close").as_bytes()).expect("write");
            let mut answers = String::new();
            stream.read_to_string(&mut answers).expect("read until the server closes");
            let mut malformed = std::net::TcpStream::connect(address).expect("connect");
            malformed.write_all(b"NONSENSE\r\n\r\n").expect("write");
            let mut refusal = String::new();
            malformed.read_to_string(&mut refusal).expect("read");
            (answers, refusal)
        });
        let (answers, refusal) = exchange.await.expect("exchange ran");
        assert_eq!(answers.matches("HTTP/1.1 200 OK\r\n").count(), 2, "{answers}");
        assert_eq!(answers.matches("content-length: 11\r\n").count(), 2, "{answers}");
        assert_eq!(answers.matches("\r\n\r\n{\"ok\":true}").count(), 2, "{answers}");
        // The HTTP layer (hyper) refuses what is not HTTP before any operation sees it.
        assert!(refusal.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{refusal}");
        let requests: Vec<ReceivedRequest> = server.received(Operation::GetManagementToken);
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[1].to_string(), "POST /api/v3/get-management-token");
        assert_eq!(requests[1].header("Connection"), Some("close"));
        server.verify();
    })
    .await;
}

/// A crate without envelope or auth: plain JSON answers, HTTP errors, path parameters (also in
/// a segment with literal text), headers and exploded query arrays.
#[tokio::test]
async fn a_fixture_without_envelope_or_auth_answers_plain_json() {
    use fixture_params::mock::{MockServer, Operation};
    use fixture_params::types::{File, SortOrder};

    within(async {
        let server = MockServer::start().await;
        server
            .get_file()
            .expect_path("name", "report.v2")
            .expect_header("x-request-id", "r-1")
            .respond(File { name: "report.v2.json".to_owned(), size: 7 });
        server
            .get_project_file()
            .expect_path("projectId", "12")
            .expect_path("fileId", "a b")
            .expect(|request| request.query_all("states") == ["asc", "desc"])
            .respond(File { name: "a b".to_owned(), size: 1 });
        server.delete_projects_project_id_files_file_id().times(1).respond();
        server.delete_projects_project_id_files_file_id().fail(404, "no such file");
        let client = server.client();

        let file = client.get_file().name("report.v2").x_request_id("r-1").send().await.expect("getFile");
        assert_eq!((file.name.as_str(), file.size), ("report.v2.json", 7));
        let file = client
            .get_project_file()
            .project_id(12)
            .file_id("a b")
            .limit(5)
            .states([SortOrder::Asc, SortOrder::Desc])
            .send()
            .await
            .expect("getProjectFile");
        assert_eq!(file.name, "a b");
        let delete = || client.delete_projects_project_id_files_file_id().project_id(12).file_id("x").send();
        delete().await.expect("204");
        let err = delete().await.expect_err("404");
        assert!(
            matches!(&err, fixture_params::Error::Http { status: 404, body, .. } if body.contains("no such file")),
            "{err:?}"
        );

        let calls = server.received(Operation::GetProjectFile);
        assert_eq!(calls[0].path_param("fileId"), Some("a b"));
        // Under the spec's server path (`https://params.example.com/api`), as on the real host.
        assert_eq!(calls[0].path(), "/api/projects/12/files/a%20b");
        server.verify();
    })
    .await;
}
