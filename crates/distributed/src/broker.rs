//! The broker: a real Redis server, Debian's `redis-server`, that holds the queue between
//! the processes that send jobs and the processes that run them.
//!
//! The course starts its own: on 127.0.0.1 (or on an address of a network namespace it
//! made), on a port of its own, with no persistence (`--save ''`, no append-only file:
//! nothing is written to disk), as a child that dies with the program that started it.
//! When it stops, every queue in it is gone. [`check`] finds one that is already running
//! instead, with a deadline, so a broker that is not there is an error, not a hang.

use std::fs::File;
use std::io;
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The port `broker` uses unless told otherwise, so `worker` and `submit` find it
/// without flags. Not Redis's own 6379, so a Redis of the machine's is left alone.
pub const DEFAULT_PORT: u16 = 6390;

/// How long a broker may take to answer, starting or found.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// `redis://127.0.0.1:6390/`: where `broker` listens by default.
pub fn default_url() -> String {
    format!("redis://127.0.0.1:{DEFAULT_PORT}/")
}

/// What went wrong with a broker, said so that a student knows what to do.
#[derive(Debug)]
pub struct BrokerError(pub String);

impl std::fmt::Display for BrokerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BrokerError {}

fn error(message: impl Into<String>) -> BrokerError {
    BrokerError(message.into())
}

/// No broker answers at `url`, for the reason `why`: what to do about it.
pub fn no_broker(url: &str, why: impl std::fmt::Display) -> BrokerError {
    error(format!(
        "no broker at {url} ({why}): start one with `cargo run -p distributed --bin broker`, \
         or give --redis the address of one that runs"
    ))
}

/// A running `redis-server`, ours: stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Broker {
    child: Child,
    url: String,
    version: String,
    log: PathBuf,
}

impl Broker {
    /// Starts `redis-server` on 127.0.0.1:`port` (0: a free port), installing Debian's
    /// package first when it is missing and this process may ([`ensure_installed`]).
    pub fn start(port: u16) -> Result<Broker, BrokerError> {
        Broker::start_on(IpAddr::V4(Ipv4Addr::LOCALHOST), port, None)
    }

    /// Starts `redis-server` listening on `addr`:`port` (0: a free port of 127.0.0.1),
    /// inside network namespace `netns` when given (`ip netns exec`).
    pub fn start_on(addr: IpAddr, port: u16, netns: Option<&str>) -> Result<Broker, BrokerError> {
        let server = ensure_installed()?;
        // A free port can be taken by someone else before redis binds it: then redis
        // exits at once, and another free port is tried.
        for _ in 0..3 {
            let chosen = match port {
                0 => free_port().map_err(|e| error(format!("no free port: {e}")))?,
                port => port,
            };
            let url = format!("redis://{addr}:{chosen}/");
            let name = format!("course-redis-{}-{chosen}.log", std::process::id());
            let log = std::env::temp_dir().join(name);
            let mut command = match netns {
                Some(netns) => {
                    let mut ip = Command::new("ip");
                    ip.args(["netns", "exec", netns]).arg(&server);
                    ip
                }
                None => Command::new(&server),
            };
            command.args(server_args(addr, chosen));
            let log_file = File::create(&log).map_err(|e| error(format!("{log:?}: {e}")))?;
            command
                .stdin(Stdio::null())
                .stdout(log_file)
                .stderr(Stdio::null());
            common::process::die_with_parent(&mut command);
            let child = command
                .spawn()
                .map_err(|e| error(format!("cannot start {server:?}: {e}")))?;
            let mut broker = Broker {
                child,
                url,
                version: String::new(),
                log: log.clone(),
            };
            match broker.wait_until_ready(&log) {
                Ok(version) => {
                    broker.version = version;
                    return Ok(broker);
                }
                Err(e) if port == 0 => drop(e),
                Err(e) => return Err(e),
            }
        }
        Err(error(
            "redis-server would not start on three free ports in a row",
        ))
    }

