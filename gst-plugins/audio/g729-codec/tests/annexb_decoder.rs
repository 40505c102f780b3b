//! ITU-T G.729 Annex B (with Annex A) decoder conformance: decoding
//! `tstseqNa.bit` (`tstseq5.bit`, `tstseq6.bit`) must reproduce
//! `tstseqNa.out` byte for byte.

#[path = "support/vectors.rs"]
mod vectors;

use vectors::Frames;

vectors::exact! {
    Frames::AnnexB;
    tstseq1: "tstseq1a.bit" => "tstseq1a.out",
    tstseq2: "tstseq2a.bit" => "tstseq2a.out",
    tstseq3: "tstseq3a.bit" => "tstseq3a.out",
    tstseq4: "tstseq4a.bit" => "tstseq4a.out",
    tstseq5: "tstseq5.bit" => "tstseq5a.out",
    tstseq6: "tstseq6.bit" => "tstseq6a.out",
}
