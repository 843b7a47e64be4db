//! The demo's words: fictional Vietnamese names in the naming customs of each ethnic group,
//! narratives, notes and organisations. Every name is a random combination of common parts;
//! every narrative and organisation says it is fictional (*hư cấu*).

use super::rng::Rng;
use crate::domain::vocab::{Perpetrator, ReferralTarget, Sex, ViolenceType};

const KINH_FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ",
];
const TAY_THAI_FAMILY: &[&str] = &["Lò", "Lường", "Hà", "Nông", "Lục", "Bế", "Vi", "Lương"];
const KINH_GIVEN: &[&str] = &[
    "Lan", "Hoa", "Mai", "Hương", "Thảo", "Ngọc", "Hạnh", "Nga", "Linh", "Phương", "Thu", "Hằng",
    "Yến", "Nhung", "Loan", "Xuân",
];
const MONG_FAMILY: &[&str] = &["Giàng", "Sùng", "Vàng", "Thào", "Hờ", "Lý", "Mùa"];
const MONG_GIVEN: &[&str] = &[
    "Mỷ", "Dua", "Sua", "Pàng", "Chá", "Dở", "Súa", "Chở", "Lầu", "Mai",
];
const DAO_FAMILY: &[&str] = &["Triệu", "Bàn", "Đặng", "Lý"];
const DAO_GIVEN: &[&str] = &["Mẩy", "Xuân", "Kiều", "Nhất", "Diếp", "Liên", "Slao"];
const HIGHLAND_GIVEN: &[&str] = &[
    "Hiên", "Nhi", "Blin", "Sương", "Nhung", "Hoa", "Thương", "Bê", "Lin", "Ngân", "Ly", "Mai",
];
const JRAI_FAMILY: &[&str] = &["Rơ Châm", "Ksor", "Siu", "Rơ Mah", "Nay", "Kpă"];
const EDE_FAMILY: &[&str] = &["Niê", "Mlô", "Êban", "Byă", "Ktla"];
const BOY_GIVEN: &[&str] = &["Minh", "Tuấn", "Nam", "Dũng", "A Páo", "Y Blăk", "Sáng"];

fn one(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    rng.pick(items).unwrap_or("A")
}

/// A fictional name in the customs of `ethnicity`.
pub fn name(rng: &mut Rng, ethnicity: &str, sex: Sex) -> String {
    if sex == Sex::Male {
        let family = one(rng, KINH_FAMILY);
        return format!("{family} Văn {}", one(rng, BOY_GIVEN));
    }
    match ethnicity {
        "08" => format!("{} Thị {}", one(rng, MONG_FAMILY), one(rng, MONG_GIVEN)),
        "09" => format!("{} Thị {}", one(rng, DAO_FAMILY), one(rng, DAO_GIVEN)),
        "02" | "03" | "07" => format!("{} Thị {}", one(rng, TAY_THAI_FAMILY), one(rng, KINH_GIVEN)),
        "10" => format!("{} H'{}", one(rng, JRAI_FAMILY), one(rng, HIGHLAND_GIVEN)),
        "11" => format!("H'{} {}", one(rng, HIGHLAND_GIVEN), one(rng, EDE_FAMILY)),
        "12" | "16" | "18" | "29" => match rng.below(2) {
            0 => format!("Y {}", one(rng, HIGHLAND_GIVEN)),
            _ => format!("Đinh Thị {}", one(rng, HIGHLAND_GIVEN)),
        },
        _ => format!("{} Thị {}", one(rng, KINH_FAMILY), one(rng, KINH_GIVEN)),
    }
}

/// What happened, in a volunteer's words (fictional, and saying so).
pub fn narrative(rng: &mut Rng, types: &[ViolenceType], perpetrator: Perpetrator) -> String {
    let who = match perpetrator {
        Perpetrator::Spouse | Perpetrator::Partner => "chồng",
        Perpetrator::FormerSpouse => "chồng cũ",
        Perpetrator::Parent => "bố",
        Perpetrator::Child => "con trai",
        Perpetrator::InLaw => "gia đình chồng",
        Perpetrator::Sibling => "anh trai",
        _ => "người nhà",
    };
    let what = if types.contains(&ViolenceType::ForcedMarriage) {
        format!("{who} ép cưới, đã chạy trốn khỏi nhà")
    } else if types.contains(&ViolenceType::Physical) {
        let when = rng
            .pick(&[
                "sau khi uống rượu",
                "vì chuyện tiền bạc",
                "trong đêm",
                "sau vụ mùa",
            ])
            .unwrap_or("trong đêm");
        format!("bị {who} đánh {when}, chạy sang địa chỉ tin cậy")
    } else if types.contains(&ViolenceType::Economic) {
        format!("{who} giữ hết tiền bán nông sản, không cho chi tiêu")
    } else if types.contains(&ViolenceType::Neglect) {
        format!("bị {who} bỏ mặc, không chăm sóc khi ốm")
    } else {
        format!("bị {who} chửi mắng, đe dọa nhiều tháng nay")
    };
    format!("{what}. (Dữ liệu hư cấu để trình diễn.)")
}

pub const NOTES: &[&str] = &[
    "Đã gọi điện hỏi thăm, chị nói tình hình ổn hơn.",
    "Trưởng thôn đã nói chuyện với gia đình chồng.",
    "Chị cần hỗ trợ giấy tờ để con đi học.",
    "Chị muốn ở lại thêm vài ngày cho an toàn.",
];

pub fn organisation(target: ReferralTarget) -> &'static str {
    match target {
        ReferralTarget::Health => "Trạm y tế xã (hư cấu)",
        ReferralTarget::Police => "Công an xã (hư cấu)",
        ReferralTarget::LegalAid => "Trung tâm trợ giúp pháp lý tỉnh (hư cấu)",
        ReferralTarget::SocialProtection => "Trung tâm công tác xã hội tỉnh (hư cấu)",
        ReferralTarget::OneStopCentre => "Trung tâm hỗ trợ một cửa (hư cấu)",
        ReferralTarget::WomensUnion => "Hội Liên hiệp Phụ nữ huyện (hư cấu)",
        ReferralTarget::CommuneCommittee => "Ủy ban nhân dân xã (hư cấu)",
        ReferralTarget::Court => "Tòa án nhân dân huyện (hư cấu)",
        ReferralTarget::School => "Trường trung học cơ sở xã (hư cấu)",
        ReferralTarget::Other => "Tổ hòa giải thôn (hư cấu)",
    }
}

/// The full names of the demo's staff, by username (fictional, as every name here): each
/// volunteer is the woman whose home is her trusted address.
const STAFF: &[(&str, &str)] = &[
    ("admin", "Phạm Minh Quang"),
    ("giamsat.numay", "Hà Thị Nhung"),
    ("giamsat.songtrang", "Vi Thị Phương"),
    ("baocao.numay", "Lương Văn Sáng"),
    ("tnv.hoaban", "Đinh Thị Hoa"),
    ("tnv.suoibac", "Y Liên Niê"),
    ("tnv.doimay", "Rơ Châm H'Mai"),
    ("tnv.langmoi", "Lê Thị Thu"),
    ("tnv.benda", "Giàng Thị Dua"),
    ("tnv.cayda", "Hà Thị Xuân"),
];

/// The full name of the demo account `username`, if it has one.
pub fn staff_name(username: &str) -> Option<&'static str> {
    STAFF
        .iter()
        .find(|(candidate, _)| *candidate == username)
        .map(|(_, name)| *name)
}
