//! The parts of typed search conditions that no API varies: [`Timestamp`], and turning typed
//! values into the JSON a condition carries.

/// A typed value as JSON. Serializing generated types cannot fail (their maps all have string
/// keys); a value that still fails becomes `null`.
pub fn to_json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// A point in time for conditions on time fields, sent as given: text (a JSON string) or
/// milliseconds since the Unix epoch (a JSON number).
///
/// APIs written for JavaScript take both: `new Date(..)`, which JSON writes as
/// `"2022-07-03T03:20:30.000Z"` ([`Timestamp::from`] a `SystemTime` writes the same), and
/// `Date.now() - ..`, a number ([`Timestamp::millis`], or an `i64`).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use openapi_client_runtime::filters::Timestamp;
///
/// let time = UNIX_EPOCH + Duration::from_millis(1_656_818_430_000);
/// assert_eq!(Timestamp::from(time), Timestamp::Rfc3339("2022-07-03T03:20:30.000Z".into()));
/// assert_eq!(Timestamp::millis(time), Timestamp::EpochMillis(1_656_818_430_000));
/// assert_eq!(Timestamp::from(1_656_818_430_000), Timestamp::EpochMillis(1_656_818_430_000));
/// assert_eq!(Timestamp::from("2022-07-03"), Timestamp::Rfc3339("2022-07-03".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Timestamp {
    /// RFC 3339 text (`2022-07-03T03:20:30.000Z`), sent as a JSON string as it is.
    Rfc3339(String),
    /// Milliseconds since 1970-01-01T00:00:00Z, sent as a JSON number.
    EpochMillis(i64),
}

impl Timestamp {
    /// `time` as JavaScript's `JSON.stringify(new Date(..))` writes it: UTC, with milliseconds
    /// (`2022-07-03T03:20:30.000Z`).
    pub fn rfc3339(time: std::time::SystemTime) -> Self {
        Self::Rfc3339(format_millis(epoch_millis(time)))
    }

    /// `time` as JavaScript's `Date.now()` counts it: whole milliseconds since the Unix epoch.
    pub fn millis(time: std::time::SystemTime) -> Self {
        Self::EpochMillis(epoch_millis(time))
    }
}

impl From<std::time::SystemTime> for Timestamp {
    /// As [`Timestamp::rfc3339`].
    fn from(time: std::time::SystemTime) -> Self {
        Self::rfc3339(time)
    }
}

impl From<i64> for Timestamp {
    /// Milliseconds since the Unix epoch.
    fn from(millis: i64) -> Self {
        Self::EpochMillis(millis)
    }
}

impl From<&str> for Timestamp {
    /// RFC 3339 text, sent as it is.
    fn from(text: &str) -> Self {
        Self::Rfc3339(text.to_owned())
    }
}

impl From<String> for Timestamp {
    /// RFC 3339 text, sent as it is.
    fn from(text: String) -> Self {
        Self::Rfc3339(text)
    }
}

impl From<Timestamp> for serde_json::Value {
    /// A JSON string or number, as sent: for conditions that take any JSON value.
    fn from(time: Timestamp) -> Self {
        match time {
            Timestamp::Rfc3339(text) => serde_json::Value::String(text),
            Timestamp::EpochMillis(millis) => serde_json::Value::from(millis),
        }
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Rfc3339(text) => serializer.serialize_str(text),
            Self::EpochMillis(millis) => serializer.serialize_i64(*millis),
        }
    }
}

/// Whole milliseconds since the Unix epoch, rounded down as JavaScript's `Date` does.
fn epoch_millis(time: std::time::SystemTime) -> i64 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let millis = before.as_millis() + u128::from(before.subsec_nanos() % 1_000_000 != 0);
            i64::try_from(millis).map_or(i64::MIN, |millis| -millis)
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the Unix epoch (days to a civil date by
/// Howard Hinnant's `civil_from_days`).
fn format_millis(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let of_day = millis.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3_600_000,
        of_day / 60_000 % 60,
        of_day / 1_000 % 60,
        of_day % 1_000
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn formats_like_javascript() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(format_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_millis(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn rounds_down_before_the_epoch() {
        let before = UNIX_EPOCH - Duration::from_micros(1_500);
        assert_eq!(Timestamp::millis(before), Timestamp::EpochMillis(-2));
        assert_eq!(Timestamp::rfc3339(before), Timestamp::Rfc3339("1969-12-31T23:59:59.998Z".into()));
    }

    #[test]
    fn serializes_as_sent() {
        assert_eq!(to_json(Timestamp::EpochMillis(5)), serde_json::json!(5));
        assert_eq!(to_json(Timestamp::from("2022")), serde_json::json!("2022"));
        assert_eq!(serde_json::Value::from(Timestamp::EpochMillis(5)), serde_json::json!(5));
    }
}
