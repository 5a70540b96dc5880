//! A scriptable HTTP/1.1 server on loopback that misbehaves on purpose: each
//! request gets the next fault of its script (the last one repeats). Built on
//! raw TCP because the faults (resets, truncation, lying `Content-Length`,
//! never closing) are below what an HTTP mock library lets a test express.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Debug)]
pub enum Fault {
    /// A well-formed response.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Reset the connection (RST) before any response byte.
    ResetBeforeResponse,
    /// Send the head declaring `declared` bytes and `sent` of them, then reset.
    ResetMidBody { declared: usize, sent: Vec<u8> },
    /// Send the head declaring `declared` bytes and `sent` of them, then close cleanly.
    Truncated { declared: usize, sent: Vec<u8> },
    /// A body of `bytes` bytes of JSON, streamed.
    Large { bytes: usize },
    /// Wait, then answer.
    Slow { delay: Duration, then: Box<Fault> },
    /// Send a chunked head and never anything else; keep the connection open.
    NeverClose,
}

impl Fault {
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Fault::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).unwrap(),
        }
    }

    pub fn status(status: u16) -> Self {
        Fault::Respond {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn raw(status: u16, content_type: &str, body: &str) -> Self {
        Fault::Respond {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Fault::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// Decides the fault of the `n`th request (from 0) given its head (request
/// line and headers, as received).
pub type Handler = Arc<dyn Fn(usize, &str) -> Fault + Send + Sync>;

pub struct FaultServer {
    pub addr: std::net::SocketAddr,
    hits: Arc<AtomicUsize>,
    lines: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    pub async fn start(script: Vec<Fault>) -> Self {
        assert!(!script.is_empty());
        Self::start_with(Arc::new(move |n, _| {
            script[n.min(script.len() - 1)].clone()
        }))
        .await
    }

    /// A server whose answers a function decides.
    pub async fn start_with(handler: Handler) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (h, l) = (hits.clone(), lines.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let (handler, hits, lines) = (handler.clone(), h.clone(), l.clone());
                tokio::spawn(async move {
                    let _ = serve(socket, &handler, &hits, &lines).await;
                });
            }
        });
        FaultServer {
            addr,
            hits,
            lines,
            task,
        }
    }

    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// The request lines received (`GET /path?query HTTP/1.1`).
    pub fn request_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

async fn serve(
    mut socket: TcpStream,
    handler: &Handler,
    hits: &AtomicUsize,
    lines: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let line = head.lines().next().unwrap_or_default().to_owned();
    lines.lock().unwrap().push(line);
    let mut fault = handler(hits.fetch_add(1, Ordering::SeqCst), &head);
    loop {
        match fault {
            Fault::Slow { delay, then } => {
                tokio::time::sleep(delay).await;
                fault = *then;
            }
            other => return answer(&mut socket, other).await,
        }
    }
}

async fn answer(socket: &mut TcpStream, fault: Fault) -> std::io::Result<()> {
    let head = |status: u16, length: usize, extra: &str| {
        format!(
            "HTTP/1.1 {status} X\r\ncontent-length: {length}\r\nconnection: close\r\n{extra}\r\n"
        )
    };
    match fault {
        Fault::Respond {
            status,
            headers,
            body,
        } => {
            let extra: String = headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}\r\n"))
                .collect();
            socket
                .write_all(head(status, body.len(), &extra).as_bytes())
                .await?;
            socket.write_all(&body).await?;
            socket.shutdown().await
        }
        Fault::ResetBeforeResponse => socket.set_zero_linger(),
        Fault::ResetMidBody { declared, sent } => {
            socket
                .write_all(head(200, declared, "content-type: application/json\r\n").as_bytes())
                .await?;
            socket.write_all(&sent).await?;
            socket.flush().await?;
            tokio::time::sleep(Duration::from_millis(20)).await;
            socket.set_zero_linger()
        }
        Fault::Truncated { declared, sent } => {
            socket
                .write_all(head(200, declared, "content-type: application/json\r\n").as_bytes())
                .await?;
            socket.write_all(&sent).await?;
            socket.shutdown().await
        }
        Fault::Large { bytes } => {
            socket
                .write_all(head(200, bytes, "content-type: application/json\r\n").as_bytes())
                .await?;
            // A JSON string of `bytes` bytes: `"xxxx…"`.
            let chunk = vec![b'x'; 64 * 1024];
            socket.write_all(b"\"").await?;
            let mut left = bytes.saturating_sub(2);
            while left > 0 {
                let n = left.min(chunk.len());
                if socket.write_all(&chunk[..n]).await.is_err() {
                    return Ok(()); // the client gave up reading: expected
                }
                left -= n;
            }
            socket.write_all(b"\"").await?;
            socket.shutdown().await
        }
        Fault::NeverClose => {
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n")
                .await?;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Fault::Slow { .. } => Ok(()),
    }
}
