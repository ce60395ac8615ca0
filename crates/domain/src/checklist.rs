//! The standardization workbook's review flow (规范化建设工作手册): an org fills
//! an item in, its township reviews it, then the county.

use serde::Serialize;

/// Where one org's entry for one checklist item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReviewState {
    /// Filled in by the org, waiting for the township.
    Submitted,
    /// Passed by the township, waiting for the county.
    TownshipApproved,
    /// Passed by the county: final.
    CountyApproved,
    /// Sent back with a note; the org fills it in again.
    Returned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewAction {
    Fill,
    TownshipApprove,
    CountyApprove,
    Return,
}

impl ReviewState {
    pub fn code(self) -> &'static str {
        match self {
            ReviewState::Submitted => "submitted",
            ReviewState::TownshipApproved => "township_ok",
            ReviewState::CountyApproved => "county_ok",
            ReviewState::Returned => "returned",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [
            Self::Submitted,
            Self::TownshipApproved,
            Self::CountyApproved,
            Self::Returned,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewState::Submitted => "待乡镇审核",
            ReviewState::TownshipApproved => "待县级审核",
            ReviewState::CountyApproved => "已通过",
            ReviewState::Returned => "已退回",
        }
    }

    /// The allowed transitions, in one match. `None` = a new entry.
    pub fn apply(current: Option<Self>, action: ReviewAction) -> Result<Self, String> {
        use ReviewAction as A;
        use ReviewState as S;
        match (current, action) {
            (None | Some(S::Submitted) | Some(S::Returned), A::Fill) => Ok(S::Submitted),
            (Some(S::Submitted), A::TownshipApprove) => Ok(S::TownshipApproved),
            (Some(S::TownshipApproved), A::CountyApprove) => Ok(S::CountyApproved),
            (Some(S::Submitted | S::TownshipApproved), A::Return) => Ok(S::Returned),
            (Some(s), A::Fill) => Err(format!("该项已{}，不能再修改", s.label())),
            (None, _) => Err("该项尚未填写".into()),
            (Some(s), _) => Err(format!("当前状态为「{}」，不能执行此操作", s.label())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_goes_from_filled_through_township_to_county() {
        let s = ReviewState::apply(None, ReviewAction::Fill).unwrap();
        let s = ReviewState::apply(Some(s), ReviewAction::TownshipApprove).unwrap();
        let s = ReviewState::apply(Some(s), ReviewAction::CountyApprove).unwrap();
        assert_eq!(s, ReviewState::CountyApproved);
    }

    #[test]
    fn county_cannot_approve_before_township() {
        let err = ReviewState::apply(Some(ReviewState::Submitted), ReviewAction::CountyApprove)
            .unwrap_err();
        assert!(err.contains("待乡镇审核"), "{err}");
    }

    #[test]
    fn approved_entry_cannot_be_refilled_but_returned_one_can() {
        assert!(ReviewState::apply(Some(ReviewState::CountyApproved), ReviewAction::Fill).is_err());
        assert_eq!(
            ReviewState::apply(Some(ReviewState::Returned), ReviewAction::Fill).unwrap(),
            ReviewState::Submitted
        );
    }
}
