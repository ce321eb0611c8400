//! The results file (issue 11): every experiment run on every seed in every condition,
//! aggregated over seeds, with each claim's verdict.
//!
//! The aggregation knows nothing of any experiment: it walks the JSON trees the runs return.
//! `summary` turns every number into an estimate over seeds ({mean, ci, per_seed}),
//! `stream_minus_hierarchy` does the same with the paired difference wherever an output has a
//! "stream" and a "hierarchy" subtree. The runner spreads the (condition, seed, experiment)
//! runs over threads; each run depends only on its models, seed and size, so the results do
//! not depend on how many threads ran them.

use super::{judged, run, stats, verdict, Condition, Experiment, Failure, Models, Size};
use crate::variant::Variant;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Arrays holding more numbers than this are left out of the summaries (maps, curves): the
/// figures draw them from one seed's output, and a summary of each would swamp the file.
pub const MAX_SUMMARISED: usize = 64;

/// How many numbers an array holds, if it holds only numbers and nulls (at any depth of
/// nested arrays); None if it holds an object, a string or a bool.
fn numbers_in(v: &Value) -> Option<usize> {
    match v {
        Value::Number(_) => Some(1),
        Value::Null => Some(0),
        Value::Array(a) => a.iter().map(numbers_in).sum(),
        _ => None,
    }
}

