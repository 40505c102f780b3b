// SPDX-License-Identifier: MPL-2.0
#![allow(clippy::non_send_fields_in_send_ty, unused_doc_comments)]

//! # plugin-h323
//!
//! RTP (de)payloading of the audio an H.323 terminal negotiates: PT 0 (PCMU), 8 (PCMA), 18 (G.729, with Annex B
//! SID frames) and dynamic payload types as H.245 opens them.
//!
//! - `h323depay`: `application/x-rtp` → `audio/x-mulaw` | `audio/x-alaw` | `audio/G729`, by payload type.
//! - `h323pay`: the reverse, with packet time, marker and SID handling.
//!
//! The packet logic is free of GStreamer and of I/O: [`rtp`] (header parser, codec table, payload rules, PT map),
//! [`receiver`] (what to do with each received packet) and [`packetizer`] (gathering frames into payloads).

use gst::glib;

mod caps;
mod h323depay;
mod h323pay;
pub mod packetizer;
pub mod receiver;
/// The GStreamer-free packet logic, in its own crate so that signalling (SDP, H.245) shares the codec table.
pub use council_rtp as rtp;

fn plugin_init(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    h323depay::register(plugin)?;
    h323pay::register(plugin)?;
    Ok(())
}

gst::plugin_define!(
    h323,
    env!("CARGO_PKG_DESCRIPTION"),
    plugin_init,
    concat!(env!("CARGO_PKG_VERSION"), "-", env!("COMMIT_ID")),
    "MPL-2.0",
    env!("CARGO_PKG_NAME"),
    env!("CARGO_PKG_NAME"),
    env!("CARGO_PKG_REPOSITORY"),
    env!("BUILD_REL_DATE")
);
