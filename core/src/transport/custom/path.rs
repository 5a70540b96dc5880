//! A custom request's path: checked to stay below the base URL, and shown
//! only redacted.
//!
//! The path goes on the wire as written (reqwest encodes only what HTTP
//! cannot carry), so what matters is how the servers on the way read it. A
//! proxy or framework that decodes `%2F` into `/`, decodes twice (`%252e`),
//! reads `..;` as `..` (Tomcat, Spring) or folds `．` into `.` (NFKC) would
//! climb above the base path with the credentials. So every segment is read
//! the way the most generous of them would, and refused if any reading holds
//! a separator or is a dot segment.

/// How many layers of percent-encoding are read (`%25252e` is three); a
/// segment encoded more often than that is refused.
const MAX_ENCODING_LAYERS: usize = 3;

/// Whether `path` is a path below the base URL: starts with a single `/`, no
/// query or fragment (they go through `.query`), no control character or
/// backslash, and no segment that is, or decodes to, a dot segment or holds
/// an encoded separator. The reason, without the path, when it is not.
pub(super) fn check(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') || path.starts_with("//") {
        return Err("must start with a single `/` (a path below the base URL, not a URL)");
    }
    if path.contains(['?', '#']) {
        return Err("must not carry a query or fragment (use `.query`)");
    }
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err("must not contain control characters or backslashes");
    }
    path.split('/').skip(1).try_for_each(check_segment)
}

fn check_segment(segment: &str) -> Result<(), &'static str> {
    let mut reading = segment.as_bytes().to_vec();
    for layer in 0..=MAX_ENCODING_LAYERS {
        let text = String::from_utf8_lossy(&reading);
        if layer > 0 && text.contains(['/', '\\']) {
            return Err("must not contain an encoded `/` or `\\`");
        }
        if text.chars().any(char::is_control) {
            return Err("must not contain encoded control characters");
        }
        if is_dot_segment(&text) {
            return Err("must not contain `.` or `..` segments, encoded or not");
        }
        match percent_decoded(&reading) {
            Some(next) => reading = next,
            None => return Ok(()),
        }
    }
    Err("must not be percent-encoded more than three times over")
}

/// `.` or `..` as a lenient server reads a segment: path parameters
/// (`..;jsessionid`) and surrounding blanks dropped, dot look-alikes folded.
fn is_dot_segment(segment: &str) -> bool {
    let head = segment.split(';').next().unwrap_or_default().trim();
    let folded: String = head
        .chars()
        .map(|c| match c {
            // FULLWIDTH FULL STOP, ONE DOT LEADER, SMALL FULL STOP: `.` under NFKC.
            '\u{FF0E}' | '\u{2024}' | '\u{FE52}' => '.',
            c => c,
        })
        .collect();
    folded == "." || folded == ".."
}

/// `bytes` with one layer of percent-encoding read, or `None` when it holds
/// no escape (a `%` not followed by two hex digits stays as it is).
fn percent_decoded(bytes: &[u8]) -> Option<Vec<u8>> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut decoded_any = false;
    let mut i = 0;
    while i < bytes.len() {
        let escape = (bytes[i] == b'%')
            .then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?)))
            .flatten();
        match escape {
            Some((high, low)) => {
                out.push((high * 16 + low) as u8);
                decoded_any = true;
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    decoded_any.then_some(out)
}

/// The path as `Debug`, errors, spans and the request hook show it: a
/// segment that is a plain word (lower-case letters, `-`, `_`, up to 32) or
/// an API version (`v2`) as it is, any other (an id, a client secret, a
/// token) as `{…}`.
pub(super) fn redacted(path: &str) -> String {
    let shown: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if is_plain_word(segment) {
                segment
            } else {
                "{…}"
            }
        })
        .collect();
    shown.join("/")
}

fn is_plain_word(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    let word = !bytes.is_empty()
        && bytes.len() <= 32
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || *b == b'-' || *b == b'_');
    let version = bytes.len() >= 2
        && bytes.len() <= 4
        && bytes[0] == b'v'
        && bytes[1..].iter().all(u8::is_ascii_digit);
    segment.is_empty() || word || version
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_below_the_base_url_pass() {
        for good in [
            "/v2/access/me",
            "/api/acct_1/chats/7/messages",
            "/v2/a%20b",
            "/v2/100%",
            "/v2/.well-known",
            "/v2/...",
            "/v2/a..b",
        ] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn every_way_to_climb_or_leave_is_refused() {
        for bad in [
            "v2/me",
            "//evil.example/x",
            "https://evil.example/",
            "/a/../b",
            "/a/./b",
            "/a/..",
            "/a?x=1",
            "/a#f",
            "/a\\b",
            "/a/%2e%2e/b",
            "/a/%2E%2e/b",
            "/a/.%2e/b",
            "/a/..%2fb",
            "/a/..%2F..%2Fb",
            "/a/%2e%2e%2f",
            "/a/%252e%252e/b",
            "/a/%25252e%25252e/b",
            "/a/..%5cb",
            "/a/..%5C..%5Cb",
            "/a/..;/b",
            "/a/..;jsessionid=1/b",
            "/a/%2e%2e;x/b",
            "/a/．．/b",
            "/a/%EF%BC%8E%EF%BC%8E/b",
            "/a/%2e%2e%00/b",
            "/a/x%0d%0aHost:%20evil",
            "/a/%2525252e%2525252e/b",
        ] {
            assert!(check(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn only_plain_words_and_versions_are_shown() {
        assert_eq!(redacted("/v2/link/cs_9f8a7b"), "/v2/link/{…}");
        assert_eq!(
            redacted("/api/acct_1/chats/7/messages"),
            "/api/{…}/chats/{…}/messages"
        );
        assert_eq!(redacted("/v2/access/me"), "/v2/access/me");
        assert_eq!(redacted("/v2/Secret"), "/v2/{…}");
        assert_eq!(redacted("/v2/abcdefghijklmnopqrstuvwxyzabcdefg"), "/v2/{…}");
    }
}
