//! A list of administrative units as a file (`data/areas/vn-2025.csv`, or an office's list of
//! earlier units): one unit a line, read into [`ListedUnit`]s, every line checked on its own
//! and against the rest of the file. Nothing here knows the registry; comparing the list with
//! it is the import's job.
//!
//! The format, fixed by its header: `code,name,type,level,parent,valid_from,valid_to,successor`.
//! No field is quoted, so none may hold a comma or a quote. `valid_to` and `successor` are
//! empty for units in force; a unit of an earlier list names the last day it existed and,
//! usually, the unit that took it over.

use std::collections::HashSet;

use time::Date;
use time::macros::format_description;

use super::unit_type::UnitType;
use crate::domain::ids::AreaCode;
use crate::domain::vocab::AreaLevel;

/// The header every list begins with.
pub const HEADER: &str = "code,name,type,level,parent,valid_from,valid_to,successor";

/// One unit of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedUnit {
    pub code: AreaCode,
    /// The official name, its type word first.
    pub name: String,
    pub unit_type: UnitType,
    pub level: AreaLevel,
    /// None for a province.
    pub parent: Option<AreaCode>,
    pub valid_from: Date,
    /// The last day it existed, for an earlier unit.
    pub valid_to: Option<Date>,
    /// The unit that took it over, for an earlier unit.
    pub successor: Option<AreaCode>,
}

/// Why a list was refused: the line (1 is the header) and what is wrong with it, in words
/// that name the column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct ListError {
    pub line: usize,
    pub problem: String,
}

/// Reads a whole list; the first problem found refuses it.
pub fn parse(text: &str) -> Result<Vec<ListedUnit>, ListError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line));
    match lines.next() {
        Some((_, header)) if header.trim_start_matches('\u{feff}').trim_end() == HEADER => {}
        _ => return Err(problem(1, format!("the header must be `{HEADER}`"))),
    }
    let mut units = Vec::new();
    let mut seen = HashSet::new();
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        let unit = parse_line(text).map_err(|message| problem(line, message))?;
        if !seen.insert(unit.code.clone()) {
            return Err(problem(line, format!("code {} appears twice", unit.code)));
        }
        units.push(unit);
    }
    if units.is_empty() {
        return Err(problem(1, "the list has no units".to_owned()));
    }
    Ok(units)
}

fn problem(line: usize, problem: String) -> ListError {
    ListError { line, problem }
}

fn parse_line(line: &str) -> Result<ListedUnit, String> {
    if line.contains('"') {
        return Err("fields are not quoted, and no field may hold a quote".to_owned());
    }
    let fields: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
    let [
        code,
        name,
        kind,
        level,
        parent,
        valid_from,
        valid_to,
        successor,
    ] = fields[..]
    else {
        return Err(format!("expected 8 fields, found {}", fields.len()));
    };
    let code = AreaCode::parse(code).map_err(|_| "code: 2 to 5 digits".to_owned())?;
    let unit_type =
        UnitType::parse(kind).ok_or_else(|| format!("type: one of {}", UnitType::known()))?;
    let level = match level {
        "province" => AreaLevel::Province,
        "district" => AreaLevel::District,
        "commune" => AreaLevel::Commune,
        _ => return Err("level: province, district or commune".to_owned()),
    };
    if unit_type.level() != level {
        return Err(format!(
            "type: a {} is not of level {level:?}",
            unit_type.text()
        ));
    }
    if !unit_type.names(name) || name.trim() != name {
        return Err(format!(
            "name: a {}'s name begins with \"{} \"",
            unit_type.text(),
            unit_type.word()
        ));
    }
    let digits = match level {
        AreaLevel::Province => 2,
        AreaLevel::District => 3,
        AreaLevel::Commune => 5,
    };
    if code.as_str().len() != digits {
        return Err(format!("code: {digits} digits at this level"));
    }
    let parent = optional(parent, |text| AreaCode::parse(text).ok(), "parent: a code")?;
    match (&parent, level) {
        (Some(_), AreaLevel::Province) => return Err("parent: a province has none".to_owned()),
        (None, AreaLevel::District | AreaLevel::Commune) => {
            return Err("parent: required below a province".to_owned());
        }
        (Some(parent), _) if parent.as_str().len() >= digits => {
            return Err("parent: must be of a higher level".to_owned());
        }
        _ => {}
    }
    let valid_from = date(valid_from).ok_or("valid_from: a date as YYYY-MM-DD")?;
    let valid_to = optional(valid_to, date, "valid_to: a date as YYYY-MM-DD")?;
    let successor = optional(
        successor,
        |text| AreaCode::parse(text).ok(),
        "successor: a code",
    )?;
    if valid_to.is_some_and(|to| to < valid_from) {
        return Err("valid_to: before valid_from".to_owned());
    }
    if successor.is_some() && valid_to.is_none() {
        return Err("successor: only a unit with a valid_to has one".to_owned());
    }
    if successor.as_ref() == Some(&code) {
        return Err("successor: a unit cannot succeed itself".to_owned());
    }
    if successor
        .as_ref()
        .is_some_and(|successor| successor.as_str().len() != digits)
    {
        return Err("successor: must be of the same level".to_owned());
    }
    Ok(ListedUnit {
        code,
        name: name.to_owned(),
        unit_type,
        level,
        parent,
        valid_from,
        valid_to,
        successor,
    })
}

