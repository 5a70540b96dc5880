//! Dates and times are `chrono` values, not text.
//!
//! Neither vendor gives a single `format`: every date is a bare string, so a
//! caller had to write and parse RFC 3339 by hand. A schema is a date by its
//! name (a property, or a parameter):
//!
//! - `date`, names ending in `Date`/`_date`/`DateTime` (`expireDate`,
//!   `last_buy_date`, `publishDateTime`);
//! - names ending in `At` after a lower-case letter, or in `_at`
//!   (`createdAt`, `created_at`);
//! - the ends of a date range: a name ending in `Date`/`date` followed by
//!   `Start`/`End` (`publishDateStart`), and `date_start`/`date_end`,
//!   `acquisition_start`/`acquisition_end`.
//!
//! Such a bare string (no format, pattern or enum) becomes `format: date-time`,
//! which generation types `chrono::DateTime<Utc>`: what the APIs send
//! (`2025-09-02T21:02:18+00:00`, `…59.000000Z`) and what their filters take
//! (OFAuth documents its `startDate`/`endDate` as ISO 8601). Timestamps sent as
//! numbers (`expiresAt: number`) are left alone, and so is a string the
//! overlay already gave a format: a field the API writes as a bare day is
//! `format: date` there (`NaiveDate`), and one it writes in its own text
//! (`2023-01-09 03:53:56`, no zone) is marked [`DATE_TEXT`] and stays text. A
//! value the rule did not foresee is a misfit, kept with its text, not a
//! failed call.

use serde_json::{Value, json};

use super::Report;
use crate::walk::{self, Edge, RootKind};

/// The overlay's mark of a field named like a date that the API writes in a
/// text of its own (not RFC 3339): it stays a string.
pub const DATE_TEXT: &str = "x-date-text";

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut changed = 0usize;
    walk::for_each_schema_mut(doc, &mut |root, schema, path| {
        let name = match path {
            [] if root.kind == RootKind::Parameter => root.name.as_deref(),
            [.., Edge::Property(name)] => Some(name.as_str()),
            _ => None,
        };
        let eligible = name.is_some_and(is_date)
            && walk::is_bare_string(schema)
            && schema.get(DATE_TEXT).is_none();
        if let (true, Some(obj)) = (eligible, schema.as_object_mut()) {
            obj.insert("format".into(), json!("date-time"));
            changed += 1;
        }
    });
    if changed > 0 {
        report.note(format!("typed {changed} date schemas as date-time"));
    }
}

/// True when `name` names a date or a time of day on a date.
pub fn is_date(name: &str) -> bool {
    let lower_before = |suffix: &str| {
        name.strip_suffix(suffix)
            .and_then(|rest| rest.chars().last())
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    let range_end = ["Start", "End", "_start", "_end"]
        .iter()
        .filter_map(|end| name.strip_suffix(end))
        .any(|rest| rest.ends_with("Date") || rest == "date" || rest == "acquisition");
    name == "date"
        || lower_before("Date")
        || lower_before("DateTime")
        || name.ends_with("_date")
        || lower_before("At")
        || name.ends_with("_at")
        || range_end
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn date_names() {
        for name in [
            "date",
            "createdAt",
            "created_at",
            "expireDate",
            "last_buy_date",
            "publishDateTime",
            "publishDateStart",
            "date_end",
            "acquisition_start",
        ] {
            assert!(super::is_date(name), "{name}");
        }
        for name in [
            "At",
            "Date",
            "format",
            "chat",
            "payoutTime",
            "time",
            "auto_start",
            "dates",
            "update",
            "offset",
        ] {
            assert!(!super::is_date(name), "{name}");
        }
    }

    #[test]
    fn strings_named_as_dates_become_date_times() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /charts:
    get:
      operationId: chart
      parameters:
        - {name: startDate, in: query, schema: {type: string}}
        - {name: date_end, in: query, schema: {type: string}}
        - {name: format, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  createdAt: {type: string, nullable: true}
                  expiresAt: {type: number}
                  day: {type: string, format: date}
                  date: {type: string, format: date}
                  approve_date: {type: string, x-date-text: true}
                  chart:
                    type: array
                    items:
                      type: object
                      properties:
                        date: {type: string}
                        count: {type: number}
"#
        ));
    }
}
