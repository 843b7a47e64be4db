//! The types of Vietnam's administrative units, a closed list: before 1 July 2025 a province
//! held districts (huyện, quận, thị xã, provincial cities) holding communes (xã, phường, thị
//! trấn); since then provinces hold communes, wards and special zones directly.
//!
//! A unit's official name begins with its type word ("Xã Đăk Hà", "Tỉnh Kon Tum"), so the
//! registry, which keeps the name, keeps the type with it: [`UnitType::of`] reads it back.

use crate::domain::vocab::AreaLevel;

/// One type of unit, as written in `data/areas/*.csv`'s `type` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitType {
    Tinh,
    CentralCity,
    Huyen,
    Quan,
    ThiXa,
    ProvincialCity,
    Xa,
    Phuong,
    ThiTran,
    DacKhu,
}

/// `(type, its text in a file, its level, the word its names begin with)`. The city types
/// share "Thành phố": a city's level tells them apart.
const TYPES: [(UnitType, &str, AreaLevel, &str); 10] = [
    (UnitType::Tinh, "tỉnh", AreaLevel::Province, "Tỉnh"),
    (
        UnitType::CentralCity,
        "thành phố trung ương",
        AreaLevel::Province,
        "Thành phố",
    ),
    (UnitType::Huyen, "huyện", AreaLevel::District, "Huyện"),
    (UnitType::Quan, "quận", AreaLevel::District, "Quận"),
    (UnitType::ThiXa, "thị xã", AreaLevel::District, "Thị xã"),
    (
        UnitType::ProvincialCity,
        "thành phố",
        AreaLevel::District,
        "Thành phố",
    ),
    (UnitType::Xa, "xã", AreaLevel::Commune, "Xã"),
    (UnitType::Phuong, "phường", AreaLevel::Commune, "Phường"),
    (
        UnitType::ThiTran,
        "thị trấn",
        AreaLevel::Commune,
        "Thị trấn",
    ),
    (UnitType::DacKhu, "đặc khu", AreaLevel::Commune, "Đặc khu"),
];

impl UnitType {
    /// The type named by a file's `type` column.
    pub fn parse(text: &str) -> Option<Self> {
        TYPES
            .iter()
            .find(|(_, known, _, _)| *known == text)
            .map(|(kind, ..)| *kind)
    }

    /// All the texts a file may use, for an error message.
    pub fn known() -> String {
        TYPES
            .iter()
            .map(|(_, text, ..)| *text)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn text(self) -> &'static str {
        self.row().1
    }

    pub fn level(self) -> AreaLevel {
        self.row().2
    }

    /// The word an official name of this type begins with.
    pub fn word(self) -> &'static str {
        self.row().3
    }

    /// Whether `name` is written as a unit of this type ("Xã " and more).
    pub fn names(self, name: &str) -> bool {
        name.strip_prefix(self.word())
            .and_then(|rest| rest.strip_prefix(' '))
            .is_some_and(|rest| !rest.trim().is_empty())
    }

    /// The type of a unit of `level` called `name`, read from its type word.
    pub fn of(level: AreaLevel, name: &str) -> Option<Self> {
        TYPES
            .iter()
            .filter(|(_, _, at, _)| *at == level)
            .map(|(kind, ..)| *kind)
            .find(|kind| kind.names(name))
    }

    fn row(self) -> (UnitType, &'static str, AreaLevel, &'static str) {
        TYPES
            .iter()
            .copied()
            .find(|(kind, ..)| *kind == self)
            .unwrap_or((self, "", AreaLevel::Commune, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_reads_back_from_its_text_and_from_a_name() {
        for (kind, text, level, word) in TYPES {
            assert_eq!(UnitType::parse(text), Some(kind));
            assert_eq!(kind.level(), level);
            assert_eq!(UnitType::of(level, &format!("{word} Đăk Hà")), Some(kind));
        }
        assert_eq!(
            UnitType::parse("Xã"),
            None,
            "the text is lower case, as files write it"
        );
        assert_eq!(UnitType::of(AreaLevel::Commune, "Xãx Đăk Hà"), None);
        assert_eq!(
            UnitType::of(AreaLevel::Commune, "Xã "),
            None,
            "a type word is not a name"
        );
        assert_eq!(UnitType::of(AreaLevel::Province, "Xã Đăk Hà"), None);
    }
}
