//! The report's SVG plots, each drawn from the rows of one or two runs.
//!
//! A figure whose rows are missing (a run that failed, Python not installed) is left
//! out, and the report lists only what it drew.

use std::path::Path;

use common::bars::Bars;
use common::plot::Plot;

use crate::markdown::Table;
use crate::{Row, bounds, is_python, number, text};

/// Draws every figure the rows allow into `out`: (file name, caption) of each.
pub fn draw(tables: &[Table], cores: usize, out: &Path) -> std::io::Result<Vec<(String, String)>> {
    let rows: Vec<&Row> = tables.iter().flat_map(|t| &t.rows).collect();
    let of = |program: &str| -> Vec<&Row> {
        rows.iter()
            .copied()
            .filter(|r| text(r, "program") == program)
            .collect()
    };
    let python = |workloads: &[&str]| -> Vec<&Row> {
        let of_python = rows.iter().copied().filter(|r| is_python(r));
        of_python
            .filter(|r| workloads.contains(&text(r, "workload")))
            .collect()
    };
    let mut drawn = Vec::new();
    let mut keep = |file: &str, caption: String, svg: Option<String>| -> std::io::Result<()> {
        if let Some(svg) = svg {
            std::fs::write(out.join(file), svg)?;
            drawn.push((file.to_string(), caption));
        }
        Ok(())
    };
    for (program, what, log) in [
        (
            "download",
            "160 cat pictures from the cat server, threads and processes",
            false,
        ),
        (
            "async_download",
            "the same downloads as tasks on one thread (log scales)",
            true,
        ),
        (
            "cpu_bound",
            "hash chains and sums of squares, on the machine's cores",
            false,
        ),
    ] {
        let svg = speedups(
            &of(program),
            cores,
            &format!("{program}: speedup against workers"),
            log,
        );
        keep(
            &format!("{program}.svg"),
            format!("{program}: {what}; the dashed line is the bound"),
            svg,
        )?;
    }
    let gil: Vec<&Row> = [of("gil_cpu"), of("cpu_bound"), python(&["hash_me"])].concat();
    keep(
        "gil_cpu.svg",
        "hash_me on two workers: one GIL, no GIL, processes; Rust and Python".into(),
        gil_bars(&gil),
    )?;
    let queues = [of("queue_throughput"), python(&["1 → 1", "4 → 1"])].concat();
    keep(
        "queue_throughput.svg",
        "messages per second through each channel, Rust and Python".into(),
        per_variant(
            &queues,
            "messages per second through each channel",
            "messages per second",
            "msgs_per_s",
            true,
        ),
    )?;
    let limits = [of("limits"), python(&["10000 units", "1000 units"])].concat();
    keep(
        "limits.svg",
        "what one sleeping task, thread or process costs to start and join".into(),
        per_variant(
            &limits,
            "limits: µs to start and join one unit",
            "µs per unit",
            "us_per_unit",
            false,
        ),
    )?;
    keep(
        "limits_memory.svg",
        "the memory each sleeping unit holds".into(),
        per_variant(
            &limits,
            "limits: memory per sleeping unit",
            "kB per unit",
            "kb_per_unit",
            false,
        ),
    )?;
    let spawn = [of("spawn_cost"), python(&["spawn + join"])].concat();
    keep(
        "spawn_cost.svg",
        "starting a thread or a process: Rust, and Python's fork and spawn".into(),
        per_variant(
            &spawn,
            "spawn_cost: µs to start and join one",
            "µs per unit",
            "per_unit_us",
            false,
        ),
    )?;
    let servers = of("compare_servers");
    keep(
        "servers_requests.svg",
        "requests per second under wrk, against its connections".into(),
        servers_plot(&servers, "req_per_s", "requests per second", false),
    )?;
    keep(
        "servers_memory.svg",
        "the servers' memory (PSS) under load, against connections".into(),
        servers_plot(&servers, "pss_mb", "PSS, MB", true),
    )?;
    Ok(drawn)
}

