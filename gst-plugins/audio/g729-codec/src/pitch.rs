//! Adaptive-codebook (pitch) decoding: lag decoding, parity check and
//! fractional-delay interpolation of the past excitation.

use crate::fixed::*;
use crate::tables::INTERP_FIR_3;
use crate::{L_SUBFR, PIT_MAX, PIT_MIN};

/// Taps on each side of the 1/3-resolution interpolation filter.
const INTERP_TAPS: usize = 10;
/// Upsampling factor of the fractional delay.
const UP_SAMP: i16 = 3;

/// Pitch lag: integer part and fraction in {-1, 0, 1} thirds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lag {
    pub int: i16,
    pub frac: i16,
}

/// Decode the 8-bit absolute lag index of the first subframe.
pub(crate) fn decode_lag_first(index: i16) -> Lag {
    if index < 197 {
        let int = add(mult(add(index, 2), 10923), 19);
        let frac = add(sub(index, add(add(int, int), int)), 58);
        Lag { int, frac }
    } else {
        Lag {
            int: sub(index, 112),
            frac: 0,
        }
    }
}

/// Decode the 5-bit relative lag index of the second subframe, around the
/// integer lag `t0` of the first.
pub(crate) fn decode_lag_second(index: i16, t0: i16) -> Lag {
    let mut t_min = sub(t0, 5);
    if t_min < PIT_MIN {
        t_min = PIT_MIN;
    }
    let mut t_max = add(t_min, 9);
    if t_max > PIT_MAX {
        t_max = PIT_MAX;
        t_min = sub(t_max, 9);
    }
    let i = sub(mult(add(index, 2), 10923), 1);
    let int = add(i, t_min);
    let frac = sub(sub(index, 2), add(add(i, i), i));
    Lag { int, frac }
}

/// Parity of the 6 most significant bits of the 8-bit pitch index, as
/// transmitted in P0 (an odd-parity bit: the sum including it is odd).
pub fn pitch_parity(index: u16) -> u16 {
    ((index >> 2) & 0x3f).count_ones() as u16 & 1 ^ 1
}

/// True when the received parity bit does not match the pitch index.
pub(crate) fn parity_error(index: u16, parity: u16) -> bool {
    pitch_parity(index) != (parity & 1)
}

