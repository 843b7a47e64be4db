//! Names the git commit in `tincay --version`: `TINCAY_GIT_COMMIT` if set (a container build
//! passes it, having no `.git`), else `git rev-parse`, else "unknown". Uncommitted changes
//! are not flagged: the script reruns only when HEAD moves.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=TINCAY_GIT_COMMIT");
    let commit = std::env::var("TINCAY_GIT_COMMIT")
        .ok()
        .filter(|commit| !commit.trim().is_empty())
        .map(|commit| commit.trim().to_owned())
        .or_else(from_git)
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=TINCAY_GIT_COMMIT={commit}");
}

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    Some(text.trim().to_owned())
}

fn from_git() -> Option<String> {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    // Rebuild when HEAD moves: HEAD itself, the branch it points to, and packed refs.
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
    }
    // Only files that exist: cargo reruns the script, and so rebuilds tincay, on every build
    // while a file it watches is missing (a repository whose refs were never packed has no
    // `packed-refs`). Packing removes the loose ref, which reruns the script, which then
    // watches `packed-refs`.
    if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
        let mut watched = vec![format!("{common}/packed-refs")];
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watched.push(format!("{common}/{branch}"));
        }
        for path in watched {
            if std::path::Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
    Some(commit)
}
