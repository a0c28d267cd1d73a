//! The `eservqual` command line: parse the arguments, run the command, print one line on error.

use clap::Parser;
use eservqual_server::cli::{usage_line, Cli, Command};
use eservqual_server::{run_kano, run_report, run_sample};
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            use clap::error::ErrorKind;
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = err.print();
                return if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            let _ = writeln!(io::stderr(), "eservqual: {}", usage_line(&err));
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout().lock();
    let result = match &cli.command {
        Command::Report(args) => run_report(args, stdout),
        Command::Sample(args) => run_sample(args, stdout),
        Command::Kano(args) => run_kano(args, stdout),
        Command::Serve(args) => {
            drop(stdout);
            eservqual_server::serve::run(args)
        }
        Command::Summaries(eservqual_server::cli::SummariesCommand::Rebuild(args)) => {
            eservqual_server::serve::rebuild_summaries(args, stdout)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`eservqual sample | head`) is not a failure worth a message.
        Err(eservqual_server::error::Error::ClosedOutput) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr(), "{err}");
            ExitCode::from(err.exit_code())
        }
    }
}
