//! `council serve`: the daemon's SIP side. Every answered call gets its media through the real leg pipelines
//! (`council-media`), witnessed: a seat in the council conference (`[media] mode = "council"`, the default) or an
//! echo of the caller (`"echo"`).
//!
//! The shape is mini-redis's: a UDP reader task, a TCP accept loop with a task per connection, and one core task
//! that owns the sans-IO user agent ([`ua::Ua`]), the media sessions and the witness log; they talk over
//! channels. Media pipelines start and stop on tokio's blocking pool; their end (RTP timeout, error) comes back
//! through a bus sync handler. SIGINT/SIGTERM end every call and close the log cleanly.

pub mod config;
pub mod ua;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use council_media::{EchoSpec, Media, PortLease, RtpPorts, Session, WitnessSpec};
use council_sip::framing::{Frame, StreamDecoder};
use council_sip::parse_datagram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;

use config::ServeConfig;
use ua::{Input, Output, Peer, Ua, UaConfig};

#[derive(clap::Args)]
pub struct Args {
    /// Configuration file (TOML; see config/council.toml). Every key is optional.
    #[arg(long)]
    config: Option<PathBuf>,
    /// SIP listening address, UDP and TCP (port 0: any free port). Overrides `[sip] listen`.
    #[arg(long)]
    sip: Option<SocketAddr>,
    /// Directory of the witness log (`witness.log`, signed with `witness.key` if present). Overrides
    /// `[witness] dir`.
    #[arg(long)]
    witness_dir: Option<PathBuf>,
    /// Seconds without RTP that end a call. Overrides `[media] rtp-timeout`.
    #[arg(long)]
    rtp_timeout: Option<u64>,
    /// What answered calls get: a seat in the council, or an echo. Overrides `[media] mode`.
    #[arg(long, value_enum)]
    media: Option<config::MediaMode>,
}

impl Args {
    /// The configuration file with these flags applied.
    pub fn config(&self) -> anyhow::Result<ServeConfig> {
        ServeConfig::load_with(self.config.as_deref(), |c| {
            if let Some(a) = self.sip {
                c.sip.listen = a;
            }
            if let Some(d) = &self.witness_dir {
                c.witness.dir = d.clone();
            }
            if let Some(t) = self.rtp_timeout {
                c.media.rtp_timeout = t;
            }
            if let Some(m) = self.media {
                c.media.mode = m;
            }
        })
    }
}

/// `council call`: place one call with the same machinery, keep it, hang up.
#[derive(clap::Args)]
pub struct CallArgs {
    /// Who to call: a SIP URI whose host part is an IP address and port, e.g. sip:ada@127.0.0.1:5070.
    to: String,
    /// Our From URI.
    #[arg(long, default_value = "sip:council@127.0.0.1")]
    from: String,
    /// Seconds to keep the call once answered (then BYE); unanswered by then, it is cancelled.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Send a tone of this many Hz and record what we hear (with `--record`), instead of echoing the callee.
    #[arg(long, requires = "record")]
    tone: Option<u32>,
    /// Where to record what we hear (WAV, 8 kHz mono), with `--tone`.
    #[arg(long, requires = "tone")]
    record: Option<PathBuf>,
    #[command(flatten)]
    serve: Args,
}

/// The one call `council call` places.
pub struct Dial {
    peer: SocketAddr,
    to: String,
    from: String,
    seconds: u64,
}

/// What reaches the core task.
enum Event {
    Ua(Input),
    /// A TCP connection opened (with the sender of its writes) or closed.
    TcpOpen(u64, mpsc::UnboundedSender<Vec<u8>>),
    TcpClosed(u64),
    /// A call's media session is up (started on the blocking pool), on the port it leased.
    MediaUp(ua::CallNo, Instant, Session, PortLease),
    /// A held call keeps its port without a session.
    PortKept(ua::CallNo, PortLease),
    /// A call's media session did not start.
    MediaFailed(ua::CallNo, Instant, String),
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    council_media::init().context("initialising GStreamer")?;
    let witness = config.open_witness()?;
    let media = Daemon::media(&config, &witness)?;
    let runtime = runtime()?;
    runtime.block_on(serve(
        config,
        None,
        media.media.clone(),
        media.ports.clone(),
        witness,
        None,
    ))?;
    media.stop();
    Ok(ExitCode::SUCCESS)
}

