//! The layers point one way (see the crate's documentation): a test that reads every source
//! file and fails on a path that runs back up, in code or in a doc comment. `http` and `web`
//! are siblings: neither names the other; what they share is `edge`'s, which names neither.

use std::path::{Path, PathBuf};

/// Each module, and the modules it must never name.
const RULES: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "store",
            "projections",
            "app",
            "edge",
            "http",
            "web",
            "server",
            "cli",
        ],
    ),
    ("app", &["edge", "http", "web", "server", "cli", "control"]),
    ("edge", &["http", "web", "server", "cli", "control"]),
    ("http", &["web", "cli"]),
    ("web", &["http", "cli"]),
];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// Every `crate::{module}` a file names, with its line numbers.
fn arrows(text: &str, module: &str) -> Vec<usize> {
    let needle = format!("crate::{module}");
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.match_indices(&needle).any(|(at, _)| {
                let rest = line.get(at + needle.len()..).unwrap_or("");
                !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .map(|(number, _)| number + 1)
        .collect()
}

#[test]
fn no_module_names_a_layer_above_it_nor_web_and_http_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for (module, forbidden) in RULES {
        let mut files = Vec::new();
        sources(&src.join(module), &mut files);
        assert!(!files.is_empty(), "no sources under src/{module}");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for above in *forbidden {
                for line in arrows(&text, above) {
                    problems.push(format!("{}:{line} names crate::{above}", file.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_finds_an_arrow_and_only_a_whole_module_name() {
    assert_eq!(arrows("use crate::http::state::AppState;", "http"), vec![1]);
    assert_eq!(arrows("x\n/// [`crate::http`]", "http"), vec![2]);
    assert!(arrows("use crate::httpx::a;", "http").is_empty());
    assert!(arrows("use crate::edge::http_thing;", "http").is_empty());
}
