//! The names that cross the edge: wirings, stations and layers as typed ids.
//!
//! A name from JavaScript, the command line or an experiment's options is
//! parsed once, where it arrives, into one of these; past that point the core
//! matches on enums, never on strings. An unknown name is refused with the
//! valid choices. `www/js/names.js` holds the same lists for the page; a
//! native test (tests/names.rs) fails when the two drift apart.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A name that is none of the valid choices for its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    /// What was expected: "wiring", "station", "layer", "experiment", …
    pub kind: &'static str,
    pub got: String,
    pub valid: Vec<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "unknown {} {:?}: expected one of {}", self.kind, self.got, self.valid.join(", "))
    }
}

impl std::error::Error for UnknownName {}

impl From<UnknownName> for String {
    fn from(e: UnknownName) -> String {
        e.to_string()
    }
}

/// The one parser behind every `parse`: the id in `all` whose name is `s`.
pub fn parse_among<T: Copy>(
    kind: &'static str,
    s: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, UnknownName> {
    all.iter().copied().find(|&t| name(t) == s).ok_or_else(|| UnknownName {
        kind,
        got: s.to_string(),
        valid: all.iter().map(|&t| name(t)).collect(),
    })
}

/// How the stations are joined to the stream (docs/DESIGN.md 1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Wiring {
    /// Each station adds its write to the stream: s_k = D(s_{k−1}) + w_k.
    Stream,
    /// Each station replaces the stream with its write: s_k = w_k.
    Hierarchy,
    /// As the stream, with dendritic gated L2/3.
    Gated,
}

impl Wiring {
    pub const ALL: [Wiring; 3] = [Wiring::Stream, Wiring::Hierarchy, Wiring::Gated];
    /// The wirings the page shows side by side (a wasm Viewer holds these).
    pub const SHOWN: [Wiring; 2] = [Wiring::Stream, Wiring::Hierarchy];
    pub fn name(self) -> &'static str {
        match self {
            Wiring::Stream => "stream",
            Wiring::Hierarchy => "hierarchy",
            Wiring::Gated => "gated",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownName> {
        parse_among("wiring", s, &Wiring::ALL, Wiring::name)
    }
    /// Does each station add to the stream (rather than replace it)?
    pub fn residual(self) -> bool {
        self != Wiring::Hierarchy
    }
}

/// One value for each of the two wirings compared side by side ([`Wiring::SHOWN`]), written
/// in JSON under their names. A test checks that the field names are the wirings' names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "names/"))]
pub struct ByWiring<T> {
    pub stream: T,
    pub hierarchy: T,
}

impl<T> ByWiring<T> {
    /// The value of each shown wiring, made from its id.
    pub fn from_fn(mut f: impl FnMut(Wiring) -> T) -> Self {
        ByWiring { stream: f(Wiring::Stream), hierarchy: f(Wiring::Hierarchy) }
    }
    /// The value of `w`, or None for a wiring that is not shown (gated).
    pub fn get(&self, w: Wiring) -> Option<&T> {
        match w {
            Wiring::Stream => Some(&self.stream),
            Wiring::Hierarchy => Some(&self.hierarchy),
            Wiring::Gated => None,
        }
    }
    pub fn get_mut(&mut self, w: Wiring) -> Option<&mut T> {
        match w {
            Wiring::Stream => Some(&mut self.stream),
            Wiring::Hierarchy => Some(&mut self.hierarchy),
            Wiring::Gated => None,
        }
    }
    pub fn as_ref(&self) -> ByWiring<&T> {
        ByWiring { stream: &self.stream, hierarchy: &self.hierarchy }
    }
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> ByWiring<U> {
        ByWiring { stream: f(self.stream), hierarchy: f(self.hierarchy) }
    }
    /// Each shown wiring with its value, in the order of [`Wiring::SHOWN`].
    pub fn iter(&self) -> impl Iterator<Item = (Wiring, &T)> {
        [(Wiring::Stream, &self.stream), (Wiring::Hierarchy, &self.hierarchy)].into_iter()
    }
}

/// One value for each station, written in JSON under the station's name (the experiments'
/// outputs keep per-station results this way, so a figure reads `V1` rather than `0`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "names/"))]
pub struct ByStation<T> {
    #[serde(rename = "V1")]
    pub v1: T,
    #[serde(rename = "V2")]
    pub v2: T,
    #[serde(rename = "V4")]
    pub v4: T,
    #[serde(rename = "IT")]
    pub it: T,
}

impl<T> ByStation<T> {
    /// The value of each station, made from its id in the stream's order.
    pub fn from_fn(mut f: impl FnMut(Station) -> T) -> Self {
        ByStation { v1: f(Station::V1), v2: f(Station::V2), v4: f(Station::V4), it: f(Station::IT) }
    }
    /// The value at station `s`.
    pub fn at(&self, s: Station) -> &T {
        match s {
            Station::V1 => &self.v1,
            Station::V2 => &self.v2,
            Station::V4 => &self.v4,
            Station::IT => &self.it,
        }
    }
}

/// A station of the ventral stream, in the order the image travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Station {
    V1,
    V2,
    V4,
    IT,
}

