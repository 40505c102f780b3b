//! One SIPp call with media: SIPp streams 2 s of a 1 kHz tone as PCMU (`rtp_stream` in
//! `tests/data/sipp/uac_rtp_stream.xml`) and the server must echo it back. The proof is a loopback capture by
//! tshark: the echo comes from the port the server put in its SDP answer (symmetric RTP) to SIPp's media port,
//! in payload type 0, nearly packet for packet, and its payload decodes to the tone.
//!
//! Then the RTP timeout: a call whose caller falls silent is ended by the server with a BYE
//! (`uac_await_bye.xml`, `council serve --rtp-timeout 2`), and released in the witness log.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use council_e2e::sip::*;

const FREQ: f64 = 1000.0;
const SECONDS: f64 = 2.0;
/// 20 ms packets.
const PACKETS: usize = (SECONDS * 50.0) as usize;

fn write_tone(dir: &Path) {
    let ulaw: Vec<u8> = tone(FREQ, SECONDS, 8000.0)
        .into_iter()
        .map(ulaw_encode)
        .collect();
    std::fs::write(dir.join("tone.ulaw"), ulaw).unwrap();
}

/// The media port of the server's SDP answer (the 200 OK to the INVITE) in the capture.
fn answer_media_port(cap: &Path, sip: SocketAddr) -> u16 {
    let decode = format!("udp.port=={},sip", sip.port());
    let rows = tshark_fields(
        cap,
        &["-d", &decode],
        "sip.Status-Code == 200 && sip.CSeq.method == \"INVITE\" && sdp",
        &["sdp.media.port"],
    );
    rows.first()
        .and_then(|r| r.first())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no SDP answer in the capture: {rows:?}"))
}

#[test]
fn pcmu_sent_by_sipp_comes_back_from_the_answered_port() {
    if !have("sipp", "sip-tester") || !have("tshark", "tshark") || !can_capture() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_tone(dir.path());
    let server = Server::start(dir.path(), &[]);
    let media = free_ports(4);
    let cap = Capture::start(
        dir.path(),
        "rtp.pcapng",
        &format!("udp and (port {media} or port {})", server.sip.port()),
    );
    let r = Sipp::scenario(dir.path(), server.sip, "uac_rtp_stream.xml")
        .arg("-m")
        .arg("1")
        .arg("-d")
        .arg("3000")
        .run_with_media(media);
    let cap = cap.stop();
    assert_eq!((r.successful, r.failed), (1, 0), "{}", r.report());

    let answered = answer_media_port(&cap, server.sip);
    let decode = format!("udp.port=={media},rtp");
    let rtp = tshark_fields(
        &cap,
        &["-d", &decode],
        "rtp",
        &["udp.srcport", "udp.dstport", "rtp.p_type", "rtp.payload"],
    );
    let sent = rtp.iter().filter(|p| p[0] == media.to_string()).count();
    let back: Vec<&Vec<String>> = rtp.iter().filter(|p| p[1] == media.to_string()).collect();
    eprintln!(
        "SIPp sent {sent} RTP packets to port {answered}; {} came back",
        back.len()
    );
    assert!(
        sent >= PACKETS * 9 / 10,
        "SIPp sent only {sent} RTP packets"
    );
    assert!(
        back.len() >= sent * 9 / 10,
        "only {} of {sent} packets came back",
        back.len()
    );
    for p in &back {
        assert_eq!(p[2], "0", "echo not in PCMU (payload type 0): {p:?}");
    }
    let audio: Vec<i16> = back
        .iter()
        .flat_map(|p| hex(&p[3]))
        .map(ulaw_decode)
        .collect();
    let share = tone_share(&audio, 8000, FREQ);
    let blocks = tone_blocks(&audio, 8000, FREQ, 1000.0);
    eprintln!(
        "echoed audio: {:.1} s, {:.1} % of its energy at {FREQ} Hz, {blocks} blocks of 20 ms with the tone",
        audio.len() as f64 / 8000.0,
        share * 100.0
    );
    assert!(
        share > 0.9,
        "the echo holds the tone at only {:.1} %",
        share * 100.0
    );
    assert!(
        blocks >= PACKETS * 8 / 10,
        "the tone is in only {blocks} blocks of 20 ms"
    );

    if server.is_council() {
        let released = server.await_witness("call-released", 1, Duration::from_secs(10));
        assert_eq!(released, 1, "call-released entries");
        assert_eq!(
            server.witness_count("call-bridged"),
            1,
            "call-bridged entries"
        );
        // Both directions of the call were digested.
        let digests = server.witness_count("media-digest");
        assert!(digests >= 2, "{digests} media-digest entries");
        let witness_dir = server.witness_dir.clone();
        server.stop();
        verify_witness(&witness_dir);
    } else {
        server.stop();
    }

    // Symmetric RTP (RFC 4961): the echo leaves from the port that receives, the one the SDP answer announced.
    let from: std::collections::BTreeSet<&str> = back.iter().map(|p| p[0].as_str()).collect();
    assert_eq!(
        from,
        [answered.to_string().as_str()].into(),
        "the echo must come from the answered port {answered} (symmetric RTP), not from {from:?}"
    );
}

#[test]
fn a_silent_caller_is_hung_up_by_the_server_after_the_rtp_timeout() {
    if !have("sipp", "sip-tester") {
        return;
    }
    if Target::from_env() != Target::Council {
        eprintln!("SIPp's UAS never hangs up on its own: this test is for council serve only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_tone(dir.path());
    let server = Server::start(dir.path(), &["--rtp-timeout", "2"]);
    // 2 s of RTP, then silence: the BYE is due 2 s later; the scenario waits 20 s for it.
    let r = Sipp::scenario(dir.path(), server.sip, "uac_await_bye.xml")
        .arg("-m")
        .arg("1")
        .run();
    assert_eq!(
        (r.successful, r.failed),
        (1, 0),
        "no BYE after the RTP timeout: {}",
        r.report()
    );
    assert_eq!(
        server.await_witness("call-released", 1, Duration::from_secs(10)),
        1
    );
    assert_eq!(server.witness_count("call-bridged"), 1);
    let witness_dir = server.witness_dir.clone();
    server.stop();
    verify_witness(&witness_dir);
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}
