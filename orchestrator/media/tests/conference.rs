//! The council over real UDP on loopback: participants in different codecs each send a tone as RTP; each must
//! hear every other tone and not its own, in its own codec, from the port it sends to; a participant who leaves
//! or goes silent is no longer heard and the others go on; every direction and the full mix are witnessed.

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use council_media::{Conference, ConferenceSpec, EchoSpec, Ended, Leg, WitnessSpec};
use council_rtp::Codec;

mod common;
use common::{digests, heard_share, rtp, tone, ulaw, unulaw};

fn witness(log: &Path) -> WitnessSpec {
    WitnessSpec {
        location: log.to_owned(),
        key: None,
    }
}

/// A participant: its socket, codec, tone, and its G.729 state.
struct Member {
    socket: UdpSocket,
    codec: Codec,
    pt: u8,
    freq: f64,
    enc: g729::Encoder,
    dec: g729::Decoder,
    /// Samples sent so far (the tone's phase and the RTP timestamp).
    sent: usize,
    /// What came back: (source port, payload type, decoded samples).
    heard: Vec<(u16, u8, Vec<i16>)>,
}

impl Member {
    fn new(codec: Codec, pt: u8, freq: f64) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        Self {
            socket,
            codec,
            pt,
            freq,
            enc: g729::Encoder::new(),
            dec: g729::Decoder::new(),
            sent: 0,
            heard: Vec::new(),
        }
    }

    fn spec(&self, log: &Path, label: &str) -> EchoSpec {
        EchoSpec {
            codec: self.codec,
            payload_type: self.pt,
            local: "127.0.0.1:0".parse().unwrap(),
            remote: self.socket.local_addr().unwrap(),
            ptime_ms: 20,
            witness: witness(log),
            label: label.into(),
            rtp_timeout: Duration::from_secs(5),
        }
    }

    /// Sends 20 ms of its tone to `to`.
    fn send(&mut self, to: SocketAddr) {
        let pcm = tone(160, self.freq, self.sent);
        let payload: Vec<u8> = match self.codec {
            Codec::G729 => {
                let mut payload = Vec::new();
                for half in pcm.chunks_exact(80) {
                    let mut frame = [0u8; 10];
                    self.enc.encode(half.try_into().unwrap(), &mut frame);
                    payload.extend_from_slice(&frame);
                }
                payload
            }
            _ => pcm.iter().map(|&s| ulaw(s)).collect(),
        };
        let seq = (self.sent / 160) as u16;
        self.socket
            .send_to(&rtp(self.pt, seq, self.sent as u32, &payload), to)
            .unwrap();
        self.sent += 160;
    }

    fn receive(&mut self) {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = self.socket.recv_from(&mut buf) {
            if n < 12 {
                continue;
            }
            let payload = &buf[12..n];
            let pcm: Vec<i16> = match self.codec {
                Codec::G729 => payload
                    .chunks_exact(10)
                    .flat_map(|f| {
                        let mut out = [0i16; 80];
                        self.dec.decode(f.try_into().unwrap(), &mut out);
                        out
                    })
                    .collect(),
                _ => payload.iter().map(|&b| unulaw(b)).collect(),
            };
            self.heard.push((from.port(), buf[1] & 0x7f, pcm));
        }
    }

    /// The decoded audio heard, skipping the first `skip` packets (the mixer's start and the jitter buffers).
    fn audio(&self, skip: usize) -> Vec<i16> {
        self.heard
            .iter()
            .skip(skip)
            .flat_map(|(_, _, pcm)| pcm.iter().copied())
            .collect()
    }
}

