//! G.729 over real RTP/UDP between two processes, with the stock payloaders: `audiotestsrc ! g729enc ! rtpg729pay !
//! udpsink` in one `gst-launch-1.0`, `udpsrc ! rtpjitterbuffer ! rtpg729depay ! g729dec ! wavenc ! filesink` in
//! another; the tone must arrive.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use council_e2e::*;

/// Power of `freq` in `x` (Goertzel), normalised by the signal's total power.
fn tone_share(x: &[f64], freq: f64, rate: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / rate;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &v in x {
        let s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let total: f64 = x.iter().map(|v| v * v).sum();
    // A pure tone of amplitude A over N samples: Goertzel power N²A²/4, total power N·A²/2.
    2.0 * power / (x.len() as f64 * total)
}

#[test]
fn a_tone_crosses_udp_between_two_processes_as_g729() {
    let dir = tempfile::tempdir().unwrap();
    let env = install_plugins(dir.path());
    let port = free_udp_port();
    let wav = dir.path().join("received.wav");

    // Started directly, not under timeout(1): that would deliver our SIGINT twice (to the child and to its process
    // group), and gst-launch-1.0 dies of a second SIGINT. The deadline is kept below instead.
    let mut receiver = Command::new("gst-launch-1.0")
        .args(["-e", "udpsrc", "address=127.0.0.1", "reuse=false"])
        .arg(format!("port={port}"))
        .args([
            "caps=application/x-rtp,media=audio,clock-rate=8000,encoding-name=G729,payload=18",
            "!",
            "rtpjitterbuffer",
            "latency=60",
            "!",
            "rtpg729depay",
            "!",
            "g729dec",
            "!",
            "wavenc",
            "!",
            "filesink",
        ])
        .arg(format!("location={}", wav.display()))
        .envs(env.clone())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let the receiver bind its port before anything is sent.
    std::thread::sleep(Duration::from_millis(700));

    // 3 s of 440 Hz, paced in real time like a phone would send it.
    let sender = run(Command::new("timeout")
        .args([
            "-k",
            "5",
            "20",
            "gst-launch-1.0",
            "-q",
            "audiotestsrc",
            "is-live=true",
            "num-buffers=150",
        ])
        .args(["samplesperbuffer=160", "freq=440", "volume=0.5", "!"])
        .args([
            "audio/x-raw,format=S16LE,rate=8000,channels=1",
            "!",
            "g729enc",
            "!",
            "rtpg729pay",
            "!",
        ])
        .args(["udpsink", "host=127.0.0.1"])
        .arg(format!("port={port}"))
        .envs(env));
    assert!(sender.status.success(), "sender: {}", text(&sender.stderr));

    // Give the jitter buffer its latency, then stop the receiver with EOS (-e) so the WAV header is completed.
    std::thread::sleep(Duration::from_millis(500));
    let status = Command::new("kill")
        .args(["-INT", &receiver.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = receiver.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            receiver.kill().unwrap();
            panic!("the receiver did not stop within 10 s of SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(receiver.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(status.success(), "receiver: {status:?} {err}");

    let data = std::fs::read(&wav).unwrap();
    assert_eq!(&data[..4], b"RIFF", "a WAV file");
    assert!(data.len() > 44, "no audio");
    let pcm: Vec<f64> = data[44..]
        .chunks_exact(2)
        .map(|b| f64::from(i16::from_le_bytes([b[0], b[1]])))
        .collect();
    let seconds = pcm.len() as f64 / 8000.0;
    assert!(seconds > 2.5, "only {seconds:.2} s arrived");
    // Skip the codec's start-up, look at the steady tone.
    let steady = &pcm[1600..pcm.len() - 800];
    let share = tone_share(steady, 440.0, 8000.0);
    let off = tone_share(steady, 1000.0, 8000.0);
    eprintln!(
        "received {seconds:.2} s; 440 Hz holds {:.1} % of the energy, 1000 Hz {:.3} %",
        share * 100.0,
        off * 100.0
    );
    assert!(
        share > 0.8,
        "the 440 Hz tone holds only {:.1} % of the energy",
        share * 100.0
    );
    assert!(off < 0.01, "1000 Hz holds {:.2} %", off * 100.0);
    let rms = (steady.iter().map(|v| v * v).sum::<f64>() / steady.len() as f64).sqrt();
    // volume=0.5 of full scale: a sine of amplitude ~16384 has RMS ~11585; G.729 keeps the level within a few dB.
    assert!((5000.0..20000.0).contains(&rms), "level RMS {rms:.0}");
}
