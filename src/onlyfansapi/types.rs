//! The facade's OnlyFansAPI types.

use super::raw::types as raw;
use crate::UserRef;

/// A chat message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: u64,
    /// HTML text (may be empty for media-only messages).
    pub text: String,
    pub from_user: Option<UserRef>,
    /// Media objects as the API sends them (the spec does not describe them).
    pub media: Vec<serde_json::Value>,
    pub media_count: u64,
    pub is_media_ready: bool,
    pub previews: Vec<serde_json::Value>,
    /// Price as the API states it (0 for free messages).
    pub price: Option<i64>,
    pub is_free: bool,
    pub is_tip: bool,
    pub is_opened: bool,
    pub is_new: bool,
    pub is_liked: bool,
    pub is_pinned: bool,
    pub is_sent_by_me: bool,
    pub is_from_queue: bool,
    pub locked_text: bool,
    pub can_purchase: bool,
    pub can_purchase_reason: Option<String>,
    pub queue_id: Option<u64>,
    pub response_type: Option<String>,
    pub giphy_id: Option<String>,
    pub created_at: Option<String>,
    pub changed_at: Option<String>,
}

/// `_meta` of a response: credits, cache and rate limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Credits this call cost.
    pub credits_used: Option<i64>,
    /// Credits left on the account.
    pub credits_balance: Option<i64>,
    /// Whether the response came from OnlyFansAPI's cache.
    pub cached: Option<bool>,
    pub rate_limits: Option<RateLimits>,
}

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

/// `_meta._rate_limits`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimits {
    pub limit_minute: Option<i64>,
    pub limit_day: Option<i64>,
    pub remaining_minute: Option<i64>,
    pub remaining_day: Option<i64>,
}

pub(crate) fn message(raw: raw::Message) -> Message {
    let flag = |v: Option<bool>| v.unwrap_or(false);
    Message {
        id: raw.id,
        text: raw.text.unwrap_or_default(),
        from_user: raw.from_user,
        media: raw.media.unwrap_or_default(),
        media_count: raw.media_count.unwrap_or(0),
        is_media_ready: flag(raw.is_media_ready),
        previews: raw.previews.unwrap_or_default(),
        price: raw.price,
        is_free: flag(raw.is_free),
        is_tip: flag(raw.is_tip),
        is_opened: flag(raw.is_opened),
        is_new: flag(raw.is_new),
        is_liked: flag(raw.is_liked),
        is_pinned: flag(raw.is_pinned),
        is_sent_by_me: flag(raw.is_sent_by_me),
        is_from_queue: flag(raw.is_from_queue),
        locked_text: flag(raw.locked_text),
        can_purchase: flag(raw.can_purchase),
        can_purchase_reason: raw.can_purchase_reason,
        queue_id: raw.queue_id,
        response_type: raw.response_type,
        giphy_id: raw.giphy_id,
        created_at: raw.created_at,
        changed_at: raw.changed_at,
    }
}

pub(crate) fn meta(raw: Option<raw::Meta>) -> Meta {
    let Some(raw) = raw else {
        return Meta::default();
    };
    let credits = raw.credits.unwrap_or_default();
    Meta {
        credits_used: credits.used,
        credits_balance: credits.balance,
        cached: raw.cache.and_then(|c| c.is_cached),
        rate_limits: raw.rate_limits.map(|r| RateLimits {
            limit_minute: r.limit_minute,
            limit_day: r.limit_day,
            remaining_minute: r.remaining_minute,
            remaining_day: r.remaining_day,
        }),
    }
}
