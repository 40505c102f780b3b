//! Annex B decoder side: SID frame decoding and comfort-noise generation.

use crate::fixed::*;
use crate::lsp::LspDequantizer;
use crate::pitch::{Lag, predict_long_term};
use crate::tables::{LSP_CB1, LSP_CB2, LSP_MA_PRED};
use crate::tables_b::{SID_CB1_MAP, SID_CB2_MAP, SID_GAIN, SID_MA_PRED_SUM};
use crate::{L_FRAME, L_SUBFR, M};

/// Seed of the comfort-noise generator, restored on every active frame.
pub(crate) const CNG_SEED: i16 = 11111;
/// Gain smoothing between consecutive inactive frames, Q15 (7/8 and 1/8).
const GAIN_SMOOTH_OLD: i16 = 28672;
const GAIN_SMOOTH_NEW: i16 = 4096;
/// alpha*sqrt(L_SUBFR)/2 - 1 in Q15, with alpha = 0.5.
const FRAC1: i16 = 19043;
/// 1 - alpha^2 in Q15.
const K0: i16 = 24576;
/// Bound of the fixed-codebook pulse gain.
const G_MAX: i16 = 5000;
/// Initial SID LSP vector (Q15).
const LSP_SID_INIT: [i16; M] = [
    31441, 27566, 21458, 13612, 4663, -4663, -13612, -21458, -27566, -31441,
];

/// The parameters of a 15-bit SID frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SidParams {
    /// MA predictor switch (1 bit).
    pub mode: u16,
    /// First-stage LSF index (5 bits).
    pub lsf1: u16,
    /// Second-stage LSF index (4 bits).
    pub lsf2: u16,
    /// Energy index (5 bits).
    pub gain: u16,
}

impl SidParams {
    /// Unpack the two bytes of a SID frame (MSB first, the last bit is padding).
    pub(crate) fn unpack(sid: &[u8; 2]) -> Self {
        let v = u16::from_be_bytes(*sid);
        Self {
            mode: v >> 15,
            lsf1: (v >> 10) & 0x1f,
            lsf2: (v >> 6) & 0x0f,
            gain: (v >> 1) & 0x1f,
        }
    }
}

/// Comfort-noise state of the decoder.
#[derive(Clone, Debug)]
pub(crate) struct ComfortNoise {
    /// Gain of the current inactive frame (smoothed towards `sid_gain`).
    cur_gain: i16,
    /// Gain of the last SID frame.
    sid_gain: i16,
    /// LSPs of the last SID frame, Q15.
    pub lsp: [i16; M],
    /// Seed of the noise generator.
    pub seed: i16,
    /// Energy of the last good frame's excitation (mantissa and exponent),
    /// used when the first SID frame of a pause is lost.
    energy: i16,
    energy_exp: i16,
}

impl ComfortNoise {
    pub(crate) fn new() -> Self {
        Self {
            cur_gain: 0,
            sid_gain: SID_GAIN[0],
            lsp: LSP_SID_INIT,
            seed: CNG_SEED,
            energy: 0,
            energy_exp: 1,
        }
    }

    /// Record the energy of a correctly received frame's excitation.
    pub(crate) fn store_energy(&mut self, exc: &[i16]) {
        let acc = exc.iter().fold(0i32, |acc, &e| l_mac(acc, e, e));
        let sh = norm_l(acc);
        self.energy = round(l_shl(acc, sh));
        self.energy_exp = sub(16, sh);
    }

    /// Update the SID parameters for an inactive frame: `sid` is the received
    /// SID frame or `None` (untransmitted or lost); `after_speech` tells that
    /// the previous frame was an active one.
    pub(crate) fn update(
        &mut self,
        sid: Option<&SidParams>,
        after_speech: bool,
        lsp_dec: &mut LspDequantizer,
    ) {
        if let Some(p) = sid {
            self.sid_gain = SID_GAIN[p.gain as usize & 31];
            self.lsp = decode_sid_lsp(p, lsp_dec);
        } else if after_speech {
            self.sid_gain = SID_GAIN[self.quantize_stored_energy() as usize];
        }
        self.cur_gain = if after_speech {
            self.sid_gain
        } else {
            add(
                mult_r(self.cur_gain, GAIN_SMOOTH_OLD),
                mult_r(self.sid_gain, GAIN_SMOOTH_NEW),
            )
        };
    }

    /// Energy index of the stored excitation energy.
    fn quantize_stored_energy(&self) -> i16 {
        let acc = l_shl(l_deposit_l(self.energy), self.energy_exp);
        let (hi, lo) = l_extract(acc);
        quantize_energy(mpy_32_16(hi, lo, 410), 0)
    }

