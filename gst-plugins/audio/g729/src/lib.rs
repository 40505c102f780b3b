// SPDX-License-Identifier: MPL-2.0
#![allow(clippy::non_send_fields_in_send_ty, unused_doc_comments)]

//! # plugin-g729
//!
//! ITU-T G.729 Annex A speech codec elements over the pure-Rust codec crate `council-g729` (library `g729`):
//!
//! - `g729dec`: `audio/G729` (10-byte speech frames, optionally followed by a 2-byte Annex B SID frame, as
//!   `rtpg729depay` emits them) → `audio/x-raw, format=S16LE, rate=8000, channels=1`, with loss concealment
//!   (GAP events, timestamp jumps) and comfort noise in DTX pauses.
//! - `g729enc`: `audio/x-raw, format=S16LE, rate=8000, channels=1` → `audio/G729`, one 10-byte frame per 10 ms.
//!
//! Both interoperate with the stock `rtpg729pay`/`rtpg729depay`.

use gst::glib;

mod g729dec;
mod g729enc;

fn plugin_init(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    g729dec::register(plugin)?;
    g729enc::register(plugin)?;
    Ok(())
}

gst::plugin_define!(
    g729,
    env!("CARGO_PKG_DESCRIPTION"),
    plugin_init,
    concat!(env!("CARGO_PKG_VERSION"), "-", env!("COMMIT_ID")),
    "MPL-2.0",
    env!("CARGO_PKG_NAME"),
    env!("CARGO_PKG_NAME"),
    env!("CARGO_PKG_REPOSITORY"),
    env!("BUILD_REL_DATE")
);
