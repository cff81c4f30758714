//! The initiating entity of a client-to-server stream (RFC 3920 §4-§7, RFC 3921 §3):
//! header, STARTTLS, SASL, resource binding, session.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use xmpp_jid::FullJid;
use xmpp_sasl::negotiate::{ClientCredentials, ClientPolicy};
use xmpp_sasl::{ClientMechanism, Condition, Mechanism, decode_payload, encode_payload};
use xmpp_xml::{Element, StreamErrorCondition};

use crate::config::{ClientConfig, TlsPolicy};
use crate::connection::{Connection, Incoming, Stage, State};
use crate::event::{CloseReason, Event};
use crate::features::Features;
use crate::ns::{BIND_NS, CLIENT_NS, SASL_NS, SESSION_NS, TLS_NS};
use crate::stanza_error::StanzaError;
use crate::stream_error::StreamError;
use crate::tls::Transport;

/// Where the client's negotiation is.
pub(crate) enum ClientState {
    /// Our header is sent; the server's is awaited.
    AwaitHeader(Stage),
    /// The server's header arrived; its features are awaited.
    AwaitFeatures(Stage),
    /// `<starttls/>` sent (RFC 3920 §5.2 step 3).
    AwaitProceed,
    /// `<proceed/>` received; the TLS handshake runs.
    TlsHandshake,
    /// `<auth/>` sent; challenges, success or failure follow (RFC 3920 §6.2).
    Authenticating {
        mechanism: Mechanism,
        sasl: Box<dyn ClientMechanism + Send>,
    },
    /// The bind request is sent (RFC 3920 §7).
    Binding { id: String, session: bool },
    /// The session request is sent (RFC 3921 §3).
    StartingSession { id: String },
    /// Stanzas flow.
    Established,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AwaitHeader(s) => write!(f, "AwaitHeader({s:?})"),
            Self::AwaitFeatures(s) => write!(f, "AwaitFeatures({s:?})"),
            Self::AwaitProceed => f.write_str("AwaitProceed"),
            Self::TlsHandshake => f.write_str("TlsHandshake"),
            Self::Authenticating { mechanism, .. } => write!(f, "Authenticating({mechanism:?})"),
            Self::Binding { .. } => f.write_str("Binding"),
            Self::StartingSession { .. } => f.write_str("StartingSession"),
            Self::Established => f.write_str("Established"),
        }
    }
}

impl ClientState {
    pub(crate) fn is_established(&self) -> bool {
        matches!(self, Self::Established)
    }

    pub(crate) fn awaits_tls(&self) -> bool {
        matches!(self, Self::TlsHandshake)
    }

    pub(crate) fn stage(&self) -> Option<Stage> {
        match self {
            Self::AwaitHeader(s) | Self::AwaitFeatures(s) => Some(*s),
            _ => None,
        }
    }
}

impl Connection {
    /// A client connection (RFC 3920 §4.4: the initiating entity). Its stream header is
    /// queued at once: poll [`poll_transmit`](Self::poll_transmit) after connecting.
    pub fn client(config: ClientConfig, now: Instant) -> Connection {
        let mut config = Box::new(config);
        let random = std::mem::replace(&mut config.random, Box::new(crate::random::OsRandom));
        let mut conn = Connection::new(
            State::Client(ClientState::AwaitHeader(Stage::Initial)),
            config.limits.clone(),
            random,
            now,
        );
        conn.client = Some(config);
        conn.send_client_header();
        conn
    }

    fn send_client_header(&mut self) {
        let Some(cfg) = self.client.as_deref() else {
            return;
        };
        let domain = cfg.jid.domain().to_owned();
        let lang = cfg.lang.clone();
        let mut attrs: Vec<(&str, &str)> = vec![("to", &domain), ("version", "1.0")];
        if let Some(lang) = &lang {
            attrs.push(("xml:lang", lang));
        }
        self.write_header(&attrs);
    }

    fn set_client(&mut self, state: ClientState) {
        self.state = State::Client(state);
    }

    /// Ends the stream because the server cannot give what the configuration requires.
    fn client_gives_up(&mut self, reason: CloseReason) {
        self.begin_close(reason);
    }

    pub(crate) fn client_tls_ready(&mut self) {
        self.set_client(ClientState::AwaitHeader(Stage::AfterTls));
        self.send_client_header();
    }

