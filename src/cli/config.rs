//! The configuration file: `--config PATH` or `TINCAY_CONFIG`, TOML, one flat table whose keys
//! are the long flags' names with `_` for `-` (`data_dir` is `--data-dir`). Unknown keys are
//! refused, so a misspelt setting is an error, not a silent default.
//!
//! Precedence, highest first: a flag, its `TINCAY_*` variable, the file, the built-in default.
//! The file's values become the flags' defaults before the command line is parsed, so clap
//! applies that order itself and `--help` shows the values in force. A setting applies to
//! every command that has the flag. Every setting is in `deploy/tincay.example.toml`, and a
//! test checks that file parses with every key present.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::CliError;

/// The variable naming the configuration file when `--config` is not given.
pub const CONFIG_ENV: &str = "TINCAY_CONFIG";

/// Every setting the file may hold. See `deploy/tincay.example.toml` for what each does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub key_file: Option<PathBuf>,
    pub erasure_ledger: Option<PathBuf>,
    pub log_format: Option<String>,
    pub body_limit_bytes: Option<u64>,
    pub request_timeout_secs: Option<u64>,
    pub max_concurrent_requests: Option<u64>,
    pub session_idle_minutes: Option<u64>,
    pub web_session_idle_minutes: Option<u64>,
    /// `--trusted-proxy`, each a CIDR.
    pub trusted_proxy: Option<Vec<String>>,
    pub page_title: Option<String>,
    pub user_requests_per_minute: Option<u64>,
    pub access_log_window_minutes: Option<u64>,
    pub retention_years: Option<u64>,
    pub store_cache_mib: Option<u64>,
    pub store: Option<String>,
    pub database_url: Option<String>,
}

impl Config {
    /// Read and parse `path`. Errors name the file and the line, never a value.
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::io("cannot read the configuration file", path, &e))?;
        Self::parse(&text).map_err(|message| {
            CliError::Usage(format!("configuration file {}: {message}", path.display()))
        })
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|error| error.message().to_owned())
    }

    /// `(flag id, value)` for every setting the file gives.
    pub fn defaults(&self) -> Vec<(&'static str, String)> {
        let path = |path: &Option<PathBuf>| path.as_ref().map(|p| p.display().to_string());
        let number = |n: &Option<u64>| n.map(|n| n.to_string());
        [
            ("data_dir", path(&self.data_dir)),
            ("listen", self.listen.clone()),
            ("key_file", path(&self.key_file)),
            ("erasure_ledger", path(&self.erasure_ledger)),
            ("log_format", self.log_format.clone()),
            ("body_limit_bytes", number(&self.body_limit_bytes)),
            ("request_timeout_secs", number(&self.request_timeout_secs)),
            (
                "max_concurrent_requests",
                number(&self.max_concurrent_requests),
            ),
            ("session_idle_minutes", number(&self.session_idle_minutes)),
            (
                "web_session_idle_minutes",
                number(&self.web_session_idle_minutes),
            ),
            (
                "trusted_proxy",
                self.trusted_proxy.as_ref().map(|proxies| proxies.join(",")),
            ),
            ("page_title", self.page_title.clone()),
            (
                "user_requests_per_minute",
                number(&self.user_requests_per_minute),
            ),
            (
                "access_log_window_minutes",
                number(&self.access_log_window_minutes),
            ),
            ("retention_years", number(&self.retention_years)),
            ("store_cache_mib", number(&self.store_cache_mib)),
            ("store", self.store.clone()),
            ("database_url", self.database_url.clone()),
        ]
        .into_iter()
        .filter_map(|(id, value)| value.map(|value| (id, value)))
        .collect()
    }
}

/// The configuration file named by `--config` in `args`, else by [`CONFIG_ENV`].
pub fn config_path(args: &[OsString]) -> Option<PathBuf> {
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return Some(PathBuf::from(value));
        }
    }
    std::env::var_os(CONFIG_ENV)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// `command` with the configuration file's values as the defaults of its flags, in every
/// subcommand that has them.
pub fn apply(command: clap::Command, config: &Config) -> clap::Command {
    config
        .defaults()
        .into_iter()
        .fold(command, |command, (id, value)| {
            set_default(command, id, &value)
        })
}

fn set_default(mut command: clap::Command, id: &str, value: &str) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| set_default(sub, id, value));
    }
    if command.get_arguments().any(|arg| arg.get_id() == id) {
        let value = value.to_owned();
        command = command.mut_arg(id, |arg| arg.default_value(value));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../deploy/tincay.example.toml");

    #[test]
    fn the_example_configuration_parses_and_sets_every_key() {
        let config = Config::parse(EXAMPLE).unwrap();
        let json = serde_json::to_value(&config).unwrap();
        let unset: Vec<_> = json
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, value)| value.is_null())
            .map(|(key, _)| key.clone())
            .collect();
        assert!(unset.is_empty(), "the example leaves out {unset:?}");
        assert_eq!(config.defaults().len(), json.as_object().unwrap().len());
    }

    #[test]
    fn every_setting_is_a_flag_of_serve_or_of_the_tincay_command() {
        let command = <crate::cli::Cli as clap::CommandFactory>::command();
        let serve = command.find_subcommand("serve").unwrap();
        for (id, _) in Config::parse(EXAMPLE).unwrap().defaults() {
            let known = serve.get_arguments().any(|arg| arg.get_id() == id)
                || command.get_arguments().any(|arg| arg.get_id() == id);
            assert!(known, "{id} is no flag");
        }
    }

    #[test]
    fn an_unknown_or_mistyped_key_is_refused() {
        let error = Config::parse("data_dri = \"/x\"\n").unwrap_err();
        assert!(error.contains("data_dri"), "{error}");
        assert!(Config::parse("listen = 8080\n").is_err());
    }

    #[test]
    fn the_file_sets_defaults_and_a_flag_still_wins() {
        let config = Config {
            data_dir: Some("/srv/tincay".into()),
            listen: Some("127.0.0.1:9000".into()),
            ..Config::default()
        };
        let parse = |args: &[&str]| {
            let command = apply(
                <crate::cli::Cli as clap::CommandFactory>::command(),
                &config,
            );
            let matches = command.try_get_matches_from(args).unwrap();
            let (_, serve) = matches.subcommand().unwrap();
            (
                serve.get_one::<PathBuf>("data_dir").unwrap().clone(),
                serve
                    .get_one::<std::net::SocketAddr>("listen")
                    .unwrap()
                    .to_string(),
            )
        };
        assert_eq!(
            parse(&["tincay", "serve"]),
            ("/srv/tincay".into(), "127.0.0.1:9000".into())
        );
        assert_eq!(
            parse(&["tincay", "serve", "--data-dir", "/elsewhere"]),
            ("/elsewhere".into(), "127.0.0.1:9000".into())
        );
    }

    #[test]
    fn the_file_is_found_in_the_arguments_before_the_environment() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            config_path(&args(&["tincay", "serve", "--config", "/etc/t.toml"])),
            Some("/etc/t.toml".into())
        );
        assert_eq!(
            config_path(&args(&["tincay", "--config=/etc/u.toml", "serve"])),
            Some("/etc/u.toml".into())
        );
    }
}