pub fn call(args: CallArgs) -> anyhow::Result<ExitCode> {
    let host = args
        .to
        .strip_prefix("sip:")
        .map(|rest| rest.rsplit('@').next().unwrap_or(rest))
        .and_then(|hostport| hostport.split(';').next())
        .and_then(|hostport| hostport.parse::<SocketAddr>().ok())
        .with_context(|| format!("{}: give a sip: URI with an IP address and port", args.to))?;
    let dial = Dial {
        peer: host,
        to: args.to,
        from: args.from,
        seconds: args.seconds,
    };
    // Our own media: an echo of the callee, or a tone out and a recording in.
    let media = match (args.tone, args.record) {
        (Some(freq), Some(record)) => Media::Tone { freq, record },
        _ => Media::Echo,
    };
    let config = args.serve.config()?;
    council_media::init().context("initialising GStreamer")?;
    let witness = config.open_witness()?;
    let ports = config.rtp_ports()?;
    let answered = runtime()?.block_on(serve(config, Some(dial), media, ports, witness, None))?;
    // `council call` says whether its call was answered.
    Ok(if answered {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The runtime of the SIP side.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")
}

/// The witness log as [`ServeConfig::open_witness`] opens it: the log, its path, its key's path.
pub type Witness = (council_witness::WitnessLog, PathBuf, Option<PathBuf>);

/// The media of a daemon's answered calls, as configured, and the council conferences behind it (if any), which
/// end with the daemon.
pub struct Daemon {
    pub media: Media,
    /// The ports its calls receive RTP on (one pool for SIP and H.323).
    pub ports: RtpPorts,
    councils: Option<council_media::Councils>,
}

impl Daemon {
    /// One conference per configured council (`[[gates.council]]`), each started with its first participant; a
    /// call for no council in particular joins the first one.
    pub fn media(config: &ServeConfig, witness: &Witness) -> anyhow::Result<Self> {
        let ports = config.rtp_ports()?;
        Ok(match config.media.mode {
            config::MediaMode::Echo => Self {
                media: Media::Echo,
                ports,
                councils: None,
            },
            config::MediaMode::Council => {
                let default = config
                    .gates
                    .councils
                    .first()
                    .map_or("council", |c| c.name.as_str());
                let councils = council_media::Councils::new(
                    WitnessSpec {
                        location: witness.1.clone(),
                        key: witness.2.clone(),
                    },
                    default,
                );
                Self {
                    media: Media::Council(councils.clone()),
                    ports,
                    councils: Some(councils),
                }
            }
        })
    }

    /// Ends the council conferences (every call's media has stopped by now).
    pub fn stop(self) {
        if let Some(c) = self.councils {
            c.stop(Duration::from_millis(500));
        }
    }
}

/// The configured digest algorithms, by name.
fn digest_algorithms(names: &[String]) -> anyhow::Result<Vec<council_sip::auth::Algorithm>> {
    names
        .iter()
        .map(|n| {
            council_sip::auth::Algorithm::from_name(n)
                .ok_or_else(|| anyhow::anyhow!("sip.digest-algorithms: unknown algorithm {n:?}"))
        })
        .collect()
}

/// Binds UDP and TCP on the same address; with port 0, on the same free port.
async fn bind(addr: SocketAddr) -> anyhow::Result<(UdpSocket, TcpListener)> {
    for _ in 0..20 {
        let udp = UdpSocket::bind(addr)
            .await
            .with_context(|| format!("binding SIP UDP on {addr}"))?;
        let bound = udp.local_addr()?;
        match TcpListener::bind(bound).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) if addr.port() == 0 => {
                tracing::debug!("TCP port {bound} taken ({e}); trying another")
            }
            Err(e) => return Err(e).with_context(|| format!("binding SIP TCP on {bound}")),
        }
    }
    bail!("no port free for both UDP and TCP on {addr}")
}

