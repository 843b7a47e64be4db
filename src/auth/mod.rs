//! Authentication services, independent of HTTP: password hashing ([`password`]), session
//! tokens ([`sessions`]) and login throttling ([`throttle`]). SECURITY-SENSITIVE.

pub mod password;
pub mod sessions;
pub mod throttle;
