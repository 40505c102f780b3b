//! Council's H.225.0 call-signalling side: a guardian's call (Setup over TCP with TPKT + Q.931) — one the
//! gatekeeper's gates admitted, any other is refused — is answered with CallProceeding, Alerting and Connect
//! carrying the Fast Start answer (or, for a caller without Fast Start that tunnels H.245, no channels: they are
//! opened over the tunnelled H.245 after the Connect, and the media starts when they agree), and its media goes
//! through the
//! real leg pipelines (`council-media`) as the daemon's [`Media`] says — a seat in the council, or an echo — as
//! `council serve` does for SIP. ReleaseComplete (or the connection closing) ends the call; both are witnessed.
//!
//! One thread per connection: call-signalling connections are few and long-lived (one per call), unlike RAS.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

mod answerer;
pub mod caller;

use council_h245::tunnel::{MCU, Tunnel};
use council_media::{EchoSpec, Media, Session, WitnessSpec};
use council_rtp::Codec;

pub use answerer::{Answerer, Event};
use council_witness::{WitnessLog, kind};
use serde_json::{Map, Value, json};

/// What each call needs from the daemon.
#[derive(Clone)]
pub struct Signalling {
    pub media_ip: std::net::IpAddr,
    pub codecs: Vec<Codec>,
    pub witness: WitnessSpec,
    pub log: WitnessLog,
    pub rtp_timeout: Duration,
    /// What each call's media is.
    pub media: Media,
    /// The ports calls receive RTP on.
    pub ports: council_media::RtpPorts,
    /// The calls the gatekeeper admitted, and into which council: a Setup for any other call is refused
    /// (witnessed as `call-rejected`). `None`: every Setup is taken, into the default council.
    pub admissions: Option<crate::gatekeeper::Admissions>,
}

/// Call signalling being served (see [`start`]); dropping it (or [`Server::stop`]) stops taking calls, releases the
/// calls still up (ReleaseComplete, witnessed) and waits for their threads, so nothing holds the log any more.
pub struct Server {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// A handle on the listening socket, to wake the accepting thread.
    listener: TcpListener,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Serves call signalling on `listener`: one thread accepts, each connection (a call) gets a thread of its own.
pub fn start(listener: TcpListener, s: Signalling) -> std::io::Result<Server> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let handle = listener.try_clone()?;
    let thread = {
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("h225".into())
            .spawn(move || serve(listener, s, &stop))?
    };
    Ok(Server {
        stop,
        listener: handle,
        thread: Some(thread),
    })
}

impl Server {
    pub fn stop(mut self) {
        self.shut();
    }

