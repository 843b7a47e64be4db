//! The words of the administrator's pages, Vietnamese first: headings, labels, hints,
//! notices, and the registry API's field errors in words.

use crate::web::i18n::{Message, msg};

/// The words of these pages.
pub const MESSAGES: &[Message] = &[
    msg("admin.choose", "— Chọn —", "— Choose —"),
    // Users.
    msg("admin.users.title", "Người dùng", "Users"),
    msg("admin.users.list", "Tài khoản", "Accounts"),
    msg("admin.users.username", "Tên đăng nhập", "Username"),
    msg("admin.users.full_name", "Họ và tên", "Full name"),
    msg(
        "admin.users.full_name_hint",
        "Để đồng nghiệp và cán bộ giám sát nhận ra người này. Có thể để trống.",
        "So that colleagues and the supervisor recognise this person. May be left empty.",
    ),
    msg("admin.users.role", "Vai trò", "Role"),
    msg(
        "admin.users.binding",
        "Địa bàn hoặc địa chỉ tin cậy",
        "Area or trusted address",
    ),
    msg("admin.users.status", "Tình trạng", "Status"),
    msg("admin.users.active", "Đang hoạt động", "Active"),
    msg("admin.users.pending", "Chờ duyệt", "Awaiting approval"),
    msg("admin.users.deactivated", "Đã vô hiệu hóa", "Deactivated"),
    msg("admin.account.title", "Tài khoản", "Account"),
    msg(
        "admin.account.back",
        "← Danh sách người dùng",
        "← All users",
    ),
    msg(
        "admin.account.own",
        "Đây là tài khoản của bạn: đổi mật khẩu hoặc vô hiệu hóa phải do một quản trị viên khác làm.",
        "This is your own account: another admin resets its password or deactivates it.",
    ),
    msg(
        "admin.users.confirm_deactivate",
        "Tôi hiểu: người này sẽ không đăng nhập được nữa, các phiên đang mở kết thúc ngay, và không thể kích hoạt lại tài khoản.",
        "I understand: this person can no longer sign in, her open sessions end now, and the account cannot be reactivated.",
    ),
    msg(
        "admin.users.confirm_needed",
        "Hãy đánh dấu ô xác nhận trước khi vô hiệu hóa.",
        "Tick the confirmation before deactivating.",
    ),
    msg(
        "admin.users.deactivate",
        "Vô hiệu hóa tài khoản",
        "Deactivate account",
    ),
    msg("admin.users.new_password", "Mật khẩu mới", "New password"),
    msg(
        "admin.users.reset_password",
        "Đặt lại mật khẩu",
        "Reset password",
    ),
    msg("admin.users.new", "Tạo người dùng mới", "New user"),
    msg("admin.users.area", "Địa bàn", "Area"),
    msg(
        "admin.users.area_hint",
        "Chỉ cho cán bộ giám sát và cán bộ báo cáo.",
        "Only for supervisors and reporting officers.",
    ),
    msg("admin.users.address", "Địa chỉ tin cậy", "Trusted address"),
    msg(
        "admin.users.address_hint",
        "Chỉ cho tình nguyện viên.",
        "Only for volunteers.",
    ),
    msg(
        "admin.users.password",
        "Mật khẩu ban đầu",
        "Initial password",
    ),
    msg(
        "admin.users.password_hint",
        "Ít nhất {min} ký tự, khó đoán: tốt nhất là một câu gồm vài từ không liên quan. Hãy trao mật khẩu trực tiếp, không gửi qua tin nhắn.",
        "At least {min} characters and hard to guess: a phrase of a few unrelated words is best. Hand it over in person, not by message.",
    ),
    msg("admin.users.create", "Tạo người dùng", "Create user"),
    // Areas.
    msg("admin.areas.title", "Địa bàn", "Areas"),
    msg(
        "admin.areas.list",
        "Các đơn vị hành chính",
        "Administrative units",
    ),
    msg("admin.areas.under", "Chỉ xem đơn vị", "Show only the unit"),
    msg("admin.areas.everything", "Tất cả", "Everything"),
    msg("admin.areas.show", "Xem", "Show"),
    msg("admin.areas.code", "Mã", "Code"),
    msg(
        "admin.areas.code_hint",
        "2 chữ số cho tỉnh, 3 cho huyện, 5 cho xã.",
        "2 digits for a province, 3 for a district, 5 for a commune.",
    ),
    msg("admin.areas.name", "Tên", "Name"),
    msg("admin.areas.level", "Cấp", "Level"),
    msg("admin.areas.parent", "Thuộc đơn vị", "Belongs to"),
    msg(
        "admin.areas.parent_hint",
        "Không có đối với tỉnh; xã có thể thuộc thẳng tỉnh (từ cải cách 2025).",
        "None for a province; a commune may belong directly to its province (since the 2025 reform).",
    ),
    msg("admin.areas.valid_from", "Hiệu lực từ", "Valid from"),
    msg(
        "admin.areas.valid_from_hint",
        "Để trống: từ hôm nay.",
        "Leave blank for today.",
    ),
    msg("admin.areas.valid_to", "Hiệu lực đến", "Valid to"),
    msg("admin.areas.successor", "Đơn vị kế thừa", "Successor"),
    msg(
        "admin.areas.define",
        "Thêm đơn vị hành chính",
        "Define an area",
    ),
    msg("admin.areas.define_button", "Thêm đơn vị", "Define area"),
    // Merging communes.
    msg("admin.merge.title", "Sáp nhập xã", "Merge communes"),
    msg(
        "admin.merge.explain",
        "Các xã được chọn ngừng hiệu lực vào ngày trước ngày sáp nhập và chuyển sang xã kế thừa. Vụ việc và thống kê của các xã cũ được tính vào xã kế thừa.",
        "The communes chosen end on the day before the merge and pass to the successor commune. Their cases and statistics count within the successor.",
    ),
    msg(
        "admin.merge.communes",
        "Các xã sáp nhập",
        "Communes to merge",
    ),
    msg(
        "admin.merge.communes_hint",
        "Chọn từ hai xã trở lên, cùng thuộc một đơn vị.",
        "Choose two or more communes of the same parent.",
    ),
    msg("admin.merge.keep", "Xã kế thừa", "Successor commune"),
    msg(
        "admin.merge.keep_hint",
        "Một trong các xã trên (xã này tiếp tục), hoặc một xã mới với mã và tên bên dưới.",
        "One of the communes above (it continues), or a new commune with the code and name below.",
    ),
    msg(
        "admin.merge.new_commune",
        "Một xã mới (nhập bên dưới)",
        "A new commune (below)",
    ),
    msg("admin.merge.new_code", "Mã xã mới", "New commune's code"),
    msg("admin.merge.new_name", "Tên xã mới", "New commune's name"),
    msg(
        "admin.merge.effective_on",
        "Ngày sáp nhập có hiệu lực",
        "Effective date",
    ),
    msg(
        "admin.merge.effective_hint",
        "Ngày đầu tiên của xã kế thừa; có thể là một ngày sắp tới.",
        "The successor commune's first day; it may lie ahead.",
    ),
    msg(
        "admin.merge.button",
        "Xem trước việc sáp nhập",
        "Preview the merge",
    ),
    msg(
        "admin.merge.preview.title",
        "Xem trước việc sáp nhập xã",
        "Preview of the merge",
    ),
    msg(
        "admin.merge.preview.intro",
        "Chưa có gì thay đổi. Nếu xác nhận, từ ngày {date} các xã dưới đây kết thúc và mọi thứ của chúng chuyển sang {successor}.",
        "Nothing has changed yet. Once confirmed, from {date} the communes below end and all they hold passes to {successor}.",
    ),
    msg(
        "admin.merge.preview.caption",
        "Những gì được chuyển",
        "What moves",
    ),
    msg(
        "admin.merge.preview.commune",
        "Xã kết thúc",
        "Commune that ends",
    ),
    msg(
        "admin.merge.preview.addresses",
        "Địa chỉ tin cậy đang hoạt động",
        "Open trusted addresses",
    ),
    msg(
        "admin.merge.preview.users",
        "Tài khoản gắn với xã",
        "Accounts bound to it",
    ),
    msg(
        "admin.merge.preview.open_cases",
        "Vụ việc đang hỗ trợ",
        "Open cases",
    ),
    msg("admin.merge.preview.total", "Tổng", "Total"),
    msg(
        "admin.merge.preview.counts_only",
        "Chỉ hiện số lượng: không có tên người hay nội dung vụ việc.",
        "Counts only: no names and nothing of any case.",
    ),
    msg(
        "admin.merge.preview.confirm",
        "Xác nhận sáp nhập",
        "Confirm the merge",
    ),
    msg(
        "admin.merge.preview.back",
        "Quay lại, không sáp nhập",
        "Go back without merging",
    ),
    // Trusted addresses.
    msg(
        "admin.addresses.title",
        "Địa chỉ tin cậy",
        "Trusted addresses",
    ),
    msg("admin.addresses.list", "Các địa chỉ", "Addresses"),
    msg("admin.addresses.name", "Tên gọi", "Name"),
    msg(
        "admin.addresses.name_hint",
        "Tên thường gọi ở địa phương (thường là tên chủ nhà): thông tin cá nhân, cần giữ kín.",
        "How it is known locally (often the host's name): personal data, keep it confidential.",
    ),
    msg("admin.addresses.commune", "Xã", "Commune"),
    msg(
        "admin.addresses.established_on",
        "Ngày thành lập",
        "Established on",
    ),
    msg("admin.addresses.status", "Tình trạng", "Status"),
    msg(
        "admin.addresses.closed_since",
        "Ngừng hoạt động từ",
        "Closed since",
    ),
    msg("admin.addresses.open", "Đang hoạt động", "Open"),
    msg(
        "admin.addresses.new",
        "Thêm địa chỉ tin cậy",
        "Establish a trusted address",
    ),
    msg(
        "admin.addresses.button",
        "Thêm địa chỉ",
        "Establish address",
    ),
    // Notices.
    msg(
        "admin.notice.user_created",
        "Đã tạo người dùng.",
        "The user was created.",
    ),
    msg(
        "admin.notice.user_deactivated",
        "Đã vô hiệu hóa tài khoản; các phiên đăng nhập của người này đã kết thúc.",
        "The account was deactivated; its sessions have ended.",
    ),
    msg(
        "admin.notice.password_reset",
        "Đã đặt lại mật khẩu; các phiên đăng nhập cũ đã kết thúc.",
        "The password was reset; the old sessions have ended.",
    ),
    msg(
        "admin.notice.area_defined",
        "Đã thêm đơn vị hành chính.",
        "The area was defined.",
    ),
    msg(
        "admin.notice.communes_merged",
        "Đã ghi nhận việc sáp nhập xã.",
        "The merge of communes was recorded.",
    ),
    msg(
        "admin.notice.address_established",
        "Đã thêm địa chỉ tin cậy.",
        "The trusted address was established.",
    ),
    // The registry API's field errors.
    msg(
        "admin.error.required",
        "Mục này là bắt buộc.",
        "This is required.",
    ),
    msg(
        "admin.error.taken",
        "Tên đăng nhập này đã có người dùng.",
        "This username is taken.",
    ),
    msg(
        "admin.error.exists",
        "Mã này đã tồn tại.",
        "This code already exists.",
    ),
    msg(
        "admin.error.key_reused",
        "Biểu mẫu này đã được gửi trước đó với nội dung khác. Hãy xem lại danh sách rồi gửi lại.",
        "This form was already sent with different content. Check the list, then send it again.",
    ),
    msg(
        "admin.error.spaces",
        "Không được có dấu cách ở đầu hoặc cuối.",
        "It must not start or end with a space.",
    ),
    msg(
        "admin.error.control",
        "Có ký tự không hợp lệ.",
        "It contains characters that are not allowed.",
    ),
    msg(
        "admin.error.weak_password",
        "Mật khẩu quá dễ đoán (ví dụ 1234567890, qwertyuiop, một chữ lặp lại hay có tên đăng nhập trong đó). Hãy dùng một câu dài hơn gồm vài từ không liên quan.",
        "This password is too easy to guess (like 1234567890, qwertyuiop, one letter repeated, or one holding the username). Use a longer phrase of a few unrelated words.",
    ),
    msg(
        "admin.error.disallowed_character",
        "Tên đăng nhập chỉ gồm chữ, số, dấu cách và . _ - @ (không có ký tự vô hình hay biểu tượng).",
        "A username holds only letters, digits, spaces and . _ - @ (no invisible characters or symbols).",
    ),
    msg(
        "admin.error.mixed_scripts",
        "Tên đăng nhập không được trộn chữ của các bảng chữ khác nhau (ví dụ chữ а Kirin giữa chữ Latinh).",
        "A username must not mix letters of different alphabets (such as a Cyrillic а among Latin letters).",
    ),
    msg(
        "admin.error.too_short",
        "Quá ngắn: xem yêu cầu ở trên.",
        "Too short: see the rule above.",
    ),
    msg("admin.error.too_long", "Quá dài.", "Too long."),
    msg(
        "admin.error.full_name_characters",
        "Họ và tên không được chứa ký tự điều khiển (như dấu xuống dòng).",
        "A full name must not contain control characters (such as a line break).",
    ),
    msg(
        "admin.error.choose",
        "Hãy chọn một mục trong danh sách.",
        "Choose one of the list.",
    ),
    msg(
        "admin.error.area_code",
        "Mã địa bàn gồm 2 đến 5 chữ số.",
        "An area code has 2 to 5 digits.",
    ),
    msg(
        "admin.error.no_area",
        "Không có địa bàn này.",
        "There is no such area.",
    ),
    msg(
        "admin.error.area_retired",
        "Địa bàn này đã ngừng hiệu lực.",
        "This area is retired.",
    ),
    msg(
        "admin.error.not_commune",
        "Phải là xã, phường.",
        "It must be a commune.",
    ),
    msg(
        "admin.error.no_address",
        "Không có địa chỉ tin cậy này.",
        "There is no such trusted address.",
    ),
    msg(
        "admin.error.address_closed",
        "Địa chỉ tin cậy này đã đóng.",
        "This trusted address is closed.",
    ),
    msg(
        "admin.error.date",
        "Hãy nhập ngày hợp lệ.",
        "Enter a valid date.",
    ),
    msg(
        "admin.error.future",
        "Ngày này chưa tới.",
        "This date is in the future.",
    ),
    msg(
        "admin.error.code_length",
        "Độ dài mã không hợp với cấp: 2 chữ số cho tỉnh, 3 cho huyện, 5 cho xã.",
        "The code's length does not fit the level: 2 digits for a province, 3 for a district, 5 for a commune.",
    ),
    msg(
        "admin.error.province_no_parent",
        "Tỉnh không thuộc đơn vị nào.",
        "A province belongs to no other unit.",
    ),
    msg(
        "admin.error.parent_required",
        "Hãy chọn đơn vị cấp trên.",
        "Choose the unit it belongs to.",
    ),
    msg(
        "admin.error.parent_level",
        "Đơn vị cấp trên phải cao hơn một cấp (xã có thể thuộc thẳng tỉnh).",
        "The parent must be one level up (a commune's may be its province).",
    ),
    msg(
        "admin.error.role_needs",
        "Vai trò này cần mục này.",
        "This role needs this.",
    ),
    msg(
        "admin.error.role_unused",
        "Vai trò này không dùng mục này: hãy để trống.",
        "This role does not use this: leave it empty.",
    ),
    msg(
        "admin.error.not_after_start",
        "Phải sau ngày bắt đầu hiệu lực của từng xã.",
        "It must be after the day each commune began.",
    ),
    msg(
        "admin.error.too_few",
        "Hãy chọn ít nhất hai xã.",
        "Choose at least two communes.",
    ),
    msg(
        "admin.error.parents_differ",
        "Các xã phải cùng thuộc một đơn vị.",
        "The communes must belong to the same unit.",
    ),
    msg(
        "admin.error.includes_retired",
        "Có xã đã ngừng hiệu lực.",
        "One of the communes is already retired.",
    ),
    msg(
        "admin.error.parent_retired",
        "Đơn vị cấp trên của các xã đã ngừng hiệu lực.",
        "The communes' parent is retired.",
    ),
    msg(
        "admin.error.into_exists",
        "Mã này thuộc một địa bàn khác: hãy chọn xã kế thừa ở trên, hoặc một mã mới.",
        "This code belongs to another area: choose the successor above, or a new code.",
    ),
    msg(
        "admin.error.name_unused",
        "Chỉ cần tên cho xã mới.",
        "A name is only for a new commune.",
    ),
    msg(
        "admin.error.invalid",
        "Giá trị này không hợp lệ.",
        "This value is not valid.",
    ),
];
