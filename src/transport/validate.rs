//! Checks on caller input that must hold before a request leaves.

use reqwest::Url;

use crate::Error;

/// Parses a base URL: `https://` only, except loopback hosts (tests and mocks).
pub(crate) fn base_url(value: &str) -> Result<String, Error> {
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
pub(crate) fn path_segment(parameter: &'static str, value: &str) -> Result<(), Error> {
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

/// An integer parameter within its documented range.
pub(crate) fn in_range(
    parameter: &'static str,
    value: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, Error> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Error::invalid(
            parameter,
            format!(
                "must be within {}..={}, got {value}",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// A text parameter no longer than its documented maximum (in characters).
pub(crate) fn max_chars(parameter: &'static str, value: &str, max: usize) -> Result<(), Error> {
    let n = value.chars().count();
    if n > max {
        return Err(Error::invalid(
            parameter,
            format!("must be at most {max} characters, got {n}"),
        ));
    }
    Ok(())
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
