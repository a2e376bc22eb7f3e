//! Calendar dates and Unix time in UTC (proleptic Gregorian), converted in one
//! place: the bundle's timestamps (`format.rs`) and the validity times of allowed
//! signers (`sign/allowed.rs`) both go through [`Civil`]. Howard Hinnant's
//! `days_from_civil` and `civil_from_days`.

/// A date and time of day in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    /// The year.
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
    /// 0 to 59 (60, a leap second, counts as the next minute's first).
    pub second: u32,
}

impl Civil {
    /// The date and time of `epoch` seconds after 1970-01-01T00:00:00Z.
    pub(crate) fn from_epoch(epoch: u64) -> Civil {
        let days = (epoch / 86_400) as i64;
        let secs = (epoch % 86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Civil {
            year: yoe + era * 400 + i64::from(month <= 2),
            month,
            day,
            hour: secs / 3600,
            minute: secs % 3600 / 60,
            second: secs % 60,
        }
    }

    /// Seconds after 1970-01-01T00:00:00Z, `None` before it. Fields out of their
    /// range are not refused but carried, as `timegm` does: February 31 is the
    /// third (or second) of March.
    pub(crate) fn to_epoch(self) -> Option<u64> {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { self.year - 1 } else { self.year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let secs =
            i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        u64::try_from(days.checked_mul(86_400)?.checked_add(secs)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Civil {
        Civil {
            year,
            month,
            day,
            hour,
            minute,
            second,
        }
    }

    #[test]
    fn known_instants() {
        assert_eq!(at(1970, 1, 1, 0, 0, 0).to_epoch(), Some(0));
        assert_eq!(at(2016, 12, 19, 2, 19, 21).to_epoch(), Some(1_482_113_961));
        assert_eq!(at(2000, 2, 29, 0, 0, 0).to_epoch(), Some(951_782_400));
        assert_eq!(
            at(9999, 12, 31, 23, 59, 59).to_epoch(),
            Some(253_402_300_799)
        );
        assert_eq!(at(1969, 12, 31, 23, 59, 59).to_epoch(), None);
        assert_eq!(
            Civil::from_epoch(1_482_113_961),
            at(2016, 12, 19, 2, 19, 21)
        );
        assert_eq!(Civil::from_epoch(951_782_400), at(2000, 2, 29, 0, 0, 0));
    }

    #[test]
    fn out_of_range_fields_carry_as_timegm_does() {
        assert_eq!(
            at(2021, 2, 31, 0, 0, 0).to_epoch(),
            at(2021, 3, 3, 0, 0, 0).to_epoch()
        );
        assert_eq!(
            at(2021, 6, 30, 23, 59, 60).to_epoch(),
            at(2021, 7, 1, 0, 0, 0).to_epoch()
        );
    }

    #[test]
    fn every_day_round_trips() {
        // Every day from 1970 to 2500, and the last second of each.
        for day in 0..194_000u64 {
            for epoch in [day * 86_400, day * 86_400 + 86_399] {
                assert_eq!(Civil::from_epoch(epoch).to_epoch(), Some(epoch), "{epoch}");
            }
        }
    }
}
