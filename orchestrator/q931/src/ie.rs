//! Information elements (Q.931 §4.5): the identifiers H.225.0 uses, the raw element, and typed views of the few
//! whose contents the call signalling reads or writes.

use crate::Error;

/// Bearer capability (§4.5.5).
pub const BEARER_CAPABILITY: u8 = 0x04;
/// Cause (§4.5.12, Q.850).
pub const CAUSE: u8 = 0x08;
/// Call state (§4.5.7).
pub const CALL_STATE: u8 = 0x14;
/// Channel identification (§4.5.13).
pub const CHANNEL_IDENTIFICATION: u8 = 0x18;
/// Facility (Q.932).
pub const FACILITY: u8 = 0x1c;
/// Progress indicator (§4.5.23).
pub const PROGRESS_INDICATOR: u8 = 0x1e;
/// Notification indicator (§4.5.22).
pub const NOTIFICATION_INDICATOR: u8 = 0x27;
/// Display (§4.5.16): IA5 characters.
pub const DISPLAY: u8 = 0x28;
/// Date/time (§4.5.15).
pub const DATE_TIME: u8 = 0x29;
/// Keypad facility (§4.5.18).
pub const KEYPAD: u8 = 0x2c;
/// Signal (§4.5.28).
pub const SIGNAL: u8 = 0x34;
/// Connected number (Q.951).
pub const CONNECTED_NUMBER: u8 = 0x4c;
/// Calling party number (§4.5.10).
pub const CALLING_PARTY_NUMBER: u8 = 0x6c;
/// Calling party subaddress (§4.5.11).
pub const CALLING_PARTY_SUBADDRESS: u8 = 0x6d;
/// Called party number (§4.5.8).
pub const CALLED_PARTY_NUMBER: u8 = 0x70;
/// Called party subaddress (§4.5.9).
pub const CALLED_PARTY_SUBADDRESS: u8 = 0x71;
/// User-user (§4.5.30): carries the H.225.0 PDU; H.225.0 gives it a two-octet length.
pub const USER_USER: u8 = 0x7e;
/// Sending complete (single octet, §4.5.27).
pub const SENDING_COMPLETE: u8 = 0xa1;

/// User-user protocol discriminator for "X.208 and X.209 coded user information": the H.225.0 PDU (H.225.0 §7.2.2.2).
pub const USER_USER_X208: u8 = 0x05;

/// One information element as it is on the wire. For a single-octet element (identifier with the high bit set:
/// shift, sending complete, congestion level, repeat indicator) `contents` is empty and `id` is the whole octet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ie {
    pub id: u8,
    pub contents: Vec<u8>,
}

impl Ie {
    pub fn new(id: u8, contents: impl Into<Vec<u8>>) -> Self {
        Self {
            id,
            contents: contents.into(),
        }
    }

    /// Whether the element is a single octet (Q.931 §4.5.1: bit 8 of the identifier set).
    pub fn is_single_octet(id: u8) -> bool {
        id & 0x80 != 0
    }

    /// Octets of the length field: two for the user-user element (H.225.0), one otherwise, none for a single-octet
    /// element.
    pub fn length_octets(id: u8) -> usize {
        if Self::is_single_octet(id) {
            0
        } else if id == USER_USER {
            2
        } else {
            1
        }
    }
}

/// The bearer capability an H.323 endpoint sends in Setup for a voice call: ITU-T coding, speech, circuit mode
/// 64 kbit/s, layer 1 G.711 µ-law (Q.931 §4.5.5 octets 3, 4, 5).
pub const BEARER_SPEECH: [u8; 3] = [0x80, 0x90, 0xa2];

/// Cause (Q.931 §4.5.12 with the values of Q.850): why a call is being cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause {
    /// Q.850 location (4 bits): 0 user, 1 private network serving the local user, …
    pub location: u8,
    /// Q.850 cause value (7 bits), e.g. [`Cause::NORMAL_CLEARING`].
    pub value: u8,
}

impl Cause {
    pub const NORMAL_CLEARING: u8 = 16;
    pub const USER_BUSY: u8 = 17;
    pub const NO_USER_RESPONDING: u8 = 18;
    pub const CALL_REJECTED: u8 = 21;
    pub const NO_ROUTE_TO_DESTINATION: u8 = 3;
    pub const RESOURCE_UNAVAILABLE: u8 = 47;
    pub const INCOMPATIBLE_DESTINATION: u8 = 88;

    /// A cause from the user's side (location 0).
    pub fn user(value: u8) -> Self {
        Self {
            location: 0,
            value: value & 0x7f,
        }
    }

