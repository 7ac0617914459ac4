//! The cat server as a library: started in-process, queried with reqwest's blocking client
//! from plain threads (and once from async code), as the download lessons do.

use std::io::Write;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use cat_server::{CatServer, Config, Counters};
use common::testing;
use reqwest::StatusCode;
use reqwest::blocking::Client;

fn start() -> CatServer {
    CatServer::start(Config::default()).expect("the cat server starts")
}

fn start_with_delay(delay: Duration) -> CatServer {
    CatServer::start(Config {
        delay,
        ..Config::default()
    })
    .expect("the cat server starts")
}

/// A client that gives up after `timeout`, so a broken server fails a test instead of
/// hanging it.
fn client_with_timeout(timeout: Duration) -> Client {
    Client::builder()
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("a client builds")
}

fn client() -> Client {
    client_with_timeout(Duration::from_secs(10))
}

fn get_text(client: &Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).send().expect("the server answers");
    let status = response.status();
    (status, response.text().expect("the body arrives"))
}

fn get_bytes(client: &Client, url: &str) -> Vec<u8> {
    let response = client.get(url).send().expect("the server answers");
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.bytes().expect("the body arrives").to_vec()
}

/// A page is HTML titled with its number, showing the cat of the same number.
#[test]
fn a_page_has_its_title_and_its_cat() {
    let server = start();
    let response = client().get(server.url("/pages/7")).send().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().unwrap();
    assert!(html.contains("<title>Cat page 7</title>"), "{html}");
    assert!(html.contains("<img src=\"/cats/7.jpg\""), "{html}");
}

/// A cat is a JPEG: right content type, start and end markers, the same bytes every
/// time, and different bytes for a different cat.
#[test]
fn a_cat_is_a_stable_jpeg_and_cats_differ() {
    let server = start();
    let client = client();
    let response = client.get(server.url("/cats/1.jpg")).send().unwrap();
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    let first = response.bytes().unwrap().to_vec();
    assert!(first.starts_with(&[0xFF, 0xD8]), "no JPEG start marker");
    assert!(first.ends_with(&[0xFF, 0xD9]), "no JPEG end marker");
    assert!(first.len() > 10_000, "only {} bytes", first.len());

    assert_eq!(first, get_bytes(&client, &server.url("/cats/1.jpg")));
    assert_ne!(first, get_bytes(&client, &server.url("/cats/2.jpg")));
    // Ids wrap around: with 20 cats, cat 21 is cat 1.
    assert_eq!(first, get_bytes(&client, &server.url("/cats/21.jpg")));
}

/// `/sites` lists the 160 URLs of `site_list()`, alternating pages and cats, and every
/// one of them answers 200.
#[test]
fn the_site_list_has_160_urls_that_all_answer() {
    let server = start();
    let client = client();
    let (status, text) = get_text(&client, &server.url("/sites"));
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 160);
    assert_eq!(lines, server.site_list());
    assert_eq!(lines[0], server.url("/pages/1"));
    assert_eq!(lines[1], server.url("/cats/1.jpg"));
    for url in lines {
        let status = client.get(url).send().unwrap().status();
        assert_eq!(status, StatusCode::OK, "{url}");
    }
    assert_eq!(server.counters().pages, 80);
    assert_eq!(server.counters().cats, 80);
}

/// The delay is an async sleep: ten requests from ten threads, each delayed 200 ms, wait
/// together and take well under the 2 s they would take one after another.
#[test]
fn delayed_requests_wait_in_parallel() {
    let delay = Duration::from_millis(200);
    let server = start_with_delay(delay);
    let client = client();
    let url = server.url("/pages/1");
    // The barrier lines the threads up so that the clock measures the requests, not the
    // spawning of threads.
    let barrier = Arc::new(Barrier::new(10));

    let started = Instant::now();
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let (client, url, barrier) = (client.clone(), url.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                barrier.wait();
                get_text(&client, &url).0
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), StatusCode::OK);
    }
    let elapsed = started.elapsed();

    assert!(elapsed >= delay, "answered before the delay: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    let counters = server.counters();
    assert_eq!(counters.pages, 10);
    assert!(counters.max_in_flight > 1, "{counters:?}");
}

/// `?delay_ms=` overrides the server's delay for one request, in both directions.
#[test]
fn delay_ms_overrides_the_delay_per_request() {
    let server = start_with_delay(Duration::from_secs(5));
    let client = client();

    let started = Instant::now();
    let (status, _) = get_text(&client, &server.url("/pages/1?delay_ms=0"));
    assert_eq!(status, StatusCode::OK);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "waited the 5 s delay"
    );

    let started = Instant::now();
    let (status, _) = get_text(&client, &server.url("/cats/3.jpg?delay_ms=300"));
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

