//! The one error type of the crate.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// Which call failed: enough to find it in code and logs, never a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    /// The operation (`chats_list`, `listChatMessages`).
    pub operation: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template from the spec (`/api/{account}/chats/{chat_id}/messages`),
    /// or the path a [custom request](crate::transport::request::CustomRequest)
    /// was sent to, every segment but plain words shown as `{…}`.
    pub path: Cow<'static, str>,
    /// For pages of a list: where the page starts (`offset 40`, `cursor 123`).
    /// A stream that failed resumes from here.
    pub page: Option<String>,
}

impl RequestInfo {
    /// The first page (or only call) of an operation.
    pub const fn operation(
        operation: &'static str,
        method: &'static str,
        path: &'static str,
    ) -> RequestInfo {
        RequestInfo {
            operation,
            method,
            path: Cow::Borrowed(path),
            page: None,
        }
    }
}

impl fmt::Display for RequestInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({}", self.method, self.path, self.operation)?;
        if let Some(page) = &self.page {
            write!(f, ", {page}")?;
        }
        f.write_str(")")
    }
}

/// What the server sent back with an error status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    pub status: StatusCode,
    /// The start of the body (at most [`ErrorResponse::EXCERPT_LIMIT`] bytes, cut on a character boundary).
    pub body_excerpt: String,
    /// The server's request id header (`x-request-id` and kin), for support tickets.
    pub request_id: Option<String>,
    /// `Retry-After`, when the server sent one.
    pub retry_after: Option<Duration>,
}

impl ErrorResponse {
    /// The most of a body kept in an error.
    pub const EXCERPT_LIMIT: usize = 1024;
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "status {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        if let Some(after) = self.retry_after {
            write!(f, ", retry after {}s", after.as_secs_f32())?;
        }
        if !self.body_excerpt.is_empty() {
            write!(f, ": {}", self.body_excerpt)?;
        }
        Ok(())
    }
}

/// A response body kept whole in an error. Its `Debug` shows its length and
/// start only, so that logging an error never dumps megabytes.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseBody(bytes::Bytes);

impl ResponseBody {
    #[doc(hidden)]
    pub fn new(bytes: bytes::Bytes) -> Self {
        ResponseBody(bytes)
    }

    /// The body's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// The start of the body (at most [`ErrorResponse::EXCERPT_LIMIT`] bytes,
    /// cut on a character boundary).
    pub fn excerpt(&self) -> String {
        excerpt(&self.0, ErrorResponse::EXCERPT_LIMIT)
    }

    /// The body's length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The body, for keeping.
    pub fn into_bytes(self) -> bytes::Bytes {
        self.0
    }
}

impl fmt::Debug for ResponseBody {
    /// Its length and its start with every JSON string value elided: an
    /// answer that failed to decode can hold a session (`cookie`, `x_bc`) or
    /// a token, and errors are logged with `{:?}`. Keys, numbers and a
    /// non-JSON start (an HTML page from a proxy) show as they are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("len", &self.0.len())
            .field("start", &without_string_values(&excerpt(&self.0, 64)))
            .finish()
    }
}

/// `json` (or the start of it) with every string that is not an object's key
/// replaced by `"…"`; text that does not start as JSON is returned as it is.
fn without_string_values(json: &str) -> Cow<'_, str> {
    if !json.trim_start().starts_with(['{', '[']) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let literal = &rest[open + 1..];
        let close = string_end(literal);
        let after = literal[close..].trim_start_matches('"');
        let is_key = after.trim_start().starts_with(':');
        out.push_str(if is_key { &literal[..close] } else { "…" });
        if close < literal.len() {
            out.push('"');
        }
        rest = after;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Where the JSON string starting at `literal` (after its opening quote)
/// ends: the index of its closing quote, or the text's length when cut.
fn string_end(literal: &str) -> usize {
    let mut escaped = false;
    for (i, c) in literal.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i,
            _ => {}
        }
    }
    literal.len()
}

