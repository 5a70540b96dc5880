//! `rediss://` with this crate's own rustls configuration.
//!
//! redis-rs builds its TLS configuration with `ClientConfig::builder()`,
//! which takes the process's default crypto provider and installs one from
//! rustls's features when there is none (or panics when they name two): a
//! library must not decide that for its application. Here the *ring*
//! provider is handed to the configuration itself (as `transport::tls` does
//! for HTTP), the handshake is made with tokio-rustls, and redis-rs's
//! multiplexed connection runs over the stream. A connection found dropped
//! is made again by the next command.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use rustls_platform_verifier::BuilderVerifierExt;

use crate::store::StoreError;

/// TLS to one Redis server: where, how, and the connection in use.
pub(super) struct TlsLink {
    host: String,
    port: u16,
    connector: tokio_rustls::TlsConnector,
    /// Credentials and database, as redis-rs read them from the URL.
    info: redis::RedisConnectionInfo,
    timeout: Duration,
    current: Mutex<Option<MultiplexedConnection>>,
}

impl TlsLink {
    /// The link for `url` (its scheme `rediss` or `valkeys`), trusting `pem`
    /// or else the platform's roots; not connected yet.
    pub(super) fn new(
        mut url: url::Url,
        pem: Option<&[u8]>,
        timeout: Duration,
    ) -> Result<TlsLink, StoreError> {
        // redis-rs reads host, port, credentials and database; its own TLS
        // is never used, so it reads the URL as plain.
        url.set_scheme("redis")
            .map_err(|()| StoreError::new("invalid Redis URL"))?;
        let info = redis::IntoConnectionInfo::into_connection_info(url.as_str())
            .map_err(|e| super::redis_error("invalid Redis URL", &e))?;
        let redis::ConnectionAddr::Tcp(host, port) = info.addr() else {
            return Err(StoreError::new("invalid Redis URL: not a TCP address"));
        };
        Ok(TlsLink {
            host: host.clone(),
            port: *port,
            connector: tokio_rustls::TlsConnector::from(Arc::new(config(pem)?)),
            info: info.redis_settings().clone(),
            timeout,
            current: Mutex::new(None),
        })
    }

    /// The connection in use, or a new one.
    pub(super) async fn connection(&self) -> redis::RedisResult<MultiplexedConnection> {
        if let Some(connection) = crate::lock(&self.current).clone() {
            return Ok(connection);
        }
        let connection = self.connect().await?;
        *crate::lock(&self.current) = Some(connection.clone());
        Ok(connection)
    }

    /// Drops the connection in use (found dropped): the next command makes
    /// a new one.
    pub(super) fn forget(&self) {
        *crate::lock(&self.current) = None;
    }

    async fn connect(&self) -> redis::RedisResult<MultiplexedConnection> {
        let tcp = tokio::net::TcpStream::connect((self.host.as_str(), self.port)).await?;
        tcp.set_nodelay(true)?;
        let name = ServerName::try_from(self.host.clone()).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the host is not a TLS server name",
            )
        })?;
        let stream = self.connector.connect(name, tcp).await?;
        let config = redis::AsyncConnectionConfig::new().set_response_timeout(Some(self.timeout));
        let (connection, driver) =
            MultiplexedConnection::new_with_config(&self.info, stream, config).await?;
        tokio::spawn(driver);
        Ok(connection)
    }
}

/// The rustls configuration: *ring* handed to it (nothing installed
/// process-wide), TLS 1.2 and 1.3, the certificates in `pem` as the only
/// roots or else the platform's verifier.
fn config(pem: Option<&[u8]>) -> Result<rustls::ClientConfig, StoreError> {
    let failed = |e: rustls::Error| StoreError::new(format!("TLS cannot be set up: {e}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?;
    let Some(pem) = pem else {
        return Ok(builder
            .with_platform_verifier()
            .map_err(failed)?
            .with_no_client_auth());
    };
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(pem) {
        let certificate =
            certificate.map_err(|_| StoreError::new("root certificates: not PEM certificates"))?;
        roots
            .add(certificate)
            .map_err(|e| StoreError::new(format!("root certificates: {e}")))?;
    }
    if roots.is_empty() {
        return Err(StoreError::new("root certificates: the PEM holds none"));
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}
