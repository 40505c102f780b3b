// SPDX-License-Identifier: MPL-2.0

//! `witnesstap` in a `gst_check::Harness`: pass-through, digests, caps, errors, shared logs, signing, counters.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::sync::Once;

use gst::glib;
use gst::prelude::*;
use gst_check::Harness;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

const MS: u64 = 1_000_000;

fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        gst::init().unwrap();
        gstwitness::plugin_register_static().expect("register the witness plugin");
    });
}

/// A `witnesstap` writing to `location`, with a bus of its own so its messages can be read.
fn tap(location: &Path, label: &str, interval_ms: u64) -> (gst::Element, gst::Bus) {
    let element = gst::ElementFactory::make("witnesstap")
        .property("location", location.to_str().unwrap())
        .property("label", label)
        .property("interval", interval_ms * MS)
        .build()
        .unwrap();
    let bus = gst::Bus::new();
    element.set_bus(Some(&bus));
    (element, bus)
}

/// Harnesses an element; the harness sets it to PLAYING, which opens the log.
fn harness(element: &gst::Element) -> Harness {
    Harness::with_element(element, Some("sink"), Some("src"))
}

/// Deterministic pseudo-random bytes (xorshift64*).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

fn buffer(data: Vec<u8>, pts: Option<u64>, duration: Option<u64>) -> gst::Buffer {
    let mut buf = gst::Buffer::from_mut_slice(data);
    {
        let b = buf.get_mut().unwrap();
        b.set_pts(pts.map(gst::ClockTime::from_nseconds));
        b.set_duration(duration.map(gst::ClockTime::from_nseconds));
    }
    buf
}

/// The documented recipe, recomputed here from the buffers' timestamps and bytes.
fn recipe(buffers: &[(Option<u64>, Option<u64>, Vec<u8>)]) -> String {
    let mut h = Sha256::new();
    for (pts, duration, data) in buffers {
        h.update(pts.unwrap_or(u64::MAX).to_be_bytes());
        h.update(duration.unwrap_or(u64::MAX).to_be_bytes());
        h.update((data.len() as u64).to_be_bytes());
        h.update(data);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// All lines of a log, parsed.
fn read_log(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn of_kind<'a>(log: &'a [Value], kind: &str) -> Vec<&'a Value> {
    log.iter().filter(|e| e["kind"] == kind).collect()
}

/// The `witness-digest` element messages posted so far.
fn digest_messages(bus: &gst::Bus) -> Vec<gst::Structure> {
    std::iter::from_fn(|| bus.pop_filtered(&[gst::MessageType::Element]))
        .filter_map(|m| m.structure().map(|s| s.to_owned()))
        .filter(|s| s.name() == "witness-digest")
        .collect()
}

fn u64_prop(element: &gst::Element, name: &str) -> u64 {
    element.property::<u64>(name)
}

#[test]
fn passes_buffers_through_untouched_and_in_place() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let (element, _bus) = tap(&dir.path().join("log"), "pass", 100);
    let mut h = harness(&element);
    h.set_src_caps_str("application/x-test");

    for i in 0..25u64 {
        let data = noise(i, 100 + (i as usize * 37) % 900);
        let mut buf = buffer(data.clone(), Some(i * 20 * MS), Some(20 * MS));
        {
            let b = buf.get_mut().unwrap();
            b.set_dts(gst::ClockTime::from_nseconds(i * 20 * MS + 5));
            b.set_offset(i * 1000);
            b.set_offset_end(i * 1000 + 999);
            let mut flags = gst::BufferFlags::DELTA_UNIT;
            if i == 0 {
                flags = gst::BufferFlags::DISCONT | gst::BufferFlags::HEADER;
            }
            if i % 7 == 3 {
                flags |= gst::BufferFlags::MARKER;
            }
            b.set_flags(flags);
        }
        // Keeping a reference makes the buffer non-writable: an element that needed to write would have to copy.
        let sent = buf.clone();
        assert_eq!(h.push(buf), Ok(gst::FlowSuccess::Ok));
        let got = h.pull().unwrap();

        assert_eq!(
            got.as_ptr(),
            sent.as_ptr(),
            "buffer {i} was not passed in place"
        );
        assert_eq!(got.map_readable().unwrap().as_slice(), data.as_slice());
        assert_eq!(got.pts(), sent.pts());
        assert_eq!(got.dts(), sent.dts());
        assert_eq!(got.duration(), sent.duration());
        assert_eq!(got.flags(), sent.flags());
        assert_eq!(got.offset(), i * 1000);
        assert_eq!(got.offset_end(), i * 1000 + 999);
    }
    assert!(h.push_event(gst::event::Eos::new()));
    assert_eq!(u64_prop(&element, "buffers"), 25);
    assert_eq!(u64_prop(&element, "failures"), 0);
}

