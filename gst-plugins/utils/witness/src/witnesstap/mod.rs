// SPDX-License-Identifier: MPL-2.0

//! `witnesstap`: a pass-through that hashes the media it sees into a witness log. See [`imp`] for the details.

use gst::glib;
use gst::prelude::*;

pub mod digest;
mod imp;

glib::wrapper! {
    /// Passes buffers through untouched and records a SHA-256 digest of them per interval in a witness log.
    pub struct WitnessTap(ObjectSubclass<imp::WitnessTap>) @extends gst_base::BaseTransform, gst::Element, gst::Object;
}

/// Registers `witnesstap` with `plugin`.
pub fn register(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    gst::Element::register(
        Some(plugin),
        "witnesstap",
        gst::Rank::NONE,
        WitnessTap::static_type(),
    )
}
