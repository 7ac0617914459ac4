//! Hosts on one machine: Linux network namespaces, each with its own network stack (its
//! own interfaces, addresses, routes, loopback), joined by virtual Ethernet cables.
//!
//! [`Hosts::create`] makes a broker host and N worker hosts, named after this process:
//!
//! ```text
//!   this machine ──veth──┐
//!   host1 ─────────veth──┤ bridge in the broker host, 10.213.0.1/24
//!   host2 ─────────veth──┘ (this machine 10.213.0.2, host i 10.213.0.(10+i))
//! ```
//!
//! A process in host1 reaches the broker only over its cable, as over a network: no
//! shared loopback. Everything made is removed again when [`Hosts`] is dropped, on
//! Ctrl-C ([`remove_on_ctrl_c`]), and, for what a killed run left, at the next start.
//! Making namespaces needs root (`CAP_SYS_ADMIN`) and the `ip` program.

use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;
use std::sync::Mutex;

/// Every name this program made that is not removed yet: what Ctrl-C removes.
static MADE: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The first three parts of every address the hosts have.
const NET: [u8; 3] = [10, 213, 0];

/// The namespaces of one run: the broker's host and the workers' hosts.
#[derive(Debug)]
pub struct Hosts {
    broker: String,
    workers: Vec<String>,
    root_link: String,
}

impl Hosts {
    /// Makes the broker's host and `workers` worker hosts, cabled as above.
    pub fn create(workers: usize) -> Result<Hosts, String> {
        can_make_hosts()?;
        remove_leftovers();
        let used = ip_args(&["-4", "-o", "addr"])?;
        let net = format!("{}.{}.{}.", NET[0], NET[1], NET[2]);
        if used.contains(&net) {
            return Err(format!(
                "this machine already has addresses in {net}0/24; the run needs that network for its hosts"
            ));
        }
        let prefix = format!("cdist-{}", std::process::id());
        let hosts = Hosts {
            broker: format!("{prefix}-broker"),
            workers: (1..=workers).map(|i| format!("{prefix}-host{i}")).collect(),
            root_link: format!("cd{}r", std::process::id()),
        };
        for name in std::iter::once(&hosts.broker).chain(&hosts.workers) {
            ip_args(&["netns", "add", name])?;
            remember(name);
            ip_args(&["-n", name, "link", "set", "lo", "up"])?;
        }
        let b = &hosts.broker;
        ip_args(&["-n", b, "link", "add", "br0", "type", "bridge"])?;
        ip_args(&["-n", b, "addr", "add", &format!("{net}1/24"), "dev", "br0"])?;
        ip_args(&["-n", b, "link", "set", "br0", "up"])?;
        // This machine's own cable to the broker's host: how the program sends its jobs.
        hosts.cable(None, &hosts.root_link, 0, &format!("{net}2/24"))?;
        for (i, host) in hosts.workers.iter().enumerate() {
            let link = format!("cd{}h{}", std::process::id(), i + 1);
            hosts.cable(Some(host), &link, i + 1, &format!("{net}{}/24", 10 + i + 1))?;
        }
        Ok(hosts)
    }

    /// A veth pair: `link` in `host` (this machine when `None`) with `addr`, its other
    /// end in the broker's host, on the bridge.
    fn cable(&self, host: Option<&str>, link: &str, i: usize, addr: &str) -> Result<(), String> {
        if host.is_none() {
            remember(link);
        }
        // ANCHOR: cable
        let b = &self.broker;
        // A virtual Ethernet cable: one end here, one in the broker's host,
        ip(&format!(
            "link add {link} type veth peer name b{i} netns {b}"
        ))?;
        // plugged into the broker host's bridge,
        ip(&format!("-n {b} link set b{i} master br0 up"))?;
        // and this end moved into its own host (or left on this machine).
        let mut inside = String::new();
        if let Some(host) = host {
            ip(&format!("link set {link} netns {host}"))?;
            inside = format!("-n {host} ");
        }
        ip(&format!("{inside}addr add {addr} dev {link}"))?;
        ip(&format!("{inside}link set {link} up"))?;
        // ANCHOR_END: cable
        Ok(())
    }

