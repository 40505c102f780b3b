//! Encoder LP analysis: windowed autocorrelation (up to the extra lags of
//! the Annex B VAD), lag windowing, Levinson-Durbin recursion and
//! conversion of A(z) to LSPs.

use crate::fixed::*;
use crate::tables::{CHEBYSHEV_GRID, HAMMING_WINDOW, LAG_WINDOW_HI, LAG_WINDOW_LO};
use crate::{M, MP1};

/// LP analysis window length.
pub(crate) const L_WINDOW: usize = 240;

/// Autocorrelation order: M, plus two lags used by the Annex B VAD.
pub(crate) const NP: usize = 12;
const NP1: usize = NP + 1;

/// Lag-window coefficients for lags 11 and 12 (high and low parts).
const LAG_HI_EXT: [i16; 2] = [28645, 27923];
const LAG_LO_EXT: [i16; 2] = [22092, 12924];

/// Autocorrelations r[0..=NP] in double precision (hi, lo), normalised,
/// and the exponent of r[0].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Autocorr {
    pub hi: [i16; NP1],
    pub lo: [i16; NP1],
    pub exp_r0: i16,
}

/// Autocorrelation of the windowed signal up to lag NP (the LP analysis
/// uses r[0..=M], the Annex B VAD all of them), with `r[0]` normalised; the
/// window output is scaled down while the energy overflows.
pub(crate) fn autocorrelation(x: &[i16; L_WINDOW]) -> Autocorr {
    let mut y = [0i16; L_WINDOW];
    for ((o, &s), &w) in y.iter_mut().zip(x).zip(&HAMMING_WINDOW) {
        *o = mult_r(s, w);
    }
    let mut exp_r0 = 1i16;
    let energy = loop {
        // The terms are non-negative, so the reference's saturating chain
        // `1 + Σ 2·v²` overflows exactly when the exact i64 sum exceeds
        // MAX_32 (including the `L_mult(-32768, -32768)` case).
        let sum: i64 = 1 + 2 * y.iter().map(|&v| v as i64 * v as i64).sum::<i64>();
        if sum <= MAX_32 as i64 {
            break sum as i32;
        }
        for v in y.iter_mut() {
            *v = shr(*v, 2);
        }
        exp_r0 = add(exp_r0, 4);
    };
    let norm = norm_l(energy);
    let mut r = Autocorr {
        hi: [0; NP1],
        lo: [0; NP1],
        exp_r0: sub(exp_r0, norm),
    };
    (r.hi[0], r.lo[0]) = l_extract(l_shl(energy, norm));
    for i in 1..=NP {
        // No saturation (Cauchy-Schwarz): every partial sum satisfies
        // 2·|Σ y[j]·y[j+i]| ≤ 2·Σ|y[j]|·|y[j+i]| ≤ 2·Σ y² < energy ≤ MAX_32.
        let sum = 2 * dot_plain(&y[..L_WINDOW - i], &y[i..]);
        (r.hi[i], r.lo[i]) = l_extract(l_shl(sum, norm));
    }
    r
}

/// Lag window on r[1..=NP].
pub(crate) fn lag_window(r: &mut Autocorr) {
    for i in 1..=NP {
        let (wh, wl) = if i <= M {
            (LAG_WINDOW_HI[i - 1], LAG_WINDOW_LO[i - 1])
        } else {
            (LAG_HI_EXT[i - M - 1], LAG_LO_EXT[i - M - 1])
        };
        let x = mpy_32(r.hi[i], r.lo[i], wh, wl);
        (r.hi[i], r.lo[i]) = l_extract(x);
    }
}

/// Levinson-Durbin recursion returning the reflection coefficients and the
/// residual energy; an unstable result falls back on the last stable filter.
/// One instance is shared by the frame LP analysis and the Annex B DTX, as
/// in the reference encoder.
#[derive(Clone, Debug)]
pub(crate) struct Levinson {
    old_a: [i16; MP1],
    old_rc: [i16; 2],
}

/// Output of [`Levinson::solve`].
pub(crate) struct LpcResult {
    /// LP coefficients, Q12.
    pub a: [i16; MP1],
    /// First two reflection coefficients, Q15.
    pub rc: [i16; 2],
    /// Residual energy, or `None` when the filter was unstable.
    pub err: Option<i16>,
}

impl Levinson {
    pub(crate) fn new() -> Self {
        let mut old_a = [0i16; MP1];
        old_a[0] = 4096;
        Self {
            old_a,
            old_rc: [0; 2],
        }
    }

