//! The words of the supervisor's pages, Vietnamese first.

use crate::web::i18n::{Message, msg};

pub const MESSAGES: &[Message] = &[
    msg("supervise.case", "Vụ việc", "Case"),
    msg("supervise.day", "ngày", "day"),
    msg("supervise.days", "ngày", "days"),
    msg(
        "supervise.address.unnamed",
        "Địa chỉ chưa có tên",
        "Unnamed address",
    ),
    msg("supervise.status.open", "Đang hỗ trợ", "Open"),
    msg(
        "supervise.status.closure_requested",
        "Chờ duyệt kết thúc",
        "Closure requested",
    ),
    msg("supervise.status.closed", "Đã kết thúc", "Closed"),
    msg("supervise.status.erased", "Đã xóa", "Erased"),
    msg("supervise.case.status", "Tình trạng", "Status"),
    msg("supervise.case.opened_on", "Ngày tiếp nhận", "Opened on"),
    // Actions on a case.
    msg(
        "supervise.nav.label",
        "Việc của cán bộ giám sát với vụ việc này",
        "Supervisor actions on this case",
    ),
    msg("supervise.nav.review", "Xem xét, duyệt", "Review"),
    msg("supervise.nav.transfer", "Chuyển địa chỉ", "Transfer"),
    msg("supervise.nav.reopen", "Mở lại", "Reopen"),
    msg("supervise.nav.erase", "Xóa vĩnh viễn", "Erase"),
    msg("supervise.nav.access_log", "Nhật ký truy cập", "Access log"),
    // Table columns.
    msg("supervise.col.case", "Vụ việc", "Case"),
    msg(
        "supervise.col.address",
        "Địa chỉ tin cậy",
        "Trusted address",
    ),
    msg("supervise.col.commune", "Xã, phường", "Commune"),
    msg("supervise.col.open", "Đang hỗ trợ", "Open"),
    msg(
        "supervise.col.awaiting",
        "Chờ duyệt kết thúc",
        "Awaiting review",
    ),
    msg("supervise.col.due", "Hạn theo dõi", "Due on"),
    msg("supervise.col.days_overdue", "Quá hạn", "Overdue by"),
    msg("supervise.col.risk", "Mức độ nguy hiểm", "Risk"),
    msg("supervise.col.reason", "Lý do", "Reason"),
    msg(
        "supervise.col.when",
        "Thời điểm (giờ Việt Nam)",
        "When (Vietnam time)",
    ),
    msg("supervise.col.who", "Người dùng", "User"),
    msg("supervise.col.action", "Việc đã làm", "Action"),
    msg("supervise.col.from", "Từ địa chỉ IP", "From (IP address)"),
    // Dashboard.
    msg(
        "supervise.dashboard.title",
        "Tổng quan địa bàn",
        "Area dashboard",
    ),
    msg(
        "supervise.dashboard.open_by_address",
        "Vụ việc đang mở theo địa chỉ tin cậy",
        "Open cases by trusted address",
    ),
    msg(
        "supervise.dashboard.no_addresses",
        "Địa bàn của bạn chưa có địa chỉ tin cậy nào đang hoạt động.",
        "Your area has no open trusted address yet.",
    ),
    msg(
        "supervise.dashboard.overdue",
        "Lần theo dõi quá hạn",
        "Overdue follow-ups",
    ),
    msg(
        "supervise.dashboard.overdue_none",
        "Không có lần theo dõi nào quá hạn.",
        "No follow-up is overdue.",
    ),
    msg(
        "supervise.dashboard.closures",
        "Yêu cầu kết thúc vụ việc chờ bạn duyệt",
        "Closure requests waiting for your review",
    ),
    msg(
        "supervise.dashboard.closures_none",
        "Không có yêu cầu nào đang chờ.",
        "No request is waiting.",
    ),
    msg("supervise.action.review", "Xem xét", "Review"),
    // Accounts waiting for approval.
    msg(
        "supervise.accounts.title",
        "Tài khoản chờ bạn duyệt",
        "Accounts waiting for your approval",
    ),
    msg(
        "supervise.accounts.none",
        "Không có tài khoản nào đang chờ.",
        "No account is waiting.",
    ),
    msg(
        "supervise.accounts.explain",
        "Quản trị viên đã tạo các tài khoản này hoặc đặt lại mật khẩu của họ. Chỉ duyệt khi bạn biết người đó và họ đã xác nhận với bạn.",
        "An administrator made these accounts or reset their passwords. Approve only someone you know who has confirmed it with you.",
    ),
    msg("supervise.accounts.username", "Tên đăng nhập", "Username"),
    msg("supervise.accounts.full_name", "Họ và tên", "Full name"),
    msg("supervise.accounts.role", "Vai trò", "Role"),
    msg("supervise.accounts.approve", "Duyệt", "Approve"),
    msg("supervise.accounts.refuse", "Từ chối", "Refuse"),
    // Review.
    msg(
        "supervise.review.title",
        "Xem xét vụ việc",
        "Review the case",
    ),
    msg(
        "supervise.review.request",
        "Yêu cầu kết thúc vụ việc",
        "Closure request",
    ),
    msg(
        "supervise.review.request_intro",
        "Tình nguyện viên đề nghị kết thúc vụ việc này với lý do:",
        "The volunteer asks to close this case for this reason:",
    ),
    msg(
        "supervise.review.details_hint",
        "Toàn bộ vụ việc:",
        "The whole case:",
    ),
    msg(
        "supervise.review.the_case",
        "Tình hình vụ việc",
        "Where the case stands",
    ),
    msg(
        "supervise.review.request_notes",
        "Ghi chú của đề nghị",
        "Notes of the request",
    ),
    msg(
        "supervise.review.notes",
        "Ghi chú và đánh giá đã ghi",
        "Notes and assessments recorded",
    ),
    msg(
        "supervise.review.high_risk",
        "Cảnh báo: vụ việc có mức độ nguy hiểm cao, mới tiếp nhận",
        "Warning: a high-risk case, opened recently",
    ),
    msg(
        "supervise.review.high_risk_before",
        "Vụ việc được tiếp nhận cách đây",
        "The case was opened",
    ),
    msg(
        "supervise.review.high_risk_after",
        "ngày. Chỉ chấp thuận kết thúc khi chắc chắn người được hỗ trợ đã an toàn.",
        "days ago. Approve the closure only when you are sure the person helped is safe.",
    ),
    msg(
        "supervise.review.no_request",
        "Vụ việc này không có yêu cầu kết thúc nào đang chờ. Bạn vẫn có thể ghi lại ý kiến xem xét.",
        "No closure request is waiting on this case. You can still record a review.",
    ),
    msg("supervise.review.decision", "Quyết định", "Decision"),
    msg(
        "supervise.review.approve",
        "Chấp thuận và kết thúc vụ việc",
        "Approve and close the case",
    ),
    msg(
        "supervise.review.send_back",
        "Trả lại để làm tiếp (vụ việc vẫn mở)",
        "Send back for more work (the case stays open)",
    ),
    msg(
        "supervise.review.comment",
        "Nhận xét (không bắt buộc)",
        "Comment (optional)",
    ),
    msg(
        "supervise.review.submit",
        "Ghi quyết định",
        "Record the decision",
    ),
    msg(
        "supervise.review.decision_error",
        "Hãy chọn một quyết định.",
        "Choose a decision.",
    ),
    // Transfer.
    msg(
        "supervise.transfer.title",
        "Chuyển vụ việc sang địa chỉ tin cậy khác",
        "Transfer the case to another trusted address",
    ),
    msg(
        "supervise.transfer.address",
        "Địa chỉ tin cậy mới",
        "New trusted address",
    ),
    msg(
        "supervise.transfer.address_hint",
        "Chỉ gồm các địa chỉ đang hoạt động trong địa bàn của bạn.",
        "Only open trusted addresses in your area.",
    ),
    msg(
        "supervise.transfer.choose",
        "Chọn một địa chỉ…",
        "Choose an address…",
    ),
    msg(
        "supervise.transfer.reason",
        "Lý do chuyển (không bắt buộc)",
        "Reason for the transfer (optional)",
    ),
    msg(
        "supervise.transfer.submit",
        "Chuyển vụ việc",
        "Transfer the case",
    ),
    msg(
        "supervise.transfer.address_error",
        "Hãy chọn một địa chỉ tin cậy đang hoạt động trong địa bàn của bạn.",
        "Choose an open trusted address in your area.",
    ),
    msg(
        "supervise.transfer.none",
        "Địa bàn của bạn không có địa chỉ tin cậy nào khác đang hoạt động.",
        "There is no other open trusted address in your area.",
    ),
    // Reopen.
    msg(
        "supervise.reopen.title",
        "Mở lại vụ việc",
        "Reopen the case",
    ),
    msg(
        "supervise.reopen.reason",
        "Lý do mở lại",
        "Why the case is reopened",
    ),
    msg(
        "supervise.reopen.submit",
        "Mở lại vụ việc",
        "Reopen the case",
    ),
    msg(
        "supervise.reopen.reason_error",
        "Hãy ghi lý do mở lại vụ việc.",
        "Say why the case is reopened.",
    ),
    // Erase.
    msg(
        "supervise.erase.title",
        "Xóa vĩnh viễn vụ việc",
        "Erase the case for good",
    ),
    msg(
        "supervise.erase.warning_heading",
        "Việc này không thể hoàn tác",
        "This cannot be undone",
    ),
    msg(
        "supervise.erase.destroyed",
        "Mọi thông tin cá nhân của vụ việc (họ tên, năm sinh, cách liên lạc, địa chỉ, lời kể, ghi chú, chuyển gửi, theo dõi) sẽ bị hủy vĩnh viễn. Không ai, kể cả quản trị viên, có thể khôi phục.",
        "Every personal detail of the case (name, year of birth, contact, address, account, notes, referrals, follow-ups) will be destroyed for good. Nobody, not even an administrator, can bring it back.",
    ),
    msg(
        "supervise.erase.after",
        "Sau khi xóa, không ai có thể xem, sửa hay mở lại vụ việc này nữa.",
        "Afterwards nobody can read, change or reopen this case.",
    ),
    msg(
        "supervise.erase.statistics",
        "Số liệu thống kê (chỉ gồm các mã, không nêu danh tính ai) vẫn được giữ.",
        "The statistics (codes only, naming nobody) stay.",
    ),
    msg(
        "supervise.erase.logged",
        "Việc xóa được ghi vào nhật ký truy cập, cùng tên bạn và thời điểm xóa.",
        "The erasure is recorded in the access log, with your name and the time.",
    ),
    msg(
        "supervise.erase.reason",
        "Lý do xóa",
        "Why the case is erased",
    ),
    msg("supervise.erase.choose", "Chọn lý do…", "Choose a reason…"),
    msg(
        "supervise.erase.reason_error",
        "Hãy chọn lý do xóa.",
        "Choose why the case is erased.",
    ),
    msg(
        "supervise.erase.confirm",
        "Tôi hiểu rằng mọi thông tin cá nhân của vụ việc này sẽ bị hủy vĩnh viễn và không thể khôi phục.",
        "I understand that every personal detail of this case will be destroyed for good and cannot be recovered.",
    ),
    msg(
        "supervise.erase.confirm_error",
        "Hãy đánh dấu ô xác nhận nếu bạn thật sự muốn xóa.",
        "Tick the confirmation if you really mean to erase.",
    ),
    msg("supervise.erase.submit", "Xóa vĩnh viễn", "Erase for good"),
    msg(
        "supervise.erased.title",
        "Vụ việc đã được xóa",
        "The case was erased",
    ),
    msg(
        "supervise.erased.body",
        "Mọi thông tin cá nhân của vụ việc đã bị hủy vĩnh viễn. Số liệu thống kê vẫn được giữ, và việc xóa đã được ghi vào nhật ký truy cập.",
        "Every personal detail of the case was destroyed for good. The statistics stay, and the erasure is recorded in the access log.",
    ),
    msg(
        "supervise.erased.back",
        "Về trang tổng quan",
        "Back to the dashboard",
    ),
    // Access log.
    msg(
        "supervise.access.title",
        "Nhật ký truy cập vụ việc",
        "Access log of the case",
    ),
    msg(
        "supervise.access.intro",
        "Ai đã xem, xuất hoặc xóa vụ việc này, và vào lúc nào. Lần xem này cũng được ghi lại. Nhiều lần xem của một người trong vài phút được gộp thành một dòng, kèm số lần.",
        "Who read, exported or erased this case, and when. This read is recorded too. Repeated reads by one person within a few minutes are one line, with how many times.",
    ),
    msg(
        "supervise.access.times",
        "{n} lần, đến {last}",
        "{n} times, until {last}",
    ),
    msg("supervise.access.more", "Trang tiếp", "Next page"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `"supervise.…"` literal in these pages' sources (keys handed around as values,
    /// not only those in `tr(…)` calls) is in the catalogue.
    #[test]
    fn every_key_named_in_these_pages_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/supervise");
        let mut named = 0;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                let is_key = literal.starts_with("supervise.")
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
                if is_key {
                    named += 1;
                    assert!(
                        MESSAGES.iter().any(|message| message.key == literal),
                        "{} names unknown key {literal}",
                        entry.path().display()
                    );
                }
            }
        }
        assert!(named > 30, "the scan found too few keys ({named})");
    }
}
