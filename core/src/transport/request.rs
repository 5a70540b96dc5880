//! One way to send a request, whatever built it: the generated per-operation
//! builders and the escape hatch ([`CustomRequest`]) both end in `Call`,
//! which adds the credentials, runs the retry loop and the rate limiter under
//! the call's deadline, refuses oversized bodies and maps every failure to the
//! crate's [`Error`].

use bytes::Bytes;
use progenitor_client::OperationInfo;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::config::Core;
pub use super::custom::CustomRequest;
use super::decode::{self, Misfit};
use super::headers::Reserved;
use super::paging::{Cursor, Paging};
use super::{CallSettings, RateLimitHeaders, Transport};
use crate::Error;
use crate::error::RequestInfo;

/// A successful response: the decoded body and what came with it.
///
/// It dereferences to the body, so `response.field` reads the data;
/// [`into_inner`](Response::into_inner) takes it.
///
/// A part of the body that did not fit its type (a price with cents where
/// the spec says integer) does not fail the call: that part is left empty
/// (an optional field `None`, an unusable item out of its list) and listed
/// in [`misfits`](Response::misfits) with the value received, and a warning
/// is logged. Build the client or the call with `.strict_decoding(true)` to
/// get [`Error::Decode`] instead.
#[derive(Debug, Clone)]
pub struct Response<T> {
    data: T,
    status: StatusCode,
    headers: HeaderMap,
    misfits: Vec<Misfit>,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.data
    }

    /// The decoded body, by reference.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's `X-RateLimit-*` headers.
    pub fn rate_limit(&self) -> RateLimitHeaders {
        RateLimitHeaders::from_headers(&self.headers)
    }

    /// The parts of the body that did not fit their type and were taken out,
    /// each with its JSON path, what the type expected and the value
    /// received; empty when the body fit.
    pub fn misfits(&self) -> &[Misfit] {
        &self.misfits
    }

    fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            data: f(self.data),
            status: self.status,
            headers: self.headers,
            misfits: self.misfits,
        }
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

/// A request ready to go: built by a request builder, sent by
/// [`send_json`](Call::send_json) and kin.
#[doc(hidden)]
pub struct Call {
    core: Core,
    request: RequestInfo,
    builder: reqwest::RequestBuilder,
    options: CallSettings,
    /// A page's cursor, applied to the built request's query.
    cursor: Option<(Paging, Cursor)>,
}

impl Call {
    /// A request for `path` (already encoded, relative to the base URL).
    #[doc(hidden)]
    pub fn new(
        core: &Core,
        request: RequestInfo,
        method: reqwest::Method,
        path: &str,
        mut options: CallSettings,
    ) -> Call {
        let url = format!("{}{path}", core.base_url);
        options.path_template = Some(request.path.clone());
        Call {
            builder: core.http.request(method, url),
            core: core.clone(),
            request,
            options,
            cursor: None,
        }
    }

    /// Which call this is.
    #[doc(hidden)]
    pub fn request(&self) -> &RequestInfo {
        &self.request
    }

    /// The same request for the page at `cursor` (`None`: the first page, as
    /// built).
    #[doc(hidden)]
    pub fn for_page(&self, paging: Paging, cursor: Option<&Cursor>) -> Result<Call, Error> {
        let builder = self.builder.try_clone().ok_or_else(|| {
            Error::invalid(
                "body",
                "a streamed body cannot be sent again for the next page",
            )
        })?;
        let mut request = self.request.clone();
        request.page = cursor.map(ToString::to_string);
        Ok(Call {
            core: self.core.clone(),
            request,
            builder,
            options: self.options.clone(),
            cursor: cursor.map(|c| (paging, c.clone())),
        })
    }

