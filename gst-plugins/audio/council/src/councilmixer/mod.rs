// SPDX-License-Identifier: MPL-2.0

//! `councilmixer`: a live N-party mix-minus mixer. See [`imp`] for the details.

use gst::glib;
use gst::prelude::*;

mod imp;
pub mod mix;

glib::wrapper! {
    /// Mixes N participants; each `src_%u` carries the mix of everybody but its own `sink_%u`, `src` the full mix.
    pub struct CouncilMixer(ObjectSubclass<imp::CouncilMixer>)
        @extends gst_audio::AudioAggregator, gst_base::Aggregator, gst::Element, gst::Object,
        @implements gst::ChildProxy;
}

glib::wrapper! {
    /// A participant's sink pad, with its `gain`, `mute` and `deaf` properties.
    pub struct CouncilMixerPad(ObjectSubclass<imp::CouncilMixerPad>)
        @extends gst_audio::AudioAggregatorPad, gst_base::AggregatorPad, gst::Pad, gst::Object;
}

/// Registers `councilmixer` with `plugin`.
pub fn register(plugin: &gst::Plugin) -> Result<(), glib::BoolError> {
    gst::Element::register(
        Some(plugin),
        "councilmixer",
        gst::Rank::NONE,
        CouncilMixer::static_type(),
    )
}
