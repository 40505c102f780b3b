//! LP filtering primitives shared by synthesis and post-filtering.

use crate::M;
use crate::fixed::*;

/// Window width of the synthesis filter's history: M rounded up to a
/// multiple of 8 lanes.
const PAD: usize = 16;

/// Largest magnitude of an `i16` sample, as `i64` (|-32768| = 32768).
fn abs64(x: i16) -> i64 {
    (x as i64).abs()
}

/// `sum |a[j]|` over the M + 1 coefficients.
fn abs_sum(a: &[i16]) -> i64 {
    a[..=M].iter().map(|&c| abs64(c)).sum()
}

/// All-pole synthesis filter 1/A(z), a[] in Q12.
///
/// `mem` holds the last M outputs of the previous call (oldest first); it is
/// not modified. Writes `out.len()` samples filtered from `input` and
/// returns true when any intermediate computation saturated (the decoder
/// then rescales its excitation and filters again).
///
/// Fast path (bit-exact): the reference computes each sample as
/// `L_mult(x, a0)` followed by M `L_msu`, saturating at every step. Every
/// partial sum is bounded by `2 * (|x|·|a0| + Σ_{j≥1} |a_j|·|y|)`; with
/// `ymax` the largest |y| seen so far (memory and outputs), when
/// `2 * (|x|·|a0| + A·ymax) < 2^31` (`A = Σ_{j≥1} |a_j|`) no step can
/// saturate (not even `L_mult`, which only saturates at exactly 2^31), so
/// plain i32 arithmetic gives the same value and no overflow is recorded.
/// Otherwise that sample takes the exact saturating sequence.
pub(crate) fn synthesis(a: &[i16], input: &[i16], out: &mut [i16], mem: &[i16; M]) -> bool {
    let n = out.len();
    let mut ov = false;
    assert!(n <= 80);
    // History and outputs, with PAD - M zeros of slack after the last
    // output so that every sample reads a full PAD-wide window.
    let mut y = [0i16; PAD + 80];
    let a: &[i16; M + 1] = a[..=M].try_into().unwrap();
    let taps: &[i16; M] = a[1..].try_into().unwrap();
    // rev[k] = a[M - k] multiplies y[n - M + k]; zero beyond M, so the
    // window's not-yet-written tail contributes nothing. The fixed width
    // lets LLVM use SIMD multiply-add.
    let rev: [i16; PAD] = core::array::from_fn(|k| if k < M { a[M - k] } else { 0 });
    let a0 = abs64(a[0]);
    let a_sum = abs_sum(a) - a0;
    y[..M].copy_from_slice(mem);
    let mut ymax = abs_max(mem);
    // The bound with the largest |x| of the input instead of each sample's:
    // it holds while ymax ≤ ylim (A·ymax ≤ 2^30 - 1 - xmax·|a0|), a single
    // comparison per sample; beyond, each sample's own bound is tested.
    let room = (1i64 << 30) - 1 - abs_max(&input[..n]) * a0;
    let ylim = if room < 0 {
        -1
    } else if a_sum == 0 {
        i64::MAX
    } else {
        room / a_sum
    };
    for (i, &x) in input[..n].iter().enumerate() {
        let win: &[i16; PAD] = y[i..i + PAD].try_into().unwrap();
        let s = if ymax <= ylim || 2 * (abs64(x) * a0 + a_sum * ymax) < 1 << 31 {
            // All terms proven in range (see above); the order is free.
            (x as i32 * a[0] as i32 - dot_fixed(win, &rev)) * 2
        } else {
            let mut s = l_mult_ov(x, a[0], &mut ov);
            for (&c, &v) in taps.iter().zip(win[..M].iter().rev()) {
                s = l_msu_ov(s, c, v, &mut ov);
            }
            s
        };
        // `round(L_shl(s, 3))`: when `s << 3` fits in i32 and adding the
        // rounding constant cannot overflow, neither operator saturates and
        // the result is the high half of the plain sum.
        let r = (s as i64) << 3;
        let v = if (MIN_32 as i64..=(MAX_32 - 0x8000) as i64).contains(&r) {
            ((r + 0x8000) >> 16) as i16
        } else {
            round_ov(l_shl_ov(s, 3, &mut ov), &mut ov)
        };
        y[M + i] = v;
        ymax = ymax.max(abs64(v));
    }
    out.copy_from_slice(&y[M..M + n]);
    ov
}

/// Inverse (analysis) filter A(z): `out[i] = sum a[j] x[start+i-j]`, with
/// `x[start-M..start]` the past input.
///
/// Fast path (bit-exact): every partial sum of the reference's `L_mult` +
/// M `L_mac` is bounded by `2 · Σ|a_j| · max|x|` over the samples read;
/// when that is below 2^31 nothing saturates and plain i32 arithmetic is
/// identical. Otherwise the exact saturating sequence runs.
pub(crate) fn residual(a: &[i16], x: &[i16], start: usize, out: &mut [i16]) {
    let a: &[i16; M + 1] = a[..=M].try_into().unwrap();
    let x = &x[start - M..start + out.len()];
    let xmax = x.iter().map(|&v| abs64(v)).max().unwrap_or(0);
    if 2 * abs_sum(a) * xmax < 1 << 31 {
        // rev[k] = a[M - k] multiplies w[k] = x[start + i - M + k].
        let rev: [i16; M + 1] = core::array::from_fn(|k| a[M - k]);
        for (o, w) in out.iter_mut().zip(x.windows(M + 1)) {
            *o = round(l_shl(dot_plain(w, &rev) * 2, 3));
        }
        return;
    }
    for (o, w) in out.iter_mut().zip(x.windows(M + 1)) {
        let mut s = l_mult(w[M], a[0]);
        for j in 1..=M {
            s = l_mac(s, a[j], w[M - j]);
        }
        *o = round(l_shl(s, 3));
    }
}

/// Bandwidth expansion: ap[i] = a[i] * gamma^i.
pub(crate) fn weight(a: &[i16], gamma: i16) -> [i16; M + 1] {
    let mut ap = [0i16; M + 1];
    ap[0] = a[0];
    let mut fac = gamma;
    for i in 1..M {
        ap[i] = round(l_mult(a[i], fac));
        fac = round(l_mult(fac, gamma));
    }
    ap[M] = round(l_mult(a[M], fac));
    ap
}
