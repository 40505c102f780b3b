//! LP filtering primitives shared by synthesis and post-filtering.

use crate::M;
use crate::fixed::*;

/// All-pole synthesis filter 1/A(z), a[] in Q12.
///
/// `mem` holds the last M outputs of the previous call (oldest first); it is
/// not modified. Writes `out.len()` samples filtered from `input` and
/// returns true when any intermediate computation saturated (the decoder
/// then rescales its excitation and filters again).
pub(crate) fn synthesis(a: &[i16], input: &[i16], out: &mut [i16], mem: &[i16; M]) -> bool {
    let n = out.len();
    let mut ov = false;
    let mut y = [0i16; M + 80];
    debug_assert!(n <= 80);
    y[..M].copy_from_slice(mem);
    for i in 0..n {
        let mut s = l_mult_ov(input[i], a[0], &mut ov);
        for j in 1..=M {
            s = l_msu_ov(s, a[j], y[M + i - j], &mut ov);
        }
        s = l_shl_ov(s, 3, &mut ov);
        y[M + i] = round_ov(s, &mut ov);
    }
    out.copy_from_slice(&y[M..M + n]);
    ov
}

/// Inverse (analysis) filter A(z): `out[i] = sum a[j] x[start+i-j]`, with
/// `x[start-M..start]` the past input.
pub(crate) fn residual(a: &[i16], x: &[i16], start: usize, out: &mut [i16]) {
    for (i, o) in out.iter_mut().enumerate() {
        let mut s = l_mult(x[start + i], a[0]);
        for j in 1..=M {
            s = l_mac(s, a[j], x[start + i - j]);
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
