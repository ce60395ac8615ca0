//! Small-cell suppression for sensitive sections (rights cases, relief below
//! county level): a count between 1 and 4 is shown as `"<5"`, and when a row
//! has a shown total, a second cell is hidden too (complementary suppression)
//! so the hidden one can't be derived by subtracting the others from the total.

use serde::{Serialize, Serializer};

/// Counts from 1 up to this bound are hidden.
pub const HIDE_BELOW: u64 = 5;

/// A count as published: the number, or hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Shown(u64),
    Hidden,
}

impl Cell {
    /// The text in tables and reviews: `12`, `<5`.
    pub fn text(self) -> String {
        match self {
            Cell::Shown(n) => n.to_string(),
            Cell::Hidden => "<5".into(),
        }
    }

    pub fn shown(self) -> Option<u64> {
        match self {
            Cell::Shown(n) => Some(n),
            Cell::Hidden => None,
        }
    }
}

/// Serializes as a number, or as the string `"<5"` (spec/review.md).
impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Shown(n) => s.serialize_u64(*n),
            Cell::Hidden => s.serialize_str("<5"),
        }
    }
}

fn small(n: u64) -> bool {
    (1..HIDE_BELOW).contains(&n)
}

/// One cell on its own (no total to protect).
pub fn cell(n: u64) -> Cell {
    if small(n) {
        Cell::Hidden
    } else {
        Cell::Shown(n)
    }
}

/// Cells of a row without a published total: only the small ones are hidden.
pub fn row(cells: &[u64]) -> Vec<Cell> {
    cells.iter().map(|&n| cell(n)).collect()
}

/// Cells of a row and their total (the sum). Small cells are hidden; if
/// exactly one cell is hidden while the total is shown, the smallest other
/// non-zero cell is hidden as well. A small total hides every non-zero cell.
pub fn row_with_total(cells: &[u64]) -> (Vec<Cell>, Cell) {
    let total: u64 = cells.iter().sum();
    if small(total) {
        let all = cells
            .iter()
            .map(|&n| if n == 0 { Cell::Shown(0) } else { Cell::Hidden })
            .collect();
        return (all, Cell::Hidden);
    }
    let mut out = row(cells);
    let hidden = out.iter().filter(|c| **c == Cell::Hidden).count();
    if hidden == 1 {
        // The complement: the smallest shown non-zero cell (first on ties).
        let pick = cells
            .iter()
            .enumerate()
            .filter(|(i, n)| out[*i] != Cell::Hidden && **n > 0)
            .min_by_key(|(i, n)| (**n, *i))
            .map(|(i, _)| i);
        match pick {
            Some(i) => out[i] = Cell::Hidden,
            // Nothing else to hide: the total would give the cell away.
            None => return (out, Cell::Hidden),
        }
    }
    (out, Cell::Shown(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Hidden, Shown};

    #[test]
    fn counts_from_one_to_four_are_hidden_zero_and_five_are_not() {
        assert_eq!(
            row(&[0, 1, 4, 5, 17]),
            vec![Shown(0), Hidden, Hidden, Shown(5), Shown(17)]
        );
        assert_eq!(cell(3).text(), "<5");
        assert_eq!(
            serde_json::to_string(&row(&[3, 12])).unwrap(),
            r#"["<5",12]"#
        );
    }

    #[test]
    fn a_lone_hidden_cell_takes_the_smallest_other_cell_with_it() {
        let (cells, total) = row_with_total(&[3, 40, 12, 0]);
        assert_eq!(cells, vec![Hidden, Shown(40), Hidden, Shown(0)]);
        assert_eq!(total, Shown(55));
    }

    #[test]
    fn two_hidden_cells_need_no_complement() {
        let (cells, total) = row_with_total(&[2, 3, 30]);
        assert_eq!(cells, vec![Hidden, Hidden, Shown(30)]);
        assert_eq!(total, Shown(35));
    }

    #[test]
    fn a_small_total_hides_every_non_zero_cell() {
        let (cells, total) = row_with_total(&[0, 2, 1]);
        assert_eq!(cells, vec![Shown(0), Hidden, Hidden]);
        assert_eq!(total, Hidden);
    }

    #[test]
    fn a_single_cell_row_hides_the_total_instead() {
        let (cells, total) = row_with_total(&[3, 0, 9]);
        assert_eq!(cells, vec![Hidden, Shown(0), Hidden]);
        assert_eq!(total, Shown(12));
        let (cells, total) = row_with_total(&[7]);
        assert_eq!((cells, total), (vec![Shown(7)], Shown(7)));
    }
}
