// Placeholder until the stimuli generator lands (being written now).
pub const SIDE: usize = 64;
pub const CATEGORIES: [&str; 10] = ["line", "circle", "triangle", "square", "star", "cube", "house", "tree", "tiger", "grandmother"];
pub const N_ORIENTATIONS: usize = 8;
pub struct Stimulus { pub pixels: Vec<f32>, pub category: Option<usize>, pub orientation: Option<usize> }
pub fn sample(_seed: u64, _index: u64, _edges: bool) -> Stimulus { unimplemented!("placeholder") }
pub fn edge(_bin: usize, _rng: &mut crate::rng::Rng) -> Vec<f32> { unimplemented!("placeholder") }