/// Serves until a signal or `stop` is notified (or, with `dial`, until its call is over), each call's media from
/// `media`, received on a port of `ports`; returns whether any call was answered.
pub async fn serve(
    config: ServeConfig,
    dial: Option<Dial>,
    media: Media,
    ports: RtpPorts,
    witness: Witness,
    stop: Option<Arc<tokio::sync::Notify>>,
) -> anyhow::Result<bool> {
    let (log, log_path, key_path) = witness;

    let (udp, tcp) = bind(config.sip.listen).await?;
    let local = udp.local_addr()?;
    let udp = Arc::new(udp);
    println!("council serve: sip udp {local} tcp {local}");
    tracing::info!(%local, "SIP listening");

    let run_id = std::process::id()
        ^ (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos()));
    let mut local_media = council_sdp::LocalMedia::new(config.media.ip, 0);
    local_media.codecs = config.media.codecs.clone();
    local_media.ptime_ms = config.media.ptime;
    let auth = match config.sip.auth {
        config::AuthMode::None => None,
        config::AuthMode::Digest => {
            // A fresh secret per start: nonces of an earlier run are stale, and callers retry without asking.
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret)
                .map_err(|e| anyhow::anyhow!("no randomness for nonces: {e}"))?;
            Some(
                council_sip::auth::Challenger::new(
                    config.sip.realm.clone(),
                    secret,
                    Duration::from_secs(config.sip.nonce_lifetime),
                )
                .map_err(|e| anyhow::anyhow!("sip.realm: {e}"))?
                .with_algorithms(&digest_algorithms(&config.sip.digest_algorithms)?),
            )
        }
    };
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut ua = Ua::new(
        UaConfig {
            contact: local,
            media_ip: config.media.ip,
            media: local_media,
            invite_rate: config.sip.invite_rate,
            invite_burst: config.sip.invite_burst,
            timers: Default::default(),
            auth,
            users: config
                .sip
                .users
                .iter()
                .map(|u| (u.name.clone(), u.password.clone()))
                .collect(),
            gates: config.gates.clone(),
            epoch: (Instant::now(), unix),
        },
        run_id,
    )
    .context("gates")?;

    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    // UDP input waits in a bounded queue: under a flood the excess is dropped there (UDP senders retransmit),
    // so memory does not grow with the load.
    let (udp_tx, mut udp_rx) = mpsc::channel::<Input>(UDP_BACKLOG);
    tokio::spawn(udp_reader(udp.clone(), udp_tx));
    tokio::spawn(tcp_acceptor(
        tcp,
        tx.clone(),
        TcpLimits {
            total: config.sip.tcp_max_connections,
            per_source: config.sip.tcp_max_per_source,
            first_message: Duration::from_secs(config.sip.tcp_first_message_timeout),
        },
    ));

    let mut conns: HashMap<u64, mpsc::UnboundedSender<Vec<u8>>> = HashMap::new();
    // Each call's media session, and the RTP port it holds.
    let mut sessions: HashMap<ua::CallNo, (Session, PortLease)> = HashMap::new();
    // The RTP ports of calls without a session: placed and not answered yet, or held.
    let mut leases: HashMap<ua::CallNo, PortLease> = HashMap::new();
    // One media task per call at a time: the calls with a session starting or being rebuilt, each with the last
    // media command that came meanwhile (run when the task reports back), and the commands released so.
    let mut busy: HashMap<ua::CallNo, Option<Output>> = HashMap::new();
    let mut released: std::collections::VecDeque<Output> = Default::default();
    let rtp_timeout = Duration::from_secs(config.media.rtp_timeout);
    let witness = WitnessSpec {
        location: log_path.clone(),
        key: key_path,
    };
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    // Made once, so a signal that arrives while the loop is busy is not missed.
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;

    // A call's echo session as negotiated, receiving on `port` (0: any).
    let echo_spec =
        |n: &council_sdp::Negotiated, remote: SocketAddr, port: u16, no: ua::CallNo| EchoSpec {
            codec: n.codec,
            payload_type: n.payload_type,
            local: SocketAddr::new(config.media.ip, port),
            remote,
            ptime_ms: n.ptime_ms,
            witness: witness.clone(),
            label: format!("sip-{run_id:08x}-{no}"),
            rtp_timeout,
        };

    // `council call`: place the call now, end it after its time.
    let mut hang_up_at: Option<(Instant, ua::CallNo)> = None;
    if let Some(d) = &dial {
        // The offer needs our RTP port before the session exists (its codec comes with the answer): take one
        // now; the session binds it when the answer comes.
        let lease = ports.lease_port(config.media.ip)?;
        let mut local = council_sdp::LocalMedia::new(config.media.ip, lease.port());
        local.codecs = config.media.codecs.clone();
        local.ptime_ms = config.media.ptime;
        let now = Instant::now();
        let no = ua
            .place_call(
                now,
                Peer {
                    addr: d.peer,
                    conn: None,
                },
                &d.to,
                &d.from,
                local,
            )
            .map_err(|e| anyhow::anyhow!("cannot place the call: {e}"))?;
        leases.insert(no, lease);
        hang_up_at = Some((now + Duration::from_secs(d.seconds), no));
    }

    loop {
        let deadline = match (ua.poll_timeout(), hang_up_at) {
            (Some(a), Some((b, _))) => Some(a.min(b)),
            (a, b) => a.or(b.map(|(t, _)| t)),
        };
        let sleep = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(input) = udp_rx.recv() => ua.handle(input),
            ev = rx.recv() => match ev {
                Some(Event::Ua(input)) => ua.handle(input),
                Some(Event::TcpOpen(n, w)) => { conns.insert(n, w); }
                Some(Event::TcpClosed(n)) => { conns.remove(&n); }
                Some(Event::MediaUp(no, at, session, lease)) => {
                    released.extend(busy.remove(&no).flatten());
                    let port = session.local_port();
                    sessions.insert(no, (session, lease));
                    ua.handle(Input::MediaStarted(at, no, port));
                }
                Some(Event::PortKept(no, lease)) => {
                    released.extend(busy.remove(&no).flatten());
                    // Unless the call ended meanwhile.
                    if ua.has_call(no) {
                        leases.insert(no, lease);
                    }
                }
                Some(Event::MediaFailed(no, at, why)) => {
                    released.extend(busy.remove(&no).flatten());
                    ua.handle(Input::MediaFailed(at, no, why));
                }
                None => break,
            },
            () = sleep => {
                let now = Instant::now();
                if let Some((at, no)) = hang_up_at && now >= at {
                    hang_up_at = None;
                    ua.end_call(now, no);
                }
                ua.handle(Input::Timeout(now));
            }
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
            () = async {
                match &stop {
                    Some(stop) => stop.notified().await,
                    None => std::future::pending().await,
                }
            } => break,
        }
        while let Some(out) = released.pop_front().or_else(|| ua.poll_output()) {
            // A command for a call whose media task is still running waits for it (the last one wins); a
            // start or rebuild released so is dropped if the call has ended meanwhile.
            if let Output::StartMedia(no, ..)
            | Output::RestartMedia(no, ..)
            | Output::StopMedia(no) = &out
            {
                if let Some(parked) = busy.get_mut(no) {
                    *parked = Some(out);
                    continue;
                }
                if !matches!(out, Output::StopMedia(_)) && !ua.has_call(*no) {
                    continue;
                }
            }
            match out {
                Output::Send(peer, bytes) => match peer.conn {
                    None => {
                        if let Err(e) = udp.send_to(&bytes, peer.addr).await {
                            tracing::debug!(%peer.addr, "UDP send failed: {e}");
                        }
                    }
                    Some(n) => {
                        if let Some(w) = conns.get(&n) {
                            let _ = w.send(bytes);
                        }
                    }
                },
                Output::StartMedia(no, negotiated, port) => {
                    let Some(remote) = negotiated.remote else {
                        // On hold from the start: nothing to echo to; answer with a port all the same.
                        ua.handle(Input::MediaFailed(
                            Instant::now(),
                            no,
                            "no address to send to".into(),
                        ));
                        continue;
                    };
                    // The call's port: a call we placed has had one since its offer; an answer takes one now.
                    // It travels with the session (and comes back with it, or is dropped if it fails).
                    let lease = match leases.remove(&no) {
                        Some(lease) => lease,
                        None => match ports.lease(config.media.ip) {
                            Ok(lease) => lease,
                            Err(e) => {
                                ua.handle(Input::MediaFailed(Instant::now(), no, e.to_string()));
                                continue;
                            }
                        },
                    };
                    let port = lease.port_or(port);
                    let spec = echo_spec(&negotiated, remote, port, no);
                    let tx = tx.clone();
                    // Off the core task: a pipeline takes milliseconds to start.
                    let media = media.clone();
                    let council = ua.council_of(no);
                    busy.insert(no, None);
                    tokio::task::spawn_blocking(move || {
                        start_media(&media, council.as_deref(), &spec, no, lease, &tx)
                    });
                }
                Output::StopMedia(no) => {
                    // The port goes back once the session has let go of it (a session still starting has its
                    // lease with it, and is stopped when it comes up: the UA stops media of an ended call).
                    leases.remove(&no);
                    if let Some((s, lease)) = sessions.remove(&no) {
                        tokio::task::spawn_blocking(move || {
                            s.stop(Duration::from_millis(300));
                            drop(lease);
                        });
                    }
                }
                Output::RestartMedia(no, negotiated, port) => {
                    // The session is rebuilt on the call's port: its lease goes along (kept apart while held).
                    let (old, lease) = match sessions.remove(&no) {
                        Some((s, lease)) => (Some(s), lease),
                        None => match leases
                            .remove(&no)
                            .map_or_else(|| ports.lease(config.media.ip), Ok)
                        {
                            Ok(lease) => (None, lease),
                            Err(e) => {
                                ua.handle(Input::MediaFailed(Instant::now(), no, e.to_string()));
                                continue;
                            }
                        },
                    };
                    let sends = negotiated.direction.sends();
                    let port = lease.port_or(port);
                    let spec = negotiated
                        .remote
                        .filter(|_| sends)
                        .map(|remote| echo_spec(&negotiated, remote, port, no));
                    let tx = tx.clone();
                    let media = media.clone();
                    let council = ua.council_of(no);
                    let rtp = SocketAddr::new(config.media.ip, port);
                    busy.insert(no, None);
                    tokio::task::spawn_blocking(move || {
                        let mut lease = lease;
                        // It reports back whatever happens (the call's next media command waits for it).
                        let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            // The old session lets go of the port before the new one binds it.
                            if let Some(s) = old {
                                s.stop(Duration::from_millis(300));
                            }
                            // Held: no media until the call is resumed; the call keeps its port (bound).
                            match spec {
                                Some(spec) => {
                                    lease.release_kept();
                                    start_media(&media, council.as_deref(), &spec, no, lease, &tx)
                                }
                                None => {
                                    if rtp.port() != 0 && !lease.keep(rtp) {
                                        tracing::debug!(call = no, %rtp, "the held call's port is taken");
                                    }
                                    let _ = tx.send(Event::PortKept(no, lease));
                                }
                            }
                        }));
                        if done.is_err() {
                            let why = "the media session panicked while it was moved".to_owned();
                            let _ = tx.send(Event::MediaFailed(no, Instant::now(), why));
                        }
                    });
                }
                Output::Witness(kind, fields) => {
                    if let Err(e) = log.append(kind, fields) {
                        tracing::error!("witness log: {e}");
                    }
                }
            }
        }
        // `council call` is done when its call is over and its BYE or CANCEL was answered.
        if dial.is_some() && ua.calls() == 0 && ua.pending_requests() == 0 && busy.is_empty() {
            break;
        }
    }
    let stats = ua.stats();
    tracing::info!(
        calls = ua.calls(),
        transactions = ua.transactions(),
        invites = stats.invites,
        answered = stats.answered,
        rejected = stats.rejected,
        rate_limited = stats.rate_limited,
        ended = stats.ended,
        bad = stats.bad,
        "shutting down"
    );
    // End the calls still up: a BYE each (sent now, not retransmitted: we are going), and their release
    // witnessed.
    ua.shutdown(Instant::now());
    while let Some(out) = ua.poll_output() {
        match out {
            Output::Send(peer, bytes) => match peer.conn {
                None => {
                    let _ = udp.send_to(&bytes, peer.addr).await;
                }
                Some(n) => {
                    if let Some(w) = conns.get(&n) {
                        let _ = w.send(bytes);
                    }
                }
            },
            Output::Witness(kind, fields) => {
                if let Err(e) = log.append(kind, fields) {
                    tracing::error!("witness log: {e}");
                }
            }
            Output::StartMedia(..) | Output::StopMedia(_) | Output::RestartMedia(..) => {}
        }
    }
    // Media tasks still running finish first (a session that comes up now is stopped with the others), for at
    // most two seconds.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while !busy.is_empty() {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(Event::MediaUp(no, _, session, lease))) => {
                busy.remove(&no);
                sessions.insert(no, (session, lease));
            }
            Ok(Some(Event::PortKept(no, _) | Event::MediaFailed(no, ..))) => {
                busy.remove(&no);
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    let stops: Vec<_> = sessions
        .drain()
        .map(|(_, (s, lease))| {
            tokio::task::spawn_blocking(move || {
                s.stop(Duration::from_millis(500));
                drop(lease);
            })
        })
        .collect();
    for s in stops {
        let _ = s.await;
    }
    drop(log);
    Ok(stats.answered > 0)
}

