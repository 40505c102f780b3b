// SPDX-License-Identifier: MPL-2.0

//! `h323depay`: RTP → G.711 µ-law / A-law / G.729 by payload type. See [`imp`] for the details.

use gst::glib;
use gst::prelude::*;

mod imp;

glib::wrapper! {
    /// Depayloads the audio of an H.323 call: PCMU, PCMA and G.729, static or mapped dynamic payload types.
    pub struct H323Depay(ObjectSubclass<imp::H323Depay>) @extends gst::Element, gst::Object;
}

/// Registers `h323depay` with `plugin`.
pub fn register(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    gst::Element::register(
        Some(plugin),
        "h323depay",
        gst::Rank::NONE,
        H323Depay::static_type(),
    )
}
