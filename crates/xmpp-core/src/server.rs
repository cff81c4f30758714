//! The receiving entity of a client-to-server stream (RFC 3920 §4-§7, §9.1.2, RFC 3921 §3):
//! header reply, features, STARTTLS, SASL with retries, resource binding decided by the
//! application, session, `from` stamping.

use std::fmt;
use std::time::Instant;

use xmpp_jid::{BareJid, DomainPart, FullJid, NodePart, ResourcePart};
use xmpp_sasl::negotiate::ServerSettings;
use xmpp_sasl::{
    Answer, Condition, Mechanism, ServerMechanism, ServerStep, decode_payload, encode_payload,
};
use xmpp_xml::{Element, StreamErrorCondition};

use crate::config::{ServerConfig, TlsPolicy};
use crate::connection::{Connection, Incoming, Stage, State};
use crate::event::{CloseReason, Error, Event};
use crate::features::Features;
use crate::ns::{BIND_NS, CLIENT_NS, SASL_NS, SESSION_NS, TLS_NS};
use crate::stanza::{AddressField, EnvelopeError, Stanza, StanzaKind};
use crate::stanza_error::{StanzaError, StanzaErrorCondition};
use crate::stream_error::StreamError;

/// Where the server's negotiation is.
pub(crate) enum ServerState {
    /// The client's stream header is awaited.
    AwaitHeader(Stage),
    /// Header and features are sent; the client's next step is awaited.
    AwaitRequest(Stage),
    /// `<proceed/>` sent; the TLS handshake runs.
    TlsHandshake,
    /// A SASL exchange runs; `asked` while the application owes an answer.
    Authenticating {
        stage: Stage,
        mechanism: Mechanism,
        sasl: Box<dyn ServerMechanism + Send>,
        asked: bool,
    },
    /// The application decides on a bind request.
    AwaitBindDecision {
        request: Element<'static>,
        requested: Option<ResourcePart>,
    },
    /// Stanzas flow for this full JID.
    Established { jid: FullJid },
    /// The application decides on a session request (RFC 3921 §3) of the session `jid`.
    AwaitSessionDecision {
        jid: FullJid,
        request: Element<'static>,
    },
}

impl fmt::Debug for ServerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AwaitHeader(s) => write!(f, "AwaitHeader({s:?})"),
            Self::AwaitRequest(s) => write!(f, "AwaitRequest({s:?})"),
            Self::TlsHandshake => f.write_str("TlsHandshake"),
            Self::Authenticating {
                mechanism, asked, ..
            } => {
                write!(f, "Authenticating({mechanism:?}, asked: {asked})")
            }
            Self::AwaitBindDecision { .. } => f.write_str("AwaitBindDecision"),
            Self::Established { jid } => write!(f, "Established({jid})"),
            Self::AwaitSessionDecision { jid, .. } => write!(f, "AwaitSessionDecision({jid})"),
        }
    }
}

impl ServerState {
    pub(crate) fn is_established(&self) -> bool {
        matches!(self, Self::Established { .. })
    }

    pub(crate) fn awaits_tls(&self) -> bool {
        matches!(self, Self::TlsHandshake)
    }

    pub(crate) fn stage(&self) -> Option<Stage> {
        match self {
            Self::AwaitHeader(s) | Self::AwaitRequest(s) => Some(*s),
            _ => None,
        }
    }
}

impl Connection {
    /// A server connection for one client (RFC 3920 §4.4: the receiving entity). It waits
    /// for the client's stream header.
    pub fn server(config: ServerConfig, now: Instant) -> Connection {
        let mut config = Box::new(config);
        let random = std::mem::replace(&mut config.random, Box::new(crate::random::OsRandom));
        let mut conn = Connection::new(
            State::Server(ServerState::AwaitHeader(Stage::Initial)),
            config.limits.clone(),
            random,
            now,
        );
        conn.server = Some(config);
        conn
    }

    /// Answers the pending [`Event::SaslRequest`].
    pub fn answer_sasl(&mut self, answer: Answer) -> Result<(), Error> {
        match std::mem::replace(&mut self.state, State::Closed) {
            State::Server(ServerState::Authenticating {
                stage,
                mechanism,
                mut sasl,
                asked: true,
            }) => {
                let step = sasl.answer(answer);
                self.server_sasl_step(stage, mechanism, sasl, step);
                self.resume();
                Ok(())
            }
            other => {
                self.state = other;
                Err(self.ended().unwrap_or(Error::NotAsked))
            }
        }
    }

