//! The HTTP side: the axum router, one handler per route, and the middleware that every
//! request goes through (counting, in-flight tracking, the injected delay).

use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{App, ROUTES};

/// How long `/slow` waits when no `?ms=` is given: longer than any sensible client timeout.
const SLOW_DEFAULT_MS: u64 = 10_000;

/// After shutdown is requested, how long open connections get to finish before the
/// runtime is dropped and whatever is left is cancelled.
const GRACE: Duration = Duration::from_secs(2);

/// Serves `listener` until `app.shutdown` is cancelled, then shuts down gracefully.
pub(crate) async fn serve(listener: TcpListener, app: Arc<App>) {
    let shutdown = app.shutdown.clone();
    // Graceful shutdown: stop accepting, let requests in progress finish, close idle
    // keep-alive connections. Waiting requests notice the same token and answer at once,
    // so this is normally quick.
    let server = axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown.clone().cancelled_owned());
    // A safety net: a client that never finishes sending its request would keep graceful
    // shutdown waiting forever. The cat server must never hang a demo, so it stops waiting
    // after GRACE.
    let give_up = async {
        shutdown.cancelled().await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        result = server.into_future() => {
            if let Err(error) = result {
                eprintln!("cat server stopped with an error: {error}");
            }
        }
        () = give_up => {}
    }
}

fn router(app: Arc<App>) -> Router {
    // ANCHOR: routes
    Router::new()
        .route("/", get(index))
        .route("/pages/{n}", get(page))
        .route("/cats/{file}", get(cat))
        .route("/sites", get(sites))
        .route("/status/{code}", get(status))
        .route("/slow", get(slow))
        .route("/drop", get(drop_connection))
        .fallback(not_found)
        // `layer` wraps every route added above, the fallback included.
        .layer(middleware::from_fn_with_state(app.clone(), every_request))
        .with_state(app)
    // ANCHOR_END: routes
}

/// `?delay_ms=N`, accepted on every route.
#[derive(Deserialize)]
struct DelayQuery {
    delay_ms: Option<u64>,
}

/// Runs before every handler: counts the request, tracks how many are in flight, and
/// waits the configured delay.
async fn every_request(
    State(app): State<Arc<App>>,
    Query(query): Query<DelayQuery>,
    request: Request,
    next: Next,
) -> Response {
    app.stats.requests.fetch_add(1, Relaxed);
    // The guard lowers the in-flight count when it is dropped: when this function returns,
    // and also when hyper drops the request halfway because the client went away.
    let _in_flight = app.stats.enter();

    // `/slow` has its own wait (`?ms=`); every other route waits the server's delay.
    if request.uri().path() != "/slow" {
        let delay = query.delay_ms.map_or(app.delay, Duration::from_millis);
        if !wait(delay, &app.shutdown).await {
            return shutting_down();
        }
    }
    next.run(request).await
}

/// Sleeps for `delay` unless the server shuts down first; returns whether it slept.
///
/// `tokio::time::sleep` does not block a thread: the request's task is parked and the
/// runtime serves other requests meanwhile. That is why a hundred requests with a 200 ms
/// delay all finish after about 200 ms, not 20 s.
async fn wait(delay: Duration, shutdown: &CancellationToken) -> bool {
    if delay.is_zero() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(delay) => true,
        () = shutdown.cancelled() => false,
    }
}

fn shutting_down() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "the cat server is shutting down\n",
    )
        .into_response()
}

async fn index(State(app): State<Arc<App>>) -> String {
    let mut text = String::from("cat server routes:\n");
    for (route, what) in ROUTES {
        text.push_str(&format!("  {route:<20} {what}\n"));
    }
    text.push_str(&format!("{} cats, {} pages\n", app.cats.len(), app.pages));
    text
}

async fn page(State(app): State<Arc<App>>, Path(n): Path<String>, uri: Uri) -> Response {
    match n.parse::<usize>() {
        Ok(n) if (1..=app.pages).contains(&n) => {
            app.stats.pages.fetch_add(1, Relaxed);
            Html(crate::pages::page_html(n, app.pages)).into_response()
        }
        _ => not_found(State(app), uri).await,
    }
}

async fn cat(State(app): State<Arc<App>>, Path(file): Path<String>, uri: Uri) -> Response {
    // Any number is a valid id; it picks one of the `cats` pictures, wrapping around.
    let id = file
        .strip_suffix(".jpg")
        .and_then(|id| id.parse::<usize>().ok());
    match id {
        Some(id) => {
            app.stats.cats.fetch_add(1, Relaxed);
            // `Bytes` is reference-counted: cloning shares the encoded picture, no copy.
            let jpeg = app.cats[id % app.cats.len()].clone();
            ([(header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response()
        }
        None => not_found(State(app), uri).await,
    }
}

async fn sites(State(app): State<Arc<App>>) -> String {
    app.stats.sites.fetch_add(1, Relaxed);
    let mut text = app.site_list.join("\n");
    text.push('\n');
    text
}

async fn status(State(app): State<Arc<App>>, Path(code): Path<String>) -> Response {
    app.stats.statuses.fetch_add(1, Relaxed);
    // Informational 1xx codes are not final answers, so only 200–599 are allowed.
    match code
        .parse::<u16>()
        .ok()
        .filter(|code| (200..=599).contains(code))
    {
        Some(code) => {
            let status = StatusCode::from_u16(code).expect("200..=599 are valid status codes");
            // 204, 205 and 304 answers must not have a body; the rest say what they are.
            if matches!(code, 204 | 205 | 304) {
                status.into_response()
            } else {
                (status, format!("{status}\n")).into_response()
            }
        }
        None => (
            StatusCode::BAD_REQUEST,
            "status codes from 200 to 599 only\n",
        )
            .into_response(),
    }
}

/// `?ms=N` for `/slow`.
#[derive(Deserialize)]
struct SlowQuery {
    ms: Option<u64>,
}

async fn slow(State(app): State<Arc<App>>, Query(query): Query<SlowQuery>) -> Response {
    app.stats.slow.fetch_add(1, Relaxed);
    let ms = query.ms.unwrap_or(SLOW_DEFAULT_MS);
    if !wait(Duration::from_millis(ms), &app.shutdown).await {
        return shutting_down();
    }
    format!("finally, after {ms} ms\n").into_response()
}

/// Closes the connection without sending a response.
///
/// A handler must return a response, but the response's *body* is produced later, while
/// hyper writes it out. Here the body fails before yielding a single byte. hyper has not
/// written the status line yet (it sends the head together with the first piece of body),
/// so it has nothing valid to send and closes the connection: the client sees the
/// connection end with no response at all, as if the server had crashed mid-request.
async fn drop_connection(State(app): State<Arc<App>>) -> Response {
    app.stats.dropped.fetch_add(1, Relaxed);
    let failing_body = futures::stream::once(async {
        Err::<Bytes, _>(io::Error::other("connection dropped on purpose"))
    });
    Body::from_stream(failing_body).into_response()
}

async fn not_found(State(app): State<Arc<App>>, uri: Uri) -> Response {
    app.stats.not_found.fetch_add(1, Relaxed);
    (
        StatusCode::NOT_FOUND,
        format!("no cat here: {}\n", uri.path()),
    )
        .into_response()
}
