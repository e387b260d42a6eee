//! Every JSON example of the listUsers docs (seed 004), built with the typed API of
//! `genauth_client::filters` and compared with the example as a `serde_json::Value`.
//!
//! Each example is copied verbatim from the seed (line breaks and all) into a raw string, so a
//! typed call that sends anything else fails. The seed's request examples are the "Fuzzy search"
//! and "Advanced search" blocks, and the JSON cells of its "Request Parameters" and
//! "ListUsersOptionsDto" tables (sent wrapped in the request property they document). Its
//! "Example Results" block is an answer, not a request, and is not here.
//!
//! Where the seed contradicts our spec (`spec/genauth-management.yaml`, which is what the client
//! sends), the test follows the spec and says so: the sort cell's `direction` is the spec's
//! `order`, and the "last 7 days" example's `lastLoginTime` is the documented field `lastLogin`.
//! The two time examples are JavaScript, not JSON: their expressions are evaluated at a fixed
//! "now" into exactly what the browser sends (`JSON.stringify` of a `Date` is its ISO text with
//! milliseconds; `Date.now()` arithmetic is a number of milliseconds).
//!
//! Some go through the real client to the loopback server (`*_through_the_client`); the rest
//! compare `serde_json::to_value` of the request body type.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use genauth_client::ManagementClient;
use genauth_client::filters::{Filter, FilterOperator, FuzzySearchOn, Sort, Timestamp};
use genauth_client::operations::ListUsersRequest;
use genauth_client::types::{
    DepartmentIdType, ListUsersDepartmentFilterDto, ListUsersOptionsDto, ListUsersRequestDto, PaginationDto,
    UserDtoStatus,
};
use integration_tests::{Reply, TestServer};
use serde_json::{Value, json};

/// The seed example, parsed.
fn seed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("seed example is not JSON ({e}):\n{text}"))
}

/// A table cell of the seed, sent as the request property it documents (`["options", "sort"]`).
fn cell_in(path: &[&str], cell: &str) -> Value {
    path.iter().rev().fold(seed(cell), |inner, key| json!({ *key: inner }))
}

/// The request body as the client serializes it.
fn body(request: &ListUsersRequestDto) -> Value {
    serde_json::to_value(request).expect("the request body serializes")
}

/// Sends a listUsers request built by `build` through the client to a loopback server and
/// returns the JSON body the server received.
async fn sent(build: impl FnOnce(ListUsersRequest) -> ListUsersRequest) -> Value {
    let server = TestServer::start(|_| {
        Reply::json(json!({"statusCode": 200, "message": "ok", "data": {"totalCount": 0, "list": []}}))
    });
    let client = ManagementClient::builder()
        .host(&server.base_url)
        .access_token("test-token")
        .user_pool_id("pool-1")
        .build()
        .expect("loopback URL is valid");
    let page = build(client.list_users()).send().await.expect("listUsers succeeds");
    assert_eq!(page.total_count, 0);
    let request = server.single_request();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/api/v3/list-users"));
    request.json()
}

// ---------------------------------------------------------------------------------------------
// "Fuzzy search example"

#[tokio::test]
async fn fuzzy_search_on_address_through_the_client() {
    let example = r#"{
"keywords": "xx",
"options": {
"fuzzySearchOn": ["address"]
}
}"#;
    let sent = sent(|request| {
        request
            .keywords("xx")
            .options(ListUsersOptionsDto::default().with_fuzzy_search_on([FuzzySearchOn::Address]))
    })
    .await;
    assert_eq!(sent, seed(example));
}

// ---------------------------------------------------------------------------------------------
// "Advanced search example"

#[tokio::test]
async fn status_suspended_through_the_client() {
    let example = r#"{
"advancedFilter": [
{
"field": "status",
"operator": "EQUAL",
"value": "Suspended"
}
]
}"#;
    let sent = sent(|request| request.advanced_filter([Filter::status().equal(UserDtoStatus::Suspended)])).await;
    assert_eq!(sent, seed(example));
}

#[test]
fn email_contains_example_com() {
    let example = r#"{
"advancedFilter": [
{
"field": "email",
"operator": "CONTAINS",
"value": "@example.com"
}
]
}"#;
    let request = ListUsersRequestDto {
        advanced_filter: Some(vec![Filter::email().contains("@example.com")]),
        ..Default::default()
    };
    assert_eq!(body(&request), seed(example));
}

#[test]
fn any_custom_field() {
    let example = r#"{
"advancedFilter": [
{
"field": "some-custom-key",
"operator": "EQUAL",
"value": "some-value"
}
]
}"#;
    let request = ListUsersRequestDto {
        advanced_filter: Some(vec![Filter::custom("some-custom-key").equal("some-value")]),
        ..Default::default()
    };
    assert_eq!(body(&request), seed(example));
}

