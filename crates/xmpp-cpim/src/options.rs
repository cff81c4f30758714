//! What the gateway knows beyond the stanza or object it maps: the time, names, and the
//! choices RFC 3922 leaves to it.

use xmpp_im::message::MessageType;
use xmpp_jid::ResourcePart;
use xmpp_xml::CLIENT_NS;

use crate::cpim::Limits;
use crate::datetime::DateTime;

/// Choices for XMPP to CPIM (RFC 3922 §4.1, §5.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodeOptions {
    /// The gateway's time: written as the `DateTime` header (§4.1.9, §5.1.9.1) and the
    /// PIDF `<timestamp>` (§5.1.9.2). `None`: neither is written.
    pub now: Option<DateTime>,
    /// Whether stanza ids are known to be globally unique: then the id becomes the
    /// `Content-ID` (§4.1.3, §5.1.3: SHOULD NOT otherwise).
    pub ids_are_unique: bool,
    /// The sender's `Formal-name`, if known (§4.1.1, §5.1.1).
    pub sender_name: Option<String>,
    /// The recipient's `Formal-name`, if known (§4.1.2, §5.1.2).
    pub recipient_name: Option<String>,
}

/// Choices for CPIM to XMPP (RFC 3922 §4.2, §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeOptions {
    /// The recipient's resource, if the gateway knows it: added to `to` (§4.2.2,
    /// §5.2.2).
    pub recipient_resource: Option<ResourcePart>,
    /// The message `type` the gateway chooses (§4.2.10); `normal` by default.
    pub message_type: MessageType,
    /// Whether a `Content-ID` becomes the stanza `id` (§4.2.8, §5.2.8; on by default).
    pub content_id_as_id: bool,
    /// Whether the whole PIDF document is added to each presence as an extension
    /// element (§5.2.15; off by default).
    pub attach_pidf: bool,
    /// The namespace of the stanzas made (`jabber:client` by default).
    pub namespace: String,
    /// Bounds on the Message/CPIM object and the PIDF document.
    pub limits: Limits,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            recipient_resource: None,
            message_type: MessageType::Normal,
            content_id_as_id: true,
            attach_pidf: false,
            namespace: CLIENT_NS.to_owned(),
            limits: Limits::default(),
        }
    }
}
