//! The CronJob controller: standard 5-field schedules (lists, ranges, steps, month and day
//! names) and the `@hourly`-style macros, evaluated in UTC on the injected clock; Jobs named
//! `<cronjob>-<minutes since the epoch>`; `concurrencyPolicy` Allow, Forbid and Replace;
//! `suspend`; `startingDeadlineSeconds`; history limits; `status.active`,
//! `lastScheduleTime` and `lastSuccessfulTime`.

use super::job::finished;
use super::util::{controller_uid, owner_ref, terminating};
use super::{ControllerError, Manager, str_at};
use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The event source of the CronJob controller.
pub const SOURCE: &str = "cronjob-controller";

/// A parsed schedule: the allowed values of each field.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    days: Vec<bool>,
    months: Vec<bool>,
    weekdays: Vec<bool>,
    day_star: bool,
    weekday_star: bool,
}

/// A schedule that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unparseable schedule {0:?}: {1}")]
pub struct ScheduleError(pub String, pub String);

fn field(s: &str, lo: u32, hi: u32, names: &[&str]) -> Result<Vec<bool>, String> {
    let mut out = vec![false; hi as usize + 1];
    let value = |v: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(v)) {
            return Ok(lo + i as u32);
        }
        v.parse::<u32>().map_err(|_| format!("invalid value {v:?}"))
    };
    for part in s.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, st)) => (r, st.parse::<u32>().map_err(|_| format!("invalid step {st:?}"))?),
            None => (part, 1),
        };
        if step == 0 {
            return Err("step of zero".into());
        }
        let (a, b) = if range == "*" || range == "?" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let a = value(range)?;
            (a, if part.contains('/') { hi } else { a })
        };
        if a < lo || b > hi || a > b {
            return Err(format!("value out of range in {part:?}"));
        }
        let mut v = a;
        while v <= b {
            out[v as usize] = true;
            v += step;
        }
    }
    Ok(out)
}

impl Schedule {
    /// Parses a 5-field schedule or a macro.
    pub fn parse(s: &str) -> Result<Schedule, ScheduleError> {
        let expanded = match s.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let f: Vec<&str> = expanded.split_whitespace().collect();
        if f.len() != 5 {
            return Err(ScheduleError(
                s.into(),
                format!("expected exactly 5 fields, found {}", f.len()),
            ));
        }
        let err = |e: String| ScheduleError(s.into(), e);
        const MONTHS: &[&str] =
            &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
        const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        Ok(Schedule {
            minutes: field(f[0], 0, 59, &[]).map_err(err)?,
            hours: field(f[1], 0, 23, &[]).map_err(err)?,
            days: field(f[2], 1, 31, &[]).map_err(err)?,
            months: field(f[3], 1, 12, MONTHS).map_err(err)?,
            weekdays: {
                // Sunday may be written 7.
                let mut w = field(f[4], 0, 7, DAYS).map_err(err)?;
                w[0] |= w[7];
                w
            },
            day_star: f[2] == "*" || f[2] == "?",
            weekday_star: f[4] == "*" || f[4] == "?",
        })
    }

    /// True when the schedule fires at minute `t`.
    pub fn matches(&self, t: DateTime<Utc>) -> bool {
        let dom = self.days[t.day() as usize];
        let dow = self.weekdays[t.weekday().num_days_from_sunday() as usize];
        // As cron: with both day fields restricted, either may match.
        let day = match (self.day_star, self.weekday_star) {
            (true, true) => true,
            (false, true) => dom,
            (true, false) => dow,
            (false, false) => dom || dow,
        };
        self.minutes[t.minute() as usize]
            && self.hours[t.hour() as usize]
            && self.months[t.month() as usize]
            && day
    }

    /// The most recent firing time in `(after, until]`, if any (searching at most a year
    /// of minutes).
    pub fn last_between(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let floor =
            |t: DateTime<Utc>| Utc.timestamp_opt(t.timestamp() - t.timestamp() % 60, 0).single();
        let mut t = floor(until)?;
        let stop = after.max(until - Duration::days(366));
        while t > stop {
            if self.matches(t) {
                return Some(t);
            }
            t -= Duration::minutes(1);
        }
        None
    }
}

