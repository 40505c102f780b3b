//! Annex B voice activity detection.

use crate::M;
use crate::fixed::*;
use crate::lpc::{Autocorr, L_WINDOW, NP};
use crate::tables::{ACOS_SLOPE_65, COS_TABLE_65};

/// Low-band filter correlation, used for the low-band energy.
const LBF_CORR: [i16; NP + 1] = [
    7869, 7011, 4838, 2299, 321, -660, -782, -484, -164, 3, 39, 21, 4,
];
/// Scaling of the initial means by the number of voiced frames seen.
const SHIFT_FX: [i16; 33] = [
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5,
    0,
];
const FACTOR_FX: [i16; 33] = [
    32767, 16913, 17476, 18079, 18725, 19418, 20165, 20972, 21845, 22795, 23831, 24966, 26214,
    27594, 29127, 30840, 32767, 17476, 18725, 20165, 21845, 23831, 26214, 29127, 32767, 18725,
    21845, 26214, 32767, 21845, 32767, 32767, 0,
];

const INIT_FRAME: i16 = 32;
const INIT_COUNT: i16 = 20;
const ZC_START: usize = 120;
const ZC_END: usize = 200;

/// LSP (Q15 cosine) to normalised LSF (Q15, 0..0.5).
pub(crate) fn lsp_to_lsf_norm(lsp: &[i16; M]) -> [i16; M] {
    let mut lsf = [0i16; M];
    let mut ind = 63usize;
    for i in (0..M).rev() {
        while COS_TABLE_65[ind] < lsp[i] {
            ind -= 1;
        }
        let t = l_mult(sub(lsp[i], COS_TABLE_65[ind]), ACOS_SLOPE_65[ind]);
        let tmp = round(l_shl(t, 3));
        lsf[i] = add(tmp, shl(ind as i16, 8));
    }
    lsf
}

/// Parameters of one frame handed to the VAD.
pub(crate) struct VadInput<'a> {
    /// Second reflection coefficient (Q15).
    pub rc: i16,
    /// Unquantised LSFs (normalised, Q15).
    pub lsf: &'a [i16; M],
    /// Lag-windowed extended autocorrelation.
    pub r: &'a Autocorr,
    /// Pre-processed LP analysis window.
    pub sig: &'a [i16; L_WINDOW],
    /// Frame counter (1 for the first frame).
    pub frame: i16,
    /// Decisions of the previous two frames.
    pub prev: bool,
    pub pprev: bool,
}

/// State of the voice activity detector.
#[derive(Clone, Debug)]
pub(crate) struct Vad {
    mean_lsf: [i16; M],
    min_buffer: [i16; 16],
    prev_min: i16,
    next_min: i16,
    min: i16,
    mean_e: i16,
    mean_se: i16,
    mean_sle: i16,
    mean_szc: i16,
    prev_energy: i16,
    count_sil: i16,
    count_update: i16,
    count_ext: i16,
    flag: bool,
    v_flag: bool,
    less_count: i16,
}

impl Vad {
    pub(crate) fn new() -> Self {
        Self {
            mean_lsf: [0; M],
            min_buffer: [0; 16],
            prev_min: 0,
            next_min: 0,
            min: MAX_16,
            mean_e: 0,
            mean_se: 0,
            mean_sle: 0,
            mean_szc: 0,
            prev_energy: 0,
            count_sil: 0,
            count_update: 0,
            count_ext: 0,
            flag: true,
            v_flag: false,
            less_count: 0,
        }
    }

    /// Energy in dB-like units (Q11) of `acc` given the autocorrelation exponent.
    fn log_energy(acc: i32, exp_r0: i16) -> i16 {
        let (exp, frac) = log2(acc);
        let mut acc = mpy_32_16(exp, frac, 9864);
        let i = sub(sub(exp_r0, 1), 1);
        acc = l_mac(acc, 9864, i);
        acc = l_shl(acc, 11);
        sub(extract_h(acc), 4875)
    }

