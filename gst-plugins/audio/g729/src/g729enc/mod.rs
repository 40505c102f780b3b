// SPDX-License-Identifier: MPL-2.0

//! `g729enc`: raw S16LE 8 kHz mono → G.729 Annex A, one 10-byte frame per 10 ms. See [`imp`] for the details.

use gst::glib;
use gst::prelude::*;

mod imp;

glib::wrapper! {
    /// Encodes 8 kHz mono speech to G.729 Annex A frames.
    pub struct G729Enc(ObjectSubclass<imp::G729Enc>)
        @extends gst_audio::AudioEncoder, gst::Element, gst::Object;
}

/// Registers `g729enc` with `plugin`.
pub fn register(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    gst::Element::register(
        Some(plugin),
        "g729enc",
        gst::Rank::PRIMARY,
        G729Enc::static_type(),
    )
}
