//! The MULTIMEDIA-SYSTEM-CONTROL (H.245) types this crate speaks, transcribed from the module in ITU-T H.245,
//! for aligned PER with `rasn`.
//!
//! Conventions, so the wire matches the Recommendation:
//! - Types, fields and alternatives appear in the module's order; `#[non_exhaustive]` marks an extensible type
//!   (`...`), `#[rasn(extension_addition)]` what follows the marker. Every CHOICE declares every alternative, so
//!   any alternative a peer may pick decodes.
//! - Constraints are written on each field, also when a named type already has them: rasn 0.30 drops a named
//!   type's constraints when it is an extension addition.
//! - Extension additions are `Option`s even where the Recommendation makes them mandatory, so older peers that
//!   do not send them still decode.
//! - `SET OF` is a `Vec` (PER encodes it like `SEQUENCE OF`, and the order is the peer's).
//! - [`Opaque`] stands for a value we do not need, only where PER delimits it (see [`crate::opaque`]).

// The types mirror the ASN.1 one to one, so a CHOICE holds its alternatives inline, as large as they come; boxing
// them would make every message awkward to build and match for a few hundred bytes saved per message.
#![allow(clippy::large_enum_variant)]

use rasn::prelude::*;

use crate::opaque::Opaque;

/// The derives every type gets.
macro_rules! asn {
    ($($item:item)*) => {
        $(
            #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
            $item
        )*
    };
}

// =====================================================================================================================
// Top level messages
// =====================================================================================================================

asn! {
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MultimediaSystemControlMessage {
        Request(RequestMessage),
        Response(ResponseMessage),
        Command(CommandMessage),
        Indication(IndicationMessage),
    }

    /// A request: results in action and requires an immediate response.
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum RequestMessage {
        NonStandard(NonStandardMessage),
        MasterSlaveDetermination(MasterSlaveDetermination),
        TerminalCapabilitySet(TerminalCapabilitySet),
        OpenLogicalChannel(OpenLogicalChannel),
        CloseLogicalChannel(CloseLogicalChannel),
        RequestChannelClose(RequestChannelClose),
        MultiplexEntrySend(MultiplexEntrySend),
        RequestMultiplexEntry(RequestMultiplexEntry),
        RequestMode(RequestMode),
        RoundTripDelayRequest(RoundTripDelayRequest),
        MaintenanceLoopRequest(MaintenanceLoopRequest),
        #[rasn(extension_addition)]
        CommunicationModeRequest(CommunicationModeRequest),
        /// ConferenceRequest.
        #[rasn(extension_addition)]
        ConferenceRequest(Opaque),
        /// MultilinkRequest.
        #[rasn(extension_addition)]
        MultilinkRequest(Opaque),
        #[rasn(extension_addition)]
        LogicalChannelRateRequest(LogicalChannelRateRequest),
        /// GenericMessage.
        #[rasn(extension_addition)]
        GenericRequest(Opaque),
    }

    /// A response to a request.
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum ResponseMessage {
        NonStandard(NonStandardMessage),
        MasterSlaveDeterminationAck(MasterSlaveDeterminationAck),
        MasterSlaveDeterminationReject(MasterSlaveDeterminationReject),
        TerminalCapabilitySetAck(TerminalCapabilitySetAck),
        TerminalCapabilitySetReject(TerminalCapabilitySetReject),
        OpenLogicalChannelAck(OpenLogicalChannelAck),
        OpenLogicalChannelReject(OpenLogicalChannelReject),
        CloseLogicalChannelAck(CloseLogicalChannelAck),
        RequestChannelCloseAck(RequestChannelCloseAck),
        RequestChannelCloseReject(RequestChannelCloseReject),
        MultiplexEntrySendAck(MultiplexEntrySendAck),
        MultiplexEntrySendReject(MultiplexEntrySendReject),
        RequestMultiplexEntryAck(RequestMultiplexEntryAck),
        RequestMultiplexEntryReject(RequestMultiplexEntryReject),
        RequestModeAck(RequestModeAck),
        RequestModeReject(RequestModeReject),
        RoundTripDelayResponse(RoundTripDelayResponse),
        MaintenanceLoopAck(MaintenanceLoopAck),
        MaintenanceLoopReject(MaintenanceLoopReject),
        /// CommunicationModeResponse.
        #[rasn(extension_addition)]
        CommunicationModeResponse(Opaque),
        /// ConferenceResponse.
        #[rasn(extension_addition)]
        ConferenceResponse(Opaque),
        /// MultilinkResponse.
        #[rasn(extension_addition)]
        MultilinkResponse(Opaque),
        #[rasn(extension_addition)]
        LogicalChannelRateAcknowledge(LogicalChannelRateAcknowledge),
        #[rasn(extension_addition)]
        LogicalChannelRateReject(LogicalChannelRateReject),
        /// GenericMessage.
        #[rasn(extension_addition)]
        GenericResponse(Opaque),
    }

    /// A command: requires action, but no explicit response.
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum CommandMessage {
        NonStandard(NonStandardMessage),
        MaintenanceLoopOffCommand(MaintenanceLoopOffCommand),
        SendTerminalCapabilitySet(SendTerminalCapabilitySet),
        EncryptionCommand(EncryptionCommand),
        FlowControlCommand(FlowControlCommand),
        EndSessionCommand(EndSessionCommand),
        MiscellaneousCommand(MiscellaneousCommand),
        /// CommunicationModeCommand.
        #[rasn(extension_addition)]
        CommunicationModeCommand(Opaque),
        /// ConferenceCommand.
        #[rasn(extension_addition)]
        ConferenceCommand(Opaque),
        /// H223MultiplexReconfiguration.
        #[rasn(extension_addition)]
        H223MultiplexReconfiguration(Opaque),
        /// NewATMVCCommand.
        #[rasn(extension_addition)]
        NewAtmVcCommand(Opaque),
        /// MobileMultilinkReconfigurationCommand.
        #[rasn(extension_addition)]
        MobileMultilinkReconfigurationCommand(Opaque),
        /// GenericMessage.
        #[rasn(extension_addition)]
        GenericCommand(Opaque),
    }

    /// An indication: information that requires no action or response.
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum IndicationMessage {
        NonStandard(NonStandardMessage),
        FunctionNotUnderstood(FunctionNotUnderstood),
        MasterSlaveDeterminationRelease(MasterSlaveDeterminationRelease),
        TerminalCapabilitySetRelease(TerminalCapabilitySetRelease),
        OpenLogicalChannelConfirm(OpenLogicalChannelConfirm),
        RequestChannelCloseRelease(RequestChannelCloseRelease),
        MultiplexEntrySendRelease(MultiplexEntrySendRelease),
        RequestMultiplexEntryRelease(RequestMultiplexEntryRelease),
        RequestModeRelease(RequestModeRelease),
        MiscellaneousIndication(MiscellaneousIndication),
        JitterIndication(JitterIndication),
        H223SkewIndication(H223SkewIndication),
        NewAtmVcIndication(NewAtmVcIndication),
        UserInput(UserInputIndication),
        #[rasn(extension_addition)]
        H2250MaximumSkewIndication(H2250MaximumSkewIndication),
        #[rasn(extension_addition)]
        McLocationIndication(McLocationIndication),
        /// ConferenceIndication.
        #[rasn(extension_addition)]
        ConferenceIndication(Opaque),
        #[rasn(extension_addition)]
        VendorIdentification(VendorIdentification),
        #[rasn(extension_addition)]
        FunctionNotSupported(FunctionNotSupported),
        /// MultilinkIndication.
        #[rasn(extension_addition)]
        MultilinkIndication(Opaque),
        #[rasn(extension_addition)]
        LogicalChannelRateRelease(LogicalChannelRateRelease),
        #[rasn(extension_addition)]
        FlowControlIndication(FlowControlIndication),
        #[rasn(extension_addition)]
        MobileMultilinkReconfigurationIndication(MobileMultilinkReconfigurationIndication),
        /// GenericMessage.
        #[rasn(extension_addition)]
        GenericIndication(Opaque),
    }
}

// =====================================================================================================================
// Non-standard
// =====================================================================================================================

asn! {
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct NonStandardMessage {
        pub non_standard_data: NonStandardParameter,
    }

    #[rasn(automatic_tags)]
    pub struct NonStandardParameter {
        pub non_standard_identifier: NonStandardIdentifier,
        pub data: OctetString,
    }

    #[rasn(choice, automatic_tags)]
    pub enum NonStandardIdentifier {
        Object(ObjectIdentifier),
        H221NonStandard(H221NonStandard),
    }

    #[rasn(automatic_tags)]
    pub struct H221NonStandard {
        #[rasn(value("0..=255"))]
        pub t35_country_code: u8,
        #[rasn(value("0..=255"))]
        pub t35_extension: u8,
        #[rasn(value("0..=65535"))]
        pub manufacturer_code: u16,
    }
}

// =====================================================================================================================
// Master-slave determination
// =====================================================================================================================

