//! Encoder pre-processing: second-order high-pass filter (140 Hz cut-off)
//! that also divides the input by two.

use crate::fixed::*;
use crate::tables::{HP140_A, HP140_B};

/// State of the input high-pass filter: the last two outputs in double
/// precision and the last two inputs.
#[derive(Clone, Debug, Default)]
pub(crate) struct PreProcessor {
    y1: (i16, i16),
    y2: (i16, i16),
    x1: i16,
    x2: i16,
}

impl PreProcessor {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Filter `signal` in place.
    pub(crate) fn process(&mut self, signal: &mut [i16]) {
        for s in signal.iter_mut() {
            let x0 = *s;
            let mut acc = mpy_32_16(self.y1.0, self.y1.1, HP140_A[1]);
            acc = l_add(acc, mpy_32_16(self.y2.0, self.y2.1, HP140_A[2]));
            acc = l_mac(acc, x0, HP140_B[0]);
            acc = l_mac(acc, self.x1, HP140_B[1]);
            acc = l_mac(acc, self.x2, HP140_B[2]);
            // `L_shl(acc, 3)` then `round`: when `acc << 3` fits in i32 with
            // room for the rounding constant, neither saturates.
            if (MIN_32 >> 3..=(MAX_32 - 0x8000) >> 3).contains(&acc) {
                acc <<= 3;
                *s = ((acc + 0x8000) >> 16) as i16;
            } else {
                acc = l_shl(acc, 3);
                *s = round(acc);
            }
            self.x2 = self.x1;
            self.x1 = x0;
            self.y2 = self.y1;
            self.y1 = l_extract(acc);
        }
    }
}
