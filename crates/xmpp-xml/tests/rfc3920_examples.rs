//! The stream examples of RFC 3920, each direction parsed as a receiving entity would.

use xmpp_xml::{Ending, Event, Parser, StreamErrorCondition};

/// What one direction of a stream yielded.
#[derive(Debug, Default)]
struct Seen {
    headers: Vec<(String, Option<String>, Option<String>)>,
    stanzas: Vec<(String, String)>,
    closed: bool,
}

/// Parses one direction; restarts after `<proceed/>` or `<success/>` (RFC 3920 §5.3 step
/// 7, §6.2 step 6).
fn parse(input: &str) -> Result<Seen, xmpp_xml::Error> {
    let mut p = Parser::new();
    let mut seen = Seen::default();
    // Fed in small pieces, as a network would deliver them.
    for chunk in input.as_bytes().chunks(5) {
        p.feed(chunk);
        loop {
            let restart = match p.next_event()? {
                None => break,
                Some(Event::StreamOpen(h)) => {
                    seen.headers.push((
                        h.default_namespace().to_owned(),
                        h.attr("to").map(str::to_owned),
                        h.attr("id").map(str::to_owned),
                    ));
                    false
                }
                Some(Event::Stanza(s)) => {
                    seen.stanzas
                        .push((s.namespace().to_owned(), s.name().to_owned()));
                    s.to_element()?;
                    matches!(s.name(), "proceed" | "success")
                }
                Some(Event::StreamClose) => {
                    seen.closed = true;
                    false
                }
            };
            if restart {
                p.expect_new_stream();
            }
        }
    }
    if p.finish()? == Ending::Closed {
        seen.closed = true;
    }
    Ok(seen)
}

const TLS: &str = "urn:ietf:params:xml:ns:xmpp-tls";
const SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";

// RFC 3920 §4.8, "A basic session", client side.
#[test]
fn basic_session_client() {
    let c = "<?xml version='1.0'?>
      <stream:stream
          to='example.com'
          xmlns='jabber:client'
          xmlns:stream='http://etherx.jabber.org/streams'
          version='1.0'>
        <message from='juliet@example.com'
                 to='romeo@example.net'
                 xml:lang='en'>
          <body>Art thou not Romeo, and a Montague?</body>
        </message>
      </stream:stream>";
    let seen = parse(c).unwrap();
    assert_eq!(seen.headers[0].1.as_deref(), Some("example.com"));
    assert_eq!(
        seen.stanzas,
        [("jabber:client".to_owned(), "message".to_owned())]
    );
    assert!(seen.closed);
}

// RFC 3920 §4.8, "A session gone bad": the client omits </body>.
#[test]
fn session_gone_bad() {
    let c = "<?xml version='1.0'?>
      <stream:stream
          to='example.com'
          xmlns='jabber:client'
          xmlns:stream='http://etherx.jabber.org/streams'
          version='1.0'>
      <message xml:lang='en'>
        <body>Bad XML, no closing body tag!
      </message>";
    let e = parse(c).unwrap_err();
    assert_eq!(e.condition(), StreamErrorCondition::XmlNotWellFormed);
    assert_eq!(e.offset() as usize, c.find("</message>").unwrap());
    // The server's reply in the same example is itself a valid stream.
    let s = "<?xml version='1.0'?>
      <stream:stream
          from='example.com'
          id='someid'
          xmlns='jabber:client'
          xmlns:stream='http://etherx.jabber.org/streams'
          version='1.0'>
      <stream:error>
       <xml-not-well-formed
           xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>
      </stream:error>
      </stream:stream>";
    let seen = parse(s).unwrap();
    assert_eq!(
        seen.stanzas,
        [(
            "http://etherx.jabber.org/streams".to_owned(),
            "error".to_owned()
        )]
    );
}

// RFC 3920 §5.3 steps 2, 3, 5 and 8: the server's side of STARTTLS.
#[test]
fn starttls_server_side() {
    let s = "<stream:stream
       xmlns='jabber:client'
       xmlns:stream='http://etherx.jabber.org/streams'
       id='c2s_123'
       from='example.com'
       version='1.0'>
   <stream:features>
     <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>
       <required/>
     </starttls>
     <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>
       <mechanism>DIGEST-MD5</mechanism>
       <mechanism>PLAIN</mechanism>
     </mechanisms>
   </stream:features>
   <proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><stream:stream
       xmlns='jabber:client'
       xmlns:stream='http://etherx.jabber.org/streams'
       from='example.com'
       id='c2s_234'
       version='1.0'>
   <stream:features>
     <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>
       <mechanism>DIGEST-MD5</mechanism>
       <mechanism>PLAIN</mechanism>
       <mechanism>EXTERNAL</mechanism>
     </mechanisms>
   </stream:features>";
    let seen = parse(s).unwrap();
    let ids: Vec<_> = seen.headers.iter().map(|h| h.2.as_deref()).collect();
    assert_eq!(ids, [Some("c2s_123"), Some("c2s_234")]);
    let names: Vec<_> = seen.stanzas.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(names, ["features", "proceed", "features"]);
    assert_eq!(seen.stanzas[1].0, TLS);
    assert!(!seen.closed);
}

// RFC 3920 §5.3 steps 1, 4 and 7: the client's side of STARTTLS.
#[test]
fn starttls_client_side() {
    let c = "<stream:stream
       xmlns='jabber:client'
       xmlns:stream='http://etherx.jabber.org/streams'
       to='example.com'
       version='1.0'>
   <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
    let seen = parse(c).unwrap();
    assert_eq!(seen.stanzas, [(TLS.to_owned(), "starttls".to_owned())]);
}

