//! The mock server (feature `mock`) driven by the runtime's own client over loopback HTTP, for
//! three API descriptions: envelope and token auth with a tenant claim (`PETS`), neither
//! (`FILES`), and token auth without envelope or tenant claim (`KEYS`). Helpers are wrapped the
//! way a generated crate wraps them. Every test is bounded by [`within`].

#![cfg(feature = "mock")]

mod common;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use openapi_client_runtime::mock::{
    Enveloped, EnvelopedEmpty, Json, Mock, MockServer, NoContent, OperationInfo, ACCESS_KEY_ID, ACCESS_KEY_SECRET, TENANT_ID,
};
use openapi_client_runtime::{
    reqwest, ApiDescription, Call, Client, ClientBuilder, EnvelopeFormat, Error, HeaderFamily, Method, RetryPolicy, TokenAuth,
};
use common::{KEYS, KEY_OPERATIONS};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ---- An API with an envelope and token auth whose tokens name the tenant. ----

static PETS: ApiDescription = ApiDescription {
    client_name: "PetClient",
    default_host: None,
    base_path: None,
    user_agent: "pets-test/0.1.0",
    version: "0.1.0",
    env_prefix: None,
    envelope: Some(EnvelopeFormat {
        status_field: "code",
        success: 0,
        data_field: "data",
        message_field: "msg",
        api_code_field: Some("subCode"),
        request_id_field: Some("requestId"),
    }),
    auth: Some(TokenAuth {
        operation: "issueToken",
        method: "POST",
        path: "/auth/token",
        key_id_field: "keyId",
        key_secret_field: "keySecret",
        token_field: "token",
        expires_in_field: "ttl",
        header: "authorization",
        scheme: "Bearer ",
        invalid_token_status: 401,
        tenant_claim: Some("tenant"),
        tenant_name: "tenant_id",
        tenant_header: "tenant-id",
        lang_header: "lang",
        sdk_version_header: "sdk-version",
        families: &[
            HeaderFamily { name: "Pets", prefix: "x-pets", host: "api.pets.example" },
            HeaderFamily { name: "Zoo", prefix: "x-zoo", host: "api.zoo.example" },
        ],
    }),
};

static PET_OPERATIONS: &[OperationInfo] = &[
    OperationInfo { id: "issueToken", method: "POST", path: "/auth/token" },
    OperationInfo { id: "getPet", method: "GET", path: "/pets/{id}" },
    OperationInfo { id: "getMyPet", method: "GET", path: "/pets/mine" },
    OperationInfo { id: "listPets", method: "GET", path: "/pets" },
    OperationInfo { id: "createPet", method: "POST", path: "/pets" },
    OperationInfo { id: "deletePet", method: "DELETE", path: "/pets/{id}" },
    OperationInfo { id: "getPhoto", method: "GET", path: "/pets/{id}/photos/{name}.{ext}" },
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Pet {
    id: String,
    name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct NewPet {
    name: String,
    tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct IssueToken {
    #[serde(rename = "keyId")]
    key_id: String,
    #[serde(rename = "keySecret")]
    key_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TokenData {
    token: String,
    ttl: i64,
}

fn pet(id: &str, name: &str) -> Pet {
    Pet { id: id.to_owned(), name: name.to_owned() }
}

/// The typed helpers a generated crate would offer, one per operation.
trait PetMocks {
    fn issue_token(&self) -> Mock<'_, IssueToken, Enveloped<TokenData>>;
    fn get_pet(&self) -> Mock<'_, (), Enveloped<Pet>>;
    fn get_my_pet(&self) -> Mock<'_, (), Enveloped<Pet>>;
    fn list_pets(&self) -> Mock<'_, (), Enveloped<Vec<Pet>>>;
    fn create_pet(&self) -> Mock<'_, NewPet, Enveloped<Pet>>;
    fn delete_pet(&self) -> Mock<'_, (), EnvelopedEmpty>;
    fn get_photo(&self) -> Mock<'_, (), Enveloped<String>>;
}

impl PetMocks for MockServer {
    fn issue_token(&self) -> Mock<'_, IssueToken, Enveloped<TokenData>> {
        self.mock("issueToken")
    }
    fn get_pet(&self) -> Mock<'_, (), Enveloped<Pet>> {
        self.mock("getPet")
    }
    fn get_my_pet(&self) -> Mock<'_, (), Enveloped<Pet>> {
        self.mock("getMyPet")
    }
    fn list_pets(&self) -> Mock<'_, (), Enveloped<Vec<Pet>>> {
        self.mock("listPets")
    }
    fn create_pet(&self) -> Mock<'_, NewPet, Enveloped<Pet>> {
        self.mock("createPet")
    }
    fn delete_pet(&self) -> Mock<'_, (), EnvelopedEmpty> {
        self.mock("deletePet")
    }
    fn get_photo(&self) -> Mock<'_, (), Enveloped<String>> {
        self.mock("getPhoto")
    }
}

