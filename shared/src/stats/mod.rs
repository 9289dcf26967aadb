//! Statistics kept in step with writes (S1, S3 in docs/data-model.md):
//! every write that changes what a figure counts moves the counters in its
//! own transaction, so figures are exact and no request ever counts by
//! reading the data. Two shapes per scope:
//! - totals: `STATS#<scope>` / `ALL#<shard>`, summed over the shards;
//! - a daily series: `STATS#<scope>` / `D#<yyyy-mm-dd>#<shard>`, where a
//!   write adds its *arrivals* (the counters it increments: a submission,
//!   a validation, an application received, a withdrawal) on the day it
//!   happens; weeks and months are sums of days.
//!
//! Scopes: `publications`, `candidatures`, `validation`, `utilisateurs`
//! (the platform), `recruteur#<sub>` (a recruiter's publications and the
//! applications they received), `candidat#<sub>` (an applicant's
//! applications).

pub mod figures;

#[cfg(feature = "stats")]
pub mod api;

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::store::{DAY_FORMAT, Store};

pub const USERS: &str = "utilisateurs";

/// A recruiter's own figures.
pub fn recruiter_scope(sub: &str) -> String {
    format!("recruteur#{sub}")
}

/// An applicant's own figures.
pub fn applicant_scope(sub: &str) -> String {
    format!("candidat#{sub}")
}

/// The day a write counts in (UTC): `2026-12-01`.
pub fn day(t: OffsetDateTime) -> String {
    crate::text::rfc3339(t)[..10].to_string()
}

/// The moves that count on the day they happen: the counters a change
/// increments.
pub fn arrivals(changes: &[(String, i64)]) -> Vec<(String, i64)> {
    changes.iter().filter(|(_, n)| *n > 0).cloned().collect()
}

/// The writes that count `changes` in the totals of each of `totals`, and
/// their arrivals on `day` in the series of each of `daily`. None when
/// nothing moves.
pub fn writes(
    store: &Store,
    totals: &[&str],
    daily: &[&str],
    day: &str,
    changes: &[(String, i64)],
) -> ApiResult<Vec<TransactWriteItem>> {
    let mut out = Vec::new();
    if changes.is_empty() {
        return Ok(out);
    }
    for scope in totals {
        out.push(store.add_counters(scope, changes)?);
    }
    let arrived = arrivals(changes);
    if !arrived.is_empty() {
        for scope in daily {
            out.push(store.add_daily(scope, day, &arrived)?);
        }
    }
    Ok(out)
}

/// The length of one point of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Jour,
    Semaine,
    Mois,
}

impl Period {
    fn start(self, d: Date) -> Date {
        match self {
            Period::Jour => d,
            // ISO weeks start on Monday.
            Period::Semaine => d - Duration::days(d.weekday().number_days_from_monday() as i64),
            Period::Mois => d.replace_day(1).expect("the first of a month exists"),
        }
    }

    fn next(self, start: Date) -> Date {
        match self {
            Period::Jour => start + Duration::days(1),
            Period::Semaine => start + Duration::days(7),
            Period::Mois => {
                let (y, m) = match start.month() {
                    time::Month::December => (start.year() + 1, time::Month::January),
                    m => (start.year(), m.next()),
                };
                Date::from_calendar_date(y, m, 1).expect("the first of a month exists")
            }
        }
    }

    fn label(self, start: Date) -> String {
        match self {
            Period::Mois => format!("{:04}-{:02}", start.year(), u8::from(start.month())),
            _ => start.to_string(),
        }
    }
}

/// Longest range a series covers, in days.
pub const MAX_RANGE_DAYS: i64 = 366;

/// `?periode=&date_debut=&date_fin=` of an analytics route.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// `jour` (by default), `semaine` (ISO weeks, from Monday) or `mois`.
    pub periode: Option<String>,
    /// First day (YYYY-MM-DD, UTC); 29 days before `date_fin` by default.
    pub date_debut: Option<String>,
    /// Last day (YYYY-MM-DD, UTC), today by default. At most 366 days after `date_debut`.
    pub date_fin: Option<String>,
}

/// A checked range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub period: Period,
    pub from: Date,
    pub to: Date,
}

