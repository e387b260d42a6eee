//! One smoke test per operation: the generated client sends it to a real HTTP server on
//! 127.0.0.1 with the right method, path, query and body, and decodes the typed answer.

use genauth_client::types::{
    ListUsersAdvancedFilterItemDto, ListUsersAdvancedFilterItemDtoOperator, ListUsersOptionsDto,
    PaginationDto, UpdateUserBatchOptionsDto, UpdateUserInfoDto, UserDtoGender, UserDtoStatus, UserIdType,
};
use genauth_client::{Error, ManagementClient};
use integration_tests::{Reply, TestServer};
use serde_json::{json, Value};

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A user as the service sends it: every documented field, arrays as arrays.
fn user(id: &str) -> Value {
    json!({
        "userId": id,
        "createdAt": "2022-07-03T03:20:30.000Z",
        "updatedAt": "2022-07-03T03:20:30.000Z",
        "status": "Activated",
        "workStatus": "Active",
        "externalId": "10010",
        "email": "test@example.com",
        "phone": "188xxxx8888",
        "phoneCountryCode": "+86",
        "username": "bob",
        "loginsCount": 3,
        "lastLogin": "2022-07-03T03:20:30.000Z",
        "gender": "M",
        "emailVerified": true,
        "phoneVerified": true,
        "birthdate": "2022-06-03",
        "userSourceType": "register",
        "passwordSecurityLevel": 1,
        "departmentIds": ["624d930c3xxxx5c08dd4986e", "624d93102xxxx012f33cd2fe"],
        "identities": [{
            "identityId": "62299d8b866d2dab79a89dc4",
            "extIdpId": "6076bacxxxxxxxxd80d993b5",
            "provider": "wechat",
            "type": "openid",
            "userIdInIdp": "oj7Nq05R-RRaqak0_YlMLnnIwsvg",
            "userInfoInIdp": {},
            "originConnIds": ["605492ac41xxxxe0362f0707"]
        }],
        "customData": {"school": "xxxxx", "age": 22},
        "statusChangedAt": "2022-07-03T03:20:30.000Z"
    })
}

fn envelope(data: Value) -> Reply {
    Reply::json(json!({"statusCode": 200, "message": "Success", "requestId": "req-1", "data": data}))
}

/// A client with a ready-made token, so each call sends exactly one request.
fn client(server: &TestServer) -> ManagementClient {
    ManagementClient::builder()
        .host(&server.base_url)
        .access_token("test-token")
        .user_pool_id("pool-1")
        .build()
        .expect("loopback URL is valid")
}

#[tokio::test]
async fn get_user_sends_query_and_decodes_user() {
    let server = TestServer::start(|_| envelope(user("u1")));
    let answer = client(&server)
        .get_user()
        .user_id("u1")
        .user_id_type(UserIdType::Email)
        .with_custom_data(true)
        .with_identities(false)
        .send_with_meta()
        .await
        .expect("getUser succeeds");

    let request = server.single_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/api/v3/get-user");
    assert_eq!(
        request.query_pairs(),
        pairs(&[("userId", "u1"), ("userIdType", "email"), ("withCustomData", "true"), ("withIdentities", "false")])
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("authorization"), Some("Bearer test-token"));
    assert_eq!(request.header("x-genauth-userpool-id"), Some("pool-1"));
    assert!(request.header("user-agent").is_some_and(|ua| ua.starts_with("genauth-client/")), "{request:?}");

    assert_eq!(answer.status_code, 200);
    assert_eq!(answer.message.as_deref(), Some("Success"));
    assert_eq!(answer.request_id.as_deref(), Some("req-1"));
    let user = answer.data;
    assert_eq!(user.user_id, "u1");
    assert_eq!(user.status, UserDtoStatus::Activated);
    assert_eq!(user.gender, UserDtoGender::M);
    assert_eq!(user.logins_count, Some(3));
    assert_eq!(user.department_ids.as_ref().map(Vec::len), Some(2));
    assert_eq!(user.identities.as_ref().expect("identities")[0].origin_conn_ids, ["605492ac41xxxxe0362f0707"]);
    assert_eq!(user.custom_data.as_ref().expect("customData")["age"], 22);
}

