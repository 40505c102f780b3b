// SPDX-License-Identifier: MPL-2.0

//! `h323pay`: G.711 µ-law / A-law / G.729 → RTP. See [`imp`] for the details.

use gst::glib;
use gst::prelude::*;

mod imp;

glib::wrapper! {
    /// Payloads the audio of an H.323 call: PCMU, PCMA and G.729 (with Annex B SID frames) into RTP.
    pub struct H323Pay(ObjectSubclass<imp::H323Pay>)
        @extends gst_rtp::RTPBasePayload, gst::Element, gst::Object;
}

/// Registers `h323pay` with `plugin`.
pub fn register(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    gst::Element::register(
        Some(plugin),
        "h323pay",
        gst::Rank::NONE,
        H323Pay::static_type(),
    )
}
