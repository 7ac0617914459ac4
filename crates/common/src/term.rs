//! The spinner's status line: `\r| thinking!` redrawn in place on a terminal, one plain
//! line anywhere else, and wiped cleanly at the end or on Ctrl-C.
//!
//! The Python originals write `\r` frames whatever stdout is, so a pipe or a log file fills
//! with carriage returns. Ours ask first: [`stdout_is_terminal`].
//!
//! Beside it, what programs share for the terminal: flag parsers ([`parse_seconds`],
//! [`parse_f64_in`]) and [`wrap`], for prose printed within a width.

use std::io::{IsTerminal, Write};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The spinner's frames, as in Fluent Python's spinners: backslash, bar, slash, dash.
pub const FRAMES: &str = r"\|/-";

/// Width of the status line now on the screen (0: none), so that a Ctrl-C can wipe it.
static ON_SCREEN: AtomicUsize = AtomicUsize::new(0);

/// Is standard output a terminal (and not a pipe or a file)?
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// One status line, redrawn frame by frame.
#[derive(Debug)]
pub struct StatusLine {
    message: String,
    animate: bool,
    frames: u64,
}

impl StatusLine {
    /// A status line that animates only when stdout is a terminal.
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_animation(message, stdout_is_terminal())
    }

    /// A status line that animates (`\r` frames) or not, as told.
    pub fn with_animation(message: impl Into<String>, animate: bool) -> Self {
        StatusLine {
            message: message.into(),
            animate,
            frames: 0,
        }
    }

    /// Draws one frame: `\r<frame> <message>` on a terminal. Elsewhere the first frame is
    /// printed once as a plain line and the others are only counted.
    pub fn draw(&mut self, frame: char) {
        let status = format!("{frame} {}", self.message);
        let mut out = std::io::stdout().lock();
        if self.animate {
            let _ = write!(out, "\r{status}");
            let _ = out.flush();
            ON_SCREEN.store(status.chars().count(), Ordering::Relaxed);
        } else if self.frames == 0 {
            drop(out);
            // `println!`, not a write to the handle: a test that draws a line captures it.
            println!("{status}");
        }
        self.frames += 1;
    }

    /// Wipes the line (`\r`, blanks, `\r`), ready for the next frame or the next output.
    pub fn clear(&mut self) {
        if self.animate {
            wipe(ON_SCREEN.swap(0, Ordering::Relaxed));
        }
    }

    /// How many frames have been drawn (or, off a terminal, would have been).
    pub fn frames(&self) -> u64 {
        self.frames
    }
}

impl Drop for StatusLine {
    /// A spinner that is cancelled or panics still leaves a clean line behind.
    fn drop(&mut self) {
        self.clear();
    }
}

fn wipe(width: usize) {
    if width > 0 {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\r{}\r", " ".repeat(width));
        let _ = out.flush();
    }
}

/// Installs a Ctrl-C handler that wipes the status line and exits with status 130 (the
/// shell's code for "ended by SIGINT"), so an interrupted spinner leaves a clean line.
/// Call it once, early in `main`.
pub fn wipe_line_on_ctrl_c() {
    let installed = ctrlc::set_handler(|| {
        ON_SCREEN.store(0, Ordering::Relaxed);
        if stdout_is_terminal() {
            // `\x1b[2K` erases the whole line: our frame and the `^C` the terminal echoed.
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
        }
        eprintln!("interrupted");
        std::process::exit(130);
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C will not wipe the status line: {e}");
    }
}

/// For a child process that draws on its parent's terminal: Ctrl-C reaches every process of
/// the terminal's foreground group, but only the parent should answer it. The parent wipes
/// the line and exits, and the child dies with it.
pub fn leave_ctrl_c_to_parent() {
    // Safety: setting a signal's disposition to "ignore" is a plain system call, and no
    // handler function is involved.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
}

/// Waits until Ctrl-C is pressed or `limit` (if any) has passed: how a server serves
/// "until you stop it". Returns `true` for Ctrl-C. It installs the process's one Ctrl-C
/// handler, so call it once.
pub fn wait_for_ctrl_c(limit: Option<Duration>) -> std::io::Result<bool> {
    let (pressed, ctrl_c) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = pressed.send(());
    })
    .map_err(std::io::Error::other)?;
    Ok(match limit {
        Some(limit) => ctrl_c.recv_timeout(limit).is_ok(),
        None => ctrl_c.recv().is_ok(),
    })
}