#[test]
fn logins_count_greater_than_10() {
    let example = r#"{
"advancedFilter": [
{
"field": "loginsCount",
"operator": "GREATER",
"value": 10
}
]
}"#;
    let request = ListUsersRequestDto {
        advanced_filter: Some(vec![Filter::logins_count().greater(10)]),
        ..Default::default()
    };
    assert_eq!(body(&request), seed(example));
}

#[test]
fn logins_count_between_10_and_100() {
    let example = r#"{
"advancedFilter": [
{
"field": "loginsCount",
"operator": "BETWEEN",
"value": [10, 100]
}
]
}"#;
    let request = ListUsersRequestDto {
        advanced_filter: Some(vec![Filter::logins_count().between(10, 100)]),
        ..Default::default()
    };
    assert_eq!(body(&request), seed(example));
}

/// "Now" for the JavaScript examples: the seed's own sample time, 2022-07-03T03:20:30.000Z.
const NOW_MILLIS: u64 = 1_656_818_430_000;
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(NOW_MILLIS)
}

/// The seed text with each JavaScript expression replaced by what a browser sends for it at
/// `NOW_MILLIS` (values computed independently of the client: 1656818430000 − 7 or 14 days).
fn evaluate_javascript(example: &str, expressions: &[(&str, &str)]) -> Value {
    let mut text = example.to_owned();
    for (expression, sent) in expressions {
        assert!(text.contains(expression), "the seed example has no {expression:?}");
        text = text.replace(expression, sent);
    }
    seed(&text)
}

#[tokio::test]
async fn last_login_within_the_last_7_days_through_the_client() {
    let example = r#"{
"advancedFilter": [
{
"field": "lastLoginTime",
"operator": "GREATER",
"value": new Date(Date.now() - 7 * 24 * 60 * 60 * 1000)
}
]
}"#;
    let mut expected = evaluate_javascript(
        example,
        // `JSON.stringify(new Date(ms))` writes `toISOString()`: UTC, milliseconds, `Z`.
        &[("new Date(Date.now() - 7 * 24 * 60 * 60 * 1000)", r#""2022-06-26T03:20:30.000Z""#)],
    );
    // Seed mistake: `lastLoginTime` is not a documented field. The seed's field table, its next
    // example and our spec name the last login time `lastLogin`; we follow the spec.
    assert_eq!(expected["advancedFilter"][0]["field"], "lastLoginTime");
    expected["advancedFilter"][0]["field"] = json!("lastLogin");

    // A `SystemTime` is sent as `new Date(..)` is: RFC 3339 text with milliseconds.
    let sent = sent(|request| request.advanced_filter([Filter::last_login().greater(now() - 7 * DAY)])).await;
    assert_eq!(sent, expected);

    // The seed's field name, verbatim, is still reachable as a custom field.
    let verbatim = ListUsersRequestDto {
        advanced_filter: Some(vec![Filter::custom("lastLoginTime").greater(Timestamp::from(now() - 7 * DAY))]),
        ..Default::default()
    };
    assert_eq!(
        body(&verbatim),
        evaluate_javascript(
            example,
            &[("new Date(Date.now() - 7 * 24 * 60 * 60 * 1000)", r#""2022-06-26T03:20:30.000Z""#)]
        )
    );
}

#[test]
fn last_login_within_a_period() {
    let example = r#"{
"advancedFilter": [
{
"field": "lastLogin",
"operator": "BETWEEN",
"value": [
Date.now() - 14 * 24 * 60 * 60 * 1000,
Date.now() - 7 * 24 * 60 * 60 * 1000
]
}
]
}"#;
    // `Date.now()` arithmetic sends numbers: milliseconds since the epoch.
    let expected = evaluate_javascript(
        example,
        &[
            ("Date.now() - 14 * 24 * 60 * 60 * 1000", "1655608830000"),
            ("Date.now() - 7 * 24 * 60 * 60 * 1000", "1656213630000"),
        ],
    );
    let request = ListUsersRequestDto {
        advanced_filter: Some(vec![
            Filter::last_login().between(Timestamp::millis(now() - 14 * DAY), Timestamp::millis(now() - 7 * DAY)),
        ]),
        ..Default::default()
    };
    assert_eq!(body(&request), expected);

    // Plain integers are epoch milliseconds too.
    let request = ListUsersRequestDto {
        advanced_filter: Some(vec![Filter::last_login().between(1_655_608_830_000, 1_656_213_630_000)]),
        ..Default::default()
    };
    assert_eq!(body(&request), expected);
}

#[test]
fn logged_in_to_app_id_1_or_app_id_2() {
    let example = r#"{
"advancedFilter": [
{
"field": "loggedInApps",
"operator": "IN",
"value": ["appId1", "appId2"]
}
]
}"#;
    let request = ListUsersRequestDto {
        advanced_filter: Some(vec![Filter::logged_in_apps().is_in(["appId1", "appId2"])]),
        ..Default::default()
    };
    assert_eq!(body(&request), seed(example));
}

#[tokio::test]
async fn in_department_through_the_client() {
    let example = r#"{
"advancedFilter": [
{
"field": "department",
"operator": "IN",
"value": [
{
"organizationCode": "steamory",
"departmentId": "root",
"departmentIdType": "department_id",
"includeChildrenDepartments": true
}
]
}
]
}"#;
    let department = ListUsersDepartmentFilterDto {
        organization_code: "steamory".into(),
        department_id: "root".into(),
        department_id_type: Some(DepartmentIdType::DepartmentId),
        include_children_departments: Some(true),
    };
    let sent = sent(|request| request.advanced_filter([Filter::department().is_in([department])])).await;
    assert_eq!(sent, seed(example));
}

