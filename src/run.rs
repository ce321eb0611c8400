//! One image through one model, summarised: what the command line prints and
//! what the page receives (through serde).

use crate::layers::Maps;
use crate::model::{Model, Trace};
use crate::openset::{self, energy, input_stats, recognised, Calibration, Features};
use crate::stimuli::CATEGORIES;
use crate::{input, retina};
use serde::Serialize;

#[derive(Serialize, Debug, Clone)]
pub struct LayerSummary {
    /// [height, width, channels]
    pub shape: [usize; 3],
    pub mean: f32,
    pub max: f32,
    pub min: f32,
    /// Fraction of units above zero.
    pub active: f32,
}

#[derive(Serialize, Debug, Clone)]
pub struct StationSummary {
    pub name: &'static str,
    pub side: usize,
    pub lesioned: bool,
    pub l4: LayerSummary,
    pub l23: LayerSummary,
    pub write: LayerSummary,
    pub l5: LayerSummary,
}

#[derive(Serialize, Debug, Clone)]
pub struct ContributionSummary {
    pub direct: Vec<f32>,
    #[serde(rename = "V1")]
    pub v1: Vec<f32>,
    #[serde(rename = "V2")]
    pub v2: Vec<f32>,
    #[serde(rename = "V4")]
    pub v4: Vec<f32>,
    #[serde(rename = "IT")]
    pub it: Vec<f32>,
    pub bias: Vec<f32>,
}

#[derive(Serialize, Debug, Clone)]
pub struct Summary {
    pub wiring: &'static str,
    pub stations: Vec<StationSummary>,
    pub logits: Vec<f32>,
    pub probs: Vec<f32>,
    pub category: &'static str,
    pub probability: f32,
    pub behaviour: &'static str,
    /// The open-set score the weights file is calibrated on (`score_name`; the energy
    /// −logsumexp(logits) for a file without a calibration). Low means the picture looks like
    /// the sketches the model was trained on.
    pub score: f32,
    pub score_name: &'static str,
    /// The weights file's threshold on `score` (None for a file that has none).
    pub threshold: Option<f32>,
    /// `score ≤ threshold`: one of the ten kinds. Always true without a threshold. When false,
    /// `category` is only the closest kind and `behaviour` is "keep looking".
    pub recognised: bool,
    pub orientation_probs: Vec<f32>,
    /// Stream wirings only: the exact split of `logits` by path.
    pub contributions: Option<ContributionSummary>,
}

/// The post's behaviours: see tiger → run away; see grandmother → don't.
pub fn behaviour(category: &str) -> &'static str {
    match category {
        "tiger" => "run away",
        "grandmother" => "don't run away",
        _ => "keep looking",
    }
}

pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let e: Vec<f32> = logits.iter().map(|v| (v - max).exp()).collect();
    let s: f32 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// Image `b`'s maps of one layer: [side, side, channels] and statistics.
pub fn summarise(m: &Maps, b: usize) -> LayerSummary {
    let p = m.pixels();
    let block = m.x.slice(ndarray::s![b * p..(b + 1) * p, ..]);
    let n = block.len().max(1) as f32;
    LayerSummary {
        shape: [m.side, m.side, m.channels()],
        mean: block.sum() / n,
        max: block.iter().fold(f32::NEG_INFINITY, |a, &v| a.max(v)),
        min: block.iter().fold(f32::INFINITY, |a, &v| a.min(v)),
        active: block.iter().filter(|&&v| v > 0.0).count() as f32 / n,
    }
}

/// Summary of image `b` of a trace; `calibration` is the weights file's open-set calibration
/// (None: no threshold, every picture recognised) and `image` the adapted 64×64 image the
/// retina saw (its statistics are one of the scores).
pub fn summary(model: &Model, t: &Trace, b: usize, calibration: Option<&Calibration>, image: &[f32]) -> Summary {
    let logits = t.category_logits.row(b).to_vec();
    let (score, score_name, threshold) = match calibration {
        Some(c) => {
            let f = Features { logits: logits.clone(), pooled: t.pooled.row(b).to_vec(), stats: input_stats(image) };
            (openset::judge(c, &f).0, c.score.name(), Some(c.threshold))
        }
        None => (energy(&logits), "energy", None),
    };
    let known = recognised(score, threshold);
    let probs = softmax(&logits);
    let best = (0..probs.len()).max_by(|&i, &j| probs[i].total_cmp(&probs[j])).unwrap_or(0);
    let category = CATEGORIES[best];
    Summary {
        wiring: model.wiring.name(),
        stations: t
            .stations
            .iter()
            .zip(&model.stations)
            .enumerate()
            .map(|(k, (s, st))| StationSummary {
                name: st.name,
                side: s.l5.side,
                lesioned: model.lesions[k],
                l4: summarise(&s.l4, b),
                l23: summarise(&s.l23, b),
                write: summarise(&s.write, b),
                l5: summarise(&s.l5, b),
            })
            .collect(),
        probability: probs[best],
        orientation_probs: softmax(&t.orientation_logits.row(b).to_vec()),
        contributions: model.contributions(t, b).map(|c| ContributionSummary {
            direct: c.direct,
            v1: c.stations[0].clone(),
            v2: c.stations[1].clone(),
            v4: c.stations[2].clone(),
            it: c.stations[3].clone(),
            bias: c.bias,
        }),
        logits,
        probs,
        category,
        behaviour: if known { behaviour(category) } else { "keep looking" },
        score,
        score_name,
        threshold,
        recognised: known,
    }
}

/// RGBA pixels → trace.
pub fn run_rgba(model: &Model, rgba: &[u8], width: usize, height: usize) -> Result<Trace, input::InputError> {
    Ok(run_rgba_with_image(model, rgba, width, height)?.0)
}

/// RGBA pixels → trace, and the adapted image the retina saw.
pub fn run_rgba_with_image(
    model: &Model,
    rgba: &[u8],
    width: usize,
    height: usize,
) -> Result<(Trace, Vec<f32>), input::InputError> {
    let img = input::from_rgba(rgba, width, height)?;
    Ok((model.forward(retina::lgn(&img)), img))
}
