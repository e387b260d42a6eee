//! Quickstart: list users page by page, read one in detail, and handle a refusal.
//!
//! Offline by default: the answers come from this crate's mock server (the `mock` feature), so
//! `cargo run -p genauth-client --example quickstart` works anywhere. With
//! `GENAUTH_ACCESS_KEY_ID` and `GENAUTH_ACCESS_KEY_SECRET` set (and `GENAUTH_HOST` for a private
//! deployment) it talks to that user pool instead, and only reads.

use futures_util::StreamExt;
use genauth_client::filters::Filter;
use genauth_client::mock::MockServer;
use genauth_client::types::{UserDto, UserDtoStatus, UserPagingDto};
use genauth_client::{Error, ManagementClient};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (client, mock) = if std::env::var_os("GENAUTH_ACCESS_KEY_ID").is_some() {
        println!("Calling the user pool of GENAUTH_ACCESS_KEY_ID.\n");
        (ManagementClient::from_env()?, None)
    } else {
        println!("GENAUTH_ACCESS_KEY_ID is not set: answering from the offline mock server.\n");
        let mock = MockServer::start().await;
        let users = vec![user("u1", "alice"), user("u2", "bob"), user("u3", "carol")];
        mock.list_users().respond(UserPagingDto { total_count: 3, list: users.clone() });
        mock.get_user().expect_query("userId", "u1").respond(users[0].clone());
        mock.get_user().fail_with_api_code(404, 2004, "user not found");
        (mock.client(), Some(mock))
    };

    // 1. Every active user, fetched 50 at a time as the stream is read (at most 10 shown).
    println!("Active users:");
    let users = client
        .list_users()
        .advanced_filter([Filter::status().equal(UserDtoStatus::Activated)])
        .into_stream()
        .take(10);
    let mut users = std::pin::pin!(users);
    let mut first = None;
    while let Some(user) = users.next().await {
        let user = user?;
        println!("  {:<26} {}", user.user_id, user.username.as_deref().unwrap_or("-"));
        first.get_or_insert(user.user_id);
    }

    // 2. One user in detail, with the service's message and request id.
    if let Some(id) = first {
        let answer = client.get_user().user_id(&id).with_custom_data(true).send_with_meta().await?;
        let user = answer.data;
        println!(
            "\nUser {}: status {}, {} logins, email {} (request {})",
            user.user_id,
            user.status,
            user.logins_count.unwrap_or(0),
            user.email.as_deref().unwrap_or("-"),
            answer.request_id.as_deref().unwrap_or("-")
        );
    }

    // 3. A refusal is an `Error::Api` with the service's status, code and message.
    match client.get_user().user_id("no-such-user").send().await {
        Err(Error::Api { status_code, api_code, message, .. }) => {
            println!("\nAsking for a missing user: refused with {status_code} (api code {api_code:?}): {message}");
        }
        Ok(user) => println!("\nUnexpectedly found {}", user.user_id),
        Err(other) => return Err(other),
    }

    if let Some(mock) = mock {
        mock.verify();
    }
    Ok(())
}

/// A user as the mock answers it.
fn user(id: &str, username: &str) -> UserDto {
    serde_json::from_value(serde_json::json!({
        "userId": id,
        "username": username,
        "email": format!("{username}@example.com"),
        "createdAt": "2022-07-03T03:20:30.000Z",
        "updatedAt": "2022-07-03T03:20:30.000Z",
        "status": "Activated",
        "workStatus": "Active",
        "gender": "U",
        "emailVerified": true,
        "phoneVerified": false,
        "userSourceType": "register",
        "loginsCount": 3
    }))
    .expect("a valid user")
}
