//! Fast Start offer and answer (H.323 §8.1.7) on council-rtp's codecs, as a caller and a callee would run them.

use std::net::SocketAddr;

use council_h245::asn::{
    AudioCapability, DataType, ForwardMultiplexParameters, ReverseMultiplexParameters,
};
use council_h245::fast_start::{self, socket_address};
use council_h245::{
    Direction, FastStartMedia, H245Error, MediaChannel, Proposal, decode_olc, encode_olc,
    fast_start_accepted, fast_start_answer, fast_start_offer, parse_fast_start,
};
use council_rtp::Codec;

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

#[test]
fn an_offer_proposes_each_codec_both_ways() {
    let offer = fast_start_offer(
        &[Codec::G729, Codec::Pcmu, Codec::Pcma],
        addr("192.0.2.10:20000"),
        addr("192.0.2.10:20001"),
        1,
    );
    assert_eq!(offer.len(), 6);
    let proposals = parse_fast_start(&offer);
    let summary: Vec<(u16, Direction, Option<Codec>, Option<u16>)> = proposals
        .iter()
        .map(|p| {
            (
                p.logical_channel_number,
                p.direction,
                p.codec,
                p.frames_per_packet,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, Direction::Forward, Some(Codec::G729), Some(2)),
            (2, Direction::Reverse, Some(Codec::G729), Some(2)),
            (3, Direction::Forward, Some(Codec::Pcmu), Some(20)),
            (4, Direction::Reverse, Some(Codec::Pcmu), Some(20)),
            (5, Direction::Forward, Some(Codec::Pcma), Some(20)),
            (6, Direction::Reverse, Some(Codec::Pcma), Some(20)),
        ]
    );
    for p in &proposals {
        assert_eq!(p.session_id, Some(1));
        assert_eq!(p.media_control, Some(addr("192.0.2.10:20001")));
        match p.direction {
            // We send: the callee says where, in its answer.
            Direction::Forward => assert_eq!(p.media, None),
            Direction::Reverse => assert_eq!(p.media, Some(addr("192.0.2.10:20000"))),
        }
    }
    assert_eq!(proposals[1].audio, Some(AudioCapability::G729AnnexA(2)));
    assert_eq!(proposals[3].audio, Some(AudioCapability::G711Ulaw64k(20)));
    assert_eq!(proposals[5].audio, Some(AudioCapability::G711Alaw64k(20)));

    // A receive proposal is nullData forward with multiplex parameters `none` (H.323 §8.1.7.1).
    let olc = decode_olc(&offer[1]).unwrap();
    assert_eq!(
        olc.forward_logical_channel_parameters.data_type,
        DataType::NullData(())
    );
    assert_eq!(
        olc.forward_logical_channel_parameters.multiplex_parameters,
        ForwardMultiplexParameters::None(())
    );
    // Each element decodes to exactly what the builder made.
    let built = fast_start::reverse_proposal(
        2,
        AudioCapability::G729AnnexA(2),
        addr("192.0.2.10:20000"),
        addr("192.0.2.10:20001"),
    );
    assert_eq!(olc, built);
    assert_eq!(encode_olc(&built).unwrap(), offer[1]);
}

#[test]
fn channel_numbers_start_at_first_lcn_and_never_use_0() {
    let rtp = addr("10.0.0.1:4000");
    let rtcp = addr("10.0.0.1:4001");
    let lcns = |first| -> Vec<u16> {
        parse_fast_start(&fast_start_offer(
            &[Codec::Pcmu, Codec::Pcma],
            rtp,
            rtcp,
            first,
        ))
        .iter()
        .map(|p| p.logical_channel_number)
        .collect()
    };
    assert_eq!(lcns(101), [101, 102, 103, 104]);
    assert_eq!(lcns(0), [1, 2, 3, 4]);
    assert_eq!(lcns(65534), [65534, 65535, 1, 2]);
}

#[test]
fn ipv6_media_addresses_use_ip6_address() {
    let rtp = addr("[2001:db8::10]:30000");
    let rtcp = addr("[2001:db8::10]:30001");
    let offer = fast_start_offer(&[Codec::Pcmu], rtp, rtcp, 1);
    let p = parse_fast_start(&offer);
    assert_eq!(p[1].media, Some(rtp));
    assert_eq!(p[0].media_control, Some(rtcp));
}

