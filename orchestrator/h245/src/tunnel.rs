//! H.245 tunnelled in H.225.0 (H.323 §8.2.1): the minimum a peer insists on — each side sends its
//! TerminalCapabilitySet and MasterSlaveDetermination, acknowledges the other's, and ends with EndSessionCommand.
//! Sans-IO: encoded messages in (from a received `h245Control`), encoded messages out (for the next one sent).

use council_rtp::Codec;

use crate::asn::{
    CommandMessage, Decision, MultimediaSystemControlMessage as Msg, RequestMessage,
    ResponseMessage,
};
use crate::messages::{
    end_session_command, master_slave_determination, master_slave_determination_ack,
    terminal_capability_set, terminal_capability_set_ack,
};

/// H.323 Table 1 terminal types for master/slave determination: a terminal (50), an MC with MP — what Council is
/// to its guardians (190).
pub const TERMINAL: u8 = 50;
pub const MCU: u8 = 190;

/// One side of a tunnelled H.245 session.
#[derive(Debug, Clone)]
pub struct Tunnel {
    codecs: Vec<Codec>,
    terminal_type: u8,
    status_determination_number: u32,
    /// What we learnt: the peer acknowledged our capabilities / decided master-slave / ended.
    pub peer_acked_capabilities: bool,
    pub we_are_master: Option<bool>,
    pub ended: bool,
}

impl Tunnel {
    pub fn new(codecs: &[Codec], terminal_type: u8, status_determination_number: u32) -> Self {
        Self {
            codecs: codecs.to_vec(),
            terminal_type,
            status_determination_number: status_determination_number & 0x00ff_ffff,
            peer_acked_capabilities: false,
            we_are_master: None,
            ended: false,
        }
    }

    /// Our opening messages: TerminalCapabilitySet (sequence 1) and MasterSlaveDetermination.
    pub fn opening(&self) -> Vec<Vec<u8>> {
        [
            terminal_capability_set(1, &self.codecs),
            master_slave_determination(self.terminal_type, self.status_determination_number),
        ]
        .iter()
        .filter_map(|m| crate::encode(m).ok())
        .collect()
    }

    /// EndSessionCommand, for the last message of the call.
    pub fn closing(&self) -> Vec<Vec<u8>> {
        crate::encode(&end_session_command()).into_iter().collect()
    }

    /// Takes the peer's tunnelled messages; returns our answers (acks). Messages that do not decode, or that we do
    /// not handle, are skipped.
    pub fn receive(&mut self, messages: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for bytes in messages {
            let Ok(m) = crate::decode(bytes) else {
                continue;
            };
            let answer = match m {
                Msg::Request(RequestMessage::TerminalCapabilitySet(tcs)) => {
                    Some(terminal_capability_set_ack(tcs.sequence_number))
                }
                Msg::Request(RequestMessage::MasterSlaveDetermination(msd)) => {
                    let master = self.decide(msd.terminal_type, msd.status_determination_number);
                    self.we_are_master = Some(master);
                    // The ack says what its receiver (the peer) is.
                    Some(master_slave_determination_ack(if master {
                        Decision::Slave(())
                    } else {
                        Decision::Master(())
                    }))
                }
                Msg::Response(ResponseMessage::TerminalCapabilitySetAck(_)) => {
                    self.peer_acked_capabilities = true;
                    None
                }
                Msg::Response(ResponseMessage::MasterSlaveDeterminationAck(ack)) => {
                    self.we_are_master = Some(matches!(ack.decision, Decision::Master(())));
                    None
                }
                Msg::Command(CommandMessage::EndSessionCommand(_)) => {
                    self.ended = true;
                    None
                }
                _ => None,
            };
            out.extend(answer.and_then(|a| crate::encode(&a).ok()));
        }
        out
    }

    /// H.245 §C.2: the larger terminal type is master; for equal types the status determination numbers decide
    /// modulo 2^24 (a difference of 0 or 2^23 is indeterminate: we then call ourselves slave).
    fn decide(&self, remote_type: u8, remote_number: u32) -> bool {
        if self.terminal_type != remote_type {
            return self.terminal_type > remote_type;
        }
        let diff = remote_number.wrapping_sub(self.status_determination_number) & 0x00ff_ffff;
        diff != 0 && diff > 0x80_0000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sides_exchange_and_agree() {
        let mut council = Tunnel::new(&[Codec::G729, Codec::Pcmu], MCU, 7);
        let mut guardian = Tunnel::new(&[Codec::G729], TERMINAL, 9);
        let to_council = guardian.opening();
        let mut back = council.receive(&to_council);
        back.extend(council.opening());
        assert_eq!(back.len(), 4, "TCS ack, MSD ack, our TCS, our MSD");
        let acks = guardian.receive(&back);
        assert_eq!(acks.len(), 2);
        assert!(guardian.peer_acked_capabilities);
        assert_eq!(guardian.we_are_master, Some(false));
        assert!(council.receive(&acks).is_empty());
        assert!(council.peer_acked_capabilities);
        assert_eq!(council.we_are_master, Some(true));
        assert!(guardian.receive(&council.closing()).is_empty());
        assert!(guardian.ended);
        // Garbage is skipped.
        assert!(council.receive(&[vec![0xff, 0x00, 0x12]]).is_empty());
    }

    #[test]
    fn equal_types_use_the_numbers() {
        let a = Tunnel::new(&[], TERMINAL, 100);
        // 100 - 50 < 2^23: the peer with 50 is "behind": we are master.
        assert!(!a.decide(TERMINAL, 150));
        assert!(a.decide(TERMINAL, 50));
        assert!(!a.decide(TERMINAL, 100), "indeterminate: slave");
    }
}