    pub(crate) fn client_input(&mut self, incoming: Incoming) {
        let State::Client(state) = std::mem::replace(&mut self.state, State::Closed) else {
            return;
        };
        match (state, incoming) {
            (ClientState::AwaitHeader(stage), Incoming::Header(info, ns, _)) => {
                self.set_client(ClientState::AwaitFeatures(stage));
                self.emit(Event::StreamOpened(info.clone()));
                if ns.is_empty() {
                    return self
                        .stream_error(StreamError::new(StreamErrorCondition::InvalidNamespace));
                }
                // RFC 3920 §4.4.1: without a version (or below 1.0) the server speaks the
                // pre-XMPP protocol, which has neither features nor SASL.
                if info.version.is_none_or(|(major, _)| major < 1) {
                    self.stream_error(
                        StreamError::new(StreamErrorCondition::UnsupportedVersion)
                            .with_text("XMPP 1.0 is required"),
                    );
                }
            }
            (ClientState::AwaitFeatures(stage), Incoming::Element(e))
                if e.is(xmpp_xml::STREAMS_NS, "features") =>
            {
                let features = Features::from_element(e.as_ref());
                self.emit(Event::Features(features.clone()));
                self.client_negotiate(stage, &features);
            }
            (ClientState::AwaitProceed, Incoming::Element(e)) if e.is(TLS_NS, "proceed") => {
                self.client_start_tls();
            }
            (ClientState::AwaitProceed, Incoming::Element(e)) if e.is(TLS_NS, "failure") => {
                // RFC 3920 §5.2 step 5: the server closes the stream and the connection.
                self.set_client(ClientState::AwaitProceed);
                self.client_gives_up(CloseReason::TlsRefused);
            }
            (ClientState::Authenticating { mechanism, sasl }, Incoming::Element(e))
                if e.namespace() == SASL_NS =>
            {
                self.client_sasl(mechanism, sasl, &e);
            }
            (ClientState::Binding { id, session }, Incoming::Element(e))
                if e.is(CLIENT_NS, "iq") && e.attr("id") == Some(id.as_str()) =>
            {
                self.client_bound(&e, session);
            }
            (ClientState::StartingSession { id }, Incoming::Element(e))
                if e.is(CLIENT_NS, "iq") && e.attr("id") == Some(id.as_str()) =>
            {
                if e.attr("type") == Some("result") {
                    self.set_client(ClientState::Established);
                    self.established();
                } else {
                    self.set_client(ClientState::StartingSession { id });
                    self.client_refused(&e);
                }
            }
            (ClientState::Established, Incoming::Stanza(stanza)) => {
                self.set_client(ClientState::Established);
                self.emit(Event::Stanza(stanza));
            }
            (
                ClientState::Established,
                Incoming::BadStanza(_, crate::stanza::EnvelopeError::IqWithoutId),
            ) => {
                self.set_client(ClientState::Established);
                self.stream_error(
                    StreamError::new(StreamErrorCondition::InvalidXml)
                        .with_text("an iq without 'id' cannot be answered (RFC 3920 §9.2.3)"),
                );
            }
            (ClientState::Established, Incoming::BadStanza(tree, _)) => {
                self.set_client(ClientState::Established);
                // Answer a request we cannot read (RFC 3920 §9.2.3: get and set need an
                // answer); anything else with an unreadable envelope is dropped.
                if matches!(tree.attr("type"), Some("get" | "set")) {
                    let error = StanzaError::new(crate::StanzaErrorCondition::BadRequest);
                    if let Some(reply) = error.reply_to(tree.as_ref()) {
                        self.write_element(&reply);
                    }
                }
            }
            (state, incoming) => {
                let text = format!("unexpected {} while {state:?}", incoming.describe());
                self.set_client(state);
                self.stream_error(
                    StreamError::new(StreamErrorCondition::UnsupportedStanzaType).with_text(text),
                );
            }
        }
    }

