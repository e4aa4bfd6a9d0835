//! The command line: `server` serves; `server admin …` is the support desk's tool.

use std::fmt;

pub const HELP: &str = "\
Customer Portal server

Usage:
  server                                          Serve the portal (configured by environment variables)
  server migrate                                  Bring the database schema up to date, then exit (for deploy
                                                  pipelines; servers started with MIGRATE_ON_START=false
                                                  then find it current)
  server admin show EMAIL [--before CURSOR]       Show an account: 2FA method, locks and failure counts,
                                                  sessions, and 20 lines of its security events (the
                                                  newest, or older than CURSOR, which the last page names)
  server admin unlock EMAIL --reason TEXT --operator NAME
                                                  Clear the account's locks and failure counts
                                                  (code step, password re-confirmation, sign-in)
  server admin reset-two-factor EMAIL --reason TEXT --operator NAME
                                                  Ask for a reset of two-factor authentication that
                                                  waits (SUPPORT_RESET_WAIT_MINUTES, 72 h): the customer
                                                  is told at once, by email and text, with a link that
                                                  cancels it, and signing in with the second factor
                                                  cancels it too; when the wait is over, 2FA is off, the
                                                  recovery codes are spent and every session ends
  server admin reset-two-factor EMAIL --reason TEXT --operator NAME --now --approved-by NAME
                                                  The same at once, for an emergency a supervisor
                                                  approved: recorded as such
  server admin sign-out EMAIL --reason TEXT --operator NAME
                                                  End every session of the account
  server --help                                   Show this help

The admin commands use the server's configuration (DATABASE_URL, SECRETS_MASTER_KEY
or MASTER_KEY_FILE, SMTP_URL, ...), so run them where the server runs.

Every action needs --reason and --operator (who acts): both are recorded in the
account's security activity, by \"support\", and quoted in the email the customer gets
about it. Check who you are talking to before you act.

Exit status: 0 done; 1 refused (no account with that email, nothing to do, or the
database could not be reached); 2 the command line is wrong.
";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    /// `server migrate`: the schema brought up to date, and nothing served.
    Migrate,
    Help,
    Admin(Admin),
}

/// A support desk action on the account with `email`.
#[derive(Debug, PartialEq, Eq)]
pub enum Admin {
    /// `before`: the cursor of the page to show (as `ActivityCursor::to_text`).
    Show {
        email: String,
        before: Option<String>,
    },
    Unlock {
        email: String,
        by: Acting,
    },
    /// `at_once`: `--now`, with the supervisor who approved it.
    ResetTwoFactor {
        email: String,
        by: Acting,
        at_once: Option<String>,
    },
    SignOut {
        email: String,
        by: Acting,
    },
}

/// Who acts, and why: both recorded.
#[derive(Debug, PartialEq, Eq)]
pub struct Acting {
    pub operator: String,
    pub reason: String,
}

impl Admin {
    /// The account the action is for, as typed.
    pub fn email(&self) -> &str {
        match self {
            Self::Show { email, .. }
            | Self::Unlock { email, .. }
            | Self::ResetTwoFactor { email, .. }
            | Self::SignOut { email, .. } => email,
        }
    }
}

/// A command line that makes no sense; the message says why.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\nRun `server --help` for the commands.", self.0)
    }
}

impl Command {
    /// The command in `args` (without the program name).
    pub fn parse(args: &[String]) -> Result<Self, UsageError> {
        let usage = |text: &str| Err(UsageError(text.to_owned()));
        if args.iter().any(|arg| arg == "--help" || arg == "-h") {
            return Ok(Self::Help);
        }
        let Some((first, rest)) = args.split_first() else {
            return Ok(Self::Serve);
        };
        if first == "migrate" {
            return match rest {
                [] => Ok(Self::Migrate),
                _ => usage("migrate takes no arguments"),
            };
        }
        if first != "admin" {
            return usage(&format!("unknown command {first:?}"));
        }
        let Some((action, rest)) = rest.split_first() else {
            return usage("say what to do: admin show, unlock, reset-two-factor or sign-out");
        };
        let Options { positional, reason, before, operator, approved_by, now } = Options::split(rest)?;
        let [email] = positional.as_slice() else {
            return usage(&format!("admin {action} takes one EMAIL"));
        };
        let email = email.clone();
        if action == "show" {
            return match (reason, operator, approved_by, now) {
                (None, None, None, false) => Ok(Self::Admin(Admin::Show { email, before })),
                _ => usage("admin show takes only --before"),
            };
        }
        if before.is_some() {
            return usage("only admin show takes --before");
        }
        let given = |value: Option<String>| value.filter(|value| !value.trim().is_empty());
        let (Some(reason), Some(operator)) = (given(reason), given(operator)) else {
            return usage(&format!(
                "admin {action} needs --reason TEXT and --operator NAME: why, and who acts, recorded and quoted in \
                 the customer's email"
            ));
        };
        let by = Acting { operator, reason };
        let at_once = match (action.as_str(), now, approved_by) {
            ("reset-two-factor", true, Some(approver)) => Some(approver),
            ("reset-two-factor", true, None) => return usage("--now needs --approved-by NAME: a supervisor's"),
            ("reset-two-factor", false, Some(_)) => return usage("--approved-by goes with --now"),
            (_, false, None) => None,
            _ => return usage("only admin reset-two-factor takes --now and --approved-by"),
        };
        Ok(Self::Admin(match action.as_str() {
            "unlock" => Admin::Unlock { email, by },
            "reset-two-factor" => Admin::ResetTwoFactor { email, by, at_once },
            "sign-out" => Admin::SignOut { email, by },
            other => return usage(&format!("unknown admin command {other:?}")),
        }))
    }
}