/// The runs' trees aggregated over seeds: each number becomes its estimate (mean, 95 %
/// bootstrap interval, value per seed), arrays are aggregated element by element (those of
/// more than [`MAX_SUMMARISED`] numbers are left out), objects key by key, strings and bools
/// are kept when equal at every seed. Whatever differs in shape between seeds is left out.
/// None when nothing is left.
pub fn summary(runs: &[&Value]) -> Option<Value> {
    let first = *runs.first()?;
    match first {
        Value::Number(_) => {
            let xs: Option<Vec<f64>> = runs.iter().map(|v| v.as_f64()).collect();
            xs.map(|xs| stats::estimate(&xs).to_json())
        }
        Value::Null | Value::String(_) | Value::Bool(_) => runs.iter().all(|v| *v == first).then(|| first.clone()),
        Value::Array(a) => {
            if numbers_in(first).is_some_and(|n| n > MAX_SUMMARISED) {
                return None;
            }
            let arrays: Option<Vec<&Vec<Value>>> = runs.iter().map(|v| v.as_array()).collect();
            let arrays = arrays.filter(|arrays| arrays.iter().all(|b| b.len() == a.len()))?;
            let items = (0..a.len())
                .map(|i| summary(&arrays.iter().map(|b| &b[i]).collect::<Vec<_>>()).unwrap_or(Value::Null))
                .collect();
            Some(Value::Array(items))
        }
        Value::Object(o) => {
            let mut out = Map::new();
            for key in o.keys() {
                let values: Option<Vec<&Value>> = runs.iter().map(|v| v.get(key)).collect();
                if let Some(s) = values.and_then(|values| summary(&values)) {
                    out.insert(key.clone(), s);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
    }
}

/// a − b at every number the two trees share in the same place (objects key by key, arrays
/// of equal length element by element); strings, bools and mismatches drop out.
fn difference(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(json!(x.as_f64()? - y.as_f64()?)),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            Some(Value::Array(x.iter().zip(y).map(|(x, y)| difference(x, y).unwrap_or(Value::Null)).collect()))
        }
        (Value::Object(x), Value::Object(y)) => {
            let out: Map<String, Value> =
                x.iter().filter_map(|(k, xv)| Some((k.clone(), difference(xv, y.get(k)?)?))).collect();
            (!out.is_empty()).then_some(Value::Object(out))
        }
        _ => None,
    }
}

/// The paired difference stream − hierarchy over seeds, wherever the runs' trees have a
/// "stream" and a "hierarchy" subtree: at such an object, the summary of the per-seed
/// differences of the two subtrees (the estimate of a − b seed by seed is `stats::paired`);
/// pairs deeper down appear under their own keys beside it. None if there is no pair.
pub fn stream_minus_hierarchy(runs: &[&Value]) -> Option<Value> {
    let first = runs.first()?.as_object()?;
    let mut out = Map::new();
    let pairs: Option<Vec<Value>> = runs.iter().map(|v| difference(v.get("stream")?, v.get("hierarchy")?)).collect();
    if let Some(Value::Object(d)) = pairs.and_then(|p| summary(&p.iter().collect::<Vec<_>>())) {
        out = d;
    }
    for key in first.keys().filter(|k| *k != "stream" && *k != "hierarchy") {
        let values: Option<Vec<&Value>> = runs.iter().map(|v| v.get(key)).collect();
        if let Some(d) = values.and_then(|values| stream_minus_hierarchy(&values)) {
            out.entry(key.clone()).or_insert(d);
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub seeds: Vec<u64>,
    pub size: Size,
    pub conditions: Vec<Condition>,
    /// Run only these (every experiment by default); a condition still skips those it does not run.
    pub experiments: Vec<Experiment>,
    /// Only this shard's runs (for spreading one plan over machines); None: all of them.
    pub shard: Option<Shard>,
    /// How the stations read and write (issue 24): the shipped models, or a variant's pair.
    pub variant: Variant,
}

/// Shard `k` of `n` (k from 1): the runs whose place in the plan's fixed order is k − 1 modulo
/// n. Every run is in exactly one shard, and the shards' kept outputs merge into the results
/// one machine would have made ([`missing_runs`] says what a merge still lacks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// "K/N" with 1 ≤ K ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("a shard is K/N with 1 <= K <= N, got {s:?}");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n) = (k.parse::<usize>().map_err(|_| bad())?, n.parse::<usize>().map_err(|_| bad())?);
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Plan {
    /// Every experiment in every condition.
    pub fn new(seeds: Vec<u64>, size: Size) -> Self {
        Plan {
            seeds,
            size,
            conditions: Condition::ALL.to_vec(),
            experiments: Experiment::ALL.to_vec(),
            shard: None,
            variant: Variant::SHIPPED,
        }
    }
    /// Every experiment on a variant's pair (issue 24), for the claims × variants comparison:
    /// its trained and untrained models ([`super::Models::of_variant`]), the shipped variant
    /// too, so that every column of the comparison is judged in the same conditions; P1 is
    /// judged in a column only where [`Plan::with_retina_control`] adds the retina control.
    pub fn for_variant(seeds: Vec<u64>, size: Size, variant: Variant) -> Self {
        Plan { conditions: vec![Condition::Trained, Condition::Untrained], variant, ..Plan::new(seeds, size) }
    }
    /// The same with the retina control and its untrained control, where the variant's
    /// retina-control pair was trained ([`super::has_retina_control`]): P1 is judged there.
    pub fn with_retina_control(mut self) -> Self {
        self.conditions.extend([Condition::RetinaControl, Condition::UntrainedRetina]);
        self
    }
    /// The runs, in a fixed order: condition, then experiment, then seed (only the shard's,
    /// where the plan has one).
    pub fn runs(&self) -> Vec<(Condition, Experiment, u64)> {
        let mut out = Vec::new();
        for &c in &self.conditions {
            for e in c.experiments().into_iter().filter(|e| self.experiments.contains(e)) {
                out.extend(self.seeds.iter().map(|&s| (c, e, s)));
            }
        }
        match self.shard {
            Some(Shard { k, n }) => {
                out.into_iter().enumerate().filter(|(i, _)| i % n == k - 1).map(|(_, r)| r).collect()
            }
            None => out,
        }
    }
}

/// The kept outputs a merge of `plan` from `dir` still lacks (by path): every run of the plan
/// that no shard has kept there at this size.
pub fn missing_runs(plan: &Plan, dir: &Path) -> Vec<PathBuf> {
    let all = Plan { shard: None, ..plan.clone() };
    all.runs()
        .into_iter()
        .map(|(c, e, s)| (reuse_path(dir, c, e, s), e, s))
        .filter(|(p, e, s)| reused(p, *e, *s, plan.size).is_none())
        .map(|(p, _, _)| p)
        .collect()
}

/// One finished run, as the runner reports it.
pub struct Done {
    pub condition: Condition,
    pub experiment: Experiment,
    pub seed: u64,
    pub seconds: f32,
    /// Read from the reuse directory instead of run.
    pub reused: bool,
}

/// Every run's output: (condition, experiment) → one output per seed, in the plan's seed order.
pub type Outputs = BTreeMap<(Condition, Experiment), Vec<Value>>;

/// Where a run's output is kept for reuse: DIR/CONDITION/seed-N/NAME.json.
pub fn reuse_path(dir: &Path, c: Condition, e: Experiment, seed: u64) -> PathBuf {
    dir.join(c.name()).join(format!("seed-{seed}")).join(format!("{}.json", e.name()))
}

/// A kept output, if it is one of this run (same experiment, seed and size).
fn reused(path: &Path, e: Experiment, seed: u64, size: Size) -> Option<Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let same = v["experiment"] == e.name() && v["seed"] == seed && v["size"] == size.pick("quick", "full");
    same.then_some(v)
}

fn keep(path: &Path, v: &Value) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::Missing(format!("cannot write {}: {e}", path.display()));
    std::fs::create_dir_all(path.parent().expect("a reuse path has a directory")).map_err(fail)?;
    // Written beside and renamed, so an interrupted run never leaves half a file to reuse.
    let part = path.with_extension("json.part");
    std::fs::write(&part, serde_json::to_string(v).expect("JSON values serialise") + "\n").map_err(fail)?;
    std::fs::rename(&part, path).map_err(fail)
}

/// Runs the plan on `jobs` threads. `models` gives each (condition, seed)'s models; all are
/// made before any run starts, so a missing file stops the run at once. With `reuse`, each
/// run's output is kept there and read back instead of run again when present. `report` is
/// called as each run finishes.
pub fn run_all(
    plan: &Plan,
    models: &dyn Fn(Condition, u64) -> Result<Models, Failure>,
    jobs: usize,
    reuse: Option<&Path>,
    report: &(dyn Fn(&Done) + Sync),
) -> Result<Outputs, Failure> {
    let runs = plan.runs();
    let mut loaded: BTreeMap<(Condition, u64), Models> = BTreeMap::new();
    for &(c, _, s) in &runs {
        if let std::collections::btree_map::Entry::Vacant(slot) = loaded.entry((c, s)) {
            slot.insert(models(c, s)?);
        }
    }
    let results: Mutex<Vec<Option<Result<Value, Failure>>>> = Mutex::new(vec![None; runs.len()]);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1).min(runs.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(&(c, e, s)) = runs.get(i) else { break };
                let start = Instant::now();
                let path = reuse.map(|d| reuse_path(d, c, e, s));
                let kept = path.as_deref().and_then(|p| reused(p, e, s, plan.size));
                let was_kept = kept.is_some();
                let out = match kept {
                    Some(v) => Ok(v),
                    None => run(e, &loaded[&(c, s)], s, plan.size, &mut |_| true)
                        .and_then(|v| path.as_deref().map_or(Ok(()), |p| keep(p, &v)).map(|_| v)),
                };
                let failed = out.is_err();
                results.lock().expect("no run panics while holding the lock")[i] = Some(out);
                report(&Done {
                    condition: c,
                    experiment: e,
                    seed: s,
                    seconds: secs(start.elapsed()),
                    reused: was_kept,
                });
                if failed {
                    // Let the other threads finish what they hold, and start nothing new.
                    next.store(runs.len(), Ordering::SeqCst);
                }
            });
        }
    });
    let results = results.into_inner().expect("the threads are done");
    if let Some(Err(e)) = results.iter().flatten().find(|r| r.is_err()) {
        return Err(e.clone());
    }
    let mut out = Outputs::new();
    for ((c, e, _), r) in runs.iter().zip(results) {
        let v = r.expect("with no failure every run was taken").expect("no failure");
        out.entry((*c, *e)).or_default().push(v);
    }
    Ok(out)
}