    fn client_negotiate(&mut self, stage: Stage, features: &Features) {
        let Some(cfg) = self.client.as_deref() else {
            return;
        };
        let tls = self.transport.is_tls();
        let policy = cfg.tls;
        if !tls && stage == Stage::Initial {
            match (features.starttls, policy) {
                (Some(_), TlsPolicy::Optional | TlsPolicy::Required) => {
                    self.set_client(ClientState::AwaitProceed);
                    self.write_element(&Element::new(TLS_NS, "starttls"));
                    return;
                }
                (Some(true), TlsPolicy::Disabled) => {
                    return self.client_gives_up(CloseReason::Unsupported(
                        "the server requires TLS, which the configuration disables".into(),
                    ));
                }
                (None, TlsPolicy::Required) => {
                    return self.client_gives_up(CloseReason::Unsupported(
                        "the server does not offer STARTTLS, which the configuration requires"
                            .into(),
                    ));
                }
                _ => {}
            }
        }
        if stage == Stage::AfterSasl {
            if !features.bind {
                return self.client_gives_up(CloseReason::Unsupported(
                    "the server does not offer resource binding".into(),
                ));
            }
            let id = crate::random::hex_token(self.random.as_mut(), 8);
            let mut bind = Element::new(BIND_NS, "bind");
            if let Some(resource) = cfg.jid.resource() {
                bind.push_child(Element::new(BIND_NS, "resource").with_text(resource.to_owned()));
            }
            let iq = Element::new(CLIENT_NS, "iq")
                .with_attr("type", "set")
                .with_attr("id", id.clone())
                .with_child(bind);
            let session = features.session && cfg.session;
            self.set_client(ClientState::Binding { id, session });
            self.write_element(&iq);
            return;
        }
        if features.mechanisms.is_empty() {
            return self.client_gives_up(CloseReason::Unsupported(
                "the server offers no SASL mechanism".into(),
            ));
        }
        // Bind only to a type the server lists (XEP-0440); a server that offers -PLUS without
        // the list may compute another type, and the login would fail.
        let binding = features.channel_binding_types.as_ref().and_then(|types| {
            self.transport
                .channel_bindings()
                .into_iter()
                .find(|b| types.iter().any(|t| t == b.kind.name()))
        });
        let mut sasl_policy = ClientPolicy::password(tls, binding.is_some());
        if let Some(only) = &cfg.mechanisms {
            sasl_policy.mechanisms = only.clone();
        }
        let mechanism = match xmpp_sasl::negotiate::select(&features.mechanisms, &sasl_policy) {
            Ok(m) => m,
            Err(_) => {
                let text = format!(
                    "no SASL mechanism in common (the server offers {})",
                    features.mechanisms.join(", ")
                );
                return self.client_gives_up(CloseReason::Authentication {
                    condition: Condition::InvalidMechanism,
                    text: Some(text),
                });
            }
        };
        let credentials = ClientCredentials {
            username: cfg.jid.node().unwrap_or_default().to_owned(),
            password: cfg.password.clone(),
            authzid: None,
            service: "xmpp".into(),
            host: cfg.jid.domain().to_owned(),
            channel_binding: binding,
            trace: String::new(),
        };
        let started = xmpp_sasl::negotiate::client(mechanism, &credentials, &features.mechanisms)
            .and_then(|mut sasl| sasl.initial_response().map(|first| (sasl, first)));
        match started {
            Ok((sasl, first)) => {
                let mut auth =
                    Element::new(SASL_NS, "auth").with_attr("mechanism", mechanism.name());
                if let Some(first) = first {
                    auth = auth.with_text(encode_payload(&first));
                }
                self.set_client(ClientState::Authenticating { mechanism, sasl });
                self.write_element(&auth);
            }
            Err(e) => self.client_gives_up(CloseReason::Authentication {
                condition: e.condition(),
                text: Some(e.to_string()),
            }),
        }
    }

    fn client_start_tls(&mut self) {
        let Some(cfg) = self.client.as_deref() else {
            return;
        };
        let name = cfg
            .tls_server_name
            .clone()
            .unwrap_or_else(|| cfg.jid.domain().to_owned());
        let tls_config = match &cfg.tls_config {
            Some(c) => Arc::clone(c),
            None => crate::tls_config::webpki_client_config(),
        };
        self.set_client(ClientState::TlsHandshake);
        let transport = rustls::pki_types::ServerName::try_from(name)
            .map_err(|e| rustls::Error::General(format!("invalid server name: {e}")))
            .and_then(|name| Transport::client(tls_config, name));
        self.start_tls(transport);
    }

