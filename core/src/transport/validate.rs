//! Checks on caller input that must hold before a request leaves.

use std::num::NonZeroU64;

use reqwest::Url;

use crate::Error;

/// Parses a base URL: `https://` only, except loopback hosts (tests and mocks).
pub fn base_url(value: &str) -> Result<String, Error> {
    let url =
        Url::parse(value).map_err(|e| Error::invalid("base_url", format!("is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid("base_url", "must not carry credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid(
            "base_url",
            "must not have a query or fragment",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::invalid(
                "base_url",
                "must use https:// (plain http:// is accepted only for loopback hosts)",
            ));
        }
        other => {
            return Err(Error::invalid(
                "base_url",
                format!("has unsupported scheme `{other}`"),
            ));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A value that becomes one path segment. The generated client percent-encodes
/// `/`, `%`, `?`, `#` and spaces, but `.` and `..` would still be resolved as
/// "this" and "parent" directory by URL normalization, escaping the segment.
pub fn path_segment(parameter: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(parameter, "must not be empty"));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(parameter, "must not be `.` or `..`"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(
            parameter,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A text within the spec's `minLength`/`maxLength` (in characters).
// Emitted by the facade generator for length-limited texts; a spec may have none.
#[allow(dead_code)]
pub fn length(
    parameter: &'static str,
    value: &str,
    minimum: Option<u64>,
    maximum: Option<u64>,
) -> Result<(), Error> {
    let chars = value.chars().count() as u64;
    if let Some(min) = minimum.filter(|m| chars < *m) {
        return Err(Error::invalid(
            parameter,
            format!("must be at least {min} characters, got {chars}"),
        ));
    }
    if let Some(max) = maximum.filter(|m| chars > *m) {
        return Err(Error::invalid(
            parameter,
            format!("must be at most {max} characters, got {chars}"),
        ));
    }
    Ok(())
}

/// The spec's bounds on a number (`exclusiveMinimum: true` makes the
/// minimum itself refused, as in OpenAPI 3.0).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounds {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
}

/// A number within the spec's bounds.
pub fn range(parameter: &'static str, value: f64, bounds: Bounds) -> Result<(), Error> {
    let Bounds {
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
    } = bounds;
    let below = minimum.is_some_and(|m| value < m || (exclusive_minimum && value == m));
    let above = maximum.is_some_and(|m| value > m || (exclusive_maximum && value == m));
    if below || above {
        let low = minimum.map(|lo| {
            if exclusive_minimum {
                format!("above {lo}")
            } else {
                format!("at least {lo}")
            }
        });
        let high = maximum.map(|hi| {
            if exclusive_maximum {
                format!("below {hi}")
            } else {
                format!("at most {hi}")
            }
        });
        let bound = match (minimum, maximum) {
            (Some(lo), Some(hi)) if !exclusive_minimum && !exclusive_maximum => {
                format!("within {lo}..={hi}")
            }
            _ => low
                .into_iter()
                .chain(high)
                .collect::<Vec<_>>()
                .join(" and "),
        };
        return Err(Error::invalid(
            parameter,
            format!("must be {bound}, got {value}"),
        ));
    }
    Ok(())
}

/// A value the spec's `enum` allows (compared as written on the wire);
/// typed parameters (generated enums) check themselves.
pub fn one_of(parameter: &'static str, value: &str, allowed: &[&str]) -> Result<(), Error> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(Error::invalid(
            parameter,
            format!("must be one of {}, got {value}", allowed.join(", ")),
        ))
    }
}

/// An integer the spec says is at least 1.
pub fn non_zero(parameter: &'static str, value: u64) -> Result<NonZeroU64, Error> {
    NonZeroU64::new(value).ok_or_else(|| Error::invalid(parameter, "must be at least 1"))
}

/// Integers the spec says are each at least 1.
pub fn non_zero_list(parameter: &'static str, values: &[u64]) -> Result<Vec<NonZeroU64>, Error> {
    values.iter().map(|v| non_zero(parameter, *v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            base_url("https://api.ofauth.com/").unwrap(),
            "https://api.ofauth.com"
        );
        assert!(base_url("http://127.0.0.1:8080").is_ok());
        assert!(base_url("http://[::1]:8080").is_ok());
        assert!(base_url("http://localhost:1").is_ok());
        assert!(base_url("http://api.ofauth.com").is_err());
        assert!(base_url("ftp://x").is_err());
        assert!(base_url("https://user:pw@x.com").is_err());
    }

    #[test]
    fn exclusive_bounds_refuse_the_bound_itself() {
        let above_zero = Bounds {
            minimum: Some(0.0),
            exclusive_minimum: true,
            ..Bounds::default()
        };
        assert!(range("userListId", 1.0, above_zero).is_ok());
        let refused = range("userListId", 0.0, above_zero).unwrap_err();
        assert!(refused.to_string().contains("above 0"), "{refused}");
        let inclusive = Bounds {
            minimum: Some(1.0),
            maximum: Some(20.0),
            ..Bounds::default()
        };
        assert!(range("limit", 20.0, inclusive).is_ok());
        let refused = range("limit", 21.0, inclusive).unwrap_err();
        assert!(refused.to_string().contains("within 1..=20"), "{refused}");
    }

    #[test]
    fn segments() {
        assert!(path_segment("account", "acct_1").is_ok());
        assert!(
            path_segment("account", "a/b").is_ok(),
            "encoded by the generated client"
        );
        for bad in ["", ".", "..", "a\nb"] {
            assert!(path_segment("account", bad).is_err(), "{bad:?}");
        }
    }
}