#[test]
fn the_callee_accepts_one_channel_each_way_in_the_callers_order() {
    let caller_rtp = addr("192.0.2.10:20000");
    let caller_rtcp = addr("192.0.2.10:20001");
    let our_rtp = addr("198.51.100.1:10000");
    let our_rtcp = addr("198.51.100.1:10001");
    let offer = fast_start_offer(
        &[Codec::G729, Codec::Pcmu, Codec::Pcma],
        caller_rtp,
        caller_rtcp,
        1,
    );

    // We do not do G.729 on this leg: PCMU, the caller's next preference, both ways.
    let (answer, media) =
        fast_start_answer(&offer, &[Codec::Pcma, Codec::Pcmu], our_rtp, our_rtcp).unwrap();
    assert_eq!(
        media,
        FastStartMedia {
            send: Some(MediaChannel {
                logical_channel_number: 4,
                codec: Codec::Pcmu,
                frames_per_packet: 20,
                remote_rtp: Some(caller_rtp),
                remote_rtcp: Some(caller_rtcp),
            }),
            receive: Some(MediaChannel {
                logical_channel_number: 3,
                codec: Codec::Pcmu,
                frames_per_packet: 20,
                remote_rtp: None,
                remote_rtcp: Some(caller_rtcp),
            }),
        }
    );

    // What the caller reads in our Connect: its proposals 3 and 4, with our addresses.
    let accepted = parse_fast_start(&answer);
    assert_eq!(accepted.len(), 2);
    let forward: &Proposal = &accepted[0];
    assert_eq!(forward.logical_channel_number, 3);
    assert_eq!(forward.direction, Direction::Forward);
    assert_eq!(forward.audio, Some(AudioCapability::G711Ulaw64k(20)));
    assert_eq!(forward.media, Some(our_rtp), "where the caller sends RTP");
    assert_eq!(
        forward.media_control,
        Some(our_rtcp),
        "where the caller sends RTCP"
    );
    let reverse = &accepted[1];
    assert_eq!(reverse.logical_channel_number, 4);
    assert_eq!(reverse.direction, Direction::Reverse);
    assert_eq!(reverse.audio, Some(AudioCapability::G711Ulaw64k(20)));
    assert_eq!(
        reverse.media,
        Some(caller_rtp),
        "the caller still receives where it said"
    );
    assert_eq!(
        reverse.media_control,
        Some(our_rtcp),
        "RTCP about our stream comes to us"
    );

    // Accepting is echoing: apart from our addresses, the OpenLogicalChannels are the caller's.
    let mut ours = decode_olc(&answer[1]).unwrap();
    let theirs = decode_olc(&offer[3]).unwrap();
    let Some(ReverseMultiplexParameters::H2250LogicalChannelParameters(h)) = ours
        .reverse_logical_channel_parameters
        .as_mut()
        .unwrap()
        .multiplex_parameters
        .as_mut()
    else {
        panic!("no H.225.0 parameters")
    };
    assert_eq!(
        h.media_control_channel.as_ref().and_then(socket_address),
        Some(our_rtcp)
    );
    h.media_control_channel = Some(fast_start::transport_address(caller_rtcp));
    assert_eq!(ours, theirs);
}

#[test]
fn the_callee_prefers_the_same_codec_both_ways() {
    let caller_rtp = addr("192.0.2.10:20000");
    let caller_rtcp = addr("192.0.2.10:20001");
    // The caller sends only PCMA but receives G.729 or PCMA: we pick PCMA back, not its first choice G.729.
    let olcs = [
        fast_start::reverse_proposal(1, AudioCapability::G729(2), caller_rtp, caller_rtcp),
        fast_start::forward_proposal(2, AudioCapability::G711Alaw64k(30), caller_rtcp),
        fast_start::reverse_proposal(3, AudioCapability::G711Alaw64k(30), caller_rtp, caller_rtcp),
    ];
    let offer: Vec<Vec<u8>> = olcs.iter().map(|o| encode_olc(o).unwrap()).collect();
    let all = [Codec::G729, Codec::Pcmu, Codec::Pcma];
    let (_, media) =
        fast_start_answer(&offer, &all, addr("10.0.0.1:10000"), addr("10.0.0.1:10001")).unwrap();
    assert_eq!(
        media
            .receive
            .as_ref()
            .map(|c| (c.logical_channel_number, c.codec)),
        Some((2, Codec::Pcma))
    );
    assert_eq!(
        media
            .send
            .as_ref()
            .map(|c| (c.logical_channel_number, c.codec, c.frames_per_packet)),
        Some((3, Codec::Pcma, 30))
    );
    // Any G.729 variant is our G.729; a receive-only offer gives only a send channel.
    let (answer, media) = fast_start_answer(
        &offer[..1],
        &all,
        addr("10.0.0.1:10000"),
        addr("10.0.0.1:10001"),
    )
    .unwrap();
    assert_eq!(answer.len(), 1);
    assert_eq!(media.receive, None);
    assert_eq!(media.send.map(|c| c.codec), Some(Codec::G729));
}

