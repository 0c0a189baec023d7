//! The operator's commands. Parsed by hand: the set is small and the binary
//! stays lean.

use std::io::BufRead as _;

use ttokjang_domain::auth::{InvitePolicy, Registration};
use ttokjang_domain::user::Role;

use crate::config::Config;
use crate::server::{self, StartError};

pub const HELP: &str = "\
ttokjang — smart grocery planning (똑똑한 장보기)

USAGE:
  ttokjang [serve]                 run the HTTP server (default)
  ttokjang migrate                 apply pending database migrations and exit
  ttokjang user add --email E --name N [--admin] [--password-stdin]
                                   create an account (no invite needed); the
                                   password is read from stdin with
                                   --password-stdin, else generated and printed
  ttokjang invite create [--count N] [--days D]
                                   create N invite codes (default 1), valid for
                                   D days (default: no expiry)
  ttokjang import prices FILE.csv  load 참가격-shaped price rows (store_id,
                                   store_name, store_type, address, lat, lng,
                                   product_id, product_name, unit, size,
                                   inspection_day, price, discount); bad rows
                                   are reported and skipped, the rest written
                                   atomically; re-importing changes nothing
  ttokjang sync prices [--source chamgagyeok|kamis] [--day YYYYMMDD]
                                   fetch real prices within the daily call
                                   budget (PRICE_SYNC_DAILY_BUDGET, default
                                   1800); resumable, never repeats a completed
                                   call; default source chamgagyeok, default
                                   day the latest survey (Friday)
  ttokjang --help | --version

Configuration comes from the environment; see .env.example.
";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    UserAdd {
        email: String,
        name: String,
        admin: bool,
        password_stdin: bool,
    },
    InviteCreate {
        count: u32,
        days: Option<i64>,
    },
    ImportPrices {
        path: std::path::PathBuf,
    },
    SyncPrices {
        source: ttokjang_domain::pricesync::Source,
        day: Option<chrono::NaiveDate>,
    },
    Help,
    Version,
}

fn value(args: &[String], i: &mut usize, flag: &str) -> Result<String, String> {
    *i += 1;
    args.get(*i)
        .cloned()
        .ok_or_else(|| format!("{flag} needs a value"))
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] | ["serve"] => Ok(Command::Serve),
        ["migrate"] => Ok(Command::Migrate),
        ["-h" | "--help" | "help", ..] => Ok(Command::Help),
        ["-V" | "--version"] => Ok(Command::Version),
        ["import", "prices", path] => Ok(Command::ImportPrices {
            path: std::path::PathBuf::from(path),
        }),
        ["import", ..] => Err("usage: ttokjang import prices FILE.csv".to_owned()),
        ["sync", "prices", ..] => {
            let rest = &args[2..];
            let (mut source, mut day) = (ttokjang_domain::pricesync::Source::Chamgagyeok, None);
            let mut i = 0;
            while i < rest.len() {
                match rest[i].as_str() {
                    "--source" => {
                        source = ttokjang_domain::pricesync::Source::parse(&value(
                            rest, &mut i, "--source",
                        )?)
                        .ok_or("--source must be chamgagyeok or kamis")?;
                    }
                    "--day" => {
                        day = Some(
                            ttokjang_domain::pricesync::parse_day(&value(rest, &mut i, "--day")?)
                                .ok_or("--day must be YYYYMMDD")?,
                        );
                    }
                    other => return Err(format!("unknown option {other:?} for sync prices")),
                }
                i += 1;
            }
            Ok(Command::SyncPrices { source, day })
        }
        ["user", "add", ..] => {
            let rest = &args[2..];
            let (mut email, mut name, mut admin, mut stdin) = (None, None, false, false);
            let mut i = 0;
            while i < rest.len() {
                match rest[i].as_str() {
                    "--email" => email = Some(value(rest, &mut i, "--email")?),
                    "--name" => name = Some(value(rest, &mut i, "--name")?),
                    "--admin" => admin = true,
                    "--password-stdin" => stdin = true,
                    other => return Err(format!("unknown option {other:?} for user add")),
                }
                i += 1;
            }
            Ok(Command::UserAdd {
                email: email.ok_or("user add needs --email")?,
                name: name.ok_or("user add needs --name")?,
                admin,
                password_stdin: stdin,
            })
        }
        ["invite", "create", ..] => {
            let rest = &args[2..];
            let (mut count, mut days) = (1u32, None);
            let mut i = 0;
            while i < rest.len() {
                match rest[i].as_str() {
                    "--count" => {
                        count = value(rest, &mut i, "--count")?
                            .parse()
                            .ok()
                            .filter(|n| (1..=1000).contains(n))
                            .ok_or("--count must be 1 to 1000")?;
                    }
                    "--days" => {
                        days = Some(
                            value(rest, &mut i, "--days")?
                                .parse()
                                .ok()
                                .filter(|d| (1..=3650).contains(d))
                                .ok_or("--days must be 1 to 3650")?,
                        );
                    }
                    other => return Err(format!("unknown option {other:?} for invite create")),
                }
                i += 1;
            }
            Ok(Command::InviteCreate { count, days })
        }
        _ => Err(format!("unknown command {:?}; see --help", args.join(" "))),
    }
}

