//! `council`: the Council orchestrator and its tools.
//!
//! Today it carries the witness tools and the demo; the gatekeeper, the SIP bridge and the daemon join it as they
//! land. Errors reach the user here, at the edge, through `anyhow`.

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
    /// Serve SIP: answer calls (today with an echo of the caller's audio), witnessed.
    Serve(serve::Args),
    /// Place one SIP call (echoing what the callee sends), keep it for a while, hang up.
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