fn secs(d: Duration) -> f32 {
    d.as_secs_f32()
}

/// One condition's aggregate: its summary and its paired differences.
fn aggregate(runs: &[Value]) -> Value {
    let refs: Vec<&Value> = runs.iter().collect();
    json!({ "summary": summary(&refs), "stream_minus_hierarchy": stream_minus_hierarchy(&refs) })
}

/// The results file: the seeds, the size, each claim's verdict and each experiment's entry
/// (seed 1's trained output as "example", the trained aggregate, the controls' aggregates).
pub fn results(plan: &Plan, outputs: &Outputs) -> Value {
    let none: Vec<Value> = Vec::new();
    let get = |c: Condition, e: Experiment| outputs.get(&(c, e)).unwrap_or(&none);
    let mut verdicts = Map::new();
    let mut experiments = Map::new();
    for &e in Experiment::ALL {
        let trained = get(Condition::Trained, e);
        if trained.is_empty() {
            continue;
        }
        let mut entry = Map::new();
        let first = plan.seeds.iter().position(|&s| s == 1).unwrap_or(0);
        entry.insert("example".into(), trained[first].clone());
        let refs: Vec<&Value> = trained.iter().collect();
        entry.insert("summary".into(), summary(&refs).unwrap_or(Value::Null));
        entry.insert("stream_minus_hierarchy".into(), stream_minus_hierarchy(&refs).unwrap_or(Value::Null));
        for c in [Condition::Untrained, Condition::RetinaControl, Condition::UntrainedRetina] {
            let runs = get(c, e);
            if !runs.is_empty() {
                entry.insert(c.name().into(), aggregate(runs));
            }
        }
        entry.insert("claim".into(), e.claim_id().into());
        let runs = verdict::Runs {
            seeds: &plan.seeds,
            trained,
            untrained: get(Condition::Untrained, e),
            retina: get(Condition::RetinaControl, e),
            untrained_retina: get(Condition::UntrainedRetina, e),
        };
        let mut verdict = judged(e, &runs);
        // Stochastic depth trains every station to be bypassed, so its lesion result is built
        // in by training, not a property of the stream (data/preregistration.json, usage_index).
        if plan.variant.stochastic_depth && e == Experiment::Lesion {
            verdict["word"] = "not judged".into();
            verdict["reason"] = STOCHASTIC_DEPTH_LESION.into();
        }
        // The other trainings of the pair (narrow streams, edge task off): each aggregated
        // under its own name with its untrained control of the same width, and judged by the
        // same claim and rule, beside the main verdict (which they leave as it is).
        let mut conditions = Map::new();
        for c in Condition::VARIANTS {
            let runs = get(c, e);
            if runs.is_empty() {
                continue;
            }
            let control = get(c.control(), e);
            let mut aggregated = aggregate(runs);
            if !control.is_empty() {
                aggregated["untrained"] = aggregate(control);
            }
            entry.insert(c.name().into(), aggregated);
            let runs = verdict::Runs {
                seeds: &plan.seeds,
                trained: runs,
                untrained: control,
                retina: &[],
                untrained_retina: &[],
            };
            conditions.insert(c.name().into(), judged(e, &runs));
        }
        if !conditions.is_empty() {
            verdict["conditions"] = Value::Object(conditions);
        }
        verdicts.insert(e.claim_id().into(), verdict);
        experiments.insert(e.name().into(), Value::Object(entry));
    }
    json!({
        "seeds": plan.seeds,
        "size": plan.size.pick("quick", "full"),
        "variant": plan.variant.name(),
        "interval_method": stats::INTERVAL_METHOD,
        "preregistration_sha256": super::preregistration::sha256(),
        "verdicts": verdicts,
        "experiments": experiments,
    })
}