    /// Accepts the pending [`Event::BindRequest`] with `resource`, or with the client's
    /// request (a generated resource when it made none) when `resource` is `None`
    /// (RFC 3920 §7: the server may override the client's choice).
    pub fn accept_bind(&mut self, resource: Option<&str>) -> Result<(), Error> {
        let State::Server(ServerState::AwaitBindDecision { requested, .. }) = &self.state else {
            return Err(self.ended().unwrap_or(Error::NotAsked));
        };
        let resource = match (resource, requested) {
            (Some(r), _) => ResourcePart::new(r).map_err(Error::InvalidResource)?,
            (None, Some(r)) => r.clone(),
            (None, None) => {
                let token = crate::random::hex_token(self.random.as_mut(), 8);
                ResourcePart::new(&token).map_err(Error::InvalidResource)?
            }
        };
        let Some(user) = self.user.clone() else {
            return Err(Error::NotAsked);
        };
        let State::Server(ServerState::AwaitBindDecision { request, .. }) =
            std::mem::replace(&mut self.state, State::Closed)
        else {
            return Err(Error::NotAsked);
        };
        let jid = user.with_resource(&resource);
        let result = Element::new(CLIENT_NS, "iq")
            .with_attr("type", "result")
            .with_attr("id", request.attr("id").unwrap_or_default().to_owned())
            .with_child(
                Element::new(BIND_NS, "bind")
                    .with_child(Element::new(BIND_NS, "jid").with_text(jid.as_str().to_owned())),
            );
        let full = xmpp_jid::Jid::from(jid.clone());
        self.stamp = Some(Box::new(crate::connection::Stamp {
            attribute: crate::stanza::from_attribute(&full),
            bare: jid.to_bare().as_str().to_owned(),
            full,
        }));
        self.state = State::Server(ServerState::Established { jid: jid.clone() });
        self.write_element(&result);
        self.emit(Event::Bound(jid));
        self.established();
        self.resume();
        Ok(())
    }

    /// Refuses the pending [`Event::BindRequest`] with `condition` (RFC 3920 §7:
    /// `conflict`, `not-allowed` or `bad-request`); the client may ask again.
    pub fn refuse_bind(&mut self, condition: StanzaErrorCondition) -> Result<(), Error> {
        match std::mem::replace(&mut self.state, State::Closed) {
            State::Server(ServerState::AwaitBindDecision { request, .. }) => {
                self.state = State::Server(ServerState::AwaitRequest(Stage::AfterSasl));
                if let Some(reply) = StanzaError::new(condition).reply_to(request.as_ref()) {
                    self.write_element(&reply);
                }
                self.resume();
                Ok(())
            }
            other => {
                self.state = other;
                Err(self.ended().unwrap_or(Error::NotAsked))
            }
        }
    }

    /// Accepts the pending [`Event::SessionRequest`]: the IQ result (RFC 3921 §3).
    pub fn accept_session(&mut self) -> Result<(), Error> {
        self.decide_session(None)
    }

    /// Refuses the pending [`Event::SessionRequest`] with `condition` (RFC 3921 §3:
    /// `internal-server-error` when the server cannot make the session, `forbidden` when
    /// the user or resource may not have one, `conflict` for a resource clash). The
    /// stream stays open.
    pub fn refuse_session(&mut self, condition: StanzaErrorCondition) -> Result<(), Error> {
        self.decide_session(Some(condition))
    }

    fn decide_session(&mut self, refusal: Option<StanzaErrorCondition>) -> Result<(), Error> {
        match std::mem::replace(&mut self.state, State::Closed) {
            State::Server(ServerState::AwaitSessionDecision { jid, request }) => {
                self.state = State::Server(ServerState::Established { jid });
                match refusal {
                    None => {
                        let mut result = Element::new(CLIENT_NS, "iq").with_attr("type", "result");
                        if let Some(id) = request.attr("id") {
                            result = result.with_attr("id", id.to_owned());
                        }
                        self.write_element(&result);
                    }
                    Some(condition) => {
                        if let Some(reply) = StanzaError::new(condition).reply_to(request.as_ref())
                        {
                            self.write_element(&reply);
                        }
                    }
                }
                self.resume();
                Ok(())
            }
            other => {
                self.state = other;
                Err(self.ended().unwrap_or(Error::NotAsked))
            }
        }
    }

