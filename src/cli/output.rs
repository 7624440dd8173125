//! `-o` for the verbs that change objects (apply, create, replace, patch, delete): result
//! lines, `-o name`, or the returned objects as YAML or JSON.

use crate::apply::DryRun;
use crate::cli::{CliError, Ctx};
use serde_json::Value;

/// What a changing verb prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `deployment.apps/web created`.
    Lines,
    /// `deployment.apps/web`.
    Name,
    /// The returned objects as YAML.
    Yaml,
    /// The returned objects as JSON.
    Json,
}

impl Output {
    /// Parses `-o`.
    pub fn parse(o: Option<&str>) -> Result<Output, CliError> {
        match o {
            None | Some("") => Ok(Output::Lines),
            Some("name") => Ok(Output::Name),
            Some("yaml") => Ok(Output::Yaml),
            Some("json") => Ok(Output::Json),
            Some(other) => Err(CliError::message(format!(
                "unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml"
            ))),
        }
    }

    /// True when one line per object is printed as objects are processed.
    pub fn prints_lines(self) -> bool {
        matches!(self, Output::Lines | Output::Name)
    }

    /// One result line: `deployment.apps/web created (dry run)` or, with `-o name`,
    /// `deployment.apps/web`.
    pub fn result_line(self, slash_name: &str, verb: &str, dry_run: DryRun) -> String {
        match self {
            Output::Name => format!("{slash_name}\n"),
            _ => format!("{slash_name} {verb}{}\n", dry_run.suffix()),
        }
    }

    /// Prints the returned objects for `-o yaml|json` (one object, or a `List`).
    pub fn print_objects(self, ctx: &Ctx, mut objects: Vec<Value>) {
        if !matches!(self, Output::Yaml | Output::Json) || objects.is_empty() {
            return;
        }
        objects.iter_mut().for_each(crate::print::strip_managed_fields);
        let v = if objects.len() == 1 { objects.remove(0) } else { crate::print::as_list(objects) };
        ctx.io.out(&match self {
            Output::Yaml => crate::print::yaml::to_yaml(&v),
            _ => crate::print::json::to_json(&v),
        });
    }
}