/// `/status/{code}` answers with that status; out-of-range codes are a bad request.
#[test]
fn status_answers_the_requested_code() {
    let server = start();
    let client = client();
    for code in [200, 404, 418, 500, 503] {
        let (status, _) = get_text(&client, &server.url(&format!("/status/{code}")));
        assert_eq!(status.as_u16(), code);
    }
    let (status, _) = get_text(&client, &server.url("/status/100"));
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Unknown paths, out-of-range pages and malformed names are 404; so is a path that tries
/// to climb out of a directory (there is no directory: nothing is read from disk).
#[test]
fn unknown_paths_are_not_found() {
    let server = start();
    let client = client();
    for path in [
        "/nothing-here",
        "/pages/0",
        "/pages/161",
        "/pages/seven",
        "/cats/1.png",
        "/cats/..%2F..%2Fetc%2Fpasswd",
        "/pages/..%2F..%2Fetc%2Fpasswd",
    ] {
        let (status, _) = get_text(&client, &server.url(path));
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(server.counters().not_found, 7);
}

/// `/slow` outlasts a client's timeout: the client gets a timeout error.
#[test]
fn slow_outlasts_a_client_timeout() {
    let server = start();
    let client = client_with_timeout(Duration::from_millis(200));
    let error = client.get(server.url("/slow")).send().unwrap_err();
    assert!(error.is_timeout(), "{error:?}");

    // With a short `ms` it answers normally.
    let (status, text) = get_text(&client, &server.url("/slow?ms=10"));
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("10 ms"), "{text}");
}

/// `/drop` closes the connection without a response: the client gets an error from
/// `send`, not an HTTP status.
#[test]
fn drop_closes_the_connection_without_a_response() {
    let server = start();
    let error = client().get(server.url("/drop")).send().unwrap_err();
    assert!(error.status().is_none(), "{error:?}");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    assert_eq!(server.counters().dropped, 1);

    // The server carries on serving other connections.
    let (status, _) = get_text(&client(), &server.url("/pages/1"));
    assert_eq!(status, StatusCode::OK);
}

/// The counters count every request, by kind.
#[test]
fn counters_count_each_kind_of_request() {
    let server = start();
    let client = client();
    assert_eq!(server.counters(), Counters::default());
    for path in [
        "/pages/1",
        "/pages/2",
        "/cats/5.jpg",
        "/sites",
        "/status/500",
        "/missing",
    ] {
        let _ = get_text(&client, &server.url(path));
    }
    let _ = get_text(&client, &server.url("/slow?ms=10"));
    let _ = client.get(server.url("/drop")).send();

    assert_eq!(server.requests(), 8);
    assert_eq!(
        server.counters(),
        Counters {
            requests: 8,
            pages: 2,
            cats: 1,
            sites: 1,
            statuses: 1,
            slow: 1,
            dropped: 1,
            not_found: 1,
            in_flight: 0,
            max_in_flight: 1,
        }
    );
}

/// Two servers run side by side on different ports, each with its own counters.
#[test]
fn two_servers_get_different_ports() {
    let (first, second) = (start(), start());
    assert_ne!(first.addr().port(), second.addr().port());
    assert!(first.addr().ip().is_loopback());
    let (status, _) = get_text(&client(), &second.url("/pages/3"));
    assert_eq!(status, StatusCode::OK);
    assert_eq!((first.requests(), second.requests()), (0, 1));
}

/// Once a server is dropped, nothing listens on its port any more.
#[test]
fn a_dropped_server_refuses_connections() {
    let server = start();
    let url = server.url("/pages/1");
    let client = client();
    assert_eq!(get_text(&client, &url).0, StatusCode::OK);
    drop(server);
    let error = client.get(&url).send().unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}

/// Shutting down does not wait for a slow request: the request is answered 503 at once.
#[test]
fn shutdown_cuts_a_slow_request_short() {
    let server = start();
    let url = server.url("/slow?ms=60000");
    let waiting = thread::spawn(move || get_text(&client(), &url).0);
    // Wait (briefly, and with a limit) until the request has reached the server.
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.counters().in_flight == 0 {
        assert!(Instant::now() < deadline, "the request never arrived");
        thread::sleep(Duration::from_millis(10));
    }

    let started = Instant::now();
    server.shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "shutdown took {:?}",
        started.elapsed()
    );
    assert_eq!(waiting.join().unwrap(), StatusCode::SERVICE_UNAVAILABLE);
}

/// Async code can use the server too, and drop it, without the two runtimes clashing.
#[tokio::test(flavor = "current_thread")]
async fn async_clients_download_concurrently() {
    let server = start_with_delay(Duration::from_millis(100));
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let downloads = (1..=20).map(|id| {
        let request = client.get(server.url(&format!("/cats/{id}.jpg"))).send();
        async move { request.await?.bytes().await }
    });
    let cats = futures::future::try_join_all(downloads).await.unwrap();
    assert_eq!(cats.len(), 20);
    assert!(cats.iter().all(|jpeg| jpeg.starts_with(&[0xFF, 0xD8])));
    assert!(server.counters().max_in_flight > 1);
    drop(server);
}

/// curl, the tool students will reach for, gets a page too.
#[test]
fn curl_fetches_a_page() {
    let server = start();
    if let Err(error) = Command::new("curl").arg("--version").output() {
        // Written straight to stderr so the note shows even though the test harness
        // captures `println!`: a skipped check should never look like a passed one.
        let _ = writeln!(
            std::io::stderr(),
            "note: curl_fetches_a_page skipped its check: cannot run curl ({error})"
        );
        return;
    }
    let url = server.url("/pages/4");
    let ran = testing::run(
        "curl",
        &["--silent", "--show-error", "--max-time", "10", &url],
    );
    let html = &ran.success().stdout;
    assert!(html.contains("<title>Cat page 4</title>"), "{html}");
}
