//! A crate that depends on `genauth_client`, as downstream crates do: its code uses only the
//! client's public API, and its tests only the public API plus the `mock` feature (no test
//! server of this workspace, no hand-written JSON on the wire).

use genauth_client::types::{UserDto, UserDtoStatus};
use genauth_client::{Error, ManagementClient};

/// The downstream crate's code.
mod directory {
    use super::*;

    /// The name to show for a user: nickname, else name, else username, else the id;
    /// `"(deleted user)"` when the user does not exist. Other failures are passed on.
    pub async fn display_name(client: &ManagementClient, id: &str) -> Result<String, Error> {
        match client.get_user().user_id(id).send().await {
            Ok(user) => Ok(user.nickname.or(user.name).or(user.username).unwrap_or(user.user_id)),
            Err(Error::Api { status_code: 404, .. }) => Ok("(deleted user)".to_owned()),
            Err(e) => Err(e),
        }
    }

    /// The ids among `ids` of users who are suspended, in the order given.
    pub async fn suspended(client: &ManagementClient, ids: &[&str]) -> Result<Vec<String>, Error> {
        let users = client.get_user_batch().user_ids(ids.iter().copied()).send().await?;
        let suspended: Vec<&UserDto> = users.iter().filter(|u| u.status == UserDtoStatus::Suspended).collect();
        Ok(ids
            .iter()
            .filter(|id| suspended.iter().any(|u| u.user_id == **id))
            .map(|id| (*id).to_owned())
            .collect())
    }
}

/// The downstream crate's tests.
mod tests {
    use std::future::Future;
    use std::time::Duration;

    use genauth_client::mock::{MockServer, Operation};

    use super::directory::{display_name, suspended};
    use super::*;

    async fn within<T>(body: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(10), body).await.expect("finished within 10 s")
    }

    /// A user as the service describes one; only the fields under test vary.
    fn user(id: &str, status: UserDtoStatus) -> UserDto {
        serde_json::from_value(serde_json::json!({
            "userId": id,
            "createdAt": "2024-01-01T00:00:00.000Z",
            "updatedAt": "2024-01-01T00:00:00.000Z",
            "status": status.as_str(),
            "workStatus": "Active",
            "gender": "U",
            "emailVerified": false,
            "phoneVerified": false,
            "userSourceType": "register"
        }))
        .expect("a user")
    }

    #[tokio::test]
    async fn display_name_prefers_the_nickname_then_the_name_then_the_id() {
        within(async {
            let server = MockServer::start().await;
            let mut ann = user("u-ann", UserDtoStatus::Activated);
            ann.nickname = Some("Annie".to_owned());
            ann.name = Some("Ann Lee".to_owned());
            let mut bob = user("u-bob", UserDtoStatus::Activated);
            bob.name = Some("Bob Stone".to_owned());
            server.get_user().expect_query("userId", "u-ann").respond(ann);
            server.get_user().expect_query("userId", "u-bob").respond(bob);
            server.get_user().expect_query("userId", "u-anon").respond(user("u-anon", UserDtoStatus::Activated));

            let client = server.client();
            assert_eq!(display_name(&client, "u-ann").await.expect("found"), "Annie");
            assert_eq!(display_name(&client, "u-bob").await.expect("found"), "Bob Stone");
            assert_eq!(display_name(&client, "u-anon").await.expect("found"), "u-anon");
            server.verify();
        })
        .await;
    }

    #[tokio::test]
    async fn display_name_of_a_missing_user() {
        within(async {
            let server = MockServer::start().await;
            server.get_user().fail_with_api_code(404, 2004, "user not found");
            let name = display_name(&server.client(), "u-gone").await.expect("not an error");
            assert_eq!(name, "(deleted user)");
            assert_eq!(server.received(Operation::GetUser)[0].query("userId"), Some("u-gone"));
            server.verify();
        })
        .await;
    }

    #[tokio::test]
    async fn display_name_passes_other_failures_on() {
        within(async {
            let server = MockServer::start().await;
            server.get_user().fail(403, "no permission to read users");
            let err = display_name(&server.client(), "u1").await.expect_err("passed on");
            assert_eq!(err.status_code(), Some(403));
            assert_eq!(err.operation(), Some("getUser"));
            server.verify();
        })
        .await;
    }

    #[tokio::test]
    async fn suspended_asks_for_all_users_at_once_and_keeps_the_order() {
        within(async {
            let server = MockServer::start().await;
            server
                .get_user_batch()
                .expect_query("userIds", "a,b,c")
                .times(1)
                .respond(vec![
                    user("c", UserDtoStatus::Suspended),
                    user("b", UserDtoStatus::Activated),
                    user("a", UserDtoStatus::Suspended),
                ]);
            let found = suspended(&server.client(), &["a", "b", "c"]).await.expect("listed");
            assert_eq!(found, ["a", "c"]);
            // One request for the users (plus the client's token request).
            assert_eq!(server.received(Operation::GetUserBatch).len(), 1);
            server.verify();
        })
        .await;
    }
}
