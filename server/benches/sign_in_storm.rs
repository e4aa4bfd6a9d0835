//! Hundreds of customers signing in at once, against the real router over loopback:
//! how long they wait, whether the server keeps answering other requests meanwhile
//! (Argon2 must not run on the async workers), and how much memory it takes (the
//! hashing pool's bound must keep it flat). Prints figures; asserts nothing.
//!
//! `bench/sign-in.sh`, or `cargo bench -p server --bench sign_in_storm`.
//! `BENCH_SIGN_INS` sets how many sign in at once (default 300).

use std::time::{Duration, Instant};

use portal_core::Portal;
use portal_core::network_budgets::NetworkLimits;
use portal_core::password::Password;
use portal_core::requester::Requester;
use server::Config;

const PASSWORD: &str = "tangerine orchestra 42";

fn main() {
    // SAFETY: first thing in `main`; no other thread exists yet.
    unsafe { server::allocator::give_freed_memory_back_at_once() };
    storm();
}

#[tokio::main]
async fn storm() {
    let sign_ins: usize = std::env::var("BENCH_SIGN_INS").ok().and_then(|n| n.parse().ok()).unwrap_or(300);
    let folder = std::env::temp_dir().join(format!("portal-bench-{}", std::process::id()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::local(addr, format!("sqlite://{}/portal.db?mode=rwc", folder.display()));
    // Every customer here signs in from one loopback address: one network.
    config.portal.networks = NetworkLimits { registrations_per_hour: u32::MAX, password_checks_per_hour: u32::MAX };
    let portal = Portal::start(&config.portal).await.unwrap();
    // One account a customer: sign-ins to one account are throttled as guesses
    // once more than the free tries are in flight at once.
    let registering = (0..sign_ins).map(|customer| {
        let accounts = portal.accounts.clone();
        tokio::spawn(async move {
            let email = format!("customer{customer}@example.com");
            accounts.register("Customer", &email, Password::new(PASSWORD.into()), &Requester::default()).await.unwrap();
        })
    });
    for registered in registering.collect::<Vec<_>>() {
        registered.await.unwrap();
    }
    tokio::spawn(server::serve(listener, server::router(&config, portal), config.connections, std::future::pending()));

    let client = reqwest::Client::new();
    let base = format!("http://{addr}");
    let rss_before = peak_rss_mib();
    let started = Instant::now();

    let storm = (0..sign_ins).map(|customer| {
        let (client, url, origin) = (client.clone(), format!("{base}/api/sign_in"), base.clone());
        let email = format!("customer{customer}@example.com");
        tokio::spawn(async move {
            let sent = Instant::now();
            let response = client
                .post(url)
                .header("origin", origin)
                .form(&[("email", email.as_str()), ("password", PASSWORD)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            sent.elapsed()
        })
    });
    let storm: Vec<_> = storm.collect();

    // Meanwhile, a health check every 20 ms: its latency shows whether the async
    // workers stay free while the hashing pool is saturated.
    let mut health = Vec::new();
    while storm.iter().any(|task| !task.is_finished()) {
        let sent = Instant::now();
        client.get(format!("{base}/healthz")).send().await.unwrap();
        health.push(sent.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut waits = Vec::new();
    for task in storm {
        waits.push(task.await.unwrap());
    }
    let wall = started.elapsed();
    let _ = std::fs::remove_dir_all(folder);

    println!(
        "sign-in storm: {sign_ins} concurrent sign-ins, hashing pool of {} ({} cores)",
        config.portal.hashing.concurrency,
        cores()
    );
    println!(
        "  wall time            {:>9.2} s   ({:.1} sign-ins/s)",
        wall.as_secs_f64(),
        sign_ins as f64 / wall.as_secs_f64()
    );
    println!(
        "  sign-in latency      p50 {}   p95 {}   max {}",
        ms(&mut waits, 0.50),
        ms(&mut waits, 0.95),
        ms(&mut waits, 1.0)
    );
    println!(
        "  /healthz meanwhile   p50 {}   p95 {}   max {}   ({} probes)",
        ms(&mut health, 0.50),
        ms(&mut health, 0.95),
        ms(&mut health, 1.0),
        health.len()
    );
    println!(
        "  peak RSS             {rss_before:.0} MiB before, {:.0} MiB after (Argon2 holds 19 MiB a hash)",
        peak_rss_mib()
    );
}

fn ms(samples: &mut [Duration], quantile: f64) -> String {
    samples.sort();
    let index = ((samples.len() as f64 * quantile).ceil() as usize).clamp(1, samples.len()) - 1;
    format!("{:>7.1} ms", samples[index].as_secs_f64() * 1000.0)
}

/// The process's peak resident memory, from Linux's /proc.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
