//! The native command line: run the model on an image, train, evaluate, run the experiments.
//! `ventral-stream help` prints the usage (below, `USAGE`).
//!
//! Strict and quiet about it: arguments are read by `lexopt` (see `parse`); an unknown option,
//! a value out of its range or a name given twice is a usage error that names what is
//! accepted. Paths are taken as the OS gives them (not necessarily UTF-8). Every file argument
//! is read up to a size cap ([`MAX_FILE_BYTES`]), so /dev/zero or a FIFO cannot fill memory.
//!
//! Exit status: 0 done; 1 a failure, one line on stderr; 2 a usage error, with the command's
//! usage; 141 when the reader of stdout went away (`… | head -c 10`): the program stops
//! writing and ends quietly with the status a shell reports for a program that SIGPIPE ended
//! (128 + 13), as `cat` does, so a pipeline under `set -o pipefail` treats it the same. Any
//! other write error (`> /dev/full`) is a failure with its message. Nothing panics on input.

// The command line is native only (it reads files); the wasm build of the
// crate's targets gets an empty main.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::ffi::OsString;
    use std::io::{Read, Write};
    use std::ops::RangeInclusive;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::Instant;
    use ventral_stream::model::{self, Model, Wiring};
    use ventral_stream::retina::Retina;
    use ventral_stream::variant::Variant;
    use ventral_stream::{decode, experiments, run, train, weights};

    /// A line on stderr (progress, notes). A failure to write it is ignored: stderr is where a
    /// failure would be reported, and the work goes on.
    macro_rules! note {
        ($($t:tt)*) => {{
            let _ = write!(std::io::stderr(), $($t)*);
        }};
    }
    macro_rules! noteln {
        ($($t:tt)*) => {{
            let _ = writeln!(std::io::stderr(), $($t)*);
        }};
    }

    /// The largest file any argument may name, the page's upload limit too: 64 MiB. The
    /// largest weights file (F32, gated) is 346 KB and a full results file 1.3 MB.
    const MAX_FILE_BYTES: u64 = 64 << 20;

    /// The accepted ranges of the numbers. Seeds are the page's 32-bit ones, from 1 (seed s of
    /// every model is reproducible in the browser). Steps: up to 33 times the shipped 3,000.
    /// A batch of 256 (8 times the shipped 32) needs about 2 GB natively; more is refused rather
    /// than left to fail in the allocator.
    const SEEDS: RangeInclusive<u64> = 1..=u32::MAX as u64;
    const STEPS: RangeInclusive<u64> = 1..=100_000;
    const OPEN_SET_STEPS: RangeInclusive<u64> = 0..=100_000;
    const BATCH: RangeInclusive<u64> = 1..=256;
    const EVAL_N: RangeInclusive<u64> = 1..=100_000;
    const JOBS: RangeInclusive<u64> = 1..=64;
    /// The seeds `usage` looks for in a weights directory (the grid trains at most ten).
    const SEEDS_LOOKED_AT: u64 = 20;

    /// One command: its name, the options that take a value, the flags, whether it takes one
    /// bare word (and what it is), and its usage.
    struct Spec {
        name: &'static str,
        options: &'static [&'static str],
        flags: &'static [&'static str],
        positional: Option<&'static str>,
        usage: &'static str,
    }

    const COMMANDS: [Spec; 14] = [
        Spec {
            name: "run",
            options: &["image", "wiring", "weights"],
            flags: &["json", "retina"],
            positional: None,
            usage: "ventral-stream run --image FILE [--wiring stream|hierarchy|gated] [--weights FILE] [--json [--retina]]",
        },
        Spec {
            name: "train",
            options: &[
                "wiring", "seed", "steps", "open-set-steps", "batch", "edge-task", "lgn", "width", "variant", "init", "out",
            ],
            flags: &["quantize", "keep-current"],
            positional: None,
            usage: "ventral-stream train --wiring W [--seed N] [--steps N] [--open-set-steps N] [--batch N] [--edge-task on|off]
                     [--lgn full|centre-surround] [--width 8|16|32] [--variant NAME] [--init FILE] [--quantize]
                     [--keep-current] --out FILE
                     (--variant: shipped, prenorm, layerscale, stochastic-depth, or parts joined by +;
                     --keep-current: leave --out as it is when it already holds this training under today's recipe)",
        },
        Spec {
            name: "train-losses",
            options: &["wiring", "seed", "steps", "width"],
            flags: &[],
            positional: None,
            usage: "ventral-stream train-losses [--wiring W] [--seed N] [--steps N] [--width 8|16|32]
                     (the loss of each of the first N steps, batch 32, one thread, as JSON)",
        },
        Spec {
            name: "eval",
            options: &["wiring", "weights", "n"],
            flags: &["json"],
            positional: None,
            usage: "ventral-stream eval [--wiring W] [--weights FILE] [--n N] [--json]",
        },
        Spec {
            name: "calibrate",
            options: &["weights", "score"],
            flags: &[],
            positional: None,
            usage: "ventral-stream calibrate --weights FILE [--score energy|mahalanobis|typicality|combined]
                     (sets the file's open-set calibration in place, from held-out sketches only; default: the chosen score)",
        },
        Spec {
            name: "openset-compare",
            options: &["n", "weights-dir"],
            flags: &[],
            positional: None,
            usage: "ventral-stream openset-compare [--n N] [--weights-dir DIR]
                     (the open-set scores of data/openset-choice.json on the stream, hierarchy and gated files, as JSON)",
        },
        Spec {
            name: "init",
            options: &["wiring", "seed", "out"],
            flags: &["quantize"],
            positional: None,
            usage: "ventral-stream init --wiring W [--seed N] [--quantize] --out FILE",
        },
        Spec {
            name: "experiment",
            options: &["seed", "size"],
            flags: &["json"],
            positional: Some("the experiment's name"),
            usage: "ventral-stream experiment NAME [--seed N] [--size quick|full] [--json]",
        },
        Spec {
            name: "experiments",
            options: &["seeds", "jobs", "reuse", "size", "weights-dir", "only", "shard", "variant", "comparison", "out"],
            flags: &["merge"],
            positional: None,
            usage: "ventral-stream experiments [--seeds 1,2,3] [--jobs N] [--reuse DIR] [--size quick|full] [--weights-dir DIR]
                     [--only NAME,NAME] [--shard K/N | --merge] [--variant NAME | --comparison FILE] --out FILE
                     (--variant NAME: the variant's trained pair STREAM-NAME, HIERARCHY-NAME (shipped: stream,
                     hierarchy) and the same pair untrained, and its retina control STREAM-retina-NAME,
                     HIERARCHY-retina-NAME with its untrained pair where trained, on every seed whose two files
                     exist, into FILE alone: one column of the claims x variants comparison, which `by-variant`
                     reads; --comparison FILE with the shipped run: its column too, from the same runs)
                     (--shard K/N --reuse DIR: only the K-th of N shares of the runs, kept in DIR, no --out;
                     --merge --reuse DIR --out FILE: the results file from every shard's runs in DIR, running none)
                     (every experiment on every seed, trained, untrained and retina control, and deletion on
                     the narrow (d = 8, 16; left out when their files are missing) and edge-off pairs, into one results
                     file, and one file per experiment beside it: FILE.json -> FILE/NAME.json and FILE/index.json;
                     default seeds: every seed whose weights files exist; --reuse keeps each run's output in
                     DIR/CONDITION/seed-N/NAME.json and reads it back when present)",
        },
        Spec {
            name: "split-results",
            options: &[],
            flags: &[],
            positional: Some("the results file"),
            usage: "ventral-stream split-results FILE   (rewrite an existing results file compact, with its per-experiment files)",
        },
        Spec {
            name: "rejudge",
            options: &[],
            flags: &[],
            positional: Some("the results file"),
            usage: "ventral-stream rejudge FILE   (judge a results file again under data/preregistration.json from its stored numbers)",
        },
        Spec {
            name: "usage",
            options: &["weights-dir", "variants", "n", "jobs", "out"],
            flags: &[],
            positional: None,
            usage: "ventral-stream usage [--weights-dir DIR] [--variants NAME,NAME] [--n N] [--jobs N] --out FILE
                     (the usage index of each variant's stream, and its hierarchy twin's bypass retention, on every
                     seed whose files exist, judged by data/preregistration.json, and the primary test bed it chooses)",
        },
        Spec {
            name: "by-variant",
            options: &["usage", "variants-dir"],
            flags: &[],
            positional: Some("the results file"),
            usage: "ventral-stream by-variant FILE --usage USAGE.json --variants-dir DIR
                     (adds to the shipped results FILE the usage index and primary test bed from USAGE.json and each
                     claim's word and paired effect on every variant whose results DIR/NAME.json holds, made by
                     `experiments --variant NAME --out DIR/NAME.json`; the shipped variant's are FILE's own)",
        },
        Spec { name: "help", options: &[], flags: &[], positional: None, usage: "ventral-stream help" },
    ];

    /// The whole usage, with the ranges and the experiments' names from their one list.
    fn usage() -> String {
        let lines: Vec<String> = COMMANDS.iter().map(|c| format!("  {}", c.usage)).collect();
        let names: Vec<&str> = experiments::Experiment::ALL.iter().map(|e| e.name()).collect();
        format!(
            "usage:\n{}\nranges: --seed {} (and each of --seeds), --steps {}, --open-set-steps {}, --batch {}, \
             --n {}, --jobs {}, --width one of {:?}\nexperiments: {}",
            lines.join("\n"),
            range(&SEEDS),
            range(&STEPS),
            range(&OPEN_SET_STEPS),
            range(&BATCH),
            range(&EVAL_N),
            range(&JOBS),
            model::WIDTHS,
            names.join(" ")
        )
    }

    fn range(r: &RangeInclusive<u64>) -> String {
        format!("{} to {}", r.start(), r.end())
    }

    /// Why a command did not finish.
    enum Failure {
        /// The arguments are wrong: exit 2, with the command's usage.
        Usage(String),
        /// Something failed: exit 1.
        Error(String),
        /// Nobody reads stdout any more: exit 141, quietly.
        Closed,
    }

    impl From<String> for Failure {
        fn from(e: String) -> Self {
            Failure::Error(e)
        }
    }

    type Done = Result<(), Failure>;

    /// Writes `text` and a newline to stdout, the one way any command prints its result.
    fn print(text: &str) -> Done {
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{text}").and_then(|_| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::Closed),
            Err(e) => Err(Failure::Error(format!("cannot write the output: {e}"))),
        }
    }

    struct Args {
        spec: &'static Spec,
        values: Vec<(&'static str, OsString)>,
        flags: Vec<&'static str>,
        /// The bare word after the command (an experiment's name, a results file).
        positional: Option<OsString>,
    }

    /// Reads the command line: the command, then only the options and flags it takes, each
    /// once (`--name value` or `--name=value`), and its one bare word if it takes one.
    fn parse(mut p: lexopt::Parser) -> Result<Args, (Option<&'static Spec>, String)> {
        use lexopt::Arg::{Long, Short, Value};
        let bare = |e: lexopt::Error| (None, e.to_string());
        let command = match p.next().map_err(bare)? {
            Some(Value(v)) => v.to_string_lossy().into_owned(),
            Some(Long("help") | Short('h')) => "help".into(),
            Some(other) => return Err((None, other.unexpected().to_string())),
            None => return Err((None, "no command given".into())),
        };
        let spec = COMMANDS.iter().find(|c| c.name == command).ok_or((None, format!("unknown command {command:?}")))?;
        let fail = |msg: String| (Some(spec), msg);
        let mut args = Args { spec, values: Vec::new(), flags: Vec::new(), positional: None };
        while let Some(arg) = p.next().map_err(|e| fail(e.to_string()))? {
            match arg {
                Long("help") | Short('h') => {
                    return Ok(Args { spec: &COMMANDS[COMMANDS.len() - 1], ..args });
                }
                Long(name) => {
                    let name = name.to_string();
                    if let Some(&flag) = spec.flags.iter().find(|f| **f == name) {
                        if args.flags.contains(&flag) {
                            return Err(fail(format!("--{flag} is given twice")));
                        }
                        args.flags.push(flag);
                    } else if let Some(&option) = spec.options.iter().find(|o| **o == name) {
                        if args.values.iter().any(|(k, _)| *k == option) {
                            return Err(fail(format!("--{option} is given twice")));
                        }
                        let value = p.value().map_err(|_| fail(format!("--{option} needs a value")))?;
                        args.values.push((option, value));
                    } else {
                        return Err(fail(format!("unknown option --{name} for {command}")));
                    }
                }
                Value(v) if spec.positional.is_some() && args.positional.is_none() => args.positional = Some(v),
                other => return Err(fail(format!("{} for {command}", other.unexpected()))),
            }
        }
        Ok(args)
    }

    impl Args {
        fn raw(&self, k: &str) -> Option<&OsString> {
            self.values.iter().find(|(name, _)| *name == k).map(|(_, v)| v)
        }
        /// An option's value as text (names, numbers: UTF-8 or refused).
        fn text(&self, k: &str) -> Result<Option<&str>, Failure> {
            match self.raw(k) {
                None => Ok(None),
                Some(v) => v.to_str().map(Some).ok_or_else(|| {
                    Failure::Usage(format!("--{k} takes plain text, got {:?} (not UTF-8)", v.to_string_lossy()))
                }),
            }
        }
        fn text_or<'a>(&'a self, k: &str, default: &'a str) -> Result<&'a str, Failure> {
            Ok(self.text(k)?.unwrap_or(default))
        }
        /// An option's value as a path, as the OS gave it.
        fn path(&self, k: &str) -> Option<PathBuf> {
            self.raw(k).map(PathBuf::from)
        }
        fn need_path(&self, k: &str) -> Result<PathBuf, Failure> {
            self.path(k).ok_or(Failure::Usage(format!("--{k} is required")))
        }
        fn flag(&self, k: &str) -> bool {
            self.flags.contains(&k)
        }
        /// A whole number within `range` (or `default` when the option is absent).
        fn number(&self, k: &str, default: u64, accepted: &RangeInclusive<u64>) -> Result<u64, Failure> {
            let Some(v) = self.text(k)? else { return Ok(default) };
            match v.parse::<u64>() {
                Ok(n) if accepted.contains(&n) => Ok(n),
                _ => Err(Failure::Usage(format!("--{k} takes a whole number from {}, got {v:?}", range(accepted)))),
            }
        }
        fn seed(&self, default: u64) -> Result<u64, Failure> {
            self.number("seed", default, &SEEDS)
        }
        /// --width: the stream's width d (default the shipped models').
        fn width(&self) -> Result<usize, Failure> {
            let Some(v) = self.text("width")? else { return Ok(model::D) };
            match v.parse::<usize>() {
                Ok(d) if model::WIDTHS.contains(&d) => Ok(d),
                _ => Err(Failure::Usage(format!("--width takes one of {:?}, got {v:?}", model::WIDTHS))),
            }
        }
        fn wiring(&self) -> Result<Wiring, Failure> {
            Wiring::parse(self.text_or("wiring", "stream")?).map_err(|e| Failure::Usage(e.to_string()))
        }
        fn size(&self) -> Result<experiments::Size, Failure> {
            experiments::Size::parse(self.text_or("size", "full")?).map_err(Failure::Usage)
        }
        /// The model to use, and what its file says: a weights file if given, else the shipped one.
        fn model(&self) -> Result<(Model, weights::Info), Failure> {
            let wiring = self.wiring()?;
            match self.path("weights") {
                Some(path) => {
                    let bytes = read_file(&path)?;
                    let want = self.raw("wiring").map(|_| wiring);
                    Ok(weights::load(&bytes, want).map_err(|e| format!("{}: {e}", path.display()))?)
                }
                None => Ok(weights::shipped_with_info(wiring)),
            }
        }
        /// `--out FILE`, checked before any work: its folder exists and takes a new file.
        fn out(&self) -> Result<PathBuf, Failure> {
            let path = self.need_path("out")?;
            writable(&path)?;
            Ok(path)
        }
    }

    /// Reads a whole file of at most [`MAX_FILE_BYTES`]: the size is checked before reading
    /// (stat), and the read itself stops past the cap (for what stat cannot size: /dev/zero,
    /// a FIFO).
    fn read_file(path: &Path) -> Result<Vec<u8>, String> {
        let shown = path.display();
        let cannot = |e: std::io::Error| format!("cannot read {shown}: {e}");
        let file = std::fs::File::open(path).map_err(cannot)?;
        let meta = file.metadata().map_err(cannot)?;
        if meta.is_dir() {
            return Err(format!("cannot read {shown}: it is a folder"));
        }
        let too_big =
            || format!("cannot read {shown}: larger than {MAX_FILE_BYTES} bytes, the most a file may hold here");
        if meta.is_file() && meta.len() > MAX_FILE_BYTES {
            return Err(too_big());
        }
        let expect = if meta.is_file() { meta.len() } else { MAX_FILE_BYTES } + 1;
        let mut bytes = Vec::with_capacity(expect as usize);
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_big());
        }
        Ok(bytes)
    }

    /// A file can be made at `path`: its folder exists and takes a new file (tried, since
    /// permission bits do not tell for root or a read-only mount), and it is not a folder.
    fn writable(path: &Path) -> Result<(), String> {
        let shown = path.display();
        if path.is_dir() {
            return Err(format!("cannot write {shown}: it is a folder"));
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            return Err(format!("cannot write {shown}: the folder {} does not exist", folder.display()));
        }
        let probe = folder.join(format!(".ventral-stream-probe-{}", std::process::id()));
        std::fs::OpenOptions::new().write(true).create_new(true).open(&probe).map_err(|e| {
            format!("cannot write {shown}: the folder {} does not take a new file ({e})", folder.display())
        })?;
        let _ = std::fs::remove_file(&probe);
        Ok(())
    }

    fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    fn cmd_run(a: &Args) -> Done {
        let path = a.need_path("image")?;
        let (model, info) = a.model()?;
        let shown = path.display();
        let (rgba, w, h) = decode::decode(&read_file(&path)?).map_err(|e| format!("{shown}: {e}"))?;
        let (trace, image) = run::run_rgba_with_image(&model, &rgba, w, h).map_err(|e| format!("{shown}: {e}"))?;
        let s = run::summary(&model, &trace, 0, info.calibration().as_ref(), &image);
        if a.flag("json") {
            let mut v = serde_json::to_value(&s).map_err(|e| e.to_string())?;
            if a.flag("retina") {
                // The letterboxed 64×64 luminance before light adaptation, row-major: what the
                // page test compares with the page's own.
                let lum = ventral_stream::input::letterbox(&rgba, w, h).map_err(|e| format!("{shown}: {e}"))?;
                v["retina"] = serde_json::json!(lum);
            }
            return print(&serde_json::to_string(&v).map_err(|e| e.to_string())?);
        }
        let answer = if s.recognised {
            format!("{} ({:.1} %)", s.category, 100.0 * s.probability)
        } else {
            format!("none of the ten kinds (closest: {})", s.category)
        };
        let threshold = s.threshold.map_or("none in the file".into(), |t| format!("{t:.2}"));
        let mut text = format!("{} wiring: {answer} → {}\n", s.wiring, s.behaviour);
        text += &format!("  open-set score {:.2} ({}; threshold {threshold})", s.score, s.score_name);
        for st in &s.stations {
            text += &format!(
                "\n  {:<3} L4 mean {:.3}  L2/3 mean {:.3}  L5 mean {:+.3}",
                st.name, st.l4.mean, st.l23.mean, st.l5.mean
            );
        }
        print(&text)
    }

    fn bar(done: usize, total: usize) -> String {
        let w = 24;
        let f = (done * w / total.max(1)).min(w);
        format!("[{}{}]", "#".repeat(f), ".".repeat(w - f))
    }

    fn cmd_train(a: &Args) -> Done {
        let mut cfg = train::Config::new(a.wiring()?, a.seed(1)?);
        cfg.steps = a.number("steps", cfg.steps as u64, &STEPS)? as usize;
        cfg.batch = a.number("batch", cfg.batch as u64, &BATCH)? as usize;
        cfg.edge_task = match a.text_or("edge-task", "on")? {
            "on" => true,
            "off" => false,
            v => return Err(Failure::Usage(format!("--edge-task takes on or off, got {v:?}"))),
        };
        cfg.open_set_steps = a.number("open-set-steps", cfg.open_set_steps as u64, &OPEN_SET_STEPS)? as usize;
        cfg.retina = Retina::parse(a.text_or("lgn", "full")?).map_err(|e| Failure::Usage(e.to_string()))?;
        cfg.width = a.width()?;
        cfg.variant = Variant::parse(a.text_or("variant", "shipped")?).map_err(|e| Failure::Usage(e.to_string()))?;
        cfg.variant.fits(cfg.wiring).map_err(Failure::Usage)?;
        // Before any training: a run of hours must not end in a folder that is not there.
        let out = a.out()?;
        let asked = train_info(&cfg, "none");
        if a.flag("keep-current") && a.path("init").is_none() && holds_training(&out, &cfg, &asked) {
            noteln!("{} already holds this training under recipe {}: kept", out.display(), train::RECIPE);
            return Ok(());
        }
        // --init FILE: skip the first phase and fine-tune these weights for the open set.
        let init = match a.path("init") {
            Some(path) => {
                let bytes = read_file(&path)?;
                Some(weights::load(&bytes, Some(cfg.wiring)).map_err(|e| format!("{}: {e}", path.display()))?.0)
            }
            None => None,
        };
        let start = Instant::now();
        let mut report = |p: &train::Progress| {
            if p.step.is_multiple_of(10) || p.step == p.steps {
                let el = start.elapsed().as_secs_f32();
                let left = el / p.step as f32 * (p.steps - p.step) as f32;
                note!(
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
        noteln!("\ntrained in {:.1} s", start.elapsed().as_secs_f32());
        let init_name = a.path("init").map_or("none".to_string(), |p| {
            p.file_name().map_or(p.display().to_string(), |n| n.to_string_lossy().into_owned())
        });
        let mut info = train_info(&cfg, &init_name);
        info.push(("train_seconds", format!("{:.0}", start.elapsed().as_secs_f32())));
        // The threshold is set on the model as it is stored (quantised or not), so the file
        // carries the threshold that fits its own weights.
        let quantize = a.flag("quantize");
        let (stored, _) = weights::load(&weights::save(&model, &info, quantize), Some(model.wiring))
            .map_err(|e| format!("the trained model does not read back: {e}"))?;
        let calibration = train::calibrate(&stored, train::CHOSEN, cfg.threads);
        noteln!("open-set threshold ({}) {:.3}", calibration.score.name(), calibration.threshold);
        info.push((weights::THRESHOLD_KEY, format!("{}", calibration.threshold)));
        info.push((weights::CALIBRATION_KEY, calibration.to_text()));
        info.push((
            "open_set_rule",
            format!("{} of {} held-out sketches", train::RECOGNISED_SHARE, train::CALIBRATION_N),
        ));
        Ok(write_file(&out, &weights::save(&model, &info, quantize))?)
    }

    /// What a weights file records of the training that made it (its metadata).
    fn train_info(cfg: &train::Config, init_name: &str) -> Vec<(&'static str, String)> {
        let mut info = vec![
            ("recipe", train::RECIPE.to_string()),
            ("seed", cfg.seed.to_string()),
            ("steps", cfg.steps.to_string()),
            ("batch", cfg.batch.to_string()),
            ("learning_rate", cfg.learning_rate.to_string()),
            ("edge_task", if cfg.edge_task { "on" } else { "off" }.to_string()),
            ("lgn", cfg.retina.name().to_string()),
            ("open_set_steps", cfg.open_set_steps.to_string()),
            ("open_set_learning_rate", cfg.open_set_learning_rate.to_string()),
            ("outliers_per_batch", cfg.outliers.to_string()),
            ("init", init_name.to_string()),
            ("energy_margins", format!("{} {}", cfg.energy_in, cfg.energy_out)),
        ];
        // The width is in the tensors' shapes; the metadata says it too, for a reader, on the
        // narrow streams only (so the files of the shipped width stay as they were).
        if cfg.width != model::D {
            info.push(("width", cfg.width.to_string()));
        }
        info
    }

    /// Whether the weights file at `out` was made by the training `asked` describes (every
    /// key of it, the recipe included) and holds a model that loads: how a long run of
    /// `./build.sh train` resumes where it stopped, on this machine or another.
    fn holds_training(out: &Path, cfg: &train::Config, asked: &[(&str, String)]) -> bool {
        let Ok(bytes) = std::fs::read(out) else { return false };
        let Ok((m, info)) = weights::load(&bytes, None) else { return false };
        m.wiring == cfg.wiring
            && m.variant == cfg.variant
            && asked.iter().all(|(k, v)| info.0.get(*k).map(String::as_str) == Some(v.as_str()))
    }

    /// The loss of each of the first `--steps` steps of phase 1, one thread: the numbers
    /// tests/fixtures/train20.json holds (`train-losses --steps 20 --seed 3`), which the native
    /// and the wasm tests both recompute.
    fn cmd_train_losses(a: &Args) -> Done {
        let mut cfg = train::Config::new(a.wiring()?, a.seed(3)?);
        cfg.width = a.width()?;
        cfg.threads = 1;
        // At most the schedule's own length: the losses are those of its first steps.
        let steps = a.number("steps", 20, &(1..=cfg.steps as u64))? as usize;
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
        print(&serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?)
    }

    fn cmd_eval(a: &Args) -> Done {
        let n = a.number("n", 5000, &EVAL_N)? as usize;
        let (model, info) = a.model()?;
        let ev = train::evaluate(&model, n, 2, |done, total| note!("\r{} {done}/{total}", bar(done, total)));
        noteln!();
        let open = train::evaluate_open_set(&model, info.calibration().as_ref(), n, 2);
        if a.flag("json") {
            let mut v = serde_json::to_value(&ev).map_err(|e| e.to_string())?;
            v["open_set"] = serde_json::to_value(&open).map_err(|e| e.to_string())?;
            return print(&serde_json::to_string(&v).map_err(|e| e.to_string())?);
        }
        let threshold = open.threshold.map_or("none in the file".into(), |t| format!("{t:.3}"));
        print(&format!(
            "{}: category {:.4}, orientation {:.4} (n = {})\n  open set: threshold {threshold}; recognised: \
             sketches {:.4}, outliers {:.4}; AUROC {:.4}; category among recognised {:.4}",
            ev.wiring,
            ev.category_accuracy,
            ev.orientation_accuracy,
            ev.n,
            open.sketches_recognised,
            open.outliers_recognised,
            open.auroc,
            open.category_accuracy_among_recognised
        ))
    }

    fn run_experiment(
        experiment: experiments::Experiment,
        models: &experiments::Models,
        a: &Args,
    ) -> Result<serde_json::Value, Failure> {
        let name = experiment.name();
        let seed = a.seed(1)?;
        let size = a.size()?;
        let start = Instant::now();
        let mut progress = |f: f32| {
            note!(
                "\r{name:<17} {} {:>3.0} % {:.0} s ",
                bar((f * 1000.0) as usize, 1000),
                100.0 * f,
                start.elapsed().as_secs_f32()
            );
            true
        };
        let mut v = experiments::run(experiment, models, seed, size, &mut progress).map_err(|e| e.to_string())?;
        noteln!();
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("seconds".into(), serde_json::json!((start.elapsed().as_secs_f32() * 10.0).round() / 10.0));
        }
        Ok(v)
    }

    fn cmd_experiment(a: &Args) -> Done {
        let name = a.positional.as_ref().ok_or(Failure::Usage("name an experiment".into()))?;
        let experiment =
            experiments::Experiment::parse(&name.to_string_lossy()).map_err(|e| Failure::Usage(e.into()))?;
        let v = run_experiment(experiment, &experiments::Models::shipped(), a)?;
        if a.flag("json") {
            print(&serde_json::to_string(&v).map_err(|e| e.to_string())?)
        } else {
            print(&serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?)
        }
    }

    /// The seeds to run: --seeds 1,2,3, or every seed whose files are all in the weights directory.
    fn seeds(a: &Args, dir: &Path) -> Result<Vec<u64>, Failure> {
        if let Some(list) = a.text("seeds")? {
            let seeds: Vec<u64> = list
                .split(',')
                .map(|s| match s.trim().parse::<u64>() {
                    Ok(n) if SEEDS.contains(&n) => Ok(n),
                    _ => Err(Failure::Usage(format!(
                        "--seeds takes whole numbers like 1,2,3, each from {}, got {list:?}",
                        range(&SEEDS)
                    ))),
                })
                .collect::<Result<_, _>>()?;
            let mut sorted = seeds.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() != seeds.len() {
                return Err(Failure::Usage(format!("--seeds names a seed twice: {list:?}")));
            }
            return Ok(seeds);
        }
        let (seeds, partial) = experiments::available_seeds(dir);
        for s in partial {
            noteln!(
                "seed {s}: some weights files are missing in {}; left out (`./build.sh train` makes them)",
                dir.display()
            );
        }
        Ok(seeds)
    }

    /// The seeds of a variant whose stream and hierarchy files both exist in `dir`.
    fn variant_seeds(dir: &Path, variant: Variant) -> Result<Vec<u64>, Failure> {
        let has = |w: Wiring, s: u64| {
            experiments::weights_file(dir, &experiments::variant_model_name(w, variant), s).is_file()
        };
        let seeds: Vec<u64> =
            (1..=SEEDS_LOOKED_AT).filter(|&s| has(Wiring::Stream, s) && has(Wiring::Hierarchy, s)).collect();
        if seeds.is_empty() {
            return Err(Failure::Error(format!(
                "no seed of the {} variant has both its files in {}; `./build.sh train` makes them",
                variant.name(),
                dir.display()
            )));
        }
        Ok(seeds)
    }

    /// `by-variant`: the variants' words and usage index, added to the shipped results file.
    fn cmd_by_variant(a: &Args) -> Done {
        let file = PathBuf::from(a.positional.as_ref().ok_or(Failure::Usage("name the shipped results file".into()))?);
        let usage_path = a.path("usage").ok_or_else(|| Failure::Usage("name the usage index: --usage FILE".into()))?;
        let dir = a
            .path("variants-dir")
            .ok_or_else(|| Failure::Usage("name the variants' results: --variants-dir DIR".into()))?;
        // read_file: the CLI's one way to read a file, with its size cap and folder check.
        let read = |p: &Path| -> Result<serde_json::Value, Failure> {
            let bytes = read_file(p)?;
            serde_json::from_slice(&bytes).map_err(|e| Failure::Error(format!("{} is not JSON: {e}", p.display())))
        };
        let mut whole = read(&file)?;
        let usage = read(&usage_path)?;
        // The shipped column from its own comparison run (trained, untrained and the retina
        // control, as every column with a retina control) where there is one; else from the
        // shipped results file, whose other conditions the other columns lack (said when used).
        let shipped = dir.join(format!("{}.json", Variant::SHIPPED.name()));
        let mut files = if shipped.is_file() {
            vec![(Variant::SHIPPED.name().to_string(), read(&shipped)?)]
        } else {
            noteln!("shipped: no {}; its column is the results file's own words", shipped.display());
            vec![(Variant::SHIPPED.name().to_string(), whole.clone())]
        };
        for v in usage["variants"].as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
            let path = dir.join(format!("{v}.json"));
            if v == Variant::SHIPPED.name() {
                continue;
            }
            if !path.is_file() {
                noteln!("{v}: no results in {}; its claims are left out", path.display());
                continue;
            }
            files.push((v.to_string(), read(&path)?));
        }
        let keys = experiments::results::by_variant(&usage, &files).map_err(Failure::Error)?;
        let object =
            whole.as_object_mut().ok_or_else(|| Failure::Error(format!("{} is not a results file", file.display())))?;
        object.extend(keys);
        Ok(write_results(&file, &whole)?)
    }

    fn cmd_experiments(a: &Args) -> Done {
        use experiments::results::{self, Plan, Shard};
        let shard = a.text("shard")?.map(Shard::parse).transpose().map_err(Failure::Usage)?;
        let reuse = a.path("reuse");
        if (shard.is_some() || a.flag("merge")) && reuse.is_none() {
            return Err(Failure::Usage("--shard and --merge keep and read the runs in --reuse DIR: name one".into()));
        }
        if shard.is_some() && a.flag("merge") {
            return Err(Failure::Usage("--shard runs one shard, --merge joins them: give one of the two".into()));
        }
        // A shard writes only its runs' outputs (into --reuse DIR); the merge writes the file.
        if shard.is_some() && a.path("out").is_some() {
            return Err(Failure::Usage(
                "a shard holds part of the runs and writes no results file: drop --out, and \
merge the shards (--merge --out FILE)"
                    .into(),
            ));
        }
        let out = if shard.is_some() { None } else { Some(a.out()?) };
        let dir = a.path("weights-dir").unwrap_or_else(experiments::weights_dir);
        // Without --variant: the shipped results file, every condition. With it (shipped too): one
        // column of the claims × variants comparison, trained and untrained (and the retina control
        // where trained).
        let asked = a.text("variant")?;
        let variant = Variant::parse(asked.unwrap_or("shipped")).map_err(|e| Failure::Usage(e.to_string()))?;
        if a.path("comparison").is_some() && (asked.is_some() || shard.is_some()) {
            return Err(Failure::Usage(
                "--comparison writes the shipped column beside the shipped results file: not with --variant or --shard"
                    .into(),
            ));
        }
        let seeds =
            if asked.is_none() || a.text("seeds")?.is_some() { seeds(a, &dir)? } else { variant_seeds(&dir, variant)? };
        let mut plan = match asked {
            None => Plan::new(seeds, a.size()?),
            // P1 is judged on a variant only where its retina control was trained.
            Some(_) if experiments::has_retina_control(&dir, variant, &seeds) => {
                Plan::for_variant(seeds, a.size()?, variant).with_retina_control()
            }
            Some(_) => {
                noteln!(
                    "{}: no retina control trained ({} at every seed); P1 is not judged on it",
                    variant.name(),
                    experiments::retina_model_name(Wiring::Stream, variant)
                );
                Plan::for_variant(seeds, a.size()?, variant)
            }
        };
        if let Some(only) = a.text("only")? {
            plan.experiments = only
                .split(',')
                .map(experiments::Experiment::parse)
                .collect::<Result<_, _>>()
                .map_err(|e| Failure::Usage(e.into()))?;
        }
        // The narrow streams are run when their files exist for every seed, and otherwise left
        // out with the files they miss: a fresh clone runs without them.
        let (conditions, left_out) = experiments::available_conditions(&dir, &plan.conditions, &plan.seeds);
        for (c, missing) in left_out {
            let shown: Vec<String> = missing.iter().take(4).map(|p| p.display().to_string()).collect();
            let more = missing.len().saturating_sub(shown.len());
            noteln!(
                "{}: left out, {} weights files missing ({}{}); `./build.sh train` makes them",
                c.name(),
                missing.len(),
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            );
        }
        plan.conditions = conditions;
        if a.flag("merge") {
            let kept = reuse.as_deref().expect("checked above");
            let missing = results::missing_runs(&plan, kept);
            if let Some(first) = missing.first() {
                return Err(Failure::Error(format!(
                    "cannot merge: {} runs are not in {} (the first: {}); run the shards that hold them",
                    missing.len(),
                    kept.display(),
                    first.display()
                )));
            }
        }
        plan.shard = shard;
        let jobs = a.number("jobs", 2, &JOBS)? as usize;
        let total = plan.runs().len();
        let seeds: Vec<String> = plan.seeds.iter().map(|s| s.to_string()).collect();
        noteln!("{total} runs: seeds {}, {} size, {jobs} jobs", seeds.join(","), a.text_or("size", "full")?);
        let start = Instant::now();
        let finished = std::sync::atomic::AtomicUsize::new(0);
        let report = |d: &results::Done| {
            let k = finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let how = if d.reused { "reused" } else { "" };
            noteln!(
                "[{k:>3}/{total}] {:<14} seed {:<2} {:<17} {:>7.1} s {how}",
                d.condition.name(),
                d.seed,
                d.experiment.name(),
                d.seconds
            );
        };
        let load = |c, s| experiments::Models::of_variant(c, &dir, s, variant);
        // A variant's runs are kept apart from the shipped ones they would otherwise overwrite.
        let reuse = reuse.map(|d| if variant == Variant::SHIPPED { d } else { d.join(variant.name()) });
        let outputs = results::run_all(&plan, &load, jobs, reuse.as_deref(), &report).map_err(|e| e.to_string())?;
        noteln!("all {total} runs in {:.1} s", start.elapsed().as_secs_f32());
        match (shard, out) {
            // A variant's file (the shipped one's too) is read by `by-variant`, not by the page:
            // no split files beside it.
            (_, Some(out)) if asked.is_some() => {
                let text = serde_json::to_string(&results::results(&plan, &outputs)).map_err(|e| e.to_string())?;
                Ok(write_file(&out, (text + "\n").as_bytes())?)
            }
            (_, Some(out)) => {
                write_results(&out, &results::results(&plan, &outputs))?;
                // The shipped column of the claims × variants comparison, from the same runs:
                // trained, untrained and the retina control (which the shipped run always has),
                // judged as every variant's are.
                if let Some(path) = a.path("comparison") {
                    let column = Plan {
                        experiments: plan.experiments.clone(),
                        ..Plan::for_variant(plan.seeds.clone(), plan.size, variant).with_retina_control()
                    };
                    let runs: results::Outputs =
                        outputs.into_iter().filter(|((c, _), _)| column.conditions.contains(c)).collect();
                    let text = serde_json::to_string(&results::results(&column, &runs)).map_err(|e| e.to_string())?;
                    write_file(&path, (text + "\n").as_bytes())?;
                    noteln!(
                        "the shipped column of the comparison (trained, untrained, retina control): {}",
                        path.display()
                    );
                }
                Ok(())
            }
            (Some(s), None) => {
                noteln!("shard {}/{}: its runs are kept in {}", s.k, s.n, reuse.expect("checked above").display());
                Ok(())
            }
            (None, None) => unreachable!("--out is required without --shard"),
        }
    }

    /// The whole results file, compact (with every seed's raw numbers it is 3.5 MB
    /// pretty-printed, 1.3 MB compact; only tests and readers of the data open it), and beside
    /// it the split files the page loads.
    fn write_results(path: &Path, whole: &serde_json::Value) -> Result<(), String> {
        let text = serde_json::to_string(whole).map_err(|e| e.to_string())?;
        write_file(path, (text + "\n").as_bytes())?;
        write_split(path, whole)
    }

    /// The page loads each experiment figure's results only when the reader comes near it, so
    /// that nobody parses the receptive-field maps who never scrolls to them: beside
    /// `results.json`, a directory `results/` with one `NAME.json` per experiment and an
    /// `index.json` that names them. Compact, like the whole file: a reader downloads them, and
    /// indentation was a third of their bytes.
    fn write_split(whole_path: &Path, whole: &serde_json::Value) -> Result<(), String> {
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
            let text = serde_json::to_string(&v).map_err(|e| e.to_string())?;
            write_file(&dir.join(name), (text + "\n").as_bytes())?;
        }
        Ok(())
    }

    fn cmd_split_results(a: &Args) -> Done {
        let file = PathBuf::from(a.positional.as_ref().ok_or(Failure::Usage("name the results file to split".into()))?);
        let shown = file.display();
        let text = String::from_utf8(read_file(&file)?).map_err(|_| format!("{shown} is not UTF-8 text"))?;
        let whole = serde_json::from_str(&text).map_err(|e| format!("{shown} is not JSON: {e}"))?;
        Ok(write_results(&file, &whole).map_err(|e| format!("{shown}: {e}"))?)
    }

    /// Judges a results file again under data/preregistration.json from the numbers it stores
    /// (no experiment is rerun), and rewrites it and its split files.
    fn cmd_rejudge(a: &Args) -> Done {
        let file =
            PathBuf::from(a.positional.as_ref().ok_or(Failure::Usage("name the results file to judge again".into()))?);
        let shown = file.display();
        let text = String::from_utf8(read_file(&file)?).map_err(|_| format!("{shown} is not UTF-8 text"))?;
        let whole = serde_json::from_str(&text).map_err(|e| format!("{shown} is not JSON: {e}"))?;
        let again = experiments::results::rejudge(&whole).map_err(|e| format!("{shown}: {e}"))?;
        Ok(write_results(&file, &again).map_err(|e| format!("{shown}: {e}"))?)
    }

    /// Sets a weights file's open-set calibration in place: the model as the file stores it,
    /// fitted and thresholded on held-out sketches (`train::calibrate`); the tensors and the
    /// rest of the metadata stay as they are.
    fn cmd_calibrate(a: &Args) -> Done {
        let path = a.need_path("weights")?;
        let score = match a.raw("score") {
            None => train::CHOSEN,
            Some(name) => ventral_stream::openset::Score::parse(&name.to_string_lossy())
                .ok_or(Failure::Usage("--score is one of energy, mahalanobis, typicality, combined".into()))?,
        };
        let shown = path.display();
        let bytes = read_file(&path)?;
        let (model, _) = weights::load(&bytes, None).map_err(|e| format!("{shown}: {e}"))?;
        let c = train::calibrate(&model, score, 2);
        let updated = weights::with_info(
            &bytes,
            &[
                (weights::THRESHOLD_KEY, format!("{}", c.threshold)),
                (weights::CALIBRATION_KEY, c.to_text()),
                ("open_set_rule", format!("{} of {} held-out sketches", train::RECOGNISED_SHARE, train::CALIBRATION_N)),
            ],
        )
        .map_err(|e| format!("{shown}: {e}"))?;
        write_file(&path, &updated)?;
        print(&format!("{shown}: open-set score {}, threshold {:.3}", c.score.name(), c.threshold))
    }

    /// The comparison of `data/openset-choice.json` on the files of seed 1.
    fn cmd_openset_compare(a: &Args) -> Done {
        let n = a.number("n", 5000, &EVAL_N)? as usize;
        let dir =
            a.path("weights-dir").unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/weights")));
        let mut models = Vec::new();
        for name in ["stream", "hierarchy", "gated"] {
            let path = dir.join(format!("{name}.safetensors"));
            let bytes = read_file(&path)?;
            let (model, _) = weights::load(&bytes, None).map_err(|e| format!("{}: {e}", path.display()))?;
            models.push((name, model));
        }
        let refs: Vec<(&str, &Model)> = models.iter().map(|(n, m)| (*n, m)).collect();
        let c = train::compare(&refs, n, 2);
        print(&serde_json::to_string(&c).map_err(|e| e.to_string())?)
    }

    /// The usage index of every variant (issue 24), on each seed whose stream file exists, and
    /// the primary test bed the plan's rule chooses from it alone.
    fn cmd_usage(a: &Args) -> Done {
        use experiments::usage;
        let out = a.out()?;
        let dir = a.path("weights-dir").unwrap_or_else(experiments::weights_dir);
        let variants: Vec<Variant> = match a.text("variants")? {
            Some(list) => {
                list.split(',').map(Variant::parse).collect::<Result<_, _>>().map_err(|e| Failure::Usage(e.into()))?
            }
            None => Variant::ALL.to_vec(),
        };
        let n = a.number("n", usage::IMAGES as u64, &EVAL_N)? as usize;
        let load = |wiring: Wiring, v: Variant, seed: u64| -> Option<Model> {
            let path = experiments::weights_file(&dir, &experiments::variant_model_name(wiring, v), seed);
            let bytes = std::fs::read(&path).ok()?;
            weights::load(&bytes, Some(wiring)).ok().map(|(m, _)| m).filter(|m| m.variant == v)
        };
        // One (variant, seed) per task, spread over --jobs threads; each task is independent, and
        // the results are gathered in the same order whatever the number of threads.
        let jobs = a.number("jobs", 1, &JOBS)? as usize;
        let tasks: Vec<(usize, u64)> = (0..variants.len())
            .flat_map(|i| (1..=SEEDS_LOOKED_AT).map(move |seed| (i, seed)))
            .filter(|&(i, seed)| {
                let path = experiments::weights_file(
                    &dir,
                    &experiments::variant_model_name(Wiring::Stream, variants[i]),
                    seed,
                );
                path.exists()
            })
            .collect();
        type Measured = Option<(usage::Usage, usize, Option<f64>, [Option<f64>; 2])>;
        let measure_one = |&(i, seed): &(usize, u64)| -> Result<Measured, String> {
            let v = variants[i];
            let Some(stream) = load(Wiring::Stream, v, seed) else { return Ok(None) };
            let start = Instant::now();
            let u = usage::measure(&stream, n, &mut |_| true).map_err(|e| e.to_string())?;
            let (mut twin, mut columns) = (None, [None, None]);
            if let Some(h) = load(Wiring::Hierarchy, v, seed) {
                twin = Some(usage::bypass_retention(&h, n, &mut |_| true).map_err(|e| e.to_string())?);
                for (kept, model) in columns.iter_mut().zip([&stream, &h]) {
                    *kept = usage::column_retention(model, n, &mut |_| true).map_err(|e| e.to_string())?;
                }
            }
            noteln!("{} seed {seed}: {u:?} ({:.1} s)", v.name(), start.elapsed().as_secs_f32());
            Ok(Some((u, stream.parameter_count(), twin, columns)))
        };
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done: std::sync::Mutex<Vec<Option<Result<Measured, String>>>> =
            std::sync::Mutex::new((0..tasks.len()).map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..jobs.min(tasks.len()).max(1) {
                scope.spawn(|| loop {
                    let t = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(task) = tasks.get(t) else { break };
                    let r = measure_one(task);
                    done.lock().expect("no thread panics while holding it")[t] = Some(r);
                });
            }
        });
        let mut done = done.into_inner().expect("the threads are done").into_iter();
        let mut measured: Vec<(usize, u64, Measured)> = Vec::new();
        for &(i, seed) in &tasks {
            measured.push((i, seed, done.next().flatten().expect("every task ran")?));
        }
        let (mut summaries, mut twins, mut columns) = (Vec::new(), serde_json::Map::new(), serde_json::Map::new());
        for (i, &v) in variants.iter().enumerate() {
            let (mut seeds, mut per_seed, mut twin) = (Vec::new(), Vec::new(), Vec::new());
            // The columns variant's own question, beside the plan's index and not in it.
            let mut column_kept: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
            let mut parameters = 0;
            for (_, seed, m) in measured.iter().filter(|(j, _, _)| *j == i) {
                let Some((u, p, t, c)) = m else { continue };
                per_seed.push(*u);
                twin.extend(*t);
                for (kept, value) in column_kept.iter_mut().zip(c) {
                    kept.extend(*value);
                }
                parameters = *p;
                seeds.push(*seed);
            }
            if seeds.is_empty() {
                noteln!("{}: no trained stream in {}; left out", v.name(), dir.display());
                continue;
            }
            if !twin.is_empty() {
                let e = experiments::stats::estimate(&twin);
                twins.insert(v.name().into(), serde_json::json!({ "bypass_retention": e }));
            }
            let [stream, hierarchy] = &column_kept;
            if !stream.is_empty() {
                let (s, h) = (experiments::stats::estimate(stream), experiments::stats::estimate(hierarchy));
                noteln!("{}: one column silenced keeps {:.3} (stream), {:.3} (hierarchy)", v.name(), s.mean, h.mean);
                columns.insert(v.name().into(), serde_json::json!({ "stream": s, "hierarchy": h }));
            }
            summaries.push(usage::summarise(v.name(), &seeds, parameters, &per_seed));
        }
        let plan = &experiments::preregistration::plan().usage_index;
        let primary = usage::choose_primary(&summaries).map(|s| s.variant.clone());
        noteln!("primary test bed: {}", primary.as_deref().unwrap_or("none (no variant has enough seeds)"));
        let whole = serde_json::json!({
            "variants": summaries.iter().map(|s| s.variant.clone()).collect::<Vec<_>>(),
            "usage": summaries.iter().map(|s| (s.variant.clone(), serde_json::to_value(s).expect("plain data"))).collect::<serde_json::Map<_, _>>(),
            "hierarchy_twins": twins,
            "column_retention": columns,
            "seeds_by_variant": summaries.iter().map(|s| (s.variant.clone(), serde_json::json!(s.seeds))).collect::<serde_json::Map<_, _>>(),
            "primary": primary,
            "rule": plan.choice,
            "images": n,
            "preregistration_sha256": experiments::preregistration::sha256(),
        });
        let text = serde_json::to_string_pretty(&whole).map_err(|e| e.to_string())?;
        Ok(write_file(&out, (text + "\n").as_bytes())?)
    }

    fn cmd_init(a: &Args) -> Done {
        let seed = a.seed(1)?;
        let wiring = a.wiring()?;
        let out = a.out()?;
        let model = Model::init(wiring, seed);
        let bytes = weights::save(&model, &[("seed", seed.to_string()), ("trained", "no".into())], a.flag("quantize"));
        Ok(write_file(&out, &bytes)?)
    }

    pub fn main() -> ExitCode {
        train::keep_freed_memory();
        let args = match parse(lexopt::Parser::from_env()) {
            Ok(a) => a,
            Err((spec, e)) => {
                let how = spec.map_or_else(usage, |s| format!("usage: {}", s.usage));
                noteln!("error: {e}\n{how}");
                return ExitCode::from(2);
            }
        };
        let result = match args.spec.name {
            "run" => cmd_run(&args),
            "train" => cmd_train(&args),
            "train-losses" => cmd_train_losses(&args),
            "eval" => cmd_eval(&args),
            "init" => cmd_init(&args),
            "calibrate" => cmd_calibrate(&args),
            "openset-compare" => cmd_openset_compare(&args),
            "experiment" => cmd_experiment(&args),
            "experiments" => cmd_experiments(&args),
            "split-results" => cmd_split_results(&args),
            "rejudge" => cmd_rejudge(&args),
            "usage" => cmd_usage(&args),
            "by-variant" => cmd_by_variant(&args),
            _ => print(&usage()),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(Failure::Usage(e)) => {
                noteln!("error: {e}\nusage: {}", args.spec.usage);
                ExitCode::from(2)
            }
            Err(Failure::Error(e)) => {
                noteln!("error: {e}");
                ExitCode::FAILURE
            }
            Err(Failure::Closed) => ExitCode::from(141),
        }
    }
}
