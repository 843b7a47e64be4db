//! Ethnicity: Vietnam's 54 ethnic groups with their two-digit codes. Sensitive data under the
//! Personal Data Protection Law 2025: it is a coded fact, never free text.
//!
//! # Which list
//!
//! The General Statistics Office's current *Danh mục các dân tộc Việt Nam*, issued with
//! Decision 1019/QĐ-TCTK of 12 November 2008 and used by the 1999, 2009 and 2019 censuses
//! (`01` Kinh, `02` Tày, `03` Thái, `04` Mường, `05` Khmer, `06` Hoa, …). It is **not** the
//! 1979 list of Decision 121-TCTK/PPCĐ (`04` Hoa, `05` Khơ-me, `06` Mường, …), which many
//! copies on the web (and some software) still use.
//!
//! Sources checked: codes 01–20 against the GSO's own document
//! (gso.gov.vn, `Doc_Download.aspx?DocID=15172`, "Danh mục các dân tộc Việt Nam") and 01–13
//! against its reproduction in Appendix E of QCVN 109 (qcvn109.gov.vn, citing Decision
//! 1019/QĐ-TCTK); the order of 21–54 against several independent published code lists that
//! cite the GSO list and agree with one another. Names are spelled as in the GSO list.
//! English labels are the names romanised without diacritics.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use super::{Lang, Vocabulary};

struct Group {
    code: &'static str,
    vi: &'static str,
    en: &'static str,
}

const fn g(code: &'static str, vi: &'static str, en: &'static str) -> Group {
    Group { code, vi, en }
}

/// The list, in code order. Never reorder: the codes are stored in events.
static GROUPS: [Group; 54] = [
    g("01", "Kinh", "Kinh"),
    g("02", "Tày", "Tay"),
    g("03", "Thái", "Thai"),
    g("04", "Mường", "Muong"),
    g("05", "Khmer", "Khmer"),
    g("06", "Hoa", "Hoa"),
    g("07", "Nùng", "Nung"),
    g("08", "Mông", "Mong"),
    g("09", "Dao", "Dao"),
    g("10", "Gia Rai", "Gia Rai"),
    g("11", "Ê Đê", "E De"),
    g("12", "Ba Na", "Ba Na"),
    g("13", "Sán Chay", "San Chay"),
    g("14", "Chăm", "Cham"),
    g("15", "Cơ Ho", "Co Ho"),
    g("16", "Xơ Đăng", "Xo Dang"),
    g("17", "Sán Dìu", "San Diu"),
    g("18", "Hrê", "Hre"),
    g("19", "Ra Glai", "Ra Glai"),
    g("20", "Mnông", "Mnong"),
    g("21", "Thổ", "Tho"),
    g("22", "Xtiêng", "Xtieng"),
    g("23", "Khơ Mú", "Kho Mu"),
    g("24", "Bru Vân Kiều", "Bru Van Kieu"),
    g("25", "Cơ Tu", "Co Tu"),
    g("26", "Giáy", "Giay"),
    g("27", "Tà Ôi", "Ta Oi"),
    g("28", "Mạ", "Ma"),
    g("29", "Giẻ Triêng", "Gie Trieng"),
    g("30", "Co", "Co"),
    g("31", "Chơ Ro", "Cho Ro"),
    g("32", "Xinh Mun", "Xinh Mun"),
    g("33", "Hà Nhì", "Ha Nhi"),
    g("34", "Chu Ru", "Chu Ru"),
    g("35", "Lào", "Lao"),
    g("36", "La Chí", "La Chi"),
    g("37", "Kháng", "Khang"),
    g("38", "Phù Lá", "Phu La"),
    g("39", "La Hủ", "La Hu"),
    g("40", "La Ha", "La Ha"),
    g("41", "Pà Thẻn", "Pa Then"),
    g("42", "Lự", "Lu"),
    g("43", "Ngái", "Ngai"),
    g("44", "Chứt", "Chut"),
    g("45", "Lô Lô", "Lo Lo"),
    g("46", "Mảng", "Mang"),
    g("47", "Cơ Lao", "Co Lao"),
    g("48", "Bố Y", "Bo Y"),
    g("49", "Cống", "Cong"),
    g("50", "Si La", "Si La"),
    g("51", "Pu Péo", "Pu Peo"),
    g("52", "Rơ Măm", "Ro Mam"),
    g("53", "Brâu", "Brau"),
    g("54", "Ơ Đu", "O Du"),
];