impl Station {
    pub const ALL: [Station; 4] = [Station::V1, Station::V2, Station::V4, Station::IT];
    pub const fn name(self) -> &'static str {
        match self {
            Station::V1 => "V1",
            Station::V2 => "V2",
            Station::V4 => "V4",
            Station::IT => "IT",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownName> {
        parse_among("station", s, &Station::ALL, Station::name)
    }
    /// Its place along the stream: 0 for V1 … 3 for IT.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The station names in order (JSON keys, weight-file prefixes).
pub const STATION_NAMES: [&str; 4] = [Station::V1.name(), Station::V2.name(), Station::V4.name(), Station::IT.name()];

/// A layer of a station: what a reader can look at in a [`crate::station::StationTrace`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// L4's rates: the station reads the stream.
    L4,
    /// L2/3's rates: the station computes.
    L23,
    /// What L5 writes (signed).
    Write,
    /// The stream after the station (the write added to what arrived, or the write alone).
    L5,
}

impl Layer {
    pub const ALL: [Layer; 4] = [Layer::L4, Layer::L23, Layer::Write, Layer::L5];
    /// The layers of rates and of the stream, without the write: what the
    /// experiments measure and a receptive field is asked of most often.
    pub const CELLS: [Layer; 3] = [Layer::L4, Layer::L23, Layer::L5];
    /// The layers of firing rates (≥ 0).
    pub const RATES: [Layer; 2] = [Layer::L4, Layer::L23];
    pub fn name(self) -> &'static str {
        match self {
            Layer::L4 => "l4",
            Layer::L23 => "l23",
            Layer::Write => "write",
            Layer::L5 => "l5",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownName> {
        parse_among("layer", s, &Layer::ALL, Layer::name)
    }
    /// Signed values (the write and the stream) rather than rates (≥ 0).
    pub fn signed(self) -> bool {
        matches!(self, Layer::Write | Layer::L5)
    }
}

/// Every id is written as its name.
macro_rules! display_by_name {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    )*};
}
display_by_name!(Wiring, Station, Layer);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_id() {
        for w in Wiring::ALL {
            assert_eq!(Wiring::parse(w.name()), Ok(w));
        }
        for s in Station::ALL {
            assert_eq!(Station::parse(s.name()), Ok(s));
            assert_eq!(STATION_NAMES[s.index()], s.name());
        }
        for l in Layer::ALL {
            assert_eq!(Layer::parse(l.name()), Ok(l));
        }
    }

    #[test]
    fn a_by_wiring_value_is_written_under_each_shown_wiring_s_name() {
        let v = serde_json::to_value(ByWiring::from_fn(|w| w.name())).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut shown: Vec<&str> = Wiring::SHOWN.iter().map(|w| w.name()).collect();
        shown.sort_unstable();
        assert_eq!(keys, shown);
        for w in Wiring::SHOWN {
            assert_eq!(v[w.name()], w.name());
        }
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_valid_choices() {
        let e = Layer::parse("l6").unwrap_err();
        assert_eq!(e.to_string(), r#"unknown layer "l6": expected one of l4, l23, write, l5"#);
        assert!(Station::parse("v1").unwrap_err().to_string().contains("V1, V2, V4, IT"));
        assert!(Wiring::parse("ladder").unwrap_err().to_string().contains("stream, hierarchy, gated"));
        // No silent default: an empty name is as unknown as any other.
        assert!(Layer::parse("").is_err());
    }
}
