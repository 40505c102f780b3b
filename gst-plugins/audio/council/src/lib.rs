// SPDX-License-Identifier: MPL-2.0
#![allow(clippy::non_send_fields_in_send_ty, unused_doc_comments)]

//! # plugin-council
//!
//! GStreamer elements of Council's conference media: `councilmixer`, a live N-party mix-minus mixer (each
//! participant hears everybody but themselves; one more output carries the full mix).
//!
//! [`mix`] holds the mixing and level arithmetic without GStreamer.

use gst::glib;

mod councilmixer;

pub use councilmixer::mix;
pub use councilmixer::{CouncilMixer, CouncilMixerPad};

fn plugin_init(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    councilmixer::register(plugin)?;
    Ok(())
}

gst::plugin_define!(
    council,
    env!("CARGO_PKG_DESCRIPTION"),
    plugin_init,
    concat!(env!("CARGO_PKG_VERSION"), "-", env!("COMMIT_ID")),
    "MPL-2.0",
    env!("CARGO_PKG_NAME"),
    env!("CARGO_PKG_NAME"),
    env!("CARGO_PKG_REPOSITORY"),
    env!("BUILD_REL_DATE")
);
