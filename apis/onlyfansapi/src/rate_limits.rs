//! The budget report OnlyFansAPI puts in every response body.

use onlyfans_clients_core::transport::BodyReport;

/// The calls left this minute and today, and the credit balance, from a
/// response body's `_meta._rate_limits.remaining_minute`, `.remaining_day`
/// and `_meta._credits.balance`: the transport feeds them to the rate limiter
/// after every call of every operation. Reads only those paths (the rest of
/// the body is skipped, not decoded); any other body reports nothing.
pub(crate) fn body_report(body: &[u8]) -> BodyReport {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(rename = "_meta")]
        meta: Option<BodyMeta>,
    }
    #[derive(serde::Deserialize)]
    struct BodyMeta {
        #[serde(rename = "_rate_limits")]
        rate_limits: Option<BodyRateLimits>,
        #[serde(rename = "_credits")]
        credits: Option<BodyCredits>,
    }
    #[derive(serde::Deserialize)]
    struct BodyRateLimits {
        remaining_minute: Option<serde_json::Value>,
        remaining_day: Option<serde_json::Value>,
    }
    #[derive(serde::Deserialize)]
    struct BodyCredits {
        balance: Option<serde_json::Value>,
    }
    let Ok(Body { meta: Some(meta) }) = serde_json::from_slice::<Body>(body) else {
        return BodyReport::default();
    };
    let (minute, day) = meta
        .rate_limits
        .map_or((None, None), |r| (r.remaining_minute, r.remaining_day));
    BodyReport {
        remaining_minute: minute.as_ref().and_then(count),
        remaining_day: day.as_ref().and_then(count),
        credits: meta
            .credits
            .and_then(|c| c.balance)
            .as_ref()
            .and_then(count),
    }
}

/// A reported count as what it means for the bucket: negative is none left,
/// a fraction rounds down (credits can be fractional), anything but a number
/// `None` (one odd field costs only itself).
fn count(value: &serde_json::Value) -> Option<u64> {
    let number = value.as_number()?;
    number.as_u64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.is_finite())
            .map(|f| f.max(0.0) as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_read_from_meta_and_nothing_else() {
        let body = br#"{"data":[1],"_meta":{"_credits":{"used":1,"balance":224891,"note":"Always"},"_rate_limits":{"limit_minute":1000,"limit_day":50000,"remaining_minute":999,"remaining_day":49984}}}"#;
        assert_eq!(
            body_report(body),
            BodyReport {
                remaining_minute: Some(999),
                remaining_day: Some(49984),
                credits: Some(224891),
            }
        );
        let odd = br#"{"_meta":{"_credits":{"balance":-3.5},"_rate_limits":{"remaining_minute":2.7,"remaining_day":"many"}}}"#;
        assert_eq!(
            body_report(odd),
            BodyReport {
                remaining_minute: Some(2),
                remaining_day: None,
                credits: Some(0),
            }
        );
        assert_eq!(body_report(b"not json"), BodyReport::default());
        assert_eq!(body_report(br#"{"_meta":null}"#), BodyReport::default());
    }
}
