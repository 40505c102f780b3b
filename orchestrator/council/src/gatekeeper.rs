//! `council gatekeeper`: Council's H.323 gatekeeper on a UDP socket — the sans-IO `council-gatekeeper` state
//! machine, the `council-h225` wire layer, the witness log.
//!
//! One thread serves RAS: receive, decode, decide, encode, send, witness. That keeps a decision's cost to the work
//! itself (no hand-offs between threads), and makes overload simple: what the thread cannot take waits in the
//! socket's receive buffer and, when that is full, the kernel drops it — no queue grows, no thread is added,
//! and when the flood stops the backlog is gone within a buffer's worth of decisions. Endpoints retransmit RAS
//! requests (H.225.0 §7.5), so a dropped request is retried, not lost.

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use council_gatekeeper::wire::{Incoming, decode_request, encode_reply};
use council_gatekeeper::{Gatekeeper, Output};

use crate::serve::config::ServeConfig;

#[derive(clap::Args)]
pub struct Args {
    /// Configuration file (TOML; see config/council.toml): `[gatekeeper]`, `[gates]`, `[witness]`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// RAS address, UDP (port 0: any free port). Overrides `[gatekeeper] ras`.
    #[arg(long)]
    ras: Option<SocketAddr>,
    /// Council's call-signalling address told to endpoints. Overrides `[gatekeeper] h225`.
    #[arg(long)]
    h225: Option<SocketAddr>,
    /// Directory of the witness log. Overrides `[witness] dir`.
    #[arg(long)]
    witness_dir: Option<PathBuf>,
    /// What answered calls get: a seat in the council, or an echo. Overrides `[media] mode`.
    #[arg(long, value_enum)]
    media: Option<crate::serve::config::MediaMode>,
}

/// The receive buffer asked for: room for a burst of several thousand RAS requests.
const RECEIVE_BUFFER: usize = 4 << 20;

/// The calls the gates admitted into a council, by call key (the callIdentifier in hex), with the council's name —
/// as the RAS thread's decisions say (its witness entries): call signalling takes a Setup only for one of them, so
/// no call gets into a council around the gates.
#[derive(Clone, Default)]
pub struct Admissions(Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>);

impl Admissions {
    /// Follows one decision of the gatekeeper.
    fn observe(&self, kind: &str, fields: &serde_json::Map<String, serde_json::Value>) {
        let Some(call) = fields.get("call").and_then(|v| v.as_str()) else {
            return;
        };
        let mut calls = self.0.lock().unwrap();
        if kind == council_witness::kind::CALL_ADMITTED {
            if let Some(council) = fields
                .get("destination")
                .and_then(|v| v.as_str())
                .and_then(|d| d.strip_prefix("council:"))
            {
                calls.insert(call.to_owned(), council.to_owned());
            }
        } else if kind == council_witness::kind::CALL_RELEASED {
            calls.remove(call);
        }
    }