/// Starts a call's media session (on a blocking thread) and reports to the core: `MediaUp` with the session, whose
/// end (RTP timeout, error) comes back as `MediaEnded`, or `MediaFailed`. A panic in GStreamer glue must not leave
/// the call waiting for an answer forever.
fn start_media(
    media: &Media,
    council: Option<&str>,
    spec: &EchoSpec,
    no: ua::CallNo,
    lease: PortLease,
    tx: &mpsc::UnboundedSender<Event>,
) {
    let now = Instant::now();
    let ended = tx.clone();
    let on_end = move |why: council_media::Ended| {
        // RTP arrives live and never ends by itself: an EOS is a session we stopped ourselves (e.g. the one a
        // re-INVITE replaces), which must not end the call.
        if why == council_media::Ended::Eos {
            return;
        }
        let _ = ended.send(Event::Ua(Input::MediaEnded(
            Instant::now(),
            no,
            format!("{why:?}"),
        )));
    };
    let started = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        media.start_in(council, spec, on_end)
    }))
    .unwrap_or_else(|_| {
        Err(council_media::Error::Start(
            "the media session panicked".into(),
        ))
    });
    match started {
        Ok(session) => {
            let _ = tx.send(Event::MediaUp(no, now, session, lease));
        }
        Err(e) => {
            let _ = tx.send(Event::MediaFailed(no, now, e.to_string()));
        }
    }
}

