//! Annex A adaptive post-filter (long-term, short-term, tilt compensation,
//! gain control) and the output high-pass post-processing.

use crate::filter::{residual, synthesis, weight};
use crate::fixed::*;
use crate::tables::{HP100_A, HP100_B};
use crate::{L_FRAME, L_SUBFR, M, MP1, PIT_MAX};

/// Formant post-filter numerator factor 0.55 (Q15).
const GAMMA_NUM: i16 = 18022;
/// Formant post-filter denominator factor 0.70 (Q15).
const GAMMA_DEN: i16 = 22938;
/// Harmonic post-filter factor 0.5 (Q15) and derived constants.
const GAMMA_P: i16 = 16384;
const INV_GAMMA_P: i16 = 21845;
const GAMMA_P_2: i16 = 10923;
/// Tilt compensation factor 0.8 (Q15).
const MU: i16 = 26214;
/// Gain control smoothing 0.9 (Q15) and its complement.
const AGC_FAC: i16 = 29491;
const AGC_FAC1: i16 = 32767 - AGC_FAC;
/// Length of the truncated impulse response used for the tilt.
const L_H: usize = 22;

const RES_LEN: usize = PIT_MAX as usize + L_SUBFR;

/// Post-filter state.
#[derive(Clone, Debug)]
pub(crate) struct PostFilter {
    /// Residual of the synthesis through A(z/GAMMA_NUM), with PIT_MAX history.
    res: [i16; RES_LEN],
    /// The same residual divided by 4.
    scaled_res: [i16; RES_LEN],
    /// Memory of 1/A(z/GAMMA_DEN).
    mem_syn: [i16; M],
    /// Memory of the tilt compensation filter.
    mem_tilt: i16,
    /// Smoothed gain of the AGC (Q12).
    past_gain: i16,
}

impl PostFilter {
    pub(crate) fn new() -> Self {
        Self {
            res: [0; RES_LEN],
            scaled_res: [0; RES_LEN],
            mem_syn: [0; M],
            mem_tilt: 0,
            past_gain: 4096,
        }
    }

    /// Post-filter one frame. `syn` holds M samples of past synthesis
    /// followed by the L_FRAME samples of this frame.
    pub(crate) fn process(
        &mut self,
        syn: &[i16; M + L_FRAME],
        lpc: &[[i16; MP1]; 2],
        lags: [i16; 2],
        pitch_filter: bool,
        out: &mut [i16; L_FRAME],
    ) {
        const CUR: usize = PIT_MAX as usize;
        for (sf, (a, &t)) in lpc.iter().zip(&lags).enumerate() {
            let start = sf * L_SUBFR;
            let mut t_min = sub(t, 3);
            let mut t_max = add(t_min, 6);
            if t_max > PIT_MAX {
                t_max = PIT_MAX;
                t_min = sub(t_max, 6);
            }

            let ap_num = weight(a, GAMMA_NUM);
            let ap_den = weight(a, GAMMA_DEN);

            residual(&ap_num, syn, M + start, &mut self.res[CUR..]);
            for j in CUR..RES_LEN {
                self.scaled_res[j] = shr(self.res[j], 2);
            }

            // Annex B: no harmonic post-filter on inactive (noise) frames.
            let mut pst = if pitch_filter {
                self.long_term(t_min, t_max)
            } else {
                self.res[CUR..CUR + L_SUBFR].try_into().unwrap()
            };

            // Tilt from the impulse response of A(z/g_num)/A(z/g_den).
            let mut h_in = [0i16; L_H];
            h_in[..MP1].copy_from_slice(&ap_num);
            let mut h = [0i16; L_H];
            synthesis(&ap_den, &h_in, &mut h, &[0; M]);
            let r0 = extract_h(l_mac_energy(0, &h));
            let (x, y) = (&h[..L_H - 1], &h[1..]);
            let r1 = extract_h(if macs_fit(energy(x), energy(y)) {
                2 * dot_plain(x, y)
            } else {
                l_mac_dot(0, x, y)
            });
            let tilt = if r1 <= 0 { 0 } else { div_s(mult(r1, MU), r0) };
            self.tilt_compensate(&mut pst, tilt);

            let dst = &mut out[start..start + L_SUBFR];
            synthesis(&ap_den, &pst, dst, &self.mem_syn);
            self.mem_syn.copy_from_slice(&dst[L_SUBFR - M..]);

            self.gain_control(&syn[M + start..M + start + L_SUBFR], dst);

            self.res.copy_within(L_SUBFR.., 0);
            self.scaled_res.copy_within(L_SUBFR.., 0);
        }
    }

