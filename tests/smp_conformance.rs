//! Conformance runner for the strategic merge patch engine.
//!
//! Reads every vectors file (`"format": "kctl-smp-conformance-vectors"`) in the directory
//! named by `KCTL_SMP_VECTORS` (default `../shared/conformance/smp`), runs every check of
//! every case with the OpenAPI v2 and the OpenAPI v3 schema, and then replays the
//! client-side apply scenarios of `KCTL_APPLY_VECTORS` (default
//! `../shared/conformance/apply`) through the three-way patch. Prints one line per failing
//! check and `N passed, M failed`; exits non-zero when a check failed.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kctl::patch::schema::{LookupPatchMeta, builtin, openapi_v2, openapi_v3};
use kctl::patch::{PatchError, merge, strategic};
use serde_json::{Map, Value};

fn main() {
    let mut tally = Tally::default();
    let smp_dir = env_dir("KCTL_SMP_VECTORS", "/../shared/conformance/smp");
    run_smp(&smp_dir, &mut tally);
    let apply_dir = env_dir("KCTL_APPLY_VECTORS", "/../shared/conformance/apply");
    run_apply(&apply_dir, &mut tally);
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed > 0 || tally.passed == 0 {
        std::process::exit(1);
    }
}

fn env_dir(var: &str, default: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(format!("{}{default}", env!("CARGO_MANIFEST_DIR"))),
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    fn record(&mut self, label: &str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.passed += 1,
            Err(why) => {
                self.failed += 1;
                println!("FAIL {label}: {why}");
            }
        }
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------
// SMP vectors

fn run_smp(dir: &Path, tally: &mut Tally) {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => return tally.record("smp", Err(format!("{}: {e}", dir.display()))),
    };
    files.sort();
    for file in files.iter().filter(|f| f.extension().is_some_and(|x| x == "json")) {
        match read_json(file) {
            Ok(doc) if doc["format"] == "kctl-smp-conformance-vectors" => {
                run_file(dir, &doc, tally)
            }
            Ok(_) => {}
            Err(e) => tally.record("smp", Err(e)),
        }
    }
}

type Metas = BTreeMap<(String, &'static str), Arc<dyn LookupPatchMeta>>;

fn load_schemas(dir: &Path, doc: &Value) -> Result<Metas, String> {
    let schema_dir = dir.join("schemas");
    let mut out = Metas::new();
    for (name, s) in doc["schemas"].as_object().into_iter().flatten() {
        let file = |key: &str| schema_dir.join(s[key].as_str().unwrap_or_default());
        let v2 = read_json(&file("openapiV2Strict"))?;
        let v2_root = s["openapiV2Root"].as_str().unwrap_or_default();
        let v2 = openapi_v2::from_document(&v2, v2_root).map_err(|e| format!("{name} v2: {e}"))?;
        let v3 = read_json(&file("openapiV3"))?;
        let v3_root = s["openapiV3Root"].as_str().unwrap_or_default();
        let v3 = openapi_v3::from_document(&v3, v3_root).map_err(|e| format!("{name} v3: {e}"))?;
        out.insert((name.clone(), "v2"), v2);
        out.insert((name.clone(), "v3"), v3);
    }
    Ok(out)
}

fn run_file(dir: &Path, doc: &Value, tally: &mut Tally) {
    let metas = match load_schemas(dir, doc) {
        Ok(m) => m,
        Err(e) => return tally.record("schemas", Err(e)),
    };
    for case in doc["cases"].as_array().into_iter().flatten() {
        for version in ["v2", "v3"] {
            let schema = case["schema"].as_str().unwrap_or_default().to_owned();
            let id = case["id"].as_str().unwrap_or("?");
            let Some(meta) = metas.get(&(schema.clone(), version)) else {
                tally.record(&format!("{id} [{version}]"), Err(format!("unknown schema {schema}")));
                continue;
            };
            Case { raw: case, meta: &**meta }.run(&format!("{id} [{version}]"), tally);
        }
    }
}

struct Case<'a> {
    raw: &'a Value,
    meta: &'a dyn LookupPatchMeta,
}

