//! ITU-T G.729 Annex A encoder conformance: encoding `X.IN` must reproduce
//! the frames of `X.BIT` bit for bit.

use std::path::PathBuf;

use g729::itu::{Frame, Reader};
use g729::{Decoder, Encoder, FrameParams};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// 16-bit little-endian PCM, whole 80-sample frames only.
fn pcm_frames(raw: &[u8]) -> Vec<[i16; 80]> {
    raw.chunks_exact(160)
        .map(|c| std::array::from_fn(|i| i16::from_le_bytes([c[2 * i], c[2 * i + 1]])))
        .collect()
}

fn encode_all(pcm: &[[i16; 80]]) -> Vec<[u8; 10]> {
    let mut enc = Encoder::new();
    pcm.iter()
        .map(|f| {
            let mut out = [0u8; 10];
            enc.encode(f, &mut out);
            out
        })
        .collect()
}

/// Names of the differing fields of two parameter sets.
fn differing_fields(got: &FrameParams, want: &FrameParams) -> Vec<String> {
    let g = [
        got.lsp1, got.lsp2, got.pitch1, got.parity, got.code1, got.sign1, got.gain1, got.pitch2,
        got.code2, got.sign2, got.gain2,
    ];
    let w = [
        want.lsp1,
        want.lsp2,
        want.pitch1,
        want.parity,
        want.code1,
        want.sign1,
        want.gain1,
        want.pitch2,
        want.code2,
        want.sign2,
        want.gain2,
    ];
    const NAMES: [&str; 11] = [
        "L0L1", "L2L3", "P1", "P0", "C1", "S1", "GA1GB1", "P2", "C2", "S2", "GA2GB2",
    ];
    (0..11)
        .filter(|&i| g[i] != w[i])
        .map(|i| format!("{} got {} want {}", NAMES[i], g[i], w[i]))
        .collect()
}

/// First mismatch as (frame index, description), or None when bit-exact.
fn check(name: &str) -> Option<(usize, String)> {
    let pcm = pcm_frames(&data(&format!("{name}.IN")));
    let want: Vec<[u8; 10]> = Reader::new(&data(&format!("{name}.BIT")))
        .map(|f| match f.expect("valid bitstream") {
            Frame::Speech(b) => b,
            other => panic!("unexpected frame in an Annex A vector: {other:?}"),
        })
        .collect();
    let got = encode_all(&pcm);
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        if g != w {
            let d = differing_fields(&FrameParams::unpack(g), &FrameParams::unpack(w));
            return Some((i, d.join(", ")));
        }
    }
    if got.len() != want.len() {
        return Some((
            got.len().min(want.len()),
            format!("{} frames encoded, {} expected", got.len(), want.len()),
        ));
    }
    eprintln!("{name}: bit-exact ({} frames)", want.len());
    None
}

/// One test per Annex A encoder vector, each expected to be bit-exact.
macro_rules! exact {
    ($($test:ident: $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                if let Some((i, what)) = check($name) {
                    panic!("{}: first mismatch at frame {i}: {what}", $name);
                }
            }
        )*
    };
}

exact! {
    encode_algthm: "ALGTHM",
    encode_fixed: "FIXED",
    encode_lsp: "LSP",
    encode_pitch: "PITCH",
    encode_speech: "SPEECH",
    encode_tame: "TAME",
    encode_test: "TEST",
}

/// Encoding then decoding speech gives a signal close to the input.
#[test]
fn round_trip_speech() {
    let pcm = pcm_frames(&data("SPEECH.IN"));
    let frames = encode_all(&pcm);
    let mut dec = Decoder::new();
    let mut out = Vec::new();
    let mut buf = [0i16; 80];
    for f in &frames {
        dec.decode(f, &mut buf);
        out.extend_from_slice(&buf);
    }
    let input: Vec<f64> = pcm.iter().flatten().map(|&s| s as f64).collect();
    let output: Vec<f64> = out.iter().map(|&s| s as f64).collect();
    // The codec delays the signal by its look-ahead; find the best lag.
    let corr = |lag: usize| {
        let n = input.len() - lag;
        let (x, y) = (&input[..n], &output[lag..]);
        let xy: f64 = x.iter().zip(y).map(|(a, b)| a * b).sum();
        let xx: f64 = x.iter().map(|a| a * a).sum();
        let yy: f64 = y.iter().map(|b| b * b).sum();
        xy / (xx * yy).sqrt()
    };
    let (lag, best) = (0..120)
        .map(|l| (l, corr(l)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    eprintln!("round trip: correlation {best:.3} at lag {lag}");
    assert!(best > 0.8, "correlation {best} at lag {lag}");
}

/// Encoders share no state: two vectors encoded frame-interleaved are still
/// bit-exact.
#[test]
fn interleaved_encoders() {
    let a = pcm_frames(&data("ALGTHM.IN"));
    let b = pcm_frames(&data("TAME.IN"));
    let want_a = encode_all(&a);
    let want_b = encode_all(&b);
    let mut ea = Encoder::new();
    let mut eb = Encoder::new();
    let mut out = [0u8; 10];
    for i in 0..a.len().max(b.len()) {
        if let Some(f) = a.get(i) {
            ea.encode(f, &mut out);
            assert_eq!(out, want_a[i], "ALGTHM frame {i}");
        }
        if let Some(f) = b.get(i) {
            eb.encode(f, &mut out);
            assert_eq!(out, want_b[i], "TAME frame {i}");
        }
    }
}