/// Every member sends 20 ms to its leg every 20 ms for `packets` rounds, and everybody collects what comes back.
fn talk(members: &mut [Member], legs: &[&Leg], packets: usize) {
    let start = Instant::now();
    for i in 0..packets {
        for (m, leg) in members.iter_mut().zip(legs) {
            m.send(SocketAddr::from(([127, 0, 0, 1], leg.local_port())));
        }
        let due = start + Duration::from_millis(20 * (i as u64 + 1));
        while Instant::now() < due {
            members.iter_mut().for_each(Member::receive);
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    let end = Instant::now() + Duration::from_millis(300);
    while Instant::now() < end {
        members.iter_mut().for_each(Member::receive);
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn start(log: &Path) -> Conference {
    Conference::start(&ConferenceSpec {
        witness: witness(log),
        label: "council".into(),
        record: None,
    })
    .unwrap()
}

#[test]
fn everybody_hears_everybody_else_in_their_own_codec() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    let council = start(&log);
    let mut members = vec![
        Member::new(Codec::Pcmu, 0, 400.0),
        Member::new(Codec::Pcmu, 98, 700.0),
        Member::new(Codec::G729, 18, 1100.0),
    ];
    let legs: Vec<Leg> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            council
                .join(&m.spec(&log, &format!("p{i}")), |_| {})
                .unwrap()
        })
        .collect();
    assert_eq!(council.participants(), 3);
    talk(&mut members, &legs.iter().collect::<Vec<_>>(), 150);

    for (i, (m, leg)) in members.iter().zip(&legs).enumerate() {
        assert!(
            m.heard.len() >= 100,
            "p{i} got {} packets back",
            m.heard.len()
        );
        for (port, pt, _) in &m.heard {
            assert_eq!(*port, leg.local_port(), "p{i} hears from where it sends");
            assert_eq!(*pt, m.pt, "p{i}'s payload type");
        }
        // 20 ms a packet (the G.729 payloader may send a lone 10 ms frame after a discontinuity).
        let short = m
            .heard
            .iter()
            .filter(|(_, _, pcm)| pcm.len() != 160)
            .count();
        assert!(short <= 2, "p{i}: {short} packets not of 20 ms");
        let audio = m.audio(25);
        let own = heard_share(&audio, m.freq);
        assert!(own < 0.01, "p{i} hears itself: {own:.4}");
        for (j, other) in members.iter().enumerate().filter(|&(j, _)| j != i) {
            let share = heard_share(&audio, other.freq);
            assert!(
                share > 0.2,
                "p{i} hears p{j} ({} Hz) at {share:.3}",
                other.freq
            );
        }
    }
    drop(legs);
    assert_eq!(council.participants(), 0);
    council.stop(Duration::from_secs(1));
    for label in ["p0/rx", "p0/tx", "p1/rx", "p2/tx", "council/mix"] {
        assert!(digests(&log, label) >= 1, "no digest for {label}");
    }
    council_witness::verify_file(&log, &council_witness::VerifyOptions::default()).unwrap();
}

#[test]
fn who_leaves_or_falls_silent_is_not_heard_and_the_others_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    let council = start(&log);
    let mut members = vec![
        Member::new(Codec::Pcmu, 0, 500.0),
        Member::new(Codec::Pcmu, 0, 900.0),
        Member::new(Codec::Pcmu, 0, 1300.0),
    ];
    let (ended_tx, ended_rx) = std::sync::mpsc::channel();
    let mut legs: Vec<Leg> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut spec = m.spec(&log, &format!("q{i}"));
            spec.rtp_timeout = Duration::from_millis(500);
            let tx = std::sync::Mutex::new(ended_tx.clone());
            council
                .join(&spec, move |why| {
                    let _ = tx.lock().unwrap().send((i, why));
                })
                .unwrap()
        })
        .collect();
    talk(&mut members, &legs.iter().collect::<Vec<_>>(), 50);
    assert!(heard_share(&members[0].audio(25), 1300.0) > 0.2);

    // q2 leaves; q0 and q1 keep talking and no longer hear 1300 Hz.
    legs.pop().unwrap().leave();
    let mut two: Vec<Member> = members.drain(..2).collect();
    two.iter_mut().for_each(|m| m.heard.clear());
    talk(&mut two, &legs.iter().collect::<Vec<_>>(), 75);
    for (i, m) in two.iter().enumerate() {
        let audio = m.audio(10);
        assert!(audio.len() >= 8000, "q{i} heard {} samples", audio.len());
        assert!(heard_share(&audio, 1300.0) < 0.01, "q{i} still hears q2");
        let other = [900.0, 500.0][i];
        let share = heard_share(&audio, other);
        assert!(share > 0.2, "q{i} hears the other");
    }

    // q1 falls silent: its leg ends by RTP timeout; q0 is not disturbed (it hears silence, packets keep coming).
    let q0 = &mut two[0];
    q0.heard.clear();
    let to = SocketAddr::from(([127, 0, 0, 1], legs[0].local_port()));
    let start = Instant::now();
    let mut timed_out = None;
    for i in 0..75 {
        q0.send(to);
        let due = start + Duration::from_millis(20 * (i + 1));
        while Instant::now() < due {
            q0.receive();
            std::thread::sleep(Duration::from_millis(1));
        }
        if timed_out.is_none()
            && let Ok(end) = ended_rx.try_recv()
        {
            timed_out = Some(end);
        }
    }
    assert_eq!(timed_out, Some((1, Ended::RtpTimeout)));
    assert!(q0.heard.len() >= 60, "q0 got {} packets", q0.heard.len());
    assert!(council.failure().is_none());
    drop(legs);
    council.stop(Duration::from_secs(1));
    council_witness::verify_file(&log, &council_witness::VerifyOptions::default()).unwrap();
}