/// Why a stochastic-depth variant's LE is not judged.
pub const STOCHASTIC_DEPTH_LESION: &str =
    "this variant was trained with stations dropped at random, so it retains accuracy with a station bypassed by training";

/// The keys issue 24 adds to the shipped results file, from the usage index (`ventral-stream
/// usage`) and each variant's own results file (`ventral-stream experiments --variant NAME`),
/// given as (variant, file): the variants, their usage index, each hierarchy twin's bypass
/// retention, the primary test bed the index chose, the seeds each variant's claims were judged on, and `by_variant`, each claim's
/// word, paired stream − hierarchy effect and positive control's word on each variant.
pub fn by_variant(usage: &Value, files: &[(String, Value)]) -> Result<Map<String, Value>, String> {
    let mut seeds = Map::new();
    let mut words = Map::new();
    for (variant, file) in files {
        // A file written before the variants existed holds the shipped models.
        let holds = file["variant"].as_str().unwrap_or(Variant::SHIPPED.name());
        if holds != variant {
            return Err(format!("the results file given for {variant} holds the {holds} variant"));
        }
        let verdicts = file["verdicts"].as_object().ok_or_else(|| format!("{variant}'s results have no verdicts"))?;
        let claims: Map<String, Value> = verdicts
            .iter()
            .map(|(claim, v)| {
                let kept = json!({
                    "word": v["word"],
                    "paired": v["paired"],
                    "positive_control": v["positive_control"]["word"],
                    "reason": v["reason"],
                });
                (claim.clone(), kept)
            })
            .collect();
        seeds.insert(variant.clone(), file["seeds"].clone());
        words.insert(variant.clone(), Value::Object(claims));
    }
    let mut out = Map::new();
    out.insert("variants".into(), usage["variants"].clone());
    out.insert("usage".into(), usage["usage"].clone());
    // Each variant's hierarchy twin's bypass retention: the one component defined in both wirings.
    out.insert("hierarchy_twins".into(), usage["hierarchy_twins"].clone());
    out.insert("primary".into(), usage["primary"].clone());
    // Beside the index, never in it: a columns variant's accuracy with one column silenced.
    if let Some(c) = usage.get("column_retention") {
        out.insert("column_retention".into(), c.clone());
    }
    out.insert("seeds_by_variant".into(), Value::Object(seeds));
    out.insert("by_variant".into(), Value::Object(words));
    Ok(out)
}

/// A results file made before its verdicts' plan, judged again under the current plan and rule
/// from the numbers it stores, without rerunning anything: every estimate ({mean, ci, per_seed})
/// is recomputed from its per-seed values by [`stats::estimate`], and every verdict (and each
/// condition's beside it) from its effect, null and untrained per-seed values. The file then says
/// so in `judged_after_measuring`, since its measures ran before the plan was written.
pub fn rejudge(whole: &Value) -> Result<Value, String> {
    let mut out = whole.clone();
    reestimate(&mut out);
    let verdicts = out["verdicts"].as_object_mut().ok_or("the results file has no \"verdicts\" object")?;
    for (id, v) in verdicts.iter_mut() {
        *v = rejudge_one(id, v)?;
        if let Some(Value::Object(conditions)) = whole["verdicts"][id].get("conditions") {
            let mut again = Map::new();
            for (key, c) in conditions {
                again.insert(key.clone(), rejudge_one(id, c).map_err(|e| format!("{id}, {key}: {e}"))?);
            }
            v["conditions"] = Value::Object(again);
        }
    }
    out["interval_method"] = stats::INTERVAL_METHOD.into();
    out["preregistration_sha256"] = super::preregistration::sha256().into();
    out["judged_after_measuring"] = "The measures in this file ran before data/preregistration.json was written; \
their intervals and verdicts were computed again from the stored per-seed numbers under it (ventral-stream rejudge)."
        .into();
    Ok(out)
}