    pub(crate) fn solve(&mut self, rh: &[i16], rl: &[i16]) -> LpcResult {
        let mut ah = [0i16; MP1];
        let mut al = [0i16; MP1];
        let mut anh = [0i16; MP1];
        let mut anl = [0i16; MP1];
        let mut rc = [0i16; 2];

        let t1 = l_comp(rh[1], rl[1]);
        let mut t0 = div_32(l_abs(t1), rh[0], rl[0]);
        if t1 > 0 {
            t0 = l_negate(t0);
        }
        let (mut kh, mut kl) = l_extract(t0);
        rc[0] = kh;
        (ah[1], al[1]) = l_extract(l_shr(t0, 4));
        let (hi, lo) = one_minus_k2(kh, kl);
        let t0 = mpy_32(rh[0], rl[0], hi, lo);
        let mut alp_exp = norm_l(t0);
        let (mut alp_h, mut alp_l) = l_extract(l_shl(t0, alp_exp));

        for i in 2..=M {
            let mut t0 = 0i32;
            for j in 1..i {
                t0 = l_add(t0, mpy_32(rh[j], rl[j], ah[i - j], al[i - j]));
            }
            t0 = l_shl(t0, 4);
            t0 = l_add(t0, l_comp(rh[i], rl[i]));
            let mut t2 = div_32(l_abs(t0), alp_h, alp_l);
            if t0 > 0 {
                t2 = l_negate(t2);
            }
            t2 = l_shl(t2, alp_exp);
            (kh, kl) = l_extract(t2);
            if i == 2 {
                rc[1] = kh;
            }
            if abs_s(kh) > 32750 {
                return LpcResult {
                    a: self.old_a,
                    rc: self.old_rc,
                    err: None,
                };
            }
            for j in 1..i {
                let t = l_add(mpy_32(kh, kl, ah[i - j], al[i - j]), l_comp(ah[j], al[j]));
                (anh[j], anl[j]) = l_extract(t);
            }
            (anh[i], anl[i]) = l_extract(l_shr(t2, 4));
            let (hi, lo) = one_minus_k2(kh, kl);
            let t0 = mpy_32(alp_h, alp_l, hi, lo);
            let n = norm_l(t0);
            (alp_h, alp_l) = l_extract(l_shl(t0, n));
            alp_exp = add(alp_exp, n);
            ah[1..=i].copy_from_slice(&anh[1..=i]);
            al[1..=i].copy_from_slice(&anl[1..=i]);
        }

        let err = shr(alp_h, alp_exp);
        let mut a = [0i16; MP1];
        a[0] = 4096;
        for i in 1..=M {
            a[i] = round(l_shl(l_comp(ah[i], al[i]), 1));
        }
        self.old_a = a;
        self.old_rc = rc;
        LpcResult {
            a,
            rc,
            err: Some(err),
        }
    }
}

/// 1 - K*K in double precision.
fn one_minus_k2(kh: i16, kl: i16) -> (i16, i16) {
    let t = l_abs(mpy_32(kh, kl, kh, kl));
    l_extract(l_sub(MAX_32, t))
}

/// Saturating 16-bit addition/subtraction recording overflow.
fn add_ov(a: i16, b: i16, ov: &mut bool) -> i16 {
    let r = a as i32 + b as i32;
    if r > MAX_16 as i32 || r < MIN_16 as i32 {
        *ov = true;
    }
    add(a, b)
}

fn sub_ov(a: i16, b: i16, ov: &mut bool) -> i16 {
    let r = a as i32 - b as i32;
    if r > MAX_16 as i32 || r < MIN_16 as i32 {
        *ov = true;
    }
    sub(a, b)
}

/// Number of coefficients of each of F1, F2.
const NC: usize = M / 2;

/// Evaluate the Chebyshev series of `f` at `x` (Q15); `f` is in Q11, or in
/// Q10 when `q10`. Result in Q14.
fn chebyshev(x: i16, f: &[i16; NC + 1], q10: bool) -> i16 {
    let (one, two_x, out_shift) = if q10 { (128, 256, 7) } else { (256, 512, 6) };
    let (mut b2h, mut b2l) = (one, 0i16);
    let t0 = l_mac(l_mult(x, two_x), f[1], 4096);
    let (mut b1h, mut b1l) = l_extract(t0);
    for &fi in &f[2..NC] {
        let mut t0 = l_shl(mpy_32_16(b1h, b1l, x), 1);
        t0 = l_mac(t0, b2h, MIN_16);
        t0 = l_msu(t0, b2l, 1);
        t0 = l_mac(t0, fi, 4096);
        let (b0h, b0l) = l_extract(t0);
        (b2h, b2l) = (b1h, b1l);
        (b1h, b1l) = (b0h, b0l);
    }
    let mut t0 = mpy_32_16(b1h, b1l, x);
    t0 = l_mac(t0, b2h, MIN_16);
    t0 = l_msu(t0, b2l, 1);
    t0 = l_mac(t0, f[NC], 2048);
    extract_h(l_shl(t0, out_shift))
}