fn read(operation: &'static str) -> Call {
    Call { operation, read_only: true, authenticated: true, sensitive: false }
}

fn write(operation: &'static str) -> Call {
    Call { operation, read_only: false, authenticated: true, sensitive: false }
}

async fn get_thing(client: &Client) -> Result<String, Error> {
    client.send_json::<String>(client.request(read("getThing"), Method::GET, &["things", "1"])).await
}

async fn get_pet(client: &Client, id: &str) -> Result<Pet, Error> {
    Ok(client.send_enveloped::<Pet>(client.request(read("getPet"), Method::GET, &["pets", id])).await?.data)
}

// ---- An API with neither envelope nor auth. ----

static FILES: ApiDescription = ApiDescription {
    client_name: "FileClient",
    default_host: None,
    base_path: None,
    user_agent: "files-test/0.1.0",
    version: "0.1.0",
    env_prefix: None,
    envelope: None,
    auth: None,
};

static FILE_OPERATIONS: &[OperationInfo] = &[
    OperationInfo { id: "getFile", method: "GET", path: "/files/{name}" },
    OperationInfo { id: "headFile", method: "HEAD", path: "/files/{name}" },
    OperationInfo { id: "uploadFile", method: "POST", path: "/files" },
    OperationInfo { id: "deleteFile", method: "DELETE", path: "/files/{name}" },
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FileInfo {
    name: String,
    size: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Upload {
    name: String,
    content: String,
}


/// Runs a test body, failing it if it takes longer than ten seconds.
async fn within<T>(body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), body).await.expect("the test finished within 10 s")
}

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce()) -> String {
    let panic = std::panic::catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .expect("a panic message")
}

fn no_proxy() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("an HTTP client")
}

