//! One witness log line: its JSON shape, its kinds and its timestamp.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Entry kinds. Each is defined here once; the orchestrator and the elements use these names.
pub mod kind {
    /// First line of every log: names its origin and key. Written by the log itself.
    pub const GENESIS: &str = "genesis";
    /// A signed (or, without a key, unsigned) checkpoint of everything before it. Written by the log itself.
    pub const CHECKPOINT: &str = "checkpoint";
    /// A writer re-opened an existing log. Written by the log itself.
    pub const LOG_RESUMED: &str = "log-resumed";
    /// A writer found and cut an incomplete final line (a crash mid-write) and keeps its bytes here.
    pub const TORN_TAIL: &str = "torn-tail";
    /// A digest of the media a `witnesstap` saw in one interval.
    pub const MEDIA_DIGEST: &str = "media-digest";
    /// The caps of the media a `witnesstap` saw changed.
    pub const MEDIA_CAPS: &str = "media-caps";
    /// An admission gate let a call in.
    pub const CALL_ADMITTED: &str = "call-admitted";
    /// An admission gate turned a call away.
    pub const CALL_REJECTED: &str = "call-rejected";
    /// A call's media was bridged.
    pub const CALL_BRIDGED: &str = "call-bridged";
    /// An admitted call ended (DRQ, BYE, the endpoint unregistered or expired) and gave back what it held.
    pub const CALL_RELEASED: &str = "call-released";
    /// An endpoint registered with the gatekeeper (not its keep-alives).
    pub const ENDPOINT_REGISTERED: &str = "endpoint-registered";
    /// An endpoint's registration ended: unregistered, or its time to live ran out.
    pub const ENDPOINT_UNREGISTERED: &str = "endpoint-unregistered";
    /// The gatekeeper failed over to another node.
    pub const FAILOVER: &str = "failover";

    /// Kinds only the log itself writes; `append` refuses them.
    pub const RESERVED: [&str; 4] = [GENESIS, CHECKPOINT, LOG_RESUMED, TORN_TAIL];
}

/// Version of the line format, recorded in the genesis entry.
pub const FORMAT_VERSION: u64 = 1;

/// One log line. The stored line is exactly `serde_json::to_string(&entry)`: field order as declared here, object
/// keys of `fields` sorted, no white space. The verifier rejects any other spelling of the same entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// 1-based position in the log; equal to the line number.
    pub seq: u64,
    /// UTC wall-clock time the entry was written, RFC 3339 with microseconds.
    pub time: String,
    /// What happened: one of [`kind`] (other kinds are allowed for extensions).
    pub kind: String,
    /// What the kind carries.
    pub fields: Map<String, Value>,
    /// Hex RFC 6962 leaf hash of the previous stored line (all zeros for the first), chaining each line to all
    /// before it.
    pub prev: String,
}

impl Entry {
    /// The canonical stored line, without its newline.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self)
            .expect("an entry of strings, numbers and JSON values always serialises")
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Parses exactly 64 lower-case hex digits.
pub fn parse_hash_hex(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks_exact(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// Now, as RFC 3339 UTC with microseconds, e.g. `2026-11-24T07:30:43.123456Z`.
pub fn utc_now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format_utc(since.as_secs() as i64, since.subsec_micros())
}

/// Formats seconds since the Unix epoch (proleptic Gregorian calendar, no leap seconds).
pub fn format_utc(secs: i64, micros: u32) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from a day count (the well-known era/day-of-era decomposition, 400-year eras of 146097 days).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formatting_matches_known_dates() {
        assert_eq!(format_utc(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(format_utc(951_782_400, 5), "2000-02-29T00:00:00.000005Z");
        assert_eq!(
            format_utc(1_795_505_443, 123_456),
            "2026-11-24T07:30:43.123456Z"
        );
        assert_eq!(format_utc(-1, 0), "1969-12-31T23:59:59.000000Z");
    }

    #[test]
    fn hex_round_trips() {
        let h: [u8; 32] = std::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(parse_hash_hex(&hex(&h)), Some(h));
        assert_eq!(parse_hash_hex(&hex(&h).to_uppercase()), None);
        assert_eq!(parse_hash_hex("00"), None);
    }

    #[test]
    fn line_is_compact_with_sorted_fields() {
        let mut fields = Map::new();
        fields.insert("b".into(), 2.into());
        fields.insert("a".into(), "x".into());
        let e = Entry {
            seq: 3,
            time: "t".into(),
            kind: "k".into(),
            fields,
            prev: "p".into(),
        };
        assert_eq!(
            e.to_line(),
            r#"{"seq":3,"time":"t","kind":"k","fields":{"a":"x","b":2},"prev":"p"}"#
        );
    }
}
