//! The facade's OFAuth types: what callers read. Built from the generated
//! (deliberately tolerant) types, with defaults where a missing value has an
//! obvious meaning (no media → empty list, no flag → `false`).

use super::raw::types as raw;
use crate::UserRef;

/// A chat with one fan, as the chats list returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chat {
    /// The fan on the other side of the chat.
    pub with_user: UserRef,
    /// The latest message, when the chat has one.
    pub last_message: Option<Message>,
    pub can_send_message: bool,
    /// Why no message can be sent, when one cannot.
    pub can_not_send_reason: Option<CanNotSendReason>,
    pub can_go_to_profile: bool,
    pub unread_messages_count: u64,
    pub has_unread_tips: bool,
    pub is_muted_notifications: bool,
    pub last_read_message_id: Option<u64>,
    pub has_purchased_feed: bool,
    pub count_pinned_messages: u64,
}

/// OFAuth's `canNotSendReason`: `false` (nothing stops sending), `true` (a
/// reason exists but is not named) or a reason text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CanNotSendReason {
    /// Sending is blocked; the API did not say why.
    Unspecified,
    /// Sending is blocked for this reason.
    Reason(String),
}

/// A chat message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: u64,
    /// HTML text (may be empty for media-only messages).
    pub text: String,
    pub from_user: Option<UserRef>,
    pub media: Vec<Media>,
    /// Ids of the media shown as free previews.
    pub previews: Vec<u64>,
    pub media_count: u64,
    pub is_media_ready: bool,
    pub is_free: bool,
    pub is_tip: bool,
    pub is_opened: bool,
    pub is_new: bool,
    pub is_liked: bool,
    pub is_pinned: bool,
    pub is_from_queue: bool,
    pub locked_text: bool,
    pub can_purchase: bool,
    pub can_purchase_reason: Option<String>,
    pub queue_id: Option<u64>,
    pub response_type: Option<String>,
    pub giphy_id: Option<String>,
    /// As the API sends it (ISO 8601), when it does.
    pub created_at: Option<String>,
    pub changed_at: Option<String>,
    /// The message this one replies to.
    pub reply_to_message: Option<Box<Message>>,
}

/// A media item attached to a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub id: u64,
    pub kind: MediaKind,
    pub can_view: bool,
    pub is_ready: bool,
    pub has_error: bool,
    pub converted_to_video: bool,
    pub has_custom_preview: bool,
    /// Seconds, for audio and video.
    pub duration: Option<f64>,
    pub created_at: Option<String>,
    pub files: MediaFiles,
}

/// What kind of media an item is; `Other` keeps values the API adds later.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Photo,
    Video,
    Gif,
    Audio,
    Other(String),
}

impl MediaKind {
    fn parse(value: Option<&str>) -> Self {
        match value {
            Some("photo") => Self::Photo,
            Some("video") => Self::Video,
            Some("gif") => Self::Gif,
            Some("audio") => Self::Audio,
            Some(other) => Self::Other(other.to_owned()),
            None => Self::Other(String::new()),
        }
    }
}

/// The renditions of a media item. URLs are signed and expire.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaFiles {
    pub full: Option<MediaFile>,
    pub thumb: Option<MediaFile>,
    pub preview: Option<MediaFile>,
    pub square_preview: Option<MediaFile>,
}

/// One rendition. `url` is `None` when the viewer may not see it (locked media).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaFile {
    pub url: Option<String>,
    pub width: Option<f64>,
    pub height: Option<f64>,
    pub size: Option<f64>,
}

/// Converts a generated chat; on a missing required value, returns the JSON
/// path (relative to `at`) that was missing.
pub(crate) fn chat(raw: raw::Chat, at: &str) -> Result<Chat, String> {
    let with_user = raw.with_user.ok_or_else(|| format!("{at}.withUser"))?;
    Ok(Chat {
        with_user,
        last_message: raw.last_message.map(|m| message(*m)),
        can_send_message: raw.can_send_message.unwrap_or(false),
        can_not_send_reason: match raw.can_not_send_reason {
            Some(raw::ChatCanNotSendReason::Boolean(true)) => Some(CanNotSendReason::Unspecified),
            Some(raw::ChatCanNotSendReason::String(reason)) if !reason.is_empty() => {
                Some(CanNotSendReason::Reason(reason))
            }
            _ => None,
        },
        can_go_to_profile: raw.can_go_to_profile.unwrap_or(false),
        unread_messages_count: raw.unread_messages_count.unwrap_or(0),
        has_unread_tips: raw.has_unread_tips.unwrap_or(false),
        is_muted_notifications: raw.is_muted_notifications.unwrap_or(false),
        last_read_message_id: raw.last_read_message_id,
        has_purchased_feed: raw.has_purchased_feed.unwrap_or(false),
        count_pinned_messages: raw.count_pinned_messages.unwrap_or(0),
    })
}

pub(crate) fn message(raw: raw::Message) -> Message {
    let flag = |v: Option<bool>| v.unwrap_or(false);
    Message {
        id: raw.id,
        text: raw.text.unwrap_or_default(),
        from_user: raw.from_user,
        media: raw
            .media
            .unwrap_or_default()
            .into_iter()
            .map(media)
            .collect(),
        previews: raw.previews.unwrap_or_default(),
        media_count: raw.media_count.unwrap_or(0),
        is_media_ready: flag(raw.is_media_ready),
        is_free: flag(raw.is_free),
        is_tip: flag(raw.is_tip),
        is_opened: flag(raw.is_opened),
        is_new: flag(raw.is_new),
        is_liked: flag(raw.is_liked),
        is_pinned: flag(raw.is_pinned),
        is_from_queue: flag(raw.is_from_queue),
        locked_text: flag(raw.locked_text),
        can_purchase: flag(raw.can_purchase),
        can_purchase_reason: raw.can_purchase_reason,
        queue_id: raw.queue_id,
        response_type: raw.response_type,
        giphy_id: raw.giphy_id,
        created_at: raw.created_at,
        changed_at: raw.changed_at,
        reply_to_message: raw.reply_to_message.map(|m| Box::new(message(*m))),
    }
}

fn media(raw: raw::MessageMedia) -> Media {
    let files = raw.files.unwrap_or_default();
    let file = |url, width, height, size| MediaFile {
        url,
        width,
        height,
        size,
    };
    Media {
        id: raw.id,
        kind: MediaKind::parse(raw.type_.as_deref()),
        can_view: raw.can_view.unwrap_or(false),
        is_ready: raw.is_ready.unwrap_or(false),
        has_error: raw.has_error.unwrap_or(false),
        converted_to_video: raw.converted_to_video.unwrap_or(false),
        has_custom_preview: raw.has_custom_preview.unwrap_or(false),
        duration: raw.duration,
        created_at: raw.created_at,
        files: MediaFiles {
            full: files.full.map(|f| file(f.url, f.width, f.height, f.size)),
            thumb: files.thumb.map(|f| file(f.url, f.width, f.height, f.size)),
            preview: files
                .preview
                .map(|f| file(f.url, f.width, f.height, f.size)),
            square_preview: files
                .square_preview
                .map(|f| file(f.url, f.width, f.height, f.size)),
        },
    }
}
