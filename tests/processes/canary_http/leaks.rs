//! The canaries, and where they must not be: the server's output and the data directory.

use std::path::Path;

use uuid::Uuid;

use crate::serve::site::Account;

/// Unique strings with Vietnamese diacritics, one per personal field, each with its
/// field's name for the failure message.
#[derive(Default)]
pub struct Canaries(pub Vec<(String, String)>);

impl Canaries {
    pub fn next(&mut self, field: &str) -> String {
        let core = Uuid::new_v4().simple().to_string();
        let canary = format!("Đặng Thị Ánh {}", &core[..16]);
        self.0.push((field.to_owned(), canary.clone()));
        canary
    }

    /// A username and a password, both canaries.
    pub fn account(&mut self, role: &str) -> Account {
        let username = self.next(&format!("{role} username"));
        Account::new(&username, &self.next(&format!("{role} password")))
    }

    /// What must never leak: each canary whole, and its ASCII core, which an escaped copy
    /// (`\u{1ea0}`, `%E1%BA%A0`) still shows.
    pub fn needles(&self) -> Vec<(String, String)> {
        let mut needles = self.0.clone();
        for (field, canary) in &self.0 {
            let core = canary.rsplit(' ').next().unwrap().to_owned();
            needles.push((format!("{field} (its core)"), core));
        }
        needles
    }
}

/// `text` (a response, the server's output) holds no needle.
pub fn assert_not_in(text: &str, where_: &str, needles: &[(String, String)]) {
    for (what, needle) in needles {
        if let Some(at) = text.find(needle.as_str()) {
            let from = (0..=at.saturating_sub(300))
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let to = (at + needle.len()..=(at + 300).min(text.len()))
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            panic!("{where_} holds the {what}: …{}…", &text[from..to]);
        }
    }
}

/// No file under `dir` holds any needle, as bytes; returns how many files and bytes it read.
pub fn assert_no_file_holds(dir: &Path, needles: &[(String, String)]) -> (usize, usize) {
    let (mut files, mut bytes_read) = (0, 0);
    let mut pending = vec![dir.to_owned()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).unwrap();
            pending.extend(entries.map(|entry| entry.unwrap().path()));
            continue;
        }
        if path.is_symlink() || !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        files += 1;
        bytes_read += bytes.len();
        for (what, needle) in needles {
            let needle = needle.as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|window| window == needle),
                "{} holds the {what}",
                path.display()
            );
        }
    }
    assert!(files > 0, "nothing under {}", dir.display());
    (files, bytes_read)
}