impl RangeParams {
    /// Every bad parameter reported at once.
    pub fn resolve(&self, today: Date) -> ApiResult<Range> {
        let mut errors = FieldErrors::new();
        let period = match self.periode.as_deref() {
            None | Some("") | Some("jour") => Some(Period::Jour),
            Some("semaine") => Some(Period::Semaine),
            Some("mois") => Some(Period::Mois),
            Some(other) => {
                errors.insert(
                    "periode".into(),
                    vec![format!(
                        "« {other} » n'est pas un choix valide : jour, semaine ou mois."
                    )],
                );
                None
            }
        };
        let mut date = |name: &str, value: Option<&str>| day_param(&mut errors, name, value);
        let to = date("date_fin", self.date_fin.as_deref());
        let from = date("date_debut", self.date_debut.as_deref());
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(29));
        if errors.is_empty() {
            if from > to {
                errors.insert(
                    "date_debut".into(),
                    vec!["La date de début doit précéder la date de fin.".into()],
                );
            } else if (to - from).whole_days() >= MAX_RANGE_DAYS {
                errors.insert(
                    "date_fin".into(),
                    vec![format!("Une série couvre au plus {MAX_RANGE_DAYS} jours.")],
                );
            }
        }
        match period {
            Some(period) if errors.is_empty() => Ok(Range { period, from, to }),
            _ => Err(ApiError::Fields(errors)),
        }
    }
}

/// A day from `YYYY-MM-DD` (or the date of an RFC 3339 time), between
/// the years 2000 and 2100: dates outside mean nothing here, and a range
/// near the calendar's end could not be stepped through.
pub fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text, DAY_FORMAT)
        .ok()
        .or_else(|| {
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .ok()
                .map(|t| t.to_offset(time::UtcOffset::UTC).date())
        })
        .filter(|d| (2000..=2100).contains(&d.year()))
}

/// A day query parameter: none when absent, else the day, or a field
/// error recorded in `errors`.
pub fn day_param(errors: &mut FieldErrors, name: &str, value: Option<&str>) -> Option<Date> {
    let text = value.map(str::trim).filter(|v| !v.is_empty())?;
    let day = parse_day(text);
    if day.is_none() {
        errors
            .entry(name.into())
            .or_default()
            .push("Date invalide : AAAA-MM-JJ attendu (entre 2000 et 2100).".into());
    }
    day
}

/// One point of a series.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Point {
    /// `2026-11-30` (a day, or the Monday of a week) or `2026-11` (a month).
    pub periode: String,
    /// First and last day of the point within the range.
    pub debut: String,
    pub fin: String,
    /// Each figure of the series for that period.
    #[schema(value_type = Object)]
    pub valeurs: BTreeMap<String, i64>,
}

/// A series: its range and its points, every period of the range present
/// (zero where nothing happened).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Series {
    pub periode: String,
    pub date_debut: String,
    pub date_fin: String,
    pub points: Vec<Point>,
    /// The sums over the whole range.
    #[schema(value_type = Object)]
    pub totaux: BTreeMap<String, i64>,
}