/// Every {mean, ci, per_seed} in `v`, recomputed from its per-seed values.
fn reestimate(v: &mut Value) {
    match v {
        Value::Object(o) => {
            let per_seed: Option<Vec<f64>> =
                o.get("per_seed").and_then(Value::as_array).and_then(|a| a.iter().map(Value::as_f64).collect());
            match per_seed {
                Some(xs) if o.len() == 3 && o.contains_key("mean") && o.contains_key("ci") && !xs.is_empty() => {
                    *v = stats::estimate(&xs).to_json();
                }
                _ => o.values_mut().for_each(reestimate),
            }
        }
        Value::Array(a) => a.iter_mut().for_each(reestimate),
        _ => {}
    }
}

fn per_seed(v: &Value, key: &str) -> Result<Vec<f64>, String> {
    v[key]["per_seed"]
        .as_array()
        .and_then(|a| a.iter().map(Value::as_f64).collect())
        .ok_or_else(|| format!("no per-seed numbers at {key:?}"))
}

fn rejudge_one(id: &str, v: &Value) -> Result<Value, String> {
    let e =
        Experiment::ALL.iter().copied().find(|e| e.claim_id() == id).ok_or_else(|| format!("{id} is not a claim"))?;
    let control = match v.get("untrained") {
        Some(Value::Null) | None => None,
        Some(_) => {
            let c = per_seed(v, "untrained")?;
            let zeros = vec![0.0; c.len()];
            Some((c, zeros))
        }
    };
    let c = verdict::Claim {
        id: e.claim_id(),
        says: "",
        measure: v["measure"].as_str().unwrap_or_default().to_string(),
        effect: per_seed(v, "effect")?,
        null: per_seed(v, "null")?,
        control,
    };
    let mut judged = c.to_json(None);
    judged["says"] = v["says"].clone();
    // The stored measure predates the plan's definition of it: whether it is a paired
    // stream − hierarchy difference is what its own `measure` text says, not the plan.
    judged["paired"] = Value::Null;
    Ok(judged)
}

