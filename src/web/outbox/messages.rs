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
];
