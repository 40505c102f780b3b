//! One Q.931 message: header (§4.2–4.4) and information elements (§4.5), as H.225.0 §7 uses them.

use crate::Error;
use crate::ie::{self, Cause, Ie, PartyNumber};

/// Q.931's protocol discriminator (§4.2).
pub const PROTOCOL_DISCRIMINATOR: u8 = 0x08;

/// The call reference (§4.3): a value chosen by the side that started the call, and a flag that is set in
/// messages sent *to* that side. H.225.0 always uses two octets (15-bit values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallReference {
    /// 15 bits in H.225.0 (0 is the global call reference).
    pub value: u16,
    /// Set in messages sent by the side that did not allocate the value (the called side's answers).
    pub from_destination: bool,
}

impl CallReference {
    /// The reference as the originating side sends it.
    pub fn originating(value: u16) -> Self {
        Self {
            value: value & 0x7fff,
            from_destination: false,
        }
    }

    /// The same call as the other side refers to it.
    pub fn reply(self) -> Self {
        Self {
            value: self.value,
            from_destination: !self.from_destination,
        }
    }
}

/// Message types (§4.4, Table 4-2) that H.225.0 uses; others are kept as [`MessageType::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    Alerting,
    CallProceeding,
    Progress,
    Setup,
    Connect,
    SetupAcknowledge,
    ConnectAcknowledge,
    ReleaseComplete,
    Facility,
    Notify,
    StatusEnquiry,
    Information,
    Status,
    Other(u8),
}

impl MessageType {
    pub fn code(self) -> u8 {
        match self {
            MessageType::Alerting => 0x01,
            MessageType::CallProceeding => 0x02,
            MessageType::Progress => 0x03,
            MessageType::Setup => 0x05,
            MessageType::Connect => 0x07,
            MessageType::SetupAcknowledge => 0x0d,
            MessageType::ConnectAcknowledge => 0x0f,
            MessageType::ReleaseComplete => 0x5a,
            MessageType::Facility => 0x62,
            MessageType::Notify => 0x6e,
            MessageType::StatusEnquiry => 0x75,
            MessageType::Information => 0x7b,
            MessageType::Status => 0x7d,
            MessageType::Other(c) => c,
        }
    }

    pub fn from_code(code: u8) -> Self {
        match code {
            0x01 => MessageType::Alerting,
            0x02 => MessageType::CallProceeding,
            0x03 => MessageType::Progress,
            0x05 => MessageType::Setup,
            0x07 => MessageType::Connect,
            0x0d => MessageType::SetupAcknowledge,
            0x0f => MessageType::ConnectAcknowledge,
            0x5a => MessageType::ReleaseComplete,
            0x62 => MessageType::Facility,
            0x6e => MessageType::Notify,
            0x75 => MessageType::StatusEnquiry,
            0x7b => MessageType::Information,
            0x7d => MessageType::Status,
            c => MessageType::Other(c),
        }
    }
}

/// A Q.931 message. Elements keep the order they were received or added in; [`Message::set`] keeps them in
/// ascending identifier order as §4.5.1 asks of a sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub call_reference: CallReference,
    pub message_type: MessageType,
    pub ies: Vec<Ie>,
}

impl Message {
    pub fn new(message_type: MessageType, call_reference: CallReference) -> Self {
        Self {
            call_reference,
            message_type,
            ies: Vec::new(),
        }
    }

