//! Handwritten types for shapes both APIs send in many places: the generator
//! uses them wherever a spec has their shape (`codegen/src/replacements.rs`).

/// A reference to an OnlyFans user, as messages and chats carry it.
///
/// OFAuth sends `fromUser` as either `{id, name}` or `{id, _view}` and `withUser`
/// as `{id, _view}`; OnlyFansAPI sends `{id, _view}`. All of them become this.
///
/// The generator uses this type for every component of that shape (an integer
/// `id`, `_view`, maybe `name`; `codegen/src/replacements.rs`), so every
/// operation's raw types carry it, not only the two handwritten calls.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct UserRef {
    /// The OnlyFans user id.
    pub id: u64,
    /// Display name, when the API sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The `_view` marker (which projection of the user was sent), when present.
    #[serde(rename = "_view", default, skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
}

/// Whether a message can be sent in a chat, as OFAuth's `canNotSendReason`
/// says it: `false`, `true` or a reason text.
///
/// Every `canNotSendReason` of that shape, in every operation, is this type
/// (`codegen/src/replacements.rs`).
///
/// ```
/// use onlyfans_clients::CanNotSendReason;
///
/// let reason: CanNotSendReason = serde_json::from_str(r#""Subscription expired""#).unwrap();
/// assert!(reason.blocks_sending());
/// assert_eq!(reason.reason(), Some("Subscription expired"));
/// let none: CanNotSendReason = serde_json::from_str("false").unwrap();
/// assert_eq!(none, CanNotSendReason::CanSend);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(from = "FlagOrText")]
pub enum CanNotSendReason {
    /// `false` (or an empty text): nothing stops sending.
    CanSend,
    /// `true`: sending is blocked; the API did not say why.
    Unspecified,
    /// Sending is blocked for this reason.
    Reason(String),
}

impl CanNotSendReason {
    /// Whether something stops sending.
    pub fn blocks_sending(&self) -> bool {
        !matches!(self, Self::CanSend)
    }

    /// The reason text, when the API gave one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Reason(text) => Some(text),
            _ => None,
        }
    }
}

/// The wire forms of [`CanNotSendReason`].
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum FlagOrText {
    Flag(bool),
    Text(String),
}

impl From<FlagOrText> for CanNotSendReason {
    fn from(wire: FlagOrText) -> Self {
        match wire {
            FlagOrText::Flag(false) => Self::CanSend,
            FlagOrText::Flag(true) => Self::Unspecified,
            FlagOrText::Text(text) if text.is_empty() => Self::CanSend,
            FlagOrText::Text(text) => Self::Reason(text),
        }
    }
}

impl serde::Serialize for CanNotSendReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::CanSend => serializer.serialize_bool(false),
            Self::Unspecified => serializer.serialize_bool(true),
            Self::Reason(text) => serializer.serialize_str(text),
        }
    }
}

/// What kind of media an item is. `Other` keeps a kind the API adds later,
/// so a new kind is data, not a decoding error.
///
/// Every media-kind string of the specs (a response string whose known values
/// are `photo`, `video`, `gif`, `audio`) is this type.
///
/// ```
/// use onlyfans_clients::MediaKind;
///
/// let kind: MediaKind = serde_json::from_str(r#""video""#).unwrap();
/// assert_eq!(kind, MediaKind::Video);
/// let new: MediaKind = serde_json::from_str(r#""hologram""#).unwrap();
/// assert_eq!(new.as_str(), "hologram");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(from = "String")]
pub enum MediaKind {
    Photo,
    Video,
    Gif,
    Audio,
    /// A kind this version of the crate does not know, as sent.
    Other(String),
}

impl MediaKind {
    /// The kind as the API names it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Photo => "photo",
            Self::Video => "video",
            Self::Gif => "gif",
            Self::Audio => "audio",
            Self::Other(kind) => kind,
        }
    }
}

impl From<String> for MediaKind {
    fn from(kind: String) -> Self {
        match kind.as_str() {
            "photo" => Self::Photo,
            "video" => Self::Video,
            "gif" => Self::Gif,
            "audio" => Self::Audio,
            _ => Self::Other(kind),
        }
    }
}

impl std::fmt::Display for MediaKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for MediaKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// An id that the APIs send as a number or as a string: OnlyFansAPI's list
/// ids are names for the built-in lists (`"recent"`, `"fans"`) and numbers
/// for a creator's own (`123`). It reads both and writes each back as it
/// came; `Display` gives the text a path parameter takes.
///
/// Every response `id` the specs type as a plain string is this type.
///
/// ```
/// use onlyfans_clients::Id;
///
/// let own: Id = serde_json::from_str("123").unwrap();
/// let built_in: Id = serde_json::from_str(r#""recent""#).unwrap();
/// assert_eq!(own.as_u64(), Some(123));
/// assert_eq!(built_in.to_string(), "recent");
/// assert_eq!(serde_json::to_string(&own).unwrap(), "123");
/// assert!(own == 123 && own == "123" && built_in == "recent");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(from = "NumberOrText")]
pub enum Id {
    /// Sent as a number.
    Number(u64),
    /// Sent as a string that is not a number.
    Text(String),
}

impl Id {
    /// The id as a number, when it was sent as one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(_) => None,
        }
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(text) => f.write_str(text),
        }
    }
}

impl From<u64> for Id {
    fn from(n: u64) -> Self {
        Self::Number(n)
    }
}

impl From<String> for Id {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Self {
        Self::from(text.to_owned())
    }
}

/// The wire forms of [`Id`].
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(u64),
    Text(String),
}

impl From<NumberOrText> for Id {
    fn from(wire: NumberOrText) -> Self {
        match wire {
            NumberOrText::Number(n) => Self::Number(n),
            NumberOrText::Text(text) => Self::Text(text),
        }
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => serializer.serialize_u64(*n),
            Self::Text(text) => serializer.serialize_str(text),
        }
    }
}

/// An id equals the text it is written as (`Id::Number(123) == "123"`).
impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        match self {
            Self::Number(n) => other.parse::<u64>().ok() == Some(*n) && !other.starts_with('+'),
            Self::Text(text) => text == other,
        }
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<u64> for Id {
    fn eq(&self, other: &u64) -> bool {
        self.as_u64() == Some(*other)
    }
}
