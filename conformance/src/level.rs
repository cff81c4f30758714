//! Requirement levels (the RFC 2119 keywords) and the three groups the report totals by.

use std::fmt;

/// The RFC 2119 keyword of one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// `MUST`
    Must,
    /// `MUST NOT`
    MustNot,
    /// `REQUIRED`
    Required,
    /// `SHALL`
    Shall,
    /// `SHALL NOT`
    ShallNot,
    /// `SHOULD`
    Should,
    /// `SHOULD NOT`
    ShouldNot,
    /// `RECOMMENDED`
    Recommended,
    /// `NOT RECOMMENDED`
    NotRecommended,
    /// `MAY`
    May,
    /// `OPTIONAL`
    Optional,
}

/// Every level, in the order the RFC 2119 text lists them.
pub const ALL_LEVELS: [Level; 11] = [
    Level::Must,
    Level::MustNot,
    Level::Required,
    Level::Shall,
    Level::ShallNot,
    Level::Should,
    Level::ShouldNot,
    Level::Recommended,
    Level::NotRecommended,
    Level::May,
    Level::Optional,
];

impl Level {
    /// The keyword as the table spells it, such as `MUST NOT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::MustNot => "MUST NOT",
            Level::Required => "REQUIRED",
            Level::Shall => "SHALL",
            Level::ShallNot => "SHALL NOT",
            Level::Should => "SHOULD",
            Level::ShouldNot => "SHOULD NOT",
            Level::Recommended => "RECOMMENDED",
            Level::NotRecommended => "NOT RECOMMENDED",
            Level::May => "MAY",
            Level::Optional => "OPTIONAL",
        }
    }

    /// Reads a keyword exactly as the table spells it (upper case, one space between words).
    pub fn parse(text: &str) -> Option<Level> {
        ALL_LEVELS.into_iter().find(|level| level.as_str() == text)
    }

    /// The group this keyword is totalled under.
    pub fn group(self) -> LevelGroup {
        match self {
            Level::Must | Level::MustNot | Level::Required | Level::Shall | Level::ShallNot => {
                LevelGroup::Must
            }
            Level::Should | Level::ShouldNot | Level::Recommended | Level::NotRecommended => {
                LevelGroup::Should
            }
            Level::May | Level::Optional => LevelGroup::May,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three strengths of RFC 2119: absolute duties, recommendations and permissions.
///
/// A failing row of the `Must` group makes the runner exit non-zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LevelGroup {
    /// `MUST`, `MUST NOT`, `REQUIRED`, `SHALL`, `SHALL NOT`.
    Must,
    /// `SHOULD`, `SHOULD NOT`, `RECOMMENDED`, `NOT RECOMMENDED`.
    Should,
    /// `MAY`, `OPTIONAL`.
    May,
}

impl LevelGroup {
    /// The group's name in reports: `MUST`, `SHOULD` or `MAY`.
    pub fn as_str(self) -> &'static str {
        match self {
            LevelGroup::Must => "MUST",
            LevelGroup::Should => "SHOULD",
            LevelGroup::May => "MAY",
        }
    }
}

impl LevelGroup {
    /// Reads a group name, `MUST`, `SHOULD` or `MAY`, in any case.
    pub fn parse(text: &str) -> Option<LevelGroup> {
        [LevelGroup::Must, LevelGroup::Should, LevelGroup::May]
            .into_iter()
            .find(|group| group.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for LevelGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_round_trips_through_its_spelling() {
        for level in ALL_LEVELS {
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
        assert_eq!(Level::parse("must"), None);
        assert_eq!(Level::parse("MUST  NOT"), None);
    }

    #[test]
    fn groups_follow_rfc_2119_strength() {
        assert_eq!(Level::ShallNot.group(), LevelGroup::Must);
        assert_eq!(Level::Required.group(), LevelGroup::Must);
        assert_eq!(Level::NotRecommended.group(), LevelGroup::Should);
        assert_eq!(Level::Optional.group(), LevelGroup::May);
    }
}