/// The flags every spinner shares: how long the slow work takes, how often a frame is
/// drawn, and where to draw the timeline.
#[derive(Debug, Clone, clap::Args)]
pub struct SpinnerArgs {
    /// How long `slow()` takes, in seconds.
    #[arg(long, default_value = "2", value_parser = parse_seconds)]
    pub seconds: Duration,
    /// Time between two frames of the spinner, in milliseconds.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub interval_ms: u64,
    /// Write a Gantt chart of who ran when (the work, each frame) to this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub timeline: Option<PathBuf>,
}

impl SpinnerArgs {
    /// The pause between two frames.
    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.interval_ms)
    }
}

/// The flag of every program that deadlocks on purpose: how long a waiter waits before it
/// gives up. Giving up is how the program detects the deadlock, and breaks it.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct PatienceFlag {
    /// How long a waiter (a thread, a job) waits before it gives up, in milliseconds
    #[arg(long = "patience-ms", value_name = "MS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(20..=10_000))]
    pub patience_ms: u64,
}

impl PatienceFlag {
    /// The patience, as a duration.
    pub fn patience(&self) -> Duration {
        Duration::from_millis(self.patience_ms)
    }
}

/// Parses a number given to a flag, such as `--scale 0.5`, and checks that it lies in
/// `range`: programs reject a bad value with a message instead of running with it.
///
/// ```
/// use common::term::parse_f64_in;
/// assert_eq!(parse_f64_in("0.5", 0.001..=10.0), Ok(0.5));
/// assert!(parse_f64_in("0", 0.001..=10.0).is_err());
/// assert!(parse_f64_in("NaN", 0.001..=10.0).is_err());
/// assert!(parse_f64_in("lots", 0.001..=10.0).is_err());
/// ```
pub fn parse_f64_in(text: &str, range: RangeInclusive<f64>) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{value} is out of range: give a number from {} to {}",
            range.start(),
            range.end()
        ))
    }
}

/// Parses a duration in seconds such as `2` or `0.5`: positive, at most ten minutes.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 600.0) {
        return Err(format!(
            "{seconds} s is out of range: give a duration above 0 and at most 600"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The line every spinner prints after its answer: how many frames it drew, over how long.
pub fn frames_report(frames: u64, elapsed: Duration, interval: Duration) -> String {
    format!(
        "spinner: {frames} frames in {:.2} s (one every {} ms)",
        elapsed.as_secs_f64(),
        interval.as_millis()
    )
}

/// Reads the frame count back from a [`frames_report`] line (for tests and scripts).
pub fn frames_in_report(line: &str) -> Option<u64> {
    line.strip_prefix("spinner: ")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `text` broken into lines of at most `width` characters, at spaces; a word longer than
/// `width` gets a line of its own.
///
/// ```
/// use common::term::wrap;
/// assert_eq!(wrap("one two three", 7), ["one two", "three"]);
/// ```
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Off a terminal, frames are counted but only the first is printed.
    #[test]
    fn counts_frames_without_animation() {
        let mut line = StatusLine::with_animation("thinking!", false);
        for frame in FRAMES.chars().cycle().take(10) {
            line.draw(frame);
            line.clear();
        }
        assert_eq!(line.frames(), 10);
    }

    /// Seconds must be a positive number.
    #[test]
    fn seconds_are_checked() {
        assert_eq!(parse_seconds("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert!(parse_seconds("soon").is_err());
    }

    /// The report line can be read back.
    #[test]
    fn report_round_trips() {
        let line = frames_report(17, Duration::from_millis(2013), Duration::from_millis(100));
        assert_eq!(line, "spinner: 17 frames in 2.01 s (one every 100 ms)");
        assert_eq!(frames_in_report(&line), Some(17));
        assert_eq!(frames_in_report("Answer: 42"), None);
    }

    /// The frames are Fluent Python's four, in its order.
    #[test]
    fn frames_are_fluent_pythons() {
        let first: String = FRAMES.chars().cycle().take(6).collect();
        assert_eq!(first, "\\|/-\\|");
    }

    /// Lines break at spaces, never past the width unless a word is longer; no text, no
    /// lines; runs of spaces count as one.
    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        assert_eq!(
            wrap("Cannot start a runtime from within a runtime.", 20),
            ["Cannot start a", "runtime from within", "a runtime."]
        );
        assert_eq!(wrap("", 10), Vec::<String>::new());
        assert_eq!(wrap("a  b\n c", 3), ["a b", "c"]);
        assert_eq!(wrap("incinerator is hot", 5), ["incinerator", "is", "hot"]);
        assert_eq!(wrap("gophers × 4", 9), ["gophers ×", "4"]);
    }
}
