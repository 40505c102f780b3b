//! RFC 4475 (SIP torture test messages), all 49, each against what the RFC says an element must do with it.
//!
//! Two layers answer: the parser ([`parse_datagram`]: accept, or reject with the status to send / drop a
//! bad response) and, for messages that parse, the UAS/UAC checks ([`uas`]). Every file is in the table;
//! a test fails if a file is added or missing.

use std::path::PathBuf;

use council_sip::parse::Problem;
use council_sip::uas::{self, ResponseVerdict, UasPolicy, Verdict};
use council_sip::{Message, Method, Response, parse_datagram};

/// What the UA layer does with a message that parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ua {
    /// Handled as usual.
    Proceed,
    /// Answered with this status.
    Reject(u16),
    /// A response the UAC throws away.
    Discard,
}

enum Expect {
    /// Well formed: the parser accepts it, `check` looks at parsed fields, the UA layer does `Ua`.
    Valid(Ua, fn(&Message)),
    /// The parser rejects it: `Some(status)` to answer with, `None` to drop it (a response), and the
    /// problem it must name.
    Invalid(Option<u16>, fn(&Problem) -> bool),
}

struct Case {
    file: &'static str,
    /// RFC 4475 section.
    section: &'static str,
    expect: Expect,
}

fn req(m: &Message) -> &council_sip::Request {
    match m {
        Message::Request(r) => r,
        Message::Response(_) => panic!("expected a request"),
    }
}

fn resp(m: &Message) -> &Response {
    match m {
        Message::Response(r) => r,
        Message::Request(_) => panic!("expected a response"),
    }
}

