//! The command-line arguments (clap derive) and their one-line error messages.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Default of `--max-connections` (serve/net.rs).
pub const MAX_CONNECTIONS: usize = 512;
/// Default of `--max-connections-per-ip` (serve/net.rs).
pub const MAX_PER_ADDRESS: usize = 64;

const AFTER_HELP: &str = "\
Examples:
  eservqual report --instrument servqual --format gap responses.csv
  eservqual report --instrument servqual --output table responses.csv
  eservqual report --instrument e-s-qual --dimensions EFF,SYS,PRI responses.jsonl
  eservqual report --instrument my-instrument.json survey.csv
  eservqual sample --instrument servqual --format gap --respondents 300 --seed 7 --out shop.csv
  eservqual kano kano.csv
  eservqual serve --allow-origin https://shop.example --db responses.db

Exit status: 0 on success; 1 when a file cannot be read or written (no such file, a
directory, no permission); 2 for bad input or a bad argument, with one line naming the file,
the line and the field (and for a warning under report --strict).";

const REPORT_AFTER_HELP: &str = "\
FILE is a wide CSV (.csv: one row per respondent, columns such as id, TAN1.p, TAN1.e,
weight.TAN, nps, csat, ces, satisfaction, comment; an empty cell or NA is missing; the
separator, comma, semicolon or tab, is told by the header line) or JSON Lines (.jsonl: one
eservqual.response/1 payload per line, blank lines skipped; without --instrument, the first
payload's instrument, format and dimensions are read). Responses are de-duplicated by id; the
first one wins. A form's item column the CSV lacks, or a gap file without expectation
answers, is a warning on standard error (an error with --strict).

Examples:
  eservqual report --instrument servqual --format gap responses.csv
  eservqual report --instrument servqual --format gap --output table responses.csv
  eservqual report --instrument e-s-qual --dimensions EFF,SYS,PRI responses.jsonl
  eservqual report --instrument e-s-qual --from 2026-11-01 --to 2026-11-30 --compare 2026-10-01..2026-10-31 r.csv
  eservqual report --instrument e-s-qual --by meta.channel responses.csv

--from, --to and --compare filter on submitted_at (rows without it are left out); a date
alone starts at its midnight UTC, and as an end includes that whole date. --by meta.KEY reads
the CSV column meta.KEY or the payloads' meta.KEY. --compare and --by print JSON only
(docs/scoring.md §8).";

const SAMPLE_AFTER_HELP: &str = "\
The same instrument, format, respondents and seed always give the same bytes: submission
times are spread over the eight weeks before 2026-11-20, not taken from the clock.

Examples:
  eservqual sample --instrument servqual --format gap --respondents 300 --seed 7 --out shop.csv
  eservqual sample --instrument e-s-qual --respondents 1000000 --seed 1 > big.csv";

const KANO_AFTER_HELP: &str = "\
Each row is one respondent's answers to the functional (feature present) and dysfunctional
(feature absent) question of one feature. Prints per feature the counts of A, O, M, I, R, Q,
the category, Better, Worse and Fong's significance test. The separator (comma, semicolon or
tab) is told by the header line; header names and answers may be in any letter case.

Example:
  eservqual kano kano.csv";

/// Service-quality reports (E-S-QUAL, E-RecS-QUAL, SERVQUAL) from survey responses.
#[derive(Debug, Parser)]
#[command(name = "eservqual", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the aggregate report (JSON or a table) of a wide CSV or a JSONL file of payloads.
    #[command(after_help = REPORT_AFTER_HELP)]
    Report(ReportArgs),
    /// Write a reproducible synthetic wide CSV of shop customers.
    #[command(after_help = SAMPLE_AFTER_HELP)]
    Sample(SampleArgs),
    /// Kano categories of feature questions (an analyst option; JSON on stdout).
    #[command(after_help = KANO_AFTER_HELP)]
    Kano(KanoArgs),
    /// The reference collector: receive payloads over HTTP, store them, serve report and exports.
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Maintain the collector's per-day summaries, which /v1/report reads.
    #[command(subcommand)]
    Summaries(SummariesCommand),
}

#[derive(Debug, Subcommand)]
pub enum SummariesCommand {
    /// Recompute every summary from the stored responses, in one transaction (for a database
    /// made before summaries existed, or after a restore); collectors may keep running.
    #[command(after_help = "Examples:
  eservqual summaries rebuild --db responses.db
  eservqual summaries rebuild --database-url postgres://eservqual@db.internal/eservqual
  eservqual summaries rebuild --db responses.db --segment channel,device")]
    Rebuild(RebuildArgs),
}

