//! ITU-T G.729 Annex A decoder conformance: decoding `X.BIT` must reproduce
//! `X.PST` byte for byte.

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
            Frame::Erased => dec.conceal(&mut pcm),
            other => panic!("unexpected frame in an Annex A vector: {other:?}"),
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

fn check(name: &str, pst: &str) -> Option<usize> {
    let got = decode(&data(&format!("{name}.BIT")));
    let want = data(pst);
    let m = first_mismatch(&got, &want);
    match m {
        None => eprintln!("{name}: bit-exact ({} samples)", want.len() / 2),
        Some(i) => eprintln!("{name}: first mismatch at sample {i} (frame {})", i / 80),
    }
    m
}

/// One test per Annex A decoder vector, each expected to be bit-exact.
macro_rules! exact {
    ($($test:ident: $name:literal => $pst:literal,)*) => {
        $(
            #[test]
            fn $test() {
                if let Some(i) = check($name, $pst) {
                    panic!("{}: first mismatch at sample {i} (frame {})", $name, i / 80);
                }
            }
        )*
    };
}

exact! {
    algthm: "ALGTHM" => "ALGTHM.PST",
    fixed: "FIXED" => "FIXED.PST",
    lsp: "LSP" => "LSP.PST",
    pitch: "PITCH" => "PITCH.PST",
    speech: "SPEECH" => "SPEECH.PST",
    tame: "TAME" => "TAME.PST",
    test: "TEST" => "TEST.pst",
    erasure: "ERASURE" => "ERASURE.PST",
    overflow: "OVERFLOW" => "OVERFLOW.PST",
    parity: "PARITY" => "PARITY.PST",
}

/// Independent decoders interleaved on one thread give the same results.
#[test]
fn interleaved_decoders() {
    let a = data("SPEECH.BIT");
    let b = data("ERASURE.BIT");
    let (mut da, mut db) = (Decoder::new(), Decoder::new());
    let (mut out_a, mut out_b) = (Vec::new(), Vec::new());
    let mut pcm = [0i16; 80];
    let mut ra = Reader::new(&a);
    let mut rb = Reader::new(&b);
    loop {
        let fa = ra.next();
        let fb = rb.next();
        if fa.is_none() && fb.is_none() {
            break;
        }
        for (f, dec, out) in [(fa, &mut da, &mut out_a), (fb, &mut db, &mut out_b)] {
            match f.map(|f| f.unwrap()) {
                Some(Frame::Speech(bits)) => dec.decode(&bits, &mut pcm),
                Some(Frame::Erased) => dec.conceal(&mut pcm),
                Some(other) => panic!("unexpected {other:?}"),
                None => continue,
            }
            out.extend(pcm.iter().flat_map(|s| s.to_le_bytes()));
        }
    }
    assert_eq!(out_a, data("SPEECH.PST"));
    assert_eq!(out_b, data("ERASURE.PST"));
}
