//! What a call tells an operator: its span and completion event, with the
//! OpenTelemetry HTTP semantic conventions' field names, and the hook that
//! adds headers (trace context) to every request without seeing credentials.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::header::{HeaderMap, HeaderName};

use super::auth::Credentials;
use super::headers::Reserved;

/// What a [`RequestHook`] is told about the request it adds headers to:
/// never the filled-in path or query (a path can hold a secret), the body or
/// the credentials.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct OutgoingRequest<'a> {
    /// The API (`ofauth`, `onlyfansapi`).
    pub api: &'static str,
    /// The operation's id (`listChats`), or `custom` for the escape hatch.
    pub operation: &'a str,
    /// The HTTP method.
    pub method: &'a reqwest::Method,
    /// The path template (`/v2/access/chats/{userId}/messages`).
    pub url_template: &'a str,
    /// The attempt, from 1 (a retry is 2 and on).
    pub attempt: u32,
}

type HookFn = dyn Fn(&OutgoingRequest<'_>, &mut HeaderMap) + Send + Sync;

/// Adds headers to every request a client sends, each attempt included (set
/// with `on_request` on a client builder): for trace context propagation
/// (`traceparent`), a tenant header of your own, a request id.
///
/// It runs inside the request's span, so `tracing::Span::current()` is the
/// call's. It fills an empty map: it never sees the credentials, and a
/// header it sets that carries credentials or framing (`authorization`,
/// `cookie`, the API's key headers, `host`, `content-length`, …) is dropped
/// with a warning, once.
#[derive(Clone)]
pub struct RequestHook {
    hook: Arc<HookFn>,
    refused_logged: Arc<AtomicBool>,
}

impl RequestHook {
    /// A hook calling `hook` with the request and the headers to add.
    pub fn new(
        hook: impl Fn(&OutgoingRequest<'_>, &mut HeaderMap) + Send + Sync + 'static,
    ) -> Self {
        Self {
            hook: Arc::new(hook),
            refused_logged: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The hook's headers for `request`, added to `headers` but for those it
    /// may not set: a reserved header (framing, routing, a method override,
    /// any credential, OFAuth's connection id included: see
    /// [`Reserved`]), and a second value of a header the request carries
    /// already (the call's own value stands).
    pub(crate) fn apply(
        &self,
        request: &OutgoingRequest<'_>,
        credentials: &Credentials,
        headers: &mut HeaderMap,
    ) {
        let mut added = HeaderMap::new();
        (self.hook)(request, &mut added);
        let mut accepted = Vec::new();
        let mut name: Option<HeaderName> = None;
        for (next, value) in added {
            // `HeaderMap`'s iterator names a header once, before its values.
            if let Some(next) = next {
                name = Some(next);
            }
            let Some(name) = &name else { continue };
            let refused = Reserved::of(name)
                .map(Reserved::describe)
                .or_else(|| credentials.guards(name).then_some("is a credential"))
                .or_else(|| {
                    headers
                        .contains_key(name)
                        .then_some("is set by the call already")
                });
            if let Some(reason) = refused {
                if !self.refused_logged.swap(true, Ordering::AcqRel) {
                    tracing::warn!(
                        header = %name,
                        reason,
                        "request hook: a header carrying credentials or framing is not added (logged once)"
                    );
                }
                continue;
            }
            accepted.push((name.clone(), value));
        }
        for (name, value) in accepted {
            headers.append(name, value);
        }
    }
}

impl fmt::Debug for RequestHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestHook")
    }
}

/// The `error.type` of an attempt that failed in transport: the class of
/// failure, never its text (which could hold a URL).
pub(crate) fn transport_error_type(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else if error.is_redirect() {
        "redirect"
    } else {
        "transport"
    }
}
