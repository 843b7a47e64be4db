//! The plain code lists of `API.md`: how a case was referred, who the perpetrator is, risk,
//! sex, support, referrals and their outcomes, follow-ups, closure, erasure, review, area
//! levels and roles.

code_list! {
    /// Who brought the case to the trusted address.
    ReferredBy as "referred_by" {
        SelfReferred = "self" { vi: "Tự tìm đến", en: "Self" },
        Family = "family" { vi: "Gia đình", en: "Family" },
        Neighbour = "neighbour" { vi: "Hàng xóm", en: "Neighbour" },
        VillageHead = "village_head" { vi: "Trưởng thôn", en: "Village head" },
        Police = "police" { vi: "Công an", en: "Police" },
        Health = "health" { vi: "Cơ sở y tế", en: "Health facility" },
        School = "school" { vi: "Nhà trường", en: "School" },
        Hotline = "hotline" { vi: "Đường dây nóng", en: "Hotline" },
        Other = "other" { vi: "Khác", en: "Other" },
    }
}

code_list! {
    /// The perpetrator's relationship to the survivor.
    Perpetrator as "perpetrator" {
        Spouse = "spouse" { vi: "Vợ hoặc chồng", en: "Spouse" },
        FormerSpouse = "former_spouse" { vi: "Vợ hoặc chồng cũ", en: "Former spouse" },
        Partner = "partner" { vi: "Bạn đời, người yêu", en: "Partner" },
        Parent = "parent" { vi: "Cha hoặc mẹ", en: "Parent" },
        Child = "child" { vi: "Con", en: "Child" },
        Sibling = "sibling" { vi: "Anh, chị, em", en: "Sibling" },
        InLaw = "in_law" { vi: "Họ hàng bên chồng hoặc vợ", en: "In-law" },
        OtherFamily = "other_family" { vi: "Thành viên khác trong gia đình", en: "Other family member" },
        Other = "other" { vi: "Người khác", en: "Other" },
        Unknown = "unknown" { vi: "Không rõ", en: "Unknown" },
    }
}

code_list! {
    /// How much danger the survivor is in; ordered `low < medium < high`.
    RiskLevel as "risk_level" {
        Low = "low" { vi: "Thấp", en: "Low" },
        Medium = "medium" { vi: "Trung bình", en: "Medium" },
        High = "high" { vi: "Cao", en: "High" },
    }
}

code_list! {
    /// The survivor's sex.
    Sex as "sex" {
        Female = "female" { vi: "Nữ", en: "Female" },
        Male = "male" { vi: "Nam", en: "Male" },
        Other = "other" { vi: "Khác", en: "Other" },
    }
}

code_list! {
    /// Support given at or through the trusted address.
    SupportType as "support_type" {
        Shelter = "shelter" { vi: "Tạm lánh", en: "Shelter" },
        Counselling = "counselling" { vi: "Tư vấn", en: "Counselling" },
        Medical = "medical" { vi: "Chăm sóc y tế", en: "Medical care" },
        Legal = "legal" { vi: "Hỗ trợ pháp lý", en: "Legal support" },
        Police = "police" { vi: "Công an, bảo vệ an toàn", en: "Police and safety" },
        Material = "material" { vi: "Hỗ trợ vật chất", en: "Material support" },
        Livelihood = "livelihood" { vi: "Hỗ trợ sinh kế", en: "Livelihood" },
        Childcare = "childcare" { vi: "Trông giữ trẻ", en: "Childcare" },
        Other = "other" { vi: "Khác", en: "Other" },
    }
}

code_list! {
    /// The service a case is referred to.
    ReferralTarget as "referral_target" {
        Health = "health" { vi: "Cơ sở y tế", en: "Health facility" },
        Police = "police" { vi: "Công an", en: "Police" },
        LegalAid = "legal_aid" { vi: "Trung tâm trợ giúp pháp lý", en: "Legal aid centre" },
        SocialProtection = "social_protection" { vi: "Cơ sở bảo trợ xã hội", en: "Social protection centre" },
        OneStopCentre = "one_stop_centre" { vi: "Trung tâm hỗ trợ một cửa", en: "One-stop centre" },
        WomensUnion = "womens_union" { vi: "Hội Liên hiệp Phụ nữ", en: "Women's Union" },
        CommuneCommittee = "commune_committee" { vi: "Ủy ban nhân dân xã", en: "Commune People's Committee" },
        Court = "court" { vi: "Tòa án", en: "Court" },
        School = "school" { vi: "Nhà trường", en: "School" },
        Other = "other" { vi: "Khác", en: "Other" },
    }
}

code_list! {
    /// What became of a referral.
    ReferralOutcome as "referral_outcome" {
        Accepted = "accepted" { vi: "Đã tiếp nhận", en: "Accepted" },
        Completed = "completed" { vi: "Đã hoàn thành", en: "Completed" },
        Declined = "declined" { vi: "Bị từ chối", en: "Declined" },
        NoResponse = "no_response" { vi: "Không phản hồi", en: "No response" },
    }
}

