//! Running the ITU decoder vectors: read a `.BIT` stream, decode it, compare with the reference PCM byte for byte.
#![allow(dead_code)]

use std::path::PathBuf;

use g729::Decoder;
use g729::itu::{Frame, Reader};

/// Which frames a vector may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frames {
    /// Annex A: speech and erasures only; a SID or untransmitted frame is a broken vector.
    AnnexA,
    /// Annex B: also SID and untransmitted (DTX) frames.
    AnnexB,
}

/// A file of `tests/data`.
pub fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes a bitstream; returns the output PCM as little-endian bytes.
pub fn decode(bit: &[u8], frames: Frames) -> Vec<u8> {
    let mut dec = Decoder::new();
    let mut out = Vec::new();
    let mut pcm = [0i16; 80];
    for frame in Reader::new(bit) {
        match (frame.expect("valid bitstream"), frames) {
            (Frame::Speech(f), _) => dec.decode(&f, &mut pcm),
            (Frame::Erased, _) => dec.conceal(&mut pcm),
            (Frame::Sid(s), Frames::AnnexB) => dec.decode_sid(&s, &mut pcm),
            (Frame::Untransmitted, Frames::AnnexB) => dec.decode_untransmitted(&mut pcm),
            (other, Frames::AnnexA) => panic!("unexpected frame in an Annex A vector: {other:?}"),
        }
        out.extend(pcm.iter().flat_map(|s| s.to_le_bytes()));
    }
    out
}

/// First mismatching sample index, or None when identical.
pub fn first_mismatch(got: &[u8], want: &[u8]) -> Option<usize> {
    let n = got.len().min(want.len());
    (0..n / 2)
        .find(|&i| got[2 * i..2 * i + 2] != want[2 * i..2 * i + 2])
        .or((got.len() != want.len()).then_some(n / 2))
}

/// Decodes `bit` and compares with `out`: the first mismatching sample, or None when bit-exact.
pub fn check(bit: &str, out: &str, frames: Frames) -> Option<usize> {
    let got = decode(&data(bit), frames);
    let want = data(out);
    let m = first_mismatch(&got, &want);
    match m {
        None => eprintln!("{bit}: bit-exact ({} samples)", want.len() / 2),
        Some(i) => {
            let at = |v: &[u8]| {
                v.get(2 * i..2 * i + 2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
            };
            eprintln!(
                "{bit}: first mismatch at sample {i} (frame {}): got {:?}, want {:?}",
                i / 80,
                at(&got),
                at(&want)
            );
        }
    }
    m
}

/// One test per decoder vector, each expected to be bit-exact: `exact!(Frames::X; name: "in.bit" => "out.pst", ...)`.
macro_rules! exact {
    ($frames:expr; $($test:ident: $bit:literal => $out:literal,)*) => {
        $(
            #[test]
            fn $test() {
                if let Some(i) = $crate::vectors::check($bit, $out, $frames) {
                    panic!("{}: first mismatch at sample {i} (frame {})", $bit, i / 80);
                }
            }
        )*
    };
}
pub(crate) use exact;
