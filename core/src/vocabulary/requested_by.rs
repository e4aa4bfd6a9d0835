//! Who asked for a reset of two-factor authentication that waits.

/// Whoever asked is named to the customer, whose reset it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestedBy {
    /// The customer, with the password and the mailbox ("Lost your device?").
    Customer,
    /// A support agent, for a caller.
    Support { agent: String },
    /// An operator, with the shell command.
    Operator { name: String },
}

impl RequestedBy {
    /// The `requested_by` and `agent` columns.
    pub(crate) fn stored(&self) -> (&'static str, Option<&str>) {
        match self {
            Self::Customer => ("customer", None),
            Self::Support { agent } => ("support", Some(agent)),
            Self::Operator { name } => ("operator", Some(name)),
        }
    }

    /// Read back strictly: anything [`stored`](Self::stored) does not write is `None`.
    pub(crate) fn from_stored(kind: &str, agent: Option<&str>) -> Option<Self> {
        match (kind, agent) {
            ("customer", None) => Some(Self::Customer),
            ("support", Some(agent)) => Some(Self::Support { agent: agent.to_owned() }),
            ("operator", Some(name)) => Some(Self::Operator { name: name.to_owned() }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_asked_reads_back_as_stored_and_nothing_else_does() {
        for asked in [RequestedBy::Customer, RequestedBy::Support { agent: "Aisha".into() }] {
            let (kind, agent) = asked.stored();
            assert_eq!(RequestedBy::from_stored(kind, agent), Some(asked.clone()));
        }
        assert_eq!(RequestedBy::from_stored("customer", Some("Aisha")), None);
        assert_eq!(RequestedBy::from_stored("support", None), None);
        assert_eq!(RequestedBy::from_stored("admin", Some("root")), None);
    }
}
