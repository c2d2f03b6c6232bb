//! Every status an assessment row can carry, in one vocabulary: its code (as the API and
//! the CSV write it), its words in Vietnamese and English, and where it stands on the
//! overview (achieved, on track, at risk, off track). Pages, API and command line ask here;
//! nothing classifies a status string on its own.

use crate::assessment::{OpenSdgStatus, UnsdStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    // Verdicts on a target year that is over, whatever the method; `achieved` is also the
    // UN SDG Progress Chart's word for a target ahead that is already met.
    Achieved,
    NotAchieved,
    AwaitingData,
    // The UN SDG Progress Chart's statuses (method `unsd2022`).
    OnTrack,
    FairProgress,
    LimitedProgress,
    Deterioration,
    InsufficientData,
    // Open SDG's (method `opensdg`).
    TargetAchieved,
    SubstantialProgress,
    ModerateProgress,
    NotAvailable,
    // Methods `target` and `projection`.
    Met,
    NotMet,
    NoData,
    WillMeet,
    WillMiss,
}

/// Where a status stands, for counting and colouring on the overview (always with words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    Achieved,
    /// A target year over and the target not achieved.
    Missed,
    OnTrack,
    AtRisk,
    OffTrack,
    Unknown,
}

impl Standing {
    /// The class pages use for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Achieved => "achieved",
            Standing::Missed => "missed",
            Standing::OnTrack => "on_track",
            Standing::AtRisk => "at_risk",
            Standing::OffTrack => "off_track",
            Standing::Unknown => "none",
        }
    }
}

impl Status {
    /// In the order pages list them: verdicts first, then progress from best to worst.
    pub const ALL: [Status; 17] = [
        Status::Achieved,
        Status::NotAchieved,
        Status::AwaitingData,
        Status::OnTrack,
        Status::FairProgress,
        Status::LimitedProgress,
        Status::Deterioration,
        Status::InsufficientData,
        Status::TargetAchieved,
        Status::SubstantialProgress,
        Status::ModerateProgress,
        Status::NotAvailable,
        Status::Met,
        Status::NotMet,
        Status::NoData,
        Status::WillMeet,
        Status::WillMiss,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Achieved => "achieved",
            Status::NotAchieved => "not_achieved",
            Status::AwaitingData => "awaiting_data",
            Status::OnTrack => "on_track",
            Status::FairProgress => "fair_progress",
            Status::LimitedProgress => "limited_progress",
            Status::Deterioration => "deterioration",
            Status::InsufficientData => "insufficient_data",
            Status::TargetAchieved => "target_achieved",
            Status::SubstantialProgress => "substantial_progress",
            Status::ModerateProgress => "moderate_progress",
            Status::NotAvailable => "not_available",
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::NoData => "no_data",
            Status::WillMeet => "will_meet",
            Status::WillMiss => "will_miss",
        }
    }

    /// The status a code names; `None` for anything else (an empty code: no status).
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == code)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Achieved => "Đạt",
            Status::NotAchieved => "Không đạt",
            Status::AwaitingData => "Chờ số liệu",
            Status::OnTrack => "Đúng lộ trình",
            Status::FairProgress => "Có tiến triển, cần tăng tốc",
            Status::LimitedProgress => "Tiến triển hạn chế hoặc không tiến triển",
            Status::Deterioration => "Đi xuống",
            Status::InsufficientData => "Chưa đủ dữ liệu",
            Status::TargetAchieved => "Đã đạt mục tiêu",
            Status::SubstantialProgress => "Tiến bộ rõ rệt",
            Status::ModerateProgress => "Tiến bộ vừa phải",
            Status::NotAvailable => "Không đánh giá được",
            Status::Met => "Đang đạt",
            Status::NotMet => "Chưa đạt",
            Status::NoData => "Chưa có số liệu",
            Status::WillMeet => "Sẽ đạt nếu giữ tốc độ",
            Status::WillMiss => "Sẽ không đạt nếu giữ tốc độ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Achieved => "Achieved",
            Status::NotAchieved => "Not achieved",
            Status::AwaitingData => "Awaiting data",
            Status::TargetAchieved => "Target achieved",
            Status::Met => "Met so far",
            Status::OnTrack => "On track",
            Status::FairProgress => "Fair progress, acceleration needed",
            Status::LimitedProgress => "Limited or no progress",
            Status::Deterioration => "Deterioration",
            Status::InsufficientData => "Insufficient data",
            Status::NotAvailable => "Not available",
            Status::SubstantialProgress => "Substantial progress",
            Status::ModerateProgress => "Moderate progress",
            Status::NotMet => "Not met yet",
            Status::NoData => "No data",
            Status::WillMeet => "Will be met at this pace",
            Status::WillMiss => "Will be missed at this pace",
        }
    }

    /// What a row's status says to a reader: the status's words, except that "achieved" is
    /// a verdict only on a year that is over; a target ahead already met waits for its year
    /// ("Đã đạt mức mục tiêu, chờ kết quả năm 2030").
    pub fn words_vi(self, is_final: bool, target_year: i32) -> String {
        match (is_final, self.standing()) {
            (false, Standing::Achieved) => {
                format!("Đã đạt mức mục tiêu, chờ kết quả năm {target_year}")
            }
            _ => self.label_vi().to_string(),
        }
    }

    /// [`Status::words_vi`] in English.
    pub fn words_en(self, is_final: bool, target_year: i32) -> String {
        match (is_final, self.standing()) {
            (false, Standing::Achieved) => {
                format!("Target level reached, final result in {target_year}")
            }
            _ => self.label_en().to_string(),
        }
    }

    pub fn standing(self) -> Standing {
        match self {
            Status::Achieved | Status::TargetAchieved | Status::Met => Standing::Achieved,
            Status::NotAchieved => Standing::Missed,
            Status::OnTrack | Status::SubstantialProgress | Status::WillMeet => Standing::OnTrack,
            Status::FairProgress | Status::ModerateProgress => Standing::AtRisk,
            Status::LimitedProgress | Status::Deterioration | Status::WillMiss | Status::NotMet => {
                Standing::OffTrack
            }
            Status::InsufficientData
            | Status::NotAvailable
            | Status::NoData
            | Status::AwaitingData => Standing::Unknown,
        }
    }
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a status code stands; an unknown or empty code stands nowhere.
pub fn standing_of(code: &str) -> Standing {
    Status::from_code(code).map_or(Standing::Unknown, Status::standing)
}