impl Case<'_> {
    fn doc(&self, key: &str) -> Result<Value, String> {
        let v = self.raw.get(key).cloned().unwrap_or_else(|| Value::Object(Map::new()));
        self.norm(v)
    }

    fn expected(&self, key: &str) -> Result<Option<Value>, String> {
        self.raw.get(key).cloned().map(|v| self.norm(v)).transpose()
    }

    fn norm(&self, v: Value) -> Result<Value, String> {
        if self.raw["normalize"] == true {
            strategic::sort_merge_lists(&v, self.meta).map_err(|e| format!("normalize: {e}"))
        } else {
            Ok(v)
        }
    }

    fn run(&self, label: &str, tally: &mut Tally) {
        let mut state = State::default();
        for check in self.raw["checks"].as_array().into_iter().flatten() {
            let check = check.as_str().unwrap_or_default();
            let outcome = self.check(check, &mut state);
            if outcome != Ok(Skip::Skipped) {
                tally.record(&format!("{label} {check}"), outcome.map(|_| ()));
            }
        }
    }

    fn check(&self, check: &str, state: &mut State) -> Result<Skip, String> {
        let (o, m, c) = (self.doc("original")?, self.doc("modified")?, self.doc("current")?);
        match check {
            "sortMergeLists" => {
                let got = strategic::sort_merge_lists(&self.raw["original"], self.meta)
                    .map_err(|e| e.to_string())?;
                same(&got, &self.raw["sorted"])
            }
            "createTwoWayPatch" => {
                let got = strategic::create_two_way(&o, &m, self.meta);
                self.created(got, "twoWay", "twoWayCreateError", &mut state.two_way_failed)
            }
            "applyTwoWayPatch" if state.two_way_failed => Ok(Skip::Skipped),
            "applyTwoWayPatch" => {
                let patch = self.expected("twoWay")?.unwrap_or_default();
                let got = strategic::apply(&o, &patch, self.meta);
                if let Some(err) = self.raw.get("expectedError") {
                    return expect_error(got, err, false);
                }
                let want = match self.expected("twoWayResult")? {
                    Some(v) => v,
                    None => m,
                };
                same(&got.map_err(|e| e.to_string())?, &want)
            }
            "threeWayConflict" => match strategic::create_three_way(&o, &m, &c, self.meta, false) {
                Err(e) if e.is_conflict() => Ok(Skip::Ran),
                Err(e) => Err(format!("expected a conflict, got error: {e}")),
                Ok(p) => Err(format!("expected a conflict, got patch {p}")),
            },
            "createThreeWayPatch" => {
                let got = strategic::create_three_way(&o, &m, &c, self.meta, false);
                self.created(got, "threeWay", "threeWayCreateError", &mut state.three_way_failed)
            }
            "createThreeWayPatchOverwrite" => {
                let got = strategic::create_three_way(&o, &m, &c, self.meta, true)
                    .map_err(|e| e.to_string())?;
                same(&got, &self.expected("threeWay")?.unwrap_or_default())
            }
            "applyThreeWayPatch" if state.three_way_failed => Ok(Skip::Skipped),
            "applyThreeWayPatch" => {
                let patch = self.expected("threeWay")?.unwrap_or_default();
                let got = strategic::apply(&c, &patch, self.meta).map_err(|e| e.to_string())?;
                same(&got, &self.expected("result")?.unwrap_or_default())
            }
            "applyPatchText" => {
                let text = |k: &str| self.raw[k].as_str().unwrap_or_default().to_owned();
                let got =
                    strategic::apply_text(&text("originalText"), &text("patchText"), self.meta);
                match got {
                    Err(e @ PatchError::BadJsonDocument { .. }) => {
                        expect_error(Err(e), &self.raw["expectedError"], true)
                    }
                    Err(e) => Err(format!("expected a bad JSON document error, got {e}")),
                    Ok(v) => Err(format!("expected an error, got {v}")),
                }
            }
            other => Err(format!("unknown check {other}")),
        }
    }

    /// A creation check, with the `unknownField` rules: a failure must be announced by
    /// `error_key`; a success must match `patch_key`.
    fn created(
        &self,
        got: Result<Value, PatchError>,
        patch_key: &str,
        error_key: &str,
        failed: &mut bool,
    ) -> Result<Skip, String> {
        match got {
            Err(e) => match self.raw.get(error_key) {
                Some(text) => {
                    *failed = true;
                    expect_error(Err(e), text, false)
                }
                None => Err(format!("creation failed: {e}")),
            },
            Ok(patch) => match self.expected(patch_key)? {
                Some(want) => same(&patch, &want),
                None => Err(format!("creation should have failed, got {patch}")),
            },
        }
    }
}

