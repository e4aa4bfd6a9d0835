//! Starts the Customer Portal: reads the configuration, opens and migrates the
//! database, starts the workers and serves until Ctrl-C or SIGTERM. With `migrate`,
//! only brings the schema up to date; with `admin …`, runs the support desk's tool
//! instead (`server --help`).

use std::process::ExitCode;

use portal_core::Portal;
use server::admin::{self, Command, HELP};
use server::logging::{self, LogFormat};
use server::{Config, Readiness, allocator, router_with, workers};
use tracing_subscriber::fmt::writer::BoxMakeWriter;

fn main() -> ExitCode {
    // SAFETY: first thing in `main`; no other thread exists yet.
    unsafe { allocator::give_freed_memory_back_at_once() };
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
    let format = match LogFormat::from_env() {
        Ok(format) => format,
        Err(problem) => {
            eprintln!("error: {problem}");
            return ExitCode::from(2);
        }
    };
    // The admin tool keeps its logs to warnings on stderr, so its report reads clean.
    let (default_level, writer) = match command {
        Command::Admin(_) => ("warn", BoxMakeWriter::new(std::io::stderr)),
        _ => ("info", BoxMakeWriter::new(std::io::stdout)),
    };
    logging::init(format, default_level, writer);
    match command {
        Command::Help => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Command::Admin(admin) => admin::run(admin).await,
        Command::Serve => serve_until_stopped().await,
        Command::Migrate => migrate().await,
    }
}

/// `server migrate`: applies the pending migrations (under PostgreSQL's advisory
/// lock, so it may run beside starting servers) and says where the schema stands.
async fn migrate() -> ExitCode {
    let result = async {
        let config = Config::from_env()?;
        let db = portal_core::db::connect(&config.portal.database_url).await?;
        let schema = portal_core::db::migrate(&db).await?;
        if !schema.unknown.is_empty() {
            return Err(portal_core::StartError::SchemaAhead(schema.unknown).into());
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    };
    match result.await {
        Ok(()) => {
            tracing::info!("the database schema is current");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("cannot migrate: {error}");
            ExitCode::FAILURE
        }
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
    if let Some(addr) = config.metrics_addr {
        let listener = tokio::net::TcpListener::bind(addr).await;
        listener
            .and_then(server::metrics::serve)
            .map_err(|error| format!("cannot serve metrics on {addr}: {error}"))?;
    }
    let portal = Portal::start(&config.portal).await.map_err(|error| format!("cannot open the database: {error}"))?;
    workers::spawn_all(&portal);

    let listener = tokio::net::TcpListener::bind(config.leptos.site_addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", config.leptos.site_addr))?;
    tracing::info!("Customer Portal listening on http://{} (site URL {})", config.leptos.site_addr, config.site_url);
    let readiness = Readiness::default();
    let (stopping, stopped_taking) = tokio::sync::oneshot::channel();
    let (draining, drain) = (readiness.clone(), config.shutdown_drain);
    let stop = async move {
        drain_then_stop(draining, drain).await;
        let _ = stopping.send(());
    };
    let serving = server::serve(listener, router_with(&config, portal, readiness), config.connections, stop);
    let finish = config.shutdown_finish;
    let deadline = async {
        match stopped_taking.await {
            Ok(()) => tokio::time::sleep(finish).await,
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        served = serving => served?,
        () = deadline => tracing::warn!(seconds = finish.as_secs(), "stopping: requests still in flight were cut off"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves when the server should stop taking connections: at once on Ctrl-C;
/// on SIGTERM (an orchestrator stopping it), after `/readyz` said "not ready" for
/// `drain`, meanwhile serving as before, so the load balancer moves on first.
/// Requests in flight then finish before exit.
async fn drain_then_stop(readiness: Readiness, drain: std::time::Duration) {
    if let Stop::Terminate = stop_signal().await
        && !drain.is_zero()
    {
        readiness.drain();
        tracing::info!(seconds = drain.as_secs(), "stopping: not ready from now on, draining");
        tokio::time::sleep(drain).await;
    }
    tracing::info!("stopping: requests in flight finish");
}

/// What asked the server to stop.
enum Stop {
    Interrupt,
    Terminate,
}

async fn stop_signal() -> Stop {
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
        () = interrupt => Stop::Interrupt,
        () = terminate => Stop::Terminate,
    }
}
