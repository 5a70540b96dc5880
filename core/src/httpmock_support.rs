//! What the typed httpmock helpers generated for each API call (feature
//! `httpmock`). Not for users.

/// Matches query parameter `name` as the generated clients send `value`:
/// serialized the way they serialize it (a map becomes its pairs, a list one
/// pair per element, a union its inner value) and form-encoded, every pair
/// required. The typed httpmock helpers call this for each query parameter.
pub fn httpmock_query<T: serde::Serialize>(
    mut when: httpmock::When,
    name: &str,
    value: &T,
) -> httpmock::When {
    match serde_urlencoded::to_string(progenitor_client::QueryParam::new(name, value)) {
        Ok(encoded) => {
            for (key, value) in url::form_urlencoded::parse(encoded.as_bytes()) {
                when = when.query_param(key, value);
            }
            when
        }
        // The client could not send this value either: match nothing rather
        // than anything, so the test sees it.
        Err(error) => when.query_param(name, format!("<not encodable: {error}>")),
    }
}