    /// The full JID of an established session (server role).
    pub fn bound_jid(&self) -> Option<&FullJid> {
        match &self.state {
            State::Server(
                ServerState::Established { jid } | ServerState::AwaitSessionDecision { jid, .. },
            ) => Some(jid),
            _ => None,
        }
    }

    fn set_server(&mut self, state: ServerState) {
        self.state = State::Server(state);
    }

    fn server_config(&self) -> Option<&ServerConfig> {
        self.server.as_deref()
    }

    pub(crate) fn server_tls_ready(&mut self) {
        self.set_server(ServerState::AwaitHeader(Stage::AfterTls));
    }

    pub(crate) fn server_input(&mut self, incoming: Incoming) {
        // The steady state: a stanza on an established stream, the state left in place.
        let incoming = match incoming {
            Incoming::Stanza(stanza)
                if matches!(self.state, State::Server(ServerState::Established { .. })) =>
            {
                return self.server_stanza(stanza);
            }
            other => other,
        };
        let State::Server(state) = std::mem::replace(&mut self.state, State::Closed) else {
            return;
        };
        match (state, incoming) {
            (ServerState::AwaitHeader(stage), Incoming::Header(info, ns, reply)) => {
                self.set_server(ServerState::AwaitHeader(stage));
                self.emit(Event::StreamOpened(info.clone()));
                self.server_header(stage, &info, ns, reply);
            }
            (ServerState::AwaitRequest(Stage::Initial), Incoming::Element(e))
                if e.is(TLS_NS, "starttls") =>
            {
                self.server_starttls();
            }
            (ServerState::AwaitRequest(stage), Incoming::Element(e))
                if stage != Stage::AfterSasl && e.is(SASL_NS, "auth") =>
            {
                self.server_auth(stage, &e);
            }
            (
                ServerState::Authenticating {
                    stage,
                    mechanism,
                    mut sasl,
                    asked: false,
                },
                Incoming::Element(e),
            ) if e.is(SASL_NS, "response") => match decode_payload(e.text().trim()) {
                Ok(data) => {
                    let step = sasl.step(Some(data.as_deref().unwrap_or_default()));
                    self.server_sasl_step(stage, mechanism, sasl, step);
                }
                Err(_) => self.sasl_failure(stage, Condition::IncorrectEncoding),
            },
            (ServerState::Authenticating { stage, .. }, Incoming::Element(e))
                if e.is(SASL_NS, "abort") =>
            {
                // RFC 3920 §6.2: an abort counts like a failure towards the retries.
                self.sasl_failure(stage, Condition::Aborted);
            }
            (ServerState::AwaitRequest(Stage::AfterSasl), Incoming::Element(e))
                if is_bind_request(&e) =>
            {
                self.server_bind_request(e);
            }
            (ServerState::AwaitRequest(Stage::AfterSasl), Incoming::Element(e))
                if e.namespace() == CLIENT_NS && StanzaKind::from_name(e.name()).is_some() =>
            {
                // RFC 3920 §7: a stanza before binding is not processed; not-authorized.
                self.set_server(ServerState::AwaitRequest(Stage::AfterSasl));
                if let Some(reply) =
                    StanzaError::new(StanzaErrorCondition::NotAuthorized).reply_to(e.as_ref())
                {
                    self.write_element(&reply);
                }
            }
            (state @ ServerState::AwaitRequest(_), Incoming::Element(e))
                if e.namespace() == CLIENT_NS && StanzaKind::from_name(e.name()).is_some() =>
            {
                // RFC 3920 §9.1.2: a stanza on a stream that is not authenticated.
                self.set_server(state);
                self.stream_error(
                    StreamError::new(StreamErrorCondition::NotAuthorized)
                        .with_text("stanzas are accepted only after authentication"),
                );
            }
            (ServerState::Established { jid }, Incoming::BadStanza(tree, error)) => {
                self.set_server(ServerState::Established { jid });
                self.server_bad_stanza(&tree, error);
            }
            (state, incoming) => {
                let text = format!("unexpected {} while {state:?}", incoming.describe());
                self.set_server(state);
                self.stream_error(
                    StreamError::new(StreamErrorCondition::UnsupportedStanzaType).with_text(text),
                );
            }
        }
    }