// RFC 3920 §5.3 step 5 (alt): failure and stream close.
#[test]
fn starttls_failure() {
    let s = "<stream:stream xmlns='jabber:client'
       xmlns:stream='http://etherx.jabber.org/streams' id='c2s_123' from='example.com' version='1.0'>
   <failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>
   </stream:stream>";
    let seen = parse(s).unwrap();
    assert!(seen.closed);
}

// RFC 3920 §6.5 steps 1, 4, 6, 8 and 10: the client's side of SASL.
#[test]
fn sasl_client_side() {
    let c = "<stream:stream
       xmlns='jabber:client'
       xmlns:stream='http://etherx.jabber.org/streams'
       to='example.com'
       version='1.0'>
   <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'
         mechanism='DIGEST-MD5'/>
   <response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>
   dXNlcm5hbWU9InNvbWVub2RlIixyZWFsbT0ic29tZXJlYWxtIixub25jZT0i
   T0E2TUc5dEVRR20yaGgiLGNub25jZT0iT0E2TUhYaDZWcVRyUmsiLG5jPTAw
   MDAwMDAxLHFvcD1hdXRoLGRpZ2VzdC11cmk9InhtcHAvZXhhbXBsZS5jb20i
   LHJlc3BvbnNlPWQzODhkYWQ5MGQ0YmJkNzYwYTE1MjMyMWYyMTQzYWY3LGNo
   YXJzZXQ9dXRmLTgK
   </response>
   <response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";
    let seen = parse(c).unwrap();
    let names: Vec<_> = seen.stanzas.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(names, ["auth", "response", "response"]);
    assert!(seen.stanzas.iter().all(|s| s.0 == SASL));
}

// RFC 3920 §6.5 steps 2, 3, 5, 7, 9 and 11: the server's side of SASL, with the restart.
#[test]
fn sasl_server_side() {
    let s = "<stream:stream
       xmlns='jabber:client'
       xmlns:stream='http://etherx.jabber.org/streams'
       id='c2s_234'
       from='example.com'
       version='1.0'>
   <stream:features>
     <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>
       <mechanism>DIGEST-MD5</mechanism>
       <mechanism>PLAIN</mechanism>
     </mechanisms>
   </stream:features>
   <challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>
   cmVhbG09InNvbWVyZWFsbSIsbm9uY2U9Ik9BNk1HOXRFUUdtMmhoIixxb3A9ImF1dGgi
   LGNoYXJzZXQ9dXRmLTgsYWxnb3JpdGhtPW1kNS1zZXNzCg==
   </challenge>
   <challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>
   cnNwYXV0aD1lYTQwZjYwMzM1YzQyN2I1NTI3Yjg0ZGJhYmNkZmZmZAo=
   </challenge>
   <success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>
   <stream:stream
       xmlns='jabber:client'
       xmlns:stream='http://etherx.jabber.org/streams'
       id='c2s_345'
       from='example.com'
       version='1.0'>
   <stream:features>
     <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>
     <session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>
   </stream:features>";
    let seen = parse(s).unwrap();
    assert_eq!(seen.headers.len(), 2);
    let names: Vec<_> = seen.stanzas.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        names,
        ["features", "challenge", "challenge", "success", "features"]
    );
}

// RFC 3920 §7: resource binding.
#[test]
fn resource_binding() {
    let c = "<stream:stream xmlns='jabber:client'
       xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>
   <iq type='set' id='bind_2'>
     <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>
       <resource>someresource</resource>
     </bind>
   </iq>";
    let mut p = Parser::new();
    p.feed(c.as_bytes());
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    let Ok(Some(Event::Stanza(s))) = p.next_event() else {
        panic!("no iq")
    };
    assert_eq!(s.attr("type").as_deref(), Some("set"));
    assert_eq!(s.attr("id").as_deref(), Some("bind_2"));
    let el = s.to_element().unwrap();
    let bind = el
        .child("urn:ietf:params:xml:ns:xmpp-bind", "bind")
        .unwrap();
    let res = bind
        .child("urn:ietf:params:xml:ns:xmpp-bind", "resource")
        .unwrap();
    assert_eq!(res.text(), "someresource");
}

// RFC 3920 §8.3 steps 2, 4 and 8: dialback from the originating server.
#[test]
fn dialback_originating() {
    let s = "<stream:stream
       xmlns:stream='http://etherx.jabber.org/streams'
       xmlns='jabber:server'
       xmlns:db='jabber:server:dialback'>
   <db:result
       to='Receiving Server'
       from='Originating Server'>
     98AF014EDC0...
   </db:result>
   <db:verify
       from='Originating Server'
       to='Receiving Server'
       type='valid'
       id='457F9224A0...'/>";
    let seen = parse(s).unwrap();
    assert_eq!(seen.headers[0].0, "jabber:server");
    let names: Vec<_> = seen
        .stanzas
        .iter()
        .map(|s| (s.0.as_str(), s.1.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("jabber:server:dialback", "result"),
            ("jabber:server:dialback", "verify")
        ]
    );
}

// RFC 3920 §8.3 step 2: a wrong dialback namespace is <invalid-namespace/>.
#[test]
fn dialback_wrong_namespace() {
    let s = "<stream:stream
       xmlns:stream='http://etherx.jabber.org/streams'
       xmlns='jabber:server'
       xmlns:db='jabber:server:dialbak'>";
    assert_eq!(
        parse(s).unwrap_err().condition(),
        StreamErrorCondition::InvalidNamespace
    );
}