#[tokio::test]
async fn routes_by_method_and_path_template() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.get_my_pet().respond(pet("m", "Mine"));
        server.get_pet().expect_path("id", "a b/c").respond(pet("a b/c", "Slashy"));
        server
            .get_photo()
            .expect_path("id", "7")
            .expect_path("name", "report")
            .expect_path("ext", "v2.png")
            .respond("a photo".to_owned());
        server.delete_pet().respond();
        let client = server.client_builder().build().expect("valid");

        // A literal template wins over one with a parameter.
        let mine = client.send_enveloped::<Pet>(client.request(read("getMyPet"), Method::GET, &["pets", "mine"])).await;
        assert_eq!(mine.expect("getMyPet").data.name, "Mine");
        assert_eq!(get_pet(&client, "a b/c").await.expect("getPet").name, "Slashy");
        let photo = client.request(read("getPhoto"), Method::GET, &["pets", "7", "photos", "report.v2.png"]);
        assert_eq!(client.send_enveloped::<String>(photo).await.expect("getPhoto").data, "a photo");
        // No DELETE has the literal path: the template with a parameter takes it.
        let delete = client.request(write("deletePet"), Method::DELETE, &["pets", "mine"]);
        client.send_enveloped_status(delete).await.expect("deletePet");

        let calls = server.received("getPet");
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].operation(), Some("getPet"));
        assert_eq!(calls[0].path(), "/pets/a%20b%2Fc");
        assert_eq!(calls[0].path_param("id"), Some("a b/c"));
        assert_eq!(server.received("getMyPet").len(), 1);
        assert_eq!(server.received("deletePet")[0].path_param("id"), Some("mine"));
        assert_eq!(server.received("issueToken").len(), 1);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn query_strings_are_decoded() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server
            .list_pets()
            .expect_query("q", "a b+c/ü")
            .expect_query("tag", "y")
            .respond(vec![pet("1", "Ann")]);
        let client = server.client_builder().build().expect("valid");
        let mut request = client.request(read("listPets"), Method::GET, &["pets"]);
        request.query("q", "a b+c/ü");
        request.query("tag", "x");
        request.query("tag", "y");
        let pets = client.send_enveloped::<Vec<Pet>>(request).await.expect("listPets").data;
        assert_eq!(pets, [pet("1", "Ann")]);

        let call = &server.received("listPets")[0];
        assert_eq!(call.query("q"), Some("a b+c/ü"));
        assert_eq!(call.query_all("tag"), ["x", "y"]);
        assert_eq!(call.query_pairs().len(), 3);
        assert_eq!(call.to_string(), "GET /pets?q=a+b%2Bc%2F%C3%BC&tag=x&tag=y");
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn typed_expect_closures_and_expected_bodies() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        // First in setup order, but it panics on every request: it never matches.
        server.create_pet().expect(|request| request.query("absent").expect("present") == "x").respond(pet("0", "never"));
        server
            .create_pet()
            .expect(|request| request.body().is_some_and(|body| body.tags.iter().any(|t| t == "good")))
            .respond(pet("1", "Good"));
        server.create_pet().expect_body(NewPet { name: "Bo".to_owned(), tags: vec![] }).respond(pet("2", "Bo"));
        let client = server.client_builder().build().expect("valid");
        let create = |body: NewPet| {
            let mut request = client.request(write("createPet"), Method::POST, &["pets"]);
            request.json(&body);
            client.send_enveloped::<Pet>(request)
        };

        let good = create(NewPet { name: "G".to_owned(), tags: vec!["good".to_owned()] }).await.expect("createPet");
        assert_eq!(good.data.id, "1");
        let bo = create(NewPet { name: "Bo".to_owned(), tags: vec![] }).await.expect("createPet");
        assert_eq!(bo.data.id, "2");
        let err = create(NewPet { name: "Cy".to_owned(), tags: vec![] }).await.expect_err("nothing matches");
        let message = err.to_string();
        assert!(message.contains("the `expect` closure panicked"), "{message}");
        assert!(message.contains("the `expect` closure returned false"), "{message}");
        assert!(message.contains(r#"body is {"name":"Cy","tags":[]}, not {"name":"Bo","tags":[]}"#), "{message}");

        let problems = server.problems();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].contains("POST /pets: nothing set up for `createPet` answers it"), "{problems:#?}");
        assert_eq!(problems[1], "`createPet` with an `expect` closure was set up but answered no request");
    })
    .await;
}