    fn server_header(
        &mut self,
        stage: Stage,
        info: &crate::event::StreamInfo,
        ns: &str,
        reply: Option<(u32, u32)>,
    ) {
        let Some(cfg) = self.server_config() else {
            return;
        };
        let domain = cfg.domain.clone();
        let lang = info
            .lang
            .clone()
            .unwrap_or_else(|| cfg.default_lang.clone());
        let id = crate::random::hex_token(self.random.as_mut(), 16);
        // RFC 3920 §4.4.1: reply with the lower of the two versions; none when the client
        // sent none.
        let version = reply.map(|(major, minor)| format!("{major}.{minor}"));
        let mut attrs: Vec<(&str, &str)> = vec![("from", &domain), ("id", &id)];
        if let Some(v) = &version {
            attrs.push(("version", v));
        }
        attrs.push(("xml:lang", &lang));
        self.write_header(&attrs);
        if ns.is_empty() {
            return self.stream_error(StreamError::new(StreamErrorCondition::InvalidNamespace));
        }
        if let Some(to) = &info.to {
            if !crate::s2s::same_domain(to, &domain) {
                return self.stream_error(
                    StreamError::new(StreamErrorCondition::HostUnknown)
                        .with_text(format!("this server does not serve '{to}'")),
                );
            }
        }
        if info.version.is_none_or(|(major, _)| major < 1) {
            return self.stream_error(
                StreamError::new(StreamErrorCondition::UnsupportedVersion)
                    .with_text("XMPP 1.0 is required"),
            );
        }
        let features = self.server_features(stage);
        self.write_element(&features.to_element());
        self.set_server(ServerState::AwaitRequest(stage));
    }

    /// The SASL settings of this connection: the configured offer with the TLS state and
    /// channel bindings of the moment.
    fn sasl_settings(&self) -> Option<ServerSettings> {
        let mut settings = self.server_config()?.sasl.clone();
        settings.tls = self.is_encrypted();
        settings.channel_bindings = self.transport.channel_bindings();
        Some(settings)
    }

    fn server_features(&self, stage: Stage) -> Features {
        let mut f = Features::default();
        let Some(cfg) = self.server_config() else {
            return f;
        };
        let tls_required = cfg.tls == TlsPolicy::Required;
        match stage {
            Stage::Initial | Stage::AfterTls => {
                let tls = self.transport.is_tls();
                if !tls && cfg.tls != TlsPolicy::Disabled && cfg.tls_identity.is_some() {
                    f.starttls = Some(tls_required);
                }
                // With TLS required, SASL is offered only once TLS is up (RFC 3920 §5.1 rule 4
                // and §6.1 rule 3: mechanisms follow the security layer).
                if tls || !tls_required {
                    let Some(settings) = self.sasl_settings() else {
                        return f;
                    };
                    if settings.supports_channel_binding() {
                        f.channel_binding_types = Some(
                            settings
                                .usable_channel_bindings()
                                .map(|b| b.kind.name().to_owned())
                                .collect(),
                        );
                    }
                    f.mechanisms = xmpp_sasl::negotiate::offer(&settings)
                        .into_iter()
                        .map(|m| m.name().to_owned())
                        .collect();
                }
            }
            Stage::AfterSasl => {
                f.bind = true;
                f.session = cfg.session;
            }
        }
        f
    }

    fn server_starttls(&mut self) {
        let identity = self
            .server_config()
            .filter(|c| c.tls != TlsPolicy::Disabled)
            .and_then(|c| c.tls_identity.clone());
        self.answer_starttls(
            identity,
            State::Server(ServerState::TlsHandshake),
            State::Server(ServerState::AwaitRequest(Stage::Initial)),
        );
    }

    fn server_auth(&mut self, stage: Stage, e: &Element<'_>) {
        let tls_required = self
            .server_config()
            .is_some_and(|c| c.tls == TlsPolicy::Required);
        if tls_required && !self.is_encrypted() {
            self.set_server(ServerState::AwaitRequest(stage));
            return self.stream_error(
                StreamError::new(StreamErrorCondition::PolicyViolation)
                    .with_text("TLS is required before authentication"),
            );
        }
        let name = e.attr("mechanism").unwrap_or_default();
        let Some(settings) = self.sasl_settings() else {
            return;
        };
        let Some(mechanism) = Mechanism::from_name(name)
            .ok()
            .filter(|m| settings.offers(*m))
        else {
            return self.sasl_failure(stage, Condition::InvalidMechanism);
        };
        let mut sasl = match xmpp_sasl::negotiate::server(name, &settings) {
            Ok(s) => s,
            Err(err) => return self.sasl_failure(stage, err.condition()),
        };
        match decode_payload(e.text().trim()) {
            Ok(initial) => {
                let step = sasl.step(initial.as_deref());
                self.server_sasl_step(stage, mechanism, sasl, step);
            }
            Err(_) => self.sasl_failure(stage, Condition::IncorrectEncoding),
        }
    }