    /// The council call `call` was admitted into, if it was.
    pub fn council_of(&self, call: &str) -> Option<String> {
        self.0.lock().unwrap().get(call).cloned()
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = ServeConfig::load_with(args.config.as_deref(), |c| {
        if let Some(a) = args.ras {
            c.gatekeeper.ras = a;
        }
        if let Some(a) = args.h225 {
            c.gatekeeper.h225 = a;
        }
        if let Some(d) = args.witness_dir {
            c.witness.dir = d;
        }
        if let Some(m) = args.media {
            c.media.mode = m;
        }
    })?;
    council_media::init()?;
    let witness = config.open_witness()?;
    let daemon = crate::serve::Daemon::media(&config, &witness)?;
    let stop = Arc::new(AtomicBool::new(false));
    stop_on_signals(stop.clone())?;
    serve(
        &config,
        witness,
        daemon.media.clone(),
        daemon.ports.clone(),
        &stop,
    )?;
    daemon.stop();
    Ok(ExitCode::SUCCESS)
}

/// Serves RAS (on this thread) and H.225.0 call signalling (on threads of its own) until `stop`, each call's media
/// from `media` on a port of `ports`, every decision into `witness`.
pub fn serve(
    config: &ServeConfig,
    witness: crate::serve::Witness,
    media: council_media::Media,
    ports: council_media::RtpPorts,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let (log, log_path, key_path) = witness;
    let socket = UdpSocket::bind(config.gatekeeper.ras)
        .with_context(|| format!("binding RAS on {}", config.gatekeeper.ras))?;
    set_receive_buffer(&socket, RECEIVE_BUFFER);
    let ras = socket.local_addr()?;
    // Endpoint identifiers are not guessable from one run to the next (they are also checked against the
    // request's source address).
    let mut salt = [0u8; 4];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let prefix = format!("{}-", council_witness::hex(&salt));
    // Call signalling: Council takes the calls its ACFs route to it (the council), on threads of their own.
    let h225 = std::net::TcpListener::bind(config.gatekeeper.h225).with_context(|| {
        format!(
            "binding H.225.0 call signalling on {}",
            config.gatekeeper.h225
        )
    })?;
    let h225_addr = h225.local_addr()?;
    let admissions = Admissions::default();
    let signalling = crate::h225::Signalling {
        media_ip: config.media.ip,
        codecs: config.media.codecs.clone(),
        witness: council_media::WitnessSpec {
            location: log_path,
            key: key_path,
        },
        log: log.clone(),
        rtp_timeout: Duration::from_secs(config.media.rtp_timeout),
        media,
        ports,
        admissions: Some(admissions.clone()),
    };
    // Stopped (calls released, their threads joined) when this function returns, on every path.
    let h225_server = crate::h225::start(h225, signalling)?;
    let mut gk_config = config.gatekeeper.clone();
    gk_config.h225 = h225_addr;
    let mut gk = Gatekeeper::new(gk_config, config.gates.clone(), ras, h225_addr, &prefix)?;
    println!("council gatekeeper: ras udp {ras} h225 {h225_addr}");
    let mut buf = vec![0u8; 65536];
    let (mut requests, mut undecodable, mut ignored) = (0u64, 0u64, 0u64);
    while !stop.load(Ordering::Relaxed) {
        // Wake for the next registration expiry, and at least every 200 ms to see a stop request.
        let now = Instant::now();
        let wait = gk
            .poll_timeout()
            .map_or(Duration::from_millis(200), |t| {
                t.saturating_duration_since(now)
            })
            .clamp(Duration::from_millis(1), Duration::from_millis(200));
        socket.set_read_timeout(Some(wait))?;
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => {
                requests += 1;
                match decode_request(&buf[..n]) {
                    Ok(Incoming::Request(r)) => gk.handle_request(Instant::now(), from, r),
                    Ok(Incoming::Ignored(kind)) => {
                        ignored += 1;
                        tracing::debug!(%from, kind, "not a request for a gatekeeper");
                    }
                    Err(e) => {
                        undecodable += 1;
                        tracing::debug!(%from, "dropped: {e}");
                    }
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => tracing::debug!("RAS receive: {e}"),
        }
        let now = Instant::now();
        if gk.poll_timeout().is_some_and(|t| t <= now) {
            gk.handle_timeout(now);
        }
        while let Some(out) = gk.poll_output() {
            match out {
                Output::Reply { to, reply } => match encode_reply(&reply) {
                    Ok(bytes) => {
                        if let Err(e) = socket.send_to(&bytes, to) {
                            tracing::debug!(%to, "RAS send: {e}");
                        }
                    }
                    Err(e) => tracing::error!("cannot encode {reply:?}: {e}"),
                },
                Output::Witness { kind, fields } => {
                    admissions.observe(kind, &fields);
                    if let Err(e) = log.append(kind, fields) {
                        tracing::error!("witness log: {e}");
                    }
                }
            }
        }
    }
    // What is still registered and admitted ends with the gatekeeper, in the log too.
    // Call signalling stops taking calls, releases those still up, and lets go of its handles on the log.
    h225_server.stop();
    gk.shutdown();
    while let Some(out) = gk.poll_output() {
        if let Output::Witness { kind, fields } = out
            && let Err(e) = log.append(kind, fields)
        {
            tracing::error!("witness log: {e}");
        }
    }
    let s = gk.stats();
    tracing::info!(
        requests,
        undecodable,
        ignored,
        registered = s.registered,
        admitted = s.admitted,
        rejected = s.rejected,
        released = s.released,
        "shutting down"
    );
    drop(log);
    Ok(())
}

/// SO_RCVBUF, best effort (the kernel caps it at net.core.rmem_max).
fn set_receive_buffer(socket: &UdpSocket, bytes: usize) {
    use std::os::fd::AsRawFd;
    let value = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
    // SAFETY: setsockopt on our own open socket, with a pointer to a live c_int and its size.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        tracing::debug!("SO_RCVBUF not set");
    }
}

/// Sets `stop` on SIGINT or SIGTERM (a small runtime on its own thread waits for them).
fn stop_on_signals(stop: Arc<AtomicBool>) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            rt.block_on(async {
                let Ok(mut term) =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                else {
                    return;
                };
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                stop.store(true, Ordering::Relaxed);
            });
        })?;
    Ok(())
}