fn cases() -> Vec<Case> {
    use Expect::{Invalid, Valid};
    use Ua::{Discard, Proceed, Reject};
    let c = |file, section, expect| Case {
        file,
        section,
        expect,
    };
    vec![
        // §3.1.1 valid messages: every one must be accepted.
        c(
            "wsinv",
            "3.1.1.1",
            Valid(Proceed, |m| {
                let r = req(m);
                assert_eq!(r.method, Method::Invite);
                assert_eq!(r.core.call_id, "wsinv.ndaksdj@192.0.2.1");
                assert_eq!((r.core.cseq.seq, r.core.max_forwards), (9, Some(68)));
                assert_eq!(r.core.to.tag(), Some("1918181833n"));
                assert_eq!(r.core.from.display.as_deref(), Some("J Rosenberg \\\""));
                let transports: Vec<_> = r.core.via.iter().map(|v| v.transport.as_str()).collect();
                assert_eq!(transports, ["UDP", "TCP", "UDP"]);
                assert_eq!(r.core.via[2].branch(), Some("z9hG4bK30239"));
                assert_eq!(r.headers.get("Subject"), Some(""));
                assert_eq!(
                    r.headers.get("NewFangledHeader"),
                    Some("newfangled value continued newfangled value")
                );
                assert_eq!(r.body.len(), 150);
            }),
        ),
        c(
            "intmeth",
            "3.1.1.2",
            Valid(Reject(501), |m| {
                let r = req(m);
                assert_eq!(
                    r.method,
                    Method::Extension("!interesting-Method0123456789_*+`.%indeed'~".into())
                );
                assert_eq!(
                    r.core.to.display.as_deref(),
                    Some("BEL:\x07 NUL:\x00 DEL:\x7f")
                );
                assert_eq!(
                    r.core.call_id,
                    "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"
                );
                assert_eq!(
                    r.uri.sip.as_ref().unwrap().password.as_deref(),
                    Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
                );
                assert_eq!(r.core.from.tag(), Some("_token~1'+`*%!-."));
            }),
        ),
        c(
            "esc01",
            "3.1.1.3",
            Valid(Proceed, |m| {
                let r = req(m);
                assert_eq!(
                    r.uri.sip.as_ref().unwrap().user_unescaped().unwrap(),
                    b"sips:user@example.com"
                );
                assert_eq!(
                    r.core
                        .to
                        .uri
                        .sip
                        .as_ref()
                        .unwrap()
                        .user_unescaped()
                        .unwrap(),
                    b"user"
                );
                assert_eq!(r.core.content_type.as_deref(), Some("application/sdp"));
                assert_eq!(r.body.len(), 150);
            }),
        ),
        c(
            "escnull",
            "3.1.1.4",
            Valid(Reject(405), |m| {
                let r = req(m);
                assert_eq!(r.method, Method::Register);
                assert_eq!(
                    r.core
                        .to
                        .uri
                        .sip
                        .as_ref()
                        .unwrap()
                        .user_unescaped()
                        .unwrap(),
                    b"null-\0-null"
                );
                // Two distinct contacts: %00 and %00%00.
                let users: Vec<_> = r
                    .core
                    .contact
                    .iter()
                    .map(|c| {
                        c.as_ref()
                            .unwrap()
                            .uri
                            .sip
                            .as_ref()
                            .unwrap()
                            .user_unescaped()
                            .unwrap()
                    })
                    .collect();
                assert_eq!(users, [b"\0".to_vec(), b"\0\0".to_vec()]);
            }),
        ),
        c(
            "esc02",
            "3.1.1.5",
            Valid(Reject(501), |m| {
                let r = req(m);
                // RE%47IST%45R is an extension method, not REGISTER; C%6Fntact is an extension header.
                assert_eq!(r.method, Method::Extension("RE%47IST%45R".into()));
                assert_eq!(r.core.contact.len(), 2);
                assert_eq!(
                    r.headers.get("C%6Fntact"),
                    Some("<sip:alias2@host2.example.com>")
                );
                assert_eq!(r.core.to.display.as_deref(), Some("%Z%45"));
            }),
        ),
        c(
            "lwsdisp",
            "3.1.1.6",
            Valid(Proceed, |m| {
                let r = req(m);
                assert_eq!(r.core.from.display.as_deref(), Some("caller"));
                assert_eq!(r.core.from.tag(), Some("323"));
            }),
        ),
        c(
            "longreq",
            "3.1.1.7",
            Valid(Proceed, |m| {
                let r = req(m);
                assert_eq!(r.core.via.len(), 34);
                assert_eq!(r.core.via[0].host, "sip33.example.com");
                assert!(r.core.call_id.starts_with("longreq.onereallyreally"));
                assert!(r.core.from.tag().unwrap().len() > 100);
                assert_eq!(r.body.len(), 150);
            }),
        ),
        c(
            "dblreq",
            "3.1.1.8",
            Valid(Reject(405), |m| {
                // Only the REGISTER; the INVITE after its Content-Length is datagram noise.
                let r = req(m);
                assert_eq!(r.method, Method::Register);
                assert_eq!(r.core.call_id, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
                assert!(r.body.is_empty());
            }),
        ),
        c(
            "semiuri",
            "3.1.1.9",
            Valid(Proceed, |m| {
                let sip = req(m).uri.sip.clone().unwrap();
                assert_eq!(sip.user_unescaped().unwrap(), b"user;par=u@example.net");
                assert_eq!(sip.host, "example.com");
                assert!(sip.params.is_empty());
            }),
        ),
        c(
            "transports",
            "3.1.1.10",
            Valid(Proceed, |m| {
                let t: Vec<_> = req(m)
                    .core
                    .via
                    .iter()
                    .map(|v| v.transport.as_str())
                    .collect();
                assert_eq!(t, ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);
            }),
        ),
        c(
            "mpart01",
            "3.1.1.11",
            Valid(Reject(405), |m| {
                let r = req(m);
                assert_eq!(r.method, Method::Message);
                assert_eq!(r.core.content_type.as_deref(), Some("multipart/mixed"));
                assert_eq!(r.body.len(), 553);
                assert!(r.body.contains(&0));
            }),
        ),
        c(
            "unreason",
            "3.1.1.12",
            Valid(Proceed, |m| {
                let r = resp(m);
                assert_eq!(r.status, 200);
                assert!(r.reason.starts_with("= 2**3 * 5**2 но сто девяносто"));
                assert_eq!(r.body.len(), 154);
            }),
        ),
        c(
            "noreason",
            "3.1.1.13",
            Valid(Proceed, |m| {
                let r = resp(m);
                assert_eq!((r.status, r.reason.as_str()), (100, ""));
            }),
        ),
        // §3.1.2 invalid messages.
        c(
            "badinv01",
            "3.1.2.1",
            Invalid(Some(400), |p| {
                matches!(p, Problem::Header { header: "Via", .. })
            }),
        ),
        c(
            "clerr",
            "3.1.2.2",
            Invalid(Some(400), |p| {
                matches!(p, Problem::BodyTooShort { declared: 9999, .. })
            }),
        ),
        c(
            "ncl",
            "3.1.2.3",
            Invalid(Some(400), |p| {
                matches!(
                    p,
                    Problem::Header {
                        header: "Content-Length",
                        ..
                    }
                )
            }),
        ),
        c(
            "scalar02",
            "3.1.2.4",
            Invalid(Some(400), |p| {
                matches!(p, Problem::Header { header: "CSeq", .. })
            }),
        ),
        c(
            "scalarlg",
            "3.1.2.5",
            Invalid(None, |p| {
                matches!(p, Problem::Header { header: "CSeq", .. })
            }),
        ),
        c(
            "quotbal",
            "3.1.2.6",
            Invalid(Some(400), |p| {
                matches!(p, Problem::Header { header: "To", .. })
            }),
        ),
        c(
            "ltgtruri",
            "3.1.2.7",
            Invalid(Some(400), |p| matches!(p, Problem::RequestUri(_))),
        ),
        c(
            "lwsruri",
            "3.1.2.8",
            Invalid(Some(400), |p| matches!(p, Problem::StartLine(_))),
        ),
        c(
            "lwsstart",
            "3.1.2.9",
            Invalid(Some(400), |p| matches!(p, Problem::StartLine(_))),
        ),
        c(
            "trws",
            "3.1.2.10",
            Invalid(Some(400), |p| matches!(p, Problem::StartLine(_))),
        ),
        c(
            "escruri",
            "3.1.2.11",
            Invalid(Some(400), |p| matches!(p, Problem::RequestUri(_))),
        ),
        c(
            "baddate",
            "3.1.2.12",
            Invalid(Some(400), |p| {
                matches!(p, Problem::Header { header: "Date", .. })
            }),
        ),
        c(
            "regbadct",
            "3.1.2.13",
            Invalid(Some(400), |p| {
                matches!(
                    p,
                    Problem::Header {
                        header: "Contact",
                        ..
                    }
                )
            }),
        ),
        c(
            "badaspec",
            "3.1.2.14",
            Invalid(Some(400), |p| {
                matches!(p, Problem::Header { header: "To", .. })
            }),
        ),
        // The vendored file ends without the empty line after the headers (the RFC's text has it): as a
        // datagram that alone is a 400; `baddn_with_its_empty_line` checks the display names.
        c(
            "baddn",
            "3.1.2.15",
            Invalid(Some(400), |p| matches!(p, Problem::NoEndOfHeaders)),
        ),
        c(
            "badvers",
            "3.1.2.16",
            Invalid(
                Some(505),
                |p| matches!(p, Problem::Version(v) if v == "SIP/7.0"),
            ),
        ),
        c(
            "mismatch01",
            "3.1.2.17",
            Invalid(Some(400), |p| matches!(p, Problem::CSeqMismatch { .. })),
        ),
        c(
            "mismatch02",
            "3.1.2.18",
            Invalid(Some(501), |p| matches!(p, Problem::CSeqMismatch { .. })),
        ),
        c(
            "bigcode",
            "3.1.2.19",
            Invalid(None, |p| matches!(p, Problem::StatusCode)),
        ),
        // §3.2 transaction layer.
        c(
            "badbranch",
            "3.2.1",
            Valid(Reject(400), |m| {
                assert_eq!(req(m).core.via[0].branch(), Some("z9hG4bK"));
            }),
        ),
        // §3.3 application layer.
        c(
            "insuf",
            "3.3.1",
            Invalid(Some(400), |p| matches!(p, Problem::Missing("Call-ID"))),
        ),
        c(
            "unkscm",
            "3.3.2",
            Valid(Reject(416), |m| {
                let r = req(m);
                assert_eq!(r.uri.scheme, "nobodyknowsthisscheme");
                assert!(r.uri.sip.is_none());
            }),
        ),
        c(
            "novelsc",
            "3.3.3",
            Valid(Reject(416), |m| {
                assert_eq!(req(m).uri.text, "soap.beep://192.0.2.103:3002");
            }),
        ),
        // A registrar would answer 400 (To must be a SIP URI); we are not one, so REGISTER gets 405.
        c(
            "unksm2",
            "3.3.4",
            Valid(Reject(405), |m| {
                let r = req(m);
                assert_eq!(r.core.to.uri.scheme, "isbn");
                assert_eq!(r.core.from.uri.scheme, "http");
                assert_eq!(
                    r.core.contact[0].as_ref().unwrap().uri.text,
                    "name:John_Smith"
                );
            }),
        ),
        c(
            "bext01",
            "3.3.5",
            Valid(Reject(420), |m| {
                let r = req(m);
                assert_eq!(
                    r.core.require,
                    ["nothingSupportsThis", "nothingSupportsThisEither"]
                );
                assert_eq!(r.core.via[0].transport, "TLS");
            }),
        ),
        c(
            "invut",
            "3.3.6",
            Valid(Reject(415), |m| {
                let r = req(m);
                assert_eq!(
                    r.core.content_type.as_deref(),
                    Some("application/unknownformat")
                );
                assert_eq!(r.body.len(), 40);
            }),
        ),
        // Endpoints that are not registrars answer REGISTER with 405 (RFC 4475 §3.3.7).
        c(
            "regaut01",
            "3.3.7",
            Valid(Reject(405), |m| {
                assert_eq!(
                    req(m).headers.get("Authorization"),
                    Some("NoOneKnowsThisScheme opaque-data=here")
                );
            }),
        ),
        c(
            "multi01",
            "3.3.8",
            Invalid(Some(400), |p| matches!(p, Problem::Duplicate(_))),
        ),
        c(
            "mcl01",
            "3.3.9",
            Invalid(Some(400), |p| {
                matches!(p, Problem::Duplicate("Content-Length"))
            }),
        ),
        c(
            "bcast",
            "3.3.10",
            Valid(Discard, |m| {
                let r = resp(m);
                assert_eq!(r.core.via[1].host, "255.255.255.255");
            }),
        ),
        // An endpoint handles Max-Forwards: 0 as usual; only a proxy answers 483.
        c(
            "zeromf",
            "3.3.11",
            Valid(Proceed, |m| {
                assert_eq!(req(m).core.max_forwards, Some(0));
            }),
        ),
        c(
            "cparam01",
            "3.3.12",
            Valid(Reject(405), |m| {
                let contact = req(m).core.contact[0].clone().unwrap();
                assert!(contact.uri.sip.unwrap().params.is_empty());
                assert_eq!(contact.params[0].name, "unknownparam");
            }),
        ),
        c(
            "cparam02",
            "3.3.13",
            Valid(Reject(405), |m| {
                let contact = req(m).core.contact[0].clone().unwrap();
                assert_eq!(contact.uri.sip.unwrap().params[0].name, "unknownparam");
                assert!(contact.params.is_empty());
            }),
        ),
        c(
            "regescrt",
            "3.3.14",
            Valid(Reject(405), |m| {
                let contact = req(m).core.contact[0].clone().unwrap();
                assert_eq!(
                    contact.uri.sip.unwrap().headers.as_deref(),
                    Some("Route=%3Csip:sip.example.com%3E")
                );
            }),
        ),
        c(
            "sdp01",
            "3.3.15",
            Valid(Reject(406), |m| {
                assert_eq!(req(m).headers.get("Accept"), Some("text/nobodyKnowsThis"));
            }),
        ),
        // §3.4 backward compatibility.
        c(
            "inv2543",
            "3.4.1",
            Valid(Proceed, |m| {
                let r = req(m);
                assert_eq!(r.core.max_forwards, None);
                assert_eq!(r.core.from.tag(), None);
                assert_eq!(r.core.via[0].branch(), None);
                assert_eq!(r.body.len(), 105);
            }),
        ),
    ]
}

fn data(file: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sip-torture")
        .join(format!("{file}.dat"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ua_outcome(m: &Message) -> Ua {
    match m {
        Message::Request(r) => match uas::inspect_request(r, &UasPolicy::default()) {
            Verdict::Proceed => Ua::Proceed,
            Verdict::Reject { status, .. } => Ua::Reject(status),
            Verdict::Drop => Ua::Discard,
        },
        Message::Response(r) => match uas::inspect_response(r) {
            ResponseVerdict::Proceed => Ua::Proceed,
            ResponseVerdict::Discard => Ua::Discard,
        },
    }
}

#[test]
fn every_file_is_in_the_table() {
    let mut on_disk: Vec<String> =
        std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sip-torture"))
            .unwrap()
            .filter_map(|e| {
                e.unwrap()
                    .file_name()
                    .into_string()
                    .ok()?
                    .strip_suffix(".dat")
                    .map(str::to_owned)
            })
            .collect();
    on_disk.sort();
    let mut table: Vec<String> = cases().iter().map(|c| c.file.to_owned()).collect();
    table.sort();
    assert_eq!(on_disk, table);
    assert_eq!(table.len(), 49);
}

#[test]
fn rfc4475() {
    let mut failures = Vec::new();
    for case in cases() {
        let parsed = parse_datagram(&data(case.file));
        match (&case.expect, parsed) {
            (Expect::Valid(ua, check), Ok(m)) => {
                check(&m);
                let got = ua_outcome(&m);
                if got != *ua {
                    failures.push(format!(
                        "{} (§{}): UA layer {got:?}, want {ua:?}",
                        case.file, case.section
                    ));
                }
            }
            (Expect::Valid(..), Err(e)) => failures.push(format!(
                "{} (§{}): rejected ({e}), want accepted",
                case.file, case.section
            )),
            (Expect::Invalid(status, problem), Err(e)) => {
                if e.status() != *status || !problem(&e.problem) {
                    failures.push(format!(
                        "{} (§{}): {:?} {:?}, want {status:?} and another problem",
                        case.file,
                        case.section,
                        e.status(),
                        e.problem
                    ));
                }
            }
            (Expect::Invalid(status, _), Ok(_)) => failures.push(format!(
                "{} (§{}): accepted, want {status:?}",
                case.file, case.section
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn baddn_with_its_empty_line() {
    let mut text = data("baddn");
    text.extend_from_slice(b"\r\n");
    let e = parse_datagram(&text).unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(
        matches!(e.problem, Problem::Header { header: "From", .. }),
        "{:?}",
        e.problem
    );
    assert_eq!(
        e.reason(),
        "Malformed From header: display name with non-token characters is not quoted"
    );
}

/// The UA's answer to a request the parser rejected can still copy Via, Call-ID and CSeq (insuf has them).
#[test]
fn rejected_requests_keep_their_headers_for_the_answer() {
    let e = parse_datagram(&data("insuf")).unwrap_err();
    assert_eq!(
        e.headers.get("Via"),
        Some("SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf")
    );
    assert_eq!(e.headers.get("CSeq"), Some("193942 INVITE"));
    assert_eq!(e.reason(), "Missing Call-ID header");
    let e = parse_datagram(&data("badvers")).unwrap_err();
    assert_eq!(
        (e.status(), e.reason().as_str()),
        (Some(505), "Version Not Supported")
    );
}

/// Every accepted message serialises to bytes that parse back to the same message (RFC 4475 §3.1.1's
/// messages thus also test serialisation), and the serialised form is canonical (a second round trip gives the same bytes).
#[test]
fn accepted_messages_round_trip() {
    for case in cases() {
        let Expect::Valid(..) = case.expect else {
            continue;
        };
        let first = parse_datagram(&data(case.file)).unwrap();
        let bytes = first.to_bytes();
        let second = parse_datagram(&bytes).unwrap_or_else(|e| panic!("{}: {e}", case.file));
        // Equal but for a Content-Length, which serialisation always writes (inv2543 has none).
        let without_length = |m: &Message| {
            let mut m = m.clone();
            let headers = match &mut m {
                Message::Request(r) => &mut r.headers,
                Message::Response(r) => &mut r.headers,
            };
            headers.0.retain(|h| h.name != "Content-Length");
            m
        };
        assert_eq!(
            without_length(&first),
            without_length(&second),
            "{}",
            case.file
        );
        assert_eq!(second.to_bytes(), bytes, "{}", case.file);
    }
}

/// The UA's rejections, built per RFC 3261 §8.2.6, carry the request's Via/From/Call-ID/CSeq and a To tag.
#[test]
fn rejections_are_answerable() {
    for case in cases() {
        let Expect::Valid(Ua::Reject(_), _) = case.expect else {
            continue;
        };
        let Ok(Message::Request(r)) = parse_datagram(&data(case.file)) else {
            panic!("{}", case.file)
        };
        let Verdict::Reject {
            status,
            reason,
            headers,
        } = uas::inspect_request(&r, &UasPolicy::default())
        else {
            panic!("{}", case.file)
        };
        let extra: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let answer = Response::reply_to(&r, status, reason, "council1", &extra).unwrap();
        assert_eq!(answer.core.via, r.core.via, "{}", case.file);
        assert_eq!(answer.core.call_id, r.core.call_id);
        assert_eq!(answer.core.cseq, r.core.cseq);
        assert_eq!(answer.core.from, r.core.from);
        assert_eq!(answer.core.to.uri, r.core.to.uri);
        assert_eq!(
            answer.core.to.tag(),
            Some(r.core.to.tag().unwrap_or("council1"))
        );
        if status == 420 {
            assert_eq!(
                answer.headers.get("Unsupported"),
                Some("nothingSupportsThis, nothingSupportsThisEither")
            );
        }
        if status == 405 {
            assert_eq!(
                answer.headers.get("Allow"),
                Some("INVITE, ACK, BYE, CANCEL, OPTIONS")
            );
        }
    }
}
