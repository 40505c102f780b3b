//! The wire layer: RAS datagrams (H.225.0 aligned PER, `council-h225`) to [`Request`]s, and [`Reply`]s to
//! datagrams. Everything a gatekeeper does not answer (confirms and rejects from others, IRRs, RAIs, …) comes out
//! as [`Incoming::Ignored`]; what does not decode is a [`WireError`] — never a panic.

use std::net::SocketAddr;

use council_h225::{
    self as h225, AliasAddress, AlternateGk, EndpointIdentifier, GatekeeperIdentifier, RasMessage,
    RequestSeqNum, TimeToLive, TransportAddress, builders,
};

use crate::ras::{
    AdmissionRequest, Alias, AlternateGatekeeper, ArjReason, BandwidthRequest, BrjReason,
    CallModel, DisengageRequest, DrjReason, GatekeeperRequest, GrjReason, Guid, LocationRequest,
    LrjReason, RegistrationRequest, Reply, Request, RrjReason, UnregistrationRequest, UrjReason,
};

/// Why a datagram was not a request we could take.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("undecodable RAS: {0}")]
    Decode(#[from] h225::RasError),
    #[error("{kind} has no usable {what}")]
    Missing {
        kind: &'static str,
        what: &'static str,
    },
}

/// A decoded datagram.
#[derive(Debug)]
pub enum Incoming {
    Request(Request),
    /// A valid RAS message a gatekeeper does not answer (named by its short name, e.g. `RCF`, `IRR`).
    Ignored(&'static str),
}

fn alias(a: &AliasAddress) -> Option<Alias> {
    Some(match a {
        AliasAddress::H323Id(_) => Alias::H323Id(a.as_text()?),
        AliasAddress::DialledDigits(_) => Alias::DialedDigits(a.as_text()?),
        AliasAddress::UrlId(_) => Alias::Url(a.as_text()?),
        AliasAddress::EmailId(_) => Alias::Email(a.as_text()?),
        AliasAddress::PartyNumber(h225::PartyNumber::E164Number(n)) => {
            Alias::E164(n.public_number_digits.0.to_string())
        }
        _ => return None,
    })
}

fn aliases(list: Option<&Vec<AliasAddress>>) -> Vec<Alias> {
    list.map(|l| l.iter().filter_map(alias).collect())
        .unwrap_or_default()
}

/// An alias back to the wire; an alias that does not fit its kind's constraints is left out.
fn alias_out(a: &Alias) -> Option<AliasAddress> {
    match a {
        Alias::H323Id(s) => AliasAddress::h323_id(s).ok(),
        Alias::DialedDigits(s) | Alias::E164(s) => AliasAddress::dialled_digits(s).ok(),
        Alias::Url(s) => AliasAddress::url_id(s).ok(),
        Alias::Email(s) => AliasAddress::email_id(s).ok(),
    }
}

fn addrs(list: &[TransportAddress]) -> Vec<SocketAddr> {
    list.iter()
        .filter_map(TransportAddress::to_socket_addr)
        .collect()
}

fn guid(bytes: &[u8]) -> Guid {
    let mut g = [0u8; 16];
    let n = bytes.len().min(16);
    g[..n].copy_from_slice(&bytes[..n]);
    g
}

/// Decodes one datagram.
pub fn decode_request(datagram: &[u8]) -> Result<Incoming, WireError> {
    let msg = h225::decode(datagram)?;
    Ok(Incoming::Request(match msg {
        RasMessage::GatekeeperRequest(m) => Request::Gatekeeper(GatekeeperRequest {
            seq: m.request_seq_num.0,
            gatekeeper_id: m.gatekeeper_identifier.map(|g| g.to_string()),
            ras_address: m.ras_address.to_socket_addr().ok_or(WireError::Missing {
                kind: "GRQ",
                what: "IP RAS address",
            })?,
            aliases: aliases(m.endpoint_alias.as_ref()),
        }),
        RasMessage::RegistrationRequest(m) => Request::Registration(RegistrationRequest {
            seq: m.request_seq_num.0,
            keep_alive: m.keep_alive.unwrap_or(false),
            endpoint_id: m.endpoint_identifier.map(|e| e.to_string()),
            call_signal: addrs(&m.call_signal_address),
            ras: addrs(&m.ras_address),
            aliases: aliases(m.terminal_alias.as_ref()),
            ttl: m.time_to_live.map(|t| t.0),
            gatekeeper_id: m.gatekeeper_identifier.map(|g| g.to_string()),
        }),
        RasMessage::UnregistrationRequest(m) => Request::Unregistration(UnregistrationRequest {
            seq: m.request_seq_num.0,
            endpoint_id: m.endpoint_identifier.map(|e| e.to_string()),
            call_signal: addrs(&m.call_signal_address),
            aliases: aliases(m.endpoint_alias.as_ref()),
        }),
        RasMessage::AdmissionRequest(m) => Request::Admission(AdmissionRequest {
            seq: m.request_seq_num.0,
            endpoint_id: m.endpoint_identifier.to_string(),
            // Version 1 endpoints have no callIdentifier: the conference identifier names the call then.
            call_id: guid(
                m.call_identifier
                    .as_ref()
                    .map_or(&m.conference_id[..], |c| &c.guid[..]),
            ),
            call_reference: m.call_reference_value,
            conference_id: guid(&m.conference_id[..]),
            destination: aliases(m.destination_info.as_ref()),
            dest_call_signal: m
                .dest_call_signal_address
                .as_ref()
                .and_then(TransportAddress::to_socket_addr),
            source: m.src_info.iter().filter_map(alias).collect(),
            bandwidth: m.band_width,
            answer_call: m.answer_call,
        }),
        RasMessage::BandwidthRequest(m) => Request::Bandwidth(BandwidthRequest {
            seq: m.request_seq_num.0,
            endpoint_id: m.endpoint_identifier.to_string(),
            call_id: guid(
                m.call_identifier
                    .as_ref()
                    .map_or(&m.conference_id[..], |c| &c.guid[..]),
            ),
            bandwidth: m.band_width,
        }),
        RasMessage::DisengageRequest(m) => Request::Disengage(DisengageRequest {
            seq: m.request_seq_num.0,
            endpoint_id: m.endpoint_identifier.to_string(),
            call_id: guid(
                m.call_identifier
                    .as_ref()
                    .map_or(&m.conference_id[..], |c| &c.guid[..]),
            ),
        }),
        RasMessage::LocationRequest(m) => Request::Location(LocationRequest {
            seq: m.request_seq_num.0,
            destination: m.destination_info.iter().filter_map(alias).collect(),
            reply_address: m.reply_address.to_socket_addr().ok_or(WireError::Missing {
                kind: "LRQ",
                what: "IP reply address",
            })?,
        }),
        other => return Ok(Incoming::Ignored(other.short_name())),
    }))
}

fn seq(n: u16) -> RequestSeqNum {
    // RequestSeqNum is 1..=65535; a peer's 0 could not have been decoded, so this holds for what we answer.
    RequestSeqNum(n.max(1))
}

fn gk_id(s: &str) -> Option<GatekeeperIdentifier> {
    GatekeeperIdentifier::new(s).ok()
}

fn alternates(list: &[AlternateGatekeeper]) -> Vec<AlternateGk> {
    list.iter()
        .map(|a| {
            AlternateGk::new(
                TransportAddress::from_socket_addr(a.ras_address),
                a.gatekeeper_id.as_deref().and_then(gk_id),
                a.need_to_register,
                a.priority,
            )
        })
        .collect()
}

/// Encodes one reply.
pub fn encode_reply(reply: &Reply) -> Result<Vec<u8>, h225::RasError> {
    use h225::{
        AdmissionRejectReason as Arj, BandRejectReason as Brj, DisengageRejectReason as Drj,
        GatekeeperRejectReason as Grj, LocationRejectReason as Lrj,
        RegistrationRejectReason as Rrj, UnregRejectReason as Urj,
    };
    let msg = match reply {
        Reply::Gcf {
            seq: s,
            gatekeeper_id,
            ras_address,
            alternates: alt,
        } => builders::gatekeeper_confirm(
            seq(*s),
            gk_id(gatekeeper_id),
            TransportAddress::from_socket_addr(*ras_address),
            alternates(alt),
        ),
        Reply::Grj {
            seq: s,
            gatekeeper_id,
            reason,
        } => builders::gatekeeper_reject(
            seq(*s),
            gk_id(gatekeeper_id),
            match reason {
                GrjReason::ResourceUnavailable => Grj::ResourceUnavailable,
                GrjReason::TerminalExcluded => Grj::TerminalExcluded,
                GrjReason::InvalidRevision => Grj::InvalidRevision,
                GrjReason::UndefinedReason => Grj::UndefinedReason,
            },
        ),
        Reply::Rcf {
            seq: s,
            gatekeeper_id,
            endpoint_id,
            call_signal,
            aliases,
            ttl,
            alternates: alt,
        } => builders::registration_confirm(
            seq(*s),
            builders::RegistrationGrant {
                call_signal_address: call_signal
                    .iter()
                    .map(|a| TransportAddress::from_socket_addr(*a))
                    .collect(),
                terminal_alias: aliases.iter().filter_map(alias_out).collect(),
                gatekeeper_identifier: gk_id(gatekeeper_id),
                endpoint_identifier: EndpointIdentifier::new(endpoint_id)?,
                time_to_live: Some(TimeToLive::new(*ttl)?),
                alternate_gatekeepers: alternates(alt),
                will_respond_to_irr: false,
            },
        ),
        Reply::Rrj {
            seq: s,
            gatekeeper_id,
            reason,
        } => builders::registration_reject(
            seq(*s),
            gk_id(gatekeeper_id),
            match reason {
                RrjReason::DiscoveryRequired => Rrj::DiscoveryRequired,
                RrjReason::InvalidCallSignalAddress => Rrj::InvalidCallSignalAddress,
                RrjReason::InvalidRasAddress => Rrj::InvalidRasAddress,
                RrjReason::DuplicateAlias(a) => {
                    Rrj::DuplicateAlias(a.iter().filter_map(alias_out).collect())
                }
                RrjReason::UndefinedReason => Rrj::UndefinedReason,
                RrjReason::ResourceUnavailable => Rrj::ResourceUnavailable,
                RrjReason::FullRegistrationRequired => Rrj::FullRegistrationRequired,
            },
        ),
        Reply::Ucf { seq: s } => builders::unregistration_confirm(seq(*s)),
        Reply::Urj { seq: s, reason } => builders::unregistration_reject(
            seq(*s),
            match reason {
                UrjReason::NotCurrentlyRegistered => Urj::NotCurrentlyRegistered,
                UrjReason::CallInProgress => Urj::CallInProgress,
                UrjReason::UndefinedReason => Urj::UndefinedReason,
            },
        ),
        Reply::Acf {
            seq: s,
            bandwidth,
            call_model,
            dest_call_signal,
            ..
        } => builders::admission_confirm(
            seq(*s),
            *bandwidth,
            match call_model {
                CallModel::Direct => h225::CallModel::Direct,
                CallModel::GatekeeperRouted => h225::CallModel::GatekeeperRouted,
            },
            TransportAddress::from_socket_addr(*dest_call_signal),
            None,
        ),
        Reply::Arj { seq: s, reason } => builders::admission_reject(
            seq(*s),
            match reason {
                ArjReason::CalledPartyNotRegistered => Arj::CalledPartyNotRegistered,
                ArjReason::InvalidPermission => Arj::InvalidPermission,
                ArjReason::RequestDenied => Arj::RequestDenied,
                ArjReason::UndefinedReason => Arj::UndefinedReason,
                ArjReason::CallerNotRegistered => Arj::CallerNotRegistered,
                ArjReason::RouteCallToGatekeeper => Arj::RouteCallToGatekeeper,
                ArjReason::InvalidEndpointIdentifier => Arj::InvalidEndpointIdentifier,
                ArjReason::ResourceUnavailable => Arj::ResourceUnavailable,
                ArjReason::SecurityDenial => Arj::SecurityDenial,
                ArjReason::ExceedsCallCapacity => Arj::ExceedsCallCapacity,
            },
        ),
        Reply::Bcf { seq: s, bandwidth } => builders::bandwidth_confirm(seq(*s), *bandwidth),
        Reply::Brj {
            seq: s,
            reason,
            allowed,
        } => builders::bandwidth_reject(
            seq(*s),
            match reason {
                BrjReason::NotBound => Brj::NotBound,
                BrjReason::InvalidConferenceId => Brj::InvalidConferenceId,
                BrjReason::InvalidPermission => Brj::InvalidPermission,
                BrjReason::InsufficientResources => Brj::InsufficientResources,
                BrjReason::InvalidRevision => Brj::InvalidRevision,
                BrjReason::UndefinedReason => Brj::UndefinedReason,
            },
            *allowed,
        ),
        Reply::Dcf { seq: s } => builders::disengage_confirm(seq(*s)),
        Reply::Drj { seq: s, reason } => builders::disengage_reject(
            seq(*s),
            match reason {
                DrjReason::NotRegistered => Drj::NotRegistered,
                DrjReason::RequestToDropOther => Drj::RequestToDropOther,
            },
        ),
        Reply::Lcf {
            seq: s,
            call_signal,
            ras,
        } => builders::location_confirm(
            seq(*s),
            TransportAddress::from_socket_addr(*call_signal),
            TransportAddress::from_socket_addr(*ras),
            Vec::new(),
        ),
        Reply::Lrj { seq: s, reason } => builders::location_reject(
            seq(*s),
            match reason {
                LrjReason::NotRegistered => Lrj::NotRegistered,
                LrjReason::InvalidPermission => Lrj::InvalidPermission,
                LrjReason::RequestDenied => Lrj::RequestDenied,
                LrjReason::UndefinedReason => Lrj::UndefinedReason,
            },
        ),
    };
    h225::encode(&msg)
}
