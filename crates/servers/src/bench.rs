//! The lecture's measurement: every server, ours and the real ones, started on its own
//! and pinned to CPU 0, then loaded by `wrk` pinned to CPU 1 ([`wrk`]) or held by idle
//! connections ([`hold_idle`]), while its processes, threads and memory are read from
//! `/proc` ([`Footprint`]). `compare_servers` and `c10k` are built on it.
//!
//! The real ones are Debian's nginx (one worker, `conf/nginx.conf`) and Apache with the
//! prefork MPM (`conf/apache2.conf`), each serving the cat server's page `/pages/1`,
//! byte for byte, as a static file. `scripts/install-servers` installs them and `wrk`.
//! Each is started in the foreground on a free port of 127.0.0.1 with a configuration
//! written into `target/servers/<program>/`, and stopped (and waited for) when its [`Started`] is
//! dropped.

use std::fs;
use std::io::{self, BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use cat_server::{Config, Site};
use common::measure::Footprint;
use common::report::{Report, Row};

use crate::client::Client;

/// The CPU the servers run on, and the CPU of the load.
pub const SERVER_CPU: usize = 0;
pub const LOAD_CPU: usize = 1;

/// The most connections Apache's prefork serves at once here (its `MaxRequestWorkers`):
/// a process each.
pub const APACHE_WORKERS: usize = 1000;

/// What runs a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One of this lecture's programs, with these flags.
    Ours(&'static str, &'static [&'static str]),
    /// Debian's nginx, one worker.
    Nginx,
    /// Debian's Apache, prefork.
    Apache,
}

/// A server in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contender {
    /// Its name in the tables and plots.
    pub name: &'static str,
    pub kind: Kind,
}

/// Every server the lecture compares, in the tables' order.
pub const CONTENDERS: &[Contender] = &[
    Contender {
        name: "process per connection",
        kind: Kind::Ours("process_per_connection", &[]),
    },
    Contender {
        name: "thread per connection",
        kind: Kind::Ours("thread_per_connection", &[]),
    },
    Contender {
        name: "pool of 4 threads",
        kind: Kind::Ours("thread_pool_server", &["--workers", "4"]),
    },
    Contender {
        name: "event loop, 1 thread",
        kind: Kind::Ours("event_loop", &[]),
    },
    Contender {
        name: "event loop, 2 threads",
        kind: Kind::Ours("event_loop", &["--threads", "2"]),
    },
    Contender {
        name: "nginx, 1 worker",
        kind: Kind::Nginx,
    },
    Contender {
        name: "Apache prefork",
        kind: Kind::Apache,
    },
];

/// The contenders whose names contain one of `wanted` (all of them for an empty list).
pub fn contenders(wanted: &[String]) -> Vec<Contender> {
    let chosen = |c: &&Contender| wanted.is_empty() || wanted.iter().any(|w| c.name.contains(w));
    CONTENDERS.iter().filter(chosen).copied().collect()
}

/// Why a contender cannot run here, if it cannot: its program is not installed.
pub fn missing(contender: Contender) -> Option<String> {
    let program = match contender.kind {
        Kind::Ours(..) => return None,
        Kind::Nginx => "nginx",
        Kind::Apache => "apache2",
    };
    let installed = ["/usr/sbin", "/usr/bin"]
        .iter()
        .any(|dir| Path::new(dir).join(program).exists());
    (!installed)
        .then(|| format!("{program} is not installed (scripts/install-servers installs it)"))
}

/// What a measurement does first: raises the limit of open files for `connections`
/// (the most it will open at once), and chooses the contenders `wanted` names, noting
/// in `report` those that cannot run here.
pub fn prepare(
    report: &mut Report,
    wanted: &[String],
    connections: u64,
) -> Result<Vec<Contender>, String> {
    let open_files = raise_open_files_limit().map_err(|e| e.to_string())?;
    if connections + 100 > open_files {
        return Err(format!(
            "{connections} connections need more open files than {open_files}"
        ));
    }
    let mut chosen = contenders(wanted);
    chosen.retain(|contender| match missing(*contender) {
        Some(why) => {
            report.note(format!("{}: left out, {why}.", contender.name));
            false
        }
        None => true,
    });
    Ok(chosen)
}

/// A running server, pinned to [`SERVER_CPU`]. Dropping it stops it and waits for it.
pub struct Started {
    child: Child,
    /// Its address on 127.0.0.1.
    pub addr: SocketAddr,
}

impl Started {
    /// The processes, threads and memory of the server (its whole process tree) now.
    pub fn footprint(&self) -> Footprint {
        Footprint::of_tree(self.child.id()).unwrap_or_default()
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        // Ours stop on Ctrl-C; nginx and Apache stop, children and all, on SIGTERM.
        for signal in [libc::SIGINT, libc::SIGTERM] {
            signal_process(self.child.id(), signal);
        }
        let end_by = Instant::now() + Duration::from_secs(20);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < end_by {
            thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal_process(pid: u32, signal: libc::c_int) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // Safety: kill(2) only sends a signal; it touches none of this process's memory.
        unsafe { libc::kill(pid, signal) };
    }
}

/// Raises this process's limit of open files to the most it may have, for the load's
/// thousands of sockets (its children, `wrk` among them, inherit it). Returns the limit.
pub fn raise_open_files_limit() -> io::Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // Safety: getrlimit and setrlimit read and write the one struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return Err(io::Error::last_os_error());
        }
        limit.rlim_cur = limit.rlim_max;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(limit.rlim_cur)
}

