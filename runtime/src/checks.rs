//! Declared bounds (`minItems`, `maxItems`, `minimum`, `maximum`), checked before a request is
//! sent, and the joining of list values into one parameter.

use crate::Error;

/// Joins list items with commas, as `form` query values without `explode` and header values
/// carry them.
pub fn join<T: std::fmt::Display>(items: &[T]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{item}");
    }
    out
}

/// Checks the length of `operation`'s list `parameter` against its declared bounds.
///
/// # Errors
///
/// [`Error::InvalidParameter`] naming the bound broken.
pub fn check_len(operation: &'static str, parameter: &'static str, len: usize, min: Option<usize>, max: Option<usize>) -> Result<(), Error> {
    match len_breach(len, min, max) {
        Some(reason) => Err(Error::InvalidParameter { operation, parameter, reason }),
        None => Ok(()),
    }
}

/// Checks `operation`'s number `parameter` against its declared bounds.
///
/// # Errors
///
/// [`Error::InvalidParameter`] naming the bound broken.
pub fn check_range(operation: &'static str, parameter: &'static str, value: f64, min: Option<f64>, max: Option<f64>) -> Result<(), Error> {
    match range_breach(value, min, max) {
        Some(reason) => Err(Error::InvalidParameter { operation, parameter, reason }),
        None => Ok(()),
    }
}

fn len_breach(len: usize, min: Option<usize>, max: Option<usize>) -> Option<String> {
    match (min, max) {
        (Some(min), _) if len < min => Some(format!("has {len} items, at least {min} required")),
        (_, Some(max)) if len > max => Some(format!("has {len} items, at most {max} allowed")),
        _ => None,
    }
}

fn range_breach(value: f64, min: Option<f64>, max: Option<f64>) -> Option<String> {
    match (min, max) {
        (Some(min), _) if value < min => Some(format!("is {value}, at least {min} required")),
        (_, Some(max)) if value > max => Some(format!("is {value}, at most {max} allowed")),
        _ => None,
    }
}

/// A bound declared inside a parameter's type and broken by its value: where, from the
/// parameter (`.pagination.limit`, `[3].ids`), and how. Generated `check_limits` methods find
/// it; the operation turns it into an [`Error::InvalidParameter`] before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    path: String,
    reason: String,
}

impl Breach {
    /// Checks a list length against its declared bounds.
    ///
    /// # Errors
    ///
    /// The breach, when the length is outside them.
    pub fn len(len: usize, min: Option<usize>, max: Option<usize>) -> Result<(), Breach> {
        match len_breach(len, min, max) {
            Some(reason) => Err(Breach { path: String::new(), reason }),
            None => Ok(()),
        }
    }

    /// Checks a number against its declared bounds.
    ///
    /// # Errors
    ///
    /// The breach, when the number is outside them.
    pub fn range(value: f64, min: Option<f64>, max: Option<f64>) -> Result<(), Breach> {
        match range_breach(value, min, max) {
            Some(reason) => Err(Breach { path: String::new(), reason }),
            None => Ok(()),
        }
    }

    /// The breach, seen from the object holding it as `field`.
    #[must_use]
    pub fn within(mut self, field: &str) -> Self {
        self.path.insert_str(0, &format!(".{field}"));
        self
    }

    /// The breach, seen from the list holding it at `index`.
    #[must_use]
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.insert_str(0, &format!("[{index}]"));
        self
    }

    /// The breach, seen from the map holding it under `key`.
    #[must_use]
    pub fn at_key(mut self, key: &str) -> Self {
        self.path.insert_str(0, &format!("[{key:?}]"));
        self
    }

    /// The error of `operation` whose `parameter` holds the breach.
    pub fn into_error(self, operation: &'static str, parameter: &'static str) -> Error {
        Error::InvalidParameter {
            operation,
            parameter,
            reason: format!("`{parameter}{}` {}", self.path, self.reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_with_commas() {
        assert_eq!(join::<u8>(&[]), "");
        assert_eq!(join(&["a"]), "a");
        assert_eq!(join(&[1, 2, 3]), "1,2,3");
    }

    #[test]
    fn bounds_name_what_is_wrong() {
        assert!(check_len("op", "ids", 2, Some(1), Some(2)).is_ok());
        let err = check_len("op", "ids", 3, Some(1), Some(2)).unwrap_err();
        assert_eq!(err.to_string(), "op: invalid parameter `ids`: has 3 items, at most 2 allowed");
        let err = check_range("op", "limit", 0.0, Some(1.0), None).unwrap_err();
        assert_eq!(err.to_string(), "op: invalid parameter `limit`: is 0, at least 1 required");
        assert!(check_range("op", "limit", 50.0, Some(1.0), Some(50.0)).is_ok());
    }

    #[test]
    fn nested_breaches_carry_their_path() {
        let breach = Breach::range(51.0, None, Some(50.0)).unwrap_err().within("limit").within("pagination");
        let err = breach.into_error("listUsers", "options");
        assert_eq!(
            err.to_string(),
            "listUsers: invalid parameter `options`: `options.pagination.limit` is 51, at most 50 allowed"
        );
        let breach = Breach::len(0, Some(1), None).unwrap_err().within("ids").at_index(3).at_key("k");
        assert!(breach.into_error("op", "p").to_string().contains("`p[\"k\"][3].ids` has 0 items"));
    }
}
