//! Spreading the experiments over machines (issue 24): the shards of a plan, each run on its
//! own and kept in one directory, merge into the results file one machine makes, byte for byte;
//! a merge that lacks a shard says so and writes nothing.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ventral-stream")).args(args).output().expect("the binary runs")
}

fn ok(args: &[&str]) {
    let out = bin(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A fresh directory of this test's own (the tests of a binary run at once).
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ventral-stream-shard-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The cheap experiment (a few seconds a run at the quick size) on two seeds, in every
/// condition it runs in: enough runs that each of three shards holds some.
const PLAN: [&str; 8] = ["experiments", "--size", "quick", "--seeds", "1,2", "--only", "virtual-weights", "--jobs"];

#[test]
fn three_shards_merge_into_what_one_machine_makes() {
    let dir = scratch("merge");
    let (one, merged, kept) = (dir.join("one.json"), dir.join("merged.json"), dir.join("kept"));
    let mut args: Vec<&str> = PLAN.to_vec();
    args.extend(["2", "--out", s(&one)]);
    ok(&args);

    for shard in ["1/3", "2/3", "3/3"] {
        let mut args: Vec<&str> = PLAN.to_vec();
        args.extend(["1", "--shard", shard, "--reuse", s(&kept)]);
        ok(&args);
        // A merge before the last shard has run refuses, naming what it lacks.
        if shard != "3/3" {
            let mut args: Vec<&str> = PLAN.to_vec();
            args.extend(["1", "--merge", "--reuse", s(&kept), "--out", s(&merged)]);
            let out = bin(&args);
            assert_eq!(out.status.code(), Some(1));
            assert!(String::from_utf8_lossy(&out.stderr).contains("cannot merge"));
            assert!(!merged.exists(), "a refused merge writes nothing");
        }
    }
    let mut args: Vec<&str> = PLAN.to_vec();
    args.extend(["1", "--merge", "--reuse", s(&kept), "--out", s(&merged)]);
    let out = bin(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Nothing ran again: every run was read back from the shards.
    let log = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = log.lines().filter(|l| l.starts_with('[')).collect();
    assert!(!lines.is_empty() && lines.iter().all(|l| l.ends_with("reused")), "{log}");

    assert_eq!(
        std::fs::read(&merged).unwrap(),
        std::fs::read(&one).unwrap(),
        "the merge differs from one machine's run"
    );
    let split = |p: &Path| std::fs::read(p.with_extension("").join("virtual-weights.json")).unwrap();
    assert_eq!(split(&merged), split(&one));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_shard_is_k_of_n_and_needs_a_place_to_keep_its_runs() {
    let dir = scratch("args");
    let kept = dir.join("kept");
    for bad in ["0/3", "4/3", "1/0", "a/b", "2"] {
        let out = bin(&["experiments", "--size", "quick", "--shard", bad, "--reuse", s(&kept)]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let out = bin(&["experiments", "--size", "quick", "--shard", "1/2"]);
    assert_eq!(out.status.code(), Some(2), "a shard without --reuse");
    let out = bin(&["experiments", "--size", "quick", "--shard", "1/2", "--reuse", s(&kept), "--out", "x.json"]);
    assert_eq!(out.status.code(), Some(2), "a shard writes no results file");
    let _ = std::fs::remove_dir_all(&dir);
}