#[test]
fn digests_match_the_documented_recipe() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    let (element, bus) = tap(&path, "call-42/rx", 100);
    let mut h = harness(&element);
    h.set_src_caps_str("application/x-test");

    // 13 buffers 20 ms apart from 1 s: intervals [1000, 1100), [1100, 1200) and [1200, 1240] (ended by EOS).
    let start = 1_000 * MS;
    let mut sent: Vec<(Option<u64>, Option<u64>, Vec<u8>)> = Vec::new();
    for i in 0..13u64 {
        let pts = Some(start + i * 20 * MS);
        // One buffer without a duration, to cover the u64::MAX stand-in.
        let duration = (i != 6).then_some(20 * MS);
        let data = noise(100 + i, 160 + i as usize * 11);
        h.push(buffer(data.clone(), pts, duration)).unwrap();
        sent.push((pts, duration, data));
    }
    assert!(h.push_event(gst::event::Eos::new()));

    // EOS waits for the last digest to be recorded, so its message is already on the bus.
    let messages = digest_messages(&bus);
    element.set_state(gst::State::Null).unwrap();

    let groups = [&sent[0..5], &sent[5..10], &sent[10..13]];
    let log = read_log(&path);
    let digests = of_kind(&log, "media-digest");
    assert_eq!(digests.len(), 3, "{log:#?}");
    assert_eq!(messages.len(), 3);
    for (i, ((entry, msg), group)) in digests.iter().zip(&messages).zip(groups).enumerate() {
        let f = &entry["fields"];
        let bytes: usize = group.iter().map(|(_, _, d)| d.len()).sum();
        let sha = recipe(group);
        assert_eq!(f["label"], "call-42/rx");
        assert_eq!(f["interval"], i as u64);
        assert_eq!(f["buffers"], group.len() as u64);
        assert_eq!(f["bytes"], bytes as u64);
        assert_eq!(f["first_pts"], group[0].0.unwrap());
        assert_eq!(f["last_pts"], group.last().unwrap().0.unwrap());
        assert_eq!(f["sha256"], sha.as_str());

        assert_eq!(msg.get::<&str>("label").unwrap(), "call-42/rx");
        assert_eq!(msg.get::<&str>("sha256").unwrap(), sha);
        assert_eq!(msg.get::<u64>("interval").unwrap(), i as u64);
        assert_eq!(msg.get::<u64>("buffers").unwrap(), group.len() as u64);
        assert_eq!(msg.get::<u64>("bytes").unwrap(), bytes as u64);
        assert_eq!(msg.get::<u64>("first-pts").unwrap(), group[0].0.unwrap());
        assert_eq!(
            msg.get::<u64>("last-pts").unwrap(),
            group.last().unwrap().0.unwrap()
        );
        assert_eq!(msg.get::<u64>("seq").unwrap(), entry["seq"]);
    }
    drop(h);

    let report = council_witness::verify_file(&path, &Default::default()).unwrap();
    assert!(
        report.closed,
        "the log was closed with a shutdown checkpoint"
    );
}

#[test]
fn buffers_without_pts_are_digested_with_none_markers() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    // A long interval: the wall clock will not cut it during the test.
    let (element, _bus) = tap(&path, "nopts", 60_000);
    let mut h = harness(&element);
    h.set_src_caps_str("application/x-test");
    let sent: Vec<_> = (0..4u64).map(|i| (None, None, noise(i, 50))).collect();
    for (pts, duration, data) in &sent {
        h.push(buffer(data.clone(), *pts, *duration)).unwrap();
    }
    drop(h);

    let log = read_log(&path);
    let digests = of_kind(&log, "media-digest");
    assert_eq!(digests.len(), 1, "stop records the pending interval");
    let f = &digests[0]["fields"];
    assert_eq!(f["buffers"], 4);
    assert_eq!(f["first_pts"], Value::Null);
    assert_eq!(f["last_pts"], Value::Null);
    assert_eq!(f["sha256"], recipe(&sent).as_str());
}