/// `summaries rebuild`: the store, and the segment keys to sum.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The `meta` keys to sum segments of (as `serve --segment`; comma-separated or repeated)
    /// [default: the keys the stored summaries were made with]. `serve` rebuilds by itself at
    /// start when its --segment keys differ from those.
    #[arg(long = "segment", value_name = "KEYS", value_delimiter = ',')]
    pub segments: Option<Vec<String>>,
}

/// Which store, and the instruments its payloads use.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The SQLite database file [default: eservqual.db].
    #[arg(long, value_name = "PATH", conflicts_with = "database_url")]
    pub db: Option<PathBuf>,
    /// A database URL instead of --db (postgres://... or sqlite:PATH) [default:
    /// ESERVQUAL_DATABASE_URL when --db is not given].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// A custom instrument JSON file the collector accepts (repeatable: give the same as to
    /// serve, or its payloads are left out).
    #[arg(long = "instrument", value_name = "PATH")]
    pub instruments: Vec<PathBuf>,
}

const SERVE_AFTER_HELP: &str = "\
Routes: POST /v1/responses (browsers, no token); GET /v1/report?instrument=ID&format=F[&from=&to=]
[&compare=FROM..TO][&by=meta.KEY of a --segment key],
GET /v1/responses.jsonl, GET /v1/responses.csv?instrument=ID&format=F, GET /dashboard (admin
token: 'Authorization: Bearer TOKEN', or the cookie set by the one-time dashboard URL);
GET /healthz. The admin token comes from --admin-token-file, ESERVQUAL_ADMIN_TOKEN or
--admin-token (visible to other users in `ps`); without any, a random one is made for the run.
The dashboard URL printed at startup holds a one-time code (15 minutes) exchanged for an 8-hour
session cookie; POST /v1/session with the token gives a new one. Stops gracefully on SIGINT/SIGTERM.
Request logs go to standard error (ESERVQUAL_LOG=debug for more, =warn for less).

Examples:
  eservqual serve --allow-origin https://shop.example --db responses.db
  eservqual serve --addr 0.0.0.0:8787 --instrument food-delivery.json --allow-origin https://app.example
  eservqual serve --db demo.db --seed 400
  ESERVQUAL_DATABASE_URL=postgres://eservqual@db.internal/eservqual?sslmode=verify-full eservqual serve";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8787")]
    pub addr: std::net::SocketAddr,
    /// The SQLite database file (created when missing) [default: eservqual.db].
    #[arg(long, value_name = "PATH", conflicts_with = "database_url")]
    pub db: Option<PathBuf>,
    /// A database URL instead of --db: postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=..]
    /// or sqlite:PATH [default: ESERVQUAL_DATABASE_URL when --db is not given].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Most connections this collector opens to PostgreSQL [default: 10].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub pool_size: Option<u16>,
    /// An origin allowed to POST responses from browsers, e.g. https://shop.example (repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// The admin token (32 or more characters, 10 or more different; shows in `ps`: prefer
    /// --admin-token-file or ESERVQUAL_ADMIN_TOKEN) [default: random, for this run].
    #[arg(long, value_name = "TOKEN", conflicts_with = "admin_token_file")]
    pub admin_token: Option<String>,
    /// A file holding the admin token (surrounding white space ignored).
    #[arg(long, value_name = "PATH")]
    pub admin_token_file: Option<PathBuf>,
    /// A custom instrument JSON file whose payloads are accepted (repeatable).
    #[arg(long = "instrument", value_name = "PATH")]
    pub instruments: Vec<PathBuf>,
    /// Static files served at paths no route takes (never dotfiles, links out of DIR or
    /// DIR/dashboard); without it none are. The dashboard's files come from DIR/dashboard, else
    /// ./www/dashboard, else the repository's.
    #[arg(long, value_name = "DIR")]
    pub www: Option<PathBuf>,
    /// On an empty database, first store N synthetic e-s-qual responses of the last 8 weeks.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u32,
    /// Responses per second one client (IP address, or IPv6 /64) may send; 0 turns the limit off.
    #[arg(long, value_name = "PER_SECOND", default_value_t = 5.0)]
    pub rate_limit: f64,
    /// How many responses one client may send at once before --rate-limit applies.
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub rate_burst: u32,
    /// A reverse proxy (address or network, e.g. 10.0.0.0/8; repeatable) whose X-Forwarded-For /
    /// Forwarded / X-Forwarded-Proto are believed, for the rate limit, the logs and the Secure cookie.
    #[arg(long = "trust-proxy", value_name = "CIDR", num_args = 1..)]
    pub trust_proxy: Vec<String>,
    /// `meta` keys a report may be segmented by (`/v1/report?by=meta.KEY`), e.g. channel,device
    /// (comma-separated or repeated); keys not named here are not aggregated. Their segments are
    /// summed in the summaries, rebuilt at start when the keys differ from theirs.
    #[arg(long = "segment", value_name = "KEYS", value_delimiter = ',')]
    pub segments: Vec<String>,
    /// Send events to this URL, signed (Standard Webhooks); repeatable. Options follow the URL
    /// after `;`: `events=response.created,alerts` (default alerts), `filter=nps<=6,class=dissatisfied`
    /// (response.created only; every condition must hold), `format=json|slack`.
    #[arg(long = "webhook", value_name = "URL[;OPTIONS]")]
    pub webhooks: Vec<String>,
    /// The file holding the webhook signing secret (`whsec_` + base64, or any other text, used
    /// as is) [default: ESERVQUAL_WEBHOOK_SECRET].
    #[arg(long, value_name = "FILE")]
    pub webhook_secret_file: Option<PathBuf>,
    /// The body of alert events for webhooks without `format=`: json or slack.
    #[arg(long, value_name = "FORMAT", default_value = "json")]
    pub alert_format: String,
    /// Seconds one webhook request may take (connect, send, answer) before it counts as a timeout.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub webhook_timeout: f64,
    /// For tests only: multiplies every retry wait of webhook delivery (e.g. 0.001).
    #[arg(long, hide = true, default_value_t = 1.0)]
    pub webhook_retry_scale: f64,
    /// Seconds a client has to send a request's headers; a connection idle this long is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub header_timeout: f64,
    /// Seconds a request may take (its body included) before it is answered 408.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub request_timeout: f64,
    /// Open connections in all; more are closed at once.
    #[arg(long, value_name = "N", default_value_t = MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Open connections from one client address (a trusted proxy is exempt); more are closed at once.
    #[arg(long, value_name = "N", default_value_t = MAX_PER_ADDRESS)]
    pub max_connections_per_ip: usize,
}

