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
use council_h225::signalling::{H323MessageBody, H323UserInformation, build};
use council_h225::{
    self as h225, AliasAddress, DisengageReason, H221NonStandard, RasMessage, RequestSeqNum,
    TimeToLive, TransportAddress, VendorIdentifier, builders, decode_value, encode_value,
};
use council_media::pipeline;
use council_q931::{CallReference, Message, MessageType, ie, tpkt};
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

fn q931(
    stream: &mut TcpStream,
    kind: MessageType,
    cr: CallReference,
    uu: &H323UserInformation,
) -> anyhow::Result<()> {
    let mut m = Message::new(kind, cr);
    if kind == MessageType::Setup {
        m.set(ie::BEARER_CAPABILITY, ie::BEARER_SPEECH);
    }
    m.set_user_user(&encode_value(uu)?);
    let mut out = Vec::new();
    tpkt::encode(&m.encode()?, &mut out)?;
    stream.write_all(&out)?;
    Ok(())
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

    // The call: Setup with Fast Start, then wait for Connect.
    let mut stream = TcpStream::connect(destination).context("connecting for call signalling")?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let cr = CallReference::originating(1);
    let offer = council_h245::fast_start_offer(CODECS, rtp, rtcp, 1);
    let setup = build::setup(
        call_id,
        conference_id,
        vec![alias.clone()],
        vec![AliasAddress::h323_id(&callee)?],
        Some(TransportAddress::from_socket_addr(cs)),
        offer,
    );
    // H.245 tunnelled from the start: our capabilities and master/slave determination ride in the Setup.
    let mut tunnel = council_h245::tunnel::Tunnel::new(
        CODECS,
        council_h245::tunnel::TERMINAL,
        u32::from_be_bytes([call_id[0], call_id[1], call_id[2], call_id[3]]),
    );
    let setup = build::tunnel(setup, tunnel.opening());
    q931(&mut stream, MessageType::Setup, cr, &setup)?;
    let mut deframer = tpkt::Deframer::default();
    let mut buf = [0u8; 8192];
    let answer = 'connect: loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            bail!("the call was refused (connection closed)");
        }
        deframer.push(&buf[..n]);
        while let Some(p) = deframer.next_payload()? {
            let m = Message::parse(&p)?;
            let Some(uu) = m.user_user() else { continue };
            let info: H323UserInformation = decode_value(uu)?;
            match info.h323_uu_pdu.h323_message_body {
                H323MessageBody::Connect(_) => {
                    // Acknowledge what the callee tunnelled (its capabilities, master/slave), in a Facility.
                    let (_, h245) = build::tunnelled(&info);
                    let acks = tunnel.receive(&h245);
                    if !acks.is_empty() {
                        q931(
                            &mut stream,
                            MessageType::Facility,
                            cr,
                            &build::facility_h245(acks),
                        )?;
                    }
                    break 'connect build::fast_start_of(&info);
                }
                H323MessageBody::ReleaseComplete(_) => {
                    bail!("the call was refused (ReleaseComplete)")
                }
                _ => {}
            }
        }
    };
    let accepted = council_h245::fast_start_accepted(&answer);
    let channel = accepted
        .send
        .context("the Fast Start answer opens no channel for us to send on")?;
    let codec = channel.codec;
    let remote = channel
        .remote_rtp
        .context("the Fast Start answer gives us nowhere to send")?;
    println!(
        "guardian {}: connected, sending G.729 to {remote}",
        args.alias
    );

    media(&args, codec, rtp, remote)?;

    q931(
        &mut stream,
        MessageType::ReleaseComplete,
        cr,
        &build::tunnel(build::release_complete(call_id, None), tunnel.closing()),
    )?;
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

/// What we offer and accept, in order: G.729, then G.711 µ-law and A-law for a peer without G.729.
const CODECS: &[Codec] = &[Codec::G729, Codec::Pcmu, Codec::Pcma];

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
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut deframer = tpkt::Deframer::default();
    let mut buf = [0u8; 8192];
    let (setup, cr) = 'setup: loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            bail!("the caller closed the connection before its Setup");
        }
        deframer.push(&buf[..n]);
        while let Some(p) = deframer.next_payload()? {
            let m = Message::parse(&p)?;
            let Some(uu) = m.user_user() else { continue };
            let info: H323UserInformation = decode_value(uu)?;
            if matches!(
                info.h323_uu_pdu.h323_message_body,
                H323MessageBody::Setup(_)
            ) {
                break 'setup (info, m.call_reference.reply());
            }
        }
    };
    let H323MessageBody::Setup(s) = &setup.h323_uu_pdu.h323_message_body else {
        unreachable!("matched above")
    };
    let call_id: [u8; 16] = s
        .call_identifier
        .as_ref()
        .map_or(&s.conference_id[..], |c| &c.guid[..])
        .try_into()
        .unwrap_or([0; 16]);
    let conference_id: [u8; 16] = s.conference_id[..].try_into().unwrap_or([0; 16]);
    // Our own admission, as the answering side (answerCall).
    let admission = ras.ask(|seq| {
        builders::admission_request(
            seq,
            builders::AdmissionAsk {
                endpoint_identifier: endpoint.clone(),
                destination_info: vec![alias.clone()],
                src_info: vec![],
                band_width: 480,
                call_reference_value: cr.value,
                conference_id,
                call_identifier: call_id,
                answer_call: true,
            },
        )
    })?;
    if !matches!(admission, RasMessage::AdmissionConfirm(_)) {
        q931(
            &mut stream,
            MessageType::ReleaseComplete,
            cr,
            &build::release_complete(call_id, None),
        )?;
        unregister(ras, endpoint, cs)?;
        bail!("admission to answer refused");
    }
    q931(
        &mut stream,
        MessageType::CallProceeding,
        cr,
        &build::call_proceeding(call_id),
    )?;
    q931(
        &mut stream,
        MessageType::Alerting,
        cr,
        &build::alerting(call_id),
    )?;
    let offer = build::fast_start_of(&setup);
    let (accepted, channels) = council_h245::fast_start_answer(&offer, CODECS, rtp, rtcp)?;
    let channel = channels
        .send
        .context("the caller's offer has nothing for us to send on")?;
    let codec = channel.codec;
    let remote = channel
        .remote_rtp
        .context("the caller's offer gives us nowhere to send")?;
    q931(
        &mut stream,
        MessageType::Connect,
        cr,
        &build::connect(call_id, conference_id, accepted),
    )?;
    println!(
        "guardian {}: answered {from}, sending G.729 to {remote}",
        args.alias
    );
    media(args, codec, rtp, remote)?;
    // Wait (a while) for the caller's ReleaseComplete, or its connection closing.
    let deadline = Instant::now() + Duration::from_secs(10);
    'release: while Instant::now() < deadline {
        stream.set_read_timeout(Some(Duration::from_millis(500)))?;
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                deframer.push(&buf[..n]);
                while let Some(p) = deframer.next_payload()? {
                    if Message::parse(&p)
                        .is_ok_and(|m| m.message_type == MessageType::ReleaseComplete)
                    {
                        break 'release;
                    }
                }
            }
            Err(_) => {}
        }
    }
    let _ = ras.ask(|seq| {
        builders::disengage_request(
            seq,
            endpoint.clone(),
            conference_id,
            cr.value,
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
