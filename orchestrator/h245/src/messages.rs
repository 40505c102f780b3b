//! The H.245 messages an H.323 peer may insist on even with Fast Start, tunnelled in H.225.0 (`h245Control`):
//! a TerminalCapabilitySet and a MasterSlaveDetermination each way, their Acks, and EndSessionCommand at the end;
//! and, for channels opened over H.245 instead of Fast Start, the OpenLogicalChannelAck or Reject, the
//! CloseLogicalChannelAck; and the RoundTripDelayResponse a peer's keep-alive expects.

use council_rtp::Codec;
use rasn::prelude::*;

use crate::asn::{
    AlternativeCapabilitySet, AudioCapability, Capability, CapabilityDescriptor,
    CapabilityDescriptorNumber, CapabilityTableEntry, CapabilityTableEntryNumber,
    CloseLogicalChannelAck, CommandMessage, Decision, EndSessionCommand,
    ForwardMultiplexAckParameters, H2250Capability, H2250LogicalChannelAckParameters,
    MasterSlaveDetermination, MasterSlaveDeterminationAck, McCapability,
    MediaPacketizationCapability, MultimediaSystemControlMessage, MultiplexCapability,
    MultipointCapability, OpenLogicalChannelAck, OpenLogicalChannelReject,
    OpenLogicalChannelRejectCause, RequestMessage, ResponseMessage, RoundTripDelayResponse,
    TerminalCapabilitySet, TerminalCapabilitySetAck,
};

/// The H.245 version we claim in `protocolIdentifier`: {itu-t(0) recommendation(0) h(8) 245 version(0) 7}.
/// Everything we send is in version 7's syntax, and we decode later versions' additions or skip them.
pub const PROTOCOL_VERSION: u32 = 7;

/// How many frames per packet we can receive, per codec, in our capability set: G.711 240 ms ("frames" of
/// 1 ms), G.729 6 frames (60 ms) — more than any peer sends, as terminals advertise.
pub fn receive_capability(codec: Codec) -> AudioCapability {
    match codec {
        Codec::Pcmu => AudioCapability::G711Ulaw64k(240),
        Codec::Pcma => AudioCapability::G711Alaw64k(240),
        Codec::G729 => AudioCapability::G729AnnexA(6),
    }
}

/// `protocolIdentifier` for [`PROTOCOL_VERSION`].
pub fn protocol_identifier() -> ObjectIdentifier {
    ObjectIdentifier::new(vec![0, 0, 8, 245, 0, PROTOCOL_VERSION])
        .expect("a constant, valid object identifier")
}

/// A minimal TerminalCapabilitySet: H.225.0 multiplex (no multipoint), and for each codec (in order of
/// preference) a receive capability, all of them alternatives of one descriptor — we receive any one of them.
pub fn terminal_capability_set(
    sequence_number: u8,
    codecs: &[Codec],
) -> MultimediaSystemControlMessage {
    let table: Vec<CapabilityTableEntry> = codecs
        .iter()
        .zip(1u16..)
        .map(|(&codec, number)| CapabilityTableEntry {
            capability_table_entry_number: CapabilityTableEntryNumber(number),
            capability: Some(Capability::ReceiveAudioCapability(receive_capability(
                codec,
            ))),
        })
        .collect();
    let alternatives = AlternativeCapabilitySet(
        table
            .iter()
            .map(|e| e.capability_table_entry_number.clone())
            .collect(),
    );
    let no_multipoint = MultipointCapability {
        multicast_capability: false,
        multi_uni_cast_conference: false,
        media_distribution_capability: Vec::new(),
    };
    let tcs = TerminalCapabilitySet {
        sequence_number,
        protocol_identifier: protocol_identifier(),
        multiplex_capability: Some(MultiplexCapability::H2250Capability(H2250Capability {
            maximum_audio_delay_jitter: 60,
            receive_multipoint_capability: no_multipoint.clone(),
            transmit_multipoint_capability: no_multipoint.clone(),
            receive_and_transmit_multipoint_capability: no_multipoint,
            mc_capability: McCapability {
                centralized_conference_mc: false,
                decentralized_conference_mc: false,
            },
            rtcp_video_control_capability: false,
            media_packetization_capability: MediaPacketizationCapability {
                h261a_video_packetization: false,
                rtp_payload_type: None,
            },
            transport_capability: None,
            redundancy_encoding_capability: None,
            logical_channel_switching_capability: None,
            t120_dynamic_port_capability: None,
        })),
        // SIZE(1..256): an empty table is written as absent.
        capability_descriptors: (!table.is_empty()).then(|| {
            vec![CapabilityDescriptor {
                capability_descriptor_number: CapabilityDescriptorNumber(0),
                simultaneous_capabilities: Some(vec![alternatives]),
            }]
        }),
        capability_table: (!table.is_empty()).then_some(table),
    };
    MultimediaSystemControlMessage::Request(RequestMessage::TerminalCapabilitySet(tcs))
}