#[tokio::test]
async fn times_hands_over_to_the_next_helper_in_setup_order() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.get_pet().times(1).respond(pet("1", "first"));
        server.get_pet().times(2).respond(pet("1", "second"));
        server.get_pet().respond(pet("1", "later"));
        let client = server.client_builder().build().expect("valid");
        let mut names = Vec::new();
        for _ in 0..5 {
            names.push(get_pet(&client, "1").await.expect("getPet").name);
        }
        assert_eq!(names, ["first", "second", "second", "later", "later"]);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn delayed_answers_arrive_late_or_meet_the_clients_timeout() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.get_pet().times(1).delay(Duration::from_millis(150)).respond(pet("1", "slow"));
        server.get_pet().delay(Duration::from_millis(500)).respond(pet("1", "too slow"));
        let client = server.client_builder().build().expect("valid");
        // Fetch the token first, so only the answer is timed.
        server.get_my_pet().respond(pet("m", "Mine"));
        client.send_enveloped::<Pet>(client.request(read("getMyPet"), Method::GET, &["pets", "mine"])).await.expect("getMyPet");

        let start = Instant::now();
        assert_eq!(get_pet(&client, "1").await.expect("getPet").name, "slow");
        assert!(start.elapsed() >= Duration::from_millis(150), "{:?}", start.elapsed());

        let impatient = server
            .client_builder()
            .timeout(Duration::from_millis(100))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("valid");
        let err = get_pet(&impatient, "1").await.expect_err("too slow");
        assert!(matches!(&err, Error::Transport { source, .. } if source.is_timeout()), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn unexpected_requests_get_501_and_fail_verify() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        let client = server.client_builder().build().expect("valid");

        // Nothing set up for the operation.
        let err = get_pet(&client, "1").await.expect_err("nothing set up");
        let Error::Api { status_code: 501, http_status: 501, message, .. } = &err else { panic!("{err:?}") };
        assert!(message.contains("GET /pets/1"), "{message}");
        assert!(message.contains("nothing is set up for `getPet`"), "{message}");

        // Set up, but for another request: the reason is given.
        server.get_pet().expect_path("id", "1").respond(pet("1", "Ann"));
        let err = get_pet(&client, "2").await.expect_err("no helper matches");
        let message = err.to_string();
        assert!(message.contains("GET /pets/2"), "{message}");
        assert!(message.contains(r#"path parameter `id` is Some("2"), not "1""#), "{message}");
        get_pet(&client, "1").await.expect("the helper still answers its own");

        // A path no operation has.
        let response = no_proxy().delete(format!("{}/nowhere?x=1", server.base_url())).send().await.expect("answered");
        assert_eq!(response.status().as_u16(), 501);
        let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.expect("a body")).expect("JSON");
        assert_eq!(body["code"], 501);
        let text = body["msg"].as_str().expect("a message");
        assert!(text.contains("DELETE /nowhere?x=1") && text.contains("no operation"), "{text}");

        let problems = server.problems();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        let report = panic_message(|| server.verify());
        assert!(report.starts_with("mock server: 3 problem(s):\n- "), "{report}");
        assert!(report.contains("GET /pets/2") && report.contains("DELETE /nowhere"), "{report}");
        // Every request is recorded, answered or not.
        assert_eq!(server.received("getPet").len(), 3);
        assert_eq!(server.requests().iter().filter(|r| r.operation().is_none()).count(), 1);
    })
    .await;
}

