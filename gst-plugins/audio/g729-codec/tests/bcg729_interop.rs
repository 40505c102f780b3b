//! Interoperability with bcg729, the G.729 library VoIP projects use, both ways, on real speech: bcg729 decodes our
//! stream and we decode bcg729's, each about as faithfully as bcg729 round-trips its own.
//!
//! bcg729 (Debian `libbcg729-dev`) is linked only by this test and the `vs_bcg729` benchmark, never by the
//! library: run with `cargo test -p council-g729 --features bcg729 --test bcg729_interop`.

use g729::{Decoder, Encoder};

#[path = "support/bcg729.rs"]
mod bcg729;

use bcg729::{BcgDecoder, BcgEncoder, load_frames};

/// The best normalised cross-correlation of `out` against `input` over lags 0..=160 samples (the codec delays by
/// 40).
fn correlation(input: &[i16], out: &[i16]) -> f64 {
    (0..=160)
        .map(|lag| {
            let (mut xy, mut xx, mut yy) = (0f64, 0f64, 0f64);
            for (x, y) in input.iter().zip(&out[lag..]) {
                let (x, y) = (f64::from(*x), f64::from(*y));
                xy += x * y;
                xx += x * x;
                yy += y * y;
            }
            xy / (xx * yy).sqrt()
        })
        .fold(f64::MIN, f64::max)
}

fn flat(frames: &[[i16; 80]]) -> Vec<i16> {
    frames.iter().flatten().copied().collect()
}

#[test]
fn bcg729_and_we_understand_each_other() {
    let frames = load_frames();
    assert!(frames.len() > 1000, "13 s of speech");
    let input = flat(&frames);

    let (mut ours_enc, mut ours_dec) = (Encoder::new(), Decoder::new());
    let (mut bcg_enc, mut bcg_dec) = (BcgEncoder::new(), BcgDecoder::new());
    let (mut bcg_dec2, mut ours_dec2) = (BcgDecoder::new(), Decoder::new());
    let (mut bcg_bcg, mut ours_bcg, mut bcg_ours, mut ours_ours) = (vec![], vec![], vec![], vec![]);
    for pcm in &frames {
        let mut ours = [0u8; 10];
        ours_enc.encode(pcm, &mut ours);
        let mut theirs = [0u8; 10];
        bcg_enc.encode(pcm, &mut theirs);
        let mut out = [0i16; 80];
        bcg_dec.decode(&theirs, &mut out);
        bcg_bcg.push(out);
        ours_dec.decode(&theirs, &mut out); // bcg729's stream, our decoder
        ours_bcg.push(out);
        bcg_dec2.decode(&ours, &mut out); // our stream, bcg729's decoder
        bcg_ours.push(out);
        ours_dec2.decode(&ours, &mut out);
        ours_ours.push(out);
    }
    let reference = correlation(&input, &flat(&bcg_bcg));
    let results = [
        ("bcg729 → bcg729", reference),
        ("bcg729 → ours", correlation(&input, &flat(&ours_bcg))),
        ("ours → bcg729", correlation(&input, &flat(&bcg_ours))),
        ("ours → ours", correlation(&input, &flat(&ours_ours))),
    ];
    for (what, c) in results {
        eprintln!("{what}: correlation with the input {c:.4}");
    }
    assert!(reference > 0.8, "bcg729's own round trip: {reference}");
    for (what, c) in &results[1..] {
        assert!(
            *c > reference - 0.03,
            "{what}: {c:.4}, bcg729's own {reference:.4}"
        );
    }
}