/// One of the 54 ethnic groups, identified by its GSO code. Only codes in the list can be
/// made, so holding an `Ethnicity` means holding a valid code.
#[derive(Clone, Copy)]
pub struct Ethnicity(&'static Group);

impl Ethnicity {
    /// The group with this exact two-digit code.
    pub fn parse(code: &str) -> Option<Self> {
        GROUPS.iter().find(|group| group.code == code).map(Self)
    }

    /// All 54, in code order.
    pub fn all() -> impl Iterator<Item = Self> {
        GROUPS.iter().map(Self)
    }

    /// The two-digit code, `01`..=`54`.
    pub fn code(self) -> &'static str {
        self.0.code
    }

    /// The group's name: Vietnamese as the GSO spells it, or romanised.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.0.vi,
            Lang::En => self.0.en,
        }
    }

    /// Whether this is the majority group (code `01`).
    pub fn is_kinh(self) -> bool {
        self.0.code == "01"
    }
}

impl Vocabulary for Ethnicity {
    const NAME: &'static str = "ethnicity";

    fn all() -> impl Iterator<Item = Self> {
        Ethnicity::all()
    }

    fn code(self) -> &'static str {
        Ethnicity::code(self)
    }

    fn label(self, lang: Lang) -> &'static str {
        Ethnicity::label(self, lang)
    }
}

impl PartialEq for Ethnicity {
    fn eq(&self, other: &Self) -> bool {
        self.code() == other.code()
    }
}

impl Eq for Ethnicity {}

impl Hash for Ethnicity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.code().hash(state);
    }
}

impl PartialOrd for Ethnicity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ethnicity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.code().cmp(other.code())
    }
}

impl fmt::Debug for Ethnicity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ethnicity({})", self.code())
    }
}

impl fmt::Display for Ethnicity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Ethnicity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Ethnicity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        Self::parse(&text)
            .ok_or_else(|| de::Error::custom("expected a two-digit ethnicity code 01..54"))
    }
}

impl JsonSchema for Ethnicity {
    fn schema_name() -> Cow<'static, str> {
        "Ethnicity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes: Vec<&str> = GROUPS.iter().map(|group| group.code).collect();
        super::code_schema(&codes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_54_groups() {
        assert_eq!(Ethnicity::all().count(), 54);
    }

    #[test]
    fn codes_run_from_01_to_54_without_gaps() {
        let codes: Vec<&str> = Ethnicity::all().map(Ethnicity::code).collect();
        let expected: Vec<String> = (1..=54).map(|n| format!("{n:02}")).collect();
        assert_eq!(codes, expected);
    }

    #[test]
    fn spot_checks_follow_the_gso_list_not_the_1979_one() {
        let name = |code| Ethnicity::parse(code).unwrap().label(Lang::Vi);
        assert_eq!(name("01"), "Kinh");
        assert_eq!(name("04"), "Mường");
        assert_eq!(name("05"), "Khmer");
        assert_eq!(name("06"), "Hoa");
        assert_eq!(name("11"), "Ê Đê");
        assert_eq!(name("12"), "Ba Na");
        assert_eq!(name("43"), "Ngái");
        assert_eq!(name("54"), "Ơ Đu");
    }

    #[test]
    fn only_listed_codes_parse() {
        for bad in ["00", "55", "1", "001", "4", "Kinh", ""] {
            assert!(Ethnicity::parse(bad).is_none(), "{bad:?}");
        }
        assert!(serde_json::from_str::<Ethnicity>("\"55\"").is_err());
    }

    #[test]
    fn only_kinh_is_kinh() {
        assert_eq!(Ethnicity::all().filter(|e| e.is_kinh()).count(), 1);
        assert!(Ethnicity::parse("01").unwrap().is_kinh());
    }

    #[test]
    fn an_ethnicity_is_written_as_its_code() {
        let ede = Ethnicity::parse("11").unwrap();
        assert_eq!(serde_json::to_string(&ede).unwrap(), "\"11\"");
        assert_eq!(serde_json::from_str::<Ethnicity>("\"11\"").unwrap(), ede);
    }
}
