//! How a staff account is named on a page: by its full name when the admin gave one (what a
//! colleague recognises), with the username beside it (what is unique), else by the username
//! alone. Both are staff personal data: shown only on the pages of the roles that already
//! see the account, never put in a URL, a title or a log.

use crate::projections::registry::{Registry, User};
use uuid::Uuid;

/// "Nguyễn Thị Lan (tnv.lan)", or "tnv.lan" without a full name.
pub fn named(user: &User) -> String {
    match &user.full_name {
        Some(full_name) => format!("{full_name} ({})", user.username),
        None => user.username.clone(),
    }
}

/// The account `id` named as [`named`] does, if the registry knows it.
pub fn named_by_id(registry: &Registry, id: Uuid) -> Option<String> {
    registry
        .user(&crate::domain::ids::UserId::from_uuid(id))
        .map(|user| named(&user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_name_comes_first_and_the_username_stays_beside_it() {
        let mut user = User {
            id: crate::domain::ids::UserId::from_uuid(Uuid::nil()),
            username: "tnv.lan".into(),
            full_name: None,
            role: crate::domain::vocab::Role::Volunteer,
            area: None,
            trusted_address: None,
            password_hash: String::new(),
            active: true,
            pending: false,
            version: 1,
        };
        assert_eq!(named(&user), "tnv.lan");
        user.full_name = Some("Nguyễn Thị Lan".into());
        assert_eq!(named(&user), "Nguyễn Thị Lan (tnv.lan)");
    }
}