#[derive(Debug, Args)]
pub struct KanoArgs {
    /// A CSV with the columns functional and dysfunctional (like, must-be, neutral, live-with,
    /// dislike), and optionally feature and id.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// The form a command reads or writes: instrument, format and the deployment's dimensions.
#[derive(Debug, Args)]
pub struct FormArgs {
    /// A built-in instrument (e-s-qual, e-recs-qual, servqual) or the path of a custom
    /// instrument JSON file [report of a .jsonl file: default the first payload's].
    #[arg(long, value_name = "ID|PATH")]
    pub instrument: Option<String>,
    /// perception, gap or zone [default: the instrument's default format]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The dimension set of a deployment that switched some dimensions off, e.g. EFF,SYS,PRI.
    #[arg(long, value_name = "CODES")]
    pub dimensions: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub form: FormArgs,
    /// json (the aggregate report) or table (for a person).
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
    /// Fail (exit 2) on what is otherwise a warning: an item column the CSV lacks, or a gap
    /// file without expectation answers.
    #[arg(long)]
    pub strict: bool,
    /// Only responses submitted at or after DATE (an RFC 3339 time, or YYYY-MM-DD: its midnight UTC).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only responses submitted before DATE (an RFC 3339 time; YYYY-MM-DD includes that whole date).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Compare with the base period FROM..TO (same date forms): adds a "compare" block.
    #[arg(long, value_name = "FROM..TO")]
    pub compare: Option<String>,
    /// Report every segment of the responses' meta.KEY, each against the rest: adds "segments".
    #[arg(long, value_name = "meta.KEY")]
    pub by: Option<String>,
    /// Count partial responses ("status": "partial" in a JSONL file) too; without it only complete
    /// ones count. The complete response of an id wins over its partial.
    #[arg(long)]
    pub include_partial: bool,
    /// The responses: FILE.csv (wide CSV) or FILE.jsonl (one payload per line).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// How `report` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Json,
    Table,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    #[command(flatten)]
    pub form: FormArgs,
    /// How many respondents (rows) to write.
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub respondents: u64,
    /// The seed: the same seed gives the same file.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// One line for a clap error (clap's own rendering spans several lines), e.g.
/// `invalid value 'x' for '--output <OUTPUT>' [possible values: json, table]; try --help`.
pub fn usage_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let mut parts: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("Usage:") || line.starts_with("For more information") {
            continue;
        }
        parts.push(line.strip_prefix("error: ").unwrap_or(line));
    }
    let mut out = parts.join(" ");
    out.push_str("; try 'eservqual --help'");
    out
}
