//! Offer/answer against the descriptions real SIP software sends (SIPp's default uac, baresip, a desk phone that
//! offers G.729 without Annex B, a softphone with video), holds and re-INVITEs, and refusals.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use council_sdp::{
    Codec, Direction, LocalMedia, SdpError, SessionVersion, accept_answer, answer, offer,
};

const US: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const V1: SessionVersion = SessionVersion { id: 42, version: 1 };

fn local() -> LocalMedia {
    LocalMedia::new(US, 20000)
}

/// sipp -sn uac's built-in INVITE body.
const SIPP: &str = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

/// baresip 1.0 with g711 loaded.
const BARESIP: &str = "v=0\r\no=- 1207393917 3394483473 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 10060 RTP/AVP 8 0 101\r\nb=AS:101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=rtcp-rsize\r\na=ptime:20\r\na=sendrecv\r\na=label:1\r\na=ssrc:1183925366 cname:2e4c1d3b-1a3b\r\n";

/// A desk phone: G.729 first and without Annex B, 30 ms, session-level attributes, a dynamic PT with an
/// upper-case-less rtpmap.
const DESK_PHONE: &str = "v=0\r\no=Cisco-SIPUA 26117 0 IN IP4 192.0.2.10\r\ns=SIP Call\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\na=ptime:30\r\nm=audio 16384 RTP/AVP 18 0 8 101\r\na=rtpmap:18 g729/8000\r\na=fmtp:18 annexb=no\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";

/// A softphone offering video first, then audio with Opus (which we don't do) before PCMU on a dynamic PT.
const WITH_VIDEO: &str = "v=0\r\no=- 3921930537 3921930537 IN IP6 ::1\r\ns=Talk\r\nc=IN IP6 ::1\r\nt=0 0\r\nm=video 9078 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\nm=audio 7078 RTP/AVP 97 98\r\na=rtpmap:97 opus/48000/2\r\na=rtpmap:98 PCMU/8000\r\na=ptime:20\r\n";

fn lines(sdp: &str) -> Vec<&str> {
    sdp.lines().collect()
}

#[test]
fn sipp_pcmu() {
    let (sdp, n) = answer(SIPP.as_bytes(), &local(), V1).unwrap();
    assert_eq!(n.codec, Codec::Pcmu);
    assert_eq!(n.payload_type, 0);
    assert_eq!(n.remote, Some(SocketAddr::new(US, 6000)));
    assert_eq!(n.ptime_ms, 20);
    assert_eq!(n.telephone_event, None, "SIPp offers no telephone-event");
    assert_eq!(n.direction, Direction::SendRecv);
    let l = lines(&sdp);
    assert_eq!(l[0], "v=0");
    assert_eq!(l[1], "o=council 42 1 IN IP4 127.0.0.1");
    assert!(l.contains(&"c=IN IP4 127.0.0.1"), "{sdp}");
    assert!(l.contains(&"m=audio 20000 RTP/AVP 0"), "{sdp}");
    assert!(l.contains(&"a=rtpmap:0 PCMU/8000"), "{sdp}");
    assert!(l.contains(&"a=sendrecv"), "{sdp}");
    assert!(sdp.ends_with("\r\n"));
}

#[test]
fn baresip_takes_the_offerers_first_codec_and_dtmf() {
    let (sdp, n) = answer(BARESIP.as_bytes(), &local(), V1).unwrap();
    assert_eq!((n.codec, n.payload_type), (Codec::Pcma, 8));
    assert_eq!(n.telephone_event, Some(101));
    let l = lines(&sdp);
    assert!(l.contains(&"m=audio 20000 RTP/AVP 8 101"), "{sdp}");
    assert!(l.contains(&"a=rtpmap:101 telephone-event/8000"), "{sdp}");
    assert!(l.contains(&"a=fmtp:101 0-15"), "{sdp}");
    // Our answer parses back as an answer to an offer of ours.
    let back = accept_answer(sdp.as_bytes(), &local()).unwrap();
    assert_eq!((back.codec, back.payload_type), (Codec::Pcma, 8));
    assert_eq!(back.remote, Some(SocketAddr::new(US, 20000)));
}

#[test]
fn g729_without_annex_b_and_session_level_ptime() {
    let (sdp, n) = answer(DESK_PHONE.as_bytes(), &local(), V1).unwrap();
    assert_eq!((n.codec, n.payload_type), (Codec::G729, 18));
    assert!(!n.g729_annexb, "annexb=no must be honoured");
    assert_eq!(n.ptime_ms, 30);
    assert!(sdp.contains("a=fmtp:18 annexb=no\r\n"), "{sdp}");
    // Annex B on by default (RFC 4856) when the fmtp is absent.
    let plain = DESK_PHONE.replace("a=fmtp:18 annexb=no\r\n", "");
    let (sdp, n) = answer(plain.as_bytes(), &local(), V1).unwrap();
    assert!(n.g729_annexb);
    assert!(!sdp.contains("annexb"), "{sdp}");
    // We prefer G.711 when we offer, but an answerer keeps the offerer's order; without G.729 we take PCMU.
    let mut no_g729 = local();
    no_g729.codecs = vec![Codec::Pcmu, Codec::Pcma];
    let (_, n) = answer(DESK_PHONE.as_bytes(), &no_g729, V1).unwrap();
    assert_eq!(n.codec, Codec::Pcmu);
}