#[tokio::test]
async fn get_user_batch_joins_ids_with_commas() {
    let server = TestServer::start(|_| envelope(json!([user("a"), user("b")])));
    let answer = client(&server)
        .get_user_batch()
        .user_ids(["a", "b"])
        .with_department_ids(true)
        .send()
        .await
        .expect("getUserBatch succeeds");

    let request = server.single_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/api/v3/get-user-batch");
    // One comma-joined value, not a repeated key (the comma is percent-encoded on the wire).
    assert_eq!(request.query_pairs(), pairs(&[("userIds", "a,b"), ("withDepartmentIds", "true")]));
    let ids: Vec<String> = answer.into_iter().map(|u| u.user_id).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[tokio::test]
async fn get_user_batch_refuses_bad_input_before_sending() {
    let server = TestServer::start(|_| envelope(json!([])));
    let missing = client(&server).get_user_batch().send().await.expect_err("userIds is required");
    assert!(
        matches!(missing, Error::MissingParameter { operation: "getUserBatch", parameter: "userIds" }),
        "{missing:?}"
    );
    let empty = client(&server).get_user_batch().user_ids(Vec::<String>::new()).send().await.expect_err("empty");
    assert!(matches!(empty, Error::InvalidParameter { parameter: "userIds", .. }), "{empty:?}");
    let ids: Vec<String> = (0..51).map(|i| format!("u{i}")).collect();
    let too_many = client(&server).get_user_batch().user_ids(ids).send().await.expect_err("51 ids");
    assert_eq!(
        too_many.to_string(),
        "getUserBatch: invalid parameter `userIds`: has 51 items, at most 50 allowed"
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn update_user_batch_posts_json_without_nulls() {
    let server = TestServer::start(|_| envelope(json!([user("u1")])));
    let answer = client(&server)
        .update_user_batch()
        .list([UpdateUserInfoDto {
            user_id: "u1".into(),
            nickname: Some("Bob".into()),
            ..Default::default()
        }])
        .options(UpdateUserBatchOptionsDto {
            reset_password_on_next_login: Some(true),
            ..Default::default()
        })
        .send()
        .await
        .expect("updateUserBatch succeeds");

    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/v3/update-user-batch");
    assert_eq!(request.query, None);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({"list": [{"userId": "u1", "nickname": "Bob"}], "options": {"resetPasswordOnNextLogin": true}})
    );
    assert_eq!(answer[0].user_id, "u1");
}

#[tokio::test]
async fn get_user_groups_sends_query_and_decodes_page() {
    let server = TestServer::start(|_| {
        envelope(json!({"totalCount": 1, "list": [{
            "id": "g1", "code": "admins", "name": "Admins", "description": "", "type": "static",
            "metadataSource": [], "members": [user("u1")]
        }]}))
    });
    let answer = client(&server)
        .get_user_groups()
        .user_id("u1")
        .user_id_type("user_id")
        .send()
        .await
        .expect("getUserGroups succeeds");

    let request = server.single_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/api/v3/get-user-groups");
    assert_eq!(request.query_pairs(), pairs(&[("userId", "u1"), ("userIdType", "user_id")]));
    let page = answer;
    assert_eq!(page.total_count, 1);
    assert_eq!(page.list[0].code, "admins");
    assert_eq!(page.list[0].members[0].user_id, "u1");
}

#[tokio::test]
async fn list_users_posts_filters_and_options() {
    let server = TestServer::start(|_| envelope(json!({"totalCount": 2, "list": [user("a"), user("b")]})));
    let answer = client(&server)
        .list_users()
        .keywords("bob")
        .advanced_filter([ListUsersAdvancedFilterItemDto {
            field: "loginsCount".into(),
            operator: ListUsersAdvancedFilterItemDtoOperator::Between,
            value: Some(json!([1, 10])),
        }])
        .options(ListUsersOptionsDto {
            pagination: Some(PaginationDto { page: Some(2), limit: Some(50) }),
            with_custom_data: Some(true),
            ..Default::default()
        })
        .send()
        .await
        .expect("listUsers succeeds");

    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/v3/list-users");
    assert_eq!(
        request.json(),
        json!({
            "keywords": "bob",
            "advancedFilter": [{"field": "loginsCount", "operator": "BETWEEN", "value": [1, 10]}],
            "options": {"pagination": {"page": 2, "limit": 50}, "withCustomData": true}
        })
    );
    let page = answer;
    assert_eq!(page.total_count, 2);
    assert_eq!(page.list.len(), 2);
}

#[tokio::test]
async fn get_management_token_posts_credentials() {
    let server = TestServer::start(|_| envelope(json!({"access_token": "tok", "expires_in": 7200})));
    let answer = client(&server)
        .get_management_token()
        .access_key_id("pool-1")
        .access_key_secret("secret")
        .send()
        .await
        .expect("getManagementToken succeeds");

    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/v3/get-management-token");
    assert_eq!(request.json(), json!({"accessKeyId": "pool-1", "accessKeySecret": "secret"}));
    let token = answer;
    assert_eq!((token.access_token.as_str(), token.expires_in), ("tok", 7200));
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_decode() {
    let server = TestServer::start(|_| {
        let mut u = user("u1");
        u["gender"] = json!("W");
        u["userSourceType"] = json!("workflow");
        u["brandNewField"] = json!({"nested": true});
        envelope(u)
    });
    let user = client(&server).get_user().user_id("u1").send().await.expect("decodes");
    assert_eq!(user.gender, UserDtoGender::Unknown("W".into()));
    assert_eq!(user.gender.to_string(), "W");
}

#[tokio::test]
async fn http_and_decode_failures_name_the_operation_and_keep_the_body() {
    let server = TestServer::start(|r| {
        if r.path.ends_with("get-user") {
            Reply::raw(502, "text/html", "<html>bad gateway</html>")
        } else {
            Reply::raw(200, "application/json", "{not json")
        }
    });
    let http = client(&server).get_user().user_id("u1").send().await.expect_err("502");
    assert!(matches!(&http, Error::Http { operation: "getUser", status: 502, .. }), "{http:?}");
    assert_eq!(http.body(), Some("<html>bad gateway</html>"));
    let decode = client(&server).get_user_groups().user_id("u1").send().await.expect_err("bad JSON");
    assert!(matches!(&decode, Error::Decode { operation: "getUserGroups", .. }), "{decode:?}");
    assert_eq!(decode.body(), Some("{not json"));
}
