//! The Redis connection every Redis-backed store shares (feature `redis`):
//! its URL (`redis://` or `rediss://`, TLS with rustls), credentials, key
//! prefix and timeout, and errors that never echo the URL.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};

use crate::store::StoreError;

mod tls;

/// Settings of a Redis-backed store before it connects: [`RedisStore`]'s
/// (the rate-limit buckets) or [`RedisReplayStore`]'s (the webhook replay
/// records).
///
/// The URL is `redis://[user][:password]@host[:port][/db]`, or `rediss://`
/// for TLS (`valkey://` and `valkeys://` too, in any case; plain
/// `redis://` only to this machine unless
/// [`allow_plaintext_remote`](Self::allow_plaintext_remote) says otherwise; no
/// `#fragment`) (rustls, verified against the system's trust roots, or the
/// certificates given to [`root_certificates_pem`](Self::root_certificates_pem)),
/// as managed Redis services hand it out: a password alone (`:password@`) or
/// an ACL user and password. Neither the URL nor the password ever appears in
/// `Debug` or an error.
///
/// Every key is `<prefix><store>:<name>`: one prefix per deployment
/// (default [`DEFAULT_PREFIX`](Self::DEFAULT_PREFIX)) keeps environments
/// sharing one Redis apart, and each store keeps its own keys under it
/// (`rate-limit:`, `webhook-replay:`).
///
/// [`RedisStore`]: crate::RedisStore
/// [`RedisReplayStore`]: crate::webhooks::RedisReplayStore
pub struct RedisStoreBuilder<S> {
    url: String,
    prefix: String,
    timeout: Duration,
    root_certificates: Option<Vec<u8>>,
    plaintext_remote: bool,
    store: PhantomData<fn() -> S>,
}

impl<S> Clone for RedisStoreBuilder<S> {
    fn clone(&self) -> Self {
        Self {
            url: self.url.clone(),
            prefix: self.prefix.clone(),
            timeout: self.timeout,
            root_certificates: self.root_certificates.clone(),
            plaintext_remote: self.plaintext_remote,
            store: PhantomData,
        }
    }
}

impl<S> fmt::Debug for RedisStoreBuilder<S> {
    // The URL may hold a password: never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field(
                "tls",
                &matches!(transport(&self.url), Ok((Transport::Tls, _))),
            )
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("root_certificates", &self.root_certificates.is_some())
            .finish_non_exhaustive()
    }
}

/// A store built on a Redis connection (internal: [`RedisStoreBuilder`]
/// builds one of these).
#[doc(hidden)]
pub trait RedisBacked: Sized {
    /// The store's part of every key, after the deployment prefix.
    const NAMESPACE: &'static str;

    /// The store on a live connection (loading its scripts, if any).
    fn open(connection: RedisConnection) -> impl Future<Output = Result<Self, StoreError>> + Send;
}

impl<S: RedisBacked> RedisStoreBuilder<S> {
    /// The prefix every key of the store starts with. Default
    /// [`DEFAULT_PREFIX`](Self::DEFAULT_PREFIX).
    pub const DEFAULT_PREFIX: &'static str = "onlyfans-clients:";

    /// Default longest wait for a Redis answer, connecting included.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);

    pub(crate) fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
            root_certificates: None,
            plaintext_remote: false,
            store: PhantomData,
        }
    }

    /// The deployment's prefix of every key (default
    /// [`DEFAULT_PREFIX`](Self::DEFAULT_PREFIX)): give each environment or
    /// application sharing one Redis its own (`"agency-eu:prod:"`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Longest wait for an answer from Redis, connecting included (default
    /// 250 ms). Past it, the store's user goes on by its failure policy.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// For `rediss://`: trust these PEM certificates (a private CA, as some
    /// managed services use) instead of the system's trust roots.
    pub fn root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates = Some(pem.into());
        self
    }

    /// Allows plain `redis://` (or `valkey://`) to a host that is not this
    /// machine: the password and every record then cross the network
    /// unencrypted, readable and changeable on the way. Without it such a
    /// URL is refused (use `rediss://`); loopback hosts and Unix sockets
    /// need nothing. For a private network you trust, say so here.
    pub fn allow_plaintext_remote(mut self) -> Self {
        self.plaintext_remote = true;
        self
    }

    /// Connects now: an unreachable Redis, a refused password or a bad URL
    /// is an error here, not at the first call.
    pub async fn connect(self) -> Result<S, StoreError> {
        let (transport, url) = self.checked()?;
        let link = match transport {
            Transport::Tls => {
                let pem = self.root_certificates.as_deref();
                let link = tls::TlsLink::new(url, pem, self.timeout)?;
                tokio::time::timeout(self.timeout, link.connection())
                    .await
                    .map_err(|_| StoreError::new("cannot connect: timed out"))?
                    .map_err(|e| redis_error("cannot connect", &e))?;
                Link::Tls(Arc::new(link))
            }
            _ => Link::Manager(self.manager(url).await?),
        };
        S::open(RedisConnection {
            link,
            prefix: format!("{}{}", self.prefix, S::NAMESPACE).into(),
            timeout: self.timeout,
        })
        .await
    }

    /// redis-rs's connection manager, for plain TCP and Unix sockets: it
    /// reconnects on its own.
    async fn manager(&self, url: url::Url) -> Result<ConnectionManager, StoreError> {
        let client = redis::Client::open(url.as_str())
            .map_err(|e| StoreError::new(format!("invalid Redis URL: {}", kind_description(&e))))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // Reconnecting is retried by later calls: a short attempt here
            // keeps a call from waiting on a long backoff.
            .set_number_of_retries(1)
            .set_max_delay(self.timeout);
        ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| redis_error("cannot connect", &e))
    }

    /// The URL's transport, refused when it is plain to another machine
    /// (unless allowed) or given roots without TLS.
    fn checked(&self) -> Result<(Transport, url::Url), StoreError> {
        let (transport, url) = transport(&self.url)?;
        match &transport {
            Transport::Plain { host } if !self.plaintext_remote && !is_loopback(host) => {
                Err(StoreError::new(format!(
                    "plain `redis://` to `{host}` would send the password and every record \
                     unencrypted: use `rediss://`, or `allow_plaintext_remote()` on a network you trust"
                )))
            }
            Transport::Plain { .. } | Transport::Local if self.root_certificates.is_some() => Err(
                StoreError::new("root certificates are given but the URL is not `rediss://`"),
            ),
            _ => Ok((transport, url)),
        }
    }
}