    /// A numeric query parameter as built (the first page's `offset`).
    #[doc(hidden)]
    pub fn query_number(&self, name: &str) -> Option<u64> {
        let built = self.builder.try_clone()?.build().ok()?;
        built
            .url()
            .query_pairs()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.parse().ok())
    }

    /// Adds one query parameter, encoded as the generated client encodes it.
    #[doc(hidden)]
    pub fn query<T: Serialize>(mut self, name: &str, value: &T) -> Call {
        self.builder = self
            .builder
            .query(&progenitor_client::QueryParam::new(name, value));
        self
    }

    /// Adds a header parameter the spec documents (`Idempotency-Key`).
    #[doc(hidden)]
    pub fn header(self, name: &'static str, value: &str) -> Result<Call, Error> {
        self.add_header(name, value, false)
    }

    /// Adds a header parameter that carries a credential: marked sensitive,
    /// so that no `Debug` of the request (reqwest's, hyper's) shows it.
    #[doc(hidden)]
    pub fn secret_header(self, name: &'static str, value: &str) -> Result<Call, Error> {
        self.add_header(name, value, true)
    }

    fn add_header(mut self, name: &'static str, value: &str, secret: bool) -> Result<Call, Error> {
        let reserved = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .ok()
            .and_then(|name| Reserved::of(&name));
        if let Some(reserved) = reserved {
            return Err(Error::invalid(name, reserved.describe()));
        }
        let value = super::auth::header_value(name, value, secret)?;
        self.builder = self.builder.header(name, value);
        Ok(self)
    }

    /// Sets a JSON body serialized already.
    pub(super) fn json_bytes(mut self, body: Vec<u8>) -> Call {
        self.builder = self
            .builder
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        self
    }

    /// Sets a JSON body (serialized now: a value that cannot be is refused here).
    #[doc(hidden)]
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Result<Call, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid("body", format!("cannot be serialized: {e}")))?;
        Ok(self.json_bytes(bytes))
    }

    /// Sets a form-encoded body.
    // Emitted for `application/x-www-form-urlencoded` bodies; today's specs have none.
    #[allow(dead_code)]
    #[doc(hidden)]
    pub fn form<T: Serialize>(mut self, body: &T) -> Result<Call, Error> {
        use progenitor_client::RequestBuilderExt;
        self.builder = self
            .builder
            .form_urlencoded(body)
            .map_err(|e: progenitor_client::Error<()>| Error::invalid("body", e.to_string()))?;
        Ok(self)
    }

    /// Sets a raw body (`application/octet-stream`).
    #[doc(hidden)]
    pub fn bytes(mut self, body: reqwest::Body) -> Call {
        self.builder = self
            .builder
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(body);
        self
    }

    /// Sets a `multipart/form-data` body. A form with a file streamed from
    /// disk cannot be replayed, so such a call is never retried.
    #[doc(hidden)]
    pub fn multipart(mut self, form: Form) -> Call {
        self.builder = self.builder.multipart(form.0);
        self
    }

    /// Sends and decodes a JSON response; a body that does not fit is an
    /// [`Error::Decode`] naming the JSON path.
    #[doc(hidden)]
    pub async fn send_json<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<Response<T>, Error> {
        let request = self.request.clone();
        let strict = self
            .options
            .strict_decoding
            .unwrap_or(self.core.strict_decoding);
        let on_misfits = self.core.on_misfits.clone();
        let response = self.execute().await?;
        // A success that is not a plain 200 may come without a body (the
        // vendors answer 201, 202 and 204 where their specs say 200): it
        // stands for the empty object when the type has one (every field
        // optional), so that a deletion that worked is not an error.
        let empty_success =
            response.status != StatusCode::OK && response.data.iter().all(u8::is_ascii_whitespace);
        let body = if empty_success {
            Bytes::from_static(b"{}")
        } else {
            response.data.clone()
        };
        // A large body that does not fit is repaired off the runtime's worker.
        let decoded =
            decode::decode_response::<T>(&request, body, response.data.clone(), strict).await?;
        if !decoded.misfits.is_empty() {
            tracing::warn!(
                operation = request.operation,
                path = %request.path,
                misfits = decoded.misfits.len(),
                first = %decoded.misfits[0],
                "response parts did not fit their type; taken out and kept in Response::misfits()"
            );
            if let Some(hook) = &on_misfits {
                (hook.0)(&request, &decoded.misfits);
            }
        }
        let mut response = response.map(|_| decoded.value);
        response.misfits = decoded.misfits;
        Ok(response)
    }

    /// Sends a request whose success has no body.
    #[doc(hidden)]
    pub async fn send_empty(self) -> Result<Response<()>, Error> {
        Ok(self.execute().await?.map(drop))
    }

    /// Sends a request whose success body is not JSON.
    #[doc(hidden)]
    pub async fn send_bytes(self) -> Result<Response<Bytes>, Error> {
        self.execute().await
    }

    /// Sends the request through the client's transport under the call's
    /// deadline (retries, rate limiter and body read included).
    async fn execute(self) -> Result<Response<Bytes>, Error> {
        let Call {
            core,
            request,
            builder,
            mut options,
            cursor,
        } = self;
        // A resumed list starts at the page its caller named.
        let start = options.start_query.take();
        let cursor = cursor.or_else(|| start.map(|q| (Paging::NextPage, Cursor::Query(q))));
        let transport = core.for_call(options);
        let mut built = builder
            .build()
            .map_err(|e| Error::invalid("request", e.without_url().to_string()))?;
        if let Some((paging, cursor)) = cursor {
            apply_cursor(built.url_mut(), paging, &cursor);
        }
        transport
            .within_deadline(&request, exchange(&core, &transport, &request, built))
            .await
    }
}

