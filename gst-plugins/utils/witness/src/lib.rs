// SPDX-License-Identifier: MPL-2.0
#![allow(clippy::non_send_fields_in_send_ty, unused_doc_comments)]

//! # plugin-witness
//!
//! GStreamer elements of Council's witness: `witnesstap`, a pass-through that hashes the media it sees, interval
//! by interval, into Council's tamper-evident witness log (see `council_witness`).
//!
//! [`digest`] holds the hashing and interval rules without GStreamer, so an auditor can recompute a recorded
//! digest from the media.

use gst::glib;

mod witnesstap;

pub use witnesstap::digest;

fn plugin_init(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    witnesstap::register(plugin)?;
    Ok(())
}

gst::plugin_define!(
    witness,
    env!("CARGO_PKG_DESCRIPTION"),
    plugin_init,
    concat!(env!("CARGO_PKG_VERSION"), "-", env!("COMMIT_ID")),
    "MPL-2.0",
    env!("CARGO_PKG_NAME"),
    env!("CARGO_PKG_NAME"),
    env!("CARGO_PKG_REPOSITORY"),
    env!("BUILD_REL_DATE")
);
