//! The web app's words: one translation catalogue, Vietnamese first, English second.
//!
//! Every text a page shows comes from here or from a vocabulary's own labels
//! ([`crate::domain::vocab::Vocabulary::label`]). The catalogue is a set of tables of
//! [`Message`]s, one per page module, so each page keeps its words beside it; a message has
//! both languages by construction, and the tests check that every key is unique, both texts
//! are non-empty, and every key a page asks for with [`tr`] exists.

use std::collections::HashMap;
use std::sync::LazyLock;

use time::Date;

pub use crate::domain::vocab::Lang;

/// One text in both languages.
#[derive(Clone, Copy, Debug)]
pub struct Message {
    pub key: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

/// Shorthand for a catalogue row.
pub const fn msg(key: &'static str, vi: &'static str, en: &'static str) -> Message {
    Message { key, vi, en }
}

/// Every table of the catalogue. A page module adds its table here.
pub const TABLES: &[&[Message]] = &[
    COMMON,
    super::auth_pages::MESSAGES,
    super::error::MESSAGES,
    super::cases::MESSAGES,
    super::supervise::MESSAGES,
    super::reporting::MESSAGES,
    super::admin::MESSAGES,
    super::area_picker::MESSAGES,
    super::outbox::MESSAGES,
];

/// The catalogue by key, built once.
static BY_KEY: LazyLock<HashMap<&'static str, &'static Message>> = LazyLock::new(|| {
    TABLES
        .iter()
        .flat_map(|table| table.iter())
        .map(|message| (message.key, message))
        .collect()
});

/// The text for `key` in `lang`. A key missing from the catalogue (a bug the tests catch)
/// shows as the key itself rather than failing the page.
pub fn tr(lang: Lang, key: &'static str) -> &'static str {
    match (BY_KEY.get(key), lang) {
        (Some(message), Lang::Vi) => message.vi,
        (Some(message), Lang::En) => message.en,
        (None, _) => key,
    }
}

/// The text for a key made at run time (a form field's `work.<name>`), if the catalogue has
/// one.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    BY_KEY.get(key).map(|message| match lang {
        Lang::Vi => message.vi,
        Lang::En => message.en,
    })
}

/// A date as people write it: dd/mm/yyyy in Vietnamese, yyyy-mm-dd (unambiguous) in English.
pub fn date(lang: Lang, date: Date) -> String {
    match lang {
        Lang::Vi => format!(
            "{:02}/{:02}/{:04}",
            date.day(),
            u8::from(date.month()),
            date.year()
        ),
        Lang::En => format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        ),
    }
}

/// The `lang` attribute of a page.
pub fn html_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    }
}