code_list! {
    /// How a follow-up is made.
    FollowUpMethod as "follow_up_method" {
        Visit = "visit" { vi: "Thăm tận nơi", en: "Visit" },
        Phone = "phone" { vi: "Gọi điện thoại", en: "Phone call" },
    }
}

code_list! {
    /// What a follow-up found.
    FollowUpOutcome as "follow_up_outcome" {
        Safe = "safe" { vi: "An toàn", en: "Safe" },
        ViolenceContinued = "violence_continued" { vi: "Bạo lực tiếp diễn", en: "Violence continued" },
        MovedAway = "moved_away" { vi: "Đã chuyển đi nơi khác", en: "Moved away" },
        Unreachable = "unreachable" { vi: "Không liên lạc được", en: "Unreachable" },
    }
}

code_list! {
    /// Why a case is closed.
    CloseReason as "close_reason" {
        Safe = "safe" { vi: "Đã an toàn", en: "Safe" },
        Relocated = "relocated" { vi: "Đã chuyển nơi ở", en: "Relocated" },
        Transferred = "transferred" { vi: "Đã chuyển cơ sở khác", en: "Transferred" },
        LostContact = "lost_contact" { vi: "Mất liên lạc", en: "Lost contact" },
        SurvivorRequest = "survivor_request" { vi: "Theo yêu cầu của người được hỗ trợ", en: "Survivor's request" },
        Deceased = "deceased" { vi: "Đã qua đời", en: "Deceased" },
    }
}

code_list! {
    /// Why a case's personal data is destroyed.
    ErasureReason as "erasure_reason" {
        SurvivorRequest = "survivor_request" { vi: "Theo yêu cầu của người được hỗ trợ", en: "Survivor's request" },
        Retention = "retention" { vi: "Hết thời hạn lưu trữ", en: "Retention period ended" },
        Duplicate = "duplicate" { vi: "Hồ sơ trùng lặp", en: "Duplicate record" },
        EnteredInError = "entered_in_error" { vi: "Nhập nhầm", en: "Entered in error" },
        LegalOrder = "legal_order" { vi: "Theo quyết định của cơ quan có thẩm quyền", en: "Legal order" },
    }
}

code_list! {
    /// A supervisor's decision on reviewing a case.
    ReviewDecision as "review_decision" {
        Approved = "approved" { vi: "Chấp thuận", en: "Approved" },
        ActionRequested = "action_requested" { vi: "Yêu cầu bổ sung", en: "Action requested" },
    }
}

code_list! {
    /// The level of an administrative unit.
    AreaLevel as "area_level" {
        Province = "province" { vi: "Tỉnh, thành phố", en: "Province" },
        District = "district" { vi: "Quận, huyện", en: "District" },
        Commune = "commune" { vi: "Xã, phường", en: "Commune" },
    }
}

code_list! {
    /// Why an account waits for a supervisor's approval (four eyes: an admin alone never gives
    /// anyone access to case content).
    ApprovalReason as "approval_reason" {
        Created = "created" { vi: "Tài khoản mới", en: "New account" },
        PasswordReset = "password_reset" { vi: "Đặt lại mật khẩu", en: "Password reset" },
    }
}

code_list! {
    /// What happened to an account, as the access log records it.
    AccountAction as "account_action" {
        Created = "account_created" { vi: "Tạo tài khoản", en: "Account created" },
        PasswordReset = "password_reset" { vi: "Đặt lại mật khẩu", en: "Password reset" },
        Approved = "account_approved" { vi: "Duyệt tài khoản", en: "Account approved" },
        Refused = "account_refused" { vi: "Từ chối tài khoản", en: "Account refused" },
        SignInPending = "sign_in_pending" { vi: "Đăng nhập khi chờ duyệt", en: "Sign-in while pending" },
    }
}

code_list! {
    /// What a user may do (`DESIGN.md`, "Who uses it").
    Role as "role" {
        Admin = "admin" { vi: "Quản trị hệ thống", en: "Administrator" },
        Supervisor = "supervisor" { vi: "Cán bộ giám sát", en: "Supervisor" },
        Volunteer = "volunteer" { vi: "Tình nguyện viên", en: "Volunteer" },
        Reporting = "reporting" { vi: "Cán bộ báo cáo", en: "Reporting officer" },
    }
}

code_list! {
    /// What an access log entry records.
    AccessAction as "access_action" {
        CaseRead = "case_read" { vi: "Xem hồ sơ", en: "Case read" },
        CaseListed = "case_listed" { vi: "Xem danh sách hồ sơ", en: "Case list read" },
        AccessLogRead = "access_log_read" { vi: "Xem nhật ký truy cập", en: "Access log read" },
        Export = "export" { vi: "Xuất dữ liệu", en: "Export" },
        ExactStatistics = "exact_statistics" { vi: "Xem thống kê chính xác", en: "Exact statistics read" },
        StatsQueried = "stats_queried" { vi: "Truy vấn thống kê", en: "Statistics queried" },
        CaseErased = "case_erased" { vi: "Xóa hồ sơ", en: "Case erased" },
        SignedIn = "signed_in" { vi: "Đăng nhập", en: "Signed in" },
        SignInFailed = "sign_in_failed" { vi: "Đăng nhập thất bại", en: "Sign-in failed" },
    }
}
