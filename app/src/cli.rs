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
  ttokjang user reset-password EMAIL
                                   make a one-time reset code (valid 1 hour)
                                   and write it to a 0600 file in DATA_DIR;
                                   the shopper sets a new password with it at
                                   POST /api/v1/auth/password-reset
  ttokjang invite create [--count N] [--days D]
                                   create N invite codes (default 1), valid for
                                   D days (default: no expiry)
  ttokjang import prices FILE.csv  load 참가격-shaped price rows (store_id,
                                   store_name, store_type, address, lat, lng,
                                   product_id, product_name, unit, size,
                                   inspection_day, price, discount); bad rows
                                   are reported and skipped, the rest written
                                   atomically; re-importing changes nothing
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
    UserResetPassword {
        email: String,
    },
    InviteCreate {
        count: u32,
        days: Option<i64>,
    },
    ImportPrices {
        path: std::path::PathBuf,
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
        ["user", "reset-password", email] => Ok(Command::UserResetPassword {
            email: (*email).to_owned(),
        }),
        ["user", "reset-password", ..] => {
            Err("usage: ttokjang user reset-password EMAIL".to_owned())
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
        Command::UserResetPassword { email } => {
            let (user, code) = svc
                .accounts
                .issue_reset(&email)
                .await
                .map_err(|e| StartError::Demo(e.to_string()))?;
            std::fs::create_dir_all(&config.data_dir)?;
            let path = config
                .data_dir
                .join(format!("password-reset-{}.txt", user.id));
            server::write_private(
                &path,
                &format!(
                    "e-mail: {}\nreset code (one use, valid 1 hour): {code}\nPOST /api/v1/auth/password-reset {{\"email\", \"code\", \"new_password\"}}\n",
                    user.email
                ),
            )?;
            // The code itself never goes to stdout (it may be a log stream).
            println!(
                "reset code for {} written to {} (mode 0600)",
                user.email,
                path.display()
            );
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
        assert!(parse(&args("user reset-password")).is_err());
        assert_eq!(
            parse(&args("user reset-password kim@example.com")),
            Ok(Command::UserResetPassword {
                email: "kim@example.com".into()
            })
        );
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
