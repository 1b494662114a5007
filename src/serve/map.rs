//! The 17 시·도 as SVG paths, for the page's map: the embedded TopoJSON (see
//! `assets/README.md` for its source and license) decoded once at start.
//!
//! TopoJSON stores shared borders once as quantized, delta-encoded "arcs"; a polygon ring is a
//! list of arc indexes (`!i` = arc `i` reversed). Coordinates are projected equirectangularly
//! with longitude scaled by cos(36°), which keeps Korea's shape at this size.

use serde::Serialize;
use serde_json::Value;

use crate::data::Resources;
use crate::error::{Error, Result};

const TOPOJSON: &str = include_str!("assets/skorea-provinces-2018-topo-simple.json");
/// Name of the TopoJSON object that holds the provinces.
const OBJECT: &str = "skorea_provinces_2018_geo";
/// Width of the map's SVG coordinate system; the height follows from the shape.
const WIDTH: f64 = 400.0;
/// cos(36°): longitude degrees are this much shorter than latitude degrees at Korea's middle.
const LON_SCALE: f64 = 0.809;

/// The map as the page gets it (`/assets/map.json`).
#[derive(Debug, Serialize)]
pub struct Map {
    /// SVG `viewBox`.
    pub view_box: String,
    pub regions: Vec<MapRegion>,
    /// Attribution the license asks for.
    pub credit: &'static str,
}

/// One 시·도: its facet path in the gazetteer's current name, and its outline.
#[derive(Debug, Serialize)]
pub struct MapRegion {
    pub path: String,
    pub name: String,
    pub d: String,
}

/// Decodes the embedded boundaries; names are resolved through the gazetteer (2018 names such
/// as 강원도 are short forms of the current ones there).
pub fn build(res: &Resources) -> Result<Map> {
    let bad = |reason: &str| Error::Data {
        path: "src/serve/assets/skorea-provinces-2018-topo-simple.json".into(),
        reason: reason.to_string(),
    };
    let topo: Value = serde_json::from_str(TOPOJSON)?;
    let scale = pair(&topo["transform"]["scale"]).ok_or_else(|| bad("no transform.scale"))?;
    let shift = pair(&topo["transform"]["translate"]).ok_or_else(|| bad("no transform"))?;
    let bbox: Vec<f64> = topo["bbox"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if bbox.len() != 4 {
        return Err(bad("no bbox"));
    }
    let k = WIDTH / ((bbox[2] - bbox[0]) * LON_SCALE);
    let height = (bbox[3] - bbox[1]) * k;
    let project = |lon: f64, lat: f64| ((lon - bbox[0]) * LON_SCALE * k, (bbox[3] - lat) * k);
    // Every arc decoded to projected points.
    let arcs: Vec<Vec<(f64, f64)>> = topo["arcs"]
        .as_array()
        .ok_or_else(|| bad("no arcs"))?
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .into_iter()
                .flatten()
                .filter_map(pair)
                .map(|(dx, dy)| {
                    x += dx;
                    y += dy;
                    project(x * scale.0 + shift.0, y * scale.1 + shift.1)
                })
                .collect()
        })
        .collect();
    let mut regions = Vec::new();
    for g in topo["objects"][OBJECT]["geometries"]
        .as_array()
        .ok_or_else(|| bad("no geometries"))?
    {
        let name = g["properties"]["name"].as_str().unwrap_or_default();
        let Some(province) = res
            .gazetteer
            .resolve(name)
            .into_iter()
            .next()
            .and_then(|r| res.gazetteer.province_named(&r.sido).cloned())
        else {
            return Err(bad(&format!("`{name}` is not a 시·도 of data/regions.tsv")));
        };
        let polygons: Vec<&Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["arcs"]],
            Some("MultiPolygon") => g["arcs"].as_array().into_iter().flatten().collect(),
            _ => continue,
        };
        let mut d = String::new();
        for ring in polygons
            .iter()
            .flat_map(|p| p.as_array().into_iter().flatten())
        {
            let mut points: Vec<(f64, f64)> = Vec::new();
            for i in ring
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
            {
                let (idx, reversed) = if i < 0 { (!i, true) } else { (i, false) };
                let Some(arc) = arcs.get(idx as usize) else {
                    return Err(bad("arc index out of range"));
                };
                if reversed {
                    points.extend(arc.iter().rev());
                } else {
                    points.extend(arc.iter());
                }
            }
            ring_path(&mut d, &points);
        }
        regions.push(MapRegion {
            path: province.path(),
            name: province.sido.clone(),
            d,
        });
    }
    Ok(Map {
        view_box: format!("0 0 {WIDTH} {height:.0}"),
        regions,
        credit: "지도: 통계청 SGIS (2018, 공공누리 제1유형)",
    })
}

/// Appends one closed ring, rounded to 0.1 units, dropping points that round to the previous.
fn ring_path(d: &mut String, points: &[(f64, f64)]) {
    let mut last: Option<(i64, i64)> = None;
    for &(x, y) in points {
        let p = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
        if last == Some(p) {
            continue;
        }
        let cmd = if last.is_none() { 'M' } else { 'L' };
        d.push_str(&format!(
            "{cmd}{:.1} {:.1}",
            p.0 as f64 / 10.0,
            p.1 as f64 / 10.0
        ));
        last = Some(p);
    }
    if last.is_some() {
        d.push('Z');
    }
}

fn pair(v: &Value) -> Option<(f64, f64)> {
    Some((v.get(0)?.as_f64()?, v.get(1)?.as_f64()?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_17_provinces_resolve_to_current_names() {
        let res = crate::data::Resources::embedded().expect("data");
        let map = super::build(&res).expect("map");
        assert_eq!(map.regions.len(), 17);
        let paths: Vec<&str> = map.regions.iter().map(|r| r.path.as_str()).collect();
        assert!(paths.contains(&"/강원특별자치도"), "{paths:?}");
        assert!(paths.contains(&"/전북특별자치도"), "{paths:?}");
        assert!(paths.contains(&"/경상북도"));
        for r in &map.regions {
            assert!(r.d.starts_with('M') && r.d.ends_with('Z'), "{}", r.name);
        }
    }
}