/// Acknowledges the peer's TerminalCapabilitySet `sequence_number`.
pub fn terminal_capability_set_ack(sequence_number: u8) -> MultimediaSystemControlMessage {
    MultimediaSystemControlMessage::Response(ResponseMessage::TerminalCapabilitySetAck(
        TerminalCapabilitySetAck { sequence_number },
    ))
}

/// A MasterSlaveDetermination. `terminal_type` is H.323 Table 1's value for what we are (the larger wins);
/// `status_determination_number` a random number below 2^24 (larger than that is cut to 24 bits).
pub fn master_slave_determination(
    terminal_type: u8,
    status_determination_number: u32,
) -> MultimediaSystemControlMessage {
    MultimediaSystemControlMessage::Request(RequestMessage::MasterSlaveDetermination(
        MasterSlaveDetermination {
            terminal_type,
            status_determination_number: status_determination_number & 0x00ff_ffff,
        },
    ))
}

/// Acknowledges a MasterSlaveDetermination; `decision` is what the *receiver of this Ack* is.
pub fn master_slave_determination_ack(decision: Decision) -> MultimediaSystemControlMessage {
    MultimediaSystemControlMessage::Response(ResponseMessage::MasterSlaveDeterminationAck(
        MasterSlaveDeterminationAck { decision },
    ))
}

/// Ends the H.245 session: `endSessionCommand disconnect`.
pub fn end_session_command() -> MultimediaSystemControlMessage {
    MultimediaSystemControlMessage::Command(CommandMessage::EndSessionCommand(
        EndSessionCommand::Disconnect(()),
    ))
}

/// Accepts a peer's OpenLogicalChannel (sent over H.245 rather than Fast Start) for a channel we receive: the
/// peer sends RTP for `forward_logical_channel_number` to `rtp`, and RTCP about it goes to `rtcp`.
pub fn open_logical_channel_ack(
    forward_logical_channel_number: u16,
    rtp: std::net::SocketAddr,
    rtcp: std::net::SocketAddr,
) -> MultimediaSystemControlMessage {
    MultimediaSystemControlMessage::Response(ResponseMessage::OpenLogicalChannelAck(
        OpenLogicalChannelAck {
            forward_logical_channel_number,
            reverse_logical_channel_parameters: None,
            separate_stack: None,
            forward_multiplex_ack_parameters: Some(
                ForwardMultiplexAckParameters::H2250LogicalChannelAckParameters(
                    H2250LogicalChannelAckParameters {
                        non_standard: None,
                        session_id: Some(crate::fast_start::AUDIO_SESSION),
                        media_channel: Some(crate::fast_start::transport_address(rtp)),
                        media_control_channel: Some(crate::fast_start::transport_address(rtcp)),
                        dynamic_rtp_payload_type: None,
                        flow_control_to_zero: None,
                        port_number: None,
                    },
                ),
            ),
            encryption_sync: None,
        },
    ))
}

/// Refuses a peer's OpenLogicalChannel.
pub fn open_logical_channel_reject(
    forward_logical_channel_number: u16,
    cause: OpenLogicalChannelRejectCause,
) -> MultimediaSystemControlMessage {
    MultimediaSystemControlMessage::Response(ResponseMessage::OpenLogicalChannelReject(
        OpenLogicalChannelReject {
            forward_logical_channel_number,
            cause,
        },
    ))
}

/// Acknowledges a peer's CloseLogicalChannel (endpoints send it when they hang up, and wait for this).
pub fn close_logical_channel_ack(
    forward_logical_channel_number: u16,
) -> MultimediaSystemControlMessage {
    MultimediaSystemControlMessage::Response(ResponseMessage::CloseLogicalChannelAck(
        CloseLogicalChannelAck {
            forward_logical_channel_number,
        },
    ))
}

/// Answers a peer's RoundTripDelayRequest (its keep-alive of the H.245 session).
pub fn round_trip_delay_response(sequence_number: u8) -> MultimediaSystemControlMessage {
    MultimediaSystemControlMessage::Response(ResponseMessage::RoundTripDelayResponse(
        RoundTripDelayResponse { sequence_number },
    ))
}
