//! Council's H.225.0 call-signalling side, as far as it goes today: a guardian's call (Setup with Fast Start, over
//! TCP with TPKT + Q.931) is answered with CallProceeding, Alerting and Connect carrying the Fast Start answer, and
//! its media is echoed back through the real leg pipelines (`council-media`), as `council serve` does for SIP, until
//! the council exists. ReleaseComplete (or the connection closing) ends the call; both are witnessed.
//!
//! One thread per connection: call-signalling connections are few and long-lived (one per call), unlike RAS.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use council_h225::signalling::{H323MessageBody, H323UserInformation, build};
use council_h225::{decode_value, encode_value};
use council_media::{EchoSession, EchoSpec, WitnessSpec};
use council_q931::{Cause, Message, MessageType, tpkt};
use council_rtp::Codec;
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
}

/// Accepts call-signalling connections on `listener` for ever, each on its own thread.
pub fn serve(listener: TcpListener, s: Signalling) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let s = s.clone();
                let _ = std::thread::Builder::new()
                    .name("h225-call".into())
                    .spawn(move || {
                        let peer = stream.peer_addr().ok();
                        if let Err(e) = call(stream, &s) {
                            tracing::debug!(?peer, "call signalling: {e}");
                        }
                    });
            }
            Err(e) => {
                tracing::warn!("H.225.0 accept: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

fn fields(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn send(
    stream: &mut TcpStream,
    kind: MessageType,
    reference: council_q931::CallReference,
    uu: &H323UserInformation,
) -> anyhow::Result<()> {
    let mut m = Message::new(kind, reference);
    if kind == MessageType::ReleaseComplete {
        m.set_cause(Cause::user(Cause::NORMAL_CLEARING));
    }
    m.set_user_user(&encode_value(uu)?);
    let mut out = Vec::new();
    tpkt::encode(&m.encode()?, &mut out)?;
    stream.write_all(&out)?;
    Ok(())
}

/// One connection: one call.
fn call(mut stream: TcpStream, s: &Signalling) -> anyhow::Result<()> {
    let peer = stream.peer_addr()?;
    let mut deframer = tpkt::Deframer::new(64 * 1024);
    let mut buf = [0u8; 8192];
    let mut session: Option<EchoSession> = None;
    let mut tunnel = council_h245::tunnel::Tunnel::new(
        &s.codecs,
        council_h245::tunnel::MCU,
        std::process::id().wrapping_mul(2_654_435_761),
    );
    let mut call_key = String::new();
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        deframer.push(&buf[..n]);
        while let Some(payload) = deframer.next_payload()? {
            let m = Message::parse(&payload)?;
            let Some(uu) = m.user_user() else {
                continue;
            };
            let info: H323UserInformation = decode_value(uu)?;
            match &info.h323_uu_pdu.h323_message_body {
                H323MessageBody::Setup(setup) if session.is_none() => {
                    let cr = m.call_reference.reply();
                    let call_id: [u8; 16] = setup
                        .call_identifier
                        .as_ref()
                        .map_or(&setup.conference_id[..], |c| &c.guid[..])
                        .try_into()
                        .unwrap_or([0; 16]);
                    let conference_id: [u8; 16] =
                        setup.conference_id[..].try_into().unwrap_or([0; 16]);
                    call_key = council_witness::hex(&call_id);
                    send(
                        &mut stream,
                        MessageType::CallProceeding,
                        cr,
                        &build::call_proceeding(call_id),
                    )?;
                    send(
                        &mut stream,
                        MessageType::Alerting,
                        cr,
                        &build::alerting(call_id),
                    )?;
                    // Our RTP port, before the session exists (the answer needs it, the session needs the answer).
                    let port = std::net::UdpSocket::bind(SocketAddr::new(s.media_ip, 0))?
                        .local_addr()?
                        .port();
                    let rtp = SocketAddr::new(s.media_ip, port);
                    let rtcp = SocketAddr::new(s.media_ip, port + 1);
                    let offer = build::fast_start_of(&info);
                    let answered = council_h245::fast_start_answer(&offer, &s.codecs, rtp, rtcp);
                    let Ok((answer, media)) = answered else {
                        // No Fast Start we can take: Council does not yet open channels over H.245.
                        send(
                            &mut stream,
                            MessageType::ReleaseComplete,
                            cr,
                            &build::release_complete(call_id, None),
                        )?;
                        break;
                    };
                    if let Some(send_channel) = &media.send
                        && let Some(remote) = send_channel.remote_rtp
                    {
                        let spec = EchoSpec {
                            codec: send_channel.codec,
                            payload_type: send_channel.codec.info().static_pt,
                            local: rtp,
                            remote,
                            ptime_ms: 20,
                            witness: s.witness.clone(),
                            label: format!("h323-{call_key}"),
                            rtp_timeout: s.rtp_timeout,
                        };
                        session = Some(EchoSession::start(&spec)?);
                        let _ = s.log.append(
                            kind::CALL_BRIDGED,
                            fields(json!({
                                "call": call_key,
                                "protocol": "h323",
                                "from": peer.to_string(),
                                "codec": send_channel.codec.name(),
                                "remote-rtp": remote.to_string(),
                                "local-rtp-port": port,
                            })),
                        );
                    }
                    // H.245 tunnelled by a peer that insists: acknowledge its capabilities and master/slave
                    // determination, and send ours, in the Connect.
                    let mut connect = build::connect(call_id, conference_id, answer);
                    let (tunnelling, h245) = build::tunnelled(&info);
                    if tunnelling {
                        let mut replies = tunnel.receive(&h245);
                        replies.extend(tunnel.opening());
                        connect = build::tunnel(connect, replies);
                    }
                    send(&mut stream, MessageType::Connect, cr, &connect)?;
                }
                H323MessageBody::ReleaseComplete(_) => {
                    if let Some(sess) = session.take() {
                        sess.stop(Duration::from_millis(300));
                    }
                    let _ = s.log.append(
                        kind::CALL_RELEASED,
                        fields(json!({ "call": call_key, "protocol": "h323", "why": "release-complete" })),
                    );
                    return Ok(());
                }
                // Facility (or anything else) carrying tunnelled H.245: the peer's acks need no answer.
                _ => {
                    let (_, h245) = build::tunnelled(&info);
                    if !h245.is_empty() {
                        let _ = tunnel.receive(&h245);
                    }
                }
            }
        }
    }
    // The connection closed without ReleaseComplete.
    if let Some(sess) = session.take() {
        sess.stop(Duration::from_millis(300));
        let _ = s.log.append(
            kind::CALL_RELEASED,
            fields(json!({ "call": call_key, "protocol": "h323", "why": "connection-closed" })),
        );
    }
    Ok(())
}