/// Points a request's query at the page `cursor` names.
fn apply_cursor(url: &mut reqwest::Url, paging: Paging, cursor: &Cursor) {
    let replace = |url: &mut reqwest::Url, name: &str, value: &str| {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(n, _)| n != name)
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair(name, value);
    };
    match (paging, cursor) {
        (Paging::Offset(name), Cursor::Offset(n)) => replace(url, name, &n.to_string()),
        (Paging::Marker(name) | Paging::LastId(name), Cursor::Marker(m)) => replace(url, name, m),
        (_, Cursor::Query(query)) => url.set_query(Some(query)),
        _ => {}
    }
}

async fn exchange(
    core: &Core,
    transport: &Transport,
    request: &RequestInfo,
    mut built: reqwest::Request,
) -> Result<Response<Bytes>, Error> {
    transport.prepare(&mut built);
    let info = OperationInfo {
        operation_id: request.operation,
    };
    let result = transport.execute(&core.http, built, &info, None).await;
    if let Some(refused) = transport.refusal(request) {
        return Err(refused);
    }
    let transport_error = |source: reqwest::Error| Error::Transport {
        request: Box::new(request.clone()),
        source: source.without_url(),
    };
    let mut response = result.map_err(transport_error)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(transport_error)?;
    if !status.is_success() {
        return Err(super::status_error(
            request.clone(),
            status,
            &headers,
            &body,
        ));
    }
    Ok(Response {
        data: body,
        status,
        headers,
        misfits: Vec::new(),
    })
}

/// A file for an upload's file part: bytes in memory, or a file on disk that
/// is streamed when the request is sent (never read into memory whole).
///
/// ```
/// use onlyfans_clients::FilePart;
/// let photo = FilePart::bytes(vec![0xFF, 0xD8, 0xFF]).file_name("photo.jpg").content_type("image/jpeg");
/// let video = FilePart::path("/tmp/clip.mp4"); // name from the path; type from the extension
/// # let _ = (photo, video);
/// ```
#[derive(Debug, Clone)]
pub struct FilePart {
    source: FileSource,
    file_name: Option<String>,
    content_type: Option<String>,
}

#[derive(Debug, Clone)]
enum FileSource {
    Bytes(Bytes),
    Path(std::path::PathBuf),
}

