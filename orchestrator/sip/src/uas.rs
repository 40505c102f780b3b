//! What a UAS checks in a well-formed request before handling it (RFC 3261 §8.2, in its order), and what a
//! UAC checks in a response (§8.1.3.3).
//!
//! The parser answers syntax; these answer meaning: a method we do not handle (405 with `Allow`, or 501 for
//! an unknown one), a Request-URI scheme we do not serve (416), a `Require`d extension we lack (420 with
//! `Unsupported`), a body type we cannot read (415 with `Accept`), an INVITE whose `Accept` excludes SDP
//! (406), a branch that is only the magic cookie (400). Max-Forwards is not checked: Council's SIP side is
//! a UAS (it terminates calls as a B2BUA), and RFC 4475 §3.3.11 has an endpoint handle `Max-Forwards: 0`
//! as usual; only a proxy answers 483.

use crate::message::{Method, Request, Response};

/// The RFC 3261 magic cookie that starts every RFC 3261 branch (§8.1.1.7).
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// What this UAS supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UasPolicy {
    /// Methods it handles; others get 405 (known) or 501 (unknown).
    pub methods: Vec<Method>,
    /// Request-URI schemes it serves, lower-case; others get 416.
    pub schemes: Vec<String>,
    /// Option tags it supports; a `Require` of another gets 420.
    pub extensions: Vec<String>,
    /// Body types it reads, lower-case `type/subtype`; others get 415.
    pub content_types: Vec<String>,
}

impl Default for UasPolicy {
    /// Council's SIP side: INVITE, ACK, BYE, CANCEL, OPTIONS over `sip:`/`sips:`, SDP bodies, no extensions.
    fn default() -> Self {
        UasPolicy {
            methods: vec![
                Method::Invite,
                Method::Ack,
                Method::Bye,
                Method::Cancel,
                Method::Options,
            ],
            schemes: vec!["sip".into(), "sips".into()],
            extensions: Vec::new(),
            content_types: vec!["application/sdp".into()],
        }
    }
}

/// The outcome of [`inspect_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Hand the request to the transaction user.
    Proceed,
    /// Answer with this status, reason and extra headers (the rest per RFC 3261 §8.2.6, see
    /// [`Response::reply_to`]).
    Reject {
        status: u16,
        reason: &'static str,
        headers: Vec<(&'static str, String)>,
    },
    /// Say nothing: an ACK is never answered (RFC 3261 §17.2.3), even when it is unacceptable.
    Drop,
}

fn reject(status: u16, reason: &'static str, headers: Vec<(&'static str, String)>) -> Verdict {
    Verdict::Reject {
        status,
        reason,
        headers,
    }
}

/// RFC 3261 §8.2 for a request that parsed.
pub fn inspect_request(request: &Request, policy: &UasPolicy) -> Verdict {
    let verdict = inspect(request, policy);
    if request.method == Method::Ack && verdict != Verdict::Proceed {
        return Verdict::Drop;
    }
    verdict
}

fn inspect(request: &Request, policy: &UasPolicy) -> Verdict {
    // Transaction layer first: a branch that is only the cookie cannot identify a transaction (RFC 4475
    // §3.2.1 allows rejecting it; doing so statelessly keeps bad clients from creating state).
    if request.core.via.first().and_then(|v| v.branch()) == Some(MAGIC_COOKIE) {
        return reject(400, "Missing transaction identifier in branch", Vec::new());
    }
    // §8.2.1 method inspection.
    if !policy.methods.contains(&request.method) {
        if !request.method.is_known() {
            return reject(501, "Not Implemented", Vec::new());
        }
        let allow = policy
            .methods
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        return reject(405, "Method Not Allowed", vec![("Allow", allow)]);
    }
    // §8.2.2.1 Request-URI scheme.
    if !policy.schemes.contains(&request.uri.scheme) {
        return reject(416, "Unsupported URI Scheme", Vec::new());
    }
    // §8.2.2.3 Require (never for CANCEL or ACK).
    if !matches!(request.method, Method::Cancel | Method::Ack) {
        let unsupported: Vec<&str> = request
            .core
            .require
            .iter()
            .filter(|t| !policy.extensions.iter().any(|e| e.eq_ignore_ascii_case(t)))
            .map(String::as_str)
            .collect();
        if !unsupported.is_empty() {
            return reject(
                420,
                "Bad Extension",
                vec![("Unsupported", unsupported.join(", "))],
            );
        }
    }
    // §8.2.3 content processing.
    if !request.body.is_empty() {
        let readable = request
            .core
            .content_type
            .as_ref()
            .is_some_and(|t| policy.content_types.contains(t));
        if !readable {
            return reject(
                415,
                "Unsupported Media Type",
                vec![("Accept", policy.content_types.join(", "))],
            );
        }
    }
    // An INVITE is answered with SDP; an Accept without it leaves nothing to answer with (RFC 4475 §3.3.15).
    if request.method == Method::Invite
        && let Some(accept) = request.headers.get("Accept")
        && !accept.split(',').any(accepts_sdp)
    {
        return reject(
            406,
            "Not Acceptable",
            vec![("Accept", "application/sdp".to_owned())],
        );
    }
    Verdict::Proceed
}

fn accepts_sdp(range: &str) -> bool {
    let media = range
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(media.as_str(), "application/sdp" | "application/*" | "*/*")
}

/// The outcome of [`inspect_response`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseVerdict {
    Proceed,
    /// RFC 3261 §8.1.3.3: a response with more than one Via was not meant for a UAC (RFC 4475 bcast).
    Discard,
}

/// RFC 3261 §8.1.3.3 for a response that parsed, at a UAC.
pub fn inspect_response(response: &Response) -> ResponseVerdict {
    if response.core.via.len() == 1 {
        ResponseVerdict::Proceed
    } else {
        ResponseVerdict::Discard
    }
}
