//! `cargo bench -p integration-tests`: time per call of the generated client against a
//! hand-written `reqwest` + `serde_json` call of the same request, in the same run, against the
//! same loopback server. The target is the hand-written call's speed: a ratio within 1.05.
//!
//! Rounds alternate between the two (and which goes first) so that drift in the machine's speed
//! hits both alike; it reports the median over rounds of each round's mean, and the ratio of the
//! fastest rounds. Run it on an otherwise idle machine. Wall-clock time on a shared machine is
//! noisy; `valgrind --tool=callgrind --separate-threads=yes` with `BENCH_ONLY=generated` and
//! `BENCH_ONLY=hand` (and `BENCH_FILTER=get_user` for one benchmark) counts instructions, the
//! same on every run.

use std::time::{Duration, Instant};

use genauth_client::types::{PaginationDto, UserDto, UserPagingDto};
use genauth_client::ManagementClient;
use integration_tests::{Reply, TestServer};
use serde_json::{json, Value};

const ROUNDS: usize = 20;
const CALLS_PER_ROUND: usize = 200;

fn user(id: usize) -> Value {
    json!({
        "userId": format!("user-{id}"),
        "createdAt": "2022-07-03T03:20:30.000Z",
        "updatedAt": "2022-07-03T03:20:30.000Z",
        "status": "Activated",
        "workStatus": "Active",
        "email": format!("user{id}@example.com"),
        "phone": "188xxxx8888",
        "username": format!("user{id}"),
        "name": "Some Name",
        "nickname": "nick",
        "photo": "https://files.authing.co/authing-console/default-user-avatar.png",
        "loginsCount": 3,
        "lastLogin": "2022-07-03T03:20:30.000Z",
        "lastIp": "127.0.0.1",
        "gender": "M",
        "emailVerified": true,
        "phoneVerified": true,
        "birthdate": "2022-06-03",
        "userSourceType": "register",
        "departmentIds": ["624d930c3xxxx5c08dd4986e", "624d93102xxxx012f33cd2fe"],
        "customData": {"school": "xxxxx", "age": 22},
        "statusChangedAt": "2022-07-03T03:20:30.000Z"
    })
}

/// What a caller writes by hand: the envelope and the same data types.
#[derive(serde::Deserialize)]
struct HandEnvelope<T> {
    #[serde(rename = "statusCode")]
    status_code: i64,
    data: Option<T>,
}

async fn hand_written<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    // The same request on the wire: the same headers and the same per-request timeout.
    let response = request
        .header("user-agent", concat!("genauth-client/", env!("CARGO_PKG_VERSION")))
        .header("x-genauth-sdk-version", "0.1.0")
        .header("authorization", "Bearer bench-token")
        .header("x-genauth-userpool-id", "pool-1")
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("loopback answers");
    let body = response.bytes().await.expect("body");
    let envelope: HandEnvelope<T> = serde_json::from_slice(&body).expect("decodes");
    assert_eq!(envelope.status_code, 200);
    envelope.data.expect("data")
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Runs both variants in alternating rounds and prints their per-call times and ratio.
fn compare<F1, F2>(label: &str, rt: &tokio::runtime::Runtime, mut generated: F1, mut hand: F2)
where
    F1: AsyncFnMut(),
    F2: AsyncFnMut(),
{
    // `BENCH_FILTER=get_user` runs only the benchmarks whose label contains it.
    if std::env::var("BENCH_FILTER").is_ok_and(|filter| !label.contains(&filter)) {
        return;
    }
    // `BENCH_ONLY=generated` (or `hand`) runs one side alone for a profiler.
    if let Ok(only) = std::env::var("BENCH_ONLY") {
        rt.block_on(async {
            for _ in 0..ROUNDS * CALLS_PER_ROUND {
                if only == "hand" { hand().await } else { generated().await }
            }
        });
        println!("{label}: ran {only} only");
        return;
    }
    let (mut gen_rounds, mut hand_rounds) = (Vec::new(), Vec::new());
    rt.block_on(async {
        // Warm up connections and caches.
        for _ in 0..50 {
            generated().await;
            hand().await;
        }
        for round in 0..ROUNDS {
            // Alternate which goes first, so neither always runs on a warmer machine.
            for turn in 0..2 {
                let start = Instant::now();
                if (round + turn) % 2 == 0 {
                    for _ in 0..CALLS_PER_ROUND {
                        generated().await;
                    }
                    gen_rounds.push(start.elapsed() / CALLS_PER_ROUND as u32);
                } else {
                    for _ in 0..CALLS_PER_ROUND {
                        hand().await;
                    }
                    hand_rounds.push(start.elapsed() / CALLS_PER_ROUND as u32);
                }
            }
        }
    });
    // The fastest round is the one least disturbed by the rest of the machine; the median shows
    // the typical case.
    let (g_min, h_min) = (*gen_rounds.iter().min().expect("rounds"), *hand_rounds.iter().min().expect("rounds"));
    let (g, h) = (median(gen_rounds), median(hand_rounds));
    println!(
        "{label}: generated client {g:?}/call, hand-written reqwest+serde_json {h:?}/call (baseline): \
         ratio {:.3} (median round), {:.3} (fastest round)",
        g.as_secs_f64() / h.as_secs_f64(),
        g_min.as_secs_f64() / h_min.as_secs_f64()
    );
}

fn main() {
    let one_user = json!({"statusCode": 200, "message": "Success", "requestId": "r", "data": user(1)}).to_string();
    let page = json!({
        "statusCode": 200, "message": "Success", "requestId": "r",
        "data": {"totalCount": 1000, "list": (0..50).map(user).collect::<Vec<_>>()}
    })
    .to_string();
    let server = TestServer::start(move |request| {
        let body = if request.path.ends_with("get-user") { one_user.clone() } else { page.clone() };
        Reply::raw(200, "application/json", body)
    });
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    // One connection pool for both, so the comparison measures the generated layer, not two
    // pools' luck.
    let http = reqwest::Client::new();
    let client = ManagementClient::builder()
        .http_client(http.clone())
        .host(&server.base_url)
        .access_token("bench-token")
        .user_pool_id("pool-1")
        .build()
        .expect("client");
    let base = server.base_url.clone();

    compare(
        "get_user",
        &rt,
        async || {
            let user: UserDto = client.get_user().user_id("user-1").send().await.expect("get_user");
            std::hint::black_box(user);
        },
        async || {
            let request = http.get(format!("{base}/api/v3/get-user")).query(&[("userId", "user-1")]);
            std::hint::black_box(hand_written::<UserDto>(request).await);
        },
    );
    compare(
        "list_users (50 users)",
        &rt,
        async || {
            let page: UserPagingDto = client
                .list_users()
                .options(genauth_client::types::ListUsersOptionsDto {
                    pagination: Some(PaginationDto { page: Some(1), limit: Some(50) }),
                    ..Default::default()
                })
                .send()
                .await
                .expect("list_users");
            std::hint::black_box(page);
        },
        async || {
            let request = http
                .post(format!("{base}/api/v3/list-users"))
                .header("content-type", "application/json")
                .body(json!({"options": {"pagination": {"page": 1, "limit": 50}}}).to_string());
            std::hint::black_box(hand_written::<UserPagingDto>(request).await);
        },
    );
}