// ---------------------------------------------------------------------------------------------
// "Request Parameters" table: the Example Value cells.

#[test]
fn request_table_advanced_filter_example() {
    let cell = r#"[{"field":"status","operator":"EQUAL","value":"Activated"}]"#;
    let request = ListUsersRequestDto {
        advanced_filter: Some(vec![Filter::status().equal(UserDtoStatus::Activated)]),
        ..Default::default()
    };
    assert_eq!(body(&request), cell_in(&["advancedFilter"], cell));
}

#[tokio::test]
async fn request_table_search_query_example_through_the_client() {
    let cell = r#"{"query":{"bool":{"must":[{"term":{"phone":"18818888888"}}],"must_not":[]}},"sort":["_score",{"created_at":"ASC"}]}"#;
    // `searchQuery` is a free-form Elasticsearch query in the spec: it has no typed builder.
    let query = json!({
        "query": {"bool": {"must": [{"term": {"phone": "18818888888"}}], "must_not": []}},
        "sort": ["_score", {"created_at": "ASC"}],
    });
    let Value::Object(query) = query else { unreachable!() };
    let sent = sent(|request| request.search_query(query)).await;
    assert_eq!(sent, cell_in(&["searchQuery"], cell));
}

#[test]
fn request_table_options_example() {
    let cell = r#"{"pagination":{"page":1,"limit":10},"fuzzySearchOn":["phone","email","name","username","nickname","identityNumber"],"withCustomData":true,"withIdentities":true,"withDepartmentIds":true}"#;
    let options = ListUsersOptionsDto {
        pagination: Some(PaginationDto { page: Some(1), limit: Some(10) }),
        with_custom_data: Some(true),
        with_identities: Some(true),
        with_department_ids: Some(true),
        ..Default::default()
    }
    .with_fuzzy_search_on([
        FuzzySearchOn::Phone,
        FuzzySearchOn::Email,
        FuzzySearchOn::Name,
        FuzzySearchOn::Username,
        FuzzySearchOn::Nickname,
        FuzzySearchOn::IdentityNumber,
    ]);
    let request = ListUsersRequestDto { options: Some(options), ..Default::default() };
    assert_eq!(body(&request), cell_in(&["options"], cell));
}

// ---------------------------------------------------------------------------------------------
// "ListUsersOptionsDto" table: the Example Value cells.

