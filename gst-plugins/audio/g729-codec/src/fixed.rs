//! Saturating 16/32-bit fixed-point primitives with the exact semantics of
//! the ITU-T basic operators (G.191 STL, as used by G.729).
//!
//! All operators saturate silently. The reference code also raises a global
//! overflow flag; the few algorithm steps that depend on it use the `*_ov`
//! variants, which record saturation into a caller-owned `bool` instead.

use crate::tables::{INV_SQRT_TABLE, LOG2_TABLE, POW2_TABLE};

pub(crate) const MAX_16: i16 = i16::MAX;
pub(crate) const MIN_16: i16 = i16::MIN;
pub(crate) const MAX_32: i32 = i32::MAX;
pub(crate) const MIN_32: i32 = i32::MIN;

#[inline]
fn sat16(x: i32) -> i16 {
    x.clamp(MIN_16 as i32, MAX_16 as i32) as i16
}

#[inline]
fn sat16_ov(x: i32, ov: &mut bool) -> i16 {
    if x > MAX_16 as i32 || x < MIN_16 as i32 {
        *ov = true;
    }
    sat16(x)
}

/// 16-bit saturating addition.
#[inline]
pub fn add(a: i16, b: i16) -> i16 {
    sat16(a as i32 + b as i32)
}

/// 16-bit saturating subtraction.
#[inline]
pub fn sub(a: i16, b: i16) -> i16 {
    sat16(a as i32 - b as i32)
}

/// Absolute value, |-32768| = 32767.
#[inline]
pub fn abs_s(a: i16) -> i16 {
    if a == MIN_16 { MAX_16 } else { a.abs() }
}

/// Negation, -(-32768) = 32767.
#[inline]
pub fn negate(a: i16) -> i16 {
    if a == MIN_16 { MAX_16 } else { -a }
}

/// Arithmetic shift left with saturation (negative count shifts right).
#[inline]
pub fn shl(a: i16, n: i16) -> i16 {
    let mut ov = false;
    shl_ov(a, n, &mut ov)
}

/// [`shl`] recording saturation.
#[inline]
pub fn shl_ov(a: i16, n: i16, ov: &mut bool) -> i16 {
    if n < 0 {
        return shr(a, n.wrapping_neg());
    }
    if a == 0 {
        return 0;
    }
    if n > 15 {
        *ov = true;
        return if a > 0 { MAX_16 } else { MIN_16 };
    }
    sat16_ov((a as i32) << n, ov)
}

/// Arithmetic shift right (negative count shifts left with saturation).
#[inline]
pub fn shr(a: i16, n: i16) -> i16 {
    if n < 0 {
        return shl(a, n.wrapping_neg());
    }
    if n >= 15 {
        if a < 0 { -1 } else { 0 }
    } else {
        a >> n
    }
}

/// Shift right with rounding.
#[inline]
pub fn shr_r(a: i16, n: i16) -> i16 {
    if n > 15 {
        return 0;
    }
    let mut r = shr(a, n);
    if n > 0 && (a as i32 & (1 << (n - 1))) != 0 {
        r = r.wrapping_add(1);
    }
    r
}

/// Q15 multiplication: (a*b) >> 15 with saturation.
#[inline]
pub fn mult(a: i16, b: i16) -> i16 {
    sat16((a as i32 * b as i32) >> 15)
}

/// Q15 multiplication with rounding.
#[inline]
pub fn mult_r(a: i16, b: i16) -> i16 {
    sat16((a as i32 * b as i32 + 0x4000) >> 15)
}

/// 32-bit product a*b*2 with saturation.
#[inline]
pub fn l_mult(a: i16, b: i16) -> i32 {
    let mut ov = false;
    l_mult_ov(a, b, &mut ov)
}

/// [`l_mult`] recording saturation.
#[inline]
pub fn l_mult_ov(a: i16, b: i16, ov: &mut bool) -> i32 {
    let p = a as i32 * b as i32;
    if p == 0x4000_0000 {
        *ov = true;
        MAX_32
    } else {
        p * 2
    }
}

