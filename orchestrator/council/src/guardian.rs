//! `council guardian`: an H.323 terminal, for tests and the demo. It registers with a gatekeeper (RRQ), asks
//! admission (ARQ), calls the destination the ACF names with H.225.0 call signalling and Fast Start (G.729),
//! sends a tone as G.729 RTP (G.711 when the peer has no G.729) through the `h323-g729-out` leg and records what
//! it hears through the `h323-g729-in`
//! leg, then hangs up: ReleaseComplete, DRQ, URQ. With `--answer` it waits for one call instead: ARQ (answerCall),
//! CallProceeding, Alerting, Connect with the Fast Start answer, the same media, then DRQ and URQ when the caller
//! releases.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use council_h225::{
    self as h225, AliasAddress, DisengageReason, H221NonStandard, RasMessage, RequestSeqNum,
    TimeToLive, TransportAddress, VendorIdentifier, builders,
};
use council_h245::tunnel::{TERMINAL, Tunnel};
use council_media::pipeline;

use crate::h225::caller::{Caller, Dial, Event as CallerEvent};
use crate::h225::{Answerer, Event as AnswererEvent};
use council_rtp::Codec;
use gst::prelude::*;

#[derive(clap::Args)]
pub struct Args {
    /// The gatekeeper's RAS address.
    #[arg(long)]
    gatekeeper: SocketAddr,
    /// Our h323-ID alias.
    #[arg(long)]
    alias: String,
    /// Whom to call (an alias: a council, or another endpoint). Without it, `--answer` waits for one call.
    #[arg(long, required_unless_present = "answer")]
    call: Option<String>,
    /// Answer one incoming call (on our call-signalling address, which the gatekeeper tells callers).
    #[arg(long)]
    answer: bool,
    /// How long the call lasts, in seconds.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Where to write what we hear (WAV, 8 kHz mono).
    #[arg(long)]
    record: PathBuf,
    /// The tone we send, Hz (unless `--wav`).
    #[arg(long, default_value_t = 440)]
    tone: u32,
    /// Send this WAV file (any rate and channels; converted to 8 kHz mono) instead of a tone.
    #[arg(long)]
    wav: Option<PathBuf>,
    /// Call without Fast Start: the audio channels are opened over tunnelled H.245 after the Connect
    /// (OpenLogicalChannel both ways), as terminals without Fast Start do.
    #[arg(long, conflicts_with = "answer")]
    no_fast_start: bool,
    /// The codecs we offer and accept, in our order of preference (G729, PCMU, PCMA).
    #[arg(long, value_delimiter = ',', value_parser = parse_codec, default_value = "G729,PCMU,PCMA")]
    codecs: Vec<Codec>,
    /// Our RAS address (port 0: any). Overrides `[guardian] ras`.
    #[arg(long)]
    ras: Option<SocketAddr>,
    /// Our call-signalling address, where calls reach us (port 0: any). Overrides `[guardian] h225`.
    #[arg(long)]
    h225: Option<SocketAddr>,
    /// Configuration file (TOML; see config/council.toml): `[guardian]`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The witness log of our media taps (a file).
    #[arg(long)]
    witness: PathBuf,
}

struct Ras {
    socket: UdpSocket,
    gatekeeper: SocketAddr,
    seq: u16,
}