#[test]
fn caps_changes_are_recorded_after_the_pending_digest() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    let (element, _bus) = tap(&path, "caps", 1_000);
    let mut h = harness(&element);

    let caps_a = "audio/x-raw, format=(string)S16LE, rate=(int)8000, channels=(int)1, layout=(string)interleaved";
    let caps_b = "audio/x-raw, format=(string)S16LE, rate=(int)16000, channels=(int)1, layout=(string)interleaved";
    h.set_src_caps_str(caps_a);
    let first = noise(1, 320);
    h.push(buffer(first.clone(), Some(0), Some(20 * MS)))
        .unwrap();
    h.push(buffer(first.clone(), Some(20 * MS), Some(20 * MS)))
        .unwrap();
    // Setting the same caps again records nothing.
    h.set_src_caps_str(caps_a);
    h.set_src_caps_str(caps_b);
    let second = noise(2, 640);
    h.push(buffer(second.clone(), Some(40 * MS), Some(20 * MS)))
        .unwrap();
    assert!(h.push_event(gst::event::Eos::new()));
    drop(h);

    let log = read_log(&path);
    let media: Vec<_> = log
        .iter()
        .filter(|e| e["kind"].as_str().unwrap().starts_with("media-"))
        .collect();
    let kinds: Vec<_> = media.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["media-caps", "media-digest", "media-caps", "media-digest"]
    );
    let caps_of = |e: &Value| gst::Caps::from_str(e["fields"]["caps"].as_str().unwrap()).unwrap();
    assert_eq!(caps_of(media[0]), gst::Caps::from_str(caps_a).unwrap());
    assert_eq!(caps_of(media[2]), gst::Caps::from_str(caps_b).unwrap());
    assert_eq!(media[0]["fields"]["label"], "caps");
    assert_eq!(media[2]["fields"]["label"], "caps");

    let before = &media[1]["fields"];
    assert_eq!(before["buffers"], 2);
    assert_eq!(before["interval"], 0);
    assert_eq!(
        before["sha256"],
        recipe(&[
            (Some(0), Some(20 * MS), first.clone()),
            (Some(20 * MS), Some(20 * MS), first)
        ])
        .as_str()
    );
    let after = &media[3]["fields"];
    assert_eq!(after["buffers"], 1);
    assert_eq!(after["interval"], 1);
    assert_eq!(
        after["sha256"],
        recipe(&[(Some(40 * MS), Some(20 * MS), second)]).as_str()
    );
    assert_eq!(u64_prop(&element, "entries"), 4);
}

/// Sets `element` to PAUSED, expects that to fail, and returns the error posted on `bus`.
fn expect_start_failure(element: &gst::Element, bus: &gst::Bus) -> glib::Error {
    assert!(element.set_state(gst::State::Paused).is_err());
    let msg = bus
        .pop_filtered(&[gst::MessageType::Error])
        .expect("an error message on the bus");
    let gst::MessageView::Error(err) = msg.view() else {
        unreachable!()
    };
    element.set_state(gst::State::Null).unwrap();
    err.error()
}

#[test]
fn unwritable_location_fails_the_state_change() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/log");
    let (element, bus) = tap(&path, "bad", 100);

    let err = expect_start_failure(&element, &bus);
    assert!(err.matches(gst::ResourceError::OpenWrite), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("Could not open witness log") && text.contains(path.to_str().unwrap()),
        "{text}"
    );
    assert!(!path.exists());
}

#[test]
fn missing_location_fails_the_state_change() {
    init();
    let element = gst::ElementFactory::make("witnesstap").build().unwrap();
    let bus = gst::Bus::new();
    element.set_bus(Some(&bus));
    let err = expect_start_failure(&element, &bus);
    assert!(err.matches(gst::ResourceError::OpenWrite), "{err:?}");
    assert!(err.to_string().contains("no location set"), "{err}");
}

#[test]
fn key_mismatch_fails_the_state_change() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    // An unsigned log...
    drop(council_witness::WitnessLog::open(&path, Default::default()).unwrap());
    // ...refuses a signing writer.
    let key = council_witness::SignerKey::generate("test-witness").unwrap();
    let (private, _) = key.write_pair(&dir.path().join("keys")).unwrap();
    let (element, bus) = tap(&path, "signed", 100);
    element.set_property("key", private.to_str().unwrap());

    let err = expect_start_failure(&element, &bus);
    assert!(err.matches(gst::ResourceError::OpenWrite), "{err:?}");
    assert!(err.to_string().contains(path.to_str().unwrap()), "{err}");
    council_witness::verify_file(&path, &Default::default()).unwrap();
}