#[test]
fn options_table_pagination_example() {
    let cell = r#"{"page":1,"limit":10}"#;
    let request = ListUsersRequestDto {
        options: Some(ListUsersOptionsDto {
            pagination: Some(PaginationDto { page: Some(1), limit: Some(10) }),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(body(&request), cell_in(&["options", "pagination"], cell));
}

#[tokio::test]
async fn options_table_sort_example_through_the_client() {
    let cell = r#"[{"field":"createdAt","direction":"desc"},{"field":"loginsCount","direction":"desc"}]"#;
    let mut expected = cell_in(&["options", "sort"], cell);
    // Seed mistake: the cell says `direction`, but SortingDto's own table in the seed, the
    // official spec and our spec name the property `order` (and require it); we follow the spec.
    for item in expected["options"]["sort"].as_array_mut().expect("an array") {
        let item = item.as_object_mut().expect("an object");
        let order = item.remove("direction").expect("the seed item has `direction`");
        item.insert("order".into(), order);
    }
    let sent = sent(|request| {
        request.options(ListUsersOptionsDto::default().with_sort([Sort::created_at().desc(), Sort::logins_count().desc()]))
    })
    .await;
    assert_eq!(sent, expected);
}

// ---------------------------------------------------------------------------------------------
// The Example Value columns of the "ListUsersAdvancedFilterItemDto" and "SortingDto" tables
// (scalars, one per property: `nickname` / `EQUAL` / `test`, `createdAt` / `desc`).

#[test]
fn filter_item_table_example_values() {
    let (field, operator, value) = ("nickname", "EQUAL", "test");
    // `nickname` is not among the documented filter fields: it is a custom one.
    let item = Filter::custom("nickname").equal("test");
    assert_eq!(serde_json::to_value(&item).unwrap(), json!({"field": field, "operator": operator, "value": value}));
}

#[test]
fn sorting_table_example_values() {
    let (field, order) = ("createdAt", "desc");
    let item = Sort::created_at().desc();
    assert_eq!(serde_json::to_value(&item).unwrap(), json!({"field": field, "order": order}));
}

// ---------------------------------------------------------------------------------------------
// The rest of the typed API.

#[test]
fn operators_without_a_value_send_none() {
    let item = Filter::last_login().is_null();
    assert_eq!(serde_json::to_value(&item).unwrap(), json!({"field": "lastLogin", "operator": "IS_NULL"}));
    let item = Filter::custom("x").not_null();
    assert_eq!(serde_json::to_value(&item).unwrap(), json!({"field": "x", "operator": "NOT_NULL"}));
}

#[test]
fn typed_values_and_lists() {
    let items = [
        Filter::status().is_in([UserDtoStatus::Activated, UserDtoStatus::Suspended]),
        Filter::status().not_equal("Archived"),
        Filter::gender().equal("M"),
        Filter::logins_count().lesser(3),
        Filter::birthdate().between("2000-01-01", "2009-12-31"),
        Filter::signed_up().greater(Timestamp::from("2022-07-03T11:20:30+08:00")),
        Filter::user_source().equal(json!({"type": "excel"})),
    ];
    assert_eq!(
        serde_json::to_value(items).unwrap(),
        json!([
            {"field": "status", "operator": "IN", "value": ["Activated", "Suspended"]},
            {"field": "status", "operator": "NOT_EQUAL", "value": "Archived"},
            {"field": "gender", "operator": "EQUAL", "value": "M"},
            {"field": "loginsCount", "operator": "LESSER", "value": 3},
            {"field": "birthdate", "operator": "BETWEEN", "value": ["2000-01-01", "2009-12-31"]},
            {"field": "signedUp", "operator": "GREATER", "value": "2022-07-03T11:20:30+08:00"},
            {"field": "userSource", "operator": "EQUAL", "value": {"type": "excel"}},
        ])
    );
}

#[test]
fn raw_conditions_and_unknown_operators_and_sort_fields() {
    let item = Filter::raw("age", FilterOperator::Greater, 18);
    assert_eq!(serde_json::to_value(&item).unwrap(), json!({"field": "age", "operator": "GREATER", "value": 18}));
    let item = Filter::raw("tags", "HAS_ANY", json!(["a"]));
    assert_eq!(serde_json::to_value(&item).unwrap(), json!({"field": "tags", "operator": "HAS_ANY", "value": ["a"]}));
    let item = Sort::by("nickname").order("asc");
    assert_eq!(serde_json::to_value(&item).unwrap(), json!({"field": "nickname", "order": "asc"}));
}

#[test]
fn timestamps_format_as_javascript_dates_do() {
    let at = |millis: i64| {
        let time = if millis >= 0 {
            UNIX_EPOCH + Duration::from_millis(millis as u64)
        } else {
            UNIX_EPOCH - Duration::from_millis(millis.unsigned_abs())
        };
        match Timestamp::from(time) {
            Timestamp::Rfc3339(text) => text,
            other => panic!("{other:?}"),
        }
    };
    // `new Date(ms).toISOString()` for each.
    assert_eq!(at(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(at(NOW_MILLIS as i64), "2022-07-03T03:20:30.000Z");
    assert_eq!(at(951_782_400_000), "2000-02-29T00:00:00.000Z");
    assert_eq!(at(4_107_542_399_999), "2100-02-28T23:59:59.999Z");
    assert_eq!(at(-1), "1969-12-31T23:59:59.999Z");
    assert_eq!(at(-86_400_001), "1969-12-30T23:59:59.999Z");
    // Sub-millisecond parts are dropped, rounding down as `Date` does.
    let time = UNIX_EPOCH + Duration::from_micros(1_500);
    assert_eq!(Timestamp::millis(time), Timestamp::EpochMillis(1));
    assert_eq!(Timestamp::millis(UNIX_EPOCH - Duration::from_micros(1_500)), Timestamp::EpochMillis(-2));
}
