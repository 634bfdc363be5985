//! `cargo bench --bench links`: the native core on the same traces and rule sets as
//! `node bench/bench.mjs`. The traces come from the one generator, `bench/generate.mjs`, whose
//! output files this bench reads from `target/bench/` (it runs `node bench/generate.mjs` when they
//! are missing or older than the generator); the rule sets are `bench/settings/*.json`.
//!
//! A plain `Instant` harness: interleaved repetitions after warm-ups, printed as median [min–max],
//! the shape of the Node table (criterion's or divan's statistics would not make figures on a
//! loaded 2-core machine truer, and their dependencies would add minutes of compiling).
//! `BENCH_REPS` (default 20), `BENCH_WARMUP` (5) and `BENCH_100K=0` (skip the 100k trace) tune it.
use spanlink::{Correlator, Options, Trace};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `target/bench/trace-<n>.<format>.json`, generated first when missing or stale.
fn trace_file(n: usize, format: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let dir = target.join("bench");
    let path = dir.join(format!("trace-{n}.{format}.json"));
    let generator = root.join("bench/generate.mjs");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&path).is_none() || modified(&path) < modified(&generator) {
        let status = std::process::Command::new("node")
            .arg(&generator)
            .arg("--out")
            .arg(&dir)
            .arg("--spans")
            .arg("10000,100000")
            .status()
            .expect("`node` runs bench/generate.mjs, which writes the benchmark traces");
        assert!(status.success(), "bench/generate.mjs failed");
    }
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn settings(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("bench/settings/{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Median, min and max of a sample (the median of an even count is the mean of the middle two).
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

fn stats(mut xs: Vec<f64>) -> Stats {
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    let median = if xs.len() % 2 == 1 { xs[m] } else { (xs[m - 1] + xs[m]) / 2.0 };
    Stats { median, min: xs[0], max: xs[xs.len() - 1] }
}

/// A named figure: one run returns one sample of it.
type Case<'a> = (&'static str, Box<dyn FnMut() -> f64 + 'a>);

/// Runs every case once per round, `warmup` rounds unrecorded, then `reps` recorded; each case
/// returns its figure (ms, µs…). Interleaving spreads the machine's load over all cases alike.
fn interleave(cases: &mut [Case<'_>], reps: usize, warmup: usize) -> Vec<Stats> {
    let mut samples: Vec<Vec<f64>> = cases.iter().map(|_| Vec::new()).collect();
    for round in 0..warmup + reps {
        for (i, (_, case)) in cases.iter_mut().enumerate() {
            let v = case();
            if round >= warmup {
                samples[i].push(v);
            }
        }
    }
    samples.into_iter().map(stats).collect()
}

fn ms(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1e3
}

/// Every span's links, one call per span: the median call in µs.
fn per_span_median(correlator: &Correlator, trace: &Trace, ids: &[String]) -> f64 {
    let each: Vec<f64> = ids
        .iter()
        .map(|id| {
            let t = Instant::now();
            drop(correlator.span_links(trace, id).unwrap());
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    stats(each).median
}

fn main() {
    let reps = env_or("BENCH_REPS", 20);
    let warmup = env_or("BENCH_WARMUP", 5);
    let jaeger = trace_file(10_000, "jaeger");
    let otlp = trace_file(10_000, "otlp");
    let (base, heavy, rules20) = (settings("base"), settings("heavy"), settings("rules20"));
    let correlator = Correlator::new(base.as_str(), Options::default()).unwrap();
    let heavy_correlator = Correlator::new(heavy.as_str(), Options::default()).unwrap();
    let trace = Trace::from_json(&jaeger).unwrap();
    let ids: Vec<String> = trace.spans.iter().map(|s| s.span_id.clone()).collect();
    let links: usize = correlator.trace_links(&trace).unwrap().iter().map(|(_, l)| l.len()).sum();

    let mut cases: Vec<Case> = vec![
        (
            "trace_links, 10k spans (ms)",
            Box::new(|| ms(|| drop(correlator.trace_links(&trace).unwrap()))),
        ),
        (
            "span_links, one span: median (µs)",
            Box::new(|| per_span_median(&correlator, &trace, &ids)),
        ),
        (
            "heavier rules: trace_links (ms)",
            Box::new(|| ms(|| drop(heavy_correlator.trace_links(&trace).unwrap()))),
        ),
        (
            "Trace::from_json, jaeger (MB/s)",
            Box::new(|| {
                jaeger.len() as f64 / 1e3 / ms(|| drop(Trace::from_json(&jaeger).unwrap()))
            }),
        ),
        (
            "Trace::from_json, otlp (MB/s)",
            Box::new(|| otlp.len() as f64 / 1e3 / ms(|| drop(Trace::from_json(&otlp).unwrap()))),
        ),
        (
            "Correlator::new, 20 rules (µs)",
            Box::new(|| {
                ms(|| {
                    for _ in 0..50 {
                        drop(Correlator::new(rules20.as_str(), Options::default()).unwrap());
                    }
                }) * 1e3
                    / 50.0
            }),
        ),
    ];
    let results = interleave(&mut cases, reps, warmup);
    println!(
        "spanlink native bench: generated shop trace (seed 1), 10,000 spans, jaeger {:.1} MB, {links} links (base rules); {reps} interleaved reps after {warmup} warm-ups",
        jaeger.len() as f64 / 1e6
    );
    println!("| figure | target | median [min–max] |");
    println!("|---|---|---|");
    let targets = ["≤ 15 ms", "", "≤ 1.5× base", "≥ 150 MB/s", "≥ 150 MB/s", "≤ 1000 µs"];
    for (((name, _), s), target) in cases.iter().zip(&results).zip(targets) {
        println!("| {name} | {target} | {:.2} [{:.2}–{:.2}] |", s.median, s.min, s.max);
    }
    drop(cases);

    if env_or("BENCH_100K", 1) != 0 {
        let big = Trace::from_json(&trace_file(100_000, "jaeger")).unwrap();
        let mut cases: Vec<Case> = vec![(
            "trace_links, 100k spans (ms)",
            Box::new(|| ms(|| drop(correlator.trace_links(&big).unwrap()))),
        )];
        let s = &interleave(&mut cases, reps.min(5), 1)[0];
        println!(
            "| {} | ≤ 10.5× 10k | {:.2} [{:.2}–{:.2}] ({:.2}× 10k) |",
            cases[0].0,
            s.median,
            s.min,
            s.max,
            s.median / results[0].median
        );
    }
}