/// The positional arguments, the values of `--reason TEXT`, `--before CURSOR`,
/// `--operator NAME` and `--approved-by NAME` (or `--reason=TEXT` and so on), each
/// given once at most, and whether `--now` was.
struct Options {
    positional: Vec<String>,
    reason: Option<String>,
    before: Option<String>,
    operator: Option<String>,
    approved_by: Option<String>,
    now: bool,
}

impl Options {
    fn split(args: &[String]) -> Result<Self, UsageError> {
        let mut options =
            Self { positional: Vec::new(), reason: None, before: None, operator: None, approved_by: None, now: false };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let Some(option) = arg.strip_prefix("--") else {
                options.positional.push(arg.clone());
                continue;
            };
            if option == "now" {
                if std::mem::replace(&mut options.now, true) {
                    return Err(UsageError("give --now once".into()));
                }
                continue;
            }
            let (name, value) = match option.split_once('=') {
                Some((name, value)) => (name, value.to_owned()),
                None => {
                    let value = args.next().cloned().ok_or_else(|| UsageError(format!("--{option} needs a value")))?;
                    (option, value)
                }
            };
            let slot = match name {
                "reason" => &mut options.reason,
                "before" => &mut options.before,
                "operator" => &mut options.operator,
                "approved-by" => &mut options.approved_by,
                _ => return Err(UsageError(format!("unknown option {arg:?}"))),
            };
            if slot.replace(value).is_some() {
                return Err(UsageError(format!("give --{name} once")));
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Command, UsageError> {
        Command::parse(&line.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
    }

    #[test]
    fn reads_every_command() {
        assert_eq!(parse(""), Ok(Command::Serve));
        assert_eq!(parse("--help"), Ok(Command::Help));
        assert_eq!(parse("migrate"), Ok(Command::Migrate));
        assert_eq!(parse("admin unlock --help"), Ok(Command::Help));
        assert_eq!(
            parse("admin show ana@example.com"),
            Ok(Command::Admin(Admin::Show { email: "ana@example.com".into(), before: None }))
        );
        assert_eq!(
            parse("admin show ana@example.com --before 1795336200.42"),
            Ok(Command::Admin(Admin::Show { email: "ana@example.com".into(), before: Some("1795336200.42".into()) }))
        );
        let by = |reason: &str| Acting { operator: "aisha".into(), reason: reason.into() };
        let email = || "ana@example.com".to_owned();
        assert_eq!(
            parse("admin unlock ana@example.com --reason ticket-42 --operator aisha"),
            Ok(Command::Admin(Admin::Unlock { email: email(), by: by("ticket-42") }))
        );
        assert_eq!(
            parse("admin sign-out --reason=lost-laptop --operator=aisha ana@example.com"),
            Ok(Command::Admin(Admin::SignOut { email: email(), by: by("lost-laptop") }))
        );
        assert_eq!(
            parse("admin reset-two-factor ana@example.com --reason x --operator aisha"),
            Ok(Command::Admin(Admin::ResetTwoFactor { email: email(), by: by("x"), at_once: None }))
        );
        assert_eq!(
            parse("admin reset-two-factor ana@example.com --reason x --operator aisha --now --approved-by bo"),
            Ok(Command::Admin(Admin::ResetTwoFactor { email: email(), by: by("x"), at_once: Some("bo".into()) }))
        );
    }

    #[test]
    fn refuses_what_makes_no_sense() {
        for line in [
            "migrate now",
            "serve",
            "admin",
            "admin delete ana@example.com --reason x",
            "admin unlock ana@example.com",
            "admin reset-two-factor ana@example.com --reason",
            "admin sign-out ana@example.com bo@example.com --reason x",
            "admin unlock ana@example.com --reason a --reason b",
            "admin unlock ana@example.com --force --reason x",
            "admin show ana@example.com --reason x",
            "admin show ana@example.com --before",
            "admin unlock ana@example.com --reason x --operator aisha --before 1.2",
            "admin unlock ana@example.com --reason x",
            "admin sign-out ana@example.com --operator aisha",
            "admin show ana@example.com --operator aisha",
            "admin reset-two-factor ana@example.com --reason x --operator aisha --now",
            "admin reset-two-factor ana@example.com --reason x --operator aisha --approved-by bo",
            "admin unlock ana@example.com --reason x --operator aisha --now --approved-by bo",
            "admin reset-two-factor ana@example.com --reason x --operator aisha --now --now --approved-by bo",
        ] {
            assert!(parse(line).is_err(), "{line}");
        }
    }
}