#[tokio::test]
async fn verify_reports_miscounted_helpers_and_reset_forgets_everything() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.get_pet().times(2).respond(pet("1", "Ann"));
        server.list_pets().expect(|_| true).respond(vec![]);
        server.get_my_pet().times(0).respond(pet("m", "Mine"));
        let client = server.client_builder().build().expect("valid");
        get_pet(&client, "1").await.expect("getPet");

        let problems = server.problems();
        assert_eq!(
            problems,
            [
                "`getPet` was to answer 2 request(s) and answered 1",
                "`listPets` with an `expect` closure was set up but answered no request",
            ]
        );

        server.reset();
        assert!(server.problems().is_empty());
        assert!(server.requests().is_empty());
        server.verify();
        // Issued tokens stay valid: no new token is fetched.
        server.get_pet().respond(pet("1", "Ann"));
        get_pet(&client, "1").await.expect("getPet");
        assert_eq!(server.received("issueToken").len(), 0);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn the_server_issues_tokens_and_checks_them_on_every_call() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.get_pet().respond(pet("1", "Ann"));
        let client = server.client_builder().build().expect("valid");
        for _ in 0..3 {
            get_pet(&client, "1").await.expect("getPet");
        }
        let tokens = server.received("issueToken");
        assert_eq!(tokens.len(), 1, "fetched once, then cached");
        assert_eq!(
            tokens[0].json::<serde_json::Value>().expect("JSON body"),
            json!({"keyId": ACCESS_KEY_ID, "keySecret": ACCESS_KEY_SECRET})
        );
        let calls = server.received("getPet");
        let authorization = calls[0].header("authorization").expect("a token");
        let token = authorization.strip_prefix("Bearer ").expect("Bearer scheme");
        assert_eq!(token.split('.').count(), 3, "JWT-shaped: {token}");
        for call in &calls {
            assert_eq!(call.header("Authorization"), Some(authorization));
            // The client read the tenant id from the token's claim.
            assert_eq!(call.header("x-pets-tenant-id"), Some(TENANT_ID));
        }

        // Another header family is accepted too.
        let zoo = server.client_builder().header_family("x-zoo").build().expect("valid");
        get_pet(&zoo, "1").await.expect("getPet");
        assert_eq!(server.received("getPet")[3].header("x-zoo-tenant-id"), Some(TENANT_ID));
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn calls_without_a_token_of_the_server_or_its_tenant_are_refused() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.get_pet().respond(pet("1", "Ann"));
        let client = server.client_builder().build().expect("valid");

        // No token at all.
        let anonymous = Call { authenticated: false, ..read("getPet") };
        let err = client.send_enveloped::<Pet>(client.request(anonymous, Method::GET, &["pets", "1"])).await.expect_err("refused");
        let Error::Api { status_code: 401, http_status: 200, message, .. } = &err else { panic!("{err:?}") };
        assert!(message.contains("refused GET /pets/1 (getPet): no `authorization` header"), "{message}");

        // A token the server never issued: refused as invalid (the client cannot refresh it).
        let forged = ClientBuilder::new(&PETS)
            .host(server.base_url())
            .http_client(no_proxy())
            .access_token("forged")
            .build()
            .expect("valid");
        let err = get_pet(&forged, "1").await.expect_err("refused");
        assert!(err.to_string().contains("carries no token this server issued"), "{err}");

        // The wrong access key: no token.
        let wrong_key = server.client_builder().access_key_secret("wrong-secret").build().expect("valid");
        let err = get_pet(&wrong_key, "1").await.expect_err("no token");
        assert_eq!((err.operation(), err.status_code()), (Some("issueToken"), Some(401)));
        assert!(err.to_string().contains("`keySecret` is not ACCESS_KEY_SECRET; the mock issues tokens"), "{err}");
        assert!(!err.to_string().contains("wrong-secret"), "the secret is not repeated: {err}");

        // A valid token with another tenant.
        let other_tenant = server.client_builder().tenant("someone-else").build().expect("valid");
        let err = get_pet(&other_tenant, "1").await.expect_err("wrong tenant");
        assert!(err.to_string().contains(r#"`x-pets-tenant-id` is Some("someone-else"), not "mock-tenant-id""#), "{err}");

        let problems = server.problems();
        // One each, but two for the wrong tenant (the call and its repeat after a refresh),
        // and the helper never answered.
        assert_eq!(problems.len(), 6, "{problems:#?}");
        assert!(problems[..5].iter().all(|p| p.starts_with("mock server: refused ")), "{problems:#?}");
        assert_eq!(problems[5], "`getPet` was set up but answered no request");
    })
    .await;
}

