//! The rate-limit report OnlyFansAPI puts in every response body.

/// The calls left this minute, from a response body's
/// `_meta._rate_limits.remaining_minute`: the transport feeds it to the rate
/// limiter after every call of every operation. Reads only that path (the rest
/// of the body is skipped, not decoded); any other body is `None`.
pub(crate) fn remaining_minute(body: &[u8]) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(rename = "_meta")]
        meta: Option<BodyMeta>,
    }
    #[derive(serde::Deserialize)]
    struct BodyMeta {
        #[serde(rename = "_rate_limits")]
        rate_limits: Option<BodyRateLimits>,
    }
    #[derive(serde::Deserialize)]
    struct BodyRateLimits {
        remaining_minute: Option<serde_json::Number>,
    }
    let body: Body = serde_json::from_slice(body).ok()?;
    let remaining = body.meta?.rate_limits?.remaining_minute?;
    // Negative or fractional counts are read as what they mean for the bucket.
    remaining
        .as_u64()
        .or_else(|| remaining.as_f64().map(|f| f.max(0.0) as u64))
}
