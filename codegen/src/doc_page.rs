//! API documentation pages (kept as `specs/<api>/source-page.md`): markdown with the
//! operation's OpenAPI description inside a ```` ````yaml URL METHOD PATH ```` fence.

/// The OpenAPI fragment of a documentation page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSpec {
    /// The upstream spec URL named on the fence line.
    pub source_url: String,
    /// The operation the page documents (`get`, `/v2/access/chats`).
    pub method: String,
    pub path: String,
    /// The fenced YAML, byte for byte, with a final newline.
    pub yaml: String,
}

/// Finds the fenced OpenAPI YAML in a documentation page.
pub fn extract(page: &str) -> Option<PageSpec> {
    let mut lines = page.split('\n');
    let header = lines.by_ref().find(|l| l.starts_with("````yaml "))?;
    let mut words = header.trim_start_matches("````yaml ").split_whitespace();
    let source_url = words.next()?.to_owned();
    let method = words.next().unwrap_or_default().to_lowercase();
    let path = words.next().unwrap_or_default().to_owned();
    let mut yaml = String::new();
    for line in lines {
        if line.starts_with("````") {
            return Some(PageSpec {
                source_url,
                method,
                path,
                yaml,
            });
        }
        yaml.push_str(line);
        yaml.push('\n');
    }
    None
}