    fn server_sasl_step(
        &mut self,
        stage: Stage,
        mechanism: Mechanism,
        sasl: Box<dyn ServerMechanism + Send>,
        step: Result<ServerStep, xmpp_sasl::Error>,
    ) {
        match step {
            Ok(ServerStep::Challenge(data)) => {
                self.set_server(ServerState::Authenticating {
                    stage,
                    mechanism,
                    sasl,
                    asked: false,
                });
                self.write_element(
                    &Element::new(SASL_NS, "challenge").with_text(encode_payload(&data)),
                );
            }
            Ok(ServerStep::Request(request)) => {
                self.set_server(ServerState::Authenticating {
                    stage,
                    mechanism,
                    sasl,
                    asked: true,
                });
                self.paused = true;
                self.emit(Event::SaslRequest { mechanism, request });
            }
            Ok(ServerStep::Success {
                additional_data,
                identity,
            }) => {
                let anonymous = identity.is_anonymous();
                let user = match self
                    .authenticated_user(identity.authcid().unwrap_or_default(), anonymous)
                {
                    Some(u) => u,
                    None => return self.sasl_failure(stage, Condition::NotAuthorized),
                };
                if let Some(authzid) = identity.authzid() {
                    // Acting as another entity is not supported: only the user's own JID.
                    if BareJid::parse(authzid).ok().as_ref() != Some(&user) {
                        return self.sasl_failure(stage, Condition::InvalidAuthzid);
                    }
                }
                let mut success = Element::new(SASL_NS, "success");
                if let Some(data) = additional_data {
                    success = success.with_text(encode_payload(&data));
                }
                self.write_element(&success);
                self.emit(Event::Authenticated {
                    mechanism,
                    jid: user.clone(),
                    anonymous,
                });
                self.user = Some(user);
                // RFC 3920 §6.2 step 7: the client opens a new stream next.
                self.restart_stream();
                self.set_server(ServerState::AwaitHeader(Stage::AfterSasl));
            }
            Err(err) => self.sasl_failure(stage, err.condition()),
        }
    }

    fn authenticated_user(&mut self, authcid: &str, anonymous: bool) -> Option<BareJid> {
        let domain = DomainPart::new(&self.server_config()?.domain).ok()?;
        let node = if anonymous {
            NodePart::new(&crate::random::hex_token(self.random.as_mut(), 8)).ok()?
        } else {
            NodePart::new(authcid).ok()?
        };
        Some(BareJid::from_parts(Some(&node), &domain))
    }

    /// Sends `<failure/>` (RFC 3920 §6.4); past the allowed retries the stream ends
    /// (RFC 3920 §6.2: at least two retries, then the connection is closed).
    fn sasl_failure(&mut self, stage: Stage, condition: Condition) {
        self.write_element(
            &Element::new(SASL_NS, "failure")
                .with_child(Element::new(SASL_NS, condition.element_name())),
        );
        self.sasl_failures += 1;
        let retries = self.server_config().map_or(2, |c| c.sasl_retries.max(2));
        self.set_server(ServerState::AwaitRequest(stage));
        if self.sasl_failures > retries {
            self.begin_close(CloseReason::Authentication {
                condition,
                text: Some(format!("{} failed attempts", self.sasl_failures)),
            });
        }
    }

    fn server_bind_request(&mut self, request: Element<'static>) {
        let resource = request
            .child(BIND_NS, "bind")
            .and_then(|b| b.child(BIND_NS, "resource"))
            .map(|r| r.text().trim().to_owned());
        let requested = match resource.as_deref().map(ResourcePart::new) {
            None => None,
            Some(Ok(r)) => Some(r),
            Some(Err(_)) => {
                // RFC 3920 §7: a resource resourceprep refuses is a bad request.
                self.set_server(ServerState::AwaitRequest(Stage::AfterSasl));
                if let Some(reply) =
                    StanzaError::new(StanzaErrorCondition::BadRequest).reply_to(request.as_ref())
                {
                    self.write_element(&reply);
                }
                return;
            }
        };
        self.paused = true;
        self.emit(Event::BindRequest {
            requested: requested.as_ref().map(|r| r.as_str().to_owned()),
        });
        self.set_server(ServerState::AwaitBindDecision { request, requested });
    }

