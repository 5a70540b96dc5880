//! Fleets: webhook receivers in separate processes sharing replay protection
//! through one real redis-server, events queued by a receiver and decoded by
//! a worker process started later, and Redis as managed services run it
//! (TLS, an ACL user, a deployment's key prefix).
//!
//! The receiver and worker processes are this test binary run again with
//! one test selected (`fleet::receiver_process`, `fleet::worker_process`)
//! and its role in the environment; without it those tests return at once.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use onlyfans_clients::mock::{sign_ofauth_event, sign_ofauth_header_event};
use onlyfans_clients::ofauth::webhooks::{Event, SharedVerifier, Verifier};
use onlyfans_clients::webhooks::{
    Claim, RedisReplayStore, ReplayStore, ReplayStoreFailure, WebhookError,
};

use crate::support::redis::{RedisServer, free_port};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The child processes' role and settings.
const ROLE: &str = "ONLYFANS_TEST_FLEET_ROLE";
const REDIS_URL: &str = "ONLYFANS_TEST_FLEET_REDIS";
const POLICY: &str = "ONLYFANS_TEST_FLEET_POLICY";
/// The Redis list a receiver queues verified events on for the worker.
const QUEUE: &str = "fleet-test:queue";
/// The deployment prefix the fleet's stores use.
const PREFIX: &str = "fleet-test:";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn event_body(event_type: &str, connection: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "eventType": event_type,
        "live": true,
        "data": {
            "connection": {"id": connection, "platformUserId": "42", "status": "active",
                           "userData": {"username": "anna"}, "permissions": ["messages"]},
            "clientReferenceId": "ref-7",
            "addedByVendor": {"kept": "in the queued body, not in the typed event"}
        }
    }))
    .unwrap()
}

