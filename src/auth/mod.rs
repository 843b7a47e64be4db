//! Authentication services, independent of HTTP: password hashing ([`password`]), the web
//! forms' CSRF key ([`csrf`]), how hard a
//! new password is to guess ([`strength`]), session tokens ([`sessions`]), login throttling
//! ([`throttle`]) and the per-user request rate ([`rate`]). SECURITY-SENSITIVE.

pub mod csrf;
pub mod password;
pub mod rate;
pub mod sessions;
pub mod strength;
pub mod throttle;
