// SPDX-License-Identifier: MPL-2.0

//! `g729dec`: G.729 (Annex A, with Annex B SID/DTX) → raw S16LE 8 kHz mono. See [`imp`] for the details.

use gst::glib;
use gst::prelude::*;

mod imp;

glib::wrapper! {
    /// Decodes G.729 speech and SID frames, concealing lost frames and filling DTX pauses with comfort noise.
    pub struct G729Dec(ObjectSubclass<imp::G729Dec>)
        @extends gst_audio::AudioDecoder, gst::Element, gst::Object;
}

/// Registers `g729dec` with `plugin`.
pub fn register(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    gst::Element::register(
        Some(plugin),
        "g729dec",
        gst::Rank::PRIMARY,
        G729Dec::static_type(),
    )
}
