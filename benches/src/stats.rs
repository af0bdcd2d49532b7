//! Summaries of measured durations: exact percentiles over every sample, mean and standard deviation.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A summary of durations, every figure in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub count: usize,
    pub min: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
    pub stddev: f64,
}

impl Summary {
    /// Summarises samples given in nanoseconds.
    ///
    /// # Panics
    ///
    /// Panics when `samples` is empty, because no figure of an empty set is meaningful.
    pub fn of_nanos(samples: &[f64]) -> Summary {
        assert!(!samples.is_empty(), "summary of no samples");
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let count = sorted.len();
        let mean = sorted.iter().sum::<f64>() / count as f64;
        let variance = sorted.iter().map(|sample| (sample - mean).powi(2)).sum::<f64>() / count as f64;
        Summary {
            count,
            min: sorted[0],
            p50: percentile(&sorted, 50.0),
            p90: percentile(&sorted, 90.0),
            p99: percentile(&sorted, 99.0),
            max: sorted[count - 1],
            mean,
            stddev: variance.sqrt(),
        }
    }

    /// Summarises durations.
    pub fn of_durations(samples: &[Duration]) -> Summary {
        let nanos: Vec<f64> = samples.iter().map(|duration| duration.as_nanos() as f64).collect();
        Summary::of_nanos(&nanos)
    }

    /// Summarises samples given in seconds, as hyperfine records them.
    pub fn of_seconds(samples: &[f64]) -> Summary {
        let nanos: Vec<f64> = samples.iter().map(|seconds| seconds * 1e9).collect();
        Summary::of_nanos(&nanos)
    }
}

/// Returns the nearest-rank percentile of sorted samples: the smallest sample with at least `percent` of all samples
/// at or below it.
fn percentile(sorted: &[f64], percent: f64) -> f64 {
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        let summary = Summary::of_nanos(&samples);
        assert_eq!(summary.p50, 50.0);
        assert_eq!(summary.p90, 90.0);
        assert_eq!(summary.p99, 99.0);
        assert_eq!(summary.min, 1.0);
        assert_eq!(summary.max, 100.0);
    }

    #[test]
    fn single_sample_is_every_percentile() {
        let summary = Summary::of_nanos(&[7.0]);
        assert_eq!(summary.p50, 7.0);
        assert_eq!(summary.p99, 7.0);
        assert_eq!(summary.stddev, 0.0);
    }

    #[test]
    fn unsorted_input_sorted_first() {
        let summary = Summary::of_nanos(&[3.0, 1.0, 2.0]);
        assert_eq!(summary.p50, 2.0);
        assert_eq!(summary.mean, 2.0);
    }
}
