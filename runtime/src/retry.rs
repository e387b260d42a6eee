//! When failed attempts are repeated, and how long to wait before each.

use std::time::Duration;

/// When failed attempts are repeated: connection failures and HTTP 429/502/503/504, with
/// exponential backoff and jitter (or the server's `Retry-After`), for operations that only read
/// (and the token request of token auth) unless [`RetryPolicy::retry_writes`] allows more.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    pub(crate) retry_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            retry_writes: false,
        }
    }
}

impl RetryPolicy {
    /// Never repeat a request.
    pub fn disabled() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// How many times a request may be repeated after the first attempt (default 2).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The wait before the first repeat, doubled for each further one (default 200 ms).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between attempts (default 5 s).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` honoured (default 30 s); longer ones are shortened to it.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Also repeat operations that change data (default `false`: only reads are repeated).
    pub fn retry_writes(mut self, retry_writes: bool) -> Self {
        self.retry_writes = retry_writes;
        self
    }

    /// The wait before repeat number `retry` (from 1): the server's word, or a jittered backoff.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let ceiling = self.ceiling(retry);
        // Jitter in [ceiling/2, ceiling], so clients that failed together do not retry together.
        ceiling / 2 + ceiling.mul_f64(random_fraction() / 2.0)
    }

    /// The longest backoff before repeat number `retry`.
    fn ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff)
    }
}

/// A number in [0, 1) from the standard library's randomly keyed hasher.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The `Retry-After` of an answer, when it gives a number of seconds.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_ceiling_with_jitter_in_its_upper_half() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for (retry, ceiling) in [(1, 100), (2, 200), (3, 350), (4, 350), (40, 350)] {
            let ceiling = Duration::from_millis(ceiling);
            for _ in 0..50 {
                let delay = policy.delay(retry, None);
                assert!(delay >= ceiling / 2 && delay <= ceiling, "retry {retry}: {delay:?} outside [{:?}, {ceiling:?}]", ceiling / 2);
            }
        }
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(3));
        assert_eq!(policy.delay(1, Some(Duration::from_secs(2))), Duration::from_secs(2));
        assert_eq!(policy.delay(5, Some(Duration::from_secs(60))), Duration::from_secs(3));
    }

    #[test]
    fn jitter_varies() {
        let policy = RetryPolicy::default();
        let delays: std::collections::HashSet<Duration> = (0..20).map(|_| policy.delay(3, None)).collect();
        assert!(delays.len() > 1, "20 delays were all {delays:?}");
    }

    #[test]
    fn reads_retry_after_seconds_only() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(reqwest::header::RETRY_AFTER, " 7 ".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(reqwest::header::RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
