//! Tables of ITU-T G.729 Annex B (SID parameter quantisation).

use crate::M;

/// Dequantised SID gains (comfort-noise sample amplitude), by 5-bit index.
pub(crate) const SID_GAIN: [i16; 32] = [
    2, 5, 8, 13, 20, 32, 50, 64, 80, 101, 127, 160, 201, 253, 318, 401, 505, 635, 800, 1007, 1268,
    1596, 2010, 2530, 3185, 4009, 5048, 6355, 8000, 10071, 12679, 15962,
];

/// Sum-complement of the SID MA predictors, Q15, by predictor mode.
pub(crate) const SID_MA_PRED_SUM: [[i16; M]; 2] = [
    [7798, 8447, 8205, 8293, 8126, 8477, 8447, 8703, 9043, 8604],
    [
        10514, 12402, 12833, 11914, 11447, 11670, 11132, 11311, 11844, 11447,
    ],
];

/// SID first-stage index (5 bits) to the row of the first LSP codebook.
pub(crate) const SID_CB1_MAP: [u8; 32] = [
    96, 52, 20, 54, 86, 114, 82, 68, 36, 121, 48, 92, 18, 120, 94, 124, 50, 125, 4, 100, 28, 76,
    12, 117, 81, 22, 90, 116, 127, 21, 108, 66,
];

/// SID second-stage index (4 bits) to the rows of the second LSP codebook,
/// for the lower and the upper half of the vector.
pub(crate) const SID_CB2_MAP: [[u8; 16]; 2] = [
    [31, 21, 9, 3, 10, 2, 19, 26, 4, 3, 11, 29, 15, 27, 21, 12],
    [16, 1, 0, 0, 8, 25, 22, 20, 19, 23, 20, 31, 4, 31, 20, 31],
];