    /// Voice activity decision of the current frame (true = active).
    pub(crate) fn detect(&mut self, p: &VadInput) -> bool {
        let frm = p.frame;
        let r = p.r;
        let energy = Self::log_energy(l_comp(r.hi[0], r.lo[0]), r.exp_r0);

        let mut acc = 0i32;
        for (&h, &c) in r.hi[1..].iter().zip(&LBF_CORR[1..]) {
            acc = l_mac(acc, h, c);
        }
        acc = l_shl(acc, 1);
        acc = l_mac(acc, r.hi[0], LBF_CORR[0]);
        let energy_low = Self::log_energy(acc, r.exp_r0);

        let mut acc = 0i32;
        for i in 0..M {
            let j = sub(p.lsf[i], self.mean_lsf[i]);
            acc = l_mac(acc, j, j);
        }
        let sd = extract_h(acc);

        let mut zc = 0i16;
        for i in ZC_START + 1..=ZC_END {
            if mult(p.sig[i - 1], p.sig[i]) < 0 {
                zc = add(zc, 410);
            }
        }

        // Minimum energy tracking.
        if frm < 129 {
            if energy < self.min {
                self.min = energy;
                self.prev_min = energy;
            }
            if frm & 7 == 0 {
                let i = sub(shr(frm, 3), 1);
                self.min_buffer[i as usize] = self.min;
                self.min = MAX_16;
            }
        }
        if frm & 7 == 0 {
            self.prev_min = *self.min_buffer.iter().min().unwrap();
        }
        if frm >= 129 {
            if frm & 7 == 1 {
                self.min = self.prev_min;
                self.next_min = MAX_16;
            }
            if energy < self.min {
                self.min = energy;
            }
            if energy < self.next_min {
                self.next_min = energy;
            }
            if frm & 7 == 0 {
                self.min_buffer.copy_within(1.., 0);
                self.min_buffer[15] = self.next_min;
                self.prev_min = *self.min_buffer.iter().min().unwrap();
            }
        }

        let mut marker = false;
        if frm <= INIT_FRAME {
            if energy < 3072 {
                marker = false;
                self.less_count += 1;
            } else {
                marker = true;
                self.mean_e = extract_h(l_mac(l_deposit_h(self.mean_e), energy, 1024));
                self.mean_szc = extract_h(l_mac(l_deposit_h(self.mean_szc), zc, 1024));
                for i in 0..M {
                    self.mean_lsf[i] =
                        extract_h(l_mac(l_deposit_h(self.mean_lsf[i]), p.lsf[i], 1024));
                }
            }
        }

        if frm >= INIT_FRAME {
            if frm == INIT_FRAME {
                let lc = self.less_count as usize;
                let scale = |v: i16| extract_h(l_shl(l_mult(v, FACTOR_FX[lc]), SHIFT_FX[lc]));
                self.mean_e = scale(self.mean_e);
                self.mean_szc = scale(self.mean_szc);
                for v in self.mean_lsf.iter_mut() {
                    *v = scale(*v);
                }
                self.mean_se = sub(self.mean_e, 2048);
                self.mean_sle = sub(self.mean_e, 2458);
            }
            let dse = sub(self.mean_se, energy);
            let dsle = sub(self.mean_sle, energy_low);
            let dszc = sub(self.mean_szc, zc);

            marker = if energy < 3072 {
                false
            } else {
                make_decision(dsle, dse, sd, dszc)
            };

            self.v_flag = false;
            if p.prev && !marker && add(dse, 410) < 0 && energy > 3072 {
                marker = true;
                self.v_flag = true;
            }

            if self.flag {
                if p.pprev && p.prev && !marker && abs_s(sub(self.prev_energy, energy)) <= 614 {
                    self.count_ext += 1;
                    marker = true;
                    self.v_flag = true;
                    if self.count_ext > 4 {
                        self.count_ext = 0;
                        self.flag = false;
                    }
                }
            } else {
                self.flag = true;
            }

            if !marker {
                self.count_sil = self.count_sil.wrapping_add(1);
            }
            if marker && self.count_sil > 10 && sub(energy, self.prev_energy) <= 614 {
                marker = false;
                self.count_sil = 0;
            }
            if marker {
                self.count_sil = 0;
            }

            if sub(energy, 614) < self.mean_se && frm > 128 && !self.v_flag && p.rc < 19661 {
                marker = false;
            }

            if sub(energy, 614) < self.mean_se && p.rc < 24576 && sd < 83 {
                self.count_update = self.count_update.wrapping_add(1);
                let (coef, c_coef, coefzc, c_coefzc, coefsd, c_coefsd) =
                    if self.count_update < INIT_COUNT {
                        (24576, 8192, 26214, 6554, 19661, 13017)
                    } else if self.count_update < INIT_COUNT + 10 {
                        (31130, 1638, 30147, 2621, 21299, 11469)
                    } else if self.count_update < INIT_COUNT + 20 {
                        (31785, 983, 30802, 1966, 22938, 9830)
                    } else if self.count_update < INIT_COUNT + 30 {
                        (32440, 328, 31457, 1311, 24576, 8192)
                    } else if self.count_update < INIT_COUNT + 40 {
                        (32604, 164, 32440, 328, 24576, 8192)
                    } else {
                        (32604, 164, 32702, 66, 24576, 8192)
                    };
                self.mean_se = extract_h(l_mac(l_mult(coef, self.mean_se), c_coef, energy));
                self.mean_sle = extract_h(l_mac(l_mult(coef, self.mean_sle), c_coef, energy_low));
                self.mean_szc = extract_h(l_mac(l_mult(coefzc, self.mean_szc), c_coefzc, zc));
                for i in 0..M {
                    self.mean_lsf[i] =
                        extract_h(l_mac(l_mult(coefsd, self.mean_lsf[i]), c_coefsd, p.lsf[i]));
                }
            }

            if frm > 128
                && ((self.mean_se < self.min && sd < 83) || sub(self.mean_se, self.min) > 2048)
            {
                self.mean_se = self.min;
                self.count_update = 0;
            }
        }
        self.prev_energy = energy;
        marker
    }
}