/// Speedup against workers: a line per variant (per workload and variant when there are
/// several workloads), each from the serial row's 1×, and the bound dashed.
fn speedups(rows: &[&Row], cores: usize, title: &str, log: bool) -> Option<String> {
    let workloads: Vec<&str> = unique(rows.iter().map(|r| text(r, "workload")));
    let mut plot = Plot::new(title)
        .x_axis("workers")
        .y_axis("speedup against serial");
    if log {
        plot = plot.log_x().log_y();
    }
    let mut bound: Vec<(f64, f64)> = vec![(1.0, 1.0)];
    let mut any = false;
    for row in rows.iter().filter(|r| number(r, "workers") > Some(1.0)) {
        let workers = number(row, "workers")?;
        if let Some(b) = bounds::of(row, cores)
            && !bound.iter().any(|&(w, _)| w == workers)
        {
            bound.push((workers, b.speedup));
        }
    }
    bound.sort_by(|a, b| a.0.total_cmp(&b.0));
    for workload in &workloads {
        let of_workload: Vec<&&Row> = rows
            .iter()
            .filter(|r| text(r, "workload") == *workload)
            .collect();
        for variant in unique(of_workload.iter().map(|r| text(r, "variant"))) {
            let mut points: Vec<(f64, f64)> = of_workload
                .iter()
                .filter(|r| text(r, "variant") == variant && number(r, "workers") > Some(1.0))
                .filter_map(|r| Some((number(r, "workers")?, number(r, "speedup")?)))
                .collect();
            if points.is_empty() {
                continue;
            }
            points.insert(0, (1.0, 1.0));
            let name = match workloads.len() {
                1 => variant.to_string(),
                _ => format!("{workload}, {variant}"),
            };
            plot = plot.series(name, points);
            any = true;
        }
    }
    let why = rows
        .iter()
        .find_map(|r| bounds::of(r, cores))
        .map(|b| b.why);
    if let Some(why) = why.filter(|_| bound.len() > 1) {
        plot = plot.dashed(format!("bound: {why}"), bound);
    }
    any.then(|| plot.horizontal(1.0, "1× = serial").to_svg().ok())?
}

/// `gil_cpu`'s model, `cpu_bound`'s threads and Python's real GIL, as speedup bars.
fn gil_bars(rows: &[&Row]) -> Option<String> {
    const GROUPS: [&str; 5] = [
        "serial",
        "threads, one GIL",
        "threads, a GIL each",
        "threads, no GIL",
        "processes",
    ];
    let mut found = Vec::new();
    for row in rows.iter().filter(|r| text(r, "workload") == "hash_me") {
        let (series, group) = match (text(row, "program"), text(row, "variant")) {
            ("gil_cpu", "serial") => ("Rust, gil_cpu's GIL", "serial"),
            ("gil_cpu", "gil-threads") => ("Rust, gil_cpu's GIL", "threads, one GIL"),
            ("gil_cpu", "threads") => ("Rust, gil_cpu's GIL", "threads, a GIL each"),
            ("gil_cpu", "processes") => ("Rust, gil_cpu's GIL", "processes"),
            ("python", "serial") => ("Python", "serial"),
            ("python", "threads") => ("Python", "threads, one GIL"),
            ("python", "processes") => ("Python", "processes"),
            ("cpu_bound", "threads") => ("Rust, no GIL", "threads, no GIL"),
            ("cpu_bound", "processes") => ("Rust, no GIL", "processes"),
            _ => continue,
        };
        found.push((
            GROUPS.iter().position(|g| *g == group),
            series,
            group,
            number(row, "speedup")?,
        ));
    }
    found.sort_by_key(|bar| bar.0);
    let mut bars = Bars::new("hash_me on two workers: speedup against serial").axis("× serial");
    for &(_, series, group, speedup) in &found {
        bars = bars.bar(series, group, speedup);
    }
    (!found.is_empty()).then(|| bars.to_svg().ok())?
}

/// One bar per variant of `key`, Rust and Python in two colours (or, for Rust rows of
/// several workloads, one colour per workload when `by_workload`).
fn per_variant(
    rows: &[&Row],
    title: &str,
    axis: &str,
    key: &str,
    by_workload: bool,
) -> Option<String> {
    let mut bars = Bars::new(title).axis(axis).log();
    let mut any = false;
    for row in rows {
        let Some(value) = number(row, key).filter(|v| *v > 0.0) else {
            continue;
        };
        let language = if is_python(row) { "Python" } else { "Rust" };
        let series = match by_workload {
            true => format!("{language}, {}", text(row, "workload")),
            false => language.to_string(),
        };
        bars = bars.bar(&series, text(row, "variant"), value);
        any = true;
    }
    any.then(|| bars.to_svg().ok())?
}

/// A line per server of `key` against wrk's connections.
fn servers_plot(rows: &[&Row], key: &str, axis: &str, log: bool) -> Option<String> {
    let connections = |row: &Row| text(row, "workload").split(' ').next()?.parse::<f64>().ok();
    let mut plot = Plot::new(format!("servers: {axis} against connections"))
        .x_axis("connections wrk keeps open")
        .y_axis(axis)
        .log_x();
    if log {
        plot = plot.log_y();
    }
    let servers = unique(rows.iter().map(|r| text(r, "variant")));
    for server in &servers {
        let points = rows.iter().filter(|r| text(r, "variant") == *server);
        let points = points.filter_map(|r| Some((connections(r)?, number(r, key)?)));
        plot = plot.series(*server, points.collect::<Vec<_>>());
    }
    (!servers.is_empty()).then(|| plot.to_svg().ok())?
}

/// The distinct values, in their first order.
fn unique<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}