/// Sums `days` into the points of `range`: each figure is the sum of the
/// counters `fields` names for it.
pub fn series(
    range: Range,
    days: &BTreeMap<Date, HashMap<String, i64>>,
    fields: &[(&str, Vec<String>)],
) -> Series {
    let mut points = Vec::new();
    let mut totaux: BTreeMap<String, i64> =
        fields.iter().map(|(f, _)| (f.to_string(), 0)).collect();
    let mut start = range.period.start(range.from);
    while start <= range.to {
        let next = range.period.next(start);
        let (first, last) = (
            start.max(range.from),
            (next - Duration::days(1)).min(range.to),
        );
        let mut valeurs = BTreeMap::new();
        for (field, counters) in fields {
            let n: i64 = days
                .range(first..=last)
                .flat_map(|(_, c)| counters.iter().filter_map(|name| c.get(name)))
                .sum();
            *totaux.get_mut(*field).expect("every field has a total") += n;
            valeurs.insert(field.to_string(), n);
        }
        points.push(Point {
            periode: range.period.label(start),
            debut: first.to_string(),
            fin: last.to_string(),
            valeurs,
        });
        start = next;
    }
    Series {
        periode: match range.period {
            Period::Jour => "jour",
            Period::Semaine => "semaine",
            Period::Mois => "mois",
        }
        .into(),
        date_debut: range.from.to_string(),
        date_fin: range.to.to_string(),
        points,
        totaux,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn params(periode: &str, debut: &str, fin: &str) -> RangeParams {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        RangeParams {
            periode: opt(periode),
            date_debut: opt(debut),
            date_fin: opt(fin),
        }
    }

    #[test]
    fn ranges_default_to_thirty_days_and_refuse_bad_input() {
        let today = date!(2026 - 12 - 01);
        let r = params("", "", "").resolve(today).unwrap();
        assert_eq!(
            (r.period, r.from, r.to),
            (Period::Jour, date!(2026 - 11 - 02), today)
        );
        let fields = |p: RangeParams| match p.resolve(today) {
            Err(ApiError::Fields(f)) => f.into_keys().collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields(params("annee", "2026-13-01", "")),
            ["date_debut", "periode"]
        );
        assert_eq!(
            fields(params("", "2026-12-02", "2026-12-01")),
            ["date_debut"]
        );
        assert_eq!(
            fields(params("mois", "2025-01-01", "2026-12-01")),
            ["date_fin"]
        );
        assert!(
            params("mois", "2025-12-01", "2026-11-30")
                .resolve(today)
                .is_ok()
        );
    }

    #[test]
    fn weeks_and_months_sum_their_days_and_empty_periods_are_zero() {
        let mut days = BTreeMap::new();
        let put = |days: &mut BTreeMap<Date, HashMap<String, i64>>, d: Date, name: &str, n| {
            days.entry(d)
                .or_insert_with(HashMap::new)
                .insert(name.to_string(), n);
        };
        put(&mut days, date!(2026 - 11 - 29), "offre_en_attente", 2); // a Sunday
        put(&mut days, date!(2026 - 11 - 30), "offre_en_attente", 3); // Monday
        put(&mut days, date!(2026 - 12 - 01), "offre_en_attente", 1);
        put(&mut days, date!(2026 - 12 - 01), "bourse_en_attente", 10);
        let fields = [("soumises", vec!["offre_en_attente".to_string()])];
        let range = |period, from, to| Range { period, from, to };
        let weeks = series(
            range(
                Period::Semaine,
                date!(2026 - 11 - 25),
                date!(2026 - 12 - 01),
            ),
            &days,
            &fields,
        );
        let got: Vec<(String, String, String, i64)> = weeks
            .points
            .iter()
            .map(|p| {
                (
                    p.periode.clone(),
                    p.debut.clone(),
                    p.fin.clone(),
                    p.valeurs["soumises"],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "2026-11-23".into(),
                    "2026-11-25".into(),
                    "2026-11-29".into(),
                    2
                ),
                (
                    "2026-11-30".into(),
                    "2026-11-30".into(),
                    "2026-12-01".into(),
                    4
                ),
            ]
        );
        assert_eq!(weeks.totaux["soumises"], 6);
        let months = series(
            range(Period::Mois, date!(2026 - 10 - 15), date!(2026 - 12 - 01)),
            &days,
            &fields,
        );
        let got: Vec<(String, i64)> = months
            .points
            .iter()
            .map(|p| (p.periode.clone(), p.valeurs["soumises"]))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-10".into(), 0),
                ("2026-11".into(), 5),
                ("2026-12".into(), 1)
            ]
        );
        let one_day = series(
            range(Period::Jour, date!(2026 - 12 - 01), date!(2026 - 12 - 01)),
            &days,
            &fields,
        );
        assert_eq!(one_day.points.len(), 1);
        assert_eq!(one_day.points[0].valeurs["soumises"], 1);
    }

    #[test]
    fn only_increments_count_on_the_day() {
        let changes = vec![
            ("offre:nouvelle".to_string(), -1),
            ("offre:retiree".to_string(), 1),
        ];
        assert_eq!(arrivals(&changes), vec![("offre:retiree".to_string(), 1)]);
    }
}
