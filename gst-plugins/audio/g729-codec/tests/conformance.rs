//! ITU-T G.729 Annex A decoder conformance: decoding `X.BIT` must reproduce
//! `X.PST` byte for byte.

#[path = "support/vectors.rs"]
mod vectors;

use g729::Decoder;
use g729::itu::{Frame, Reader};
use vectors::{Frames, data};

vectors::exact! {
    Frames::AnnexA;
    algthm: "ALGTHM.BIT" => "ALGTHM.PST",
    fixed: "FIXED.BIT" => "FIXED.PST",
    lsp: "LSP.BIT" => "LSP.PST",
    pitch: "PITCH.BIT" => "PITCH.PST",
    speech: "SPEECH.BIT" => "SPEECH.PST",
    tame: "TAME.BIT" => "TAME.PST",
    test: "TEST.BIT" => "TEST.pst",
    erasure: "ERASURE.BIT" => "ERASURE.PST",
    overflow: "OVERFLOW.BIT" => "OVERFLOW.PST",
    parity: "PARITY.BIT" => "PARITY.PST",
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
