//! Sentence templates: `{figure}`, `{figure@量词}`, `{figure~}` (approximate),
//! `{figure!}` (exact), `[optional …]`. See [`crate::outline`].

use std::collections::HashMap;

use domain::cn::{self, Measure};

/// A figure a feed offers to its template.
#[derive(Debug, Clone, PartialEq)]
pub enum Fig {
    /// A count with its default measure word. `people` counts use the
    /// head-count rule (近190人 / 500余名) unless the template says `!` or `~`.
    Count {
        n: u64,
        measure: &'static str,
        people: bool,
        head_counted: bool,
    },
    /// Ready-made words (names, dates, 倡议书220份 …); empty means missing.
    Text(String),
}

pub type Figures = HashMap<&'static str, Fig>;

pub fn count(n: u64, measure: &'static str) -> Fig {
    Fig::Count {
        n,
        measure,
        people: false,
        head_counted: false,
    }
}

pub fn people(n: u64, head_counted: bool) -> Fig {
    Fig::Count {
        n,
        measure: "名",
        people: true,
        head_counted,
    }
}

pub fn text(s: impl Into<String>) -> Fig {
    Fig::Text(s.into())
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Default,
    Approx,
    Exact,
}

/// `cn` phrasing with any measure word: the number part never depends on it.
fn with_word(f: fn(u64, Measure) -> String, n: u64, word: &str) -> String {
    let s = f(n, Measure::Ge);
    format!("{}{word}", s.strip_suffix('个').unwrap_or(&s))
}

/// People counts: a head count just under a round value (within 5% and in
/// the upper half of its step) is stated with 近 (188 → 近190人); other
/// counts of 20 and more round down with 余 (516 → 500余名); round values
/// are stated as they are (190人).
pub fn people_phrase(n: u64, head_counted: bool, word: &str) -> String {
    let step = if n < 1000 {
        10
    } else {
        10u64.pow(n.max(1).ilog10()) / 10
    };
    if n.is_multiple_of(step) {
        // Already round (190, 480, 1200): stated as it is.
        return with_word(cn::count, n, word);
    }
    if head_counted && n >= 20 {
        let round = n.div_ceil(step) * step;
        // Close to the round value both relatively (5%) and within its step
        // (the upper half), so 172 stays 170余人 and 201 stays 200余人.
        let gap = round - n;
        if gap > 0 && gap * 20 <= round && gap * 2 < step {
            return with_word(cn::count_near, n, word);
        }
    }
    with_word(cn::count_approx, n, word)
}

fn render(fig: &Fig, measure: Option<&str>, mode: Mode) -> Option<String> {
    match fig {
        Fig::Text(s) => (!s.is_empty()).then(|| s.clone()),
        Fig::Count {
            n,
            measure: default,
            people,
            head_counted,
        } => {
            if *n == 0 {
                return None;
            }
            let word = measure.unwrap_or(default);
            Some(match mode {
                Mode::Exact => with_word(cn::count, *n, word),
                Mode::Approx => with_word(cn::count_approx, *n, word),
                Mode::Default if *people => people_phrase(*n, *head_counted, word),
                Mode::Default => with_word(cn::count, *n, word),
            })
        }
    }
}

fn placeholder(spec: &str, figs: &Figures) -> Option<String> {
    let (spec, mode) = match spec.chars().last() {
        Some('~') => (&spec[..spec.len() - 1], Mode::Approx),
        Some('!') => (&spec[..spec.len() - 1], Mode::Exact),
        _ => (spec, Mode::Default),
    };
    let (name, measure) = match spec.split_once('@') {
        Some((n, m)) => (n, Some(m)),
        None => (spec, None),
    };
    render(figs.get(name.trim())?, measure, mode)
}

/// Fills `s` (no brackets inside); None when a figure is missing.
fn fill_flat(s: &str, figs: &Figures) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            return Some(out);
        };
        out.push_str(&placeholder(&after[..j], figs)?);
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// One sentence: optional groups dropped when a figure inside is missing;
/// None when a figure outside any group is missing.
fn fill_sentence(s: &str, figs: &Figures) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('[') {
        out.push_str(&fill_flat(&rest[..i], figs)?);
        let after = &rest[i + 1..];
        let Some(j) = after.find(']') else {
            rest = after;
            break;
        };
        if let Some(g) = fill_flat(&after[..j], figs) {
            out.push_str(&g);
        }
        rest = &after[j + 1..];
    }
    out.push_str(&fill_flat(rest, figs)?);
    Some(out)
}

/// Fills a template: one paragraph per line, sentences (ending in 。！？) kept
/// only when their figures are there. Empty paragraphs are dropped.
pub fn fill(template: &str, figs: &Figures) -> Vec<String> {
    template
        .lines()
        .filter_map(|line| {
            let mut para = String::new();
            let mut sentence = String::new();
            for ch in line.chars() {
                sentence.push(ch);
                if matches!(ch, '。' | '！' | '？') {
                    para.push_str(&fill_sentence(&sentence, figs).unwrap_or_default());
                    sentence.clear();
                }
            }
            para.push_str(&fill_sentence(&sentence, figs).unwrap_or_default());
            let para = para.trim().to_string();
            (!para.is_empty()).then_some(para)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figs(pairs: &[(&'static str, Fig)]) -> Figures {
        pairs.iter().cloned().collect()
    }

    #[test]
    fn placeholders_take_measure_words_and_modes() {
        let f = figs(&[("count", count(32, "期")), ("n", count(117, "件"))]);
        assert_eq!(
            fill("共{count}，约{count~}，作品{n}，{n@份}。", &f),
            vec!["共32期，约30余期，作品117件，117份。"]
        );
    }

    #[test]
    fn people_use_near_only_for_head_counts_just_under_a_round_ten() {
        assert_eq!(people_phrase(188, true, "人"), "近190人");
        assert_eq!(people_phrase(516, false, "名"), "500余名");
        assert_eq!(people_phrase(172, true, "人"), "100余人");
        assert_eq!(people_phrase(12, true, "人"), "12人");
        assert_eq!(people_phrase(190, true, "人"), "190人");
    }

    #[test]
    fn missing_figures_drop_their_group_or_sentence() {
        let f = figs(&[
            ("a", count(3, "篇")),
            ("z", count(0, "篇")),
            ("t", text("")),
        ]);
        assert_eq!(
            fill("有{a}[，转载{z}]。无{z}。[{t}]好。", &f),
            vec!["有3篇。好。"]
        );
        assert!(fill("无{z}。", &f).is_empty());
    }
}