impl Ras {
    fn ask(&mut self, make: impl Fn(RequestSeqNum) -> RasMessage) -> anyhow::Result<RasMessage> {
        self.seq = self.seq % 65535 + 1;
        let request = h225::encode(&make(RequestSeqNum(self.seq)))?;
        let mut buf = [0u8; 4096];
        // RAS is retransmitted by the endpoint (H.225.0 §7.5): three tries, 2 s each.
        for _ in 0..3 {
            self.socket.send_to(&request, self.gatekeeper)?;
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline {
                self.socket
                    .set_read_timeout(Some(deadline - Instant::now()))?;
                let Ok(n) = self.socket.recv(&mut buf) else {
                    break;
                };
                let reply = h225::decode(&buf[..n])?;
                if reply.request_seq_num() == Some(RequestSeqNum(self.seq)) {
                    return Ok(reply);
                }
            }
        }
        bail!("the gatekeeper at {} does not answer", self.gatekeeper)
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    council_media::init()?;
    let config = crate::serve::config::ServeConfig::load_with(args.config.as_deref(), |c| {
        if let Some(a) = args.ras {
            c.guardian.ras = a;
        }
        if let Some(a) = args.h225 {
            c.guardian.h225 = a;
        }
    })?;
    let socket = UdpSocket::bind(config.guardian.ras).context("binding our RAS socket")?;
    let ras_addr = socket.local_addr()?;
    let mut ras = Ras {
        socket,
        gatekeeper: args.gatekeeper,
        seq: 0,
    };
    // Our media: the receiving port first (the offer names it).
    let rtp_port = UdpSocket::bind(SocketAddr::new(ras_addr.ip(), 0))?
        .local_addr()?
        .port();
    let rtp = SocketAddr::new(ras_addr.ip(), rtp_port);
    let rtcp = SocketAddr::new(ras_addr.ip(), rtp_port + 1);
    // Our call-signalling address: where callers reach us (the gatekeeper tells them).
    let listener = std::net::TcpListener::bind(config.guardian.h225)
        .with_context(|| format!("binding our call signalling on {}", config.guardian.h225))?;
    let cs = listener.local_addr()?;

    let alias = AliasAddress::h323_id(&args.alias)?;
    let vendor = VendorIdentifier::new(
        H221NonStandard::new(181, 0, 21324),
        "council guardian",
        env!("CARGO_PKG_VERSION"),
    );
    // Discovery: the gatekeeper confirms itself (GCF) and names its RAS address, which we use from then on.
    match ras.ask(|seq| {
        builders::gatekeeper_request(
            seq,
            TransportAddress::from_socket_addr(ras_addr),
            vec![alias.clone()],
        )
    })? {
        RasMessage::GatekeeperConfirm(gcf) => {
            if let Some(a) = gcf.ras_address.to_socket_addr() {
                ras.gatekeeper = a;
            }
        }
        other => bail!("gatekeeper discovery refused: {}", other.short_name()),
    }
    let RasMessage::RegistrationConfirm(rcf) = ras.ask(|seq| {
        builders::registration_request(
            seq,
            TransportAddress::from_socket_addr(cs),
            TransportAddress::from_socket_addr(ras_addr),
            vec![alias.clone()],
            vendor.clone(),
            Some(TimeToLive::new(300).expect("300 is a valid TTL")),
        )
    })?
    else {
        bail!("registration refused");
    };
    let endpoint = rcf.endpoint_identifier.clone();
    println!("guardian {}: registered as {endpoint}", args.alias);

    if args.answer {
        return answer(&args, &mut ras, &endpoint, &alias, listener, cs, rtp, rtcp);
    }
    let callee = args
        .call
        .clone()
        .expect("clap requires --call without --answer");
    let mut call_id = [0u8; 16];
    getrandom::fill(&mut call_id).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let conference_id = call_id;
    // G.729 both ways with IP/UDP/RTP headers: 2 × 24 kbit/s, in units of 100 bit/s.
    let bandwidth = 480;
    let admission = ras.ask(|seq| {
        builders::admission_request(
            seq,
            builders::AdmissionAsk {
                endpoint_identifier: endpoint.clone(),
                destination_info: vec![AliasAddress::h323_id(&callee).expect("an alias")],
                src_info: vec![alias.clone()],
                band_width: bandwidth,
                call_reference_value: 1,
                conference_id,
                call_identifier: call_id,
                answer_call: false,
            },
        )
    })?;
    let RasMessage::AdmissionConfirm(acf) = admission else {
        if let RasMessage::AdmissionReject(arj) = admission {
            println!(
                "guardian {}: admission refused: {:?}",
                args.alias, arj.reject_reason
            );
        }
        unregister(&mut ras, &endpoint, cs)?;
        return Ok(ExitCode::from(1));
    };
    let destination = acf
        .dest_call_signal_address
        .to_socket_addr()
        .context("the ACF names no IP call-signalling address")?;
    println!(
        "guardian {}: admitted, calling {callee} at {destination}",
        args.alias
    );

    // The call: Setup with Fast Start (or, with --no-fast-start, the channels opened over tunnelled H.245 after
    // the Connect), then wait for the media to be agreed.
    let mut stream = TcpStream::connect(destination).context("connecting for call signalling")?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    // The call's signalling is the sans-IO Caller; this only moves its bytes. H.245 is tunnelled from the Setup on.
    let mut call = Caller::place(
        Dial {
            call_id,
            conference_id,
            call_reference: 1,
            from: vec![alias.clone()],
            to: vec![AliasAddress::h323_id(&callee)?],
            source_call_signal_address: Some(TransportAddress::from_socket_addr(cs)),
            fast_start: if args.no_fast_start {
                Vec::new()
            } else {
                council_h245::fast_start_offer(&args.codecs, rtp, rtcp, 1)
            },
        },
        Tunnel::new(
            &args.codecs,
            TERMINAL,
            u32::from_be_bytes([call_id[0], call_id[1], call_id[2], call_id[3]]),
        ),
    );
    if args.no_fast_start {
        call.open_channels(rtp, rtcp);
    }
    let mut buf = [0u8; 8192];
    let (codec, remote) = loop {
        match call.poll_event() {
            Some(CallerEvent::Transmit(bytes)) => stream.write_all(&bytes)?,
            Some(CallerEvent::Connected { fast_start }) if !args.no_fast_start => {
                // The Facility with our H.245 acks, if any, goes out now.
                while let Some(CallerEvent::Transmit(bytes)) = call.poll_event() {
                    stream.write_all(&bytes)?;
                }
                let accepted = council_h245::fast_start_accepted(&fast_start);
                let channel = accepted
                    .send
                    .context("the Fast Start answer opens no channel for us to send on")?;
                let remote = channel
                    .remote_rtp
                    .context("the Fast Start answer gives us nowhere to send")?;
                break (channel.codec, remote);
            }
            Some(CallerEvent::Connected { .. }) => {}
            Some(CallerEvent::Media(agreed)) => break (agreed.codec, agreed.remote_rtp),
            Some(CallerEvent::Released { why }) => bail!("the call was not answered: {why}"),
            None => match stream.read(&mut buf) {
                Ok(0) | Err(_) => call.closed(),
                Ok(n) => call.receive(&buf[..n]),
            },
        }
    };
    while let Some(CallerEvent::Transmit(bytes)) = call.poll_event() {
        stream.write_all(&bytes)?;
    }
    println!(
        "guardian {}: connected, sending {} to {remote}",
        args.alias,
        codec.name()
    );

    media(&args, codec, rtp, remote)?;

    call.release();
    while let Some(CallerEvent::Transmit(bytes)) = call.poll_event() {
        stream.write_all(&bytes)?;
    }
    let dcf = ras.ask(|seq| {
        builders::disengage_request(
            seq,
            endpoint.clone(),
            conference_id,
            1,
            call_id,
            DisengageReason::NormalDrop,
            false,
        )
    })?;
    if !matches!(dcf, RasMessage::DisengageConfirm(_)) {
        tracing::warn!("DRQ: {}", dcf.short_name());
    }
    unregister(&mut ras, &endpoint, cs)?;
    println!(
        "guardian {}: hung up, recorded {}",
        args.alias,
        args.record.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A codec by its name (`--codecs`).
fn parse_codec(name: &str) -> Result<Codec, String> {
    Codec::from_name(name).ok_or_else(|| format!("unknown codec {name:?} (G729, PCMU or PCMA)"))
}

/// The in and out legs for a codec (the RTP payload formats are the same on H.323 and SIP legs).
fn legs(codec: Codec) -> (&'static str, &'static str) {
    match codec {
        Codec::G729 => (pipeline::H323_G729_IN, pipeline::H323_G729_OUT),
        Codec::Pcmu => (pipeline::SIP_PCMU_IN, pipeline::SIP_PCMU_OUT),
        Codec::Pcma => (pipeline::SIP_PCMA_IN, pipeline::SIP_PCMA_OUT),
    }
}

/// The call's media for `args.seconds`: the in leg records what arrives on `rtp`, the out leg sends the tone to
/// `remote`; then EOS through both, so the WAV is complete and both taps write their last digest.
fn media(args: &Args, codec: Codec, rtp: SocketAddr, remote: SocketAddr) -> anyhow::Result<()> {
    let (in_leg, out_leg) = legs(codec);
    let witness = args.witness.display().to_string();
    let label = format!("guardian-{}", args.alias);
    let inbound = pipeline::launch(
        in_leg,
        &[
            ("rtp-in", "address", rtp.ip().to_string()),
            ("rtp-in", "port", rtp.port().to_string()),
            ("tap", "location", witness.clone()),
            ("tap", "label", format!("{label}/rx")),
            ("audio-out", "location", args.record.display().to_string()),
        ],
    )?;
    let outbound_text = match &args.wav {
        Some(wav) => pipeline::replace(
            out_leg,
            "audio-in",
            &format!("filesrc location=\"{}\" ! wavparse", wav.display()),
        )?,
        None => out_leg.to_owned(),
    };
    let mut settings = vec![
        ("tap", "location", witness),
        ("tap", "label", format!("{label}/tx")),
        ("rtp-out", "host", remote.ip().to_string()),
        ("rtp-out", "port", remote.port().to_string()),
    ];
    if args.wav.is_none() {
        settings.push(("audio-in", "freq", args.tone.to_string()));
    }
    let outbound = pipeline::launch(&outbound_text, &settings)?;
    inbound.set_state(gst::State::Playing)?;
    outbound.set_state(gst::State::Playing)?;
    std::thread::sleep(Duration::from_secs(args.seconds));
    // EOS through both, so the WAV is finished and both taps write their last digest.
    for p in [&outbound, &inbound] {
        p.send_event(gst::event::Eos::new());
        if let Some(bus) = p.bus() {
            let _ = bus.timed_pop_filtered(
                gst::ClockTime::from_seconds(2),
                &[gst::MessageType::Eos, gst::MessageType::Error],
            );
        }
        p.set_state(gst::State::Null)?;
    }
    Ok(())
}

/// `--answer`: one incoming call, answered with Fast Start.
#[allow(clippy::too_many_arguments)]
fn answer(
    args: &Args,
    ras: &mut Ras,
    endpoint: &h225::EndpointIdentifier,
    alias: &AliasAddress,
    listener: std::net::TcpListener,
    cs: SocketAddr,
    rtp: SocketAddr,
    rtcp: SocketAddr,
) -> anyhow::Result<ExitCode> {
    println!("guardian {}: waiting for a call at {cs}", args.alias);
    let (mut stream, from) = listener.accept()?;
    stream.set_read_timeout(Some(Duration::from_millis(500)))?;
    // The call's signalling is the sans-IO Answerer (the one Council answers with); this moves its bytes, asks the
    // gatekeeper, and plays the media.
    let mut call = Answerer::new(Tunnel::new(&args.codecs, TERMINAL, u32::from(from.port())));
    let mut buf = [0u8; 8192];
    // Answered (admitted and accepted); then what we send and where, from the Fast Start answer or, for a
    // caller without Fast Start, from the channels opened over H.245.
    let mut admitted = false;
    let mut agreed: Option<(Codec, SocketAddr)> = None;
    let mut incoming_id = [0u8; 16];
    let deadline = Instant::now() + Duration::from_secs(30);
    let (call_id, conference_id) = loop {
        match call.poll_event() {
            Some(AnswererEvent::Transmit(bytes)) => stream.write_all(&bytes)?,
            Some(AnswererEvent::Incoming { call_id, offer, .. }) => {
                incoming_id = call_id;
                // Our own admission, as the answering side (answerCall).
                let admission = ras.ask(|seq| {
                    builders::admission_request(
                        seq,
                        builders::AdmissionAsk {
                            endpoint_identifier: endpoint.clone(),
                            destination_info: vec![alias.clone()],
                            src_info: vec![],
                            band_width: 480,
                            call_reference_value: 1,
                            conference_id: call_id,
                            call_identifier: call_id,
                            answer_call: true,
                        },
                    )
                })?;
                // An empty offer (no Fast Start) has no answer either.
                let fast_start =
                    council_h245::fast_start_answer(&offer, &args.codecs, rtp, rtcp).ok();
                match (admission, fast_start) {
                    (RasMessage::AdmissionConfirm(_), Some((accepted, channels))) => {
                        let send = channels
                            .send
                            .context("the caller's offer has nothing for us to send on")?;
                        let remote = send
                            .remote_rtp
                            .context("the caller's offer gives us nowhere to send")?;
                        admitted = true;
                        agreed = Some((send.codec, remote));
                        call.accept(accepted);
                    }
                    // No Fast Start: the channels are opened over the tunnelled H.245.
                    (RasMessage::AdmissionConfirm(_), None) if call.tunnelling() => {
                        admitted = true;
                        call.open_channels(rtp, rtcp);
                        call.accept(Vec::new());
                    }
                    _ => call.refuse(),
                }
            }
            Some(AnswererEvent::Media(m)) => agreed = Some((m.codec, m.remote_rtp)),
            Some(AnswererEvent::Released { why }) => {
                if !admitted || agreed.is_none() {
                    unregister(ras, endpoint, cs)?;
                    bail!("the call could not be answered: {why}");
                }
            }
            None if admitted && agreed.is_some() => {
                // Connected: our answer is out. (Our callers use the call identifier as conference identifier.)
                break (incoming_id, incoming_id);
            }
            None => {
                if Instant::now() > deadline {
                    bail!("no call came");
                }
                match stream.read(&mut buf) {
                    Ok(0) => call.closed(),
                    Ok(n) => call.receive(&buf[..n]),
                    Err(_) => {}
                }
            }
        }
    };
    let (codec, remote) = agreed.context("no media agreed")?;
    println!(
        "guardian {}: answered {from}, sending {} to {remote}",
        args.alias,
        codec.name()
    );
    media(args, codec, rtp, remote)?;
    // Wait (a while) for the caller's ReleaseComplete, or its connection closing.
    let deadline = Instant::now() + Duration::from_secs(10);
    'release: while Instant::now() < deadline {
        while let Some(event) = call.poll_event() {
            match event {
                AnswererEvent::Transmit(bytes) => stream.write_all(&bytes)?,
                AnswererEvent::Released { .. } => break 'release,
                AnswererEvent::Incoming { .. } | AnswererEvent::Media(_) => {}
            }
        }
        match stream.read(&mut buf) {
            Ok(0) => call.closed(),
            Ok(n) => call.receive(&buf[..n]),
            Err(_) => {}
        }
    }
    let _ = ras.ask(|seq| {
        builders::disengage_request(
            seq,
            endpoint.clone(),
            conference_id,
            1,
            call_id,
            DisengageReason::NormalDrop,
            true,
        )
    })?;
    unregister(ras, endpoint, cs)?;
    println!(
        "guardian {}: call over, recorded {}",
        args.alias,
        args.record.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn unregister(
    ras: &mut Ras,
    endpoint: &h225::EndpointIdentifier,
    cs: SocketAddr,
) -> anyhow::Result<()> {
    let ucf = ras.ask(|seq| {
        builders::unregistration_request(
            seq,
            vec![TransportAddress::from_socket_addr(cs)],
            Some(endpoint.clone()),
            None,
        )
    })?;
    if !matches!(ucf, RasMessage::UnregistrationConfirm(_)) {
        tracing::warn!("URQ: {}", ucf.short_name());
    }
    Ok(())
}