/// How a URL reaches Redis.
#[derive(Debug, PartialEq, Eq)]
enum Transport {
    /// `rediss://`, `valkeys://`.
    Tls,
    /// `redis://`, `valkey://`, to this host.
    Plain { host: String },
    /// A Unix socket (`redis+unix://`, `valkey+unix://`, `unix://`).
    Local,
}

/// The URL's transport and the URL itself (its scheme in lower case, as
/// every part of this crate and redis-rs then read it alike). A fragment is
/// refused: redis-rs reads `#insecure` as "check no certificate". Errors
/// never show the URL.
fn transport(text: &str) -> Result<(Transport, url::Url), StoreError> {
    let url =
        url::Url::parse(text).map_err(|e| StoreError::new(format!("invalid Redis URL: {e}")))?;
    if url.fragment().is_some() {
        return Err(StoreError::new(
            "invalid Redis URL: a fragment (`#…`) is refused; TLS is set on the builder",
        ));
    }
    let transport = match url.scheme() {
        "rediss" | "valkeys" => Transport::Tls,
        "redis" | "valkey" => Transport::Plain {
            host: url.host_str().unwrap_or_default().to_owned(),
        },
        "redis+unix" | "valkey+unix" | "unix" => Transport::Local,
        _ => {
            return Err(StoreError::new(
                "invalid Redis URL: the scheme is not `redis`, `rediss`, `valkey`, `valkeys` or a Unix socket's",
            ));
        }
    };
    Ok((transport, url))
}

/// Whether `host` (as [`url::Url::host_str`] gives it) is this machine.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// A live connection with the store's key prefix and timeout (internal).
#[doc(hidden)]
#[derive(Clone)]
pub struct RedisConnection {
    link: Link,
    prefix: Arc<str>,
    timeout: Duration,
}

/// Where commands go.
#[derive(Clone)]
enum Link {
    /// Plain TCP or a Unix socket: redis-rs's manager.
    Manager(ConnectionManager),
    /// TLS set up by this crate (see `tls`).
    Tls(Arc<tls::TlsLink>),
}

/// The connection one command is sent on.
#[derive(Clone)]
pub(crate) enum Connection {
    Manager(ConnectionManager),
    Tls(redis::aio::MultiplexedConnection),
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(
        &'a mut self,
        command: &'a redis::Cmd,
    ) -> redis::RedisFuture<'a, redis::Value> {
        match self {
            Connection::Manager(connection) => connection.req_packed_command(command),
            Connection::Tls(connection) => connection.req_packed_command(command),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        match self {
            Connection::Manager(connection) => {
                connection.req_packed_commands(pipeline, offset, count)
            }
            Connection::Tls(connection) => connection.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Manager(connection) => connection.get_db(),
            Connection::Tls(connection) => connection.get_db(),
        }
    }
}

impl Link {
    async fn connection(&self) -> redis::RedisResult<Connection> {
        Ok(match self {
            Link::Manager(manager) => Connection::Manager(manager.clone()),
            Link::Tls(link) => Connection::Tls(link.connection().await?),
        })
    }

    /// A command found the connection dropped: the manager reconnects on
    /// its own; a TLS link makes a new one at the next command.
    fn dropped(&self) {
        if let Link::Tls(link) = self {
            link.forget();
        }
    }
}