/// serde's message without the text it received (`invalid type: string
/// "sess=…", expected u64` → `invalid type: string, expected u64`): a value
/// that failed to decode can be a credential, and the message reaches
/// `Display`. The body kept beside it has the value.
#[doc(hidden)]
pub fn without_received_text(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("string \"") {
        let start = at + "string ".len();
        out.push_str(&rest[..start - 1]);
        let literal = &rest[start + 1..];
        let close = string_end(literal);
        rest = literal.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Every way a call can fail.
///
/// Match on the variant to decide what to do: [`Error::InvalidRequest`] is a bug
/// in the calling code (nothing was sent), [`Error::RateLimited`] says how long
/// to wait, [`Error::Timeout`] and [`Error::Transport`] are worth retrying later,
/// [`Error::Api`] carries what the server said, and [`Error::Decode`] names the
/// JSON path that did not fit.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Refused locally: nothing was sent.
    InvalidRequest {
        parameter: &'static str,
        reason: String,
    },
    /// The server answered with an error status (after any retries).
    Api {
        request: Box<RequestInfo>,
        response: ErrorResponse,
    },
    /// `429 Too Many Requests`, after any retries.
    RateLimited {
        request: Box<RequestInfo>,
        response: ErrorResponse,
    },
    /// The call did not complete within its timeout (retries included).
    Timeout {
        request: Box<RequestInfo>,
        after: Duration,
    },
    /// The client-side rate limiter's next slot for this call comes only
    /// after its timeout: refused at once, without sending (or, on a retry,
    /// without sending that attempt) and without taking the slot. Wait
    /// `wait`, or give the call a longer timeout.
    RateLimitWait {
        request: Box<RequestInfo>,
        wait: Duration,
        timeout: Duration,
    },
    /// The shared rate-limit store failed and the client was built with
    /// [`StoreFailure::FailCall`](crate::StoreFailure::FailCall): nothing was
    /// sent.
    RateLimitStore {
        request: Box<RequestInfo>,
        source: crate::StoreError,
    },
    /// The credit balance the API last reported (OnlyFansAPI's
    /// `_meta._credits.balance`, shared through the rate-limit store) is
    /// below the floor set on the client
    /// ([`RateLimit::credits_floor`](crate::RateLimit::credits_floor)):
    /// nothing was sent.
    CreditsFloor {
        request: Box<RequestInfo>,
        balance: u64,
        floor: u64,
    },
    /// Connecting, sending or receiving failed.
    Transport {
        request: Box<RequestInfo>,
        source: reqwest::Error,
    },
    /// The response body was larger than the client's limit and was not read.
    ResponseTooLarge {
        request: Box<RequestInfo>,
        limit: usize,
    },
    /// A success body could not be used: it is not JSON, or a part that
    /// does not fit its type could not be taken out (the root, or a field
    /// every enclosing level requires), or the call decodes strictly (see
    /// [`Response::misfits`](crate::Response::misfits)).
    Decode {
        request: Box<RequestInfo>,
        /// JSON path of the value that failed (`list[3].lastMessage.media[0].createdAt`).
        path: String,
        message: String,
        /// The whole body as received (within the client's
        /// `max_response_bytes`): the answer of a call that moved money is
        /// never lost.
        body: ResponseBody,
    },
    /// A paginated stream cannot continue safely.
    Pagination {
        request: Box<RequestInfo>,
        /// Where a new stream can resume (an offset or a cursor).
        resume_from: String,
        reason: String,
    },
}

impl Error {
    #[doc(hidden)]
    pub fn invalid(parameter: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidRequest {
            parameter,
            reason: reason.into(),
        }
    }

    /// The call this error belongs to, when a call was made.
    pub fn request(&self) -> Option<&RequestInfo> {
        match self {
            Error::InvalidRequest { .. } => None,
            Error::Api { request, .. }
            | Error::RateLimited { request, .. }
            | Error::Timeout { request, .. }
            | Error::RateLimitWait { request, .. }
            | Error::RateLimitStore { request, .. }
            | Error::CreditsFloor { request, .. }
            | Error::Transport { request, .. }
            | Error::Decode { request, .. }
            | Error::ResponseTooLarge { request, .. }
            | Error::Pagination { request, .. } => Some(request),
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { response, .. } | Error::RateLimited { response, .. } => {
                Some(response.status)
            }
            _ => None,
        }
    }

    /// How long the server asked to wait, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { response, .. } | Error::RateLimited { response, .. } => {
                response.retry_after
            }
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest { parameter, reason } => {
                write!(
                    f,
                    "invalid request: `{parameter}` {reason} (nothing was sent)"
                )
            }
            Error::Api { request, response } => write!(f, "{request} failed: {response}"),
            Error::RateLimited { request, response } => {
                write!(f, "{request} was rate limited: {response}")
            }
            Error::Timeout { request, after } => {
                write!(f, "{request} timed out after {}s", after.as_secs_f32())
            }
            Error::RateLimitWait {
                request,
                wait,
                timeout,
            } => write!(
                f,
                "{request} not sent: the rate limit's next slot is {:.1}s away, beyond the {}s timeout",
                wait.as_secs_f32(),
                timeout.as_secs_f32()
            ),
            Error::RateLimitStore { request, source } => {
                write!(f, "{request} not sent: rate limit store: {source}")
            }
            Error::CreditsFloor {
                request,
                balance,
                floor,
            } => write!(
                f,
                "{request} not sent: the API reported a balance of {balance} credits, below the client's floor of {floor}"
            ),
            Error::Transport { request, source } => {
                write!(
                    f,
                    "{request} failed in transport: {}",
                    transport_message(source)
                )
            }
            Error::Decode {
                request,
                path,
                message,
                ..
            } => write!(
                f,
                "{request}: cannot decode response at `{path}`: {message}"
            ),
            Error::ResponseTooLarge { request, limit } => {
                write!(
                    f,
                    "{request}: response body larger than {limit} bytes; not read"
                )
            }
            Error::Pagination {
                request,
                resume_from,
                reason,
            } => write!(
                f,
                "{request}: pagination stopped ({reason}); resume from {resume_from}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::RateLimitStore { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// reqwest's message with its chain of causes (connection refused, reset, …),
/// the request's URL cut to its origin: a filled-in path or a query can hold a secret
/// (`/v2/link/{clientSecret}`), and this text reaches errors and logs.
#[doc(hidden)]
pub fn transport_message(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    if let Some(url) = error.url() {
        let origin = url.origin().ascii_serialization();
        message = message.replace(url.as_str(), &format!("{origin}/…"));
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Cuts text to at most `limit` bytes on a character boundary.
#[doc(hidden)]
pub fn excerpt(bytes: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(limit + 4)]);
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = text[..end].to_owned();
    if bytes.len() > limit {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_in_debug_shows_keys_and_numbers_but_no_string_value() {
        let body = ResponseBody::new(bytes::Bytes::from_static(
            br#"{"cookie": "sess=SECRET", "x_bc": "SECRET\"x", "n": 5, "list": ["SECRET"#,
        ));
        let shown = format!("{body:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains(r#"\"cookie\": \"…\""#), "{shown}");
        let html = ResponseBody::new(bytes::Bytes::from_static(b"<html>bad gateway</html>"));
        assert!(format!("{html:?}").contains("<html>bad gateway"));
    }

    #[test]
    fn serde_messages_lose_the_text_they_received() {
        let error = serde_json::from_str::<u64>(r#""sess=SECRET \" tail""#).unwrap_err();
        let message = without_received_text(&error.to_string());
        assert!(!message.contains("SECRET"), "{message}");
        assert!(
            message.starts_with("invalid type: string, expected u64"),
            "{message}"
        );
        assert_eq!(
            without_received_text("missing field `id`"),
            "missing field `id`"
        );
    }
}