fn parse_time(t: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc))
}

/// Syncs every CronJob.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let mut by_owner: HashMap<String, Vec<Arc<Value>>> = HashMap::new();
    for j in m.objects("batch", "jobs") {
        if let Some(uid) = controller_uid(&j) {
            by_owner.entry(uid.to_string()).or_default().push(j.clone());
        }
    }
    for cj in m.objects("batch", "cronjobs") {
        if terminating(&cj) {
            continue;
        }
        let jobs = by_owner.remove(str_at(&cj, "uid")).unwrap_or_default();
        sync_one(m, &cj, jobs)?;
    }
    Ok(())
}

fn job_ref(j: &Value) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "name": str_at(j, "name"),
        "namespace": str_at(j, "namespace"), "uid": str_at(j, "uid"), "resourceVersion": str_at(j, "resourceVersion")})
}

fn sync_one(m: &mut Manager, cj: &Value, jobs: Vec<Arc<Value>>) -> Result<(), ControllerError> {
    let now = m.now();
    let spec = &cj["spec"];
    let mut status = cj["status"].clone();
    if !status.is_object() {
        status = json!({});
    }
    let mut jobs: Vec<Arc<Value>> = jobs.into_iter().filter(|j| !terminating(j)).collect();
    // Finished jobs leave the active list; successful ones move lastSuccessfulTime.
    let previously_active: Vec<String> = status["active"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["name"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    for j in &jobs {
        if finished(j) && previously_active.iter().any(|n| n == str_at(j, "name")) {
            let kind = if j["status"]["conditions"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["type"] == "Complete" && c["status"] == "True"))
            {
                if let Some(t) = j["status"]["completionTime"].as_str() {
                    status["lastSuccessfulTime"] = json!(t);
                }
                "Complete"
            } else {
                "Failed"
            };
            m.event(
                cj,
                "Normal",
                "SawCompletedJob",
                &format!("Saw completed job: {}, condition: {kind}", str_at(j, "name")),
                SOURCE,
            );
        }
    }
    let suspended = spec["suspend"].as_bool() == Some(true);
    let schedule = match Schedule::parse(spec["schedule"].as_str().unwrap_or_default()) {
        Ok(s) => Some(s),
        Err(e) => {
            if status["active"].is_null()
                && cj["metadata"]["annotations"]["kctl.dev/unparseable"].is_null()
            {
                m.event(cj, "Warning", "UnparseableSchedule", &e.to_string(), SOURCE);
                let mut new = cj.clone();
                crate::object::meta::set_annotation(&mut new, "kctl.dev/unparseable", "true");
                m.update("batch", "cronjobs", cj, new)?;
            }
            None
        }
    };
    if let (Some(schedule), false) = (schedule, suspended) {
        let since = status["lastScheduleTime"]
            .as_str()
            .and_then(parse_time)
            .or_else(|| parse_time(str_at(cj, "creationTimestamp")))
            .unwrap_or(now);
        if let Some(t) = schedule.last_between(since, now) {
            let too_late = spec["startingDeadlineSeconds"]
                .as_i64()
                .is_some_and(|d| now > t + Duration::seconds(d));
            let active: Vec<&Arc<Value>> = jobs.iter().filter(|j| !finished(j)).collect();
            let policy = spec["concurrencyPolicy"].as_str().unwrap_or("Allow");
            if too_late {
                m.event(
                    cj,
                    "Warning",
                    "MissSchedule",
                    &format!(
                        "Missed scheduled time to start a job: {}",
                        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    ),
                    SOURCE,
                );
                status["lastScheduleTime"] = json!(crate::apiserver::clock::timestamp(t));
            } else if policy == "Forbid" && !active.is_empty() {
                // Skipped: the schedule is tried again while it is still within its deadline.
            } else {
                if policy == "Replace" {
                    for j in active {
                        let n = str_at(j, "name").to_string();
                        m.delete("batch", "jobs", str_at(j, "namespace"), &n)?;
                        m.event(
                            cj,
                            "Normal",
                            "SuccessfulDelete",
                            &format!("Deleted job {n}"),
                            SOURCE,
                        );
                    }
                    jobs.retain(|j| finished(j));
                }
                let name = format!("{}-{}", str_at(cj, "name"), t.timestamp() / 60);
                let tmpl = &spec["jobTemplate"];
                let mut meta = json!({"name": name, "namespace": str_at(cj, "namespace"),
                    "ownerReferences": [owner_ref(cj)],
                    "annotations": {"batch.kubernetes.io/cronjob-scheduled-timestamp": crate::apiserver::clock::timestamp(t)}});
                if let Some(l) = tmpl["metadata"]["labels"].as_object() {
                    meta["labels"] = json!(l);
                }
                if let Some(a) = tmpl["metadata"]["annotations"].as_object() {
                    for (k, v) in a {
                        meta["annotations"][k] = v.clone();
                    }
                }
                let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": tmpl["spec"]});
                if let Some(j) = m.create("batch", "jobs", job)? {
                    m.event(
                        cj,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("Created job {name}"),
                        SOURCE,
                    );
                    jobs.push(j);
                }
                status["lastScheduleTime"] = json!(crate::apiserver::clock::timestamp(t));
            }
        }
    }
    // History limits: the oldest finished jobs beyond the limits go.
    for (kind, limit) in [
        ("Complete", spec["successfulJobsHistoryLimit"].as_i64().unwrap_or(3)),
        ("Failed", spec["failedJobsHistoryLimit"].as_i64().unwrap_or(1)),
    ] {
        let mut done: Vec<&Arc<Value>> = jobs
            .iter()
            .filter(|j| {
                j["status"]["conditions"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c["type"] == kind && c["status"] == "True"))
            })
            .collect();
        done.sort_by_key(|j| {
            j["status"]["startTime"].as_str().unwrap_or_default().to_string() + str_at(j, "name")
        });
        let extra = done.len().saturating_sub(limit.max(0) as usize);
        for j in done.into_iter().take(extra) {
            let n = str_at(j, "name").to_string();
            m.delete("batch", "jobs", str_at(j, "namespace"), &n)?;
            m.event(cj, "Normal", "SuccessfulDelete", &format!("Deleted job {n}"), SOURCE);
        }
    }
    let mut live: Vec<Arc<Value>> = jobs.iter().filter(|j| !finished(j)).cloned().collect();
    live.retain(|j| m.cached("batch", "jobs", str_at(j, "namespace"), str_at(j, "name")).is_some());
    live.sort_by_key(|j| str_at(j, "name").to_string());
    if live.is_empty() {
        status.as_object_mut().map(|s| s.remove("active"));
    } else {
        status["active"] = Value::Array(live.iter().map(|j| job_ref(j)).collect());
    }
    if cj["status"] != status
        && let Some(cur) =
            m.cached("batch", "cronjobs", str_at(cj, "namespace"), str_at(cj, "name"))
    {
        let mut new = (*cur).clone();
        new["status"] = status;
        m.update("batch", "cronjobs", &cur, new)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        parse_time(s).unwrap()
    }

    #[test]
    fn schedules() {
        let s = Schedule::parse("*/15 9-17 * * mon-fri").unwrap();
        assert!(s.matches(at("2026-01-05T09:45:00Z")));
        assert!(!s.matches(at("2026-01-04T09:45:00Z")));
        assert!(!s.matches(at("2026-01-05T09:50:00Z")));
        let h = Schedule::parse("@hourly").unwrap();
        assert_eq!(
            h.last_between(at("2026-01-05T09:00:00Z"), at("2026-01-05T11:30:00Z")),
            Some(at("2026-01-05T11:00:00Z"))
        );
        assert_eq!(h.last_between(at("2026-01-05T11:00:00Z"), at("2026-01-05T11:30:00Z")), None);
        assert!(Schedule::parse("* * *").is_err());
        assert!(Schedule::parse("0 0 * * 7").unwrap().matches(at("2026-01-04T00:00:00Z")));
    }
}