    /// Parses one message (a TPKT payload). Any input gives a message or an error, never a panic. A call
    /// reference of 0–2 octets is accepted (Q.931 allows the dummy, 0-octet one); unknown message types and
    /// elements are kept as they are.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        if data.len() < 3 {
            return Err(Error::TooShort(data.len()));
        }
        if data[0] != PROTOCOL_DISCRIMINATOR {
            return Err(Error::ProtocolDiscriminator(data[0]));
        }
        let cr_len = usize::from(data[1] & 0x0f);
        if data[1] & 0xf0 != 0 || cr_len > 2 {
            return Err(Error::CallReferenceLength(usize::from(data[1])));
        }
        let header = 2 + cr_len + 1;
        if data.len() < header {
            return Err(Error::TooShort(data.len()));
        }
        let cr = &data[2..2 + cr_len];
        let call_reference = match cr {
            [] => CallReference {
                value: 0,
                from_destination: false,
            },
            [a] => CallReference {
                value: u16::from(a & 0x7f),
                from_destination: a & 0x80 != 0,
            },
            [a, b, ..] => CallReference {
                value: u16::from_be_bytes([a & 0x7f, *b]),
                from_destination: a & 0x80 != 0,
            },
        };
        let mt = data[2 + cr_len];
        if mt & 0x80 != 0 {
            return Err(Error::MessageTypeByte(mt));
        }
        let mut ies = Vec::new();
        let mut at = header;
        while at < data.len() {
            let id = data[at];
            let len_octets = Ie::length_octets(id);
            if len_octets == 0 {
                ies.push(Ie::new(id, Vec::new()));
                at += 1;
                continue;
            }
            let truncated = Error::Truncated { id, offset: at };
            let len_end = at + 1 + len_octets;
            if len_end > data.len() {
                return Err(truncated);
            }
            let len = if len_octets == 2 {
                usize::from(u16::from_be_bytes([data[at + 1], data[at + 2]]))
            } else {
                usize::from(data[at + 1])
            };
            let end = len_end + len;
            if end > data.len() {
                return Err(truncated);
            }
            ies.push(Ie::new(id, &data[len_end..end]));
            at = end;
        }
        Ok(Self {
            call_reference,
            message_type: MessageType::from_code(mt),
            ies,
        })
    }

    /// Encodes the message with a two-octet call reference (H.225.0 §7.2.2.3).
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::with_capacity(
            5 + self
                .ies
                .iter()
                .map(|ie| 3 + ie.contents.len())
                .sum::<usize>(),
        );
        let cr = self.call_reference.value & 0x7fff;
        let flag = if self.call_reference.from_destination {
            0x80
        } else {
            0
        };
        out.push(PROTOCOL_DISCRIMINATOR);
        out.push(2);
        out.push(flag | (cr >> 8) as u8);
        out.push(cr as u8);
        out.push(self.message_type.code() & 0x7f);
        for ie in &self.ies {
            out.push(ie.id);
            match Ie::length_octets(ie.id) {
                0 => {}
                1 => {
                    let len = u8::try_from(ie.contents.len()).map_err(|_| Error::IeTooLong {
                        id: ie.id,
                        len: ie.contents.len(),
                    })?;
                    out.push(len);
                    out.extend_from_slice(&ie.contents);
                }
                _ => {
                    let len = u16::try_from(ie.contents.len()).map_err(|_| Error::IeTooLong {
                        id: ie.id,
                        len: ie.contents.len(),
                    })?;
                    out.extend_from_slice(&len.to_be_bytes());
                    out.extend_from_slice(&ie.contents);
                }
            }
        }
        Ok(out)
    }

    /// The contents of the first element with identifier `id`.
    pub fn get(&self, id: u8) -> Option<&[u8]> {
        self.ies
            .iter()
            .find(|ie| ie.id == id)
            .map(|ie| ie.contents.as_slice())
    }

    /// Sets the element `id` (replacing the first of that identifier, else inserting it in ascending order).
    pub fn set(&mut self, id: u8, contents: impl Into<Vec<u8>>) -> &mut Self {
        let contents = contents.into();
        if let Some(ie) = self.ies.iter_mut().find(|ie| ie.id == id) {
            ie.contents = contents;
        } else {
            let at = self
                .ies
                .iter()
                .position(|ie| ie.id > id)
                .unwrap_or(self.ies.len());
            self.ies.insert(at, Ie::new(id, contents));
        }
        self
    }

    /// The H.225.0 PDU carried in the user-user element, if the element is there with the X.208/X.209 protocol
    /// discriminator.
    pub fn user_user(&self) -> Option<&[u8]> {
        match self.get(ie::USER_USER)? {
            [ie::USER_USER_X208, pdu @ ..] => Some(pdu),
            _ => None,
        }
    }

    /// Puts an H.225.0 PDU into the user-user element.
    pub fn set_user_user(&mut self, pdu: &[u8]) -> &mut Self {
        let mut contents = Vec::with_capacity(pdu.len() + 1);
        contents.push(ie::USER_USER_X208);
        contents.extend_from_slice(pdu);
        self.set(ie::USER_USER, contents)
    }

    pub fn cause(&self) -> Option<Result<Cause, Error>> {
        self.get(ie::CAUSE).map(Cause::decode)
    }

    pub fn set_cause(&mut self, cause: Cause) -> &mut Self {
        self.set(ie::CAUSE, cause.encode())
    }

    /// The display element as text (IA5; other octets are replaced).
    pub fn display(&self) -> Option<String> {
        self.get(ie::DISPLAY)
            .map(|d| String::from_utf8_lossy(d).into_owned())
    }

    /// Sets the display element: printable ASCII only, at most 82 octets (Q.931 §4.5.16 with H.225.0's length);
    /// anything else is dropped.
    pub fn set_display(&mut self, text: &str) -> &mut Self {
        let text: Vec<u8> = text
            .bytes()
            .filter(|b| (0x20..0x7f).contains(b))
            .take(82)
            .collect();
        self.set(ie::DISPLAY, text)
    }

    pub fn called_party_number(&self) -> Option<Result<PartyNumber, Error>> {
        self.get(ie::CALLED_PARTY_NUMBER)
            .map(|c| PartyNumber::decode(ie::CALLED_PARTY_NUMBER, c))
    }

    pub fn set_called_party_number(&mut self, n: &PartyNumber) -> &mut Self {
        self.set(ie::CALLED_PARTY_NUMBER, n.encode())
    }

    pub fn calling_party_number(&self) -> Option<Result<PartyNumber, Error>> {
        self.get(ie::CALLING_PARTY_NUMBER)
            .map(|c| PartyNumber::decode(ie::CALLING_PARTY_NUMBER, c))
    }

    pub fn set_calling_party_number(&mut self, n: &PartyNumber) -> &mut Self {
        self.set(ie::CALLING_PARTY_NUMBER, n.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_with_every_kind_of_element_round_trips() {
        let mut m = Message::new(MessageType::Setup, CallReference::originating(0x1234));
        m.set_user_user(&[0x20, 0x80, 0x06, 0x00])
            .set_display("Guardian 1")
            .set_called_party_number(&PartyNumber::e164("100"))
            .set(ie::BEARER_CAPABILITY, ie::BEARER_SPEECH)
            .set(ie::SENDING_COMPLETE, Vec::new());
        // Inserted in ascending identifier order whatever order they were set in.
        let ids: Vec<u8> = m.ies.iter().map(|ie| ie.id).collect();
        assert_eq!(ids, [0x04, 0x28, 0x70, 0x7e, 0xa1]);
        let bytes = m.encode().unwrap();
        assert_eq!(&bytes[..5], &[0x08, 0x02, 0x12, 0x34, 0x05]);
        // The user-user element has a two-octet length.
        let uu = bytes.windows(4).position(|w| w == [0x7e, 0x00, 0x05, 0x05]);
        assert!(uu.is_some(), "{bytes:02x?}");
        assert_eq!(*bytes.last().unwrap(), 0xa1);
        let back = Message::parse(&bytes).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.user_user(), Some(&[0x20, 0x80, 0x06, 0x00][..]));
        assert_eq!(back.display().as_deref(), Some("Guardian 1"));
        assert_eq!(back.called_party_number().unwrap().unwrap().digits, "100");
    }

    #[test]
    fn call_reference_flag_and_reply() {
        let m = Message::new(
            MessageType::Connect,
            CallReference::originating(0x7fff).reply(),
        );
        let bytes = m.encode().unwrap();
        assert_eq!(&bytes[2..4], &[0xff, 0xff]);
        let back = Message::parse(&bytes).unwrap();
        assert_eq!(back.call_reference.value, 0x7fff);
        assert!(back.call_reference.from_destination);
        // One- and zero-octet call references (Q.931 allows them; H.225.0 peers never send them) parse too.
        let one = Message::parse(&[0x08, 0x01, 0x85, 0x5a]).unwrap();
        assert_eq!(
            one.call_reference,
            CallReference {
                value: 5,
                from_destination: true
            }
        );
        assert_eq!(one.message_type, MessageType::ReleaseComplete);
        let dummy = Message::parse(&[0x08, 0x00, 0x7d]).unwrap();
        assert_eq!(dummy.call_reference.value, 0);
        assert_eq!(dummy.message_type, MessageType::Status);
    }

    #[test]
    fn malformed_messages_are_errors() {
        assert_eq!(Message::parse(&[]), Err(Error::TooShort(0)));
        assert_eq!(
            Message::parse(&[0x09, 0x02, 0, 1, 5]),
            Err(Error::ProtocolDiscriminator(9))
        );
        assert_eq!(
            Message::parse(&[0x08, 0x03, 0, 0, 0, 5]),
            Err(Error::CallReferenceLength(3))
        );
        assert_eq!(Message::parse(&[0x08, 0x02, 0, 1]), Err(Error::TooShort(4)));
        assert_eq!(
            Message::parse(&[0x08, 0x02, 0, 1, 0x85]),
            Err(Error::MessageTypeByte(0x85))
        );
        // An element whose length runs past the end, and a user-user element cut inside its two-octet length.
        assert_eq!(
            Message::parse(&[0x08, 0x02, 0, 1, 5, 0x28, 3, b'a']),
            Err(Error::Truncated {
                id: 0x28,
                offset: 5
            })
        );
        assert_eq!(
            Message::parse(&[0x08, 0x02, 0, 1, 5, 0x7e, 0]),
            Err(Error::Truncated {
                id: 0x7e,
                offset: 5
            })
        );
        let mut m = Message::new(MessageType::Setup, CallReference::originating(1));
        m.set(ie::DISPLAY, vec![b'x'; 256]);
        assert_eq!(m.encode(), Err(Error::IeTooLong { id: 0x28, len: 256 }));
    }

    #[test]
    fn unknown_types_and_elements_are_kept() {
        let bytes = [0x08, 0x02, 0x00, 0x07, 0x6a, 0x99, 0x45, 0x01, 0xff];
        let m = Message::parse(&bytes).unwrap();
        assert_eq!(m.message_type, MessageType::Other(0x6a));
        assert_eq!(m.ies, [Ie::new(0x99, vec![]), Ie::new(0x45, vec![0xff])]);
        assert_eq!(m.encode().unwrap(), bytes);
    }
}