    fn client_sasl(
        &mut self,
        mechanism: Mechanism,
        mut sasl: Box<dyn ClientMechanism + Send>,
        e: &Element<'_>,
    ) {
        let payload = match decode_payload(e.text().trim()) {
            Ok(p) => p,
            Err(err) => {
                self.write_element(&Element::new(SASL_NS, "abort"));
                return self.client_gives_up(CloseReason::Authentication {
                    condition: Condition::IncorrectEncoding,
                    text: Some(err.to_string()),
                });
            }
        };
        match e.name() {
            "challenge" => match sasl.step(payload.as_deref().unwrap_or_default()) {
                Ok(response) => {
                    self.set_client(ClientState::Authenticating { mechanism, sasl });
                    let mut r = Element::new(SASL_NS, "response");
                    if !response.is_empty() {
                        r = r.with_text(encode_payload(&response));
                    }
                    self.write_element(&r);
                }
                Err(err) => {
                    self.write_element(&Element::new(SASL_NS, "abort"));
                    self.client_gives_up(CloseReason::Authentication {
                        condition: err.condition(),
                        text: Some(err.to_string()),
                    });
                }
            },
            "success" => match sasl.success(payload.as_deref()) {
                Ok(()) => {
                    let jid = self.client.as_deref().map(|c| c.jid.to_bare());
                    if let Some(jid) = jid {
                        self.emit(Event::Authenticated {
                            mechanism,
                            jid,
                            anonymous: mechanism == Mechanism::Anonymous,
                        });
                    }
                    // RFC 3920 §6.2 step 7: a new stream, without closing the old one.
                    self.restart_stream();
                    self.set_client(ClientState::AwaitHeader(Stage::AfterSasl));
                    self.send_client_header();
                }
                Err(err) => self.client_gives_up(CloseReason::Authentication {
                    condition: Condition::NotAuthorized,
                    text: Some(format!("the server's success could not be verified: {err}")),
                }),
            },
            "failure" => {
                let mut condition = Condition::NotAuthorized;
                let mut text = None;
                for child in e.elements() {
                    if child.name() == "text" {
                        text = Some(child.text().into_owned());
                    } else if let Some(c) = Condition::from_element_name(child.name()) {
                        condition = c;
                    }
                }
                self.client_gives_up(CloseReason::Authentication { condition, text });
            }
            other => {
                self.set_client(ClientState::Authenticating { mechanism, sasl });
                self.stream_error(
                    StreamError::new(StreamErrorCondition::UnsupportedStanzaType)
                        .with_text(format!("unexpected <{other}/> during SASL")),
                );
            }
        }
    }

    fn client_bound(&mut self, iq: &Element<'_>, session: bool) {
        if iq.attr("type") != Some("result") {
            self.set_client(ClientState::Binding {
                id: String::new(),
                session,
            });
            return self.client_refused(iq);
        }
        let jid = iq
            .child(BIND_NS, "bind")
            .and_then(|b| b.child(BIND_NS, "jid"))
            .and_then(|j| FullJid::parse(j.text().trim()).ok());
        // The bound JID must be of the account that authenticated (its domain, and its
        // node unless the login was anonymous).
        let ours = self.client.as_deref().map(|c| c.jid.to_bare());
        let jid = jid.filter(|j| {
            ours.as_ref().is_some_and(|b| {
                j.domain() == b.domain() && (b.node().is_none() || j.node() == b.node())
            })
        });
        let Some(jid) = jid else {
            self.set_client(ClientState::Binding {
                id: String::new(),
                session,
            });
            return self.stream_error(
                StreamError::new(StreamErrorCondition::UndefinedCondition)
                    .with_text("the bind result carries no valid full JID"),
            );
        };
        self.emit(Event::Bound(jid));
        if session {
            let id = crate::random::hex_token(self.random.as_mut(), 8);
            let iq = Element::new(CLIENT_NS, "iq")
                .with_attr("type", "set")
                .with_attr("id", id.clone())
                .with_child(Element::new(SESSION_NS, "session"));
            self.set_client(ClientState::StartingSession { id });
            self.write_element(&iq);
        } else {
            self.set_client(ClientState::Established);
            self.established();
        }
    }

    /// The server refused binding or the session: the error travels in the reason.
    fn client_refused(&mut self, iq: &Element<'_>) {
        let error = iq
            .child(CLIENT_NS, "error")
            .and_then(|e| StanzaError::from_element(e).ok())
            .unwrap_or_else(|| StanzaError::new(crate::StanzaErrorCondition::UndefinedCondition));
        self.client_gives_up(CloseReason::BindRefused(error));
    }
}