impl FilePart {
    /// A part from bytes in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> FilePart {
        FilePart {
            source: FileSource::Bytes(bytes.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A part streamed from a file when the request is sent; its file name
    /// defaults to the path's last component.
    pub fn path(path: impl Into<std::path::PathBuf>) -> FilePart {
        let path = path.into();
        let file_name = path.file_name().and_then(|n| n.to_str()).map(str::to_owned);
        FilePart {
            source: FileSource::Path(path),
            file_name,
            content_type: None,
        }
    }

    /// The file name sent with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> FilePart {
        self.file_name = Some(name.into());
        self
    }

    /// The part's content type (`image/jpeg`); default: guessed from the file
    /// name's extension, else `application/octet-stream`.
    pub fn content_type(mut self, mime: impl Into<String>) -> FilePart {
        self.content_type = Some(mime.into());
        self
    }

    fn into_part(self, field: &'static str) -> Result<reqwest::multipart::Part, Error> {
        let part = match self.source {
            FileSource::Bytes(bytes) => {
                let length = bytes.len() as u64;
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(bytes), length)
            }
            FileSource::Path(path) => {
                let file = std::fs::File::open(&path).map_err(|e| {
                    Error::invalid(field, format!("cannot open {}: {e}", path.display()))
                })?;
                let length = file.metadata().map(|m| m.len()).ok();
                let body = reqwest::Body::from(tokio::fs::File::from_std(file));
                match length {
                    Some(length) => reqwest::multipart::Part::stream_with_length(body, length),
                    None => reqwest::multipart::Part::stream(body),
                }
            }
        };
        let guessed = self
            .file_name
            .as_deref()
            .and_then(|name| mime_guess::from_path(name).first())
            .map(|mime| mime.to_string());
        let part = match self.file_name {
            Some(name) => part.file_name(name),
            None => part,
        };
        let mime = self.content_type.or(guessed);
        match mime {
            Some(mime) => part
                .mime_str(&mime)
                .map_err(|e| Error::invalid(field, format!("content type `{mime}`: {e}"))),
            None => Ok(part),
        }
    }
}

/// An upload form being built by a generated request builder.
#[doc(hidden)]
pub struct Form(reqwest::multipart::Form);

impl Default for Form {
    fn default() -> Self {
        Form(reqwest::multipart::Form::new())
    }
}

impl Form {
    #[doc(hidden)]
    pub fn text(self, name: &'static str, value: String) -> Form {
        Form(self.0.text(name, value))
    }

    #[doc(hidden)]
    pub fn file(self, name: &'static str, part: FilePart) -> Result<Form, Error> {
        Ok(Form(self.0.part(name, part.into_part(name)?)))
    }
}

/// A fresh idempotency key: 128 random bits (the operating system's
/// generator, through *ring*) as 32 hex digits.
#[doc(hidden)]
pub fn idempotency_key() -> Result<String, Error> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::invalid("Idempotency-Key", "no random bytes from the system"))?;
    Ok(crate::webhooks::encoding::hex_encode(&bytes))
}

/// One path segment from a caller's value: checked (not empty, not `.`/`..`,
/// no control characters) and percent-encoded, every byte but RFC 3986's
/// unreserved characters: `/`, `\` (a `/` to URL parsers), `%`, `?`, `#`,
/// `;` and non-ASCII look-alikes all reach the server as data of this one
/// segment.
#[doc(hidden)]
pub fn path_segment(parameter: &'static str, value: &str) -> Result<String, Error> {
    super::validate::path_segment(parameter, value)?;
    Ok(encode_segment(value))
}

/// `value` percent-encoded as one path segment (see [`path_segment`]).
#[doc(hidden)]
pub fn encode_segment(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            // Upper-case hex, as RFC 3986 asks producers to write it.
            encoded.push_str(&crate::webhooks::encoding::hex_encode(&[byte]).to_ascii_uppercase());
        }
    }
    encoded
}

/// Puts one body field in `body` (JSON) when it is set; a required one that
/// is not set is refused.
#[doc(hidden)]
pub fn field<T: Serialize>(
    body: &mut serde_json::Map<String, serde_json::Value>,
    name: &'static str,
    value: Option<T>,
    required: bool,
) -> Result<(), Error> {
    match value {
        Some(value) => {
            let value = serde_json::to_value(value)
                .map_err(|e| Error::invalid(name, format!("cannot be serialized: {e}")))?;
            body.insert(name.to_owned(), value);
            Ok(())
        }
        None if required => Err(missing(name)),
        None => Ok(()),
    }
}

/// A value the spec requires was not set.
#[doc(hidden)]
pub fn missing(parameter: &'static str) -> Error {
    Error::invalid(parameter, "is required")
}