/// The split files the page loads: NAME.json = {seeds, size, verdict, ...the experiment's
/// entry} for each experiment, and index.json naming them. Refuses a file of another shape.
pub fn split(whole: &Value) -> Result<Vec<(String, Value)>, String> {
    let experiments = whole["experiments"].as_object().ok_or("the results file has no \"experiments\" object")?;
    let mut files = Vec::new();
    for (name, entry) in experiments {
        let e = Experiment::parse(name).map_err(|_| format!("{name:?} is not an experiment"))?;
        let Value::Object(entry) = entry else { return Err(format!("{name}: not an object")) };
        let mut file = Map::new();
        file.insert("seeds".into(), whole["seeds"].clone());
        file.insert("size".into(), whole["size"].clone());
        file.insert("verdict".into(), whole["verdicts"].get(e.claim_id()).cloned().unwrap_or(Value::Null));
        file.extend(entry.clone());
        files.push((format!("{name}.json"), Value::Object(file)));
    }
    let names: Vec<&String> = experiments.keys().collect();
    let mut index = json!({ "experiments": names });
    // The variants' words are small and Table 1 reads them at once (issue 24): they ride in
    // the index rather than in any one experiment's file.
    for key in ["variants", "usage", "hierarchy_twins", "column_retention", "primary", "seeds_by_variant", "by_variant"]
    {
        if let Some(v) = whole.get(key) {
            index[key] = v.clone();
        }
    }
    files.push(("index.json".into(), index));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds(trees: &[Value]) -> Vec<&Value> {
        trees.iter().collect()
    }

    #[test]
    fn every_number_becomes_its_estimate_over_seeds() {
        let runs = [
            json!({"acc": 0.5, "rows": [1, 2], "name": "a", "ok": true, "seed": 1}),
            json!({"acc": 0.7, "rows": [3, 4], "name": "a", "ok": true, "seed": 2}),
            json!({"acc": 0.6, "rows": [5, 6], "name": "a", "ok": true, "seed": 3}),
        ];
        let s = summary(&seeds(&runs)).unwrap();
        assert!((s["acc"]["mean"].as_f64().unwrap() - 0.6).abs() < 1e-12);
        assert_eq!(s["acc"]["per_seed"], json!([0.5, 0.7, 0.6]));
        // The Student-t interval of 0.5, 0.7, 0.6: 0.6 ± 4.303 · 0.1 / √3.
        let half = 4.302_652_73 * 0.1 / 3f64.sqrt();
        let ci = &s["acc"]["ci"];
        assert!(
            (ci[0].as_f64().unwrap() - (0.6 - half)).abs() < 1e-6
                && (ci[1].as_f64().unwrap() - (0.6 + half)).abs() < 1e-6
        );
        assert_eq!(s["rows"][1]["per_seed"], json!([2.0, 4.0, 6.0]));
        assert_eq!(s["name"], "a");
        assert_eq!(s["ok"], true);
    }

    #[test]
    fn what_differs_in_kind_or_shape_between_seeds_is_left_out() {
        let runs = [
            json!({"name": "a", "n": 1, "rows": [1, 2], "only_here": 3}),
            json!({"name": "b", "n": "one", "rows": [1, 2, 3]}),
        ];
        assert_eq!(summary(&seeds(&runs)), None);
        // A null in the same place at every seed stays a null; a number at some seeds only is dropped.
        let runs = [json!({"x": null, "y": 1}), json!({"x": null, "y": null})];
        assert_eq!(summary(&seeds(&runs)), Some(json!({"x": null})));
    }

    #[test]
    fn long_arrays_are_left_out_short_ones_and_arrays_of_objects_are_kept() {
        let long: Vec<f64> = (0..=MAX_SUMMARISED).map(|i| i as f64).collect();
        let map: Vec<Vec<f64>> = vec![vec![0.5; 9]; 9]; // 81 numbers in rows of 9
        let (ones, threes) = (vec![1.0; 64], vec![3.0; 64]);
        let runs = [
            json!({"curve": long, "map": map, "short": ones, "stations": [{"a": 1}, {"a": 2}]}),
            json!({"curve": long, "map": map, "short": threes, "stations": [{"a": 3}, {"a": 4}]}),
        ];
        let s = summary(&seeds(&runs)).unwrap();
        assert!(s.get("curve").is_none() && s.get("map").is_none(), "{s}");
        assert_eq!(s["short"].as_array().unwrap().len(), 64);
        assert_eq!(s["short"][63]["mean"], 2.0);
        assert_eq!(s["stations"][1]["a"]["per_seed"], json!([2.0, 4.0]));
    }

    #[test]
    fn stream_minus_hierarchy_is_the_paired_difference_at_every_pair() {
        let runs = [
            json!({"stream": {"IT": 0.9, "w": "x"}, "hierarchy": {"IT": 0.5, "w": "x"}, "chance": 0.125,
                   "off": {"stream": {"IT": 0.8}, "hierarchy": {"IT": 0.8}}}),
            json!({"stream": {"IT": 0.6, "w": "x"}, "hierarchy": {"IT": 0.3, "w": "x"}, "chance": 0.125,
                   "off": {"stream": {"IT": 0.7}, "hierarchy": {"IT": 0.6}}}),
            json!({"stream": {"IT": 0.4, "w": "x"}, "hierarchy": {"IT": 0.1, "w": "x"}, "chance": 0.125,
                   "off": {"stream": {"IT": 0.5}, "hierarchy": {"IT": 0.3}}}),
        ];
        let d = stream_minus_hierarchy(&seeds(&runs)).unwrap();
        let it = &d["IT"];
        let per: Vec<f64> = it["per_seed"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        for (p, want) in per.iter().zip([0.4, 0.3, 0.3]) {
            assert!((p - want).abs() < 1e-12, "{per:?}");
        }
        // The seeds differ a lot but the difference hardly: the paired interval is narrow.
        let expected = stats::paired(&[0.9, 0.6, 0.4], &[0.5, 0.3, 0.1]);
        assert!((it["mean"].as_f64().unwrap() - expected.mean).abs() < 1e-12);
        assert!((it["ci"][0].as_f64().unwrap() - expected.ci[0]).abs() < 1e-12);
        assert!(d.get("w").is_none() && d.get("chance").is_none(), "only numbers of the pair: {d}");
        assert_eq!(d["off"]["IT"]["per_seed"].as_array().unwrap().len(), 3);
        // No pair anywhere: nothing.
        assert_eq!(stream_minus_hierarchy(&seeds(&[json!({"gated": {"x": 1}})])), None);
    }

    #[test]
    fn the_split_files_carry_the_seeds_size_and_their_claims_verdict() {
        let whole = json!({
            "seeds": [1, 2, 3], "size": "quick",
            "verdicts": {"P1": {"word": "supported"}},
            "experiments": {"edge-probe": {"claim": "P1", "example": {}}, "lesion": {"claim": "LE"}},
        });
        let files: BTreeMap<String, Value> = split(&whole).unwrap().into_iter().collect();
        assert_eq!(files["edge-probe.json"]["verdict"]["word"], "supported");
        assert_eq!(files["edge-probe.json"]["seeds"], json!([1, 2, 3]));
        assert_eq!(files["edge-probe.json"]["example"], json!({}));
        assert_eq!(files["lesion.json"]["verdict"], Value::Null);
        assert_eq!(files["index.json"], json!({"experiments": ["edge-probe", "lesion"]}));
        assert!(split(&json!({"experiments": {"telepathy": {}}})).unwrap_err().contains("telepathy"));
    }

    /// A made-up deletion output whose stream cancels `cancels` more of its thalamic directions
    /// than of the null's, and whose δ against the thalamic component exceeds its null by as much
    /// at every station (spread a little by `seed`). Every field of deletion's output is there,
    /// as its claim reads the output through its type; those this test does not look at are 0.
    fn deletion_output(seed: u64, cancels: f64) -> Value {
        let jitter = 0.004 * (seed as f64 - 3.0);
        let station = json!({"mean": 0.1 + cancels + jitter, "median": 0.0, "fraction_cancelling": 0.0,
                             "null_mean": 0.1, "above_null": cancels + jitter});
        let four = |v: Value| json!([v, v, v, v]);
        let cancelled = |fraction: f64| {
            json!({"directions": 4, "sketches": 16, "fraction_cancelled": four(json!(fraction)),
                   "null_fraction_cancelled": four(json!(0.1)), "fraction": fraction, "null_fraction": 0.1,
                   "mean_gain": four(json!(0.0)), "cosine": four(json!(0.0)), "cosine_shifted": four(json!(0.0))})
        };
        let wiring = json!({"stream_width": 8, "cosine_chance_below_minus_half": 0.0,
            "delta": four(json!({"mean": 0.0, "median": 0.0, "fraction_cancelling": 0.0})),
            "delta_thalamic": four(station),
            "read_write_cosine": four(json!({"mean": 0.0, "median": 0.0, "min": 0.0, "fraction_below_minus_half": 0.0})),
            "edge_amplitude": four(json!(0.0)), "stream_size": four(json!(0.0)),
            "edge_amplitude_normalised": four(json!(0.0))});
        // Its positive control finds nothing (no power), so no claim is judged.
        json!({"experiment": "deletion", "seed": seed, "stations": ["V1", "V2", "V4", "IT"], "stream_width": 8,
               "n": 16, "thalamic": cancelled(0.1 + cancels + jitter), "positive_control": cancelled(0.1 + jitter),
               "stream": wiring, "hierarchy": wiring, "cosine_chance_below_minus_half": 0.0, "note": ""})
    }

    #[test]
    fn each_condition_s_p3_verdict_sits_beside_the_main_one_where_the_page_reads_it() {
        let seeds = vec![1, 2, 3, 4, 5];
        let plan = Plan { conditions: Condition::ALL.to_vec(), ..Plan::new(seeds.clone(), Size::Quick) };
        let runs = |cancels: f64| -> Vec<Value> { seeds.iter().map(|&s| deletion_output(s, cancels)).collect() };
        let mut outputs = Outputs::new();
        let d = Experiment::Deletion;
        // The shipped pair and its untrained control cancel nothing; the 8-wide stream cancels
        // a third of its thalamic input and its untrained control nothing; the 16-wide one
        // cancels as much as its own untrained control (whereas the 32-wide untrained model
        // cancels nothing, so only the right control makes it "built in"); no edge-off runs.
        outputs.insert((Condition::Trained, d), runs(0.0));
        outputs.insert((Condition::Untrained, d), runs(0.0));
        outputs.insert((Condition::NarrowD8, d), runs(0.3));
        outputs.insert((Condition::UntrainedD8, d), runs(0.0));
        outputs.insert((Condition::NarrowD16, d), runs(0.3));
        outputs.insert((Condition::UntrainedD16, d), runs(0.3));
        let whole = results(&plan, &outputs);
        let p3 = &whole["verdicts"]["P3"];
        // The positive control found nothing, so the plan judges none of them; each is stated
        // with its own numbers and its own control beside the main one.
        assert_eq!(p3["word"], "not judged", "the main verdict is the shipped pair's");
        assert_eq!(p3["conditions"]["narrow_d8"]["word"], "not judged");
        assert!(p3["conditions"].get("edge_off").is_none(), "no runs, no verdict");
        let control = |c: &str| p3["conditions"][c]["untrained"]["mean"].as_f64().unwrap();
        assert!((control("narrow_d16") - 0.3).abs() < 1e-9, "the 16-wide stream's control is its own width's");
        assert!(control("narrow_d8").abs() < 1e-9);
        assert_eq!(whole["preregistration_sha256"], crate::experiments::preregistration::sha256());
        assert_eq!(whole["interval_method"], stats::INTERVAL_METHOD);
        let excess = &p3["conditions"]["narrow_d8"]["excess"];
        assert!((excess["mean"].as_f64().unwrap() - 0.3).abs() < 1e-9, "{excess}");
        assert_eq!(excess["per_seed"].as_array().unwrap().len(), 5);
        assert!(p3["conditions"]["narrow_d8"]["untrained"]["mean"].as_f64().unwrap().abs() < 1e-9);
        // Each condition's measures under its own name, with its untrained control.
        let entry = &whole["experiments"]["deletion"];
        let mean = |c: &str| entry[c]["summary"]["stream"]["delta_thalamic"][0]["above_null"]["mean"].as_f64();
        assert!((mean("narrow_d8").unwrap() - 0.3).abs() < 1e-9);
        assert!(entry["narrow_d16"]["untrained"]["summary"]["stream"]["delta_thalamic"][0]["mean"]["ci"].is_array());
        assert!(entry.get("edge_off").is_none() && entry.get("untrained_d8").is_none());
        // The page reads the verdict from the experiment's own file.
        let files: BTreeMap<String, Value> = split(&whole).unwrap().into_iter().collect();
        assert_eq!(files["deletion.json"]["verdict"]["conditions"]["narrow_d8"]["excess"], *excess);
        assert_eq!(files["deletion.json"]["narrow_d8"], entry["narrow_d8"]);
    }

    #[test]
    fn the_plan_runs_each_condition_s_experiments_at_every_seed() {
        let plan = Plan::new(vec![1, 2], Size::Quick);
        let runs = plan.runs();
        // Deletion alone runs in the narrow, edge-off and narrow untrained conditions.
        // The edge probe alone runs on the untrained retina control.
        assert_eq!(runs.len(), 2 * (10 + 9 + 3 + 5 + 1));
        assert!(runs.contains(&(Condition::UntrainedRetina, Experiment::EdgeProbe, 2)));
        assert!(runs.contains(&(Condition::NarrowD8, Experiment::Deletion, 2)));
        assert!(!runs.contains(&(Condition::EdgeOff, Experiment::EdgeProbe, 1)));
        assert!(!runs.contains(&(Condition::Untrained, Experiment::Degradation, 1)));
        assert!(runs.contains(&(Condition::RetinaControl, Experiment::Tuning, 2)));
    }

    #[test]
    fn a_file_judged_again_gets_t_intervals_the_plan_s_hash_and_the_plan_s_words() {
        let est = |xs: &[f64]| json!({"mean": 0.0, "ci": [0.0, 0.0], "per_seed": xs});
        let verdict = json!({"claim": "LE", "says": "paths", "measure": "m", "word": "supported",
            "effect": est(&[0.5, 0.6, 0.55]), "null": est(&[0.1, 0.1, 0.1]), "untrained": est(&[0.0, 0.01, -0.01]),
            "margin": 0.03, "conditions": {"other": {"claim": "LE", "measure": "m", "word": "supported",
                "effect": est(&[0.5, 0.6, 0.55]), "null": est(&[0.1, 0.1, 0.1]), "untrained": null}}});
        let whole = json!({"seeds": [1, 2, 3], "size": "full", "verdicts": {"LE": verdict},
            "experiments": {"lesion": {"summary": {"x": est(&[1.0, 2.0, 3.0])}}}});
        let again = rejudge(&whole).unwrap();
        let le = &again["verdicts"]["LE"];
        assert_eq!(le["word"], "not judged", "no positive control ran");
        assert_eq!(le["says"], "paths");
        assert!((le["excess"]["mean"].as_f64().unwrap() - 0.45).abs() < 1e-12);
        assert!(le["margin"].is_null(), "the old margin is gone");
        assert_eq!(le["conditions"]["other"]["word"], "not judged");
        // Every stored estimate is recomputed: mean 2, t interval 2 ± 4.303 · 1/√3.
        let x = &again["experiments"]["lesion"]["summary"]["x"];
        assert!((x["mean"].as_f64().unwrap() - 2.0).abs() < 1e-12);
        assert!((x["ci"][1].as_f64().unwrap() - (2.0 + 4.302_652_73 / 3f64.sqrt())).abs() < 1e-6);
        assert_eq!(again["preregistration_sha256"], crate::experiments::preregistration::sha256());
        assert!(again["judged_after_measuring"].is_string());
    }
}
