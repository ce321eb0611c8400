//! The native command line: run the model on an image, train, evaluate.
//!
//!   ventral-stream run --image FILE [--wiring stream|hierarchy|gated] [--weights FILE] [--json [--retina]]
//!   ventral-stream train --wiring W [--seed N] [--steps N] [--edge-task on|off] [--width D] --out FILE
//!   ventral-stream train-losses [--wiring W] [--seed N] [--steps N] [--width D]
//!   ventral-stream eval [--wiring W] [--weights FILE] [--n N] [--json]
//!   ventral-stream init --wiring W [--seed N] --out FILE
//!
//! Every failure is a message on stderr and exit code 1 (2 for usage).

// The command line is native only (it reads files); the wasm build of the
// crate's targets gets an empty main.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod decode;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use crate::decode::decode_image;
    use std::collections::HashMap;
    use std::io::Write;
    use std::process::ExitCode;
    use std::time::Instant;
    use ventral_stream::model::{self, Model, Wiring};
    use ventral_stream::retina::Retina;
    use ventral_stream::{experiments, run, train, weights};

    const USAGE: &str = "usage:
      ventral-stream run --image FILE [--wiring stream|hierarchy|gated] [--weights FILE] [--json [--retina]]
      ventral-stream train --wiring W [--seed N] [--steps N] [--open-set-steps N] [--batch N] [--edge-task on|off]
                           [--lgn full|centre-surround] [--width 8|16|32]
                           [--init FILE] [--quantize] --out FILE
      ventral-stream train-losses [--wiring W] [--seed N] [--steps N] [--width 8|16|32]
                           (the loss of each of the first N steps, batch 32, one thread, as JSON)
      ventral-stream eval [--wiring W] [--weights FILE] [--n N] [--json]
      ventral-stream init --wiring W [--seed N] --out FILE
  ventral-stream experiment NAME [--seed N] [--size quick|full] [--json]
  ventral-stream experiments [--seeds 1,2,3] [--jobs N] [--reuse DIR] [--size quick|full] [--weights-dir DIR]
                [--only NAME,NAME] --out FILE
                (every experiment on every seed, trained, untrained and retina control, and deletion on
                the narrow (d = 8, 16; left out when their files are missing) and edge-off pairs, into one results
                file, and one file per experiment beside it: FILE.json -> FILE/NAME.json and FILE/index.json;
                default seeds: every seed whose weights files exist; --reuse keeps each run's output in
                DIR/CONDITION/seed-N/NAME.json and reads it back when present)
  ventral-stream split-results FILE   (rewrite an existing results file compact, with its per-experiment files)";

    /// The usage, with the experiments' names from the one list of them.
    fn usage() -> String {
        let names: Vec<&str> = experiments::Experiment::ALL.iter().map(|e| e.name()).collect();
        format!("{USAGE}\nexperiments: {}", names.join(" "))
    }

    struct Args {
        command: String,
        options: HashMap<String, String>,
        flags: Vec<String>,
        /// A bare word after the command (the experiment's name).
        positional: Option<String>,
    }

    fn parse_args() -> Result<Args, String> {
        let mut it = std::env::args().skip(1);
        let command = it.next().ok_or("no command given")?;
        let (mut options, mut flags, mut positional) = (HashMap::new(), Vec::new(), None);
        let rest: Vec<String> = it.collect();
        let mut i = 0;
        while i < rest.len() {
            let a = &rest[i];
            let Some(name) = a.strip_prefix("--") else {
                if positional.is_some() {
                    return Err(format!("unexpected argument {a:?}"));
                }
                positional = Some(a.clone());
                i += 1;
                continue;
            };
            if matches!(name, "json" | "quantize" | "retina") {
                flags.push(name.to_string());
                i += 1;
            } else {
                let v = rest.get(i + 1).ok_or(format!("--{name} needs a value"))?;
                options.insert(name.to_string(), v.clone());
                i += 2;
            }
        }
        Ok(Args { command, options, flags, positional })
    }

    impl Args {
        fn get(&self, k: &str) -> Option<&str> {
            self.options.get(k).map(|s| s.as_str())
        }
        fn need(&self, k: &str) -> Result<&str, String> {
            self.get(k).ok_or(format!("--{k} is required"))
        }
        fn flag(&self, k: &str) -> bool {
            self.flags.iter().any(|f| f == k)
        }
        fn number(&self, k: &str, default: u64) -> Result<u64, String> {
            self.get(k).map_or(Ok(default), |v| v.parse().map_err(|_| format!("--{k} takes a whole number, got {v:?}")))
        }
        /// --width: the stream's width d (default the shipped models').
        fn width(&self) -> Result<usize, String> {
            let d = self.number("width", model::D as u64)? as usize;
            if !model::WIDTHS.contains(&d) {
                return Err(format!("--width takes one of {:?}, got {d}", model::WIDTHS));
            }
            Ok(d)
        }
        fn wiring(&self) -> Result<Wiring, String> {
            Ok(Wiring::parse(self.get("wiring").unwrap_or("stream"))?)
        }
        /// The model to use, and what its file says: a weights file if given, else the shipped one.
        fn model(&self) -> Result<(Model, weights::Info), String> {
            let wiring = self.wiring()?;
            match self.get("weights") {
                Some(path) => {
                    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
                    let want = self.get("wiring").map(|_| wiring);
                    weights::load(&bytes, want).map_err(|e| format!("{path}: {e}"))
                }
                None => Ok(weights::shipped_with_info(wiring)),
            }
        }
    }

    fn cmd_run(a: &Args) -> Result<(), String> {
        let path = a.need("image")?;
        let (model, info) = a.model()?;
        let (rgba, w, h) = decode_image(path)?;
        let trace = run::run_rgba(&model, &rgba, w, h).map_err(|e| format!("{path}: {e}"))?;
        let s = run::summary(&model, &trace, 0, info.threshold());
        if a.flag("json") {
            let mut v = serde_json::to_value(&s).map_err(|e| e.to_string())?;
            if a.flag("retina") {
                // The letterboxed 64×64 luminance before light adaptation, row-major: what the
                // page test compares with the page's own.
                let lum = ventral_stream::input::letterbox(&rgba, w, h).map_err(|e| format!("{path}: {e}"))?;
                v["retina"] = serde_json::json!(lum);
            }
            println!("{}", serde_json::to_string(&v).map_err(|e| e.to_string())?);
        } else {
            let answer = if s.recognised {
                format!("{} ({:.1} %)", s.category, 100.0 * s.probability)
            } else {
                format!("none of the ten kinds (closest: {})", s.category)
            };
            let threshold = s.threshold.map_or("none in the file".into(), |t| format!("{t:.2}"));
            println!("{} wiring: {answer} → {}", s.wiring, s.behaviour);
            println!("  open-set score {:.2} (threshold {threshold})", s.score);
            for st in &s.stations {
                println!(
                    "  {:<3} L4 mean {:.3}  L2/3 mean {:.3}  L5 mean {:+.3}",
                    st.name, st.l4.mean, st.l23.mean, st.l5.mean
                );
            }
        }
        Ok(())
    }

    fn bar(done: usize, total: usize) -> String {
        let w = 24;
        let f = done * w / total.max(1);
        format!("[{}{}]", "#".repeat(f), ".".repeat(w - f))
    }

    fn cmd_train(a: &Args) -> Result<(), String> {
        let out = a.need("out")?.to_string();
        let mut cfg = train::Config::new(a.wiring()?, a.number("seed", 1)?);
        cfg.steps = a.number("steps", cfg.steps as u64)? as usize;
        cfg.batch = a.number("batch", cfg.batch as u64)? as usize;
        cfg.edge_task = match a.get("edge-task").unwrap_or("on") {
            "on" => true,
            "off" => false,
            v => return Err(format!("--edge-task takes on or off, got {v:?}")),
        };
        cfg.open_set_steps = a.number("open-set-steps", cfg.open_set_steps as u64)? as usize;
        cfg.retina = Retina::parse(a.get("lgn").unwrap_or("full")).map_err(|e| e.to_string())?;
        cfg.width = a.width()?;
        // --init FILE: skip the first phase and fine-tune these weights for the open set.
        let init = match a.get("init") {
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
                Some(weights::load(&bytes, Some(cfg.wiring)).map_err(|e| format!("{path}: {e}"))?.0)
            }
            None => None,
        };
        let start = Instant::now();
        let mut report = |p: &train::Progress| {
            if p.step.is_multiple_of(10) || p.step == p.steps {
                let el = start.elapsed().as_secs_f32();
                let left = el / p.step as f32 * (p.steps - p.step) as f32;
                eprint!(
                    "\r{} {}/{} loss {:.3} category {:.3} orientation {:.3} {:.0}s left   ",
                    bar(p.step, p.steps),
                    p.step,
                    p.steps,
                    p.loss,
                    p.category_accuracy,
                    p.orientation_accuracy,
                    left
                );
            }
            true
        };
        let model = match init {
            Some(m) => train::fine_tune_open_set(m, &cfg, &mut report),
            None => train::train(&cfg, report),
        };
        eprintln!("\ntrained in {:.1} s", start.elapsed().as_secs_f32());
        let mut info = vec![
            ("seed", cfg.seed.to_string()),
            ("steps", cfg.steps.to_string()),
            ("batch", cfg.batch.to_string()),
            ("learning_rate", cfg.learning_rate.to_string()),
            ("edge_task", if cfg.edge_task { "on" } else { "off" }.to_string()),
            ("lgn", cfg.retina.name().to_string()),
            ("open_set_steps", cfg.open_set_steps.to_string()),
            ("open_set_learning_rate", cfg.open_set_learning_rate.to_string()),
            ("outliers_per_batch", cfg.outliers.to_string()),
            ("init", a.get("init").map_or("none".to_string(), |p| p.rsplit('/').next().unwrap_or(p).to_string())),
            ("energy_margins", format!("{} {}", cfg.energy_in, cfg.energy_out)),
            ("train_seconds", format!("{:.0}", start.elapsed().as_secs_f32())),
        ];
        // The width is in the tensors' shapes; the metadata says it too, for a reader, on the
        // narrow streams only (so the files of the shipped width stay as they were).
        if cfg.width != model::D {
            info.push(("width", cfg.width.to_string()));
        }
        // The threshold is set on the model as it is stored (quantised or not), so the file
        // carries the threshold that fits its own weights.
        let quantize = a.flag("quantize");
        let (stored, _) = weights::load(&weights::save(&model, &info, quantize), Some(model.wiring))
            .map_err(|e| format!("the trained model does not read back: {e}"))?;
        let threshold = train::calibrate(&stored, cfg.threads);
        eprintln!("open-set threshold (energy) {threshold:.3}");
        info.push((weights::THRESHOLD_KEY, format!("{threshold}")));
        info.push((
            "open_set_rule",
            format!("{} of {} held-out sketches", train::RECOGNISED_SHARE, train::CALIBRATION_N),
        ));
        std::fs::write(&out, weights::save(&model, &info, quantize)).map_err(|e| format!("cannot write {out}: {e}"))
    }

    /// The loss of each of the first `--steps` steps of phase 1, one thread: the numbers
    /// tests/fixtures/train20.json holds (`train-losses --steps 20 --seed 3`), which the native
    /// and the wasm tests both recompute.
    fn cmd_train_losses(a: &Args) -> Result<(), String> {
        let mut cfg = train::Config::new(a.wiring()?, a.number("seed", 3)?);
        cfg.width = a.width()?;
        cfg.threads = 1;
        let steps = a.number("steps", 20)? as usize;
        let losses = train::first_losses(&cfg, steps);
        let out = serde_json::json!({
            "command": format!("ventral-stream train-losses --wiring {} --seed {} --steps {steps} --width {}",
                cfg.wiring.name(), cfg.seed, cfg.width),
            "wiring": cfg.wiring.name(),
            "seed": cfg.seed,
            "width": cfg.width,
            "batch": cfg.batch,
            "threads": cfg.threads,
            "steps_of_schedule": cfg.steps,
            "losses": losses,
        });
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
        Ok(())
    }

    fn cmd_eval(a: &Args) -> Result<(), String> {
        let (model, info) = a.model()?;
        let n = a.number("n", 5000)? as usize;
        let ev = train::evaluate(&model, n, 2, |done, total| {
            eprint!("\r{} {done}/{total}", bar(done, total));
            let _ = std::io::stderr().flush();
        });
        eprintln!();
        let open = train::evaluate_open_set(&model, info.threshold(), n, 2);
        if a.flag("json") {
            let mut v = serde_json::to_value(&ev).map_err(|e| e.to_string())?;
            v["open_set"] = serde_json::to_value(&open).map_err(|e| e.to_string())?;
            println!("{}", serde_json::to_string(&v).map_err(|e| e.to_string())?);
        } else {
            println!(
                "{}: category {:.4}, orientation {:.4} (n = {})",
                ev.wiring, ev.category_accuracy, ev.orientation_accuracy, ev.n
            );
            let threshold = open.threshold.map_or("none in the file".into(), |t| format!("{t:.3}"));
            println!(
                "  open set: threshold {threshold}; recognised: sketches {:.4}, outliers {:.4}; AUROC {:.4}; \
                 category among recognised {:.4}",
                open.sketches_recognised, open.outliers_recognised, open.auroc, open.category_accuracy_among_recognised
            );
        }
        Ok(())
    }

    fn run_experiment(
        experiment: experiments::Experiment,
        models: &experiments::Models,
        a: &Args,
    ) -> Result<serde_json::Value, String> {
        let name = experiment.name();
        let seed = a.number("seed", 1)?;
        let size = experiments::Size::parse(a.get("size").unwrap_or("full"))?;
        let start = Instant::now();
        let mut progress = |f: f32| {
            eprint!(
                "\r{name:<17} {} {:>3.0} % {:.0} s ",
                bar((f * 1000.0) as usize, 1000),
                100.0 * f,
                start.elapsed().as_secs_f32()
            );
            let _ = std::io::stderr().flush();
            true
        };
        let mut v = experiments::run(experiment, models, seed, size, &mut progress).map_err(|e| e.to_string())?;
        eprintln!();
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("seconds".into(), serde_json::json!((start.elapsed().as_secs_f32() * 10.0).round() / 10.0));
        }
        Ok(v)
    }

    fn cmd_experiment(a: &Args) -> Result<(), String> {
        let name = a.positional.as_deref().ok_or("name an experiment")?;
        let v = run_experiment(experiments::Experiment::parse(name)?, &experiments::Models::shipped(), a)?;
        if a.flag("json") {
            println!("{}", serde_json::to_string(&v).map_err(|e| e.to_string())?);
        } else {
            println!("{}", serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
        }
        Ok(())
    }

    /// The seeds to run: --seeds 1,2,3, or every seed whose files are all in the weights directory.
    fn seeds(a: &Args, dir: &std::path::Path) -> Result<Vec<u64>, String> {
        if let Some(list) = a.get("seeds") {
            let seeds: Vec<u64> = list
                .split(',')
                .map(|s| s.trim().parse().map_err(|_| format!("--seeds takes whole numbers like 1,2,3, got {list:?}")))
                .collect::<Result<_, _>>()?;
            if seeds.is_empty() || seeds.contains(&0) {
                return Err(format!("--seeds takes seeds from 1 on, got {list:?}"));
            }
            let mut sorted = seeds.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() != seeds.len() {
                return Err(format!("--seeds names a seed twice: {list:?}"));
            }
            return Ok(seeds);
        }
        let (seeds, partial) = experiments::available_seeds(dir);
        for s in partial {
            eprintln!(
                "seed {s}: some weights files are missing in {}; left out (`./build.sh train` makes them)",
                dir.display()
            );
        }
        Ok(seeds)
    }

    fn cmd_experiments(a: &Args) -> Result<(), String> {
        use experiments::results::{self, Plan};
        let out = a.need("out")?;
        let dir = a.get("weights-dir").map_or_else(experiments::weights_dir, std::path::PathBuf::from);
        let mut plan = Plan::new(seeds(a, &dir)?, experiments::Size::parse(a.get("size").unwrap_or("full"))?);
        if let Some(only) = a.get("only") {
            plan.experiments = only.split(',').map(experiments::Experiment::parse).collect::<Result<_, _>>()?;
        }
        // The narrow streams are run when their files exist for every seed, and otherwise left
        // out with the files they miss: a fresh clone runs without them.
        let (conditions, left_out) = experiments::available_conditions(&dir, &plan.conditions, &plan.seeds);
        for (c, missing) in left_out {
            let shown: Vec<String> = missing.iter().take(4).map(|p| p.display().to_string()).collect();
            let more = missing.len().saturating_sub(shown.len());
            eprintln!(
                "{}: left out, {} weights files missing ({}{}); `./build.sh train` makes them",
                c.name(),
                missing.len(),
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            );
        }
        plan.conditions = conditions;
        let jobs = a.number("jobs", 2)?.max(1) as usize;
        let reuse = a.get("reuse").map(std::path::Path::new);
        let total = plan.runs().len();
        let seeds: Vec<String> = plan.seeds.iter().map(|s| s.to_string()).collect();
        eprintln!("{total} runs: seeds {}, {} size, {jobs} jobs", seeds.join(","), a.get("size").unwrap_or("full"));
        let start = Instant::now();
        let finished = std::sync::atomic::AtomicUsize::new(0);
        let report = |d: &results::Done| {
            let k = finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let how = if d.reused { "reused" } else { "" };
            eprintln!(
                "[{k:>3}/{total}] {:<14} seed {:<2} {:<17} {:>7.1} s {how}",
                d.condition.name(),
                d.seed,
                d.experiment.name(),
                d.seconds
            );
        };
        let load = |c, s| experiments::Models::of(c, &dir, s);
        let outputs = results::run_all(&plan, &load, jobs, reuse, &report).map_err(|e| e.to_string())?;
        let whole = results::results(&plan, &outputs);
        eprintln!("all {total} runs in {:.1} s", start.elapsed().as_secs_f32());
        write_results(std::path::Path::new(out), &whole)
    }

    /// The whole results file, compact (with every seed's raw numbers it is 3.5 MB
    /// pretty-printed, 1.3 MB compact; only tests and readers of the data open it), and beside
    /// it the split files the page loads.
    fn write_results(path: &std::path::Path, whole: &serde_json::Value) -> Result<(), String> {
        let text = serde_json::to_string(whole).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        write_split(path, whole)
    }

    /// The page loads each experiment figure's results only when the reader comes near it, so
    /// that nobody parses the receptive-field maps who never scrolls to them: beside
    /// `results.json`, a directory `results/` with one `NAME.json` per experiment and an
    /// `index.json` that names them. Compact, like the whole file: a reader downloads them, and
    /// indentation was a third of their bytes.
    fn write_split(whole_path: &std::path::Path, whole: &serde_json::Value) -> Result<(), String> {
        let dir = whole_path.with_extension("");
        if dir == whole_path {
            return Err(format!(
                "{} needs an extension (results.json) to name the directory beside it",
                whole_path.display()
            ));
        }
        let files = experiments::results::split(whole)?;
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        for (name, v) in files {
            let path = dir.join(name);
            let text = serde_json::to_string(&v).map_err(|e| e.to_string())?;
            std::fs::write(&path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    }

    fn cmd_split_results(a: &Args) -> Result<(), String> {
        let file = a.positional.as_deref().ok_or("name the results file to split")?;
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        let whole = serde_json::from_str(&text).map_err(|e| format!("{file} is not JSON: {e}"))?;
        write_results(std::path::Path::new(file), &whole).map_err(|e| format!("{file}: {e}"))
    }

    fn cmd_init(a: &Args) -> Result<(), String> {
        let out = a.need("out")?;
        let seed = a.number("seed", 1)?;
        let model = Model::init(a.wiring()?, seed);
        let bytes = weights::save(&model, &[("seed", seed.to_string()), ("trained", "no".into())], a.flag("quantize"));
        std::fs::write(out, bytes).map_err(|e| format!("cannot write {out}: {e}"))
    }

    pub fn main() -> ExitCode {
        train::keep_freed_memory();
        let args = match parse_args() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{e}\n{}", usage());
                return ExitCode::from(2);
            }
        };
        let result = match args.command.as_str() {
            "run" => cmd_run(&args),
            "train" => cmd_train(&args),
            "train-losses" => cmd_train_losses(&args),
            "eval" => cmd_eval(&args),
            "init" => cmd_init(&args),
            "experiment" => cmd_experiment(&args),
            "experiments" => cmd_experiments(&args),
            "split-results" => cmd_split_results(&args),
            "help" | "--help" | "-h" => {
                println!("{}", usage());
                Ok(())
            }
            other => {
                eprintln!("unknown command {other:?}\n{}", usage());
                return ExitCode::from(2);
            }
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