/// Reads a 16-bit mono WAV's samples (the in legs' `wavenc` output: a 44-byte header).
fn wav_samples(path: &Path) -> Vec<i16> {
    let bytes = std::fs::read(path).unwrap();
    let data = bytes
        .windows(4)
        .position(|w| w == b"data")
        .expect("a data chunk");
    bytes[data + 8..]
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// A call's media on loopback: received on `local` (0: any port), sent to `remote`, 20 ms packets.
fn loopback_spec(
    codec: Codec,
    pt: u8,
    local: u16,
    remote: u16,
    log: &Path,
    label: String,
) -> EchoSpec {
    EchoSpec {
        codec,
        payload_type: pt,
        local: SocketAddr::from(([127, 0, 0, 1], local)),
        remote: SocketAddr::from(([127, 0, 0, 1], remote)),
        ptime_ms: 20,
        witness: witness(log),
        label,
        rtp_timeout: Duration::from_secs(5),
    }
}

/// Terminal `i` (`Media::Tone`): sends `freq` Hz and records what it hears into `dir/tI.wav`, as `spec` says.
fn tone_terminal(
    dir: &Path,
    i: usize,
    freq: u32,
    spec: EchoSpec,
) -> (council_media::Session, std::path::PathBuf) {
    let record = dir.join(format!("t{i}.wav"));
    let terminal = council_media::Media::Tone {
        freq,
        record: record.clone(),
    }
    .start(&spec, |_| {})
    .unwrap();
    (terminal, record)
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Two terminals (`Media::Tone`: a tone out, a recording in, the full leg pipelines) in the council through
/// `Media::Council`: each records the other's tone, not its own.
#[test]
fn tone_terminals_meet_in_the_council() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    let mix = dir.path().join("mix.wav");
    let conference = Conference::start(&ConferenceSpec {
        witness: witness(&log),
        label: "council".into(),
        record: Some(mix.clone()),
    })
    .unwrap();
    let mut sessions = Vec::new();
    let mut records = Vec::new();
    for (i, (codec, pt, freq)) in [(Codec::Pcmu, 0u8, 600u32), (Codec::G729, 18, 1000)]
        .into_iter()
        .enumerate()
    {
        let terminal_port = free_port();
        let spec = |local, remote, label| loopback_spec(codec, pt, local, remote, &log, label);
        let leg = conference
            .join(&spec(0, terminal_port, format!("leg{i}")), |_| {})
            .unwrap();
        let (terminal, record) = tone_terminal(
            dir.path(),
            i,
            freq,
            spec(terminal_port, leg.local_port(), format!("t{i}")),
        );
        assert_eq!(terminal.local_port(), terminal_port);
        sessions.push((leg, terminal));
        records.push((record, freq));
    }
    std::thread::sleep(Duration::from_secs(2));
    for (leg, terminal) in sessions {
        terminal.stop(Duration::from_secs(1));
        leg.leave();
    }
    // The full mix, recorded: both tones; the WAV is finished when the conference stops.
    conference.stop(Duration::from_secs(1));
    let full = wav_samples(&mix);
    let bytes = std::fs::read(&mix).unwrap();
    let data = bytes.windows(4).position(|w| w == b"data").unwrap();
    let size = u32::from_le_bytes(bytes[data + 4..data + 8].try_into().unwrap()) as usize;
    assert_eq!(
        size,
        full.len() * 2,
        "the WAV's header was written at the end"
    );
    assert!(
        full.len() >= 8000,
        "the mix recorded {} samples",
        full.len()
    );
    // (Two tones at the legs' default volume sum past full scale and clip: the shares are lower than on a leg.)
    for (_, freq) in &records {
        let share = heard_share(&full[4000..], f64::from(*freq));
        assert!(share > 0.05, "the mix holds {freq} Hz at {share:.3}");
    }
    let elsewhere = heard_share(&full[4000..], 1400.0);
    assert!(elsewhere < 0.02, "the mix holds 1400 Hz at {elsewhere:.3}");
    assert!(digests(&log, "council/mix") >= 1);
    for (i, (record, freq)) in records.iter().enumerate() {
        let audio = wav_samples(record);
        assert!(audio.len() >= 8000, "t{i} recorded {} samples", audio.len());
        let other = records[1 - i].1;
        let heard = heard_share(&audio[4000..], f64::from(other));
        let own = heard_share(&audio[4000..], f64::from(*freq));
        assert!(heard > 0.3, "t{i} hears {other} Hz at {heard:.3}");
        assert!(own < 0.01, "t{i} hears itself at {own:.3}");
    }
}

/// Each council is a conference of its own: two terminals in "north" hear each other; the one in "south" hears
/// nobody, and nobody hears it.
#[test]
fn each_council_is_a_conference_of_its_own() {
    use council_media::{Councils, Media};
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    let councils = Councils::new(witness(&log), "north");
    let media = Media::Council(councils.clone());
    let mut sessions = Vec::new();
    let mut records = Vec::new();
    for (i, (council, freq)) in [(None, 600u32), (Some("north"), 1000), (Some("south"), 1400)]
        .into_iter()
        .enumerate()
    {
        let terminal_port = free_port();
        let spec = |local, remote, label| loopback_spec(Codec::Pcmu, 0, local, remote, &log, label);
        let leg = media
            .start_in(council, &spec(0, terminal_port, format!("leg{i}")), |_| {})
            .unwrap();
        let (terminal, record) = tone_terminal(
            dir.path(),
            i,
            freq,
            spec(terminal_port, leg.local_port(), format!("t{i}")),
        );
        sessions.push((leg, terminal));
        records.push((record, f64::from(freq)));
    }
    assert_eq!(councils.names(), ["north", "south"]);
    std::thread::sleep(Duration::from_secs(2));
    for (leg, terminal) in sessions {
        terminal.stop(Duration::from_secs(1));
        leg.stop(Duration::from_secs(1));
    }
    councils.stop(Duration::from_secs(1));
    let heard: Vec<Vec<i16>> = records
        .iter()
        .map(|(r, _)| {
            let audio = wav_samples(r);
            assert!(
                audio.len() >= 8000,
                "{} recorded {} samples",
                r.display(),
                audio.len()
            );
            audio[4000..].to_vec()
        })
        .collect();
    assert!(
        heard_share(&heard[0], records[1].1) > 0.3,
        "north 0 hears north 1"
    );
    assert!(
        heard_share(&heard[1], records[0].1) > 0.3,
        "north 1 hears north 0"
    );
    for h in &heard[..2] {
        assert!(
            heard_share(h, records[2].1) < 0.01,
            "south is heard in north"
        );
    }
    let south_peak = heard[2].iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    assert!(south_peak < 100, "south, alone, hears {south_peak}");
    assert!(digests(&log, "north/mix") >= 1 && digests(&log, "south/mix") >= 1);
    // Stopped: no council convenes any more.
    assert!(councils.conference(Some("west")).is_err());
}