fn optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    parse(text).map(Some).ok_or_else(|| expected.to_owned())
}

fn date(text: &str) -> Option<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn list(rows: &[&str]) -> String {
        std::iter::once(HEADER)
            .chain(rows.iter().copied())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_current_and_an_earlier_unit_read_back() {
        let units = parse(&list(&[
            "62,Tỉnh Kon Tum,tỉnh,province,,2025-07-01,,",
            "23290,Xã Ngọc Réo,xã,commune,610,2020-01-01,2025-06-30,23284",
        ]))
        .unwrap();
        assert_eq!(units[0].unit_type, UnitType::Tinh);
        assert_eq!(units[0].parent, None);
        assert_eq!(units[1].valid_to, Some(date!(2025 - 06 - 30)));
        assert_eq!(units[1].successor.as_ref().unwrap().as_str(), "23284");
    }

    #[test]
    fn a_bad_line_is_refused_with_its_number_and_column() {
        let refused =
            |row: &str| parse(&list(&["62,Tỉnh Kon Tum,tỉnh,province,,2025-07-01,,", row]));
        for (row, says) in [
            (
                "23284,Xã Đăk Hà,xã,commune,62,2025-07-01,",
                "expected 8 fields",
            ),
            (
                "2328,Xã Đăk Hà,xã,commune,62,2025-07-01,,",
                "code: 5 digits",
            ),
            (
                "23284,Phường Đăk Hà,xã,commune,62,2025-07-01,,",
                "name: a xã's name",
            ),
            (
                "23284,Xã Đăk Hà,huyện,commune,62,2025-07-01,,",
                "type: a huyện",
            ),
            ("23284,Xã Đăk Hà,xa,commune,62,2025-07-01,,", "type: one of"),
            (
                "23284,Xã Đăk Hà,xã,commune,,2025-07-01,,",
                "parent: required",
            ),
            ("23284,Xã Đăk Hà,xã,commune,62,2025-13-01,,", "valid_from"),
            (
                "23284,Xã Đăk Hà,xã,commune,62,2025-07-01,2025-01-01,",
                "before valid_from",
            ),
            (
                "23284,Xã Đăk Hà,xã,commune,62,2025-07-01,,23285",
                "only a unit with a valid_to",
            ),
            ("23284,\"Xã Đăk Hà\",xã,commune,62,2025-07-01,,", "quote"),
            (
                "62,Tỉnh Kon Tum,tỉnh,province,,2025-07-01,,",
                "appears twice",
            ),
        ] {
            let error = refused(row).unwrap_err();
            assert_eq!(error.line, 3, "{row}");
            assert!(error.problem.contains(says), "{row}: {error}");
        }
        assert_eq!(parse("code,name\n").unwrap_err().line, 1);
        assert_eq!(parse(HEADER).unwrap_err().problem, "the list has no units");
    }
}
