//! ITU-T G.729 Annex B (with Annex A) encoder conformance: encoding
//! `tstseqN.bin` with the VAD/DTX enabled must reproduce every frame of
//! `tstseqNa.bit` (frame kind and bits), N = 1..4.

use std::path::PathBuf;

use g729::itu::{Frame, Reader};
use g729::{Encoder, FrameKind};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One coded frame, in a comparable form.
#[derive(Debug, PartialEq, Eq)]
enum Coded {
    Speech([u8; 10]),
    Sid([u8; 2]),
    Untransmitted,
}

/// Encode the whole input (a trailing partial frame is ignored).
fn encode(pcm: &[u8]) -> Vec<Coded> {
    let mut enc = Encoder::with_vad(true);
    let mut out = Vec::new();
    for chunk in pcm.chunks_exact(160) {
        let mut frame = [0i16; 80];
        for (s, b) in frame.iter_mut().zip(chunk.chunks_exact(2)) {
            *s = i16::from_le_bytes([b[0], b[1]]);
        }
        let mut bytes = [0u8; 10];
        out.push(match enc.encode_frame(&frame, &mut bytes) {
            FrameKind::Speech => Coded::Speech(bytes),
            FrameKind::Sid => Coded::Sid([bytes[0], bytes[1]]),
            FrameKind::Untransmitted => Coded::Untransmitted,
        });
    }
    out
}

fn reference(bit: &[u8]) -> Vec<Coded> {
    Reader::new(bit)
        .map(|f| match f.expect("valid bitstream") {
            Frame::Speech(b) => Coded::Speech(b),
            Frame::Sid(s) => Coded::Sid(s),
            Frame::Untransmitted => Coded::Untransmitted,
            Frame::Erased => panic!("erased frame in an encoder reference"),
        })
        .collect()
}

/// First mismatching frame index, or None when identical.
fn check(n: u32) -> Option<usize> {
    let got = encode(&data(&format!("tstseq{n}.bin")));
    let want = reference(&data(&format!("tstseq{n}a.bit")));
    let m = got
        .iter()
        .zip(&want)
        .position(|(g, w)| g != w)
        .or((got.len() != want.len()).then_some(got.len().min(want.len())));
    match m {
        None => eprintln!("tstseq{n}: bit-exact ({} frames)", want.len()),
        Some(i) => eprintln!(
            "tstseq{n}: first mismatch at frame {i} of {}: got {:?}, want {:?}",
            want.len(),
            got.get(i),
            want.get(i)
        ),
    }
    m
}

#[test]
fn tstseq1() {
    assert_eq!(check(1), None);
}

#[test]
fn tstseq2() {
    assert_eq!(check(2), None);
}

#[test]
fn tstseq3() {
    assert_eq!(check(3), None);
}

#[test]
fn tstseq4() {
    assert_eq!(check(4), None);
}

/// Encoding with the VAD enabled and decoding the result reproduces the ITU
/// decoder output of the reference bitstream.
#[test]
fn tstseq1_round_trip() {
    let mut dec = g729::Decoder::new();
    let mut pcm = [0i16; 80];
    let mut out = Vec::new();
    for c in encode(&data("tstseq1.bin")) {
        match c {
            Coded::Speech(f) => dec.decode(&f, &mut pcm),
            Coded::Sid(s) => dec.decode_sid(&s, &mut pcm),
            Coded::Untransmitted => dec.decode_untransmitted(&mut pcm),
        }
        out.extend(pcm.iter().flat_map(|s| s.to_le_bytes()));
    }
    assert!(out == data("tstseq1a.out"), "decoded output differs");
}

/// Without the VAD, `encode_frame` is the Annex A encoder; with it, `encode`
/// still codes speech frames only.
#[test]
fn vad_off_is_annex_a() {
    let pcm = data("tstseq2.bin");
    let mut a = Encoder::new();
    let mut b = Encoder::with_vad(false);
    let mut c = Encoder::new_annex_b();
    assert!(!b.vad_enabled() && c.vad_enabled());
    for chunk in pcm.chunks_exact(160) {
        let mut frame = [0i16; 80];
        for (s, le) in frame.iter_mut().zip(chunk.chunks_exact(2)) {
            *s = i16::from_le_bytes([le[0], le[1]]);
        }
        let (mut fa, mut fb, mut fc) = ([0u8; 10], [0u8; 10], [0u8; 10]);
        a.encode(&frame, &mut fa);
        assert_eq!(b.encode_frame(&frame, &mut fb), FrameKind::Speech);
        assert_eq!(fa, fb);
        c.encode(&frame, &mut fc);
    }
}

/// Extreme and silent inputs go through VAD/DTX without panicking, and a long
/// silence is mostly untransmitted.
#[test]
fn extreme_inputs() {
    let mut enc = Encoder::with_vad(true);
    let mut out = [0u8; 10];
    let mut kinds = [0usize; 3];
    let mut seed = 12345u32;
    for n in 0..3000 {
        let mut frame = [0i16; 80];
        for (i, s) in frame.iter_mut().enumerate() {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            *s = match (n / 500) % 6 {
                0 => 0,
                1 => (seed >> 16) as i16,
                2 => {
                    if i % 2 == 0 {
                        i16::MAX
                    } else {
                        i16::MIN
                    }
                }
                3 => i16::MIN,
                4 => ((seed >> 16) as i16) >> 10,
                _ => 0,
            };
        }
        let k = enc.encode_frame(&frame, &mut out);
        kinds[k as usize] += 1;
    }
    assert!(kinds[2] > 0, "{kinds:?}");
}
