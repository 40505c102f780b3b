//! `council`: the Council orchestrator and its tools.
//!
//! The daemon (`run`: gatekeeper and SIP with the council conference; or `serve` and `gatekeeper` alone), a SIP
//! caller and an H.323 terminal for tests and demos, the witness tools and the demo. Errors reach the user here, at the edge, through `anyhow`.

mod daemon;
mod demo;
mod gatekeeper;
mod guardian;
mod h225;
mod serve;
mod witness;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "council",
    version,
    about = "Council: H.323 council conferences with SIP experts bridged in, witnessed"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The witness log: keys, verification, reading.
    #[command(subcommand)]
    Witness(witness::Command),
    /// Run the live demo: real media through real pipelines into the witness log, then verify it.
    Demo(demo::Args),
    /// Run the daemon: the gatekeeper and SIP in one process, every answered call a seat in the council.
    Run(daemon::RunArgs),
    /// Serve SIP only: answer calls (a seat in the council, or an echo), witnessed.
    Serve(serve::Args),
    /// Place one SIP call (echoing what the callee sends, or a tone with --tone), keep it for a while, hang up.
    Call(serve::CallArgs),
    /// Run the H.323 gatekeeper (H.225.0 RAS over UDP) with the four admission gates, witnessed.
    Gatekeeper(gatekeeper::Args),
    /// Be an H.323 terminal: register, ask admission, call with Fast Start, send a tone, record, hang up.
    Guardian(guardian::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("COUNCIL_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Witness(cmd) => witness::run(cmd),
        Command::Demo(args) => demo::run(args),
        Command::Run(args) => daemon::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Call(args) => serve::call(args),
        Command::Gatekeeper(args) => gatekeeper::run(args),
        Command::Guardian(args) => guardian::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("council: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// clap's own consistency checks of every subcommand (unique names and groups, valid defaults).
    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