    /// The broker host's namespace.
    pub fn broker(&self) -> &str {
        &self.broker
    }

    /// The worker hosts' namespaces.
    pub fn workers(&self) -> &[String] {
        &self.workers
    }

    /// The broker host's address, on its bridge.
    pub fn broker_addr(&self) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(NET[0], NET[1], NET[2], 1))
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        remove(&self.root_link);
        for name in self.workers.iter().chain([&self.broker]) {
            remove(name);
        }
    }
}

/// Whether this process can make hosts: root, and the `ip` program.
pub fn can_make_hosts() -> Result<(), String> {
    // Safety: `geteuid` only reads this process's user id.
    if unsafe { libc::geteuid() } != 0 {
        return Err("making network namespaces needs root: run it as root (sudo), or run submit for the same jobs on this host".into());
    }
    ip_args(&["-V"])
        .map(drop)
        .map_err(|e| format!("the ip program (Debian's iproute2) is needed: {e}"))
}

/// On Ctrl-C: removes every namespace and link this program made, then exits with 130.
/// The processes inside die with this program, and the namespaces with them.
pub fn remove_on_ctrl_c() -> Result<(), String> {
    // ctrlc runs the handler on a thread of its own, where anything may be done.
    ctrlc::set_handler(|| {
        let made = MADE.lock().map(|made| made.clone()).unwrap_or_default();
        for name in made.iter().rev() {
            remove(name);
        }
        eprintln!(
            "interrupted: removed the {} namespaces and links this run made",
            made.len()
        );
        std::process::exit(130);
    })
    .map_err(|e| format!("cannot catch Ctrl-C: {e}"))
}

fn remember(name: &str) {
    if let Ok(mut made) = MADE.lock() {
        made.push(name.to_string());
    }
}

/// Removes a namespace or a link this program made (a link's other end goes with it).
fn remove(name: &str) {
    let _ = if name.starts_with("cdist-") {
        ip_args(&["netns", "del", name])
    } else {
        ip_args(&["link", "del", name])
    };
    if let Ok(mut made) = MADE.lock() {
        made.retain(|made| made != name);
    }
}

/// Namespaces a killed run left behind (named after a process that is gone).
fn remove_leftovers() {
    for name in &namespaces() {
        let Some(pid) = name
            .strip_prefix("cdist-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = ip_args(&["netns", "del", name]);
            let _ = ip_args(&["link", "del", &format!("cd{pid}r")]);
        }
    }
}

/// The names of the machine's network namespaces (none if `ip` cannot list them).
fn namespaces() -> Vec<String> {
    let list = ip_args(&["netns", "list"]).unwrap_or_default();
    let names = list
        .lines()
        .filter_map(|line| line.split_whitespace().next());
    names.map(str::to_string).collect()
}

/// Runs `ip` with the words of `line`.
fn ip(line: &str) -> Result<String, String> {
    ip_args(&line.split_whitespace().collect::<Vec<_>>())
}

/// Runs `ip ARGS`; its output, or its complaint.
fn ip_args(args: &[&str]) -> Result<String, String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Every namespace and link name of this process that exists now: none, after a drop.
pub fn left_behind(pid: u32) -> Vec<String> {
    let mut left = Vec::new();
    let prefix = format!("cdist-{pid}-");
    left.extend(namespaces().into_iter().filter(|n| n.starts_with(&prefix)));
    if let Ok(links) = ip_args(&["-o", "link"]) {
        // This machine's cable `cd{pid}r`, and worker ends `cd{pid}h{n}` not yet moved.
        let ours = |name: &str| {
            let rest = name.strip_prefix(&format!("cd{pid}"));
            rest.is_some_and(|rest| {
                rest == "r"
                    || rest
                        .strip_prefix('h')
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        };
        let names = links.lines().filter_map(|l| l.split(": ").nth(1));
        let names = names.map(|n| n.split('@').next().unwrap_or(n));
        left.extend(names.filter(|n| ours(n)).map(str::to_string));
    }
    left
}