/// Runs the one-shot commands (everything but `serve`).
pub async fn run_admin(command: Command, config: &Config) -> Result<(), StartError> {
    let svc = server::services(config).await?;
    match command {
        Command::Migrate => println!("migrations applied ({})", config.database.name()),
        Command::UserAdd {
            email,
            name,
            admin,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (server::readable_secret(svc.random.as_ref(), 16), true)
            };
            let role = if admin { Role::Admin } else { Role::Shopper };
            let user = svc
                .auth
                .register(
                    Registration {
                        email,
                        password: password.clone(),
                        display_name: name,
                        invite_code: None,
                    },
                    InvitePolicy::Optional,
                    role,
                )
                .await
                .map_err(|e| StartError::Demo(e.to_string()))?;
            println!("created {} ({}) id {}", user.email, role.as_str(), user.id);
            if generated {
                println!("password (shown once): {password}");
            }
        }
        Command::InviteCreate { count, days } => {
            for _ in 0..count {
                println!("{}", server::create_invite(&svc, days).await?.as_str());
            }
        }
        Command::ImportPrices { path } => {
            let report = crate::import::import_file(svc.stores.catalog.as_ref(), &path)
                .await
                .map_err(|e| StartError::Import(e.to_string()))?;
            println!("import prices {}\n{report}", path.display());
        }
        Command::SyncPrices { source, day } => {
            let settings = crate::sync::SyncSettings::from_env().map_err(StartError::Import)?;
            let report = crate::sync::run(
                &settings,
                svc.stores.price_sync.as_ref(),
                svc.stores.catalog.as_ref(),
                svc.clock.as_ref(),
                source,
                day,
            )
            .await
            .map_err(StartError::Import)?;
            println!("{report}");
        }
        Command::Serve | Command::Help | Command::Version => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn sync_prices_takes_a_source_and_a_day() {
        use ttokjang_domain::pricesync::Source;
        assert_eq!(
            parse(&args("sync prices")),
            Ok(Command::SyncPrices {
                source: Source::Chamgagyeok,
                day: None
            })
        );
        assert_eq!(
            parse(&args("sync prices --source kamis --day 20261120")),
            Ok(Command::SyncPrices {
                source: Source::Kamis,
                day: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            })
        );
        assert!(parse(&args("sync prices --day 2026-11-20")).is_err());
        assert!(parse(&args("sync prices --source naver")).is_err());
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse(&args("")), Ok(Command::Serve));
        assert_eq!(parse(&args("serve")), Ok(Command::Serve));
        assert_eq!(parse(&args("migrate")), Ok(Command::Migrate));
        assert_eq!(
            parse(&args("user add --email a@b.co --name Kim --admin")),
            Ok(Command::UserAdd {
                email: "a@b.co".into(),
                name: "Kim".into(),
                admin: true,
                password_stdin: false
            })
        );
        assert_eq!(
            parse(&args("invite create --count 3 --days 7")),
            Ok(Command::InviteCreate {
                count: 3,
                days: Some(7)
            })
        );
    }

    #[test]
    fn refuses_bad_commands() {
        assert!(parse(&args("user add --name Kim")).is_err());
        assert!(parse(&args("user add --email")).is_err());
        assert!(parse(&args("invite create --count 0")).is_err());
        assert!(parse(&args("invite create --days x")).is_err());
        assert!(parse(&args("frobnicate")).is_err());
        assert!(parse(&args("import prices")).is_err());
        assert!(parse(&args("import stores x.csv")).is_err());
        assert_eq!(
            parse(&args("import prices data/p.csv")),
            Ok(Command::ImportPrices {
                path: "data/p.csv".into()
            })
        );
    }
}