impl fmt::Debug for RedisConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisConnection")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("tls", &matches!(self.link, Link::Tls(_)))
            .finish_non_exhaustive()
    }
}

impl RedisConnection {
    /// The store's key for `name`.
    pub(crate) fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Loads `script`, so that the first calls run it by hash at once (a
    /// Redis restart empties its cache: the first call after it reloads it).
    pub(crate) async fn load(&self, script: &redis::Script) -> Result<(), StoreError> {
        let load = async {
            let mut connection = self.link.connection().await?;
            script.load_async(&mut connection).await
        };
        tokio::time::timeout(self.timeout, load)
            .await
            .map_err(|_| StoreError::new("cannot load a script: no answer"))?
            .map_err(|e| redis_error("cannot load a script", &e))?;
        Ok(())
    }

    /// Sends `command` (a command or script invocation, run by `send`),
    /// within the timeout; `what` names it in errors.
    pub(crate) async fn run<T, F, Fut>(&self, what: &str, send: F) -> Result<T, StoreError>
    where
        F: Fn(Connection) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let attempts = async {
            match send(self.link.connection().await?).await {
                // The first command after Redis came back meets the old, dead
                // connection; the manager reconnects as it fails: once more.
                Err(error) if error.is_connection_dropped() || error.is_io_error() => {
                    self.link.dropped();
                    send(self.link.connection().await?).await
                }
                other => other,
            }
        };
        match tokio::time::timeout(self.timeout, attempts).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(redis_error(what, &error)),
            Err(_) => Err(StoreError::new(format!(
                "{what}: no answer within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }
}

/// A Redis error without what it might echo of the URL: its kind and code,
/// and for a failed connection the system's or TLS's reason (which names
/// neither host nor credentials: `invalid peer certificate: UnknownIssuer`).
fn redis_error(what: &str, error: &redis::RedisError) -> StoreError {
    let kind = kind_description(error);
    let detail = match (error.code(), io_reason(error)) {
        (Some(code), _) => format!("{kind} ({code})"),
        (None, Some(reason)) => format!("{kind}: {reason}"),
        (None, None) => kind.to_owned(),
    };
    StoreError::new(format!("{what}: {detail}"))
}

/// The system's or rustls's reason of an I/O failure (the only source an
/// I/O error has), for no other kind of error.
fn io_reason(error: &redis::RedisError) -> Option<String> {
    let io = error.is_io_error() || error.is_connection_refusal() || error.is_connection_dropped();
    io.then(|| std::error::Error::source(error).map(ToString::to_string))
        .flatten()
}

fn kind_description(error: &redis::RedisError) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connection_refusal() {
        "connection refused"
    } else if error.is_connection_dropped() || error.is_io_error() {
        "connection lost"
    } else {
        match error.kind() {
            redis::ErrorKind::Server(_) => "server error",
            redis::ErrorKind::InvalidClientConfig => "invalid client configuration",
            redis::ErrorKind::AuthenticationFailed => "authentication failed",
            redis::ErrorKind::UnexpectedReturnType => "unexpected reply",
            _ => "client error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transports_are_read_in_any_case_and_fragments_refused() {
        let of = |url: &str| transport(url).map(|(transport, _)| transport);
        for tls in ["rediss://h:6380", "REDISS://h", "Valkeys://u:p@h/0"] {
            assert_eq!(of(tls), Ok(Transport::Tls), "{tls}");
        }
        assert_eq!(
            of("ReDiS://:pw@Cache.Example.COM:6379"),
            Ok(Transport::Plain {
                host: "Cache.Example.COM".into()
            })
        );
        assert_eq!(of("redis+unix:///run/redis.sock"), Ok(Transport::Local));
        for bad in [
            "rediss://h#insecure",
            "rediss://:s3cret@h/#insecure",
            "redis://h#",
            "http://h",
            "not a url s3cret",
        ] {
            let error = of(bad).unwrap_err().to_string();
            assert!(
                !error.contains("s3cret") && !error.contains("//h"),
                "{error}"
            );
        }
        for host in ["127.0.0.1", "127.8.9.10", "[::1]", "localhost", "LOCALHOST"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["10.0.0.1", "localhost.example.com", "[::2]", "0.0.0.0", ""] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    /// `rediss://` never installs a process-wide crypto provider (nor does
    /// redis-rs for it): the application's choice, or none, stays. The
    /// server here takes the connection and closes it mid-handshake.
    #[tokio::test]
    async fn tls_leaves_the_process_crypto_provider_alone() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                drop(socket);
            }
        });
        for url in [
            format!("rediss://:s3cret@127.0.0.1:{port}"),
            format!("VALKEYS://localhost:{port}/1"),
        ] {
            let error = crate::webhooks::RedisReplayStore::connect(&url)
                .await
                .unwrap_err()
                .to_string();
            assert!(error.starts_with("cannot connect"), "{error}");
            assert!(!error.contains("s3cret"), "{error}");
        }
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    }
}