/// Multi-boundary initial decision from the differential parameters.
fn make_decision(dsle: i16, dse: i16, sd: i16, dszc: i16) -> bool {
    // SD vs dSZC.
    let acc = l_add(
        l_shr(l_mac(l_mult(dszc, -14680), 8192, -28521), 8),
        l_deposit_h(sd),
    );
    if acc > 0 {
        return true;
    }
    let acc = l_add(
        l_shr(l_mac(l_mult(dszc, 19065), 8192, -19446), 7),
        l_deposit_h(sd),
    );
    if acc > 0 {
        return true;
    }
    // dSE vs dSZC.
    let acc = l_add(
        l_shr(l_mac(l_mult(dszc, 20480), 8192, 16384), 2),
        l_deposit_h(dse),
    );
    if acc < 0 {
        return true;
    }
    let acc = l_add(
        l_shr(l_mac(l_mult(dszc, -16384), 8192, 19660), 2),
        l_deposit_h(dse),
    );
    if acc < 0 {
        return true;
    }
    if l_mac(l_mult(dse, 32767), 1024, 30802) < 0 {
        return true;
    }
    // dSE vs SD.
    if l_mac(l_mac(l_mult(sd, -28160), 64, 19988), dse, 512) < 0 {
        return true;
    }
    if l_mac(l_mult(sd, 32767), 32, -30199) > 0 {
        return true;
    }
    // dSLE vs dSZC (on dSE, as in the reference).
    let acc = l_add(
        l_shr(l_mac(l_mult(dszc, -20480), 8192, 22938), 2),
        l_deposit_h(dse),
    );
    if acc < 0 {
        return true;
    }
    let acc = l_add(
        l_shr(l_mac(l_mult(dszc, 23831), 4096, 31576), 2),
        l_deposit_h(dse),
    );
    if acc < 0 {
        return true;
    }
    if l_mac(l_mult(dse, 32767), 2048, 17367) < 0 {
        return true;
    }
    // dSLE vs SD.
    if l_mac(l_mac(l_mult(sd, -22400), 32, 25395), dsle, 256) < 0 {
        return true;
    }
    // dSLE vs dSE.
    if l_add(l_mac(l_mult(dse, -30427), 256, -29959), l_deposit_h(dsle)) > 0 {
        return true;
    }
    if l_add(l_mac(l_mult(dse, -23406), 512, 28087), l_deposit_h(dsle)) < 0 {
        return true;
    }
    if l_mac(l_mac(l_mult(dse, 24576), 1024, 29491), dsle, 16384) < 0 {
        return true;
    }
    false
}