/// 32-bit saturating addition.
#[inline]
pub fn l_add(a: i32, b: i32) -> i32 {
    a.saturating_add(b)
}

/// [`l_add`] recording saturation.
#[inline]
pub fn l_add_ov(a: i32, b: i32, ov: &mut bool) -> i32 {
    match a.checked_add(b) {
        Some(r) => r,
        None => {
            *ov = true;
            if a < 0 { MIN_32 } else { MAX_32 }
        }
    }
}

/// 32-bit saturating subtraction.
#[inline]
pub fn l_sub(a: i32, b: i32) -> i32 {
    a.saturating_sub(b)
}

/// [`l_sub`] recording saturation.
#[inline]
pub fn l_sub_ov(a: i32, b: i32, ov: &mut bool) -> i32 {
    match a.checked_sub(b) {
        Some(r) => r,
        None => {
            *ov = true;
            if a < 0 { MIN_32 } else { MAX_32 }
        }
    }
}

/// Multiply-accumulate: acc + a*b*2, both steps saturating.
#[inline]
pub fn l_mac(acc: i32, a: i16, b: i16) -> i32 {
    l_add(acc, l_mult(a, b))
}

/// [`l_mac`] recording saturation.
#[inline]
pub fn l_mac_ov(acc: i32, a: i16, b: i16, ov: &mut bool) -> i32 {
    let p = l_mult_ov(a, b, ov);
    l_add_ov(acc, p, ov)
}

/// Multiply-subtract: acc - a*b*2, both steps saturating.
#[inline]
pub fn l_msu(acc: i32, a: i16, b: i16) -> i32 {
    l_sub(acc, l_mult(a, b))
}

/// [`l_msu`] recording saturation.
#[inline]
pub fn l_msu_ov(acc: i32, a: i16, b: i16, ov: &mut bool) -> i32 {
    let p = l_mult_ov(a, b, ov);
    l_sub_ov(acc, p, ov)
}

/// 32-bit negation, -(MIN) = MAX.
#[inline]
pub fn l_negate(a: i32) -> i32 {
    if a == MIN_32 { MAX_32 } else { -a }
}

/// 32-bit absolute value, |MIN| = MAX.
#[inline]
pub fn l_abs(a: i32) -> i32 {
    if a == MIN_32 { MAX_32 } else { a.abs() }
}

/// 32-bit arithmetic shift left with saturation (negative count shifts right).
#[inline]
pub fn l_shl(a: i32, n: i16) -> i32 {
    let mut ov = false;
    l_shl_ov(a, n, &mut ov)
}

/// [`l_shl`] recording saturation.
#[inline]
pub fn l_shl_ov(a: i32, n: i16, ov: &mut bool) -> i32 {
    if n <= 0 {
        return l_shr(a, n.wrapping_neg());
    }
    if a == 0 {
        return 0;
    }
    let sat = if a > 0 { MAX_32 } else { MIN_32 };
    if n >= 32 {
        *ov = true;
        return sat;
    }
    let r = (a as i64) << n;
    if r > MAX_32 as i64 || r < MIN_32 as i64 {
        *ov = true;
        sat
    } else {
        r as i32
    }
}

/// 32-bit arithmetic shift right (negative count shifts left with saturation).
#[inline]
pub fn l_shr(a: i32, n: i16) -> i32 {
    if n < 0 {
        return l_shl(a, n.wrapping_neg());
    }
    if n >= 31 {
        if a < 0 { -1 } else { 0 }
    } else {
        a >> n
    }
}

/// 32-bit shift right with rounding.
#[inline]
pub fn l_shr_r(a: i32, n: i16) -> i32 {
    if n > 31 {
        return 0;
    }
    let mut r = l_shr(a, n);
    if n > 0 && (a & (1i32 << (n - 1))) != 0 {
        r = r.wrapping_add(1);
    }
    r
}