    /// Generate the comfort-noise excitation of the frame at
    /// `exc[start..start + L_FRAME]` (the samples before are its history).
    /// Returns the (pitch gain Q14, integer lag) of each subframe, which the
    /// encoder feeds to its taming state.
    pub(crate) fn excitation(&mut self, exc: &mut [i16], start: usize) -> [(i16, i16); 2] {
        let gain = self.cur_gain;
        if gain == 0 {
            exc[start..start + L_FRAME].fill(0);
            return [(0, L_SUBFR as i16 + 1); 2];
        }
        let mut used = [(0i16, 0i16); 2];
        for (sf, u) in used.iter_mut().enumerate() {
            let base = start + sf * L_SUBFR;
            *u = self.subframe(gain, exc, base);
        }
        used
    }

    fn random(&mut self) -> i16 {
        self.seed = extract_l(l_add(l_shr(l_mult(self.seed, 31821), 1), 13849));
        self.seed
    }

    /// Approximately Gaussian sample: sum of 12 uniform values.
    fn gauss(&mut self) -> i16 {
        let mut acc = 0i32;
        for _ in 0..12 {
            let r = self.random();
            acc = l_add(acc, l_deposit_l(r));
        }
        extract_l(l_shr(acc, 7))
    }

    fn subframe(&mut self, gain: i16, exc: &mut [i16], base: usize) -> (i16, i16) {
        // Random adaptive-codebook lag and four random pulses.
        let mut r = self.random();
        let mut frac = sub(r & 3, 1);
        if frac == 2 {
            frac = 0;
        }
        r = shr(r, 2);
        let t0 = add(r & 0x3f, 40);
        r = shr(r, 6);
        let mut pos = [0usize; 4];
        let mut sign = [false; 4];
        let t = r & 7;
        pos[0] = (5 * t) as usize;
        r = shr(r, 3);
        sign[0] = r & 1 != 0;
        r = shr(r, 1);
        let t = r & 7;
        pos[1] = (5 * t + 1) as usize;
        r = shr(r, 3);
        sign[1] = r & 1 != 0;
        let mut r = self.random();
        let t = r & 7;
        pos[2] = (5 * t + 2) as usize;
        r = shr(r, 3);
        sign[2] = r & 1 != 0;
        r = shr(r, 1);
        let t = r & 0x0f;
        pos[3] = ((t & 1) + 3 + 5 * (shr(t, 1) & 7)) as usize;
        r = shr(r, 4);
        sign[3] = r & 1 != 0;
        let gp = self.random() & 0x1fff; // < 0.5 in Q14
        let gp2 = shl(gp, 1);

        // Gaussian excitation scaled to the target gain.
        let mut excg = [0i16; L_SUBFR];
        let mut acc = 0i32;
        for v in excg.iter_mut() {
            *v = self.gauss();
            acc = l_mac(acc, *v, *v);
        }
        let inv = inv_sqrt(l_shr(acc, 1));
        let (hi, lo) = l_extract(inv);
        let g = add(gain, mult_r(gain, FRAC1));
        let acc = mpy_32_16(hi, lo, g);
        let sh = norm_l(acc);
        let fact = extract_h(l_shl(acc, sh));
        let sh = sub(sh, 14);
        for v in excg.iter_mut() {
            *v = shr_r(mult_r(*v, fact), sh);
        }

        // Random adaptive excitation plus the Gaussian part.
        predict_long_term(exc, base, Lag { int: t0, frac }, L_SUBFR);
        let cur = &mut exc[base..base + L_SUBFR];
        let mut max = 0i16;
        for (c, &g) in cur.iter_mut().zip(&excg) {
            *c = add(mult_r(*c, gp2), g);
            max = max.max(abs_s(*c));
        }
        let mut sh = if max == 0 {
            0
        } else {
            sub(3, norm_s(max)).max(0)
        };
        let mut excs = [0i16; L_SUBFR];
        for (s, &c) in excs.iter_mut().zip(cur.iter()) {
            *s = shr(c, sh);
        }

        // Pulse gain: root of 4x^2 + 2bx + c.
        let ener = excs.iter().fold(0i32, |acc, &s| l_mac(acc, s, s));
        let mut inter = 0i16;
        for (&p, &s) in pos.iter().zip(&sign) {
            inter = if s {
                add(inter, excs[p])
            } else {
                sub(inter, excs[p])
            };
        }
        let t = extract_l(l_shr(l_mult(gain, L_SUBFR as i16), 6));
        let k = l_mult(gain, t);
        let mut delta = l_shr(k, add(1, shl(sh, 1)));
        delta = l_sub(delta, ener);
        inter = shr(inter, 1);
        delta = l_mac(delta, inter, inter);
        sh = add(sh, 1);

        if delta < 0 {
            // Drop the adaptive part.
            cur.copy_from_slice(&excg);
            let any = abs_s(excg[pos[0]])
                | abs_s(excg[pos[1]])
                | abs_s(excg[pos[2]])
                | abs_s(excg[pos[3]]);
            sh = if any & 0x4000 == 0 { 1 } else { 2 };
            inter = 0;
            for (&p, &s) in pos.iter().zip(&sign) {
                let v = shr(excg[p], sh);
                inter = if s { add(inter, v) } else { sub(inter, v) };
            }
            let (hi, lo) = l_extract(k);
            delta = l_shr(mpy_32_16(hi, lo, K0), sub(shl(sh, 1), 1));
            delta = l_mac(delta, inter, inter);
        }

        let root = sqrt_half(delta);
        let x1 = sub(root, inter);
        let x2 = negate(add(inter, root));
        let x = if abs_s(x2) < abs_s(x1) { x2 } else { x1 };
        let g = shr_r(x, sub(2, sh)).clamp(-G_MAX, G_MAX);

        for (&p, &s) in pos.iter().zip(&sign) {
            cur[p] = if s { add(cur[p], g) } else { sub(cur[p], g) };
        }
        (gp, t0)
    }
}