#[test]
fn nothing_in_common_is_an_error_and_garbage_is_ignored() {
    let offer = fast_start_offer(
        &[Codec::G729],
        addr("10.0.0.2:5000"),
        addr("10.0.0.2:5001"),
        1,
    );
    assert_eq!(
        fast_start_answer(
            &offer,
            &[Codec::Pcmu],
            addr("10.0.0.1:10000"),
            addr("10.0.0.1:10001")
        ),
        Err(H245Error::NoCommonCodec)
    );
    // No offer (a Setup without Fast Start): no answer either (the callee then opens channels over H.245).
    assert_eq!(
        fast_start_answer(
            &[],
            &[Codec::Pcmu],
            addr("10.0.0.1:10000"),
            addr("10.0.0.1:10001")
        ),
        Err(H245Error::NoCommonCodec)
    );
    let mut with_garbage = vec![vec![0xff; 7], Vec::new()];
    with_garbage.extend(fast_start_offer(
        &[Codec::Pcmu],
        addr("10.0.0.2:5000"),
        addr("10.0.0.2:5001"),
        9,
    ));
    assert_eq!(parse_fast_start(&with_garbage).len(), 2);
    let (answer, _) = fast_start_answer(
        &with_garbage,
        &[Codec::Pcmu],
        addr("10.0.0.1:10000"),
        addr("10.0.0.1:10001"),
    )
    .unwrap();
    assert_eq!(answer.len(), 2);
    // A proposal for video or a codec we do not know is reported, with no codec.
    let g722 =
        fast_start::forward_proposal(1, AudioCapability::G722_64k(20), addr("10.0.0.2:5001"));
    let p = parse_fast_start(&[encode_olc(&g722).unwrap()]);
    assert_eq!(p[0].codec, None);
    assert_eq!(p[0].frames_per_packet, Some(20));
    assert_eq!(p[0].audio, Some(AudioCapability::G722_64k(20)));
}

#[test]
fn the_caller_reads_the_answer_as_the_mirror_of_the_callees_media() {
    let caller_rtp = addr("192.0.2.10:20000");
    let caller_rtcp = addr("192.0.2.10:20001");
    let our_rtp = addr("198.51.100.1:10000");
    let our_rtcp = addr("198.51.100.1:10001");
    let offer = fast_start_offer(&[Codec::G729, Codec::Pcma], caller_rtp, caller_rtcp, 10);
    let (answer, callee) = fast_start_answer(&offer, &[Codec::G729], our_rtp, our_rtcp).unwrap();
    let caller = fast_start_accepted(&answer);
    assert_eq!(
        caller,
        FastStartMedia {
            send: Some(MediaChannel {
                logical_channel_number: 10,
                codec: Codec::G729,
                frames_per_packet: 2,
                remote_rtp: Some(our_rtp),
                remote_rtcp: Some(our_rtcp),
            }),
            receive: Some(MediaChannel {
                logical_channel_number: 11,
                codec: Codec::G729,
                frames_per_packet: 2,
                remote_rtp: None,
                remote_rtcp: Some(our_rtcp),
            }),
        }
    );
    // What one sends the other receives, on the same channel.
    let (sent, received) = (caller.send.unwrap(), callee.receive.unwrap());
    assert_eq!(
        (
            sent.logical_channel_number,
            sent.codec,
            sent.frames_per_packet
        ),
        (
            received.logical_channel_number,
            received.codec,
            received.frames_per_packet
        )
    );
    let (sent, received) = (callee.send.unwrap(), caller.receive.unwrap());
    assert_eq!(
        (
            sent.logical_channel_number,
            sent.codec,
            sent.frames_per_packet
        ),
        (
            received.logical_channel_number,
            received.codec,
            received.frames_per_packet
        )
    );
    assert_eq!(sent.remote_rtp, Some(caller_rtp));
    // No answer, or our own offer echoed back unanswered (no callee RTP address): nothing to send to.
    assert_eq!(
        fast_start_accepted(&[]),
        FastStartMedia {
            send: None,
            receive: None
        }
    );
    assert_eq!(fast_start_accepted(&offer[..1]).send, None);
}
