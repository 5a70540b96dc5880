//! A real `redis-server` of the test's own, on a free loopback port, stopped
//! when dropped. `cargo xtask test` (the README's test command) installs
//! Debian's `redis-server` when it is missing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    /// Arguments beyond the port and persistence ones (TLS, users).
    extra: Vec<String>,
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl RedisServer {
    /// Starts one on a free port and waits until it answers.
    pub fn start() -> Self {
        Self::start_with(Vec::new())
    }

    /// Starts one with these arguments too (`--tls-port`, `--user`).
    pub fn start_with(extra: Vec<String>) -> Self {
        let mut server = RedisServer {
            child: None,
            port: free_port(),
            extra,
        };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (as a crash would: no shutdown, nothing saved).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty, and waits until it answers.
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}): run the tests with `cargo xtask test`, \
                     which installs it, or install Redis 5 or later yourself"
                )
            });
        self.child = Some(child);
        let started = Instant::now();
        while self.command("PING").as_deref() != Some("+PONG\r\n") {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not answer on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Freezes it (`SIGSTOP`): connections stay open, nothing is answered.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    /// Lets a frozen server go on (`SIGCONT`).
    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("running").id();
        let status = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// One inline command's raw reply (`None` when nobody answers).
    pub fn command(&self, command: &str) -> Option<String> {
        let mut socket = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        socket.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        socket.write_all(format!("{command}\r\n").as_bytes()).ok()?;
        let mut reply = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = socket.read(&mut buf).ok()?;
            reply.extend_from_slice(&buf[..n]);
            if n == 0 || complete(&reply) {
                break;
            }
        }
        Some(String::from_utf8_lossy(&reply).into_owned())
    }

    /// How many times a command ran (`INFO commandstats`), e.g. `evalsha`.
    pub fn calls_of(&self, command: &str) -> u64 {
        let info = self.command("INFO commandstats").unwrap_or_default();
        info.lines()
            .find_map(|line| line.strip_prefix(&format!("cmdstat_{command}:calls=")))
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

/// Whether a RESP reply has arrived whole (simple, error, integer or bulk).
fn complete(reply: &[u8]) -> bool {
    let text = String::from_utf8_lossy(reply);
    match text.chars().next() {
        Some('+' | '-' | ':') => text.ends_with("\r\n"),
        Some('$') => {
            let Some((len, rest)) = text[1..].split_once("\r\n") else {
                return false;
            };
            let len: i64 = len.parse().unwrap_or(0);
            len < 0 || rest.len() >= len as usize + 2
        }
        Some('*') => text.ends_with("\r\n"),
        _ => false,
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