    fn server_stanza(&mut self, mut stanza: Stanza) {
        // RFC 3920 §9.1.2: a `from` must be this session's; none gets stamped.
        let refused = match self.stamp.as_deref() {
            Some(stamp) => match stanza.from() {
                Some(from) => (from.as_str() != stamp.full.as_str()
                    && from.as_str() != stamp.bare.as_str())
                .then(|| from.to_string()),
                None => {
                    stanza.stamp_with(&stamp.attribute, &stamp.full);
                    None
                }
            },
            None => Some(String::new()),
        };
        if let Some(from) = refused {
            return self.stream_error(
                StreamError::new(StreamErrorCondition::InvalidFrom)
                    .with_text(format!("'{from}' is not this session's address")),
            );
        }
        if stanza.kind() == StanzaKind::Iq && self.server_own_iq(&stanza) {
            return;
        }
        self.emit(Event::Stanza(stanza));
    }

    /// Answers the session request (RFC 3921 §3) and a second bind; `true` when handled.
    fn server_own_iq(&mut self, stanza: &Stanza) -> bool {
        let to_server = stanza.to().is_none_or(|to| {
            to.node().is_none()
                && to.resource().is_none()
                && self.server_config().is_some_and(|c| {
                    DomainPart::new(&c.domain).is_ok_and(|d| d.as_str() == to.domain())
                })
        });
        if !to_server || stanza.stanza_type() != Some("set") {
            return false;
        }
        let Ok(tree) = stanza.element() else {
            return false;
        };
        if tree.child(SESSION_NS, "session").is_some() {
            if self.server_config().is_some_and(|c| c.session_decision)
                && let State::Server(ServerState::Established { jid }) = &self.state
            {
                let jid = jid.clone();
                self.paused = true;
                self.set_server(ServerState::AwaitSessionDecision { jid, request: tree });
                self.emit(Event::SessionRequest);
                return true;
            }
            let mut result = Element::new(CLIENT_NS, "iq").with_attr("type", "result");
            if let Some(id) = stanza.id() {
                result = result.with_attr("id", id.to_owned());
            }
            self.write_element(&result);
            return true;
        }
        if tree.child(BIND_NS, "bind").is_some() {
            // One resource per stream (RFC 3920 §7 binds once, after SASL).
            if let Some(reply) =
                StanzaError::new(StanzaErrorCondition::NotAllowed).reply_to(tree.as_ref())
            {
                self.write_element(&reply);
            }
            return true;
        }
        false
    }

    fn server_bad_stanza(&mut self, tree: &Element<'_>, error: EnvelopeError) {
        let condition = match error {
            EnvelopeError::Address {
                field: AddressField::From,
                ..
            } => {
                return self.stream_error(
                    StreamError::new(StreamErrorCondition::InvalidFrom)
                        .with_text("the 'from' address is not a valid JID"),
                );
            }
            EnvelopeError::Address {
                field: AddressField::To,
                ..
            } => {
                // The error comes from the server: the malformed address cannot be its
                // `from` (the client could not read it), so the reply has none.
                let original = without_attribute(tree, "to");
                if let Some(reply) =
                    StanzaError::new(StanzaErrorCondition::JidMalformed).reply_to(original.as_ref())
                {
                    self.write_element(&reply);
                }
                return;
            }
            EnvelopeError::IqWithoutId => {
                return self.stream_error(
                    StreamError::new(StreamErrorCondition::InvalidXml)
                        .with_text("an iq without 'id' cannot be answered (RFC 3920 §9.2.3)"),
                );
            }
            EnvelopeError::IqType(_) => StanzaErrorCondition::BadRequest,
        };
        if let Some(reply) = StanzaError::new(condition).reply_to(tree.as_ref()) {
            self.write_element(&reply);
        }
    }
}

/// A copy of `e` without the attribute `name` (in no namespace).
fn without_attribute(e: &Element<'_>, name: &str) -> Element<'static> {
    let mut copy = Element::new(e.namespace().to_owned(), e.name().to_owned());
    for a in e
        .attributes()
        .iter()
        .filter(|a| !(a.namespace.is_empty() && a.name == name))
    {
        copy.push_attr(a.clone().into_owned());
    }
    for child in e.elements() {
        copy.push_child(child.to_owned_element());
    }
    copy
}

fn is_bind_request(e: &Element<'_>) -> bool {
    e.is(CLIENT_NS, "iq") && e.attr("type") == Some("set") && e.child(BIND_NS, "bind").is_some()
}
