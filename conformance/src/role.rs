//! The side of a conversation a row's duty falls on.

use std::fmt;

/// Who must do what a row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A client (the initiating entity of a client-to-server stream).
    Client,
    /// A server, including the receiving entity of any stream.
    Server,
    /// Any entity: the duty holds for clients and servers alike.
    Any,
    /// A gateway to a non-XMPP system (RFC 3922, RFC 3923).
    Gateway,
    /// Whoever runs a service: operators, administrators, configuration.
    Deployment,
}

/// Every role.
pub const ALL_ROLES: [Role; 5] = [
    Role::Client,
    Role::Server,
    Role::Any,
    Role::Gateway,
    Role::Deployment,
];

impl Role {
    /// The role as the table spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
            Role::Any => "any",
            Role::Gateway => "gateway",
            Role::Deployment => "deployment",
        }
    }

    /// Reads a role exactly as the table spells it.
    pub fn parse(text: &str) -> Option<Role> {
        ALL_ROLES.into_iter().find(|role| role.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
