//! Worker processes: this program started again in the role [`ROLE`], each a worker of
//! its own (as `cargo run -p distributed --bin worker` is), on this host or inside a
//! network namespace. Their lines come back as [`Event`]s: who is ready, who did which
//! job when. A worker dies with the program that started it (`PR_SET_PDEATHSIG`), and
//! dropping [`Workers`] stops every one that is left.

use std::io::{self, BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use common::process::{self, ROLE_FLAG, Role, flag_value};

use crate::engine::{self, WorkerSettings};

/// The role a worker child is started in.
pub const ROLE: &str = "worker";

/// The roles of this crate's programs, for `common::process::run_child` first thing in
/// `main`.
pub fn roles() -> [Role; 1] {
    [process::role(ROLE, serve_as_child)]
}

/// In a worker child: its settings from the flags its parent gave, then the worker.
fn serve_as_child() -> Result<(), Box<dyn std::error::Error>> {
    runtime()?.block_on(engine::work(&settings_from_parent()?))
}

/// In a worker child: the settings its parent gave it as flags.
pub fn settings_from_parent() -> Result<WorkerSettings, Box<dyn std::error::Error>> {
    let flag = |name: &str| flag_value(name).ok_or(format!("a worker child needs {name}"));
    Ok(WorkerSettings {
        url: flag("--redis")?,
        queue: flag("--queue")?,
        name: flag("--name")?,
        concurrency: flag("--concurrency")?.parse()?,
    })
}

/// A worker's runtime: one async thread for the broker's traffic and the heartbeat, and
/// tokio's blocking threads for the jobs themselves.
pub fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// What a worker said.
#[derive(Debug, Clone)]
pub enum Event {
    /// It connected and takes jobs.
    Ready { worker: usize },
    /// It took job `job` from the queue; `line` is what it printed.
    Taken {
        worker: usize,
        job: u64,
        at: Instant,
        line: String,
    },
    /// It finished job `job`, which took `took`.
    Done {
        worker: usize,
        job: u64,
        took: Duration,
        at: Instant,
        line: String,
    },
    /// Its output ended: it stopped or died.
    Gone { worker: usize },
}

/// Running worker processes, and what they say.
pub struct Workers {
    children: Vec<Child>,
    names: Vec<String>,
    killed: Vec<usize>,
    events: Receiver<Event>,
}

impl Workers {
    /// Starts one worker process for each of `settings`, started in `role` (usually
    /// [`ROLE`]), in network namespace `netns` (by its index) when that gives one. If one
    /// cannot start, those already started are stopped again.
    pub fn start(
        role: &str,
        settings: &[WorkerSettings],
        netns: impl Fn(usize) -> Option<String>,
    ) -> io::Result<Workers> {
        let (tx, events) = mpsc::channel();
        let names = settings.iter().map(|s| s.name.clone()).collect();
        let mut workers = Workers {
            children: Vec::new(),
            names,
            killed: Vec::new(),
            events,
        };
        for (worker, settings) in settings.iter().enumerate() {
            let mut command = command(role, netns(worker).as_deref())?;
            command
                .args(["--redis", &settings.url, "--queue", &settings.queue])
                .args(["--name", &settings.name])
                .args(["--concurrency", &settings.concurrency.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit());
            let mut child = command.spawn()?;
            let stdout = child.stdout.take().expect("stdout was piped");
            let tx = tx.clone();
            std::thread::spawn(move || listen(worker, BufReader::new(stdout), tx));
            workers.children.push(child);
        }
        Ok(workers)
    }

    /// Waits until every worker has said it is ready, at most `limit`.
    pub fn wait_until_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        let mut ready = 0;
        while ready < self.children.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Event::Ready { .. }) => ready += 1,
                Ok(Event::Gone { worker }) => return Err(self.died(worker)),
                Ok(_) => {}
                Err(_) => {
                    return Err(format!(
                        "{ready} of {} workers ready in time",
                        self.names.len()
                    ));
                }
            }
        }
        Ok(())
    }

    /// What the workers said, as it comes.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// The workers' names, by index.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Each worker's process id.
    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    /// Whether worker `worker` was killed on purpose, by [`Workers::kill`].
    pub fn was_killed(&self, worker: usize) -> bool {
        self.killed.contains(&worker)
    }

    /// Why worker `worker` is gone, when nobody killed it: its exit status, said.
    pub fn died(&mut self, worker: usize) -> String {
        let how = match self.children[worker].wait() {
            Ok(status) => common::process::describe(status),
            Err(e) => e.to_string(),
        };
        format!(
            "{} ended by itself ({how}); its error is above",
            self.names[worker]
        )
    }

    /// Kills worker `worker` with SIGKILL, as a crash would: no goodbye, no clean-up, its
    /// jobs left on the broker. Returns when it is dead.
    pub fn kill(&mut self, worker: usize) -> io::Result<Instant> {
        let child = &mut self.children[worker];
        child.kill()?;
        child.wait()?;
        self.killed.push(worker);
        Ok(Instant::now())
    }

    /// Asks every worker still running to stop (SIGTERM): it finishes its job, leaves the
    /// broker's worker set and ends; its last lines still arrive as events.
    pub fn stop(&mut self) {
        for child in &mut self.children {
            process::terminate(child);
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.stop();
        let deadline = Instant::now() + Duration::from_secs(5);
        for child in &mut self.children {
            process::wait_or_kill(child, deadline);
        }
    }
}

/// This program as a worker child: here, or in network namespace `netns`.
fn command(role: &str, netns: Option<&str>) -> io::Result<Command> {
    let Some(netns) = netns else {
        return process::child_command(role);
    };
    // `ip netns exec` enters the namespace, then executes the program in its own place:
    // same process, so the pid, the pipes and death-with-parent all carry over.
    let mut command = Command::new("ip");
    command
        .args(["netns", "exec", netns])
        .arg(std::env::current_exe()?)
        .args([ROLE_FLAG, role])
        .stdin(Stdio::null());
    process::die_with_parent(&mut command);
    Ok(command)
}

/// Reads a worker's lines into events, until its output ends.
fn listen(worker: usize, out: impl BufRead, tx: Sender<Event>) {
    for line in out.lines() {
        let Ok(line) = line else { break };
        let at = Instant::now();
        let event = if let Some(job) = engine::parse_taken(&line) {
            Event::Taken {
                worker,
                job,
                at,
                line,
            }
        } else if let Some((job, took)) = engine::parse_done(&line) {
            Event::Done {
                worker,
                job,
                took,
                at,
                line,
            }
        } else if line.contains(": ready (") {
            Event::Ready { worker }
        } else {
            continue;
        };
        if tx.send(event).is_err() {
            return;
        }
    }
    let _ = tx.send(Event::Gone { worker });
}
