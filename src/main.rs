use clap::Parser;

/// What is logged unless `RUST_LOG` says otherwise: our own news, not the database client's
/// notices ("extension postgis already exists") or the migration library's.
const DEFAULT_LOG: &str = "info,postgres=warn,tokio_postgres=warn,rusqlite_migration=warn";

fn main() -> std::process::ExitCode {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| DEFAULT_LOG.into()),
        )
        .with_writer(std::io::stderr)
        // Colours for a terminal only: a log file or journal gets plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match frontline::cli::run(frontline::config::Cli::parse().command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
