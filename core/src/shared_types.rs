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

/// A value from a set the vendor documents but may extend: one of the known
/// values `E` (a generated enum), or the text of a value the crate does not
/// know yet. Response fields with a documented set of values have this type,
/// so a value the vendor adds tomorrow is data, not a decode error.
///
/// It reads and writes the plain string the API sends.
///
/// ```
/// use onlyfans_clients::Open;
///
/// #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
/// #[serde(rename_all = "snake_case")]
/// enum Status { Active, Expired }
///
/// let known: Open<Status> = serde_json::from_str(r#""active""#).unwrap();
/// assert_eq!(known, Status::Active);
/// let new: Open<Status> = serde_json::from_str(r#""paused""#).unwrap();
/// assert_eq!(new.other(), Some("paused"));
/// assert_eq!(serde_json::to_string(&new).unwrap(), r#""paused""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open<E> {
    /// A value the vendor documents.
    Known(E),
    /// A value the vendor did not document when the crate was generated, as
    /// received.
    Other(String),
}

impl<E> Open<E> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&E> {
        match self {
            Self::Known(value) => Some(value),
            Self::Other(_) => None,
        }
    }

    /// The text of a value the crate does not know, if it is one.
    pub fn other(&self) -> Option<&str> {
        match self {
            Self::Known(_) => None,
            Self::Other(text) => Some(text),
        }
    }
}

impl<E> From<E> for Open<E> {
    fn from(value: E) -> Self {
        Self::Known(value)
    }
}

impl<E: PartialEq> PartialEq<E> for Open<E> {
    fn eq(&self, other: &E) -> bool {
        self.known() == Some(other)
    }
}

/// Compares the text on the wire: `status == *"active"` whether the value is
/// known or not.
impl<E: std::fmt::Display> PartialEq<str> for Open<E> {
    fn eq(&self, other: &str) -> bool {
        match self {
            Self::Known(value) => value.to_string() == other,
            Self::Other(text) => text == other,
        }
    }
}

impl<E: std::fmt::Display> std::fmt::Display for Open<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Known(value) => value.fmt(f),
            Self::Other(text) => f.write_str(text),
        }
    }
}

impl<E: serde::Serialize> serde::Serialize for Open<E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(value) => value.serialize(serializer),
            Self::Other(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de, E: serde::de::DeserializeOwned> serde::Deserialize<'de> for Open<E> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::IntoDeserializer;
        let text = String::deserialize(deserializer)?;
        let known = E::deserialize(
            IntoDeserializer::<serde::de::value::Error>::into_deserializer(text.as_str()),
        );
        Ok(match known {
            Ok(value) => Self::Known(value),
            Err(_) => Self::Other(text),
        })
    }
}

#[cfg(test)]
mod open_tests {
    use super::Open;

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Status {
        Active,
        AwaitingTwoFactor,
    }

    impl std::fmt::Display for Status {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(match self {
                Status::Active => "active",
                Status::AwaitingTwoFactor => "awaiting_two_factor",
            })
        }
    }

    #[test]
    fn known_and_new_values_compare_and_print_as_on_the_wire() {
        let known: Open<Status> = serde_json::from_str(r#""awaiting_two_factor""#).unwrap();
        assert_eq!(known, Status::AwaitingTwoFactor);
        assert!(known == *"awaiting_two_factor");
        assert_eq!(known.to_string(), "awaiting_two_factor");
        let new: Open<Status> = serde_json::from_str(r#""paused""#).unwrap();
        assert!(new == *"paused" && new != Status::Active);
        assert_eq!(new.to_string(), "paused");
        assert_eq!(serde_json::to_value(&known).unwrap(), "awaiting_two_factor");
        // Not a string at all is not a value of the set.
        assert!(serde_json::from_str::<Open<Status>>("3").is_err());
    }
}