/// Datagrams waiting for the core at most; more are dropped.
const UDP_BACKLOG: usize = 8192;

async fn udp_reader(udp: Arc<UdpSocket>, tx: mpsc::Sender<Input>) {
    let mut dropped: u64 = 0;
    let mut buf = vec![0u8; 65536];
    loop {
        let (n, from) = match udp.recv_from(&mut buf).await {
            Ok(r) => r,
            Err(e) => {
                // ICMP errors from earlier sends surface here on Linux; keep serving.
                tracing::debug!("UDP receive: {e}");
                continue;
            }
        };
        let now = Instant::now();
        let peer = Peer {
            addr: from,
            conn: None,
        };
        let input = match parse_datagram(&buf[..n]) {
            Ok(m) => Input::Message(now, peer, Box::new(m)),
            Err(e) => Input::Bad(peer, e),
        };
        match tx.try_send(input) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                dropped += 1;
                if dropped.is_power_of_two() {
                    tracing::warn!(dropped, "SIP input backlog full: datagrams dropped");
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => return,
        }
    }
}

/// What TCP connections may take (`[sip] tcp-…`).
#[derive(Debug, Clone, Copy)]
struct TcpLimits {
    total: usize,
    per_source: usize,
    /// A connection that has not delivered a SIP message by then is closed.
    first_message: Duration,
}

