//! `ttokjang`: the server and the operator's commands.

use std::io::Write as _;
use std::process::ExitCode;

use ttokjang::cli::{self, Command};
use ttokjang::config::Config;
use ttokjang::logging;
use ttokjang::server;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let command = match cli::parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        // Help and --version print and exit 0; a usage error prints and exits 2.
        Err(e) => e.exit(),
    };
    if let Command::Completions(shell) = command {
        return match std::io::stdout().write_all(&cli::completions(shell)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ttokjang: cannot write the completion script: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ttokjang: {e}");
            return ExitCode::from(2);
        }
    };
    logging::init(config.log_format, &config.log_filter);
    let result = match command {
        Command::Serve => serve(&config).await,
        other => cli::run_admin(other, &config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "ttokjang stopped");
            eprintln!("ttokjang: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: &Config) -> Result<(), server::StartError> {
    let running = server::start(config).await?;
    tracing::info!(
        addr = %running.addr,
        backend = config.database.name(),
        "ttokjang is serving on http://{}",
        running.addr
    );
    // actix handles SIGINT/SIGTERM: stop accepting, finish requests in flight
    // (up to the shutdown timeout), then return.
    running.server.await?;
    if let Some(scheduler) = running.scheduler {
        scheduler.stop(std::time::Duration::from_secs(10)).await;
    }
    tracing::info!("ttokjang stopped cleanly");
    Ok(())
}