#[test]
fn two_taps_share_one_log() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.log");
    let (tx, _tx_bus) = tap(&path, "call-42/tx", 100);
    let (rx, _rx_bus) = tap(&path, "call-42/rx", 100);
    let mut htx = harness(&tx);
    let mut hrx = harness(&rx);
    htx.set_src_caps_str("application/x-test");
    hrx.set_src_caps_str("application/x-test");
    for i in 0..30u64 {
        let pts = Some(i * 20 * MS);
        htx.push(buffer(noise(i, 200), pts, Some(20 * MS))).unwrap();
        hrx.push(buffer(noise(1000 + i, 300), pts, Some(20 * MS)))
            .unwrap();
    }
    assert!(htx.push_event(gst::event::Eos::new()));
    drop(htx);
    // The log stays open for the other tap.
    hrx.push(buffer(noise(99, 10), Some(700 * MS), None))
        .unwrap();
    assert!(hrx.push_event(gst::event::Eos::new()));
    drop(hrx);

    let report = council_witness::verify_file(&path, &Default::default()).unwrap();
    assert!(report.closed);
    let log = read_log(&path);
    assert_eq!(of_kind(&log, "genesis").len(), 1, "one writer, one genesis");
    assert_eq!(
        of_kind(&log, "checkpoint")
            .iter()
            .filter(|e| e["fields"]["reason"] == "shutdown")
            .count(),
        1,
        "closed once, by the last tap to stop"
    );
    let digests = of_kind(&log, "media-digest");
    let count = |label: &str| {
        digests
            .iter()
            .filter(|e| e["fields"]["label"] == label)
            .map(|e| e["fields"]["buffers"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(count("call-42/tx"), [5, 5, 5, 5, 5, 5]);
    assert_eq!(count("call-42/rx"), [5, 5, 5, 5, 5, 5, 1]);
}

#[test]
fn signed_log_verifies_under_its_key() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    let key = council_witness::SignerKey::generate("test-witness").unwrap();
    let (private, _public) = key.write_pair(&dir.path().join("keys")).unwrap();
    assert_eq!(private, dir.path().join("keys/witness.key"));

    let (element, _bus) = tap(&path, "signed", 100);
    element.set_property("key", private.to_str().unwrap());
    let mut h = harness(&element);
    h.set_src_caps_str("application/x-test");
    for i in 0..12u64 {
        h.push(buffer(noise(i, 64), Some(i * 20 * MS), Some(20 * MS)))
            .unwrap();
    }
    assert!(h.push_event(gst::event::Eos::new()));
    drop(h);

    let opts = council_witness::VerifyOptions {
        key: Some(key.verifier().clone()),
        ..Default::default()
    };
    let report = council_witness::verify_file(&path, &opts).unwrap();
    assert!(report.key_pinned && report.closed);
    assert!(report.checkpoints >= 1);
    assert_eq!(of_kind(&read_log(&path), "media-digest").len(), 3);

    // Another key does not vouch for it.
    let other = council_witness::SignerKey::generate("test-witness").unwrap();
    let opts = council_witness::VerifyOptions {
        key: Some(other.verifier().clone()),
        ..Default::default()
    };
    assert!(council_witness::verify_file(&path, &opts).is_err());
}

#[test]
fn counters_report_what_passed() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    let (element, _bus) = tap(&path, "count", 100);
    let mut h = harness(&element);
    for name in ["buffers", "bytes", "entries", "failures"] {
        assert_eq!(u64_prop(&element, name), 0, "{name}");
    }
    h.set_src_caps_str("application/x-test");
    let mut bytes = 0;
    for i in 0..17u64 {
        let len = 10 + i as usize * 3;
        bytes += len as u64;
        h.push(buffer(noise(i, len), Some(i * 30 * MS), Some(30 * MS)))
            .unwrap();
        h.pull().unwrap();
    }
    assert_eq!(u64_prop(&element, "buffers"), 17);
    assert_eq!(u64_prop(&element, "bytes"), bytes);
    assert!(h.push_event(gst::event::Eos::new()));
    // PTS 0..=480 ms in 100 ms intervals: 5 digests, plus the caps entry.
    assert_eq!(u64_prop(&element, "entries"), 6);
    assert_eq!(u64_prop(&element, "failures"), 0);

    // The counters survive the stop; the log agrees with them.
    element.set_state(gst::State::Null).unwrap();
    assert_eq!(u64_prop(&element, "buffers"), 17);
    assert_eq!(u64_prop(&element, "entries"), 6);
    let log = read_log(&path);
    let digests = of_kind(&log, "media-digest");
    assert_eq!(digests.len(), 5);
    let total: u64 = digests
        .iter()
        .map(|e| e["fields"]["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(total, bytes);
    drop(h);
}

#[test]
fn settings_are_frozen_while_running() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    let (element, _bus) = tap(&path, "frozen", 100);
    let _h = harness(&element);
    let elsewhere: PathBuf = dir.path().join("elsewhere");
    element.set_property("location", elsewhere.to_str().unwrap());
    assert_eq!(
        element.property::<Option<String>>("location").as_deref(),
        path.to_str()
    );
    assert_eq!(u64_prop(&element, "interval"), 100 * MS);
}