asn! {
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MasterSlaveDetermination {
        #[rasn(value("0..=255"))]
        pub terminal_type: u8,
        #[rasn(value("0..=16777215"))]
        pub status_determination_number: u32,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MasterSlaveDeterminationAck {
        pub decision: Decision,
    }

    /// What the receiver of a MasterSlaveDetermination says the *sender* is.
    #[rasn(choice, automatic_tags)]
    pub enum Decision {
        Master(()),
        Slave(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MasterSlaveDeterminationReject {
        pub cause: MasterSlaveDeterminationRejectCause,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MasterSlaveDeterminationRejectCause {
        IdenticalNumbers(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MasterSlaveDeterminationRelease {}
}

// =====================================================================================================================
// Capability exchange
// =====================================================================================================================

asn! {
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct TerminalCapabilitySet {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        /// {itu-t(0) recommendation(0) h(8) 245 version(0) n}.
        pub protocol_identifier: ObjectIdentifier,
        pub multiplex_capability: Option<MultiplexCapability>,
        #[rasn(size("1..=256"))]
        pub capability_table: Option<SequenceOf<CapabilityTableEntry>>,
        #[rasn(size("1..=256"))]
        pub capability_descriptors: Option<SequenceOf<CapabilityDescriptor>>,
    }

    #[rasn(automatic_tags)]
    pub struct CapabilityTableEntry {
        pub capability_table_entry_number: CapabilityTableEntryNumber,
        pub capability: Option<Capability>,
    }

    #[rasn(automatic_tags)]
    pub struct CapabilityDescriptor {
        pub capability_descriptor_number: CapabilityDescriptorNumber,
        #[rasn(size("1..=256"))]
        pub simultaneous_capabilities: Option<SequenceOf<AlternativeCapabilitySet>>,
    }

    #[rasn(delegate, size("1..=256"))]
    pub struct AlternativeCapabilitySet(pub SequenceOf<CapabilityTableEntryNumber>);

    #[rasn(delegate, value("1..=65535"))]
    pub struct CapabilityTableEntryNumber(pub u16);

    #[rasn(delegate, value("0..=255"))]
    pub struct CapabilityDescriptorNumber(pub u8);

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct TerminalCapabilitySetAck {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct TerminalCapabilitySetReject {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        pub cause: TerminalCapabilitySetRejectCause,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum TerminalCapabilitySetRejectCause {
        Unspecified(()),
        UndefinedTableEntryUsed(()),
        DescriptorCapacityExceeded(()),
        TableEntryCapacityExceeded(TableEntryCapacityExceeded),
    }

    #[rasn(choice, automatic_tags)]
    pub enum TableEntryCapacityExceeded {
        #[rasn(value("1..=65535"))]
        HighestEntryNumberProcessed(u16),
        NoneProcessed(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct TerminalCapabilitySetRelease {}

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum Capability {
        NonStandard(NonStandardParameter),
        ReceiveVideoCapability(VideoCapability),
        TransmitVideoCapability(VideoCapability),
        ReceiveAndTransmitVideoCapability(VideoCapability),
        ReceiveAudioCapability(AudioCapability),
        TransmitAudioCapability(AudioCapability),
        ReceiveAndTransmitAudioCapability(AudioCapability),
        ReceiveDataApplicationCapability(DataApplicationCapability),
        TransmitDataApplicationCapability(DataApplicationCapability),
        ReceiveAndTransmitDataApplicationCapability(DataApplicationCapability),
        H233EncryptionTransmitCapability(bool),
        H233EncryptionReceiveCapability(H233EncryptionReceiveCapability),
        #[rasn(extension_addition)]
        ConferenceCapability(ConferenceCapability),
        /// H235SecurityCapability.
        #[rasn(extension_addition)]
        H235SecurityCapability(Opaque),
        #[rasn(extension_addition, value("0..=255"))]
        MaxPendingReplacementFor(u8),
        #[rasn(extension_addition)]
        ReceiveUserInputCapability(UserInputCapability),
        #[rasn(extension_addition)]
        TransmitUserInputCapability(UserInputCapability),
        #[rasn(extension_addition)]
        ReceiveAndTransmitUserInputCapability(UserInputCapability),
        /// GenericCapability.
        #[rasn(extension_addition)]
        GenericControlCapability(Opaque),
        /// MultiplexedStreamCapability.
        #[rasn(extension_addition)]
        ReceiveMultiplexedStreamCapability(Opaque),
        /// MultiplexedStreamCapability.
        #[rasn(extension_addition)]
        TransmitMultiplexedStreamCapability(Opaque),
        /// MultiplexedStreamCapability.
        #[rasn(extension_addition)]
        ReceiveAndTransmitMultiplexedStreamCapability(Opaque),
        #[rasn(extension_addition)]
        ReceiveRtpAudioTelephonyEventCapability(AudioTelephonyEventCapability),
        #[rasn(extension_addition)]
        ReceiveRtpAudioToneCapability(AudioToneCapability),
        /// DepFECCapability (deprecated).
        #[rasn(extension_addition)]
        DepFecCapability(Opaque),
        /// MultiplePayloadStreamCapability.
        #[rasn(extension_addition)]
        MultiplePayloadStreamCapability(Opaque),
        /// FECCapability.
        #[rasn(extension_addition)]
        FecCapability(Opaque),
        /// RedundancyEncodingCapability.
        #[rasn(extension_addition)]
        RedundancyEncodingCap(Opaque),
        #[rasn(extension_addition)]
        OneOfCapabilities(AlternativeCapabilitySet),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H233EncryptionReceiveCapability {
        #[rasn(value("0..=255"))]
        pub h233_iv_response_time: u8,
    }
}

// =====================================================================================================================
// Capability exchange: multiplex capabilities
// =====================================================================================================================

asn! {
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MultiplexCapability {
        NonStandard(NonStandardParameter),
        H222Capability(H222Capability),
        H223Capability(H223Capability),
        V76Capability(V76Capability),
        #[rasn(extension_addition)]
        H2250Capability(H2250Capability),
        /// GenericCapability.
        #[rasn(extension_addition)]
        GenericMultiplexCapability(Opaque),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H222Capability {
        #[rasn(value("1..=256"))]
        pub number_of_vcs: u16,
        pub vc_capability: SequenceOf<VcCapability>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct VcCapability {
        pub aal1: Option<VcAal1>,
        pub aal5: Option<VcAal5>,
        pub transport_stream: bool,
        pub program_stream: bool,
        pub available_bit_rates: AvailableBitRates,
        /// aal1ViaGateway.
        #[rasn(extension_addition)]
        pub aal1_via_gateway: Option<Opaque>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct VcAal1 {
        pub null_clock_recovery: bool,
        pub srts_clock_recovery: bool,
        pub adaptive_clock_recovery: bool,
        pub null_error_correction: bool,
        pub long_interleaver: bool,
        pub short_interleaver: bool,
        pub error_correction_only: bool,
        pub structured_data_transfer: bool,
        pub partially_filled_cells: bool,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct VcAal5 {
        #[rasn(value("0..=65535"))]
        pub forward_maximum_sdu_size: u16,
        #[rasn(value("0..=65535"))]
        pub backward_maximum_sdu_size: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct AvailableBitRates {
        pub r#type: BitRateType,
    }

    #[rasn(choice, automatic_tags)]
    pub enum BitRateType {
        #[rasn(value("1..=65535"))]
        SingleBitRate(u16),
        RangeOfBitRates(RangeOfBitRates),
    }

    #[rasn(automatic_tags)]
    pub struct RangeOfBitRates {
        #[rasn(value("1..=65535"))]
        pub lower_bit_rate: u16,
        #[rasn(value("1..=65535"))]
        pub higher_bit_rate: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H223Capability {
        pub transport_with_i_frames: bool,
        pub video_with_al1: bool,
        pub video_with_al2: bool,
        pub video_with_al3: bool,
        pub audio_with_al1: bool,
        pub audio_with_al2: bool,
        pub audio_with_al3: bool,
        pub data_with_al1: bool,
        pub data_with_al2: bool,
        pub data_with_al3: bool,
        #[rasn(value("0..=65535"))]
        pub maximum_al2_sdu_size: u16,
        #[rasn(value("0..=65535"))]
        pub maximum_al3_sdu_size: u16,
        #[rasn(value("0..=1023"))]
        pub maximum_delay_jitter: u16,
        pub h223_multiplex_table_capability: H223MultiplexTableCapability,
        #[rasn(extension_addition)]
        pub max_mux_pdu_size_capability: Option<bool>,
        #[rasn(extension_addition)]
        pub nsrp_support: Option<bool>,
        /// mobileOperationTransmitCapability.
        #[rasn(extension_addition)]
        pub mobile_operation_transmit_capability: Option<Opaque>,
        /// H223AnnexCCapability.
        #[rasn(extension_addition)]
        pub h223_annex_c_capability: Option<Opaque>,
        #[rasn(extension_addition, value("1..=19200"))]
        pub bit_rate: Option<u16>,
        /// mobileMultilinkFrameCapability.
        #[rasn(extension_addition)]
        pub mobile_multilink_frame_capability: Option<Opaque>,
    }

    #[rasn(choice, automatic_tags)]
    pub enum H223MultiplexTableCapability {
        Basic(()),
        Enhanced(H223MultiplexTableEnhanced),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H223MultiplexTableEnhanced {
        #[rasn(value("1..=15"))]
        pub maximum_nesting_depth: u8,
        #[rasn(value("2..=255"))]
        pub maximum_element_list_size: u8,
        #[rasn(value("2..=255"))]
        pub maximum_sub_element_list_size: u8,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct V76Capability {
        pub suspend_resume_capabilityw_address: bool,
        pub suspend_resume_capabilitywo_address: bool,
        pub rej_capability: bool,
        pub s_rej_capability: bool,
        pub m_rej_capability: bool,
        pub crc8bit_capability: bool,
        pub crc16bit_capability: bool,
        pub crc32bit_capability: bool,
        pub uih_capability: bool,
        #[rasn(value("2..=8191"))]
        pub num_of_dlcs: u16,
        pub two_octet_address_field_capability: bool,
        pub loop_back_test_capability: bool,
        #[rasn(value("1..=4095"))]
        pub n401_capability: u16,
        #[rasn(value("1..=127"))]
        pub max_window_size_capability: u8,
        pub v75_capability: V75Capability,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct V75Capability {
        pub audio_header: bool,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H2250Capability {
        #[rasn(value("0..=1023"))]
        pub maximum_audio_delay_jitter: u16,
        pub receive_multipoint_capability: MultipointCapability,
        pub transmit_multipoint_capability: MultipointCapability,
        pub receive_and_transmit_multipoint_capability: MultipointCapability,
        pub mc_capability: McCapability,
        pub rtcp_video_control_capability: bool,
        pub media_packetization_capability: MediaPacketizationCapability,
        /// TransportCapability.
        #[rasn(extension_addition)]
        pub transport_capability: Option<Opaque>,
        /// SEQUENCE OF RedundancyEncodingCapability.
        #[rasn(extension_addition)]
        pub redundancy_encoding_capability: Option<Opaque>,
        #[rasn(extension_addition)]
        pub logical_channel_switching_capability: Option<bool>,
        #[rasn(extension_addition)]
        pub t120_dynamic_port_capability: Option<bool>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct McCapability {
        pub centralized_conference_mc: bool,
        pub decentralized_conference_mc: bool,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MediaPacketizationCapability {
        pub h261a_video_packetization: bool,
        #[rasn(extension_addition, size("1..=256"))]
        pub rtp_payload_type: Option<SequenceOf<RtpPayloadType>>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MultipointCapability {
        pub multicast_capability: bool,
        pub multi_uni_cast_conference: bool,
        pub media_distribution_capability: SequenceOf<MediaDistributionCapability>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MediaDistributionCapability {
        pub centralized_control: bool,
        pub distributed_control: bool,
        pub centralized_audio: bool,
        pub distributed_audio: bool,
        pub centralized_video: bool,
        pub distributed_video: bool,
        pub centralized_data: Option<SequenceOf<DataApplicationCapability>>,
        pub distributed_data: Option<SequenceOf<DataApplicationCapability>>,
    }
}

// =====================================================================================================================
// Capability exchange: video
// =====================================================================================================================

asn! {
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum VideoCapability {
        NonStandard(NonStandardParameter),
        H261VideoCapability(H261VideoCapability),
        H262VideoCapability(H262VideoCapability),
        H263VideoCapability(H263VideoCapability),
        Is11172VideoCapability(Is11172VideoCapability),
        /// GenericCapability.
        #[rasn(extension_addition)]
        GenericVideoCapability(Opaque),
        /// ExtendedVideoCapability.
        #[rasn(extension_addition)]
        ExtendedVideoCapability(Opaque),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H261VideoCapability {
        #[rasn(value("1..=4"))]
        pub qcif_mpi: Option<u8>,
        #[rasn(value("1..=4"))]
        pub cif_mpi: Option<u8>,
        pub temporal_spatial_trade_off_capability: bool,
        #[rasn(value("1..=19200"))]
        pub max_bit_rate: u16,
        pub still_image_transmission: bool,
        #[rasn(extension_addition)]
        pub video_bad_mbs_cap: Option<bool>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H262VideoCapability {
        pub profile_and_level_sp_at_ml: bool,
        pub profile_and_level_mp_at_ll: bool,
        pub profile_and_level_mp_at_ml: bool,
        pub profile_and_level_mp_at_h14: bool,
        pub profile_and_level_mp_at_hl: bool,
        pub profile_and_level_snr_at_ll: bool,
        pub profile_and_level_snr_at_ml: bool,
        pub profile_and_level_spatial_at_h14: bool,
        pub profile_and_level_hp_at_ml: bool,
        pub profile_and_level_hp_at_h14: bool,
        pub profile_and_level_hp_at_hl: bool,
        #[rasn(value("0..=1073741823"))]
        pub video_bit_rate: Option<u32>,
        #[rasn(value("0..=262143"))]
        pub vbv_buffer_size: Option<u32>,
        #[rasn(value("0..=16383"))]
        pub samples_per_line: Option<u16>,
        #[rasn(value("0..=16383"))]
        pub lines_per_frame: Option<u16>,
        #[rasn(value("0..=15"))]
        pub frames_per_second: Option<u8>,
        #[rasn(value("0..=4294967295"))]
        pub luminance_sample_rate: Option<u32>,
        #[rasn(extension_addition)]
        pub video_bad_mbs_cap: Option<bool>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H263VideoCapability {
        #[rasn(value("1..=32"))]
        pub sqcif_mpi: Option<u8>,
        #[rasn(value("1..=32"))]
        pub qcif_mpi: Option<u8>,
        #[rasn(value("1..=32"))]
        pub cif_mpi: Option<u8>,
        #[rasn(value("1..=32"))]
        pub cif4_mpi: Option<u8>,
        #[rasn(value("1..=32"))]
        pub cif16_mpi: Option<u8>,
        #[rasn(value("1..=192400"))]
        pub max_bit_rate: u32,
        pub unrestricted_vector: bool,
        pub arithmetic_coding: bool,
        pub advanced_prediction: bool,
        pub pb_frames: bool,
        pub temporal_spatial_trade_off_capability: bool,
        #[rasn(value("0..=524287"))]
        pub hrd_b: Option<u32>,
        #[rasn(value("0..=65535"))]
        pub bpp_max_kb: Option<u16>,
        #[rasn(extension_addition, value("1..=3600"))]
        pub slow_sqcif_mpi: Option<u16>,
        #[rasn(extension_addition, value("1..=3600"))]
        pub slow_qcif_mpi: Option<u16>,
        #[rasn(extension_addition, value("1..=3600"))]
        pub slow_cif_mpi: Option<u16>,
        #[rasn(extension_addition, value("1..=3600"))]
        pub slow_cif4_mpi: Option<u16>,
        #[rasn(extension_addition, value("1..=3600"))]
        pub slow_cif16_mpi: Option<u16>,
        #[rasn(extension_addition)]
        pub error_compensation: Option<bool>,
        /// EnhancementLayerInfo.
        #[rasn(extension_addition)]
        pub enhancement_layer_info: Option<Opaque>,
        /// H263Options.
        #[rasn(extension_addition)]
        pub h263_options: Option<Opaque>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct Is11172VideoCapability {
        pub constrained_bitstream: bool,
        #[rasn(value("0..=1073741823"))]
        pub video_bit_rate: Option<u32>,
        #[rasn(value("0..=262143"))]
        pub vbv_buffer_size: Option<u32>,
        #[rasn(value("0..=16383"))]
        pub samples_per_line: Option<u16>,
        #[rasn(value("0..=16383"))]
        pub lines_per_frame: Option<u16>,
        #[rasn(value("0..=15"))]
        pub picture_rate: Option<u8>,
        #[rasn(value("0..=4294967295"))]
        pub luminance_sample_rate: Option<u32>,
        #[rasn(extension_addition)]
        pub video_bad_mbs_cap: Option<bool>,
    }
}

// =====================================================================================================================
// Capability exchange: audio
// =====================================================================================================================

asn! {
    /// An audio capability (in a TerminalCapabilitySet) or the audio of a logical channel (in an
    /// OpenLogicalChannel). For H.225.0 (RTP) the integers are audio frames per packet: a G.729 frame is 10 ms,
    /// and H.323 terminals count a G.711 "frame" as 1 ms (8 samples), so `g711Ulaw64k 20` is 20 ms packets.
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum AudioCapability {
        NonStandard(NonStandardParameter),
        #[rasn(value("1..=256"))]
        G711Alaw64k(u16),
        #[rasn(value("1..=256"))]
        G711Alaw56k(u16),
        #[rasn(value("1..=256"))]
        G711Ulaw64k(u16),
        #[rasn(value("1..=256"))]
        G711Ulaw56k(u16),
        #[rasn(value("1..=256"))]
        G722_64k(u16),
        #[rasn(value("1..=256"))]
        G722_56k(u16),
        #[rasn(value("1..=256"))]
        G722_48k(u16),
        G7231(G7231Capability),
        #[rasn(value("1..=256"))]
        G728(u16),
        #[rasn(value("1..=256"))]
        G729(u16),
        #[rasn(value("1..=256"))]
        G729AnnexA(u16),
        Is11172AudioCapability(Is11172AudioCapability),
        Is13818AudioCapability(Is13818AudioCapability),
        #[rasn(extension_addition, value("1..=256"))]
        G729wAnnexB(u16),
        #[rasn(extension_addition, value("1..=256"))]
        G729AnnexAwAnnexB(u16),
        #[rasn(extension_addition)]
        G7231AnnexCCapability(G7231AnnexCCapability),
        #[rasn(extension_addition)]
        GsmFullRate(GsmAudioCapability),
        #[rasn(extension_addition)]
        GsmHalfRate(GsmAudioCapability),
        #[rasn(extension_addition)]
        GsmEnhancedFullRate(GsmAudioCapability),
        /// GenericCapability.
        #[rasn(extension_addition)]
        GenericAudioCapability(Opaque),
        #[rasn(extension_addition)]
        G729Extensions(G729Extensions),
        #[rasn(extension_addition)]
        Vbd(VbdCapability),
        #[rasn(extension_addition)]
        AudioTelephonyEvent(NoPtAudioTelephonyEventCapability),
        #[rasn(extension_addition)]
        AudioTone(NoPtAudioToneCapability),
    }

    #[rasn(automatic_tags)]
    pub struct G7231Capability {
        #[rasn(value("1..=256"))]
        pub max_al_sdu_audio_frames: u16,
        pub silence_suppression: bool,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct G729Extensions {
        #[rasn(value("1..=256"))]
        pub audio_unit: Option<u16>,
        pub annex_a: bool,
        pub annex_b: bool,
        pub annex_d: bool,
        pub annex_e: bool,
        pub annex_f: bool,
        pub annex_g: bool,
        pub annex_h: bool,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct G7231AnnexCCapability {
        #[rasn(value("1..=256"))]
        pub max_al_sdu_audio_frames: u16,
        pub silence_suppression: bool,
        pub g723_annex_c_audio_mode: Option<G723AnnexCAudioMode>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct G723AnnexCAudioMode {
        #[rasn(value("27..=78"))]
        pub high_rate_mode0: u8,
        #[rasn(value("27..=78"))]
        pub high_rate_mode1: u8,
        #[rasn(value("23..=66"))]
        pub low_rate_mode0: u8,
        #[rasn(value("23..=66"))]
        pub low_rate_mode1: u8,
        #[rasn(value("6..=17"))]
        pub sid_mode0: u8,
        #[rasn(value("6..=17"))]
        pub sid_mode1: u8,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct Is11172AudioCapability {
        pub audio_layer1: bool,
        pub audio_layer2: bool,
        pub audio_layer3: bool,
        pub audio_sampling32k: bool,
        pub audio_sampling44k1: bool,
        pub audio_sampling48k: bool,
        pub single_channel: bool,
        pub two_channels: bool,
        #[rasn(value("1..=448"))]
        pub bit_rate: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct Is13818AudioCapability {
        pub audio_layer1: bool,
        pub audio_layer2: bool,
        pub audio_layer3: bool,
        pub audio_sampling16k: bool,
        pub audio_sampling22k05: bool,
        pub audio_sampling24k: bool,
        pub audio_sampling32k: bool,
        pub audio_sampling44k1: bool,
        pub audio_sampling48k: bool,
        pub single_channel: bool,
        pub two_channels: bool,
        pub three_channels2_1: bool,
        pub three_channels3_0: bool,
        pub four_channels2_0_2_0: bool,
        pub four_channels2_2: bool,
        pub four_channels3_1: bool,
        pub five_channels3_0_2_0: bool,
        pub five_channels3_2: bool,
        pub low_frequency_enhancement: bool,
        pub multilingual: bool,
        #[rasn(value("1..=1130"))]
        pub bit_rate: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct GsmAudioCapability {
        #[rasn(value("1..=256"))]
        pub audio_unit_size: u16,
        pub comfort_noise: bool,
        pub scrambled: bool,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct VbdCapability {
        /// Shall not itself be `vbd`.
        pub r#type: Box<AudioCapability>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct AudioTelephonyEventCapability {
        #[rasn(value("96..=127"))]
        pub dynamic_rtp_payload_type: u8,
        /// As the list of events in RFC 2833 §3.9, e.g. `0-16`.
        pub audio_telephone_event: GeneralString,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct AudioToneCapability {
        #[rasn(value("96..=127"))]
        pub dynamic_rtp_payload_type: u8,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct NoPtAudioTelephonyEventCapability {
        pub audio_telephone_event: GeneralString,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct NoPtAudioToneCapability {}
}

// =====================================================================================================================
// Capability exchange: data, user input, conference
// =====================================================================================================================

asn! {
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct DataApplicationCapability {
        pub application: DataApplication,
        /// Units of 100 bit/s.
        #[rasn(value("0..=4294967295"))]
        pub max_bit_rate: u32,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum DataApplication {
        NonStandard(NonStandardParameter),
        T120(DataProtocolCapability),
        DsmCc(DataProtocolCapability),
        UserData(DataProtocolCapability),
        T84(T84Application),
        T434(DataProtocolCapability),
        H224(DataProtocolCapability),
        Nlpid(NlpidApplication),
        DsvdControl(()),
        H222DataPartitioning(DataProtocolCapability),
        #[rasn(extension_addition)]
        T30fax(DataProtocolCapability),
        #[rasn(extension_addition)]
        T140(DataProtocolCapability),
        /// SEQUENCE { t38FaxProtocol, t38FaxProfile }.
        #[rasn(extension_addition)]
        T38fax(Opaque),
        /// GenericCapability.
        #[rasn(extension_addition)]
        GenericDataCapability(Opaque),
    }

    #[rasn(automatic_tags)]
    pub struct T84Application {
        pub t84_protocol: DataProtocolCapability,
        pub t84_profile: T84Profile,
    }

    #[rasn(automatic_tags)]
    pub struct NlpidApplication {
        pub nlpid_protocol: DataProtocolCapability,
        pub nlpid_data: OctetString,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum DataProtocolCapability {
        NonStandard(NonStandardParameter),
        V14buffered(()),
        V42lapm(()),
        HdlcFrameTunnelling(()),
        H310SeparateVcStack(()),
        H310SingleVcStack(()),
        Transparent(()),
        #[rasn(extension_addition)]
        SegmentationAndReassembly(()),
        #[rasn(extension_addition)]
        HdlcFrameTunnelingwSar(()),
        #[rasn(extension_addition)]
        V120(()),
        #[rasn(extension_addition)]
        SeparateLanStack(()),
        /// CHOICE of CompressionType.
        #[rasn(extension_addition)]
        V76wCompression(Opaque),
        #[rasn(extension_addition)]
        Tcp(()),
        #[rasn(extension_addition)]
        Udp(()),
    }

    #[rasn(choice, automatic_tags)]
    pub enum T84Profile {
        T84Unrestricted(()),
        T84Restricted(T84Restricted),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct T84Restricted {
        pub qcif: bool,
        pub cif: bool,
        pub ccir601_seq: bool,
        pub ccir601_prog: bool,
        pub hdtv_seq: bool,
        pub hdtv_prog: bool,
        pub g3_facs_mh200x100: bool,
        pub g3_facs_mh200x200: bool,
        pub g4_facs_mmr200x100: bool,
        pub g4_facs_mmr200x200: bool,
        pub jbig200x200_seq: bool,
        pub jbig200x200_prog: bool,
        pub jbig300x300_seq: bool,
        pub jbig300x300_prog: bool,
        pub dig_photo_low: bool,
        pub dig_photo_med_seq: bool,
        pub dig_photo_med_prog: bool,
        pub dig_photo_high_seq: bool,
        pub dig_photo_high_prog: bool,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum UserInputCapability {
        #[rasn(size("1..=16"))]
        NonStandard(SequenceOf<NonStandardParameter>),
        BasicString(()),
        Ia5String(()),
        GeneralString(()),
        Dtmf(()),
        Hookflash(()),
        #[rasn(extension_addition)]
        ExtendedAlphanumeric(()),
        #[rasn(extension_addition)]
        EncryptedBasicString(()),
        #[rasn(extension_addition)]
        EncryptedIa5String(()),
        #[rasn(extension_addition)]
        EncryptedGeneralString(()),
        #[rasn(extension_addition)]
        SecureDtmf(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct ConferenceCapability {
        pub non_standard_data: Option<SequenceOf<NonStandardParameter>>,
        pub chair_control_capability: bool,
        #[rasn(extension_addition)]
        pub video_indicate_mixing_capability: Option<bool>,
        #[rasn(extension_addition)]
        pub multipoint_visualization_capability: Option<bool>,
    }
}

// =====================================================================================================================
// Logical channel signalling
// =====================================================================================================================

asn! {
    /// A request to open a logical channel; in H.323 Fast Start, each `fastStart` element of Setup/Connect is one
    /// of these, PER-encoded on its own.
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct OpenLogicalChannel {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
        pub forward_logical_channel_parameters: ForwardLogicalChannelParameters,
        /// Present for a bidirectional channel (and, in Fast Start, for a receive proposal).
        pub reverse_logical_channel_parameters: Option<ReverseLogicalChannelParameters>,
        /// NetworkAccessParameters.
        #[rasn(extension_addition)]
        pub separate_stack: Option<Opaque>,
        /// EncryptionSync.
        #[rasn(extension_addition)]
        pub encryption_sync: Option<Opaque>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct ForwardLogicalChannelParameters {
        #[rasn(value("0..=65535"))]
        pub port_number: Option<u16>,
        pub data_type: DataType,
        pub multiplex_parameters: ForwardMultiplexParameters,
        #[rasn(extension_addition, value("1..=65535"))]
        pub forward_logical_channel_dependency: Option<u16>,
        #[rasn(extension_addition, value("1..=65535"))]
        pub replacement_for: Option<u16>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum ForwardMultiplexParameters {
        H222LogicalChannelParameters(H222LogicalChannelParameters),
        H223LogicalChannelParameters(H223LogicalChannelParameters),
        V76LogicalChannelParameters(V76LogicalChannelParameters),
        #[rasn(extension_addition)]
        H2250LogicalChannelParameters(H2250LogicalChannelParameters),
        #[rasn(extension_addition)]
        None(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct ReverseLogicalChannelParameters {
        pub data_type: DataType,
        pub multiplex_parameters: Option<ReverseMultiplexParameters>,
        #[rasn(extension_addition, value("1..=65535"))]
        pub reverse_logical_channel_dependency: Option<u16>,
        #[rasn(extension_addition, value("1..=65535"))]
        pub replacement_for: Option<u16>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum ReverseMultiplexParameters {
        H223LogicalChannelParameters(H223LogicalChannelParameters),
        V76LogicalChannelParameters(V76LogicalChannelParameters),
        #[rasn(extension_addition)]
        H2250LogicalChannelParameters(H2250LogicalChannelParameters),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum DataType {
        NonStandard(NonStandardParameter),
        NullData(()),
        VideoData(VideoCapability),
        AudioData(AudioCapability),
        Data(DataApplicationCapability),
        EncryptionData(EncryptionMode),
        #[rasn(extension_addition)]
        H235Control(NonStandardParameter),
        /// H235Media.
        #[rasn(extension_addition)]
        H235Media(Opaque),
        /// MultiplexedStreamParameter.
        #[rasn(extension_addition)]
        MultiplexedStream(Opaque),
        /// RedundancyEncoding.
        #[rasn(extension_addition)]
        RedundancyEncoding(Opaque),
        /// MultiplePayloadStream.
        #[rasn(extension_addition)]
        MultiplePayloadStream(Opaque),
        /// DepFECData (deprecated).
        #[rasn(extension_addition)]
        DepFec(Opaque),
        /// FECData.
        #[rasn(extension_addition)]
        Fec(Opaque),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H222LogicalChannelParameters {
        #[rasn(value("0..=65535"))]
        pub resource_id: u16,
        #[rasn(value("0..=8191"))]
        pub sub_channel_id: u16,
        #[rasn(value("0..=8191"))]
        pub pcr_pid: Option<u16>,
        pub program_descriptors: Option<OctetString>,
        pub stream_descriptors: Option<OctetString>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H223LogicalChannelParameters {
        pub adaptation_layer_type: AdaptationLayerType,
        pub segmentable_flag: bool,
    }

    /// The adaptation layer of an H.223 channel (also H223ModeParameters').
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum AdaptationLayerType {
        NonStandard(NonStandardParameter),
        Al1Framed(()),
        Al1NotFramed(()),
        Al2WithoutSequenceNumbers(()),
        Al2WithSequenceNumbers(()),
        Al3(Al3),
        /// H223AL1MParameters.
        #[rasn(extension_addition)]
        Al1M(Opaque),
        /// H223AL2MParameters.
        #[rasn(extension_addition)]
        Al2M(Opaque),
        /// H223AL3MParameters.
        #[rasn(extension_addition)]
        Al3M(Opaque),
    }

    #[rasn(automatic_tags)]
    pub struct Al3 {
        #[rasn(value("0..=2"))]
        pub control_field_octets: u8,
        #[rasn(value("0..=16777215"))]
        pub send_buffer_size: u32,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct V76LogicalChannelParameters {
        pub hdlc_parameters: V76HdlcParameters,
        pub suspend_resume: SuspendResume,
        pub u_ih: bool,
        pub mode: V76Mode,
        pub v75_parameters: V75Parameters,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum SuspendResume {
        NoSuspendResume(()),
        SuspendResumewAddress(()),
        SuspendResumewoAddress(()),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum V76Mode {
        ERm(V76Erm),
        UNerm(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct V76Erm {
        #[rasn(value("1..=127"))]
        pub window_size: u8,
        pub recovery: V76Recovery,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum V76Recovery {
        Rej(()),
        SRej(()),
        MSRej(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct V76HdlcParameters {
        pub crc_length: CrcLength,
        #[rasn(value("1..=4095"))]
        pub n401: u16,
        pub loopback_test_procedure: bool,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum CrcLength {
        Crc8bit(()),
        Crc16bit(()),
        Crc32bit(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct V75Parameters {
        pub audio_header_present: bool,
    }

    /// The RTP session of a logical channel (H.225.0).
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H2250LogicalChannelParameters {
        pub non_standard: Option<SequenceOf<NonStandardParameter>>,
        /// 1 for audio, 2 video, 3 data; 0 lets the master assign one.
        #[rasn(value("0..=255"))]
        pub session_id: u8,
        #[rasn(value("1..=255"))]
        pub associated_session_id: Option<u8>,
        /// Where to send RTP (in a receive proposal / reverse parameters: where the proposer receives).
        pub media_channel: Option<TransportAddress>,
        pub media_guaranteed_delivery: Option<bool>,
        /// Where to send RTCP reports about this channel.
        pub media_control_channel: Option<TransportAddress>,
        pub media_control_guaranteed_delivery: Option<bool>,
        pub silence_suppression: Option<bool>,
        pub destination: Option<TerminalLabel>,
        #[rasn(value("96..=127"))]
        pub dynamic_rtp_payload_type: Option<u8>,
        pub media_packetization: Option<MediaPacketization>,
        /// TransportCapability.
        #[rasn(extension_addition)]
        pub transport_capability: Option<Opaque>,
        /// RedundancyEncoding.
        #[rasn(extension_addition)]
        pub redundancy_encoding: Option<Opaque>,
        #[rasn(extension_addition)]
        pub source: Option<TerminalLabel>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MediaPacketization {
        H261aVideoPacketization(()),
        #[rasn(extension_addition)]
        RtpPayloadType(RtpPayloadType),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RtpPayloadType {
        pub payload_descriptor: PayloadDescriptor,
        #[rasn(value("0..=127"))]
        pub payload_type: Option<u8>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum PayloadDescriptor {
        NonStandardIdentifier(NonStandardParameter),
        #[rasn(value("1..=32768", extensible))]
        RfcNumber(Integer),
        Oid(ObjectIdentifier),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum TransportAddress {
        UnicastAddress(UnicastAddress),
        MulticastAddress(MulticastAddress),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum UnicastAddress {
        IpAddress(IpAddress),
        IpxAddress(IpxAddress),
        Ip6Address(Ip6Address),
        #[rasn(size("16"))]
        NetBios(OctetString),
        IpSourceRouteAddress(IpSourceRouteAddress),
        #[rasn(extension_addition, size("1..=20"))]
        Nsap(OctetString),
        #[rasn(extension_addition)]
        NonStandardAddress(NonStandardParameter),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct IpAddress {
        /// The IPv4 address, 4 octets.
        #[rasn(size("4"))]
        pub network: OctetString,
        /// The UDP (or TCP) port.
        #[rasn(value("0..=65535"))]
        pub tsap_identifier: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct IpxAddress {
        #[rasn(size("6"))]
        pub node: OctetString,
        #[rasn(size("4"))]
        pub netnum: OctetString,
        #[rasn(size("2"))]
        pub tsap_identifier: OctetString,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct Ip6Address {
        #[rasn(size("16"))]
        pub network: OctetString,
        #[rasn(value("0..=65535"))]
        pub tsap_identifier: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct IpSourceRouteAddress {
        pub routing: Routing,
        #[rasn(size("4"))]
        pub network: OctetString,
        #[rasn(value("0..=65535"))]
        pub tsap_identifier: u16,
        pub route: SequenceOf<RouteHop>,
    }

    #[rasn(delegate, size("4"))]
    pub struct RouteHop(pub OctetString);

    #[rasn(choice, automatic_tags)]
    pub enum Routing {
        Strict(()),
        Loose(()),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MulticastAddress {
        IpAddress(IpAddress),
        Ip6Address(Ip6Address),
        #[rasn(extension_addition, size("1..=20"))]
        Nsap(OctetString),
        #[rasn(extension_addition)]
        NonStandardAddress(NonStandardParameter),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct TerminalLabel {
        #[rasn(value("0..=192"))]
        pub mcu_number: u8,
        #[rasn(value("0..=192"))]
        pub terminal_number: u8,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum EncryptionMode {
        NonStandard(NonStandardParameter),
        H233Encryption(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct OpenLogicalChannelAck {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
        pub reverse_logical_channel_parameters: Option<AckReverseLogicalChannelParameters>,
        /// NetworkAccessParameters.
        #[rasn(extension_addition)]
        pub separate_stack: Option<Opaque>,
        #[rasn(extension_addition)]
        pub forward_multiplex_ack_parameters: Option<ForwardMultiplexAckParameters>,
        /// EncryptionSync.
        #[rasn(extension_addition)]
        pub encryption_sync: Option<Opaque>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct AckReverseLogicalChannelParameters {
        #[rasn(value("1..=65535"))]
        pub reverse_logical_channel_number: u16,
        #[rasn(value("0..=65535"))]
        pub port_number: Option<u16>,
        pub multiplex_parameters: Option<AckReverseMultiplexParameters>,
        #[rasn(extension_addition, value("1..=65535"))]
        pub replacement_for: Option<u16>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum AckReverseMultiplexParameters {
        H222LogicalChannelParameters(H222LogicalChannelParameters),
        #[rasn(extension_addition)]
        H2250LogicalChannelParameters(H2250LogicalChannelParameters),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum ForwardMultiplexAckParameters {
        H2250LogicalChannelAckParameters(H2250LogicalChannelAckParameters),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H2250LogicalChannelAckParameters {
        pub non_standard: Option<SequenceOf<NonStandardParameter>>,
        #[rasn(value("1..=255"))]
        pub session_id: Option<u8>,
        pub media_channel: Option<TransportAddress>,
        pub media_control_channel: Option<TransportAddress>,
        #[rasn(value("96..=127"))]
        pub dynamic_rtp_payload_type: Option<u8>,
        #[rasn(extension_addition)]
        pub flow_control_to_zero: Option<bool>,
        #[rasn(extension_addition, value("0..=65535"))]
        pub port_number: Option<u16>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct OpenLogicalChannelReject {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
        pub cause: OpenLogicalChannelRejectCause,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum OpenLogicalChannelRejectCause {
        Unspecified(()),
        UnsuitableReverseParameters(()),
        DataTypeNotSupported(()),
        DataTypeNotAvailable(()),
        UnknownDataType(()),
        DataTypeAlCombinationNotSupported(()),
        #[rasn(extension_addition)]
        MulticastChannelNotAllowed(()),
        #[rasn(extension_addition)]
        InsufficientBandwidth(()),
        #[rasn(extension_addition)]
        SeparateStackEstablishmentFailed(()),
        #[rasn(extension_addition)]
        InvalidSessionId(()),
        #[rasn(extension_addition)]
        MasterSlaveConflict(()),
        #[rasn(extension_addition)]
        WaitForCommunicationMode(()),
        #[rasn(extension_addition)]
        InvalidDependentChannel(()),
        #[rasn(extension_addition)]
        ReplacementForRejected(()),
        #[rasn(extension_addition)]
        SecurityDenied(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct OpenLogicalChannelConfirm {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct CloseLogicalChannel {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
        pub source: CloseSource,
        #[rasn(extension_addition)]
        pub reason: Option<CloseReason>,
    }

    #[rasn(choice, automatic_tags)]
    pub enum CloseSource {
        User(()),
        Lcse(()),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum CloseReason {
        Unknown(()),
        Reopen(()),
        ReservationFailure(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct CloseLogicalChannelAck {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestChannelClose {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
        /// QOSCapability.
        #[rasn(extension_addition)]
        pub qos_capability: Option<Opaque>,
        #[rasn(extension_addition)]
        pub reason: Option<RequestChannelCloseReason>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum RequestChannelCloseReason {
        Unknown(()),
        Normal(()),
        Reopen(()),
        ReservationFailure(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestChannelCloseAck {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestChannelCloseReject {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
        pub cause: UnspecifiedCause,
    }

    /// `CHOICE { unspecified NULL, ... }`, as several rejects have it.
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum UnspecifiedCause {
        Unspecified(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestChannelCloseRelease {
        #[rasn(value("1..=65535"))]
        pub forward_logical_channel_number: u16,
    }
}

// =====================================================================================================================
// H.223 multiplex table, request mode, round trip delay, maintenance loop, communication mode, bit rate
// =====================================================================================================================

asn! {
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MultiplexEntrySend {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        #[rasn(size("1..=15"))]
        pub multiplex_entry_descriptors: SequenceOf<MultiplexEntryDescriptor>,
    }

    #[rasn(automatic_tags)]
    pub struct MultiplexEntryDescriptor {
        pub multiplex_table_entry_number: MultiplexTableEntryNumber,
        #[rasn(size("1..=256"))]
        pub element_list: Option<SequenceOf<MultiplexElement>>,
    }

    #[rasn(automatic_tags)]
    pub struct MultiplexElement {
        pub r#type: MultiplexElementType,
        pub repeat_count: RepeatCount,
    }

    #[rasn(choice, automatic_tags)]
    pub enum MultiplexElementType {
        #[rasn(value("0..=65535"))]
        LogicalChannelNumber(u16),
        #[rasn(size("2..=255"))]
        SubElementList(SequenceOf<MultiplexElement>),
    }

    #[rasn(choice, automatic_tags)]
    pub enum RepeatCount {
        #[rasn(value("1..=65535"))]
        Finite(u16),
        UntilClosingFlag(()),
    }

    #[rasn(delegate, value("1..=15"))]
    pub struct MultiplexTableEntryNumber(pub u8);

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MultiplexEntrySendAck {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        #[rasn(size("1..=15"))]
        pub multiplex_table_entry_number: SequenceOf<MultiplexTableEntryNumber>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MultiplexEntrySendReject {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        #[rasn(size("1..=15"))]
        pub rejection_descriptions: SequenceOf<MultiplexEntryRejectionDescriptions>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MultiplexEntryRejectionDescriptions {
        pub multiplex_table_entry_number: MultiplexTableEntryNumber,
        pub cause: MultiplexEntryRejectionCause,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MultiplexEntryRejectionCause {
        UnspecifiedCause(()),
        DescriptorTooComplex(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MultiplexEntrySendRelease {
        #[rasn(size("1..=15"))]
        pub multiplex_table_entry_number: SequenceOf<MultiplexTableEntryNumber>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestMultiplexEntry {
        #[rasn(size("1..=15"))]
        pub entry_numbers: SequenceOf<MultiplexTableEntryNumber>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestMultiplexEntryAck {
        #[rasn(size("1..=15"))]
        pub entry_numbers: SequenceOf<MultiplexTableEntryNumber>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestMultiplexEntryReject {
        #[rasn(size("1..=15"))]
        pub entry_numbers: SequenceOf<MultiplexTableEntryNumber>,
        #[rasn(size("1..=15"))]
        pub rejection_descriptions: SequenceOf<RequestMultiplexEntryRejectionDescriptions>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestMultiplexEntryRejectionDescriptions {
        pub multiplex_table_entry_number: MultiplexTableEntryNumber,
        pub cause: RequestMultiplexEntryRejectionCause,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum RequestMultiplexEntryRejectionCause {
        UnspecifiedCause(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestMultiplexEntryRelease {
        #[rasn(size("1..=15"))]
        pub entry_numbers: SequenceOf<MultiplexTableEntryNumber>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestMode {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        /// In order of preference.
        #[rasn(size("1..=256"))]
        pub requested_modes: SequenceOf<ModeDescription>,
    }

    #[rasn(delegate, size("1..=256"))]
    pub struct ModeDescription(pub SequenceOf<ModeElement>);

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestModeAck {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        pub response: RequestModeAckResponse,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum RequestModeAckResponse {
        WillTransmitMostPreferredMode(()),
        WillTransmitLessPreferredMode(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestModeReject {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        pub cause: RequestModeRejectCause,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum RequestModeRejectCause {
        ModeUnavailable(()),
        MultipointConstraint(()),
        RequestDenied(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RequestModeRelease {}

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RoundTripDelayRequest {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct RoundTripDelayResponse {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MaintenanceLoopType {
        SystemLoop(()),
        #[rasn(value("1..=65535"))]
        MediaLoop(u16),
        #[rasn(value("1..=65535"))]
        LogicalChannelLoop(u16),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MaintenanceLoopRequest {
        pub r#type: MaintenanceLoopType,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MaintenanceLoopAck {
        pub r#type: MaintenanceLoopType,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MaintenanceLoopReject {
        pub r#type: MaintenanceLoopType,
        pub cause: MaintenanceLoopRejectCause,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MaintenanceLoopRejectCause {
        CanNotPerformLoop(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MaintenanceLoopOffCommand {}

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct CommunicationModeRequest {}

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct LogicalChannelRateRequest {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        #[rasn(value("1..=65535"))]
        pub logical_channel_number: u16,
        /// Units of 100 bit/s.
        #[rasn(value("0..=4294967295"))]
        pub maximum_bit_rate: u32,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct LogicalChannelRateAcknowledge {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        #[rasn(value("1..=65535"))]
        pub logical_channel_number: u16,
        #[rasn(value("0..=4294967295"))]
        pub maximum_bit_rate: u32,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct LogicalChannelRateReject {
        #[rasn(value("0..=255"))]
        pub sequence_number: u8,
        #[rasn(value("1..=65535"))]
        pub logical_channel_number: u16,
        pub reject_reason: LogicalChannelRateRejectReason,
        #[rasn(value("0..=4294967295"))]
        pub current_maximum_bit_rate: Option<u32>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum LogicalChannelRateRejectReason {
        UndefinedReason(()),
        InsufficientResources(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct LogicalChannelRateRelease {}
}

// =====================================================================================================================
// Commands
// =====================================================================================================================

asn! {
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum SendTerminalCapabilitySet {
        SpecificRequest(SpecificRequest),
        GenericRequest(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct SpecificRequest {
        pub multiplex_capability: bool,
        #[rasn(size("1..=65535"))]
        pub capability_table_entry_numbers: Option<SequenceOf<CapabilityTableEntryNumber>>,
        #[rasn(size("1..=256"))]
        pub capability_descriptor_numbers: Option<SequenceOf<CapabilityDescriptorNumber>>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum EncryptionCommand {
        EncryptionSe(OctetString),
        EncryptionIvRequest(()),
        EncryptionAlgorithmId(EncryptionAlgorithmId),
    }

    #[rasn(automatic_tags)]
    pub struct EncryptionAlgorithmId {
        #[rasn(value("0..=255"))]
        pub h233_algorithm_identifier: u8,
        pub associated_algorithm: NonStandardParameter,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct FlowControlCommand {
        pub scope: FlowControlScope,
        pub restriction: FlowControlRestriction,
    }

    #[rasn(choice, automatic_tags)]
    pub enum FlowControlScope {
        #[rasn(value("1..=65535"))]
        LogicalChannelNumber(u16),
        #[rasn(value("0..=65535"))]
        ResourceId(u16),
        WholeMultiplex(()),
    }

    #[rasn(choice, automatic_tags)]
    pub enum FlowControlRestriction {
        /// Units of 100 bit/s.
        #[rasn(value("0..=16777215"))]
        MaximumBitRate(u32),
        NoRestriction(()),
    }

    /// Ends the H.245 session (and with it, in H.323, the call's media).
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum EndSessionCommand {
        NonStandard(NonStandardParameter),
        Disconnect(()),
        GstnOptions(GstnOptions),
        #[rasn(extension_addition)]
        IsdnOptions(IsdnOptions),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum GstnOptions {
        TelephonyMode(()),
        V8bis(()),
        V34Dsvd(()),
        V34DuplexFax(()),
        V34H324(()),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum IsdnOptions {
        TelephonyMode(()),
        V140(()),
        TerminalOnHold(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MiscellaneousCommand {
        #[rasn(value("1..=65535"))]
        pub logical_channel_number: u16,
        pub r#type: MiscellaneousCommandType,
        /// EncryptionUpdateDirection.
        #[rasn(extension_addition)]
        pub direction: Option<Opaque>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MiscellaneousCommandType {
        EqualiseDelay(()),
        ZeroDelay(()),
        MultipointModeCommand(()),
        CancelMultipointModeCommand(()),
        VideoFreezePicture(()),
        VideoFastUpdatePicture(()),
        VideoFastUpdateGob(VideoFastUpdateGob),
        #[rasn(value("0..=31"))]
        VideoTemporalSpatialTradeOff(u8),
        VideoSendSyncEveryGob(()),
        VideoSendSyncEveryGobCancel(()),
        /// SEQUENCE { firstGOB, firstMB, numberOfMBs }.
        #[rasn(extension_addition)]
        VideoFastUpdateMb(Opaque),
        #[rasn(extension_addition, value("1..=65535"))]
        MaxH223MuxPduSize(u16),
        /// EncryptionSync.
        #[rasn(extension_addition)]
        EncryptionUpdate(Opaque),
        /// EncryptionUpdateRequest.
        #[rasn(extension_addition)]
        EncryptionUpdateRequest(Opaque),
        #[rasn(extension_addition)]
        SwitchReceiveMediaOff(()),
        #[rasn(extension_addition)]
        SwitchReceiveMediaOn(()),
        /// SEQUENCE { repeatCount }.
        #[rasn(extension_addition)]
        ProgressiveRefinementStart(Opaque),
        #[rasn(extension_addition)]
        ProgressiveRefinementAbortOne(()),
        #[rasn(extension_addition)]
        ProgressiveRefinementAbortContinuous(()),
        /// SEQUENCE { firstMB, numberOfMBs, temporalReference }.
        #[rasn(extension_addition)]
        VideoBadMbs(Opaque),
        /// SEQUENCE OF PictureReference.
        #[rasn(extension_addition)]
        LostPicture(Opaque),
        /// SEQUENCE { pictureReference, firstMB, numberOfMBs }.
        #[rasn(extension_addition)]
        LostPartialPicture(Opaque),
        /// SEQUENCE OF PictureReference.
        #[rasn(extension_addition)]
        RecoveryReferencePicture(Opaque),
        /// SEQUENCE { encryptionSync, multiplePayloadStream }.
        #[rasn(extension_addition)]
        EncryptionUpdateCommand(Opaque),
        /// SEQUENCE { synchFlag }.
        #[rasn(extension_addition)]
        EncryptionUpdateAck(Opaque),
    }

    #[rasn(automatic_tags)]
    pub struct VideoFastUpdateGob {
        #[rasn(value("0..=17"))]
        pub first_gob: u8,
        #[rasn(value("1..=18"))]
        pub number_of_gobs: u8,
    }
}

// =====================================================================================================================
// Indications
// =====================================================================================================================

asn! {
    /// Returns a request, response or command that was not understood.
    #[rasn(choice, automatic_tags)]
    pub enum FunctionNotUnderstood {
        Request(Box<RequestMessage>),
        Response(Box<ResponseMessage>),
        Command(Box<CommandMessage>),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct FunctionNotSupported {
        pub cause: FunctionNotSupportedCause,
        pub returned_function: Option<OctetString>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum FunctionNotSupportedCause {
        SyntaxError(()),
        SemanticError(()),
        UnknownFunction(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MiscellaneousIndication {
        #[rasn(value("1..=65535"))]
        pub logical_channel_number: u16,
        pub r#type: MiscellaneousIndicationType,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum MiscellaneousIndicationType {
        LogicalChannelActive(()),
        LogicalChannelInactive(()),
        MultipointConference(()),
        CancelMultipointConference(()),
        MultipointZeroComm(()),
        CancelMultipointZeroComm(()),
        MultipointSecondaryStatus(()),
        CancelMultipointSecondaryStatus(()),
        VideoIndicateReadyToActivate(()),
        #[rasn(value("0..=31"))]
        VideoTemporalSpatialTradeOff(u8),
        /// SEQUENCE { firstMB, numberOfMBs, temporalReference }.
        #[rasn(extension_addition)]
        VideoNotDecodedMbs(Opaque),
        /// TransportCapability.
        #[rasn(extension_addition)]
        TransportCapability(Opaque),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct JitterIndication {
        pub scope: FlowControlScope,
        #[rasn(value("0..=3"))]
        pub estimated_received_jitter_mantissa: u8,
        #[rasn(value("0..=7"))]
        pub estimated_received_jitter_exponent: u8,
        #[rasn(value("0..=15"))]
        pub skipped_frame_count: Option<u8>,
        #[rasn(value("0..=262143"))]
        pub additional_decoder_buffer: Option<u32>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H223SkewIndication {
        #[rasn(value("1..=65535"))]
        pub logical_channel_number1: u16,
        #[rasn(value("1..=65535"))]
        pub logical_channel_number2: u16,
        #[rasn(value("0..=4095"))]
        pub skew: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H2250MaximumSkewIndication {
        #[rasn(value("1..=65535"))]
        pub logical_channel_number1: u16,
        #[rasn(value("1..=65535"))]
        pub logical_channel_number2: u16,
        #[rasn(value("0..=4095"))]
        pub maximum_skew: u16,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct McLocationIndication {
        pub signal_address: TransportAddress,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct VendorIdentification {
        pub vendor: NonStandardIdentifier,
        #[rasn(size("1..=256"))]
        pub product_number: Option<OctetString>,
        #[rasn(size("1..=256"))]
        pub version_number: Option<OctetString>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct NewAtmVcIndication {
        #[rasn(value("0..=65535"))]
        pub resource_id: u16,
        #[rasn(value("1..=65535"))]
        pub bit_rate: u16,
        pub bit_rate_locked_to_pcr_clock: bool,
        pub bit_rate_locked_to_network_clock: bool,
        pub aal: AtmAal,
        pub multiplex: AtmMultiplex,
        /// SEQUENCE { bitRate, bitRateLockedToPCRClock, bitRateLockedToNetworkClock, multiplex }.
        #[rasn(extension_addition)]
        pub reverse_parameters: Option<Opaque>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum AtmAal {
        Aal1(AtmAal1),
        Aal5(VcAal5),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct AtmAal1 {
        pub clock_recovery: ClockRecovery,
        pub error_correction: ErrorCorrection,
        pub structured_data_transfer: bool,
        pub partially_filled_cells: bool,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum ClockRecovery {
        NullClockRecovery(()),
        SrtsClockRecovery(()),
        AdaptiveClockRecovery(()),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum ErrorCorrection {
        NullErrorCorrection(()),
        LongInterleaver(()),
        ShortInterleaver(()),
        ErrorCorrectionOnly(()),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum AtmMultiplex {
        NoMultiplex(()),
        TransportStream(()),
        ProgramStream(()),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum UserInputIndication {
        NonStandard(NonStandardParameter),
        Alphanumeric(GeneralString),
        /// CHOICE of supported user input kinds.
        #[rasn(extension_addition)]
        UserInputSupportIndication(Opaque),
        /// SEQUENCE { signalType, duration, rtp, ... } (DTMF).
        #[rasn(extension_addition)]
        Signal(Opaque),
        /// SEQUENCE { duration, rtp }.
        #[rasn(extension_addition)]
        SignalUpdate(Opaque),
        /// SEQUENCE { alphanumeric, rtpPayloadIndication, encryptedAlphanumeric }.
        #[rasn(extension_addition)]
        ExtendedAlphanumeric(Opaque),
        /// SEQUENCE { algorithmOID, paramS, encrypted }.
        #[rasn(extension_addition)]
        EncryptedAlphanumeric(Opaque),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct FlowControlIndication {
        pub scope: FlowControlScope,
        pub restriction: FlowControlRestriction,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct MobileMultilinkReconfigurationIndication {
        #[rasn(value("1..=255"))]
        pub sample_size: u8,
        #[rasn(value("1..=255"))]
        pub samples_per_frame: u8,
    }
}

// =====================================================================================================================
// Request mode: mode descriptions
// =====================================================================================================================

asn! {
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum ModeElementType {
        NonStandard(NonStandardParameter),
        VideoMode(VideoMode),
        AudioMode(AudioMode),
        DataMode(DataMode),
        EncryptionMode(EncryptionMode),
        /// H235Mode.
        #[rasn(extension_addition)]
        H235Mode(Opaque),
        /// MultiplexedStreamParameter.
        #[rasn(extension_addition)]
        MultiplexedStreamMode(Opaque),
        /// RedundancyEncodingDTMode.
        #[rasn(extension_addition)]
        RedundancyEncodingDtMode(Opaque),
        /// MultiplePayloadStreamMode.
        #[rasn(extension_addition)]
        MultiplePayloadStreamMode(Opaque),
        /// DepFECMode (deprecated).
        #[rasn(extension_addition)]
        DepFecMode(Opaque),
        /// FECMode.
        #[rasn(extension_addition)]
        FecMode(Opaque),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct ModeElement {
        pub r#type: ModeElementType,
        pub h223_mode_parameters: Option<H223ModeParameters>,
        #[rasn(extension_addition)]
        pub v76_mode_parameters: Option<V76ModeParameters>,
        /// H2250ModeParameters.
        #[rasn(extension_addition)]
        pub h2250_mode_parameters: Option<Opaque>,
        /// GenericCapability.
        #[rasn(extension_addition)]
        pub generic_mode_parameters: Option<Opaque>,
        /// MultiplexedStreamModeParameters.
        #[rasn(extension_addition)]
        pub multiplexed_stream_mode_parameters: Option<Opaque>,
        #[rasn(extension_addition, value("1..=65535"))]
        pub logical_channel_number: Option<u16>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H223ModeParameters {
        pub adaptation_layer_type: AdaptationLayerType,
        pub segmentable_flag: bool,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum V76ModeParameters {
        SuspendResumewAddress(()),
        SuspendResumewoAddress(()),
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum VideoMode {
        NonStandard(NonStandardParameter),
        H261VideoMode(H261VideoMode),
        H262VideoMode(H262VideoMode),
        H263VideoMode(H263VideoMode),
        Is11172VideoMode(Is11172VideoMode),
        /// GenericCapability.
        #[rasn(extension_addition)]
        GenericVideoMode(Opaque),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H261VideoMode {
        pub resolution: H261Resolution,
        #[rasn(value("1..=19200"))]
        pub bit_rate: u16,
        pub still_image_transmission: bool,
    }

    #[rasn(choice, automatic_tags)]
    pub enum H261Resolution {
        Qcif(()),
        Cif(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H262VideoMode {
        pub profile_and_level: H262ProfileAndLevel,
        #[rasn(value("0..=1073741823"))]
        pub video_bit_rate: Option<u32>,
        #[rasn(value("0..=262143"))]
        pub vbv_buffer_size: Option<u32>,
        #[rasn(value("0..=16383"))]
        pub samples_per_line: Option<u16>,
        #[rasn(value("0..=16383"))]
        pub lines_per_frame: Option<u16>,
        #[rasn(value("0..=15"))]
        pub frames_per_second: Option<u8>,
        #[rasn(value("0..=4294967295"))]
        pub luminance_sample_rate: Option<u32>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum H262ProfileAndLevel {
        SpAtMl(()),
        MpAtLl(()),
        MpAtMl(()),
        MpAtH14(()),
        MpAtHl(()),
        SnrAtLl(()),
        SnrAtMl(()),
        SpatialAtH14(()),
        HpAtMl(()),
        HpAtH14(()),
        HpAtHl(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct H263VideoMode {
        pub resolution: H263Resolution,
        #[rasn(value("1..=19200"))]
        pub bit_rate: u16,
        pub unrestricted_vector: bool,
        pub arithmetic_coding: bool,
        pub advanced_prediction: bool,
        pub pb_frames: bool,
        #[rasn(extension_addition)]
        pub error_compensation: Option<bool>,
        /// EnhancementLayerInfo.
        #[rasn(extension_addition)]
        pub enhancement_layer_info: Option<Opaque>,
        /// H263Options.
        #[rasn(extension_addition)]
        pub h263_options: Option<Opaque>,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum H263Resolution {
        Sqcif(()),
        Qcif(()),
        Cif(()),
        Cif4(()),
        Cif16(()),
        #[rasn(extension_addition)]
        Custom(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct Is11172VideoMode {
        pub constrained_bitstream: bool,
        #[rasn(value("0..=1073741823"))]
        pub video_bit_rate: Option<u32>,
        #[rasn(value("0..=262143"))]
        pub vbv_buffer_size: Option<u32>,
        #[rasn(value("0..=16383"))]
        pub samples_per_line: Option<u16>,
        #[rasn(value("0..=16383"))]
        pub lines_per_frame: Option<u16>,
        #[rasn(value("0..=15"))]
        pub picture_rate: Option<u8>,
        #[rasn(value("0..=4294967295"))]
        pub luminance_sample_rate: Option<u32>,
    }

    /// An audio mode asked for in a RequestMode (like [`AudioCapability`], mostly without frame counts).
    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum AudioMode {
        NonStandard(NonStandardParameter),
        G711Alaw64k(()),
        G711Alaw56k(()),
        G711Ulaw64k(()),
        G711Ulaw56k(()),
        G722_64k(()),
        G722_56k(()),
        G722_48k(()),
        G728(()),
        G729(()),
        G729AnnexA(()),
        G7231(G7231Mode),
        Is11172AudioMode(Is11172AudioMode),
        Is13818AudioMode(Is13818AudioMode),
        #[rasn(extension_addition, value("1..=256"))]
        G729wAnnexB(u16),
        #[rasn(extension_addition, value("1..=256"))]
        G729AnnexAwAnnexB(u16),
        /// G7231AnnexCMode.
        #[rasn(extension_addition)]
        G7231AnnexCMode(Opaque),
        #[rasn(extension_addition)]
        GsmFullRate(GsmAudioCapability),
        #[rasn(extension_addition)]
        GsmHalfRate(GsmAudioCapability),
        #[rasn(extension_addition)]
        GsmEnhancedFullRate(GsmAudioCapability),
        /// GenericCapability.
        #[rasn(extension_addition)]
        GenericAudioMode(Opaque),
        #[rasn(extension_addition)]
        G729Extensions(G729Extensions),
        #[rasn(extension_addition)]
        Vbd(VbdMode),
    }

    #[rasn(choice, automatic_tags)]
    pub enum G7231Mode {
        NoSilenceSuppressionLowRate(()),
        NoSilenceSuppressionHighRate(()),
        SilenceSuppressionLowRate(()),
        SilenceSuppressionHighRate(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct VbdMode {
        /// Shall not itself be `vbd`.
        pub r#type: Box<AudioMode>,
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct Is11172AudioMode {
        pub audio_layer: AudioLayer,
        pub audio_sampling: Is11172AudioSampling,
        pub multichannel_type: Is11172MultichannelType,
        #[rasn(value("1..=448"))]
        pub bit_rate: u16,
    }

    #[rasn(choice, automatic_tags)]
    pub enum AudioLayer {
        AudioLayer1(()),
        AudioLayer2(()),
        AudioLayer3(()),
    }

    #[rasn(choice, automatic_tags)]
    pub enum Is11172AudioSampling {
        AudioSampling32k(()),
        AudioSampling44k1(()),
        AudioSampling48k(()),
    }

    #[rasn(choice, automatic_tags)]
    pub enum Is11172MultichannelType {
        SingleChannel(()),
        TwoChannelStereo(()),
        TwoChannelDual(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct Is13818AudioMode {
        pub audio_layer: AudioLayer,
        pub audio_sampling: Is13818AudioSampling,
        pub multichannel_type: Is13818MultichannelType,
        pub low_frequency_enhancement: bool,
        pub multilingual: bool,
        #[rasn(value("1..=1130"))]
        pub bit_rate: u16,
    }

    #[rasn(choice, automatic_tags)]
    pub enum Is13818AudioSampling {
        AudioSampling16k(()),
        AudioSampling22k05(()),
        AudioSampling24k(()),
        AudioSampling32k(()),
        AudioSampling44k1(()),
        AudioSampling48k(()),
    }

    #[rasn(choice, automatic_tags)]
    pub enum Is13818MultichannelType {
        SingleChannel(()),
        TwoChannelStereo(()),
        TwoChannelDual(()),
        ThreeChannels2_1(()),
        ThreeChannels3_0(()),
        FourChannels2_0_2_0(()),
        FourChannels2_2(()),
        FourChannels3_1(()),
        FiveChannels3_0_2_0(()),
        FiveChannels3_2(()),
    }

    #[rasn(automatic_tags)]
    #[non_exhaustive]
    pub struct DataMode {
        pub application: DataModeApplication,
        /// Units of 100 bit/s.
        #[rasn(value("0..=4294967295"))]
        pub bit_rate: u32,
    }

    #[rasn(choice, automatic_tags)]
    #[non_exhaustive]
    pub enum DataModeApplication {
        NonStandard(NonStandardParameter),
        T120(DataProtocolCapability),
        DsmCc(DataProtocolCapability),
        UserData(DataProtocolCapability),
        T84(DataProtocolCapability),
        T434(DataProtocolCapability),
        H224(DataProtocolCapability),
        Nlpid(NlpidApplication),
        DsvdControl(()),
        H222DataPartitioning(DataProtocolCapability),
        #[rasn(extension_addition)]
        T30fax(DataProtocolCapability),
        #[rasn(extension_addition)]
        T140(DataProtocolCapability),
        /// SEQUENCE { t38FaxProtocol, t38FaxProfile }.
        #[rasn(extension_addition)]
        T38fax(Opaque),
        /// GenericCapability.
        #[rasn(extension_addition)]
        GenericDataMode(Opaque),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_typed_audio_alternative_round_trips() {
        // g729wAnnexB and g729AnnexAwAnnexB are extension additions of a constrained INTEGER (1..256): the
        // constraint is repeated on the variant, or rasn would encode them unconstrained.
        let audio = [
            AudioCapability::G711Alaw64k(1),
            AudioCapability::G711Ulaw64k(256),
            AudioCapability::G7231(G7231Capability {
                max_al_sdu_audio_frames: 8,
                silence_suppression: true,
            }),
            AudioCapability::G729(2),
            AudioCapability::G729AnnexA(3),
            AudioCapability::G729wAnnexB(4),
            AudioCapability::G729AnnexAwAnnexB(5),
            AudioCapability::GsmFullRate(GsmAudioCapability {
                audio_unit_size: 33,
                comfort_noise: false,
                scrambled: false,
            }),
            AudioCapability::G729Extensions(G729Extensions {
                audio_unit: Some(2),
                annex_a: true,
                annex_b: true,
                annex_d: false,
                annex_e: false,
                annex_f: false,
                annex_g: false,
                annex_h: false,
            }),
            AudioCapability::Vbd(VbdCapability {
                r#type: Box::new(AudioCapability::G711Ulaw64k(20)),
            }),
            AudioCapability::AudioTelephonyEvent(NoPtAudioTelephonyEventCapability {
                audio_telephone_event: GeneralString::try_from(String::from("0-16")).unwrap(),
            }),
            AudioCapability::AudioTone(NoPtAudioToneCapability {}),
        ];
        for a in audio {
            let entry = CapabilityTableEntry {
                capability_table_entry_number: CapabilityTableEntryNumber(1),
                capability: Some(Capability::ReceiveAndTransmitAudioCapability(a)),
            };
            let MultimediaSystemControlMessage::Request(RequestMessage::TerminalCapabilitySet(
                mut tcs,
            )) = crate::messages::terminal_capability_set(1, &[council_rtp::Codec::Pcmu])
            else {
                unreachable!()
            };
            tcs.capability_table = Some(vec![entry]);
            let m =
                MultimediaSystemControlMessage::Request(RequestMessage::TerminalCapabilitySet(tcs));
            assert_eq!(crate::decode(&crate::encode(&m).unwrap()).unwrap(), m);
        }
    }
}
