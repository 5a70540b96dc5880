//! The HTTP side of the mock: one loopback listener per API, HTTP/1.1 via
//! hyper, each request answered by [`ApiMock::handle`].

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::routes::{ApiMock, Incoming};

/// Binds a loopback port for `mock`, and serves it until the handle is aborted.
pub(crate) async fn serve(mut mock: ApiMock) -> std::io::Result<(Arc<ApiMock>, JoinHandle<()>)> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    mock.base_url = format!("http://{}", listener.local_addr()?);
    let mock = Arc::new(mock);
    let serving = Arc::clone(&mock);
    let task = tokio::spawn(async move {
        // A failed accept (e.g. out of file descriptors) is retried after a
        // pause, not in a hot loop: the mock must keep serving for the rest of
        // the test.
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            };
            let mock = Arc::clone(&serving);
            tokio::spawn(async move {
                let service = service_fn(move |request| respond(Arc::clone(&mock), request));
                // A client hanging up mid-request is not the mock's problem.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok((mock, task))
}

/// Largest request body the mock reads (uploads in tests stay far below).
const MAX_REQUEST_BODY: usize = 64 * 1024 * 1024;

async fn respond(
    mock: Arc<ApiMock>,
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    // A body that breaks off or is too large is checked as an empty one.
    let body = Limited::new(body, MAX_REQUEST_BODY)
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let headers = &parts.headers;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let outgoing = mock.handle(&Incoming {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        header: &header,
        body: &body,
    });
    if let Some(delay) = outgoing.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = Response::new(Full::new(Bytes::from(outgoing.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(outgoing.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in outgoing.headers {
        if let Ok(value) = value.parse() {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}
