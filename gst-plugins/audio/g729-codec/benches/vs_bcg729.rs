//! Speed of this crate's G.729A encoder and decoder against bcg729's, on the
//! same speech, in one run.
//!
//! Needs the system bcg729 library (Debian: `apt-get install libbcg729-dev`),
//! so it is gated behind the `bcg729` feature; nothing else in the crate
//! links it:
//!
//! ```sh
//! cargo bench -p council-g729 --features bcg729 --bench vs_bcg729
//! ```
//!
//! Prints a Markdown table of ns/frame (best of several runs after a warm-up)
//! and the ratio ours/bcg729. Both decoders decode the same bitstream (this
//! crate's encoding of the clip).
//!
//! With `--callgrind <enc|dec> <ours|bcg729> <frames>` it instead runs one
//! implementation over `frames` frames (cycling over the clip) and exits, for
//! `valgrind --tool=callgrind`; see `benches/callgrind.sh`.

use std::hint::black_box;
use std::time::{Duration, Instant};

const N: usize = g729::FRAME_SAMPLES;
/// Timed runs per implementation and direction; the best one is reported.
const RUNS: usize = 15;
/// Passes over the clip in one timed run.
const PASSES: usize = 3;

#[path = "../tests/support/bcg729.rs"]
mod bcg729;

use bcg729::{BcgDecoder, BcgEncoder, WAV, load_frames};

fn encode_ours(pcm: &[[i16; N]]) -> Vec<[u8; 10]> {
    let mut enc = g729::Encoder::new();
    pcm.iter()
        .map(|f| {
            let mut out = [0u8; 10];
            enc.encode(f, &mut out);
            out
        })
        .collect()
}

fn encode_bcg(pcm: &[[i16; N]]) -> Vec<[u8; 10]> {
    let mut enc = BcgEncoder::new();
    pcm.iter()
        .map(|f| {
            let mut out = [0u8; 10];
            enc.encode(f, &mut out);
            out
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Enc,
    Dec,
}

#[derive(Clone, Copy, PartialEq)]
enum Imp {
    Ours,
    Bcg,
}

/// One run: a fresh channel, `passes` passes over the clip. Returns a checksum
/// so the work cannot be optimised away.
fn run(dir: Dir, imp: Imp, pcm: &[[i16; N]], bits: &[[u8; 10]], frames: usize) -> u64 {
    let mut sum = 0u64;
    match (dir, imp) {
        (Dir::Enc, Imp::Ours) => {
            let mut enc = g729::Encoder::new();
            let mut out = [0u8; 10];
            for f in pcm.iter().cycle().take(frames) {
                enc.encode(black_box(f), &mut out);
                sum = sum.wrapping_add(u64::from(black_box(out)[0]));
            }
        }
        (Dir::Enc, Imp::Bcg) => {
            let mut enc = BcgEncoder::new();
            let mut out = [0u8; 10];
            for f in pcm.iter().cycle().take(frames) {
                enc.encode(black_box(f), &mut out);
                sum = sum.wrapping_add(u64::from(black_box(out)[0]));
            }
        }
        (Dir::Dec, Imp::Ours) => {
            let mut dec = g729::Decoder::new();
            let mut out = [0i16; N];
            for f in bits.iter().cycle().take(frames) {
                dec.decode(black_box(f), &mut out);
                sum = sum.wrapping_add(black_box(out)[0] as u64);
            }
        }
        (Dir::Dec, Imp::Bcg) => {
            let mut dec = BcgDecoder::new();
            let mut out = [0i16; N];
            for f in bits.iter().cycle().take(frames) {
                dec.decode(black_box(f), &mut out);
                sum = sum.wrapping_add(black_box(out)[0] as u64);
            }
        }
    }
    sum
}

/// Best-of-`RUNS` ns/frame for both implementations, interleaving their runs
/// so drifting machine load hits both alike.
fn time_pair(dir: Dir, pcm: &[[i16; N]], bits: &[[u8; 10]]) -> (f64, f64) {
    let frames = pcm.len() * PASSES;
    // Warm-up: caches, branch predictors, CPU frequency.
    for imp in [Imp::Ours, Imp::Bcg] {
        black_box(run(dir, imp, pcm, bits, frames));
    }
    let mut best = [Duration::MAX; 2];
    for _ in 0..RUNS {
        for (i, imp) in [Imp::Ours, Imp::Bcg].into_iter().enumerate() {
            let t = Instant::now();
            black_box(run(dir, imp, pcm, bits, frames));
            best[i] = best[i].min(t.elapsed());
        }
    }
    let ns = |d: Duration| d.as_nanos() as f64 / frames as f64;
    (ns(best[0]), ns(best[1]))
}

/// `--callgrind <enc|dec> <ours|bcg729> <frames>`: the setup (loading the
/// clip, and for `dec` encoding it with this crate's encoder) is the same
/// for any `frames`, so a run with 0 frames measures it.
fn callgrind(args: &[String]) {
    let usage = "usage: vs_bcg729 --callgrind <enc|dec> <ours|bcg729> <frames>";
    let [dir, imp, frames] = args else {
        panic!("{usage}")
    };
    let dir = match dir.as_str() {
        "enc" => Dir::Enc,
        "dec" => Dir::Dec,
        _ => panic!("{usage}"),
    };
    let imp = match imp.as_str() {
        "ours" => Imp::Ours,
        "bcg729" => Imp::Bcg,
        _ => panic!("{usage}"),
    };
    let frames: usize = frames.parse().expect(usage);
    let pcm = load_frames();
    let bits = encode_ours(&pcm);
    println!("checksum {}", run(dir, imp, &pcm, &bits, frames));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--callgrind") {
        callgrind(&args[i + 1..]);
        return;
    }

    let pcm = load_frames();
    let bits = encode_ours(&pcm);
    let bcg_bits = encode_bcg(&pcm);
    let same = bits.iter().zip(&bcg_bits).filter(|(a, b)| a == b).count();

    let (enc_ours, enc_bcg) = time_pair(Dir::Enc, &pcm, &bits);
    let (dec_ours, dec_bcg) = time_pair(Dir::Dec, &pcm, &bits);

    println!();
    println!(
        "G.729A, {} ({} frames) x {PASSES} passes per run, best of {RUNS} runs:",
        WAV.rsplit('/').next().unwrap(),
        pcm.len()
    );
    println!();
    println!("| direction | ours ns/frame | bcg729 ns/frame | ours/bcg729 | target |");
    println!("|-----------|--------------:|----------------:|------------:|-------:|");
    for (name, ours, bcg) in [("encode", enc_ours, enc_bcg), ("decode", dec_ours, dec_bcg)] {
        println!(
            "| {name:<9} | {ours:>13.0} | {bcg:>15.0} | {:>11.2} | ≤ 0.80 |",
            ours / bcg
        );
    }
    println!();
    println!(
        "(identical frames, our encoder vs bcg729's: {same} of {})",
        pcm.len()
    );
}