/// Round the high half: extract_h(L_add(a, 0x8000)).
#[inline]
pub fn round(a: i32) -> i16 {
    extract_h(l_add(a, 0x8000))
}

/// [`round`] recording saturation.
#[inline]
pub fn round_ov(a: i32, ov: &mut bool) -> i16 {
    extract_h(l_add_ov(a, 0x8000, ov))
}

/// Multiply-accumulate then round.
#[inline]
pub fn mac_r(acc: i32, a: i16, b: i16) -> i16 {
    round(l_mac(acc, a, b))
}

/// Multiply-subtract then round.
#[inline]
pub fn msu_r(acc: i32, a: i16, b: i16) -> i16 {
    round(l_msu(acc, a, b))
}

/// High 16 bits.
#[inline]
pub fn extract_h(a: i32) -> i16 {
    (a >> 16) as i16
}

/// Low 16 bits.
#[inline]
pub fn extract_l(a: i32) -> i16 {
    a as i16
}

/// a << 16.
#[inline]
pub fn l_deposit_h(a: i16) -> i32 {
    (a as i32) << 16
}

/// Sign-extend to 32 bits.
#[inline]
pub fn l_deposit_l(a: i16) -> i32 {
    a as i32
}

/// Number of left shifts needed to normalise a 16-bit value (0 for 0).
#[inline]
pub fn norm_s(a: i16) -> i16 {
    if a == 0 {
        0
    } else {
        let v = if a < 0 { !a } else { a };
        (v as u16).leading_zeros() as i16 - 1
    }
}

/// Number of left shifts needed to normalise a 32-bit value (0 for 0).
#[inline]
pub fn norm_l(a: i32) -> i16 {
    if a == 0 {
        0
    } else {
        let v = if a < 0 { !a } else { a };
        (v as u32).leading_zeros() as i16 - 1
    }
}

