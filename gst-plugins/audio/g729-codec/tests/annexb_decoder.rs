//! ITU-T G.729 Annex B (with Annex A) decoder conformance: decoding
//! `tstseqNa.bit` (`tstseq5.bit`, `tstseq6.bit`) must reproduce
//! `tstseqNa.out` byte for byte.

use std::path::PathBuf;

use g729::Decoder;
use g729::itu::{Frame, Reader};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decode a vector; returns the output PCM as little-endian bytes.
fn decode(bit: &[u8]) -> Vec<u8> {
    let mut dec = Decoder::new();
    let mut out = Vec::new();
    let mut pcm = [0i16; 80];
    for frame in Reader::new(bit) {
        match frame.expect("valid bitstream") {
            Frame::Speech(f) => dec.decode(&f, &mut pcm),
            Frame::Sid(s) => dec.decode_sid(&s, &mut pcm),
            Frame::Untransmitted => dec.decode_untransmitted(&mut pcm),
            Frame::Erased => dec.conceal(&mut pcm),
        }
        out.extend(pcm.iter().flat_map(|s| s.to_le_bytes()));
    }
    out
}

/// First mismatching sample index, or None when identical.
fn first_mismatch(got: &[u8], want: &[u8]) -> Option<usize> {
    let n = got.len().min(want.len());
    (0..n / 2)
        .find(|&i| got[2 * i..2 * i + 2] != want[2 * i..2 * i + 2])
        .or((got.len() != want.len()).then_some(n / 2))
}

fn check(bit: &str, out: &str) -> Option<usize> {
    let got = decode(&data(bit));
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

/// One test per Annex B decoder vector, each expected to be bit-exact.
macro_rules! exact {
    ($($test:ident: $bit:literal => $out:literal,)*) => {
        $(
            #[test]
            fn $test() {
                if let Some(i) = check($bit, $out) {
                    panic!("{}: first mismatch at sample {i} (frame {})", $bit, i / 80);
                }
            }
        )*
    };
}

exact! {
    tstseq1: "tstseq1a.bit" => "tstseq1a.out",
    tstseq2: "tstseq2a.bit" => "tstseq2a.out",
    tstseq3: "tstseq3a.bit" => "tstseq3a.out",
    tstseq4: "tstseq4a.bit" => "tstseq4a.out",
    tstseq5: "tstseq5.bit" => "tstseq5a.out",
    tstseq6: "tstseq6.bit" => "tstseq6a.out",
}
