use reqwest::header::HeaderName;

use onlyfans_clients_core::Error;
use onlyfans_clients_core::transport::Secret;
use onlyfans_clients_core::transport::auth::{Credentials, header_value};
use onlyfans_clients_core::transport::config::{
    ClientConfig, Core, client_builder_methods, facade_client_methods,
};

const API_KEY_HEADER: &str = "apikey";
const CONNECTION_HEADER: &str = "x-connection-id";

/// An OFAuth client. Cheap to clone; clones share connections and settings.
#[derive(Clone, Debug)]
pub struct Client {
    core: Core,
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    config: ClientConfig,
    connection_id: Option<Secret>,
}

impl ClientBuilder {
    client_builder_methods!();

    /// The connection (linked OnlyFans account) calls act for, sent as
    /// `x-connection-id`; required by most endpoints. For another connection,
    /// [`Client::for_connection`].
    pub fn connection_id(mut self, id: impl Into<String>) -> Self {
        self.connection_id = Some(Secret::new(id.into()));
        self
    }

    /// Checks the settings and builds the client. Fails, naming the setting,
    /// on a missing API key, a non-https base URL or a header value with CR/LF.
    pub fn build(self) -> Result<Client, Error> {
        let key = header_value(
            "api_key",
            self.config.api_key("OFAUTH_API_KEY")?.expose(),
            true,
        )?;
        let mut headers = vec![(HeaderName::from_static(API_KEY_HEADER), key)];
        if let Some(id) = &self.connection_id {
            let value = header_value("connection_id", id.expose(), true)?;
            headers.push((HeaderName::from_static(CONNECTION_HEADER), value));
        }
        let core = self.config.build(
            "ofauth",
            crate::SERVER_URL,
            Credentials::new(headers).settable_per_call(HeaderName::from_static(CONNECTION_HEADER)),
        )?;
        Ok(Client::from_core(core))
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `OFAUTH_API_KEY` and, when set, `OFAUTH_CONNECTION_ID`
    /// (and `OFAUTH_BASE_URL`, for proxies and mocks).
    pub fn from_env() -> Result<Client, Error> {
        let mut builder = Self::builder();
        if let Ok(key) = std::env::var("OFAUTH_API_KEY") {
            builder = builder.api_key(key);
        }
        if let Ok(id) = std::env::var("OFAUTH_CONNECTION_ID") {
            builder = builder.connection_id(id);
        }
        if let Ok(url) = std::env::var("OFAUTH_BASE_URL") {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    facade_client_methods!(super::raw::Client);

    /// The same client acting for another connection (`x-connection-id`):
    /// it shares this one's connection pool, settings and rate limiter, and
    /// its rate budget is that connection's own. Fails, naming
    /// `connection_id`, on an id with CR/LF.
    ///
    /// ```no_run
    /// # async fn run(of: onlyfans_clients::ofauth::Client) -> Result<(), onlyfans_clients::Error> {
    /// let other = of.for_connection("conn_456")?;
    /// let chats = other.messages().list_chats().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn for_connection(&self, id: impl Into<String>) -> Result<Client, Error> {
        let header = connection_header(&id.into())?;
        Ok(Client::from_core(self.core.with_headers(vec![header])))
    }
}

/// The `x-connection-id` header of a connection other than the client's.
pub(crate) fn connection_header(
    id: &str,
) -> Result<(HeaderName, reqwest::header::HeaderValue), Error> {
    Ok((
        HeaderName::from_static(CONNECTION_HEADER),
        header_value("connection_id", id, true)?,
    ))
}