#[derive(Default)]
struct State {
    two_way_failed: bool,
    three_way_failed: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum Skip {
    Ran,
    Skipped,
}

fn expect_error(
    got: Result<Value, PatchError>,
    text: &Value,
    exact_tail: bool,
) -> Result<Skip, String> {
    let text = text.as_str().unwrap_or_default();
    match got {
        Ok(v) => Err(format!("expected error containing {text:?}, got {v}")),
        Err(e) if exact_tail && !e.to_string().ends_with(text) => {
            Err(format!("error {e:?} is not {text:?}"))
        }
        Err(e) if !e.to_string().contains(text) => {
            Err(format!("error {e} does not contain {text:?}"))
        }
        Err(_) => Ok(Skip::Ran),
    }
}

fn same(got: &Value, want: &Value) -> Result<Skip, String> {
    if json_eq(got, want) { Ok(Skip::Ran) } else { Err(format!("got {got}, want {want}")) }
}

/// JSON value equality; numbers compare by value, integers exactly.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(p), Some(q), _, _) => p == q,
                (_, _, Some(p), Some(q)) => p == q,
                _ if x.is_f64() || y.is_f64() => x.as_f64() == y.as_f64(),
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------------------
// Client-side apply scenarios recorded from kubectl

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn run_apply(dir: &Path, tally: &mut Tally) {
    let mut scenarios: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => {
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect()
        }
        Err(e) => return tally.record("apply", Err(format!("{}: {e}", dir.display()))),
    };
    scenarios.sort();
    for scenario in scenarios {
        let label = format!("apply/{}", scenario.file_name().unwrap_or_default().to_string_lossy());
        match apply_scenario(&scenario) {
            Ok(Skip::Skipped) => {}
            outcome => tally.record(&label, outcome.map(|_| ())),
        }
    }
}

fn apply_scenario(dir: &Path) -> Result<Skip, String> {
    let request = read_json(&dir.join("request.json"))?;
    let live = dir.join("live.json");
    let content_type = request["contentType"].as_str().unwrap_or_default();
    let patch_type = kctl::patch::PatchType::from_content_type(content_type);
    let strategic = patch_type == Some(kctl::patch::PatchType::Strategic);
    let merge = patch_type == Some(kctl::patch::PatchType::Merge);
    if request["method"] != "PATCH" || !(strategic || merge) || !live.exists() {
        return Ok(Skip::Skipped);
    }
    let want: Value = serde_json::from_str(request["body"].as_str().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    let current = read_json(&live)?;
    let original = match current["metadata"]["annotations"][LAST_APPLIED].as_str() {
        Some(text) => serde_json::from_str(text).map_err(|e| e.to_string())?,
        None => Value::Object(Map::new()),
    };
    let yaml = std::fs::read_to_string(dir.join("modified.yaml")).map_err(|e| e.to_string())?;
    let mut modified: Value = serde_saphyr::from_str(&yaml).map_err(|e| e.to_string())?;
    let annotation = want["metadata"]["annotations"][LAST_APPLIED].clone();
    set_annotation(&mut modified, annotation)?;
    default_namespace(&mut modified, &current);
    let got = if strategic {
        let (group, version) =
            split_api_version(modified["apiVersion"].as_str().unwrap_or_default());
        let kind = modified["kind"].as_str().unwrap_or_default();
        let meta = builtin::for_kind(group, version, kind)
            .ok_or(format!("no built-in metadata for {kind}"))?;
        strategic::create_three_way(&original, &modified, &current, &*meta, true)
            .map_err(|e| e.to_string())?
    } else {
        merge::create_three_way(&original, &modified, &current).map_err(|e| e.to_string())?
    };
    same(&got, &want)
}

fn set_annotation(modified: &mut Value, annotation: Value) -> Result<(), String> {
    let meta = modified
        .as_object_mut()
        .ok_or("manifest is not an object")?
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let annotations = meta
        .as_object_mut()
        .ok_or("metadata is not an object")?
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    match annotations {
        Value::Object(a) => {
            a.insert(LAST_APPLIED.to_owned(), annotation);
            Ok(())
        }
        _ => Err("annotations is not an object".to_owned()),
    }
}

/// kubectl sets the namespace of a namespaced object from its context before diffing.
fn default_namespace(modified: &mut Value, live: &Value) {
    let Some(ns) = live["metadata"]["namespace"].as_str() else { return };
    if let Some(meta) = modified.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.entry("namespace").or_insert_with(|| Value::String(ns.to_owned()));
    }
}

fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}
