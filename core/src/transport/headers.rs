//! Which headers a call may carry besides what the transport sets itself.
//!
//! One policy for every way a header reaches a request: a request builder's
//! documented header parameter, the escape hatch's `.header(..)`, the request
//! hook, and the last look [`Transport::prepare`](super::Transport::prepare)
//! takes before sending. HTTP's own framing and routing headers are the
//! client's to set: `Host` chosen by a caller would send the credentials to
//! another tenant behind a shared CDN, `Content-Length` would cut the body, a
//! method override (`X-HTTP-Method-Override`, which Laravel and Symfony
//! honour) would turn a `POST` into a `DELETE` past every check made for the
//! method sent. Credentials are the client's too: a call cannot replace them,
//! nor add a second value beside them (the rate limiter buckets by the first).

use reqwest::header::HeaderName;

/// Why a header cannot be set by a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reserved {
    /// The message's framing: its length, encoding, connection.
    Framing,
    /// Where the request goes: its host, a proxy, a forwarded or rewritten URL.
    Routing,
    /// A method other than the one sent.
    MethodOverride,
    /// A credential of either API or of HTTP.
    Credential,
}

impl Reserved {
    /// Why `name` is reserved, if it is (header names are lower case).
    pub(crate) fn of(name: &HeaderName) -> Option<Reserved> {
        let name = name.as_str();
        if is_credential(name) {
            Some(Reserved::Credential)
        } else if matches!(
            name,
            "content-length"
                | "transfer-encoding"
                | "connection"
                | "keep-alive"
                | "te"
                | "trailer"
                | "upgrade"
                | "expect"
        ) {
            Some(Reserved::Framing)
        } else if name.starts_with("proxy-")
            || matches!(
                name,
                "host"
                    | "forwarded"
                    | "via"
                    | "x-forwarded-host"
                    | "x-forwarded-server"
                    | "x-forwarded-proto"
                    | "x-forwarded-prefix"
                    | "x-forwarded-port"
                    | "x-host"
                    | "x-original-url"
                    | "x-rewrite-url"
                    | "x-original-host"
            )
        {
            Some(Reserved::Routing)
        } else if matches!(
            name,
            "x-http-method-override" | "x-http-method" | "x-method-override"
        ) {
            Some(Reserved::MethodOverride)
        } else {
            None
        }
    }

    /// What the refusal says about the header.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Reserved::Framing => "frames the message: the client sets it from the request",
            Reserved::Routing => "routes the request: the client sends it to the API's own host",
            Reserved::MethodOverride => {
                "overrides the method: call `request(..)` with the method you mean"
            }
            Reserved::Credential => "is a credential: the client sets it",
        }
    }
}

/// Headers that carry credentials in either API or in HTTP itself: the
/// API keys, HTTP's authorization and cookies, and the OnlyFans session's
/// `x-bc` (with its cookie, the whole account). OFAuth's connection id names
/// the account acted for: a scoped client sets it (`for_connection`), a
/// call's own headers do not.
pub fn is_credential(name: &str) -> bool {
    matches!(
        name,
        "authorization"
            | "proxy-authorization"
            | "cookie"
            | "cookie2"
            | "apikey"
            | "x-api-key"
            | "x-bc"
            | "x-connection-id"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reserved(name: &str) -> Option<Reserved> {
        Reserved::of(&HeaderName::from_bytes(name.as_bytes()).expect("a header name"))
    }

    #[test]
    fn framing_routing_overrides_and_credentials_are_reserved_in_any_case() {
        for (name, why) in [
            ("Host", Reserved::Routing),
            ("Content-Length", Reserved::Framing),
            ("Transfer-Encoding", Reserved::Framing),
            ("Connection", Reserved::Framing),
            ("TE", Reserved::Framing),
            ("Upgrade", Reserved::Framing),
            ("Proxy-Connection", Reserved::Routing),
            ("Proxy-Anything", Reserved::Routing),
            ("Proxy-Authorization", Reserved::Credential),
            ("X-Forwarded-Host", Reserved::Routing),
            ("Forwarded", Reserved::Routing),
            ("X-HTTP-Method-Override", Reserved::MethodOverride),
            ("X-Method-Override", Reserved::MethodOverride),
            ("Authorization", Reserved::Credential),
            ("APIKEY", Reserved::Credential),
            ("x-bc", Reserved::Credential),
            ("X-Connection-Id", Reserved::Credential),
            ("Cookie", Reserved::Credential),
        ] {
            assert_eq!(reserved(name), Some(why), "{name}");
        }
        for name in [
            "traceparent",
            "x-agency-operation",
            "idempotency-key",
            "accept",
        ] {
            assert_eq!(reserved(name), None, "{name}");
        }
    }
}