/// LSPs (Q15) of the LP filter `a` (Q12), found as the roots of the sum and
/// difference polynomials on a cosine grid; `old` is returned when fewer
/// than M roots are found.
pub(crate) fn az_to_lsp(a: &[i16; MP1], old: &[i16; M]) -> [i16; M] {
    let mut f1 = [0i16; NC + 1];
    let mut f2 = [0i16; NC + 1];
    let mut ov = false;
    f1[0] = 2048;
    f2[0] = 2048;
    for i in 0..NC {
        let t0 = l_mac_ov(
            l_mult_ov(a[i + 1], 16384, &mut ov),
            a[M - i],
            16384,
            &mut ov,
        );
        f1[i + 1] = sub_ov(extract_h(t0), f1[i], &mut ov);
        let t0 = l_msu_ov(
            l_mult_ov(a[i + 1], 16384, &mut ov),
            a[M - i],
            16384,
            &mut ov,
        );
        f2[i + 1] = add_ov(extract_h(t0), f2[i], &mut ov);
    }
    let q10 = ov;
    if q10 {
        f1[0] = 1024;
        f2[0] = 1024;
        for i in 0..NC {
            let t0 = l_mac(l_mult(a[i + 1], 8192), a[M - i], 8192);
            f1[i + 1] = sub(extract_h(t0), f1[i]);
            let t0 = l_msu(l_mult(a[i + 1], 8192), a[M - i], 8192);
            f2[i + 1] = add(extract_h(t0), f2[i]);
        }
    }

    let grid_points = CHEBYSHEV_GRID.len() - 1;
    let mut lsp = [0i16; M];
    let mut nf = 0usize;
    let mut use_f2 = false;
    let mut coef = &f1;
    let mut xlow = CHEBYSHEV_GRID[0];
    let mut ylow = chebyshev(xlow, coef, q10);
    let mut j = 0usize;
    while nf < M && j < grid_points {
        j += 1;
        let mut xhigh = xlow;
        let mut yhigh = ylow;
        xlow = CHEBYSHEV_GRID[j];
        ylow = chebyshev(xlow, coef, q10);
        if l_mult(ylow, yhigh) <= 0 {
            for _ in 0..2 {
                let xmid = add(shr(xlow, 1), shr(xhigh, 1));
                let ymid = chebyshev(xmid, coef, q10);
                if l_mult(ylow, ymid) <= 0 {
                    yhigh = ymid;
                    xhigh = xmid;
                } else {
                    ylow = ymid;
                    xlow = xmid;
                }
            }
            let x = sub(xhigh, xlow);
            let y = sub(yhigh, ylow);
            let xint = if y == 0 {
                xlow
            } else {
                let sign = y;
                let y = abs_s(y);
                let e = norm_s(y);
                let y = div_s(16383, shl(y, e));
                let t0 = l_shr(l_mult(x, y), sub(20, e));
                let mut y = extract_l(t0);
                if sign < 0 {
                    y = negate(y);
                }
                let t0 = l_shr(l_mult(ylow, y), 11);
                sub(xlow, extract_l(t0))
            };
            lsp[nf] = xint;
            xlow = xint;
            nf += 1;
            use_f2 = !use_f2;
            coef = if use_f2 { &f2 } else { &f1 };
            ylow = chebyshev(xlow, coef, q10);
        }
    }
    if nf < M { *old } else { lsp }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::{LSP_INIT, lsp_to_lpc};

    /// LSP -> A(z) -> LSP returns close to the starting LSPs.
    #[test]
    fn lsp_round_trip() {
        let a = lsp_to_lpc(&LSP_INIT);
        let lsp = az_to_lsp(&a, &[0; M]);
        for (got, want) in lsp.iter().zip(&LSP_INIT) {
            assert!((got - want).abs() < 64, "{lsp:?} vs {LSP_INIT:?}");
        }
    }

    /// A silent window gives the trivial predictor.
    #[test]
    fn silence_gives_flat_filter() {
        let mut r = autocorrelation(&[0; L_WINDOW]);
        lag_window(&mut r);
        let a = Levinson::new().solve(&r.hi, &r.lo).a;
        assert_eq!(a, [4096, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
}
