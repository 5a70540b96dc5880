//! One user reference for every shape the APIs use.

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