/// A receiver or worker process of this binary.
struct Process {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Process {
    fn start(role: &str, test: &str, envs: &[(&str, String)]) -> Process {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", test, "--test-threads", "1", "--nocapture"])
            .env(ROLE, role)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (name, value) in envs {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Process { child, stdout }
    }

    /// What follows `prefix` in the next line the process prints with it (the
    /// first line also holds the test harness's `test … ... `).
    fn line(&mut self, prefix: &str) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            let read = self.stdout.read_line(&mut line).unwrap();
            assert!(read > 0, "the process ended before printing `{prefix}`");
            if let Some(at) = line.find(prefix) {
                return line[at + prefix.len()..].trim_end().to_owned();
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A receiver process: its address.
fn receiver(redis: &RedisServer, policy: &str) -> (Process, String) {
    let mut process = Process::start(
        "receiver",
        "fleet::receiver_process",
        &[(REDIS_URL, redis.url()), (POLICY, policy.to_owned())],
    );
    let address = process.line("listening on ");
    (process, format!("http://{address}/webhooks/ofauth"))
}

/// What a receiver answered: the status and the error code, if any.
async fn deliver(
    client: &reqwest::Client,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
    fail: bool,
) -> (u16, String) {
    let mut request = client
        .post(url)
        .headers(headers.clone())
        .body(body.to_vec());
    if fail {
        request = request.header("x-test-handler", "fail");
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let answer: serde_json::Value = response.json().await.unwrap_or_default();
    (
        status,
        answer["code"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_receiver_processes_share_replay_protection_through_one_redis() {
    let mut redis = RedisServer::start();
    let (_a, a) = receiver(&redis, "refuse");
    let (_b, b) = receiver(&redis, "accept");
    // The crate installs no process-wide crypto provider (reqwest's own
    // `Client::new()` needs one): its builder brings *ring*.
    let client = onlyfans_clients::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let created = event_body("connection.created", "conn_1");

    // Handled by A: every receiver refuses the same message from then on,
    // acknowledging it (`200`) so that a vendor's redelivery stops.
    let signed = sign_ofauth_event(SECRET, "msg_1", now(), &created).unwrap();
    assert_eq!(
        deliver(&client, &a, &signed, &created, false).await,
        (204, String::new())
    );
    let duplicate = (200, "REPLAYED".to_owned());
    assert_eq!(
        deliver(&client, &b, &signed, &created, false).await,
        duplicate
    );
    assert_eq!(
        deliver(&client, &a, &signed, &created, false).await,
        duplicate
    );
    // The vendor's redelivery (same id, signed again later) too.
    let resigned = sign_ofauth_event(SECRET, "msg_1", now() + 1, &created).unwrap();
    assert_eq!(
        deliver(&client, &b, &resigned, &created, false).await,
        duplicate
    );

    // B's handler fails: the redelivery is accepted by A.
    let expired = event_body("connection.expired", "conn_2");
    let signed = sign_ofauth_event(SECRET, "msg_2", now(), &expired).unwrap();
    assert_eq!(deliver(&client, &b, &signed, &expired, true).await.0, 500);
    let redelivery = sign_ofauth_event(SECRET, "msg_2", now() + 5, &expired).unwrap();
    assert_eq!(
        deliver(&client, &a, &redelivery, &expired, false).await,
        (204, String::new())
    );
    assert_eq!(
        deliver(&client, &b, &redelivery, &expired, false).await,
        duplicate
    );

    // The same message at both at once: exactly one handles it.
    let mut handled = 0;
    for n in 0..10 {
        let id = format!("msg_race_{n}");
        let signed = sign_ofauth_event(SECRET, &id, now(), &created).unwrap();
        let (first, second) = tokio::join!(
            deliver(&client, &a, &signed, &created, false),
            deliver(&client, &b, &signed, &created, false)
        );
        let handled_now = (204, String::new());
        let other = match (first == handled_now, second == handled_now) {
            (true, false) => second,
            (false, true) => first,
            _ => panic!("{id}: {first:?} {second:?}"),
        };
        // The other: in flight (`409`, retried later) or, if the first was
        // quicker, handled (`200`).
        assert!(
            other == duplicate || other == (409, "REPLAYED".to_owned()),
            "{id}: {other:?}"
        );
        handled += 1;
    }
    assert_eq!(handled, 10);

    // A handled message is remembered for the signature's tolerance (5
    // minutes) plus the margin, not forever.
    let key = redis
        .command(&format!("KEYS {PREFIX}webhook-replay:*:id:msg_1"))
        .unwrap();
    let key = key.lines().nth(2).unwrap_or_else(|| panic!("{key}"));
    let ttl = redis.command(&format!("PTTL {key}")).unwrap();
    let ttl: i64 = ttl.trim().trim_start_matches(':').parse().unwrap();
    assert!((300_000..=362_000).contains(&ttl), "{ttl}");

    // The worker, a later process, decodes what the receivers queued.
    let mut worker = Process::start(
        "worker",
        "fleet::worker_process",
        &[(REDIS_URL, redis.url())],
    );
    let first = worker.line("event ");
    let second = worker.line("event ");
    assert!(first.starts_with("connection.created conn_1 "), "{first}");
    assert!(second.starts_with("connection.expired conn_2 "), "{second}");
    // The body queued as verified keeps what the generated types do not name.
    assert!(first.contains("addedByVendor"), "{first}");
    worker.line("done");

    // Redis gone: A refuses (the vendor redelivers later), B accepts and
    // logs; neither waits past its deadline.
    redis.kill();
    let signed = sign_ofauth_event(SECRET, "msg_3", now(), &created).unwrap();
    let started = Instant::now();
    assert_eq!(
        deliver(&client, &a, &signed, &created, false).await,
        (503, "REPLAY_STORE_UNAVAILABLE".to_owned())
    );
    assert_eq!(deliver(&client, &b, &signed, &created, false).await.0, 204);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Back (empty): sharing resumes.
    redis.restart();
    let signed = sign_ofauth_event(SECRET, "msg_4", now(), &created).unwrap();
    let mut answer = (0, String::new());
    for _ in 0..50 {
        answer = deliver(&client, &a, &signed, &created, false).await;
        if answer.0 == 204 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answer, (204, String::new()));
    assert_eq!(
        deliver(&client, &b, &signed, &created, false).await.1,
        "REPLAYED"
    );
}

/// Runs `work` when this process was started in `role` (see [`Process`]);
/// in the test binary's own run, nothing.
fn run_as(role: &str, work: impl std::future::Future<Output = ()>) {
    if std::env::var(ROLE).as_deref() == Ok(role) {
        tokio::runtime::Runtime::new().unwrap().block_on(work);
    }
}

/// A receiver: verifies with the shared store, queues the verified body for
/// the worker, commits; `x-test-handler: fail` makes its handling fail.
#[test]
fn receiver_process() {
    run_as("receiver", async {
        use axum::body::Bytes;
        use axum::extract::State;
        use axum::http::StatusCode;
        use axum::response::IntoResponse;

        let url = std::env::var(REDIS_URL).unwrap();
        let policy = match std::env::var(POLICY).as_deref() {
            Ok("accept") => ReplayStoreFailure::AcceptAndLog,
            _ => ReplayStoreFailure::Refuse,
        };
        let store = RedisReplayStore::builder(&url)
            .prefix(PREFIX)
            .connect()
            .await
            .unwrap();
        let verifier = Verifier::new(SECRET)
            .unwrap()
            .replay_store(store)
            .on_store_failure(policy);
        let queue = redis::Client::open(url.as_str()).unwrap();
        async fn receive(
            State((verifier, queue)): State<(SharedVerifier, redis::Client)>,
            headers: HeaderMap,
            body: Bytes,
        ) -> axum::response::Response {
            let delivery = match verifier.verify(&headers, &body).await {
                Ok(delivery) => delivery,
                Err(error) => {
                    let status = StatusCode::from_u16(error.status_code()).unwrap();
                    let code = serde_json::json!({ "code": error.code() }).to_string();
                    return (status, code).into_response();
                }
            };
            if headers.contains_key("x-test-handler") {
                delivery.release().await;
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            // Queued as verified, for a worker (when Redis is up).
            if delivery.is_recorded() {
                let mut connection = queue.get_multiplexed_async_connection().await.unwrap();
                let _: i64 = redis::cmd("RPUSH")
                    .arg(QUEUE)
                    .arg(&body[..])
                    .query_async(&mut connection)
                    .await
                    .unwrap();
            }
            match delivery.commit().await {
                Ok(_) => StatusCode::NO_CONTENT.into_response(),
                Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
            }
        }
        let app = axum::Router::new()
            .route("/webhooks/ofauth", axum::routing::post(receive))
            .with_state((verifier, queue));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("listening on {}", listener.local_addr().unwrap());
        axum::serve(listener, app).await.unwrap();
    });
}

/// A worker: decodes every queued event, long after its signature's
/// tolerance could matter, and prints it.
#[test]
fn worker_process() {
    run_as("worker", async {
        let client = redis::Client::open(std::env::var(REDIS_URL).unwrap()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        loop {
            let body: Option<Vec<u8>> = redis::cmd("LPOP")
                .arg(QUEUE)
                .query_async(&mut connection)
                .await
                .unwrap();
            let Some(body) = body else { break };
            let event = Event::decode(&body).unwrap();
            let connection_id = match &event {
                Event::ConnectionCreated(created) => created
                    .data
                    .as_ref()
                    .and_then(|d| d.connection.as_ref().and_then(|c| c.id.clone())),
                Event::ConnectionExpired(expired) => expired.data.as_ref().and_then(|d| {
                    let id = d.connection.get("id")?.as_str()?;
                    Some(id.to_owned())
                }),
                _ => None,
            };
            // The typed event travels too: serialized and read back, equal.
            let travelled: Event =
                serde_json::from_slice(&serde_json::to_vec(&event).unwrap()).unwrap();
            assert_eq!(travelled, event);
            println!(
                "event {} {} {}",
                event.event_type(),
                connection_id.unwrap_or_default(),
                String::from_utf8_lossy(&body)
            );
        }
        println!("done");
    });
}

/// A certificate authority and a server certificate for `localhost` and
/// `127.0.0.1` it signed, written to a directory of the test's own: the CA
/// in PEM, and the paths of the server's certificate, key and CA.
fn certificates(dir: &std::path::Path) -> (String, [String; 3]) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    std::fs::create_dir_all(dir).unwrap();
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let ca_issuer = rcgen::Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca_issuer)
        .unwrap();
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let ca_pem = ca.pem();
    let paths = [
        write("server.crt", server.pem()),
        write("server.key", server_key.serialize_pem()),
        write("ca.crt", ca_pem.clone()),
    ];
    (ca_pem, paths)
}

/// Managed Redis: `rediss://` with a private CA, an ACL user and password
/// from the URL, and the deployment's key prefix, for both stores; a wrong
/// password or an untrusted certificate is an error that shows neither the
/// password nor the URL.
#[tokio::test]
async fn managed_redis_over_tls_with_an_acl_user_and_a_key_prefix() {
    let dir = std::env::temp_dir().join(format!("onlyfans-clients-tls-{}", std::process::id()));
    let (ca_pem, [cert, key, ca]) = certificates(&dir);
    let tls_port = free_port();
    let redis = RedisServer::start_with(
        [
            "--tls-port",
            &tls_port.to_string(),
            "--tls-cert-file",
            &cert,
            "--tls-key-file",
            &key,
            "--tls-ca-cert-file",
            &ca,
            "--tls-auth-clients",
            "no",
            "--user",
            "agency",
            "on",
            ">s3cret-pass",
            "~*",
            "&*",
            "+@all",
        ]
        .map(str::to_owned)
        .to_vec(),
    );
    let url = format!("rediss://agency:s3cret-pass@localhost:{tls_port}");

    let store = RedisReplayStore::builder(&url)
        .prefix("agency-eu:prod:")
        .root_certificates_pem(ca_pem.clone())
        .connect()
        .await
        .unwrap();
    let keys = ["msg_tls".to_owned()];
    let minute = Duration::from_secs(60);
    let claimed = store
        .claim(&keys, "msg_tls", "token-1", minute, minute)
        .await;
    assert_eq!(claimed.unwrap(), Claim::Claimed);
    let claim_again = || store.claim(&keys, "msg_tls", "token-2", minute, minute);
    assert_eq!(claim_again().await.unwrap(), Claim::InFlight);
    store
        .commit(&keys, "msg_tls", "token-1", minute)
        .await
        .unwrap();
    assert_eq!(claim_again().await.unwrap(), Claim::Handled);
    // Over the plain port, as an operator would look: the deployment's prefix,
    // then the store's.
    assert_eq!(
        redis.command("GET agency-eu:prod:webhook-replay:msg_tls"),
        Some("$15\r\nhandled|msg_tls\r\n".to_owned())
    );
    assert!(format!("{store:?}").contains("agency-eu:prod:"));
    assert!(!format!("{store:?}").contains("s3cret"));

    // The rate-limit store on the same terms.
    let limits = onlyfans_clients::RedisStore::builder(&url)
        .prefix("agency-eu:prod:")
        .root_certificates_pem(ca_pem.clone())
        .connect()
        .await
        .unwrap();
    use onlyfans_clients::{RateLimit, RateLimitStore};
    let reservation = limits
        .reserve("bucket", RateLimit::per_minute(60), Duration::ZERO)
        .await
        .unwrap();
    assert!(reservation.taken);
    assert_eq!(
        redis.command("EXISTS agency-eu:prod:rate-limit:bucket"),
        Some(":1\r\n".to_owned())
    );

    // A wrong password, and a certificate nobody told the client to trust.
    let wrong = format!("rediss://agency:wrong-pass@localhost:{tls_port}");
    let error = RedisReplayStore::builder(&wrong)
        .root_certificates_pem(ca_pem.clone())
        .connect()
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("authentication failed"), "{error}");
    assert!(
        !error.contains("wrong-pass") && !error.contains("localhost"),
        "{error}"
    );
    let error = RedisReplayStore::connect(&url)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("cannot connect"), "{error}");
    assert!(error.contains("invalid peer certificate"), "{error}");
    assert!(!error.contains("s3cret"), "{error}");
    // The scheme in any case is TLS all the same (Valkey's too); a
    // fragment such as `#insecure` is refused, not read as "check nothing".
    for scheme in ["REDISS", "valkeys"] {
        let url = format!("{scheme}://agency:s3cret-pass@localhost:{tls_port}");
        let store = RedisReplayStore::builder(&url)
            .root_certificates_pem(ca_pem.clone())
            .connect()
            .await;
        assert!(store.is_ok(), "{scheme}: {store:?}");
    }
    let error = RedisReplayStore::connect(&format!("{url}/#insecure"))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("fragment"), "{error}");
    assert!(!error.contains("s3cret"), "{error}");
    // Plain Redis with TLS roots is a mistake said at once.
    let error = RedisReplayStore::builder(&redis.url())
        .root_certificates_pem("x")
        .connect()
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("not `rediss://`"), "{error}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A claim dropped uncommitted (the handler returned early) frees its key
/// in the background, so the sender's redelivery is accepted.
#[tokio::test]
async fn a_delivery_dropped_uncommitted_frees_its_message() {
    let redis = RedisServer::start();
    let store = RedisReplayStore::connect(&redis.url()).await.unwrap();
    let verifier = Verifier::new(SECRET).unwrap().replay_store(store);
    let body = event_body("connection.created", "conn_1");
    let signed = sign_ofauth_event(SECRET, "msg_drop", now(), &body).unwrap();
    let delivery = verifier.verify(&signed, &body).await.unwrap();
    assert!(delivery.is_recorded());
    assert!(matches!(
        verifier.verify(&signed, &body).await,
        Err(WebhookError::Replayed { .. })
    ));
    drop(delivery);
    let started = Instant::now();
    let accepted = loop {
        match verifier.verify(&signed, &body).await {
            Ok(delivery) => break delivery,
            Err(WebhookError::Replayed { .. }) => {
                assert!(started.elapsed() < Duration::from_secs(5), "never freed");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(other) => panic!("{other}"),
        }
    };
    let event = accepted.commit().await.unwrap();
    assert_eq!(event.event_type(), "connection.created");
    assert!(matches!(
        verifier.verify(&signed, &body).await,
        Err(WebhookError::Replayed { .. })
    ));
}

/// A verifier of the fleet on this Redis, for `secret`.
async fn shared(redis: &RedisServer, secret: &str) -> SharedVerifier {
    let store = RedisReplayStore::connect(&redis.url()).await.unwrap();
    Verifier::new(secret).unwrap().replay_store(store)
}

fn replayed(answer: Result<impl std::fmt::Debug, WebhookError>, handled: bool) -> bool {
    matches!(answer, Err(WebhookError::Replayed { handled: h, .. }) if h == handled)
}

/// Issue 39, 4: a delivery signed both ways and handled by one receiver is
/// refused by another with both signatures, with either stripped, and
/// re-signed by the sender; a redelivery arriving while the first is
/// handled joins its claim, so that its `OFAuth-Signature` alone is refused
/// once the first is committed.
#[tokio::test]
async fn a_replay_is_a_replay_whichever_signature_it_carries_across_the_fleet() {
    let redis = RedisServer::start();
    let (a, b) = (shared(&redis, SECRET).await, shared(&redis, SECRET).await);
    let body = event_body("connection.created", "conn_1");
    let t = now();
    let signed = |id: &str, t: i64| {
        let svix = sign_ofauth_event(SECRET, id, t, &body).unwrap();
        let header = sign_ofauth_header_event(SECRET, t, &body).unwrap();
        let mut both = svix.clone();
        both.extend(header.clone());
        [both, svix, header]
    };
    let [both, svix, header] = signed("msg_both", t);
    let first = a.verify(&both, &body).await.unwrap();
    for replay in [&both, &svix, &header] {
        assert!(replayed(b.verify(replay, &body).await, false));
    }
    // The sender's redelivery, signed again, while the first is handled;
    // then its header alone, stripped by whoever saw it.
    let [resent, _, resent_header] = signed("msg_both", t + 1);
    assert!(replayed(b.verify(&resent, &body).await, false));
    first.commit().await.unwrap();
    for replay in [&both, &svix, &header, &resent, &resent_header] {
        assert!(replayed(b.verify(replay, &body).await, true));
    }

    // Handled by its header alone first: the same message with both
    // signatures, and then its Svix headers alone, are refused.
    let [both, svix, header] = signed("msg_other", t + 2);
    b.verify(&header, &body)
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    assert!(replayed(a.verify(&both, &body).await, true));
    assert!(replayed(a.verify(&svix, &body).await, true));

    // Released (the handler failed): every key, joined ones too, is free.
    let [both, _, _] = signed("msg_failed", t + 3);
    let [resent, _, resent_header] = signed("msg_failed", t + 4);
    let failed = a.verify(&both, &body).await.unwrap();
    assert!(replayed(b.verify(&resent, &body).await, false));
    failed.release().await;
    b.verify(&resent_header, &body)
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    assert!(replayed(a.verify(&resent, &body).await, true));
}

/// Issue 39, 5: two endpoints with their own secrets sharing one Redis and
/// prefix, and a sender reusing a message id for both: each handles its own
/// delivery, and refuses only its own replays. No key shows a secret.
#[tokio::test]
async fn endpoints_with_other_secrets_sharing_a_redis_keep_their_own_records() {
    let redis = RedisServer::start();
    let other_secret = "whsec_c2Vjb25kIGVuZHBvaW50IHNlY3JldCE=";
    let first = shared(&redis, SECRET).await;
    let second = shared(&redis, other_secret).await;
    let body = event_body("connection.created", "conn_1");
    let t = now();
    for (verifier, secret) in [(&first, SECRET), (&second, other_secret)] {
        let signed = sign_ofauth_event(secret, "msg_same_id", t, &body).unwrap();
        let delivery = verifier.verify(&signed, &body).await;
        delivery.unwrap().commit().await.unwrap();
        assert!(replayed(verifier.verify(&signed, &body).await, true));
    }
    // The same secret in another receiver is the same endpoint.
    let again = shared(&redis, SECRET).await;
    let signed = sign_ofauth_event(SECRET, "msg_same_id", t, &body).unwrap();
    assert!(replayed(again.verify(&signed, &body).await, true));
    let keys = redis.command("KEYS *").unwrap();
    assert!(keys.contains("webhook-replay:"), "{keys}");
    for secret in [SECRET, other_secret] {
        let bare = secret.trim_start_matches("whsec_");
        assert!(!keys.contains(&bare[..8]), "{keys}");
    }
}

/// A loopback proxy to `upstream` that, once `swallow` is set, drops the
/// next reply from the server and the connection with it (a reply lost on
/// the way).
async fn lossy_proxy(upstream: u16, swallow: std::sync::Arc<std::sync::atomic::AtomicBool>) -> u16 {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = tokio::net::TcpStream::connect(("127.0.0.1", upstream))
                .await
                .unwrap();
            let swallow = swallow.clone();
            tokio::spawn(async move {
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let up = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
                });
                let mut buf = vec![0u8; 65536];
                while let Ok(n @ 1..) = server_read.read(&mut buf).await {
                    if swallow.swap(false, Ordering::SeqCst)
                        || client_write.write_all(&buf[..n]).await.is_err()
                    {
                        break;
                    }
                }
                up.abort();
            });
        }
    });
    port
}

/// Issue 39, 7: a claim whose reply is lost is sent again and finds its own
/// token: the message is this receiver's (not `409` in flight), and once
/// committed it is refused.
#[tokio::test]
async fn a_claim_whose_reply_was_lost_is_ours() {
    let redis = RedisServer::start();
    let swallow = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let port = lossy_proxy(redis.port, swallow.clone()).await;
    let store = RedisReplayStore::builder(&format!("redis://127.0.0.1:{port}"))
        .timeout(Duration::from_secs(2))
        .connect()
        .await
        .unwrap();
    let verifier = Verifier::new(SECRET).unwrap().replay_store(store);
    let body = event_body("connection.created", "conn_1");
    let signed = sign_ofauth_event(SECRET, "msg_lost_reply", now(), &body).unwrap();
    swallow.store(true, std::sync::atomic::Ordering::SeqCst);
    let delivery = verifier.verify(&signed, &body).await;
    assert!(
        !swallow.load(std::sync::atomic::Ordering::SeqCst),
        "a reply was lost"
    );
    let delivery = delivery.unwrap();
    assert!(delivery.is_recorded());
    delivery.commit().await.unwrap();
    assert!(replayed(verifier.verify(&signed, &body).await, true));
}

/// Issue 39, 7: plain `redis://` to another machine would send the password
/// and the records in clear: refused, naming the host and not the password,
/// unless the caller opts in; loopback needs nothing.
#[tokio::test]
async fn plain_redis_to_another_host_is_refused_unless_allowed() {
    for url in [
        "redis://:s3cret@cache.example.com:6379",
        "REDIS://user:s3cret@10.1.2.3",
        "valkey://:s3cret@[2001:db8::1]:6379/2",
    ] {
        let error = RedisReplayStore::connect(url)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("allow_plaintext_remote"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
        let error = onlyfans_clients::RedisStore::connect(url)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("allow_plaintext_remote"), "{error}");
    }
    let error = RedisReplayStore::connect("redis://:s3cret@cache.example.com")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("`cache.example.com`"), "{error}");
    // Opted in, it is only a host that does not answer.
    let error = RedisReplayStore::builder("redis://:s3cret@192.0.2.1:6379")
        .allow_plaintext_remote()
        .timeout(Duration::from_millis(100))
        .connect()
        .await
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("cannot connect"), "{error}");
    assert!(!error.contains("s3cret"), "{error}");
    // Loopback, in any spelling.
    let redis = RedisServer::start();
    for host in ["127.0.0.1", "LOCALHOST"] {
        let url = format!("redis://{host}:{}", redis.port);
        assert!(RedisReplayStore::connect(&url).await.is_ok(), "{host}");
    }
}