/// sqrt(x/2) by bitwise search (14 bits).
fn sqrt_half(x: i32) -> i16 {
    let mut rez = 0i16;
    let mut bit = 0x4000i16;
    for _ in 0..14 {
        let t = add(rez, bit);
        if l_sub(x, l_mult(t, t)) >= 0 {
            rez = t;
        }
        bit = shr(bit, 1);
    }
    rez
}

/// Quantise the energy `x * 2^-sh` to a 5-bit SID gain index.
pub(crate) fn quantize_energy(x: i32, sh: i16) -> i16 {
    let (exp, frac) = log2(x);
    let mut e = shl(sub(exp, sh), 10);
    e = add(e, mult_r(frac, 1024));
    if sub(e, -2721) <= 0 {
        return 0;
    }
    if sub(e, 22111) > 0 {
        return 31;
    }
    if sub(e, 4762) <= 0 {
        let e = add(e, 3401);
        return mult(e, 24).max(1);
    }
    let e = sub(e, 340);
    sub(shr(mult(e, 193), 2), 1).max(6)
}

/// MA predictor of the SID LSF quantiser for `mode`, Q15.
fn sid_predictor(mode: usize) -> [[i16; M]; 4] {
    if mode == 0 {
        return LSP_MA_PRED[0];
    }
    let mut p = [[0i16; M]; 4];
    for (k, row) in p.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let acc = l_mult(LSP_MA_PRED[0][k][j], 19660);
            *v = extract_h(l_mac(acc, LSP_MA_PRED[1][k][j], 13107));
        }
    }
    p
}

/// Dequantise the LSPs of a SID frame, updating the shared MA memory.
fn decode_sid_lsp(p: &SidParams, lsp_dec: &mut LspDequantizer) -> [i16; M] {
    let mode = (p.mode & 1) as usize;
    let lo = SID_CB2_MAP[0][p.lsf2 as usize & 15] as usize;
    let hi = SID_CB2_MAP[1][p.lsf2 as usize & 15] as usize;
    let mut buf = LSP_CB1[SID_CB1_MAP[p.lsf1 as usize & 31] as usize];
    for j in 0..M {
        let second = if j < M / 2 {
            LSP_CB2[lo][j]
        } else {
            LSP_CB2[hi][j]
        };
        buf[j] = add(buf[j], second);
    }
    for j in 1..M {
        let mut acc = l_mult(buf[j - 1], 16384);
        acc = l_mac(acc, buf[j], -16384);
        acc = l_mac(acc, 10, 16384);
        let k = extract_h(acc);
        if k > 0 {
            buf[j - 1] = sub(buf[j - 1], k);
            buf[j] = add(buf[j], k);
        }
    }
    let pred = sid_predictor(mode);
    lsp_dec.compose_sid(buf, &pred, &SID_MA_PRED_SUM[mode])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_unpack() {
        // mode 1, lsf1 0b10101, lsf2 0b0110, gain 0b11001, pad 0.
        let v: u16 = (1 << 15) | (0b10101 << 10) | (0b0110 << 6) | (0b11001 << 1);
        let p = SidParams::unpack(&v.to_be_bytes());
        assert_eq!(
            p,
            SidParams {
                mode: 1,
                lsf1: 0b10101,
                lsf2: 0b0110,
                gain: 0b11001
            }
        );
    }

    #[test]
    fn sqrt_half_values() {
        assert_eq!(sqrt_half(0), 0);
        // sqrt(x/2) with x = 2*100^2*2 (L_mult doubles): 100.
        assert_eq!(sqrt_half(l_mult(100, 100)), 100);
    }
}
