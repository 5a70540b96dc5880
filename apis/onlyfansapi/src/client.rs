use reqwest::header::{AUTHORIZATION, HeaderName};

use onlyfans_clients_core::Error;
use onlyfans_clients_core::transport::auth::{Credentials, header_value};
use onlyfans_clients_core::transport::config::{
    ClientConfig, Core, client_builder_methods, facade_client_methods,
};

/// An OnlyFansAPI client. Cheap to clone; clones share connections and settings.
#[derive(Clone, Debug)]
pub struct Client {
    core: Core,
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    config: ClientConfig,
}

impl ClientBuilder {
    client_builder_methods!();

    /// Refuse calls, without sending them, once the credit balance
    /// OnlyFansAPI last reported (`_meta._credits.balance`, in every answer)
    /// is below `credits`: [`Error::CreditsFloor`]. Shared through the
    /// [`rate_limit_store`](Self::rate_limit_store) like the rate, so the
    /// report one client hears stops every client of the fleet. A report is
    /// believed for 10 minutes; then one call goes out to learn whether the
    /// balance was topped up. Works with or without a
    /// [`rate_limit`](Self::rate_limit).
    ///
    /// ```
    /// use onlyfans_clients::{RateLimit, onlyfansapi};
    ///
    /// let client = onlyfansapi::Client::builder()
    ///     .api_key("ofapi_…")
    ///     .rate_limit(RateLimit::per_minute(1_000).and_per_day(50_000))
    ///     .credits_floor(10_000)
    ///     .build()?;
    /// # Ok::<(), onlyfans_clients::Error>(())
    /// ```
    pub fn credits_floor(mut self, credits: u64) -> Self {
        self.config.credits_floor = Some(credits);
        self
    }

    /// Checks the settings and builds the client. Fails, naming the setting,
    /// on a missing API key, a non-https base URL or a key with CR/LF.
    pub fn build(self) -> Result<Client, Error> {
        let key = self.config.api_key("ONLYFANSAPI_API_KEY")?;
        let bearer = header_value("api_key", &format!("Bearer {}", key.expose()), true)?;
        let headers: Vec<(HeaderName, _)> = vec![(AUTHORIZATION, bearer)];
        let mut config = self.config;
        config.body_report = Some(crate::rate_limits::body_report);
        let core = config.build("onlyfansapi", crate::SERVER_URL, Credentials::new(headers))?;
        Ok(Client::from_core(core))
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `ONLYFANSAPI_API_KEY` (and `ONLYFANSAPI_BASE_URL`, for
    /// proxies and mocks).
    pub fn from_env() -> Result<Client, Error> {
        let mut builder = Self::builder();
        if let Ok(key) = std::env::var("ONLYFANSAPI_API_KEY") {
            builder = builder.api_key(key);
        }
        if let Ok(url) = std::env::var("ONLYFANSAPI_BASE_URL") {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    facade_client_methods!(super::raw::Client);
}