    fn shut(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.stop.store(true, std::sync::atomic::Ordering::Release);
        // Wakes the thread blocked in accept() (it then fails, and the thread sees `stop`).
        use std::os::fd::AsRawFd;
        // SAFETY: shutdown(2) on a socket we hold open.
        unsafe {
            libc::shutdown(self.listener.as_raw_fd(), libc::SHUT_RD);
        }
        if thread.join().is_err() {
            tracing::error!("the call-signalling thread panicked");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut();
    }
}

/// Accepts connections until `stop`; then waits for the calls' threads, which release their calls.
fn serve(
    listener: TcpListener,
    s: Signalling,
    stop: &std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let mut calls: Vec<std::thread::JoinHandle<()>> = Vec::new();
    for stream in listener.incoming() {
        if stop.load(std::sync::atomic::Ordering::Acquire) {
            break;
        }
        calls.retain(|c| !c.is_finished());
        match stream {
            Ok(stream) => {
                let s = s.clone();
                let stop = stop.clone();
                let spawned =
                    std::thread::Builder::new()
                        .name("h225-call".into())
                        .spawn(move || {
                            let peer = stream.peer_addr().ok();
                            if let Err(e) = call(stream, &s, &stop) {
                                tracing::debug!(?peer, "call signalling: {e}");
                            }
                        });
                match spawned {
                    Ok(handle) => calls.push(handle),
                    Err(e) => tracing::warn!("no thread for a call: {e}"),
                }
            }
            Err(e) => {
                tracing::warn!("H.225.0 accept: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    for c in calls {
        let _ = c.join();
    }
}

/// One call-signalling message on the wire: Q.931 `kind` for call `reference` carrying the H.225.0 PDU `uu` in its
/// user-user IE, TPKT-framed. A Setup says it is speech (bearer capability), a ReleaseComplete gives normal clearing
/// as its cause. `None` if it does not encode.
fn frame(
    kind: council_q931::MessageType,
    reference: council_q931::CallReference,
    uu: &council_h225::signalling::H323UserInformation,
) -> Option<Vec<u8>> {
    use council_q931::{Cause, Message, MessageType, ie, tpkt};
    let mut m = Message::new(kind, reference);
    match kind {
        MessageType::Setup => {
            m.set(ie::BEARER_CAPABILITY, ie::BEARER_SPEECH);
        }
        MessageType::ReleaseComplete => {
            m.set_cause(Cause::user(Cause::NORMAL_CLEARING));
        }
        _ => {}
    }
    m.set_user_user(&council_h225::encode_value(uu).ok()?);
    let payload = m.encode().ok()?;
    let mut out = Vec::new();
    tpkt::encode(&payload, &mut out).ok()?;
    Some(out)
}

fn fields(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// How long channels opened over H.245 may take to agree before the call is released.
const CHANNELS_TIMEOUT: Duration = Duration::from_secs(30);

/// What starting an answered call's media needs besides its channels.
struct Bridging {
    /// The council the gates admitted it into.
    council: Option<String>,
    /// The caller's aliases.
    aliases: Vec<String>,
    /// Where we receive its RTP.
    rtp: SocketAddr,
}

/// Starts the call's media (its seat in the council, or an echo): `codec` both ways, ours sent to `remote`; the
/// session's end by itself sets `media_ended`. Witnessed as `call-bridged`.
fn bridge(
    s: &Signalling,
    b: &Bridging,
    call_key: &str,
    peer: SocketAddr,
    codec: Codec,
    remote: SocketAddr,
    media_ended: &std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<Session, council_media::Error> {
    let spec = EchoSpec {
        codec,
        payload_type: codec.info().static_pt,
        local: b.rtp,
        remote,
        ptime_ms: 20,
        witness: s.witness.clone(),
        label: format!("h323-{call_key}"),
        rtp_timeout: s.rtp_timeout,
    };
    let ended = media_ended.clone();
    let on_end = move |_| ended.store(true, std::sync::atomic::Ordering::Release);
    let session = s.media.start_in(b.council.as_deref(), &spec, on_end)?;
    let _ = s.log.append(
        kind::CALL_BRIDGED,
        fields(json!({
            "call": call_key,
            "protocol": "h323",
            "from": peer.to_string(),
            "aliases": b.aliases,
            "codec": codec.name(),
            "remote-rtp": remote.to_string(),
            "local-rtp-port": b.rtp.port(),
            "council": b.council,
        })),
    );
    Ok(session)
}

/// One connection: one call, its signalling in [`Answerer`], its media here. `stop` (the daemon is stopping)
/// releases it.
fn call(
    mut stream: TcpStream,
    s: &Signalling,
    stop: &std::sync::atomic::AtomicBool,
) -> anyhow::Result<()> {
    let peer = stream.peer_addr()?;
    let determination = std::process::id().wrapping_mul(2_654_435_761) ^ u32::from(peer.port());
    let mut answerer = Answerer::new(Tunnel::new(&s.codecs, MCU, determination));
    // The call's RTP port, declared first so that it is given back after the session is gone.
    let mut lease: Option<council_media::PortLease> = None;
    let mut session: Option<Session> = None;
    // A call whose channels are being opened over H.245: what its media needs when they agree, and since when.
    let mut pending: Option<(Bridging, std::time::Instant)> = None;
    // Set (from a GStreamer thread) when the call's media ends by itself (RTP timeout, error).
    let media_ended = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut call_key = String::new();
    let mut buf = [0u8; 8192];
    stream.set_read_timeout(Some(Duration::from_secs(1)))?;
    loop {
        while let Some(event) = answerer.poll_event() {
            match event {
                Event::Transmit(bytes) => stream.write_all(&bytes)?,
                Event::Incoming {
                    call_id,
                    offer,
                    from,
                    to,
                } => {
                    call_key = council_witness::hex(&call_id);
                    // Only a call the gates admitted gets in, into the council they admitted it into.
                    let council = match &s.admissions {
                        None => None,
                        Some(admissions) => match admissions.council_of(&call_key) {
                            Some(council) => Some(council),
                            None => {
                                tracing::info!(call = %call_key, %peer, "Setup without admission refused");
                                let _ = s.log.append(
                                    kind::CALL_REJECTED,
                                    fields(json!({
                                        "call": call_key,
                                        "protocol": "h323",
                                        "from": peer.to_string(),
                                        "aliases": from,
                                        "to": to,
                                        "reason": "not-admitted",
                                        "text": "a Setup for a call the gatekeeper did not admit",
                                    })),
                                );
                                // No call-released for a call that never was.
                                call_key.clear();
                                answerer.refuse();
                                continue;
                            }
                        },
                    };
                    // Our RTP port, before the session exists (the answer needs it, the session needs the answer).
                    let ours = match s.ports.lease_port(s.media_ip) {
                        Ok(ours) => ours,
                        Err(e) => {
                            tracing::warn!(call = %call_key, "media: {e}");
                            answerer.refuse();
                            continue;
                        }
                    };
                    let port = ours.port();
                    let rtp = SocketAddr::new(s.media_ip, port);
                    let rtcp = SocketAddr::new(s.media_ip, ours.rtcp_port());
                    lease = Some(ours);
                    let bridging = Bridging {
                        council,
                        aliases: from,
                        rtp,
                    };
                    // An empty offer (no Fast Start) has no answer either.
                    let fast_start =
                        council_h245::fast_start_answer(&offer, &s.codecs, rtp, rtcp).ok();
                    let Some((answer, media)) = fast_start else {
                        // No Fast Start (or none we can take): the channels are opened over the tunnelled H.245
                        // (H.323 lets the callee decline Fast Start so), and the media starts when they agree.
                        if !answerer.tunnelling() {
                            // Nor tunnelled H.245 (a separate H.245 connection): not taken.
                            tracing::info!(call = %call_key, "a Setup without usable Fast Start or tunnelling refused");
                            answerer.refuse();
                            continue;
                        }
                        answerer.open_channels(rtp, rtcp);
                        answerer.accept(Vec::new());
                        pending = Some((bridging, std::time::Instant::now()));
                        continue;
                    };
                    if let Some(channel) = &media.send
                        && let Some(remote) = channel.remote_rtp
                    {
                        match bridge(
                            s,
                            &bridging,
                            &call_key,
                            peer,
                            channel.codec,
                            remote,
                            &media_ended,
                        ) {
                            Ok(sess) => session = Some(sess),
                            Err(e) => {
                                tracing::warn!(call = %call_key, "media: {e}");
                                answerer.refuse();
                                continue;
                            }
                        }
                    }
                    answerer.accept(answer);
                }
                Event::Media(agreed) => {
                    let Some((bridging, _)) = pending.take() else {
                        continue;
                    };
                    match bridge(
                        s,
                        &bridging,
                        &call_key,
                        peer,
                        agreed.codec,
                        agreed.remote_rtp,
                        &media_ended,
                    ) {
                        Ok(sess) => session = Some(sess),
                        Err(e) => {
                            tracing::warn!(call = %call_key, "media: {e}");
                            answerer.release();
                        }
                    }
                }
                Event::Released { why } => {
                    if let Some(sess) = session.take() {
                        sess.stop(Duration::from_millis(300));
                    }
                    // The port goes back now that nothing is bound to it.
                    drop(lease.take());
                    if !call_key.is_empty() {
                        let _ = s.log.append(
                            kind::CALL_RELEASED,
                            fields(json!({ "call": call_key, "protocol": "h323", "why": why })),
                        );
                    }
                    return Ok(());
                }
            }
        }
        match stream.read(&mut buf) {
            Ok(0) => answerer.closed(),
            Ok(n) => answerer.receive(&buf[..n]),
            // Every second without signalling: a call whose media stopped arriving is ended from our side.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if (session.is_some() && media_ended.load(std::sync::atomic::Ordering::Acquire))
                    || stop.load(std::sync::atomic::Ordering::Acquire)
                {
                    answerer.release();
                }
            }
            Err(_) => answerer.closed(),
        }
        // Channels over H.245 that do not agree in time (never acknowledged, refused, nothing in common) end the
        // call: no media would ever time it out.
        if pending
            .as_ref()
            .is_some_and(|(_, since)| since.elapsed() > CHANNELS_TIMEOUT)
        {
            tracing::info!(call = %call_key, "the channels opened over H.245 did not agree");
            pending = None;
            answerer.release();
        }
    }
}
