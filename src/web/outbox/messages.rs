//! The outbox's words, given to the script through the page's `data-outbox-*` attributes
//! (`{n}` is replaced by a count).

use crate::web::i18n::{Message, msg};

pub const MESSAGES: &[Message] = &[
    msg(
        "outbox.waiting",
        "{n} bản ghi đang chờ gửi",
        "{n} records waiting to be sent",
    ),
    msg(
        "outbox.sealed",
        "Chưa có mạng: bản ghi đã được khóa lại trên điện thoại và sẽ tự gửi khi có mạng.",
        "No network: the record is locked on this phone and will be sent when the network is back.",
    ),
    msg(
        "outbox.attention",
        "{n} bản ghi máy chủ chưa nhận, cần xem lại",
        "{n} records the server did not accept need attention",
    ),
    msg("outbox.held_item", "cần xem lại", "needs attention"),
    msg(
        "outbox.delete",
        "Xóa những gì đang chờ trên điện thoại này",
        "Delete what is waiting on this phone",
    ),
    msg(
        "outbox.confirm_delete",
        "Xóa hẳn? Những bản ghi này chưa được gửi và sẽ mất.",
        "Delete for good? These records were not sent and will be lost.",
    ),
    msg(
        "held.title",
        "Bản ghi cần xem lại",
        "Records that need attention",
    ),
    msg(
        "held.intro",
        "Những bản ghi gửi từ điện thoại khi mất mạng mà máy chủ chưa ghi được vì hồ sơ đã thay đổi. Không bản ghi nào bị bỏ đi nếu không có người quyết định.",
        "Records sent from a phone while offline that the server could not record because the case changed. None is dropped unless someone decides so.",
    ),
    msg(
        "held.waiting",
        "{n} bản ghi gửi khi mất mạng cần xem lại",
        "{n} records sent while offline need attention",
    ),
    msg(
        "held.empty",
        "Không có bản ghi nào cần xem lại.",
        "No record needs attention.",
    ),
    msg(
        "held.sealed_at",
        "Khóa lại trên điện thoại lúc",
        "Locked on the phone at",
    ),
    msg("held.reason", "Vì sao chưa ghi", "Why it was not recorded"),
    msg("held.sent", "Những gì đã gửi", "What was sent"),
    msg("held.now", "Hồ sơ hiện giờ", "The case now"),
    msg("held.version", "Phiên bản", "Version"),
    msg("held.apply", "Ghi như đã gửi", "Record as sent"),
    msg("held.adjust", "Sửa rồi ghi", "Correct, then record"),
    msg(
        "held.adjust_intro",
        "Đây là những gì đã gửi khi mất mạng. Hãy đối chiếu với hồ sơ hiện giờ, sửa nếu cần, rồi lưu.",
        "This is what was sent while offline. Check it against the case as it is now, correct it if needed, then save.",
    ),
    msg(
        "held.confirm_discard",
        "Tôi chắc chắn muốn bỏ bản ghi này (không lấy lại được)",
        "I am sure I want to discard this record (it cannot be recovered)",
    ),
    msg("held.discard", "Bỏ bản ghi", "Discard the record"),
    msg(
        "held.now_erased",
        "Hồ sơ đã bị xóa: chỉ có thể bỏ bản ghi.",
        "The case was erased: the record can only be discarded.",
    ),
    msg(
        "held.now_elsewhere",
        "Hồ sơ đã được chuyển sang địa chỉ khác.",
        "The case is now with another trusted address.",
    ),
    msg("held.now_new", "Một hồ sơ mới.", "A new case."),
    msg("held.reason.closed", "Hồ sơ đã đóng", "The case was closed"),
    msg(
        "held.reason.transferred",
        "Hồ sơ đã được chuyển đi",
        "The case was transferred",
    ),
    msg(
        "held.reason.erased",
        "Hồ sơ đã bị xóa",
        "The case was erased",
    ),
    msg(
        "held.reason.outcome_recorded",
        "Kết quả chuyển gửi đã được ghi",
        "The referral's outcome was already recorded",
    ),
    msg(
        "held.reason.stale",
        "Hồ sơ đã thay đổi sau khi viết bản ghi",
        "The case changed after the record was written",
    ),
    msg(
        "held.reason.refused",
        "Hồ sơ hiện giờ không cho phép",
        "The case as it is now does not allow it",
    ),
    msg("held.form.new_case", "Hồ sơ mới", "New case"),
    msg(
        "held.form.outcome",
        "Kết quả chuyển gửi",
        "Referral outcome",
    ),
    msg("held.form.follow_up", "Hẹn theo dõi", "Follow-up"),
    msg(
        "held.form.complete",
        "Hoàn thành theo dõi",
        "Follow-up completed",
    ),
    msg("held.form.note", "Ghi chú", "Note"),
    msg("held.form.risk", "Mức độ nguy hiểm", "Risk"),
    msg("held.form.close", "Đóng hồ sơ", "Closure"),
];