/// `target/servers/<this program>/`: where the real servers' configurations, pages and
/// logs go (a folder for each program, so that two can run at once).
pub fn workdir() -> io::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let (Some(target), Some(program)) = (exe.ancestors().nth(2), exe.file_stem()) else {
        return Err(io::Error::other("no target folder"));
    };
    let dir = target.join("servers").join(program);
    fs::create_dir_all(dir.join("www/pages"))?;
    Ok(dir)
}

/// Starts `contender`, pinned to [`SERVER_CPU`], and returns once it answers.
pub fn start(contender: Contender) -> io::Result<Started> {
    let mut command = Command::new("taskset");
    command.args(["-c", &SERVER_CPU.to_string()]);
    command.stdin(Stdio::null()).stderr(Stdio::null());
    // A process group of its own: Apache signals its whole group when it stops, and that
    // must not be us. So that Ctrl-C (which now does not reach it) leaves no server
    // behind, it is sent SIGTERM, which stops each of them cleanly, when we die.
    command.process_group(0);
    // Safety: the closure runs in the forked child before `exec`, where only
    // async-signal-safe functions may be called; `prctl` is a plain system call.
    unsafe {
        command.pre_exec(
            || match libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) {
                0 => Ok(()),
                _ => Err(io::Error::last_os_error()),
            },
        );
    }
    let dir = workdir()?;
    let mut started = match contender.kind {
        Kind::Ours(bin, args) => {
            let exe = std::env::current_exe()?.with_file_name(bin);
            command.arg(exe).arg("--serve").args(args);
            let mut child = command.stdout(Stdio::piped()).spawn()?;
            let first = child
                .stdout
                .take()
                .map(|out| BufReader::new(out).lines().next());
            let addr = first
                .flatten()
                .and_then(Result::ok)
                .and_then(|line| line.split("listening on http://").nth(1)?.parse().ok());
            let Some(addr) = addr else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::other(format!("{bin} printed no address")));
            };
            Started { child, addr }
        }
        Kind::Nginx | Kind::Apache => {
            let addr = free_port()?;
            write_page(&dir)?;
            let (program, config) = write_config(contender.kind, &dir, addr)?;
            command.arg(program).args(config).stdout(Stdio::null());
            Started {
                child: command.spawn()?,
                addr,
            }
        }
    };
    wait_until_ready(&mut started, contender.kind)
        .map_err(|e| io::Error::other(format!("{}: {e}", contender.name)))?;
    Ok(started)
}

/// A port of 127.0.0.1 that is free now.
fn free_port() -> io::Result<SocketAddr> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()
}

/// The cat server's `/pages/1`, as a file for nginx and Apache to serve.
fn write_page(dir: &Path) -> io::Result<()> {
    let site = Site::new(&Config::default(), "http://127.0.0.1");
    let page = site.answer("GET", "/pages/1").reply.map(|reply| reply.body);
    fs::write(dir.join("www/pages/1"), page.unwrap_or_default())
}

/// Writes the configuration of nginx or Apache for `addr`; the program and its flags.
fn write_config(
    kind: Kind,
    dir: &Path,
    addr: SocketAddr,
) -> io::Result<(&'static str, Vec<String>)> {
    let (template, name) = match kind {
        Kind::Nginx => (include_str!("../conf/nginx.conf"), "nginx.conf"),
        _ => (include_str!("../conf/apache2.conf"), "apache2.conf"),
    };
    // As root, Apache must be told whom its children run as.
    // Safety: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let user = if root {
        "User nobody\nGroup nogroup"
    } else {
        ""
    };
    let text = template
        .replace("{dir}", &dir.display().to_string())
        .replace("{port}", &addr.port().to_string())
        .replace("{workers}", &APACHE_WORKERS.to_string())
        .replace("{user}", user);
    let path = dir.join(name);
    fs::write(&path, text)?;
    let path = path.display().to_string();
    Ok(match kind {
        Kind::Nginx => {
            let prefix = dir.display().to_string();
            let error_log = dir.join("nginx-error.log").display().to_string();
            (
                "nginx",
                vec![
                    "-p".into(),
                    prefix,
                    "-e".into(),
                    error_log,
                    "-c".into(),
                    path,
                ],
            )
        }
        _ => ("apache2", vec!["-f".into(), path, "-DFOREGROUND".into()]),
    })
}

