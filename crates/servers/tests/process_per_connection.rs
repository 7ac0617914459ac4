//! A process per connection: every reply right over 100 keep-alive connections, each
//! connection in a child process of its own that is this program again; a stalled client
//! stops nobody else; stopping the server reaps every child, and killing it leaves none.
//!
//!     cargo test -p servers --test process_per_connection
//!
//! The test is its own child process (each connection's server is this binary, started
//! again), so it has its own `main` instead of libtest's.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use cat_server::Config;
use common::process::{self, role};
use common::testing::{self, assert_all_gone, children_of};
use servers::client::{self, Client};
use servers::models::{self, CONNECTION_ROLE, Server};

/// How long a client waits for a reply that must come.
const DEADLINE: Duration = Duration::from_secs(20);

/// The role of a whole server in a process of its own, for the test that kills it.
const SERVER_ROLE: &str = "server";

fn main() -> ExitCode {
    let roles = [
        role(CONNECTION_ROLE, models::serve_inherited_connection),
        role(SERVER_ROLE, server_until_stdin_ends),
    ];
    if let Some(exit) = process::run_child(roles) {
        return exit;
    }
    let scenarios: [(&str, testing::Scenario); 5] = [
        (
            "100 keep-alive connections, 10 requests each: every reply right",
            every_reply_is_right,
        ),
        (
            "a child answers from its parent's configuration",
            the_child_has_the_parents_site,
        ),
        (
            "each open connection is a child process, and stopping reaps them all",
            a_child_per_connection_reaped_at_stop,
        ),
        (
            "a stalled client does not stop the other connections",
            a_stalled_client_stops_nobody,
        ),
        (
            "killing the server leaves no child behind",
            killing_the_server_leaves_no_child,
        ),
    ];
    testing::run_scenarios(&scenarios)
}

fn start() -> Result<Server, String> {
    Server::start(&Config::default(), models::process_per_connection).map_err(|e| e.to_string())
}

fn connect(addr: SocketAddr) -> Result<Client, String> {
    Client::connect(addr, Some(DEADLINE)).map_err(|e| e.to_string())
}

/// `GET /pages/n` on `client`: Ok if the reply is page `n`.
fn get_page(client: &mut Client, n: usize) -> Result<(), String> {
    client.get_page(n).map_err(|e| e.to_string())
}

fn every_reply_is_right() -> Result<(), String> {
    let server = start()?;
    client::load_pages(server.addr(), 100, 10, 160, DEADLINE).map_err(|e| e.to_string())
}

fn the_child_has_the_parents_site() -> Result<(), String> {
    let config = Config::default().pages(3);
    let server =
        Server::start(&config, models::process_per_connection).map_err(|e| e.to_string())?;
    let base = format!("http://{}/", server.addr());
    let mut client = connect(server.addr())?;
    get_page(&mut client, 3)?;
    let (missing, _) = client.get("/pages/4").map_err(|e| e.to_string())?;
    let (_, sites) = client.get("/sites").map_err(|e| e.to_string())?;
    let sites = String::from_utf8_lossy(&sites).into_owned();
    match (missing, sites.lines().count(), sites.starts_with(&base)) {
        (404, 3, true) => Ok(()),
        seen => Err(format!("3 pages at {base} expected, saw {seen:?}: {sites}")),
    }
}

fn a_child_per_connection_reaped_at_stop() -> Result<(), String> {
    let server = start()?;
    let mut clients = Vec::new();
    for n in 1..=5 {
        let mut client = connect(server.addr())?;
        get_page(&mut client, n)?; // answered, and still open (keep-alive)
        clients.push(client);
    }
    let children = children_of(std::process::id());
    if children.len() != 5 {
        return Err(format!("5 open connections, {} children", children.len()));
    }
    for child in &children {
        let cmdline =
            std::fs::read_to_string(format!("/proc/{child}/cmdline")).map_err(|e| e.to_string())?;
        if !cmdline.split('\0').any(|arg| arg == CONNECTION_ROLE) {
            return Err(format!(
                "child {child} is not serving a connection: {cmdline:?}"
            ));
        }
    }
    drop(server);
    assert_all_gone(&children);
    Ok(())
}

fn a_stalled_client_stops_nobody() -> Result<(), String> {
    let server = start()?;
    let mut stalled = connect(server.addr())?;
    stalled
        .send(b"GET /pages/1 HT")
        .map_err(|e| e.to_string())?;
    let mut other = connect(server.addr())?;
    get_page(&mut other, 2)
}

/// The server in a process of its own: prints its address, serves until stdin ends.
fn server_until_stdin_ends() -> Result<(), String> {
    let server = start()?;
    println!("{}", server.addr());
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut rest = String::new();
    let _ = std::io::stdin().read_line(&mut rest);
    Ok(())
}

fn killing_the_server_leaves_no_child() -> Result<(), String> {
    let mut command = process::child_command(SERVER_ROLE).map_err(|e| e.to_string())?;
    command.stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut server = command.spawn().map_err(|e| e.to_string())?;
    let mut line = String::new();
    let stdout = server.stdout.take().expect("piped");
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let addr: SocketAddr = line.trim().parse().map_err(|e| format!("{line:?}: {e}"))?;
    let mut clients = Vec::new();
    for n in 1..=3 {
        let mut client = connect(addr)?;
        get_page(&mut client, n)?;
        clients.push(client);
    }
    let children = children_of(server.id());
    if children.len() != 3 {
        return Err(format!("3 open connections, {} children", children.len()));
    }
    testing::kill(server.id())?;
    server.wait().map_err(|e| e.to_string())?;
    assert_all_gone(&children); // each died with its parent
    Ok(())
}