/// Connections open, in all and by source IP address; a [`TcpSlot`] holds one place.
#[derive(Default)]
struct TcpCount {
    total: usize,
    by_source: HashMap<std::net::IpAddr, usize>,
}

/// One connection's place in the [`TcpCount`], given back when dropped.
struct TcpSlot {
    count: Arc<std::sync::Mutex<TcpCount>>,
    source: std::net::IpAddr,
}

impl Drop for TcpSlot {
    fn drop(&mut self) {
        let mut c = self.count.lock().unwrap();
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.by_source.get_mut(&self.source) {
            *n -= 1;
            if *n == 0 {
                c.by_source.remove(&self.source);
            }
        }
    }
}

/// A place for a connection from `source`, unless a limit is reached.
fn tcp_slot(
    count: &Arc<std::sync::Mutex<TcpCount>>,
    source: std::net::IpAddr,
    limits: &TcpLimits,
) -> Option<TcpSlot> {
    let mut c = count.lock().unwrap();
    let from_source = c.by_source.get(&source).copied().unwrap_or(0);
    if c.total >= limits.total || from_source >= limits.per_source {
        return None;
    }
    c.total += 1;
    *c.by_source.entry(source).or_default() += 1;
    Some(TcpSlot {
        count: count.clone(),
        source,
    })
}