/// Waits until the server answers `/pages/1` with the page (and Apache has started all
/// its processes).
fn wait_until_ready(server: &mut Started, kind: Kind) -> io::Result<()> {
    let end_by = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            let logs = workdir()?.display().to_string();
            return Err(io::Error::other(format!(
                "it ended at once ({status}); see {logs}"
            )));
        }
        let answered = Client::connect(server.addr, Some(Duration::from_secs(5)))
            .and_then(|mut client| client.get_page(1));
        let all_there =
            kind != Kind::Apache || server.footprint().processes > APACHE_WORKERS as u64;
        match answered {
            Ok(()) if all_there => return Ok(()),
            Err(error) if Instant::now() > end_by => return Err(error),
            _ if Instant::now() > end_by => {
                return Err(io::Error::other("not all processes started"));
            }
            _ => thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// What `wrk` measured.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Wrk {
    pub requests: u64,
    pub requests_per_s: f64,
    /// Latency percentiles, in milliseconds.
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Connect, read, write and timeout errors, and answers that were not 2xx or 3xx.
    pub errors: u64,
}

/// Runs `wrk` pinned to [`LOAD_CPU`]: one thread, `connections` keep-alive connections
/// asking for `/pages/1` for `seconds`. The server's peak footprint is read meanwhile.
pub fn wrk(server: &Started, connections: usize, seconds: u64) -> io::Result<(Wrk, Footprint)> {
    let url = format!("http://{}/pages/1", server.addr);
    let mut command = Command::new("taskset");
    command.args([
        "-c",
        &LOAD_CPU.to_string(),
        "wrk",
        "-t1",
        "--latency",
        "--timeout",
        "2s",
    ]);
    command.args([
        "-c",
        &connections.to_string(),
        "-d",
        &format!("{seconds}s"),
        &url,
    ]);
    let done = AtomicBool::new(false);
    let (output, peak) = thread::scope(|s| {
        let watch = s.spawn(|| {
            let mut peak = server.footprint();
            while !done.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(250));
                peak = peak.max(server.footprint());
            }
            peak
        });
        let output = command.stderr(Stdio::null()).output();
        done.store(true, Ordering::Relaxed);
        (output, watch.join().expect("the watch does not panic"))
    });
    let output = output.map_err(|e| io::Error::other(format!("cannot run wrk: {e}")))?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_wrk(&text)
        .map(|wrk| (wrk, peak))
        .ok_or_else(|| io::Error::other(format!("wrk said:\n{text}")))
}

/// Reads `wrk --latency`'s report.
pub fn parse_wrk(text: &str) -> Option<Wrk> {
    let after = |key: &str| {
        let line = text
            .lines()
            .find(|line| line.trim_start().starts_with(key))?;
        Some(line.trim_start()[key.len()..].trim().to_string())
    };
    let errors: u64 = after("Socket errors:").map_or(0, |errors| {
        errors
            .split(',')
            .filter_map(|e| e.split_whitespace().last()?.parse::<u64>().ok())
            .sum()
    });
    let non_2xx: u64 = after("Non-2xx or 3xx responses:").map_or(Some(0), |n| n.parse().ok())?;
    let requests = text.lines().find(|line| line.contains(" requests in "));
    let requests = requests.and_then(|line| line.split_whitespace().next()?.parse().ok())?;
    Some(Wrk {
        requests,
        requests_per_s: after("Requests/sec:")?.parse().ok()?,
        p50_ms: milliseconds(&after("50%")?)?,
        p99_ms: milliseconds(&after("99%")?)?,
        errors: errors + non_2xx,
    })
}

/// `"1.25ms"`, `"830.00us"` or `"2.01s"` in milliseconds.
fn milliseconds(text: &str) -> Option<f64> {
    let units = [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)];
    let (number, scale) = units
        .iter()
        .find_map(|(unit, scale)| Some((text.strip_suffix(unit)?, scale)))?;
    Some(number.parse::<f64>().ok()? * scale)
}