/// The words every page shares: the frame, navigation, the quick exit, common buttons.
pub const COMMON: &[Message] = &[
    msg("app.name", "Tin cậy", "Tin cậy"),
    msg(
        "app.tagline",
        "Sổ theo dõi của địa chỉ tin cậy",
        "Case book of the trusted addresses",
    ),
    msg("nav.home", "Trang chính", "Home"),
    msg("nav.cases", "Vụ việc", "Cases"),
    msg("nav.new_case", "Vụ việc mới", "New case"),
    msg("nav.dashboard", "Tổng quan", "Dashboard"),
    msg("nav.stats", "Thống kê", "Statistics"),
    msg("nav.report", "Báo cáo chương trình", "Programme report"),
    msg("nav.users", "Người dùng", "Users"),
    msg("nav.areas", "Địa bàn", "Areas"),
    msg("nav.addresses", "Địa chỉ tin cậy", "Trusted addresses"),
    msg("nav.sign_out", "Đăng xuất", "Sign out"),
    msg("nav.main", "Điều hướng chính", "Main navigation"),
    msg("lang.switch", "English", "Tiếng Việt"),
    msg(
        "lang.switch_label",
        "Switch to English",
        "Chuyển sang tiếng Việt",
    ),
    msg("exit.button", "Thoát nhanh", "Quick exit"),
    msg(
        "exit.hint",
        "Rời trang ngay và xóa trang khỏi lịch sử (hoặc bấm Esc ba lần, hay chạm nhanh ba lần vào trang)",
        "Leave at once and clear this page from history (or press Esc three times, or tap the page three times quickly)",
    ),
    msg("exit.leaving", "Đang rời trang…", "Leaving…"),
    msg("form.save", "Lưu", "Save"),
    msg("form.cancel", "Hủy", "Cancel"),
    msg("form.required", "bắt buộc", "required"),
    msg(
        "form.offline",
        "Chưa gửi được: mạng đang chập chờn. Thông tin đã nhập vẫn còn trên trang; hệ thống đang thử gửi lại…",
        "Not sent yet: the connection dropped. What you typed is still here; trying again…",
    ),
    msg("form.sending", "Đang gửi…", "Sending…"),
    msg(
        "form.errors",
        "Vui lòng sửa các mục được đánh dấu bên dưới.",
        "Please correct the fields marked below.",
    ),
    msg(
        "session.timeout",
        "Bạn đã được đăng xuất vì không hoạt động một thời gian.",
        "You were signed out after a period of inactivity.",
    ),
    msg("common.yes", "Có", "Yes"),
    msg("common.no", "Không", "No"),
    msg("common.none", "Không có", "None"),
    msg("common.unknown", "Không rõ", "Unknown"),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_key_is_unique_and_has_both_languages() {
        let mut keys = BTreeSet::new();
        for table in TABLES {
            for message in *table {
                assert!(keys.insert(message.key), "duplicate key {}", message.key);
                assert!(
                    !message.vi.trim().is_empty(),
                    "{} has no Vietnamese",
                    message.key
                );
                assert!(
                    !message.en.trim().is_empty(),
                    "{} has no English",
                    message.key
                );
            }
        }
    }

    /// Every `tr(…, "key")` in the web app's sources names a key of the catalogue.
    #[test]
    fn every_key_the_pages_ask_for_exists() {
        let keys: BTreeSet<&str> = TABLES
            .iter()
            .flat_map(|table| table.iter().map(|message| message.key))
            .collect();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web");
        let mut asked = 0;
        // The catalogue's own file names keys in examples and tests of a missing key.
        let pages = rust_files(std::path::Path::new(root))
            .into_iter()
            .filter(|path| !path.ends_with("i18n.rs"));
        for path in pages {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for key in asked_keys(&text) {
                asked += 1;
                assert!(
                    keys.contains(key),
                    "{} asks for unknown key {key}",
                    path.display()
                );
            }
        }
        assert!(
            asked > 10,
            "the scan found too few keys ({asked}) to be working"
        );
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(rust_files(&path));
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
        found
    }

    /// The keys of every `tr(LANG, "key")` call.
    fn asked_keys(text: &str) -> Vec<&str> {
        let mut keys = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("tr(") {
            let before = rest.get(..at).and_then(|head| head.chars().last());
            rest = rest.get(at + 3..).unwrap_or("");
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let call = rest.split(')').next().unwrap_or("");
            if let Some(start) = call.find(", \"") {
                let literal = call.get(start + 3..).unwrap_or("");
                if let Some(end) = literal.find('"') {
                    keys.push(literal.get(..end).unwrap_or(""));
                }
            }
        }
        keys
    }

    /// Every Vietnamese text a page can show: the catalogue and every vocabulary's labels.
    fn every_vietnamese_text() -> Vec<(String, &'static str)> {
        use crate::domain::vocab::*;
        fn labels<V: Vocabulary>(into: &mut Vec<(String, &'static str)>) {
            for value in V::all() {
                into.push((
                    format!("{}.{}", V::NAME, value.code()),
                    value.label(Lang::Vi),
                ));
            }
        }
        let mut texts: Vec<(String, &'static str)> = TABLES
            .iter()
            .flat_map(|table| table.iter())
            .map(|message| (message.key.to_owned(), message.vi))
            .collect();
        labels::<ViolenceType>(&mut texts);
        labels::<GbvimsType>(&mut texts);
        labels::<ReferredBy>(&mut texts);
        labels::<Perpetrator>(&mut texts);
        labels::<RiskLevel>(&mut texts);
        labels::<Sex>(&mut texts);
        labels::<SupportType>(&mut texts);
        labels::<ReferralTarget>(&mut texts);
        labels::<ReferralOutcome>(&mut texts);
        labels::<FollowUpMethod>(&mut texts);
        labels::<FollowUpOutcome>(&mut texts);
        labels::<CloseReason>(&mut texts);
        labels::<ErasureReason>(&mut texts);
        labels::<ReviewDecision>(&mut texts);
        labels::<AreaLevel>(&mut texts);
        labels::<Role>(&mut texts);
        labels::<AgeBand>(&mut texts);
        labels::<Ethnicity>(&mut texts);
        texts
    }

    /// One term for one thing (issue 24): the words a Women's Union volunteer uses, in one
    /// tone-mark style ("Xóa", "Hủy", "đe dọa", as "Ủy ban", "Tòa án").
    #[test]
    fn the_catalogue_uses_one_term_for_one_thing() {
        use crate::domain::vocab::{GbvimsType, ViolenceType};
        for (key, vi) in [
            ("case.status", "Tình trạng"),
            ("supervise.case.status", "Tình trạng"),
            ("admin.addresses.status", "Tình trạng"),
            ("case.status.open", "Đang hỗ trợ"),
            ("supervise.status.open", "Đang hỗ trợ"),
            ("case.risk", "Mức độ nguy hiểm"),
            ("supervise.col.risk", "Mức độ nguy hiểm"),
            ("new.submit", "Lưu vụ việc mới"),
            ("work.close", "Kết thúc vụ việc"),
            ("case.status.closed", "Đã kết thúc"),
            ("supervise.status.closed", "Đã kết thúc"),
            ("form.cancel", "Hủy"),
            ("stats.measure", "Chỉ tiêu"),
            ("stats.dim1", "Tiêu thức phân tổ thứ nhất"),
            ("work.outcome_value", "Kết quả"),
            ("case.survivor", "Người được hỗ trợ"),
            ("new.section.survivor", "Người được hỗ trợ"),
        ] {
            assert_eq!(tr(Lang::Vi, key), vi, "{key}");
        }
        assert!(
            tr(Lang::Vi, "report.subtitle").ends_with(
                "Dự án 8: Thực hiện bình đẳng giới và giải quyết những vấn đề cấp thiết \
                 đối với phụ nữ và trẻ em"
            ),
            "{}",
            tr(Lang::Vi, "report.subtitle")
        );
        assert!(tr(Lang::Vi, "case.review_request").starts_with("Cán bộ giám sát"));
        for reason in [
            crate::domain::vocab::CloseReason::SurvivorRequest.label(Lang::Vi),
            crate::domain::vocab::ErasureReason::SurvivorRequest.label(Lang::Vi),
        ] {
            assert_eq!(reason, "Theo yêu cầu của người được hỗ trợ");
        }
        for rape in [
            ViolenceType::Rape.label(Lang::Vi),
            GbvimsType::Rape.label(Lang::Vi),
        ] {
            assert_eq!(rape, "Cưỡng ép quan hệ tình dục");
        }
    }

    /// The words issue 24 replaced are nowhere a page can show them.
    #[test]
    fn the_old_terms_are_gone() {
        let forbidden = [
            // Closing a case is "kết thúc" (a trusted address may still "đóng").
            "đóng vụ việc",
            "Đóng vụ việc",
            "Đã đóng",
            "duyệt đóng",
            "đề nghị đóng",
            "Lý do đóng",
            "Ngày đóng",
            "Mở vụ việc",
            "Giám sát viên",
            "giám sát viên",
            "Mức nguy cơ",
            "Hiếp dâm",
            "chị ấy",
            "Chị ấy",
            // The person supported is "người được hỗ trợ" (a man or a child too).
            "người bị bạo lực",
            "Người bị bạo lực",
            "Trạng thái",
            "Đang mở",
            "Chiều thứ",
            // The other tone-mark style.
            "oá",
            "oà",
            "oả",
            "oã",
            "oạ",
            "uỷ",
            "Uỷ",
        ];
        let mut found = Vec::new();
        for (key, text) in every_vietnamese_text() {
            for word in forbidden {
                let hit = text.match_indices(word).any(|(at, _)| {
                    // A syllable with a final consonant ("hoàn", "toàn") is right in both
                    // styles: only a mark on the last letters of a syllable is the old one.
                    let after = text
                        .get(at + word.len()..)
                        .and_then(|rest| rest.chars().next());
                    word.chars().count() > 3 || !after.is_some_and(char::is_alphabetic)
                });
                if hit {
                    found.push(format!("{key}: {word:?} in {text:?}"));
                }
            }
        }
        assert!(found.is_empty(), "old terms:\n{}", found.join("\n"));
    }

    /// A percentage as Vietnamese writes it: "27,5%".
    #[test]
    fn a_percentage_has_a_decimal_comma_and_no_space() {
        let shown = crate::web::reporting::programme::percent_text(Lang::Vi, 27.5);
        assert_eq!(shown, "27,5%");
    }

    #[test]
    fn dates_are_day_first_in_vietnamese() {
        let day = time::macros::date!(2026 - 03 - 09);
        assert_eq!(date(Lang::Vi, day), "09/03/2026");
        assert_eq!(date(Lang::En, day), "2026-03-09");
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(tr(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(tr(Lang::Vi, "nav.cases"), "Vụ việc");
        assert_eq!(tr(Lang::En, "nav.cases"), "Cases");
    }
}
