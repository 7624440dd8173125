//! Table printers of batch/v1: jobs (STATUS, COMPLETIONS, DURATION) and cron jobs.

use super::{
    AGE, CONTAINERS, Col, Ctx, IMAGES, NAME, Printer, containers, format_selector, int, name,
    parse_time, s,
};
use crate::apiserver::clock::human_duration;
use serde_json::{Value, json};

const JOB_SPEC: &str = "io.k8s.api.batch.v1.JobSpec";
const CRONJOB_SPEC: &str = "io.k8s.api.batch.v1.CronJobSpec";
const CRONJOB_STATUS: &str = "io.k8s.api.batch.v1.CronJobStatus";

/// The printer of a batch/v1 kind.
pub fn printer(kind: &str) -> Option<Printer> {
    Some(match kind {
        "Job" => Printer { columns: JOB_COLUMNS, row: job },
        "CronJob" => Printer { columns: CRONJOB_COLUMNS, row: cron_job },
        _ => return None,
    })
}

const JOB_COLUMNS: &[Col] = &[
    NAME,
    Col::text("Status", "Status of the job."),
    Col::field("Completions", "io.k8s.api.batch.v1.JobStatus", "succeeded"),
    Col::text("Duration", "Time required to complete the job."),
    AGE,
    CONTAINERS,
    IMAGES,
    Col::field("Selector", JOB_SPEC, "selector").wide(),
];

/// The first condition of the type is True.
fn condition(o: &Value, ty: &str) -> bool {
    o["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| s(&c["type"]) == ty)
        .is_some_and(|c| s(&c["status"]) == "True")
}

fn job(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let (spec, st) = (&o["spec"], &o["status"]);
    let succeeded = int(&st["succeeded"]);
    let completions = match spec["completions"].as_i64() {
        Some(c) => format!("{succeeded}/{c}"),
        None => match int(&spec["parallelism"]) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (parse_time(&st["startTime"]), parse_time(&st["completionTime"])) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(ctx.now - start),
        (Some(start), Some(done)) => human_duration(done - start),
    };
    let status = if condition(o, "Complete") {
        "Complete"
    } else if condition(o, "Failed") {
        "Failed"
    } else if o["metadata"]["deletionTimestamp"].is_string() {
        "Terminating"
    } else if condition(o, "Suspended") {
        "Suspended"
    } else if condition(o, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let [names, images] = containers(&spec["template"]["spec"]);
    vec![
        name(o),
        json!(status),
        json!(completions),
        json!(duration),
        ctx.age(o),
        names,
        images,
        json!(format_selector(&spec["selector"])),
    ]
}

const CRONJOB_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Schedule", CRONJOB_SPEC, "schedule"),
    Col::field("Timezone", CRONJOB_SPEC, "timeZone"),
    Col::field("Suspend", CRONJOB_SPEC, "suspend").boolean(),
    Col::field("Active", CRONJOB_STATUS, "active").int(),
    Col::field("Last Schedule", CRONJOB_STATUS, "lastScheduleTime"),
    AGE,
    CONTAINERS,
    IMAGES,
    Col::field("Selector", JOB_SPEC, "selector").wide(),
];

fn cron_job(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let (spec, st) = (&o["spec"], &o["status"]);
    let last = if st["lastScheduleTime"].is_string() {
        ctx.since(&st["lastScheduleTime"])
    } else {
        "<none>".into()
    };
    let suspend = match spec["suspend"].as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let job_spec = &spec["jobTemplate"]["spec"];
    let [names, images] = containers(&job_spec["template"]["spec"]);
    vec![
        name(o),
        json!(s(&spec["schedule"])),
        json!(spec["timeZone"].as_str().unwrap_or("<none>")),
        json!(suspend),
        json!(st["active"].as_array().map_or(0, Vec::len)),
        json!(last),
        ctx.age(o),
        names,
        images,
        json!(format_selector(&job_spec["selector"])),
    ]
}