    fn wait_until_ready(&mut self, log: &Path) -> Result<String, BrokerError> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let said = std::fs::read_to_string(log).unwrap_or_default();
                return Err(error(format!(
                    "redis-server ended at once ({}): {}",
                    common::process::describe(status),
                    said.lines().last().unwrap_or("it said nothing")
                )));
            }
            if let Ok(version) = check(&self.url, Duration::from_millis(200)) {
                return Ok(version);
            }
            if Instant::now() > deadline {
                return Err(error(format!(
                    "redis-server did not answer at {} within {} s",
                    self.url,
                    PATIENCE.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Where it listens: `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its version, as its `INFO` says.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        // SIGTERM: redis shuts down at once (with `--save ''` it writes nothing).
        common::process::terminate(&mut self.child);
        common::process::wait_or_kill(&mut self.child, Instant::now() + PATIENCE);
        let _ = std::fs::remove_file(&self.log);
    }
}

/// `redis-server`'s flags: one address and port, no disk, our own log level.
fn server_args(addr: IpAddr, port: u16) -> Vec<String> {
    // ANCHOR: server_args
    let mut args = vec![
        "--bind".to_string(),
        addr.to_string(),
        "--port".to_string(),
        port.to_string(),
        // No snapshots, no append-only file: the queue is in memory only.
        "--save".to_string(),
        String::new(),
        "--appendonly".to_string(),
        "no".to_string(),
        "--daemonize".to_string(),
        "no".to_string(),
        "--loglevel".to_string(),
        "warning".to_string(),
    ];
    // Protected mode refuses other hosts without a password; a
    // namespace's address is reachable only from the hosts we made.
    if !addr.is_loopback() {
        args.extend(["--protected-mode".to_string(), "no".to_string()]);
    }
    // ANCHOR_END: server_args
    args
}

/// A port of 127.0.0.1 that nobody listens on right now.
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// Whether a Redis server answers at `url` within `limit`: its version if it does, else
/// why not, with what to do about it.
pub fn check(url: &str, limit: Duration) -> Result<String, BrokerError> {
    let client = redis::Client::open(url).map_err(|e| error(format!("{url}: {e}")))?;
    let no_broker = |e: redis::RedisError| no_broker(url, e);
    let mut connection = client
        .get_connection_with_timeout(limit)
        .map_err(no_broker)?;
    connection
        .set_read_timeout(Some(limit))
        .map_err(no_broker)?;
    let info: String = redis::cmd("INFO")
        .arg("server")
        .query(&mut connection)
        .map_err(no_broker)?;
    let version = info
        .lines()
        .find_map(|line| line.strip_prefix("redis_version:"))
        .unwrap_or("of unknown version");
    Ok(version.trim().to_string())
}

/// The `redis-server` program: found on this machine, or installed from Debian's
/// packages when this process is root and has `apt-get` (by `scripts/install-servers
/// redis`, the course's one install step for it). Otherwise, an error that says how to
/// install it.
pub fn ensure_installed() -> Result<PathBuf, BrokerError> {
    if let Some(found) = redis_server() {
        return Ok(found);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install-servers");
    // Safety: `geteuid` only reads this process's user id.
    let root = unsafe { libc::geteuid() } == 0;
    if root && Path::new("/usr/bin/apt-get").exists() && script.exists() {
        eprintln!("redis-server is not installed: installing Debian's redis-server package");
        let status = Command::new("bash")
            .arg(&script)
            .arg("redis")
            .status()
            .map_err(|e| error(format!("cannot run {script:?}: {e}")))?;
        if let (true, Some(found)) = (status.success(), redis_server()) {
            return Ok(found);
        }
    }
    Err(error(
        "redis-server is not installed: install Debian's package (`sudo apt-get install \
         redis-server`, or `sudo bash scripts/install-servers redis`), or give --redis the \
         address of a Redis that runs",
    ))
}

/// Where `redis-server` is, if it is installed.
pub fn redis_server() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broker_that_is_not_there_is_an_error_within_the_deadline() {
        let port = free_port().unwrap();
        let started = Instant::now();
        let said = check(&format!("redis://127.0.0.1:{port}/"), PATIENCE).unwrap_err();
        assert!(started.elapsed() < PATIENCE + Duration::from_secs(1));
        assert!(said.0.contains("no broker at"), "{said}");
        assert!(said.0.contains("--bin broker"), "{said}");
    }

    #[test]
    fn the_broker_keeps_nothing_on_disk_and_binds_one_address() {
        let args = server_args(IpAddr::V4(Ipv4Addr::LOCALHOST), 7000);
        let joined = args.join(" ");
        assert!(joined.contains("--bind 127.0.0.1 --port 7000"), "{joined}");
        assert!(joined.contains("--save  --appendonly no"), "{joined}");
        assert!(!joined.contains("protected-mode"), "{joined}");
    }
}