/// Fractional division a/b in Q15 for 0 <= a <= b, b > 0.
///
/// Out-of-domain inputs (which abort the reference program) return 0 in
/// release builds.
#[inline]
pub fn div_s(a: i16, b: i16) -> i16 {
    debug_assert!(a >= 0 && b > 0 && a <= b, "div_s({a}, {b}) out of domain");
    if a <= 0 || b <= 0 || a > b {
        return 0;
    }
    if a == b {
        return MAX_16;
    }
    let mut num = a as i32;
    let den = b as i32;
    let mut out: i16 = 0;
    for _ in 0..15 {
        out <<= 1;
        num <<= 1;
        if num >= den {
            num -= den;
            out += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Double-precision (hi/lo) arithmetic.
// ---------------------------------------------------------------------------

/// Split a 32-bit value into hi (Q16 part) and lo (15 bits, Q1).
#[inline]
pub fn l_extract(a: i32) -> (i16, i16) {
    let hi = extract_h(a);
    let lo = extract_l(l_msu(l_shr(a, 1), hi, 16384));
    (hi, lo)
}

/// Inverse of [`l_extract`]: hi<<16 + lo<<1.
#[inline]
pub fn l_comp(hi: i16, lo: i16) -> i32 {
    l_mac(l_deposit_h(hi), lo, 1)
}

/// 32x32-bit multiplication of two hi/lo numbers.
#[inline]
pub fn mpy_32(hi1: i16, lo1: i16, hi2: i16, lo2: i16) -> i32 {
    let mut r = l_mult(hi1, hi2);
    r = l_mac(r, mult(hi1, lo2), 1);
    l_mac(r, mult(lo1, hi2), 1)
}

/// 32x16-bit multiplication of a hi/lo number by a 16-bit value.
#[inline]
pub fn mpy_32_16(hi: i16, lo: i16, n: i16) -> i32 {
    l_mac(l_mult(hi, n), mult(lo, n), 1)
}

/// 32-bit fractional division num/denom (denom as hi/lo, num < denom).
pub fn div_32(num: i32, denom_hi: i16, denom_lo: i16) -> i32 {
    let approx = div_s(0x3fff, denom_hi);
    let t = mpy_32_16(denom_hi, denom_lo, approx);
    let t = l_sub(MAX_32, t);
    let (hi, lo) = l_extract(t);
    let t = mpy_32_16(hi, lo, approx);
    let (hi, lo) = l_extract(t);
    let (n_hi, n_lo) = l_extract(num);
    l_shl(mpy_32(n_hi, n_lo, hi, lo), 2)
}

// ---------------------------------------------------------------------------
// Table-based math functions.
// ---------------------------------------------------------------------------

/// 2^(exponent + fraction) in Q0, fraction in Q15.
pub fn pow2(exponent: i16, fraction: i16) -> i32 {
    let x = l_mult(fraction, 32);
    let i = extract_h(x) as usize;
    let a = extract_l(l_shr(x, 1)) & 0x7fff;
    let mut y = l_deposit_h(POW2_TABLE[i]);
    let d = sub(POW2_TABLE[i], POW2_TABLE[i + 1]);
    y = l_msu(y, d, a);
    l_shr_r(y, sub(30, exponent))
}

/// log2(x) as (integer exponent, Q15 fraction); (0, 0) for x <= 0.
pub fn log2(x: i32) -> (i16, i16) {
    if x <= 0 {
        return (0, 0);
    }
    let e = norm_l(x);
    let x = l_shl(x, e);
    let exponent = sub(30, e);
    let x = l_shr(x, 9);
    let i = (extract_h(x) - 32) as usize;
    let a = extract_l(l_shr(x, 1)) & 0x7fff;
    let mut y = l_deposit_h(LOG2_TABLE[i]);
    let d = sub(LOG2_TABLE[i], LOG2_TABLE[i + 1]);
    y = l_msu(y, d, a);
    (exponent, extract_h(y))
}

/// 1/sqrt(x) in Q30 for x in Q0.
pub fn inv_sqrt(x: i32) -> i32 {
    if x <= 0 {
        return 0x3fff_ffff;
    }
    let e = norm_l(x);
    let mut x = l_shl(x, e);
    let mut exp = sub(30, e);
    if exp & 1 == 0 {
        x = l_shr(x, 1);
    }
    exp = add(shr(exp, 1), 1);
    let x = l_shr(x, 9);
    let i = (extract_h(x) - 16) as usize;
    let a = extract_l(l_shr(x, 1)) & 0x7fff;
    let mut y = l_deposit_h(INV_SQRT_TABLE[i]);
    let d = sub(INV_SQRT_TABLE[i], INV_SQRT_TABLE[i + 1]);
    y = l_msu(y, d, a);
    l_shr(y, exp)
}

/// `Σ x[i]²`, exactly.
pub(crate) fn energy(x: &[i16]) -> i64 {
    x.iter().map(|&v| v as i64 * v as i64).sum()
}

/// Largest |x[i]| (0 for an empty slice), as i64 (|-32768| = 32768): from
/// the 16-bit minimum and maximum, which vectorise.
#[inline]
pub(crate) fn abs_max(x: &[i16]) -> i64 {
    let (lo, hi) = x
        .iter()
        .fold((0i16, 0i16), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    (hi as i64).max(-(lo as i64))
}

/// True when no partial sum of an `L_mac` chain from 0 over products
/// `x[i]·y[k]` — distinct samples of a signal of energy `ex` paired with
/// distinct samples of one of energy `ey` — can saturate: by
/// Cauchy-Schwarz each partial sum is at most `2·sqrt(ex·ey)` in magnitude,
/// which is below 2^31 iff `4·ex·ey < 2^62` (even, so at most MAX_32 - 1;
/// this also excludes `L_mult(-32768, -32768)`).
pub(crate) fn macs_fit(ex: i64, ey: i64) -> bool {
    4 * (ex as i128) * (ey as i128) < 1i128 << 62
}

/// The `L_mac` chain `acc + 2·x[0]² + 2·x[1]² + …` for `acc ≥ 0`: the
/// terms are non-negative, so the partial sums only grow and the chain
/// saturates to MAX_32 exactly when the exact sum exceeds it (including
/// `L_mult(-32768, -32768)`, whose exact 2^31 already does).
pub(crate) fn l_mac_energy(acc: i32, x: &[i16]) -> i32 {
    debug_assert!(acc >= 0);
    (acc as i64 + 2 * energy(x)).min(MAX_32 as i64) as i32
}

/// [`dot_plain`] over fixed-size arrays (lets LLVM vectorise short sums).
#[inline]
pub(crate) fn dot_fixed<const N: usize>(x: &[i16; N], y: &[i16; N]) -> i32 {
    x.iter().zip(y).map(|(&a, &b)| a as i32 * b as i32).sum()
}

/// Plain `Σ x[i]·y[i]` (without the ×2 of `L_mac`), for callers that have
/// proven no partial sum of the equivalent `L_mac` chain can saturate.
#[inline]
pub(crate) fn dot_plain(x: &[i16], y: &[i16]) -> i32 {
    x.iter().zip(y).map(|(&a, &b)| a as i32 * b as i32).sum()
}

/// `L_mac` chain `acc + 2·x[0]·y[0] + 2·x[1]·y[1] + …`, saturating at each
/// step exactly as the reference loop does.
///
/// Fast path: every partial sum is bounded by `|acc| + 2·Σ|x[i]·y[i]|`;
/// when that is below 2^31 no `L_mult` (which saturates only at exactly
/// 2^31) nor `L_add` can saturate, and the plain sum is the exact result.
/// Otherwise the saturating chain runs.
pub(crate) fn l_mac_dot(acc: i32, x: &[i16], y: &[i16]) -> i32 {
    let (sum, bound) = x.iter().zip(y).fold((0i64, 0i64), |(s, b), (&a, &c)| {
        let p = a as i32 * c as i32;
        (s + p as i64, b + p.unsigned_abs() as i64)
    });
    if (acc as i64).abs() + 2 * bound < 1 << 31 {
        acc + 2 * sum as i32
    } else {
        x.iter().zip(y).fold(acc, |s, (&a, &c)| l_mac(s, a, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_sub_saturate() {
        assert_eq!(add(32767, 1), 32767);
        assert_eq!(add(-32768, -1), -32768);
        assert_eq!(add(100, -200), -100);
        assert_eq!(sub(-32768, 1), -32768);
        assert_eq!(sub(32767, -1), 32767);
        assert_eq!(sub(0, -32768), 32767);
    }

    #[test]
    fn abs_negate() {
        assert_eq!(abs_s(-32768), 32767);
        assert_eq!(abs_s(-5), 5);
        assert_eq!(negate(-32768), 32767);
        assert_eq!(negate(7), -7);
        assert_eq!(l_negate(MIN_32), MAX_32);
        assert_eq!(l_abs(MIN_32), MAX_32);
    }

    #[test]
    fn shifts() {
        assert_eq!(shl(0x4000, 1), 32767);
        assert_eq!(shl(-0x4001, 1), -32768);
        assert_eq!(shl(3, 2), 12);
        assert_eq!(shl(1, 16), 32767);
        assert_eq!(shl(0, 20), 0);
        assert_eq!(shl(-8, -2), -2);
        assert_eq!(shr(-1, 1), -1);
        assert_eq!(shr(-32768, 20), -1);
        assert_eq!(shr(32767, 15), 0);
        assert_eq!(shr(3, -2), 12);
        assert_eq!(shr_r(3, 1), 2);
        assert_eq!(shr_r(-3, 1), -1);
        let mut ov = false;
        assert_eq!(shl_ov(0x2000, 1, &mut ov), 0x4000);
        assert!(!ov);
        assert_eq!(shl_ov(0x4000, 1, &mut ov), 32767);
        assert!(ov);
    }

    #[test]
    fn long_shifts() {
        assert_eq!(l_shl(0x4000_0000, 1), MAX_32);
        assert_eq!(l_shl(-0x4000_0000, 1), MIN_32);
        assert_eq!(l_shl(-0x4000_0001, 1), MIN_32);
        assert_eq!(l_shl(1, 31), MAX_32);
        assert_eq!(l_shl(1, 30), 0x4000_0000);
        assert_eq!(l_shl(-1, 31), MIN_32);
        assert_eq!(l_shl(5, 100), MAX_32);
        assert_eq!(l_shl(0, 100), 0);
        assert_eq!(l_shl(-16, -2), -4);
        assert_eq!(l_shr(-1, 40), -1);
        assert_eq!(l_shr(MAX_32, 31), 0);
        assert_eq!(l_shr(1, -3), 8);
        assert_eq!(l_shr_r(3, 1), 2);
        assert_eq!(l_shr_r(MAX_32, 32), 0);
        let mut ov = false;
        assert_eq!(l_shl_ov(0x2000_0000, 1, &mut ov), 0x4000_0000);
        assert!(!ov);
        l_shl_ov(0x4000_0000, 1, &mut ov);
        assert!(ov);
    }

    #[test]
    fn multiplications() {
        assert_eq!(mult(-32768, -32768), 32767);
        assert_eq!(mult(16384, 16384), 8192);
        assert_eq!(mult(-1, 1), -1);
        assert_eq!(mult_r(-32768, -32768), 32767);
        assert_eq!(mult_r(1, 16384), 1);
        assert_eq!(l_mult(-32768, -32768), MAX_32);
        assert_eq!(l_mult(-32768, 32767), -2_147_418_112);
        assert_eq!(l_mac(MAX_32, 1, 1), MAX_32);
        assert_eq!(l_msu(MIN_32, 1, 1), MIN_32);
        let mut ov = false;
        l_mult_ov(-32768, -32768, &mut ov);
        assert!(ov);
    }

    #[test]
    fn long_add_sub() {
        assert_eq!(l_add(MAX_32, 1), MAX_32);
        assert_eq!(l_add(MIN_32, -1), MIN_32);
        assert_eq!(l_sub(MIN_32, 1), MIN_32);
        assert_eq!(l_sub(0, MIN_32), MAX_32);
        assert_eq!(round(0x7fff_8000), 32767);
        assert_eq!(round(0x0001_8000), 2);
        assert_eq!(round(-0x8000), 0);
    }

    #[test]
    fn normalisation() {
        assert_eq!(norm_s(0), 0);
        assert_eq!(norm_s(-1), 15);
        assert_eq!(norm_s(1), 14);
        assert_eq!(norm_s(0x4000), 0);
        assert_eq!(norm_s(-32768), 0);
        assert_eq!(norm_s(-16384), 1);
        assert_eq!(norm_l(0), 0);
        assert_eq!(norm_l(-1), 31);
        assert_eq!(norm_l(1), 30);
        assert_eq!(norm_l(MIN_32), 0);
        assert_eq!(norm_l(0x4000_0000), 0);
    }

    #[test]
    fn division() {
        assert_eq!(div_s(1, 2), 16384);
        assert_eq!(div_s(5, 5), 32767);
        assert_eq!(div_s(0, 5), 0);
        assert_eq!(div_s(1, 3), 10922);
    }

    #[test]
    fn extract_and_compose() {
        let x = 0x1234_5678;
        let (hi, lo) = l_extract(x);
        assert_eq!(hi, 0x1234);
        assert_eq!(l_comp(hi, lo), x & !1);
        assert_eq!(mpy_32_16(16384, 0, 16384), 0x2000_0000);
    }

    #[test]
    fn math_functions() {
        assert_eq!(pow2(14, 0), 16384);
        assert_eq!(pow2(30, 0), 16384 << 16);
        assert_eq!(log2(1 << 20), (20, 0));
        assert_eq!(log2(0), (0, 0));
        // 1/sqrt(1) = 1.0 in Q30 (table saturates to 32767 in Q15).
        assert_eq!(inv_sqrt(1), 0x3fff_8000);
        assert_eq!(inv_sqrt(0), 0x3fff_ffff);
    }
}