    /// Harmonic post-filter around the decoded lag.
    fn long_term(&self, t_min: i16, t_max: i16) -> [i16; L_SUBFR] {
        const CUR: usize = PIT_MAX as usize;
        let sig = &self.res;
        let scal = &self.scaled_res;
        let cur = &scal[CUR..CUR + L_SUBFR];

        let mut cor_max = MIN_32;
        let mut t0 = t_min;
        let past = &scal[CUR - t_max as usize..CUR - t_min as usize + L_SUBFR];
        let fits = macs_fit(energy(cur), energy(past));
        for t in t_min..=t_max {
            let d = CUR - t as usize;
            let x = &scal[d..d + L_SUBFR];
            let corr = if fits {
                2 * dot_plain(cur, x)
            } else {
                l_mac_dot(0, cur, x)
            };
            if l_sub(corr, cor_max) > 0 {
                cor_max = corr;
                t0 = t;
            }
        }
        let d = CUR - t0 as usize;
        let ener = l_mac_energy(1, &scal[d..d + L_SUBFR]);
        let ener0 = l_mac_energy(1, cur);
        if cor_max < 0 {
            cor_max = 0;
        }
        let norm = norm_l(cor_max.max(ener).max(ener0));
        let mut cmax = round(l_shl(cor_max, norm));
        let mut en = round(l_shl(ener, norm));
        let en0 = round(l_shl(ener0, norm));

        let mut out = [0i16; L_SUBFR];
        let x = l_sub(l_mult(cmax, cmax), l_shr(l_mult(en, en0), 1));
        if x < 0 {
            out.copy_from_slice(&sig[CUR..]);
            return out;
        }
        let (g0, gain) = if cmax > en {
            (INV_GAMMA_P, GAMMA_P_2)
        } else {
            cmax = shr(mult(cmax, GAMMA_P), 1);
            en = shr(en, 1);
            let s = add(cmax, en);
            if s > 0 {
                let gain = div_s(cmax, s);
                (sub(32767, gain), gain)
            } else {
                (32767, 0)
            }
        };
        for (i, o) in out.iter_mut().enumerate() {
            *o = add(
                mult(g0, sig[CUR + i]),
                mult(gain, sig[CUR + i - t0 as usize]),
            );
        }
        out
    }

    /// Filter through 1 - g z^-1.
    fn tilt_compensate(&mut self, x: &mut [i16; L_SUBFR], g: i16) {
        let last = x[L_SUBFR - 1];
        for i in (1..L_SUBFR).rev() {
            x[i] = sub(x[i], mult(g, x[i - 1]));
        }
        x[0] = sub(x[0], mult(g, self.mem_tilt));
        self.mem_tilt = last;
    }

    /// Scale the post-filtered subframe to the energy of its input.
    fn gain_control(&mut self, input: &[i16], out: &mut [i16]) {
        let energy = |s: &[i16]| {
            let mut v = [0i16; L_SUBFR];
            for (o, &x) in v.iter_mut().zip(s) {
                *o = shr(x, 2);
            }
            l_mac_energy(0, &v[..s.len()])
        };
        let s = energy(out);
        if s == 0 {
            self.past_gain = 0;
            return;
        }
        let mut exp = sub(norm_l(s), 1);
        let gain_out = round(l_shl(s, exp));

        let s = energy(input);
        let g0 = if s == 0 {
            0
        } else {
            let i = norm_l(s);
            let gain_in = round(l_shl(s, i));
            exp = sub(exp, i);
            let mut s = l_deposit_l(div_s(gain_out, gain_in));
            s = l_shl(s, 7);
            s = l_shr(s, exp);
            s = inv_sqrt(s);
            let i = round(l_shl(s, 9));
            mult(i, AGC_FAC1)
        };

        let mut gain = self.past_gain;
        for v in out.iter_mut() {
            gain = mult(gain, AGC_FAC);
            gain = add(gain, g0);
            *v = extract_h(l_shl(l_mult(*v, gain), 3));
        }
        self.past_gain = gain;
    }
}

/// Output 100 Hz high-pass filter with a gain of 2.
#[derive(Clone, Debug, Default)]
pub(crate) struct HighPass {
    y1: (i16, i16),
    y2: (i16, i16),
    x0: i16,
    x1: i16,
}

impl HighPass {
    pub(crate) fn process(&mut self, signal: &mut [i16]) {
        for v in signal.iter_mut() {
            let x2 = self.x1;
            self.x1 = self.x0;
            self.x0 = *v;
            let mut acc = mpy_32_16(self.y1.0, self.y1.1, HP100_A[1]);
            acc = l_add(acc, mpy_32_16(self.y2.0, self.y2.1, HP100_A[2]));
            acc = l_mac(acc, self.x0, HP100_B[0]);
            acc = l_mac(acc, self.x1, HP100_B[1]);
            acc = l_mac(acc, x2, HP100_B[2]);
            // `L_shl(acc, 2)` then `round(L_shl(acc, 1))`: when `acc << 3`
            // fits in i32 with room for the rounding constant, no step
            // saturates and both are plain shifts.
            if (MIN_32 >> 3..=(MAX_32 - 0x8000) >> 3).contains(&acc) {
                acc <<= 2;
                *v = (((acc << 1) + 0x8000) >> 16) as i16;
            } else {
                acc = l_shl(acc, 2);
                *v = round(l_shl(acc, 1));
            }
            self.y2 = self.y1;
            self.y1 = l_extract(acc);
        }
    }
}
