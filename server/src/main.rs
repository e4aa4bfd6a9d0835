//! Starts the Customer Portal: reads the configuration, opens and migrates the
//! database, starts the workers and serves until Ctrl-C or SIGTERM. With `admin …`,
//! runs the support desk's tool instead (`server --help`).

use std::process::ExitCode;

use portal_core::Portal;
use server::admin::{self, Command, HELP};
use server::{Config, router, workers};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

/// mimalloc rather than glibc's malloc. A page render makes and frees thousands of
/// small objects across the async workers: under glibc that was a fifth of the
/// server's time. mimalloc also hands each Argon2 hash's 19 MiB back to the system
/// once freed, which glibc needed a fixed `M_MMAP_THRESHOLD` for.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc gives freed memory back to the system only on a later call into it,
/// after a delay: an idle server would keep what its last burst freed. Purging at
/// once costs nothing the benchmarks can see.
fn give_freed_memory_back_at_once() {
    /// `mi_option_purge_delay` in mimalloc.h's `mi_option_t`, which the Rust bindings
    /// do not name.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one of mimalloc's tuning options; any value is valid.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

fn main() -> ExitCode {
    give_freed_memory_back_at_once();
    run()
}

#[tokio::main]
async fn run() -> ExitCode {
    let args: Option<Vec<String>> = std::env::args_os().skip(1).map(|arg| arg.into_string().ok()).collect();
    let Some(args) = args else {
        eprintln!("error: the command line is not valid UTF-8");
        return ExitCode::from(2);
    };
    let command = match Command::parse(&args) {
        Ok(command) => command,
        Err(usage) => {
            eprintln!("error: {usage}");
            return ExitCode::from(2);
        }
    };
    // The admin tool keeps its logs to warnings on stderr, so its report reads clean.
    let (default_level, writer) = match command {
        Command::Admin(_) => ("warn", BoxMakeWriter::new(std::io::stderr)),
        _ => ("info", BoxMakeWriter::new(std::io::stdout)),
    };
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level)))
        .init();
    match command {
        Command::Help => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Command::Admin(admin) => admin::run(admin).await,
        Command::Serve => serve_until_stopped().await,
    }
}

async fn serve_until_stopped() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    let portal = Portal::start(&config.portal).await.map_err(|error| format!("cannot open the database: {error}"))?;
    workers::spawn_all(&portal);

    let listener = tokio::net::TcpListener::bind(config.leptos.site_addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", config.leptos.site_addr))?;
    tracing::info!("Customer Portal listening on http://{} (site URL {})", config.leptos.site_addr, config.site_url);
    server::serve(listener, router(&config, portal), shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before exit.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
