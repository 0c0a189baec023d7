//! The operator's commands, parsed with clap (derive): generated help, flag
//! and value checks, `--version` and shell completions.

use std::io::BufRead as _;
use std::path::PathBuf;

use clap::{CommandFactory as _, Parser, Subcommand};
use ttokjang_domain::auth::{InvitePolicy, Registration};
use ttokjang_domain::user::Role;

use crate::config::Config;
use crate::server::{self, StartError};

/// The command line as clap reads it.
#[derive(Debug, Parser)]
#[command(
    name = "ttokjang",
    version,
    about = "ttokjang — smart grocery planning (똑똑한 장보기)",
    after_help = "Configuration comes from the environment; see .env.example."
)]
struct Cli {
    /// What to do; `serve` when absent.
    #[command(subcommand)]
    command: Option<Top>,
}

#[derive(Debug, Subcommand)]
enum Top {
    /// Run the HTTP server (the default)
    Serve,
    /// Apply pending database migrations and exit
    Migrate,
    /// Accounts
    #[command(subcommand)]
    User(UserCmd),
    /// Invite codes
    #[command(subcommand)]
    Invite(InviteCmd),
    /// Load data from files
    #[command(subcommand)]
    Import(ImportCmd),
    /// Fetch real prices from the public feeds
    #[command(subcommand)]
    Sync(SyncCmd),
    /// Online malls' delivery terms (read by the running server on every plan)
    #[command(subcommand)]
    Mall(MallCmd),
    /// The catalog's product identity
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Print a shell completion script (e.g. `ttokjang completions bash > /etc/bash_completion.d/ttokjang`)
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
enum UserCmd {
    /// Create an account (no invite needed); the password is read from stdin
    /// with --password-stdin, else generated and printed once
    Add {
        /// The account's e-mail address
        #[arg(long)]
        email: String,
        /// The display name
        #[arg(long)]
        name: String,
        /// Make the account an administrator
        #[arg(long)]
        admin: bool,
        /// Read the password from the first line of stdin
        #[arg(long)]
        password_stdin: bool,
    },
    /// Make a one-time reset code (valid 1 hour) and write it to a 0600 file
    /// in DATA_DIR; the shopper sets a new password with it at
    /// POST /api/v1/auth/password-reset
    ResetPassword {
        /// The account's e-mail address
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum InviteCmd {
    /// Create invite codes and print them, one a line
    Create {
        /// How many codes
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        count: u32,
        /// Days each code stays valid (default: no expiry)
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3650))]
        days: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCmd {
    /// Load 참가격-shaped price rows (store_id, store_name, store_type,
    /// address, lat, lng, product_id, product_name, unit, size,
    /// inspection_day, price, discount); files of any size are streamed;
    /// bad rows are reported and skipped, the rest written in batches (one
    /// transaction each); outlier medians span every file given;
    /// re-importing changes nothing
    Prices {
        /// The CSV file(s), imported as one data set
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Price rows written per transaction
        #[arg(long, default_value_t = crate::import::DEFAULT_BATCH_ROWS as u64,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        batch_rows: u64,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogCmd {
    /// List the products an import kept apart because they might be a
    /// catalog product (never merged silently), or decide one
    Review {
        /// List decided reviews too
        #[arg(long)]
        all: bool,
        #[command(subcommand)]
        action: Option<ReviewCmd>,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewCmd {
    /// PRODUCT is INTO: its prices move to INTO, it is removed, and later
    /// imports price its source id as INTO
    Merge {
        /// The listed product (e.g. kca-P002)
        product: String,
        /// The catalog product it is (e.g. p0004)
        into: String,
    },
    /// PRODUCT is a good of its own: keep it and never list it again
    #[command(visible_alias = "new")]
    Distinct {
        /// The listed product
        product: String,
    },
}

#[derive(Debug, Subcommand)]
enum SyncCmd {
    /// Fetch real prices within the daily call budget (PRICE_SYNC_DAILY_BUDGET,
    /// default 1800); resumable, never repeats a completed call
    Prices {
        /// chamgagyeok (참가격, the default) or kamis
        #[arg(long, default_value = "chamgagyeok", value_parser = parse_source)]
        source: ttokjang_domain::pricesync::Source,
        /// The survey day, YYYYMMDD (default: the latest survey, a Friday)
        #[arg(long, value_parser = parse_day)]
        day: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
enum MallCmd {
    /// Print every mall's configured delivery terms
    List,
    /// Change one mall's terms (what is not given stays); amounts in 원
    Set {
        /// The mall's id, e.g. coupang, ssg, kurly, lotteon, homeplus-online
        mall: String,
        /// Delivery fee
        #[arg(long, value_parser = parse_krw)]
        fee: Option<i64>,
        /// Free delivery from this goods subtotal, or `none`
        #[arg(long, value_parser = parse_krw_or_none)]
        free_over: Option<Option<i64>>,
        /// Minimum order (0: none)
        #[arg(long, value_parser = parse_krw)]
        min_order: Option<i64>,
        /// Surcharge for delivery to Jeju
        #[arg(long, value_parser = parse_krw)]
        jeju: Option<i64>,
        /// Surcharge for delivery to islands and remote areas (도서산간)
        #[arg(long, value_parser = parse_krw)]
        island: Option<i64>,
        /// Same-day delivery order cut-off, HH:MM (Korea), or `none`
        #[arg(long, value_parser = parse_cutoff)]
        same_day: Option<Option<chrono::NaiveTime>>,
        /// Dawn delivery order cut-off, HH:MM (Korea), or `none`
        #[arg(long, value_parser = parse_cutoff)]
        dawn: Option<Option<chrono::NaiveTime>>,
    },
    /// Restore one mall's shipped default terms
    Reset {
        /// The mall's id
        mall: String,
    },
}

fn parse_krw(s: &str) -> Result<i64, String> {
    let v: i64 = s
        .trim()
        .replace(',', "")
        .parse()
        .map_err(|_| "must be a whole number of 원".to_owned())?;
    if (0..=ttokjang_domain::mall::MAX_KRW).contains(&v) {
        Ok(v)
    } else {
        Err(format!("must be 0 to {}", ttokjang_domain::mall::MAX_KRW))
    }
}

fn parse_krw_or_none(s: &str) -> Result<Option<i64>, String> {
    if s.trim().eq_ignore_ascii_case("none") {
        Ok(None)
    } else {
        parse_krw(s).map(Some)
    }
}

fn parse_cutoff(s: &str) -> Result<Option<chrono::NaiveTime>, String> {
    ttokjang_domain::mall::parse_cutoff("cutoff", s).map_err(|e| e.message)
}

fn parse_mall(s: &str) -> Result<ttokjang_domain::catalog::StoreId, StartError> {
    ttokjang_domain::catalog::StoreId::parse(s)
        .map_err(|_| StartError::Import(format!("{s:?} is not a mall id")))
}

fn parse_source(s: &str) -> Result<ttokjang_domain::pricesync::Source, String> {
    ttokjang_domain::pricesync::Source::parse(s)
        .ok_or_else(|| "must be chamgagyeok or kamis".to_owned())
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    ttokjang_domain::pricesync::parse_day(s).ok_or_else(|| "must be YYYYMMDD".to_owned())
}

/// What to run, once parsed.
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
        paths: Vec<PathBuf>,
        batch_rows: usize,
    },
    CatalogReview {
        all: bool,
    },
    CatalogReviewMerge {
        product: String,
        into: String,
    },
    CatalogReviewDistinct {
        product: String,
    },
    /// Print the completion script for this shell.
    Completions(clap_complete::Shell),
    SyncPrices {
        source: ttokjang_domain::pricesync::Source,
        day: Option<chrono::NaiveDate>,
    },
    MallList,
    MallSet {
        mall: String,
        change: crate::malls::TermsChange,
    },
    MallReset {
        mall: String,
    },
}

impl From<Option<Top>> for Command {
    fn from(top: Option<Top>) -> Self {
        match top {
            None | Some(Top::Serve) => Command::Serve,
            Some(Top::Migrate) => Command::Migrate,
            Some(Top::User(UserCmd::Add {
                email,
                name,
                admin,
                password_stdin,
            })) => Command::UserAdd {
                email,
                name,
                admin,
                password_stdin,
            },
            Some(Top::User(UserCmd::ResetPassword { email })) => {
                Command::UserResetPassword { email }
            }
            Some(Top::Invite(InviteCmd::Create { count, days })) => {
                Command::InviteCreate { count, days }
            }
            Some(Top::Import(ImportCmd::Prices { files, batch_rows })) => Command::ImportPrices {
                paths: files,
                batch_rows: usize::try_from(batch_rows)
                    .unwrap_or(crate::import::DEFAULT_BATCH_ROWS),
            },
            Some(Top::Catalog(CatalogCmd::Review { all, action })) => match action {
                None => Command::CatalogReview { all },
                Some(ReviewCmd::Merge { product, into }) => {
                    Command::CatalogReviewMerge { product, into }
                }
                Some(ReviewCmd::Distinct { product }) => Command::CatalogReviewDistinct { product },
            },
            Some(Top::Completions { shell }) => Command::Completions(shell),
            Some(Top::Sync(SyncCmd::Prices { source, day })) => Command::SyncPrices { source, day },
            Some(Top::Mall(MallCmd::List)) => Command::MallList,
            Some(Top::Mall(MallCmd::Set {
                mall,
                fee,
                free_over,
                min_order,
                jeju,
                island,
                same_day,
                dawn,
            })) => Command::MallSet {
                mall,
                change: crate::malls::TermsChange {
                    fee,
                    free_over,
                    min_order,
                    jeju,
                    island,
                    same_day,
                    dawn,
                },
            },
            Some(Top::Mall(MallCmd::Reset { mall })) => Command::MallReset { mall },
        }
    }
}

/// Parses the arguments after the program name. `--help`, `--version` and
/// every mistake come back as a [`clap::Error`]; `Error::exit` prints it and
/// exits (0 for help and version, 2 for a usage error).
pub fn parse<I, T>(args: I) -> Result<Command, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let argv = std::iter::once(std::ffi::OsString::from("ttokjang"))
        .chain(args.into_iter().map(Into::into));
    Cli::try_parse_from(argv).map(|cli| cli.command.into())
}

/// The completion script for `shell`. Made in memory (writing to a `Vec`
/// cannot fail), so a closed stdout is the caller's error to report, never a
/// panic inside clap_complete.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ttokjang", &mut out);
    out
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
        Command::ImportPrices { paths, batch_rows } => {
            let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            let report = crate::import::import_files(
                svc.stores.catalog.as_ref(),
                svc.stores.reviews.as_ref(),
                &paths,
                crate::import::ImportOptions { batch_rows },
                svc.clock.now(),
            )
            .await
            .map_err(|e| StartError::Import(e.to_string()))?;
            println!("import prices {}\n{report}", shown.join(" "));
        }
        Command::CatalogReview { all } => {
            let list = crate::review::list(svc.stores.reviews.as_ref(), all)
                .await
                .map_err(|e| StartError::Import(e.to_string()))?;
            print!("{list}");
        }
        Command::CatalogReviewMerge { product, into } => {
            let done = crate::review::merge(
                svc.stores.reviews.as_ref(),
                &product,
                &into,
                svc.clock.now(),
            )
            .await
            .map_err(StartError::Import)?;
            println!("{done}");
        }
        Command::CatalogReviewDistinct { product } => {
            let done =
                crate::review::distinct(svc.stores.reviews.as_ref(), &product, svc.clock.now())
                    .await
                    .map_err(StartError::Import)?;
            println!("{done}");
        }
        Command::SyncPrices { source, day } => {
            let report = crate::sync::run(
                &config.price_feeds,
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
        Command::MallList => {
            let terms = svc.stores.mall_terms.list_terms().await?;
            println!(
                "mall terms (shipped defaults of {})",
                crate::malls::DEFAULTS_AS_OF
            );
            for t in &terms {
                println!("{}", crate::malls::describe(t));
            }
        }
        Command::MallSet { mall, change } => {
            if change.is_empty() {
                return Err(StartError::Import(
                    "nothing to change: give --fee, --free-over, --min-order, --jeju, --island, --same-day or --dawn".into(),
                ));
            }
            let mall = parse_mall(&mall)?;
            let stored = crate::malls::set(
                svc.stores.mall_terms.as_ref(),
                svc.stores.catalog.as_ref(),
                &mall,
                &change,
                svc.clock.now(),
            )
            .await
            .map_err(StartError::Import)?;
            println!("{}", crate::malls::describe(&stored));
        }
        Command::MallReset { mall } => {
            let mall = parse_mall(&mall)?;
            println!(
                "{}",
                crate::malls::reset(svc.stores.mall_terms.as_ref(), &mall).await?
            );
        }
        Command::Serve | Command::Completions(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::error::ErrorKind;

    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    fn kind(s: &str) -> ErrorKind {
        parse(args(s)).expect_err(s).kind()
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sync_prices_takes_a_source_and_a_day() {
        use ttokjang_domain::pricesync::Source;
        assert_eq!(
            parse(args("sync prices")).ok(),
            Some(Command::SyncPrices {
                source: Source::Chamgagyeok,
                day: None
            })
        );
        assert_eq!(
            parse(args("sync prices --source kamis --day 20261120")).ok(),
            Some(Command::SyncPrices {
                source: Source::Kamis,
                day: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            })
        );
        assert_eq!(
            kind("sync prices --day 2026-11-20"),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind("sync prices --source naver"),
            ErrorKind::ValueValidation
        );
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse(args("")).ok(), Some(Command::Serve));
        assert_eq!(parse(args("serve")).ok(), Some(Command::Serve));
        assert_eq!(parse(args("migrate")).ok(), Some(Command::Migrate));
        assert_eq!(
            parse(args("user add --email a@b.co --name Kim --admin")).ok(),
            Some(Command::UserAdd {
                email: "a@b.co".into(),
                name: "Kim".into(),
                admin: true,
                password_stdin: false
            })
        );
        assert_eq!(
            parse(args("invite create --count 3 --days 7")).ok(),
            Some(Command::InviteCreate {
                count: 3,
                days: Some(7)
            })
        );
        assert_eq!(
            parse(args("invite create")).ok(),
            Some(Command::InviteCreate {
                count: 1,
                days: None
            })
        );
        assert_eq!(
            parse(args("completions zsh")).ok(),
            Some(Command::Completions(clap_complete::Shell::Zsh))
        );
    }

    #[test]
    fn refuses_bad_commands() {
        assert_eq!(
            kind("user reset-password"),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            parse(args("user reset-password kim@example.com")).ok(),
            Some(Command::UserResetPassword {
                email: "kim@example.com".into()
            })
        );
        assert_eq!(
            kind("user add --name Kim"),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(kind("user add --email"), ErrorKind::InvalidValue);
        assert_eq!(kind("invite create --count 0"), ErrorKind::ValueValidation);
        assert_eq!(
            kind("invite create --count 1001"),
            ErrorKind::ValueValidation
        );
        assert_eq!(kind("invite create --days x"), ErrorKind::ValueValidation);
        assert_eq!(
            kind("invite create --days 3651"),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind("invite create --colour red"),
            ErrorKind::UnknownArgument
        );
        assert_eq!(kind("frobnicate"), ErrorKind::InvalidSubcommand);
        assert_eq!(kind("completions tcsh"), ErrorKind::InvalidValue);
        assert!(parse(args("import prices")).is_err());
        assert!(parse(args("import stores x.csv")).is_err());
        assert!(parse(args("migrate now")).is_err());
        assert_eq!(
            parse(args("import prices a.csv b.csv --batch-rows 10")).ok(),
            Some(Command::ImportPrices {
                paths: vec!["a.csv".into(), "b.csv".into()],
                batch_rows: 10
            })
        );
        assert!(parse(args("import prices a.csv --batch-rows 0")).is_err());
        assert_eq!(
            parse(args("catalog review")).ok(),
            Some(Command::CatalogReview { all: false })
        );
        assert_eq!(
            parse(args("catalog review --all")).ok(),
            Some(Command::CatalogReview { all: true })
        );
        assert_eq!(
            parse(args("catalog review merge kca-P2 p0004")).ok(),
            Some(Command::CatalogReviewMerge {
                product: "kca-P2".into(),
                into: "p0004".into()
            })
        );
        assert_eq!(
            parse(args("catalog review new kca-P2")).ok(),
            Some(Command::CatalogReviewDistinct {
                product: "kca-P2".into()
            })
        );
        assert!(parse(args("catalog review merge kca-P2")).is_err());
        assert_eq!(
            parse(args("import prices data/p.csv")).ok(),
            Some(Command::ImportPrices {
                paths: vec!["data/p.csv".into()],
                batch_rows: crate::import::DEFAULT_BATCH_ROWS
            })
        );
    }

    #[test]
    fn help_and_version_are_answers_not_errors() {
        for (line, want) in [
            ("--help", ErrorKind::DisplayHelp),
            ("-h", ErrorKind::DisplayHelp),
            ("help", ErrorKind::DisplayHelp),
            ("user add --help", ErrorKind::DisplayHelp),
            ("--version", ErrorKind::DisplayVersion),
            ("-V", ErrorKind::DisplayVersion),
        ] {
            let e = parse(args(line)).expect_err(line);
            assert_eq!(e.kind(), want, "{line}");
            assert_eq!(e.exit_code(), 0, "{line}");
        }
        assert_eq!(parse(args("frobnicate")).expect_err("bad").exit_code(), 2);
        let help = parse(args("--help")).expect_err("help").to_string();
        for word in [
            "serve",
            "migrate",
            "user",
            "invite",
            "import",
            "completions",
            ".env.example",
        ] {
            assert!(help.contains(word), "{word} missing in:\n{help}");
        }
        let version = parse(args("--version")).expect_err("version").to_string();
        assert_eq!(
            version.trim(),
            format!("ttokjang {}", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn completions_name_the_subcommands() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let script = String::from_utf8(completions(shell)).expect("utf-8");
            for word in ["ttokjang", "migrate", "invite", "password-stdin"] {
                assert!(script.contains(word), "{shell}: {word} missing");
            }
        }
    }
}