impl From<UnsdStatus> for Status {
    fn from(s: UnsdStatus) -> Status {
        match s {
            UnsdStatus::Achieved => Status::Achieved,
            UnsdStatus::OnTrack => Status::OnTrack,
            UnsdStatus::FairProgress => Status::FairProgress,
            UnsdStatus::LimitedProgress => Status::LimitedProgress,
            UnsdStatus::Deterioration => Status::Deterioration,
            UnsdStatus::InsufficientData => Status::InsufficientData,
        }
    }
}

impl From<OpenSdgStatus> for Status {
    fn from(s: OpenSdgStatus) -> Status {
        match s {
            OpenSdgStatus::TargetAchieved => Status::TargetAchieved,
            OpenSdgStatus::SubstantialProgress => Status::SubstantialProgress,
            OpenSdgStatus::ModerateProgress => Status::ModerateProgress,
            OpenSdgStatus::LimitedProgress => Status::LimitedProgress,
            OpenSdgStatus::Deterioration => Status::Deterioration,
            OpenSdgStatus::NotAvailable => Status::NotAvailable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_has_words() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.as_str()), Some(s));
            assert!(!s.label_vi().is_empty() && !s.label_en().is_empty());
        }
        // A reader tells every status apart by its words, in either language.
        for (i, a) in Status::ALL.iter().enumerate() {
            for b in &Status::ALL[i + 1..] {
                assert_ne!(a.label_vi(), b.label_vi(), "{a:?} and {b:?}");
                assert_ne!(a.label_en(), b.label_en(), "{a:?} and {b:?}");
            }
        }
        // "Not met yet" and "missed" are different words.
        assert_ne!(Status::NotMet.label_vi(), Status::NotAchieved.label_vi());
        assert_eq!(Status::NotAchieved.standing(), Standing::Missed);
        assert_eq!(standing_of("fair_progress"), Standing::AtRisk);
        assert_eq!(standing_of(""), Standing::Unknown);
        assert_eq!(
            Status::from(UnsdStatus::OnTrack).as_str(),
            UnsdStatus::OnTrack.as_str()
        );
        assert_eq!(
            Status::from(OpenSdgStatus::NotAvailable).as_str(),
            OpenSdgStatus::NotAvailable.as_str()
        );
    }

    #[test]
    fn achieved_is_a_verdict_only_when_the_year_is_over() {
        assert_eq!(Status::Achieved.words_vi(true, 2025), "Đạt");
        assert_eq!(
            Status::Achieved.words_vi(false, 2030),
            "Đã đạt mức mục tiêu, chờ kết quả năm 2030"
        );
        assert_eq!(
            Status::Met.words_en(false, 2030),
            "Target level reached, final result in 2030"
        );
        assert_eq!(Status::NotAchieved.words_vi(true, 2025), "Không đạt");
        assert_eq!(Status::OnTrack.words_vi(false, 2030), "Đúng lộ trình");
    }
}
