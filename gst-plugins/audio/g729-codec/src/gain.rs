//! Fixed-codebook vector construction and gain dequantisation with MA
//! prediction of the code-vector energy.

use crate::L_SUBFR;
use crate::fixed::*;
use crate::tables::{GAIN_CB1, GAIN_CB2, GAIN_IMAP1, GAIN_IMAP2, GAIN_MA_PRED};

/// Algebraic codebook vector (Q13) from the 13-bit position index and the
/// 4-bit sign index: four +-1 pulses on interleaved tracks.
pub(crate) fn algebraic_vector(positions: u16, signs: u16) -> [i16; L_SUBFR] {
    let p = positions as usize;
    let track = |shift: usize| (p >> shift) & 7;
    let pos = [
        track(0) * 5,
        track(3) * 5 + 1,
        track(6) * 5 + 2,
        track(10) * 5 + 3 + ((p >> 9) & 1),
    ];
    let mut code = [0i16; L_SUBFR];
    for (j, &q) in pos.iter().enumerate() {
        code[q] = if (signs >> j) & 1 != 0 { 8191 } else { -8192 };
    }
    code
}

/// Past quantised code-gain energies (Q10) driving the MA gain predictor,
/// and the decoded gains of the previous subframe (for concealment).
#[derive(Clone, Debug)]
pub(crate) struct GainDecoder {
    past_energy: [i16; 4],
    /// Pitch gain, Q14.
    pub pitch: i16,
    /// Code gain, Q1.
    pub code: i16,
}

impl GainDecoder {
    pub(crate) fn new() -> Self {
        Self {
            past_energy: [-14336; 4],
            pitch: 0,
            code: 0,
        }
    }

    /// Decode the 7-bit gain index (3 bits GA, 4 bits GB) for code vector `code`.
    pub(crate) fn decode(&mut self, index: u16, code: &[i16; L_SUBFR]) {
        let i1 = GAIN_IMAP1[(index >> 4) as usize & 7] as usize;
        let i2 = GAIN_IMAP2[index as usize & 15] as usize;
        self.pitch = add(GAIN_CB1[i1][0], GAIN_CB2[i2][0]);

        let (gcode0, exp_gcode0) = self.predict(code);
        let gbk12 = l_add(GAIN_CB1[i1][1] as i32, GAIN_CB2[i2][1] as i32); // Q13
        let t = extract_l(l_shr(gbk12, 1)); // Q12
        let acc = l_mult(t, gcode0);
        let acc = l_shl(acc, add(negate(exp_gcode0), -12 - 1 + 1 + 16));
        self.code = extract_h(acc);

        self.update(gbk12);
    }

    /// Frame erasure: attenuate the previous gains and decay the energy memory.
    pub(crate) fn conceal(&mut self) {
        self.pitch = mult(self.pitch, 29491);
        if self.pitch > 29491 {
            self.pitch = 29491;
        }
        self.code = mult(self.code, 32111);

        let sum = self
            .past_energy
            .iter()
            .fold(0i32, |acc, &e| l_add(acc, e as i32));
        let mut avg = sub(extract_l(l_shr(sum, 2)), 4096);
        if avg < -14336 {
            avg = -14336;
        }
        self.push_energy(avg);
    }

    /// Predicted code gain as (mantissa, exponent).
    pub(crate) fn predict(&self, code: &[i16; L_SUBFR]) -> (i16, i16) {
        let energy = code.iter().fold(0i32, |acc, &c| l_mac(acc, c, c));
        let (exp, frac) = log2(energy);
        let mut t = mpy_32_16(exp, frac, -24660);
        t = l_mac(t, 32588, 32);
        t = l_shl(t, 10);
        for (&p, &e) in GAIN_MA_PRED.iter().zip(&self.past_energy) {
            t = l_mac(t, p, e);
        }
        let gcode0 = extract_h(t);
        let t = l_shr(l_mult(gcode0, 5439), 8);
        let (exp, frac) = l_extract(t);
        let gcode0 = extract_l(pow2(14, frac));
        (gcode0, sub(14, exp))
    }

    pub(crate) fn update(&mut self, gbk12: i32) {
        let (exp, frac) = log2(gbk12);
        let acc = l_comp(sub(exp, 13), frac);
        let t = extract_h(l_shl(acc, 13));
        self.push_energy(mult(t, 24660));
    }

    fn push_energy(&mut self, e: i16) {
        self.past_energy.copy_within(0..3, 1);
        self.past_energy[0] = e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algebraic_positions() {
        let c = algebraic_vector(0, 0b1111);
        assert_eq!(c[0], 8191);
        assert_eq!(c[1], 8191);
        assert_eq!(c[2], 8191);
        assert_eq!(c[3], 8191);
        let c = algebraic_vector(0x1fff, 0);
        assert_eq!(c[35], -8192);
        assert_eq!(c[36], -8192);
        assert_eq!(c[37], -8192);
        assert_eq!(c[39], -8192);
        assert_eq!(c.iter().filter(|&&v| v != 0).count(), 4);
    }
}
