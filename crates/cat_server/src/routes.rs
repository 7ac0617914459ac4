//! The HTTP side: axum serves every request with one handler, which asks the [`Site`]
//! what to answer, waits the delay on the runtime, and replies.
//!
//! [`Site`]: crate::Site

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::App;

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
    // Every path goes to one handler: the routes are `Site::answer`'s, the same for every
    // kind of server.
    Router::new().fallback(answer).with_state(app)
}

/// Answers one request from the site: counts it as in flight, waits its delay (parking
/// the task, not a thread), then sends the reply or drops the connection.
async fn answer(State(app): State<Arc<App>>, method: Method, uri: Uri) -> Response {
    let _in_flight = app.site.enter();
    let target = uri
        .path_and_query()
        .map_or(uri.path(), |target| target.as_str());
    let answer = app.site.answer(method.as_str(), target);
    if !wait(answer.wait, &app.shutdown).await {
        return shutting_down();
    }
    match answer.reply {
        Some(reply) => {
            let content_type = [(header::CONTENT_TYPE, reply.content_type)];
            let mut response = (reply.status, content_type, reply.body).into_response();
            for (name, value) in reply.headers {
                let value = header::HeaderValue::from_static(value);
                response.headers_mut().insert(*name, value);
            }
            response
        }
        None => drop_connection(),
    }
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

/// Closes the connection without sending a response (`/drop`).
///
/// A handler must return a response, but the response's *body* is produced later, while
/// hyper writes it out. Here the body fails before yielding a single byte. hyper has not
/// written the status line yet (it sends the head together with the first piece of body),
/// so it has nothing valid to send and closes the connection: the client sees the
/// connection end with no response at all, as if the server had crashed mid-request.
fn drop_connection() -> Response {
    let failing_body = futures::stream::once(async {
        Err::<Bytes, _>(io::Error::other("connection dropped on purpose"))
    });
    Body::from_stream(failing_body).into_response()
}