    /// Octets 3 and 4: ITU-T coding standard, the location, then the value, each with its extension bit set.
    pub fn encode(&self) -> Vec<u8> {
        vec![0x80 | (self.location & 0x0f), 0x80 | (self.value & 0x7f)]
    }

    /// Reads octet 3, skips an optional octet 3a (recommendation), reads the value; diagnostics are ignored.
    pub fn decode(contents: &[u8]) -> Result<Self, Error> {
        let bad = |why| Error::BadIe { id: CAUSE, why };
        let &o3 = contents.first().ok_or(bad("empty"))?;
        let value_at = if o3 & 0x80 == 0 { 2 } else { 1 };
        let &o4 = contents.get(value_at).ok_or(bad("no cause value"))?;
        Ok(Self {
            location: o3 & 0x0f,
            value: o4 & 0x7f,
        })
    }
}

/// A called, calling or connected party number: type of number, numbering plan and IA5 digits (§4.5.8, §4.5.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyNumber {
    /// Type of number (3 bits): 0 unknown, 1 international, 2 national, 4 subscriber, …
    pub type_of_number: u8,
    /// Numbering plan (4 bits): 0 unknown, 1 ISDN/telephony (E.164), 9 private.
    pub numbering_plan: u8,
    /// Presentation and screening indicators (octet 3a of calling/connected numbers), if present.
    pub presentation_screening: Option<u8>,
    /// The digits (IA5: `0`–`9`, `*`, `#`).
    pub digits: String,
}

impl PartyNumber {
    /// An E.164 number of unknown type (what H.323 endpoints usually send).
    pub fn e164(digits: &str) -> Self {
        Self {
            type_of_number: 0,
            numbering_plan: 1,
            presentation_screening: None,
            digits: digits.to_owned(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let o3 = ((self.type_of_number & 0x07) << 4) | (self.numbering_plan & 0x0f);
        let mut out = Vec::with_capacity(2 + self.digits.len());
        match self.presentation_screening {
            Some(ps) => {
                out.push(o3);
                out.push(0x80 | (ps & 0x63));
            }
            None => out.push(0x80 | o3),
        }
        out.extend(self.digits.bytes());
        out
    }

    /// Decodes the element with identifier `id`; digits must be IA5 digits, `*` or `#`.
    pub fn decode(id: u8, contents: &[u8]) -> Result<Self, Error> {
        let bad = |why| Error::BadIe { id, why };
        let &o3 = contents.first().ok_or(bad("empty"))?;
        let (presentation_screening, digits) = if o3 & 0x80 == 0 {
            let &o3a = contents.get(1).ok_or(bad("octet 3a missing"))?;
            (Some(o3a & 0x63), &contents[2..])
        } else {
            (None, &contents[1..])
        };
        if !digits
            .iter()
            .all(|&d| d.is_ascii_digit() || d == b'*' || d == b'#')
        {
            return Err(bad("digits must be 0-9, * or #"));
        }
        Ok(Self {
            type_of_number: (o3 >> 4) & 0x07,
            numbering_plan: o3 & 0x0f,
            presentation_screening,
            digits: digits.iter().map(|&d| d as char).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cause_round_trip_and_octet_3a() {
        let c = Cause::user(Cause::NORMAL_CLEARING);
        assert_eq!(c.encode(), [0x80, 0x90]);
        assert_eq!(Cause::decode(&[0x80, 0x90]).unwrap(), c);
        // Octet 3 without its extension bit: octet 3a follows before the value.
        assert_eq!(
            Cause::decode(&[0x02, 0x80, 0x91, 0x00]).unwrap(),
            Cause {
                location: 2,
                value: Cause::USER_BUSY
            }
        );
        assert!(Cause::decode(&[]).is_err());
        assert!(Cause::decode(&[0x02, 0x80]).is_err());
    }

    #[test]
    fn party_numbers() {
        let n = PartyNumber::e164("4930123*#");
        assert_eq!(n.encode(), b"\x814930123*#");
        assert_eq!(
            PartyNumber::decode(CALLED_PARTY_NUMBER, &n.encode()).unwrap(),
            n
        );
        let calling = PartyNumber {
            type_of_number: 1,
            numbering_plan: 1,
            presentation_screening: Some(0x01),
            digits: "1".into(),
        };
        assert_eq!(calling.encode(), [0x11, 0x81, b'1']);
        assert_eq!(
            PartyNumber::decode(CALLING_PARTY_NUMBER, &calling.encode()).unwrap(),
            calling
        );
        assert!(PartyNumber::decode(CALLED_PARTY_NUMBER, b"\x81abc").is_err());
        assert!(PartyNumber::decode(CALLING_PARTY_NUMBER, &[0x11]).is_err());
    }
}
