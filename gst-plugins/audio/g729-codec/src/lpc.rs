//! Encoder LP analysis: windowed autocorrelation, lag windowing,
//! Levinson-Durbin recursion and conversion of A(z) to LSPs.

use crate::fixed::*;
use crate::tables::{CHEBYSHEV_GRID, HAMMING_WINDOW, LAG_WINDOW_HI, LAG_WINDOW_LO};
use crate::{M, MP1};

/// LP analysis window length.
pub(crate) const L_WINDOW: usize = 240;

/// Autocorrelations r[0..=M] in double precision (hi, lo), normalised.
pub(crate) type Autocorr = ([i16; MP1], [i16; MP1]);

/// Autocorrelation of the windowed signal, with `r[0]` normalised; the
/// window output is scaled down while the energy overflows.
pub(crate) fn autocorrelation(x: &[i16; L_WINDOW]) -> Autocorr {
    let mut y = [0i16; L_WINDOW];
    for ((o, &s), &w) in y.iter_mut().zip(x).zip(&HAMMING_WINDOW) {
        *o = mult_r(s, w);
    }
    let energy = loop {
        let mut ov = false;
        let mut sum = 1i32;
        for &v in &y {
            sum = l_mac_ov(sum, v, v, &mut ov);
        }
        if !ov {
            break sum;
        }
        for v in y.iter_mut() {
            *v = shr(*v, 2);
        }
    };
    let norm = norm_l(energy);
    let mut hi = [0i16; MP1];
    let mut lo = [0i16; MP1];
    (hi[0], lo[0]) = l_extract(l_shl(energy, norm));
    for i in 1..=M {
        let mut sum = 0i32;
        for j in 0..L_WINDOW - i {
            sum = l_mac(sum, y[j], y[j + i]);
        }
        (hi[i], lo[i]) = l_extract(l_shl(sum, norm));
    }
    (hi, lo)
}

/// Apply the lag window to r[1..=M].
pub(crate) fn lag_window(r: &mut Autocorr) {
    for i in 1..=M {
        let x = mpy_32(r.0[i], r.1[i], LAG_WINDOW_HI[i - 1], LAG_WINDOW_LO[i - 1]);
        (r.0[i], r.1[i]) = l_extract(x);
    }
}

/// Levinson-Durbin recursion in double precision; keeps the last stable
/// filter to fall back on when a reflection coefficient is too large.
#[derive(Clone, Debug)]
pub(crate) struct Levinson {
    old_a: [i16; MP1],
}

impl Levinson {
    pub(crate) fn new() -> Self {
        let mut old_a = [0i16; MP1];
        old_a[0] = 4096;
        Self { old_a }
    }

    /// LP coefficients a[0..=M] (Q12) from the autocorrelations.
    pub(crate) fn solve(&mut self, r: &Autocorr) -> [i16; MP1] {
        let (rh, rl) = (&r.0, &r.1);
        let mut ah = [0i16; MP1];
        let mut al = [0i16; MP1];
        let mut anh = [0i16; MP1];
        let mut anl = [0i16; MP1];

        let t1 = l_comp(rh[1], rl[1]);
        let mut t0 = div_32(l_abs(t1), rh[0], rl[0]);
        if t1 > 0 {
            t0 = l_negate(t0);
        }
        let (mut kh, mut kl) = l_extract(t0);
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
            if abs_s(kh) > 32750 {
                return self.old_a;
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

        let mut a = [0i16; MP1];
        a[0] = 4096;
        for i in 1..=M {
            a[i] = round(l_shl(l_comp(ah[i], al[i]), 1));
        }
        self.old_a = a;
        a
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
        let a = Levinson::new().solve(&r);
        assert_eq!(a, [4096, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
}