/// Opens up to `connections` connections to the server and sends nothing on them; once the
/// server's footprint has settled (unchanged for half a second, or a minute at most),
/// reads it. Returns the connections that were accepted by the kernel, and the
/// footprint with them all open.
pub fn hold_idle(server: &Started, connections: usize) -> (usize, Footprint) {
    // A connection refused a place in a full backlog is tried again after 1 s: wait for
    // that once. One that times out still finds the backlog full: the next would too.
    let patience = Duration::from_secs(3);
    let held: Vec<TcpStream> = (0..connections)
        .map_while(|_| TcpStream::connect_timeout(&server.addr, patience).ok())
        .collect();
    let end_by = Instant::now() + Duration::from_secs(60);
    let mut last = server.footprint();
    let mut steady_since = Instant::now();
    while steady_since.elapsed() < Duration::from_millis(500) && Instant::now() < end_by {
        thread::sleep(Duration::from_millis(50));
        let now = server.footprint();
        if (now.processes, now.threads) != (last.processes, last.threads) {
            steady_since = Instant::now();
        }
        last = now;
    }
    (held.len(), server.footprint())
}

/// The kernel's memory for the stacks of all the machine's threads (`KernelStack` in
/// `/proc/meminfo`), in kB: a thread costs one there too, which no process's PSS shows.
pub fn kernel_stacks_kb() -> u64 {
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    common::measure::status_field_kb(&meminfo, "KernelStack").unwrap_or(0)
}

/// Whether `wrk` is installed; if not, what to do.
pub fn wrk_installed() -> Result<(), String> {
    match Command::new("wrk").arg("--version").output() {
        Ok(_) => Ok(()),
        Err(_) => Err("wrk is not installed: scripts/install-servers installs it".into()),
    }
}

/// The connections of a row, the number its workload begins with (`"1000 connections"`).
pub fn connections_of(row: &Row) -> Option<usize> {
    row.workload.split_whitespace().next()?.parse().ok()
}

/// A number of the row of `report` for `server` at `connections`: its `key` field.
pub fn figure(report: &Report, server: &str, connections: usize, key: &str) -> Option<f64> {
    let mut rows = report.rows().iter();
    let row = rows.find(|row| row.variant == server && connections_of(row) == Some(connections));
    row?.extra.get(key)?.as_f64()
}

/// `a / b`, as "2.31×", for the notes under a table; "—" where a figure is missing.
pub fn times(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "—".into(),
    }
}

/// Megabytes, to a tenth, from kB.
pub fn mb(kb: u64) -> f64 {
    (kb as f64 / 102.4).round() / 10.0
}

/// One line per server through its rows' (`connections`, `key`) points, for a plot.
pub fn series(report: &Report, key: &str) -> Vec<(String, Vec<(f64, f64)>)> {
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for row in report.rows() {
        let y = row.extra.get(key).and_then(|y| y.as_f64());
        let (Some(x), Some(y)) = (connections_of(row), y) else {
            continue;
        };
        let point = (x as f64, y);
        match lines.iter_mut().find(|(name, _)| *name == row.variant) {
            Some((_, points)) => points.push(point),
            None => lines.push((row.variant.clone(), vec![point])),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 1s test @ http://127.0.0.1:1/pages/1
  1 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   830.12us  100.00us   2.01s    90.00%
  Latency Distribution
     50%  830.00us
     75%    1.00ms
     90%    1.25ms
     99%    2.01s
  12345 requests in 1.00s, 10.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:  12345.67
Transfer/sec:     10.00MB
";

    #[test]
    fn a_wrk_report_is_read() {
        let wrk = parse_wrk(REPORT).unwrap();
        assert_eq!(wrk.requests, 12345);
        assert_eq!(wrk.requests_per_s, 12345.67);
        assert!((wrk.p50_ms - 0.83).abs() < 1e-9 && (wrk.p99_ms - 2010.0).abs() < 1e-9);
        assert_eq!(wrk.errors, 9);
        assert_eq!(parse_wrk("wrk: connection refused"), None);
    }

    #[test]
    fn contenders_are_chosen_by_name() {
        let names = |wanted: &[&str]| {
            let wanted: Vec<String> = wanted.iter().map(|w| w.to_string()).collect();
            contenders(&wanted)
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&[]).len(), CONTENDERS.len());
        assert_eq!(
            names(&["event loop"]),
            ["event loop, 1 thread", "event loop, 2 threads"]
        );
        assert_eq!(
            names(&["nginx", "Apache"]),
            ["nginx, 1 worker", "Apache prefork"]
        );
    }
}