async fn tcp_acceptor(listener: TcpListener, tx: mpsc::UnboundedSender<Event>, limits: TcpLimits) {
    let count = Arc::new(std::sync::Mutex::new(TcpCount::default()));
    let mut next: u64 = 1;
    let mut refused: u64 = 0;
    loop {
        match listener.accept().await {
            Ok((stream, from)) => {
                let Some(slot) = tcp_slot(&count, from.ip(), &limits) else {
                    // Closed at once: the limits keep descriptors and memory bounded whoever connects.
                    refused += 1;
                    if refused.is_power_of_two() {
                        tracing::warn!(%from, refused, "TCP connection over the limits, closed");
                    }
                    drop(stream);
                    continue;
                };
                let n = next;
                next += 1;
                tokio::spawn(tcp_connection(
                    n,
                    stream,
                    from,
                    tx.clone(),
                    slot,
                    limits.first_message,
                ));
            }
            Err(e) => {
                // Out of descriptors and the like: back off instead of spinning.
                tracing::warn!("TCP accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn tcp_connection(
    n: u64,
    stream: TcpStream,
    from: SocketAddr,
    tx: mpsc::UnboundedSender<Event>,
    _slot: TcpSlot,
    first_message: Duration,
) {
    let (mut reader, mut writer) = stream.into_split();
    let (wtx, mut wrx) = mpsc::unbounded_channel::<Vec<u8>>();
    if tx.send(Event::TcpOpen(n, wtx)).is_err() {
        return;
    }
    let writes = tokio::spawn(async move {
        while let Some(bytes) = wrx.recv().await {
            if writer.write_all(&bytes).await.is_err() {
                break;
            }
        }
    });
    let peer = Peer {
        addr: from,
        conn: Some(n),
    };
    let mut decoder = StreamDecoder::new(64 * 1024);
    let mut buf = vec![0u8; 16 * 1024];
    // Until its first message the connection has a deadline (idle or trickling connections go).
    let mut deadline = Some(tokio::time::Instant::now() + first_message);
    'read: loop {
        let read = reader.read(&mut buf);
        let got = match deadline {
            Some(at) => match tokio::time::timeout_at(at, read).await {
                Ok(r) => r,
                Err(_) => {
                    tracing::debug!(%from, "closing a TCP connection: no SIP message in time");
                    break;
                }
            },
            None => read.await,
        };
        let got = match got {
            Ok(0) | Err(_) => break,
            Ok(got) => got,
        };
        decoder.push(&buf[..got]);
        loop {
            let now = Instant::now();
            match decoder.poll() {
                Ok(Some(Frame::Message(m))) => {
                    deadline = None;
                    let _ = tx.send(Event::Ua(Input::Message(now, peer, m)));
                }
                Ok(Some(Frame::Invalid(e))) => {
                    let _ = tx.send(Event::Ua(Input::Bad(peer, e)));
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!(%from, "closing a TCP connection: {e}");
                    break 'read;
                }
            }
        }
    }
    let _ = tx.send(Event::TcpClosed(n));
    writes.abort();
}
