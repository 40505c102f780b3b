//! `council run`: the daemon — the H.323 gatekeeper (RAS and call signalling) and the SIP user agent in one
//! process, every answered call, guardian or expert, a seat in the one council conference (or an echo, with
//! `--media echo`), every decision and every stream in one witness log.
//!
//! RAS keeps its own thread (see `gatekeeper`), SIP its tokio runtime (see `serve`); both take their calls'
//! media from the same [`council_media::Media`]. SIGINT/SIGTERM end the SIP side (BYE to every call still up),
//! then RAS, then the conference.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;

use crate::serve::{self, Daemon};

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    serve: serve::Args,
    /// RAS address, UDP (port 0: any free port). Overrides `[gatekeeper] ras`.
    #[arg(long)]
    ras: Option<SocketAddr>,
    /// Council's H.225.0 call-signalling address, TCP (port 0: any). Overrides `[gatekeeper] h225`.
    #[arg(long)]
    h225: Option<SocketAddr>,
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let mut config = args.serve.config()?;
    if let Some(a) = args.ras {
        config.gatekeeper.ras = a;
    }
    if let Some(a) = args.h225 {
        config.gatekeeper.h225 = a;
    }
    council_media::init().context("initialising GStreamer")?;
    let witness = config.open_witness()?;
    let daemon = Daemon::media(&config, &witness)?;
    let stop = Arc::new(AtomicBool::new(false));
    // The gatekeeper failing (e.g. its port is taken) stops the SIP side too, as a signal would.
    let failed = Arc::new(tokio::sync::Notify::new());
    let ras = {
        let (config, witness, media, ports, stop, failed) = (
            config.clone(),
            (witness.0.clone(), witness.1.clone(), witness.2.clone()),
            daemon.media.clone(),
            daemon.ports.clone(),
            stop.clone(),
            failed.clone(),
        );
        std::thread::Builder::new()
            .name("ras".into())
            .spawn(move || {
                let result = crate::gatekeeper::serve(&config, witness, media, ports, &stop);
                if result.is_err() {
                    failed.notify_one();
                }
                result
            })?
    };
    let served = serve::runtime()?.block_on(serve::serve(
        config,
        None,
        daemon.media.clone(),
        daemon.ports.clone(),
        witness,
        Some(failed),
    ));
    stop.store(true, Ordering::Relaxed);
    let gatekeeper = ras
        .join()
        .map_err(|_| anyhow::anyhow!("the gatekeeper thread panicked"))?;
    daemon.stop();
    gatekeeper.context("gatekeeper")?;
    served?;
    Ok(ExitCode::SUCCESS)
}
