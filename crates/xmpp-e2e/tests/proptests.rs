//! Round trips of the readers: MIME entities and multipart bodies, base64 lines, and the
//! CPIM and PIDF objects made from stanzas.

use proptest::prelude::*;
use xmpp_e2e::Timestamp;
use xmpp_e2e::mime::{Entity, decode_base64, encode_base64_lines, split_multipart};
use xmpp_e2e::payload;
use xmpp_xml::Element;

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .,;:!?<>&'\"éü€\n\t-]{0,80}"
}

proptest! {
    #[test]
    fn entity_round_trip(
        headers in proptest::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,12}", "[ -~]{0,40}"), 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        crlf in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut data = Vec::new();
        for (n, v) in &headers {
            data.extend_from_slice(format!("{n}: {v}{eol}").as_bytes());
        }
        data.extend_from_slice(eol.as_bytes());
        data.extend_from_slice(&body);
        let e = Entity::parse(&data).unwrap();
        prop_assert_eq!(e.body, &body[..]);
        prop_assert_eq!(e.headers.len(), headers.len());
        for ((n, v), (gn, gv)) in headers.iter().zip(&e.headers) {
            prop_assert_eq!(n, gn);
            prop_assert_eq!(v.trim(), gv.as_str());
        }
    }

    #[test]
    fn multipart_round_trip(
        parts in proptest::collection::vec("[a-z ]{0,20}(\r?\n[a-z ]{1,20}){0,3}", 1..4),
        crlf in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let boundary = "----B0UNDARY";
        let mut body = format!("preamble{eol}");
        for p in &parts {
            body.push_str(&format!("--{boundary}{eol}{p}{eol}"));
        }
        body.push_str(&format!("--{boundary}--{eol}epilogue"));
        let got = split_multipart(body.as_bytes(), boundary).unwrap();
        let want: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn base64_lines_round_trip(data in proptest::collection::vec(any::<u8>(), 0..500)) {
        let text = encode_base64_lines(&data);
        prop_assert!(text.lines().all(|l| l.len() <= 64));
        prop_assert_eq!(decode_base64(text.as_bytes()).unwrap(), data);
    }

    #[test]
    fn cpim_object_round_trip(body in text(), subject in "[a-zA-Z0-9 .,!?éü]{0,30}", thread in any::<bool>(), secs in 0i64..4_000_000_000) {
        let mut msg = Element::new("jabber:client", "message")
            .with_attr("to", "romeo@example.net/orchard")
            .with_child(Element::new("jabber:client", "subject").with_text(subject.clone()))
            .with_child(Element::new("jabber:client", "body").with_text(body.clone()));
        if thread {
            msg.push_child(Element::new("jabber:client", "thread").with_text("t1"));
        }
        let now = Timestamp::from_unix(secs);
        let obj = payload::message_object(msg.as_ref(), "juliet@example.com", "romeo@example.net", now).unwrap();
        let p = payload::read(&obj).unwrap();
        prop_assert_eq!(p.from.as_deref(), Some("juliet@example.com"));
        prop_assert_eq!(p.to.as_deref(), Some("romeo@example.net"));
        prop_assert_eq!(Timestamp::parse_rfc3339(p.timestamp.as_deref().unwrap()).unwrap(), now);
        let get = |name: &str| p.children.iter().find(|c| c.name() == name).map(|c| c.text().into_owned());
        prop_assert_eq!(get("body").unwrap_or_default(), body); // an empty body may be left out
        prop_assert_eq!(get("thread").is_some(), thread);
        // The application/xmpp+xml form keeps the subject exactly.
        // (xmpp-cpim leaves out an empty subject and the spaces that end one.)
        let got = get("subject").unwrap_or_default();
        if thread {
            prop_assert_eq!(got, subject);
        } else {
            prop_assert_eq!(got.trim(), subject.trim());
        }
    }

    #[test]
    fn pidf_object_round_trip(status in text(), show in prop_oneof![Just("away"), Just("chat"), Just("dnd"), Just("xa")]) {
        let pres = Element::new("jabber:client", "presence")
            .with_attr("to", "romeo@example.net")
            .with_child(Element::new("jabber:client", "show").with_text(show))
            .with_child(Element::new("jabber:client", "status").with_text(status.clone()));
        let obj = payload::presence_object(pres.as_ref(), "juliet@example.com", Timestamp::from_unix(0)).unwrap();
        let p = payload::read(&obj).unwrap();
        let get = |name: &str| p.children.iter().find(|c| c.name() == name).map(|c| c.text().into_owned());
        prop_assert_eq!(get("show"), Some(show.to_owned()));
        prop_assert_eq!(get("status"), Some(status));
        prop_assert_eq!(p.from.as_deref(), Some("juliet@example.com"));
    }
}