/// Build the adaptive-codebook vector in `exc[start..start + len]` from the
/// past excitation delayed by `lag`, interpolated at 1/3 resolution.
pub(crate) fn predict_long_term(exc: &mut [i16], start: usize, lag: Lag, len: usize) {
    let mut frac = negate(lag.frac);
    // x0 indexes exc: position of the delayed sample for output 0.
    let mut x0 = start as isize - lag.int as isize;
    if frac < 0 {
        frac = add(frac, UP_SAMP);
        x0 -= 1;
    }
    let c1 = frac as usize;
    let c2 = sub(UP_SAMP, frac) as usize;
    // Filter taps of the two phases, in the order the reference uses them.
    let fir1: [i16; INTERP_TAPS] = core::array::from_fn(|i| INTERP_FIR_3[c1 + 3 * i]);
    let fir2: [i16; INTERP_TAPS] = core::array::from_fn(|i| INTERP_FIR_3[c2 + 3 * i]);
    // Fast path (bit-exact): each partial sum of the reference's 20 `L_mac`
    // is bounded by `2 · C · xmax`, C the sum of |taps| and xmax the largest
    // |exc| read so far (the past excitation, then each new output, which
    // later outputs may read when the lag is short). Below 2^31 nothing
    // saturates, so plain i32 arithmetic is identical; otherwise that sample
    // takes the exact saturating sequence.
    let c_sum: i64 = fir1.iter().chain(&fir2).map(|&c| (c as i64).abs()).sum();
    // coef[k] multiplies w[k] below: fir1 reversed, then fir2.
    let coef: [i16; 2 * INTERP_TAPS] = core::array::from_fn(|k| {
        if k < INTERP_TAPS {
            fir1[INTERP_TAPS - 1 - k]
        } else {
            fir2[k - INTERP_TAPS]
        }
    });
    let first = (x0 + 1 - INTERP_TAPS as isize) as usize;
    // Samples read: exc[first..x0 + len + INTERP_TAPS]; those from `start`
    // on are this call's outputs, covered as they are written.
    let last = ((x0 + (len + INTERP_TAPS) as isize) as usize).min(start);
    let mut xmax = abs_max(&exc[first..last]);
    // Whole-block fast path: when the lag is long enough that no output
    // reads another output (all reads end before `start`) and the bound
    // above holds for every sample read, compute tap by tap over the whole
    // block (plain i32 loops LLVM vectorises); same exact sums.
    if last == (x0 + (len + INTERP_TAPS) as isize) as usize
        && len <= L_SUBFR
        && 2 * c_sum * xmax < 1 << 31
    {
        // Eight outputs at a time, tap by tap (8-lane multiply-adds with
        // the accumulators in registers), from a zero-padded copy.
        let mut src = [0i16; L_SUBFR + 2 * INTERP_TAPS];
        src[..last - first].copy_from_slice(&exc[first..last]);
        let mut out = [0i16; L_SUBFR];
        for (q, o) in out.chunks_exact_mut(8).enumerate() {
            let x = &src[8 * q..];
            let mut acc = [0i32; 8];
            for (k, &c) in coef.iter().enumerate() {
                let x: &[i16; 8] = x[k..k + 8].try_into().unwrap();
                for (a, &x) in acc.iter_mut().zip(x) {
                    *a += c as i32 * x as i32;
                }
            }
            for (o, &a) in o.iter_mut().zip(&acc) {
                *o = round(a * 2);
            }
        }
        exc[start..start + len].copy_from_slice(&out[..len]);
        return;
    }
    for j in 0..len {
        let x1 = (x0 + j as isize) as usize;
        // w[k] = exc[x1 + 1 - INTERP_TAPS + k]: w[INTERP_TAPS - 1 - i] is
        // exc[x1 - i], w[INTERP_TAPS + i] is exc[x2 + i].
        let w: &[i16; 2 * INTERP_TAPS] = exc[x1 + 1 - INTERP_TAPS..x1 + 1 + INTERP_TAPS]
            .try_into()
            .unwrap();
        let (past, future) = w.split_at(INTERP_TAPS);
        let s = if 2 * c_sum * xmax < 1 << 31 {
            dot_plain(w, &coef) * 2
        } else {
            let mut s = 0i32;
            for i in 0..INTERP_TAPS {
                s = l_mac(s, past[INTERP_TAPS - 1 - i], fir1[i]);
                s = l_mac(s, future[i], fir2[i]);
            }
            s
        };
        let v = round(s);
        exc[start + j] = v;
        xmax = xmax.max((v as i64).abs());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parity_matches_reference_definition() {
        for index in 0u16..256 {
            let mut sum = 1u16;
            let mut t = index >> 1;
            for _ in 0..6 {
                t >>= 1;
                sum += t & 1;
            }
            assert_eq!(pitch_parity(index), sum & 1, "index {index}");
            assert!(!parity_error(index, sum & 1));
            assert!(parity_error(index, (sum & 1) ^ 1));
        }
    }

    #[test]
    fn lag_decoding() {
        // Index 0 -> lag 19 + 1/3 ... (19, +1).
        assert_eq!(decode_lag_first(0), Lag { int: 19, frac: 1 });
        assert_eq!(decode_lag_first(1), Lag { int: 20, frac: -1 });
        assert_eq!(decode_lag_first(197), Lag { int: 85, frac: 0 });
        assert_eq!(decode_lag_first(255), Lag { int: 143, frac: 0 });
        assert_eq!(decode_lag_second(0, 60), Lag { int: 54, frac: 1 });
    }
}