#[tokio::test]
async fn revoked_tokens_make_the_client_fetch_a_new_one() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.get_pet().respond(pet("1", "Ann"));
        let client = server.client_builder().build().expect("valid");
        get_pet(&client, "1").await.expect("first call");
        server.revoke_tokens();
        get_pet(&client, "1").await.expect("refreshed and repeated");
        assert_eq!(server.received("issueToken").len(), 2);
        let calls = server.received("getPet");
        assert_eq!(calls.len(), 3, "the refused call was repeated with the new token");
        assert_eq!(calls[0].header("authorization"), calls[1].header("authorization"));
        assert_ne!(calls[1].header("authorization"), calls[2].header("authorization"));
        // Refusals of revoked tokens are expected, not problems.
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn the_token_operation_can_be_set_up_like_any_other() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.issue_token().times(1).fail_with_api_code(403, 1403, "access key disabled");
        server
            .issue_token()
            .expect_body(IssueToken { key_id: ACCESS_KEY_ID.to_owned(), key_secret: ACCESS_KEY_SECRET.to_owned() })
            .times(1)
            .respond(TokenData { token: "a-token-of-the-test".to_owned(), ttl: 60 });
        server.get_pet().respond(pet("1", "Ann"));
        let client = server.client_builder().build().expect("valid");

        let err = get_pet(&client, "1").await.expect_err("no token");
        assert!(
            matches!(&err, Error::Api { operation: "issueToken", status_code: 403, api_code: Some(1403), http_status: 200, .. }),
            "{err:?}"
        );
        // The test's own token is accepted, though it names no tenant.
        get_pet(&client, "1").await.expect("the test's token");
        assert_eq!(server.received("getPet")[0].header("authorization"), Some("Bearer a-token-of-the-test"));
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn raw_answers_and_response_headers() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        // A read is repeated after a 503, when the answer says to.
        server.get_pet().times(1).with_response_header("retry-after", "1").respond_raw(503, r#"{"code": 503, "msg": "busy"}"#);
        server.get_pet().times(1).respond(pet("1", "Ann"));
        server.get_pet().respond_raw(200, r#"{"code": 0, "data": {"id": 5, "name": "x"}}"#);
        let client = server.client_builder().build().expect("valid");
        // Fetch the token first, so only the read is timed.
        server.get_my_pet().respond(pet("m", "Mine"));
        client.send_enveloped::<Pet>(client.request(read("getMyPet"), Method::GET, &["pets", "mine"])).await.expect("getMyPet");

        let start = Instant::now();
        assert_eq!(get_pet(&client, "1").await.expect("second attempt").name, "Ann");
        assert!(start.elapsed() >= Duration::from_secs(1), "retry-after honoured: {:?}", start.elapsed());
        assert_eq!(server.received("getPet").len(), 2);
        let err = get_pet(&client, "1").await.expect_err("malformed");
        assert!(matches!(&err, Error::Decode { path, .. } if path == "data.id"), "{err:?}");
        server.verify();

        let files = MockServer::start(&FILES, FILE_OPERATIONS).await;
        files
            .mock::<(), Json<FileInfo>>("getFile")
            .with_response_header("x-trace", "t-1")
            .with_response_header("x-trace", "t-2")
            .with_response_header("content-type", "application/problem+json")
            .respond_raw(404, r#"{"title": "gone"}"#);
        let response = no_proxy().get(format!("{}/files/a", files.base_url())).send().await.expect("answered");
        assert_eq!(response.status().as_u16(), 404);
        let traces: Vec<_> = response.headers().get_all("x-trace").iter().map(|v| v.to_str().expect("text")).collect();
        assert_eq!(traces, ["t-1", "t-2"]);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        assert_eq!(response.text().await.expect("a body"), r#"{"title": "gone"}"#);
        files.verify();
    })
    .await;
}

#[tokio::test]
async fn respond_with_meta_and_api_codes_reach_the_client() {
    within(async {
        let server = MockServer::start(&PETS, PET_OPERATIONS).await;
        server.get_pet().expect_path("id", "1").respond_with_meta(pet("1", "Ann"), "Found it", "req-1");
        server.get_pet().expect_path("id", "2").fail_with_api_code(404, 2004, "no such pet");
        server.delete_pet().respond_with_meta("Deleted", "req-2");
        let client = server.client_builder().build().expect("valid");

        let answer = client.send_enveloped::<Pet>(client.request(read("getPet"), Method::GET, &["pets", "1"])).await.expect("getPet");
        assert_eq!((answer.status_code, answer.message.as_deref(), answer.request_id.as_deref()), (0, Some("Found it"), Some("req-1")));
        let err = get_pet(&client, "2").await.expect_err("refused");
        match &err {
            Error::Api { operation, status_code, api_code, message, http_status, .. } => {
                assert_eq!((*operation, *status_code, *api_code, *http_status), ("getPet", 404, Some(2004), 200));
                assert_eq!(message, "no such pet");
            }
            other => panic!("expected Error::Api, got {other:?}"),
        }
        let deleted = client.send_enveloped_status(client.request(write("deletePet"), Method::DELETE, &["pets", "1"])).await;
        assert_eq!(deleted.expect("deletePet").request_id.as_deref(), Some("req-2"));
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn an_api_without_envelope_or_auth_answers_plain_json_and_http_statuses() {
    within(async {
        let server = MockServer::start(&FILES, FILE_OPERATIONS).await;
        server
            .mock::<(), Json<FileInfo>>("getFile")
            .expect_path("name", "report.v2")
            .expect_header("X-Request-Id", "r-1")
            .respond(FileInfo { name: "report.v2".to_owned(), size: 7 });
        server.mock::<(), NoContent>("deleteFile").times(1).respond();
        server.mock::<(), NoContent>("deleteFile").times(1).fail(404, "no such file");
        server.mock::<(), NoContent>("deleteFile").fail(42, "not an HTTP status");
        let client = server.client_builder().build().expect("valid");

        let mut request = client.request(read("getFile"), Method::GET, &["files", "report.v2"]);
        request.header("x-request-id", "r-1".to_owned());
        let file: FileInfo = client.send_json(request).await.expect("getFile");
        assert_eq!(file, FileInfo { name: "report.v2".to_owned(), size: 7 });

        let delete = || client.send_empty(client.request(write("deleteFile"), Method::DELETE, &["files", "x"]));
        delete().await.expect("204");
        let err = delete().await.expect_err("404");
        assert!(matches!(&err, Error::Http { status: 404, body, .. } if body == r#"{"message":"no such file"}"#), "{err:?}");
        let err = delete().await.expect_err("500");
        assert_eq!(err.status_code(), Some(500));

        // Unexpected requests: HTTP 501 with the reason as `message`.
        let err = client.send_empty(client.request(write("uploadFile"), Method::POST, &["files"])).await.expect_err("501");
        assert!(matches!(&err, Error::Http { status: 501, body, .. } if body.contains("nothing is set up for `uploadFile`")), "{err:?}");
        assert_eq!(server.problems().len(), 1);
        // Without token auth there is nothing to revoke.
        server.revoke_tokens();
        assert_eq!(server.requests().len(), 5);
    })
    .await;
}

#[tokio::test]
async fn token_auth_without_envelope_refuses_with_the_http_status() {
    within(async {
        let server = MockServer::start(&KEYS, KEY_OPERATIONS).await;
        server.mock::<(), Json<String>>("getThing").respond("thing".to_owned());
        let client = server.client_builder().build().expect("valid");

        assert_eq!(get_thing(&client).await.expect("getThing"), "thing");
        let token_request = &server.received("getToken")[0];
        assert_eq!(token_request.to_string(), "POST /oauth/token");
        let call = &server.received("getThing")[0];
        assert!(call.header("x-api-token").is_some_and(|t| t.split('.').count() == 3), "{call:?}");
        // Tokens name no tenant: the client sends the one it was given.
        assert_eq!(call.header("x-keys-account"), Some(TENANT_ID));

        // Refused as HTTP 401, which makes the client refresh the token and repeat.
        server.revoke_tokens();
        assert_eq!(get_thing(&client).await.expect("refreshed"), "thing");
        assert_eq!(server.received("getToken").len(), 2);
        server.verify();

        let wrong_key = server.client_builder().access_key_id("someone").build().expect("valid");
        let err = get_thing(&wrong_key).await.expect_err("no token");
        assert!(matches!(&err, Error::Http { operation: "getToken", status: 401, .. }), "{err:?}");
        let problems = server.problems();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains(r#"`client_id` is Some("someone")"#), "{problems:#?}");
    })
    .await;
}

/// A chunked request body (which hyper reads whole) and a HEAD request, on one kept-alive
/// connection written by hand.
#[tokio::test]
async fn chunked_bodies_and_head_requests_on_one_connection() {
    within(async {
        let server = MockServer::start(&FILES, FILE_OPERATIONS).await;
        let upload = Upload { name: "a.txt".to_owned(), content: "hello, chunks".to_owned() };
        server.mock::<Upload, Json<FileInfo>>("uploadFile").expect_body(upload.clone()).respond(FileInfo { name: "a.txt".to_owned(), size: 13 });
        server.mock::<(), Json<FileInfo>>("headFile").respond(FileInfo { name: "a.txt".to_owned(), size: 13 });

        let body = serde_json::to_string(&upload).expect("JSON");
        let (first, second) = body.split_at(10);
        let mut stream = tokio::net::TcpStream::connect(server.address()).await.expect("connect");
        let request = format!(
            "POST /files HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n\
             {:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n\
             HEAD /files/a.txt HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
            first.len(),
            second.len()
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut answers = String::new();
        stream.read_to_string(&mut answers).await.expect("read until the server closes");

        let expected = r#"{"name":"a.txt","size":13}"#;
        let parts: Vec<&str> = answers.split("HTTP/1.1 ").collect();
        assert_eq!(parts.len(), 3, "two answers: {answers}");
        assert!(parts[1].starts_with("200 OK\r\n") && parts[1].ends_with(&format!("\r\n\r\n{expected}")), "{answers}");
        assert!(parts[1].contains("content-type: application/json\r\n"), "{answers}");
        // The HEAD answer is a head only.
        assert!(parts[2].starts_with("200 OK\r\n") && parts[2].ends_with("\r\n\r\n"), "{answers}");

        let uploads = server.received("uploadFile");
        assert_eq!(uploads[0].body_bytes(), body.as_bytes());
        assert_eq!(uploads[0].header("transfer-encoding"), Some("chunked"));
        assert_eq!(server.received("headFile")[0].method(), "HEAD");
        server.verify();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_server_and_one_token() {
    within(async {
        let server = std::sync::Arc::new(MockServer::start(&PETS, PET_OPERATIONS).await);
        server.get_pet().times(20).respond(pet("1", "Ann"));
        let client = server.client_builder().build().expect("valid");
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { get_pet(&client, "1").await })
            })
            .collect();
        for task in tasks {
            task.await.expect("task ran").expect("getPet");
        }
        assert_eq!(server.received("issueToken").len(), 1);
        server.verify();
    })
    .await;
}

#[tokio::test]
async fn misuse_panics_with_a_clear_message() {
    let server = MockServer::start(&PETS, PET_OPERATIONS).await;
    assert!(format!("{server:?}").contains(server.base_url()));
    assert_eq!(server.base_url(), format!("http://{}", server.address()));
    let message = panic_message(|| drop(server.mock::<(), NoContent>("getPets")));
    assert!(message.contains(r#"no operation has the id "getPets""#) && message.contains("\"getPet\""), "{message}");
    let message = panic_message(|| drop(server.received("nope")));
    assert!(message.contains(r#"no operation has the id "nope""#), "{message}");
    let message = panic_message(|| server.get_pet().respond_raw(42, "{}"));
    assert!(message.contains("HTTP status 42 is not three digits"), "{message}");
    let message = panic_message(|| drop(server.get_pet().with_response_header("bad header", "x")));
    assert!(message.contains(r#""bad header" is not a valid header name"#), "{message}");
    let message = panic_message(|| drop(server.get_pet().with_response_header("content-length", "3")));
    assert!(message.contains("set by the server itself"), "{message}");
    // Nothing was set up.
    server.verify();
}