#[test]
fn other_streams_are_rejected_with_port_zero_and_ipv6_works() {
    let (sdp, n) = answer(WITH_VIDEO.as_bytes(), &local(), V1).unwrap();
    assert_eq!((n.codec, n.payload_type), (Codec::Pcmu, 98));
    assert_eq!(n.remote, Some("[::1]:7078".parse().unwrap()));
    let m: Vec<&str> = sdp.lines().filter(|l| l.starts_with("m=")).collect();
    assert_eq!(m, ["m=video 0 RTP/AVP 96", "m=audio 20000 RTP/AVP 98"]);
    assert!(sdp.contains("a=rtpmap:98 PCMU/8000"), "{sdp}");
}

#[test]
fn hold_and_resume() {
    // RFC 3264 hold: the peer sends only; we then only receive.
    let hold = BARESIP.replace("a=sendrecv", "a=sendonly");
    let (sdp, n) = answer(
        hold.as_bytes(),
        &local(),
        SessionVersion { id: 42, version: 2 },
    )
    .unwrap();
    assert_eq!(n.direction, Direction::RecvOnly);
    assert!(
        sdp.contains("a=recvonly\r\n") && sdp.contains("o=council 42 2 "),
        "{sdp}"
    );
    // Old-style hold: c=0.0.0.0 — nowhere to send to.
    let old = BARESIP.replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0");
    let (_, n) = answer(old.as_bytes(), &local(), V1).unwrap();
    assert_eq!(n.remote, None);
    assert_eq!(n.direction, Direction::RecvOnly);
    let inactive = BARESIP.replace("a=sendrecv", "a=inactive");
    assert_eq!(
        answer(inactive.as_bytes(), &local(), V1)
            .unwrap()
            .1
            .direction,
        Direction::Inactive
    );
    // We hold them: our own direction limits the answer.
    let mut holding = local();
    holding.direction = Direction::SendOnly;
    assert_eq!(
        answer(BARESIP.as_bytes(), &holding, V1)
            .unwrap()
            .1
            .direction,
        Direction::SendOnly
    );
}

#[test]
fn odd_and_extreme_ptimes_become_whole_frames() {
    for (asked, used) in [
        ("5", 10),
        ("25", 30),
        ("1000", 200),
        ("20.4", 20),
        ("nonsense", 20),
    ] {
        let body = SIPP.replace(
            "a=rtpmap:0 PCMU/8000\r\n",
            &format!("a=rtpmap:0 PCMU/8000\r\na=ptime:{asked}\r\n"),
        );
        assert_eq!(
            answer(body.as_bytes(), &local(), V1).unwrap().1.ptime_ms,
            used,
            "ptime {asked}"
        );
    }
}

#[test]
fn our_offer() {
    let sdp = offer(&local(), V1);
    let l = lines(&sdp);
    assert!(l.contains(&"m=audio 20000 RTP/AVP 0 8 18 96"), "{sdp}");
    for a in [
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:18 G729/8000",
        "a=rtpmap:96 telephone-event/8000",
        "a=ptime:20",
        "a=sendrecv",
    ] {
        assert!(l.contains(&a), "{a} missing from {sdp}");
    }
    // A peer answering our offer with G.729 annexb=no.
    let reply = "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 30000 RTP/AVP 18\r\na=fmtp:18 annexb=no\r\n";
    let n = accept_answer(reply.as_bytes(), &local()).unwrap();
    assert_eq!((n.codec, n.payload_type), (Codec::G729, 18));
    assert!(!n.g729_annexb);
    assert_eq!(n.remote, Some("127.0.0.2:30000".parse().unwrap()));
}

#[test]
fn refusals_say_400_or_488() {
    let e = answer(b"this is not sdp", &local(), V1).unwrap_err();
    assert!(matches!(e, SdpError::Parse(_)), "{e}");
    assert_eq!(e.status(), 400);
    let opus_only = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7078 RTP/AVP 97\r\na=rtpmap:97 opus/48000/2\r\n";
    let e = answer(opus_only.as_bytes(), &local(), V1).unwrap_err();
    assert_eq!(e.status(), 488, "{e}");
    assert!(e.to_string().contains("no codec in common"), "{e}");
    let srtp = SIPP.replace("RTP/AVP", "RTP/SAVP");
    assert_eq!(
        answer(srtp.as_bytes(), &local(), V1).unwrap_err().status(),
        488
    );
    let video_only = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 9078 RTP/AVP 96\r\n";
    assert_eq!(
        answer(video_only.as_bytes(), &local(), V1)
            .unwrap_err()
            .status(),
        488
    );
    // PCMU at 16 kHz is not our PCMU.
    let wide = SIPP.replace("PCMU/8000", "PCMU/16000");
    assert_eq!(
        answer(wide.as_bytes(), &local(), V1).unwrap_err().status(),
        488
    );
    let no_c = SIPP.replace("c=IN IP4 127.0.0.1\r\n", "");
    assert_eq!(
        answer(no_c.as_bytes(), &local(), V1).unwrap_err().status(),
        400
    );
}

#[test]
fn garbage_never_panics() {
    // A cheap stand-in for the fuzz target: every truncation and a byte flip at every position of a real body.
    for body in [SIPP, BARESIP, DESK_PHONE, WITH_VIDEO] {
        let b = body.as_bytes();
        for cut in 0..b.len() {
            let _ = answer(&b[..cut], &local(), V1);
            let mut flipped = b.to_vec();
            flipped[cut] ^= 0x5a;
            let _ = answer(&flipped, &local(), V1);
            let _ = accept_answer(&flipped, &local());
        }
    }
}
