//! The dashboard's and the site reports' reads of the aggregates: samples per period,
//! site and person, item results, the site roll-up, the lowest-scoring staff,
//! calibration and coverage, each narrowed by the viewer's scope and the filter.

use entity::states::{InspectionStatus, Outcome};
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use entity::{
    inspection, inspection_response, stat_inspection, stat_item, stat_last_check, stat_running,
    stat_site,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};

use super::{GROUP, grain_name, running};
use crate::domain::access::Scope;
use crate::domain::record::ItemTally;
use crate::domain::stats::{
    ATTENTION_PASS_PERCENT, COVERAGE_DAYS, Granularity, Sample, StaffCut, Standing, Window,
    coverage_spans, running_terms,
};
use crate::store::StoreResult;
use crate::store::filter::{Narrowing, QualityFilter, narrow, versions_filter};
use crate::store::library::{self, StoredChecklist};

/// The filter's spot-checks per period of `g`, site, staff member and inspector. The
/// filter's dates should already be whole periods ([`Granularity::whole_periods`]).
pub async fn samples(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
) -> StoreResult<Vec<Sample>> {
    use stat_inspection::Column as C;
    let query = person_rows(db, scope, filter, PersonRows::Periods(g))
        .await?
        .select_only()
        .columns([C::Period, C::SiteId, C::SubjectId, C::InspectorId])
        .column_as(C::Inspections.sum(), "inspections")
        .column_as(C::Passed.sum(), "passed")
        .column_as(C::Critical.sum(), "critical")
        .column_as(C::PercentSum.sum(), "percent_sum");
    let rows: Vec<SampleTuple> = query
        .group_by(C::Period)
        .group_by(C::SiteId)
        .group_by(C::SubjectId)
        .group_by(C::InspectorId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.4 > 0)
        .map(
            |(date, site, subject, inspector, n, passed, critical, percent_sum)| Sample {
                date,
                site,
                subject,
                inspector,
                inspections: n as usize,
                passed: passed as usize,
                critical: critical as usize,
                percent_sum,
            },
        )
        .collect())
}

/// Week samples for the four weeks up to the filter's end: who was checked lately (the
/// tests' reference for [`not_checked_recently`], through `stats::not_covered`).
pub async fn recent(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
) -> StoreResult<Vec<Sample>> {
    let weeks = QualityFilter {
        from: filter.to - chrono::Duration::days(crate::domain::stats::COVERAGE_DAYS - 1),
        ..filter.clone()
    };
    samples(db, scope, &weeks, Granularity::Week).await
}

type ItemTuple = (i32, i32, String, i64, i64, f64, f64);
/// period, site, subject, inspector, inspections, passed, critical, percent sum
type SampleTuple = (NaiveDate, i32, i32, i32, i64, i64, i64, f64);

fn item_rows(rows: Vec<ItemTuple>) -> Vec<ItemTally> {
    rows.into_iter()
        .filter(|r| r.3 > 0)
        .map(
            |(site, version, item_key, checked, failed, points, max_points)| ItemTally {
                site,
                version,
                item_key,
                checked: checked as usize,
                failed: failed as usize,
                points,
                max_points,
            },
        )
        .collect()
}

/// The filter's item results per checklist version and item, and per site if
/// `per_site` (else every row's site is [`GROUP`]). Item aggregates are not kept per person, so
/// a filter on a staff member or an inspector adds up their responses instead (a
/// person's year is a few hundred spot-checks), always per site.
pub async fn items(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    per_site: bool,
) -> StoreResult<Vec<ItemTally>> {
    let versions = versions_filter(db, filter).await?;
    if filter.subject.is_some() || filter.inspector.is_some() {
        return items_from_responses(db, scope, filter, versions).await;
    }
    use stat_item::Column as C;
    let site = if per_site {
        Expr::col(C::SiteId)
    } else {
        Expr::val(GROUP)
    };
    let query = stat_item::Entity::find()
        .select_only()
        .column_as(site, "site_id")
        .columns([C::ChecklistVersionId, C::ItemKey])
        .column_as(C::Checked.sum(), "checked")
        .column_as(C::Failed.sum(), "failed")
        .column_as(C::Points.sum(), "points")
        .column_as(C::MaxPoints.sum(), "max_points")
        .filter(C::Grain.eq(grain_name(g)))
        .filter(C::Period.between(g.start(filter.from), filter.to));
    // Every site together is kept as one site, for those who see every site.
    let whole_group = !per_site && scope.all_sites() && filter.site.is_none();
    let query = query.filter(if whole_group {
        C::SiteId.eq(GROUP)
    } else {
        C::SiteId.ne(GROUP)
    });
    let query = narrow(
        query,
        scope,
        filter,
        versions,
        Narrowing {
            site: C::SiteId,
            version: C::ChecklistVersionId,
            position: C::PositionId,
            person: None,
        },
    );
    let query = if per_site {
        query.group_by(C::SiteId)
    } else {
        query
    };
    let rows: Vec<ItemTuple> = query
        .group_by(C::ChecklistVersionId)
        .group_by(C::ItemKey)
        .into_tuple()
        .all(db)
        .await?;
    Ok(item_rows(rows))
}

/// The same figures as [`items`], added up from the responses themselves.
pub async fn items_from_responses(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    versions: Option<Vec<i32>>,
) -> StoreResult<Vec<ItemTally>> {
    use inspection::Column as I;
    use inspection_response::Column as R;
    let query = inspection_response::Entity::find()
        .select_only()
        .inner_join(inspection::Entity)
        .column(I::SiteId)
        .column(I::ChecklistVersionId)
        .column(R::ItemKey)
        .column_as(R::Id.count(), "checked")
        .column_as(
            Expr::cust(format!(
                "sum(case when inspection_response.outcome = '{}' then 1 else 0 end)",
                Outcome::Failed
            )),
            "failed",
        )
        .column_as(R::Points.sum(), "points")
        .column_as(R::MaxPoints.sum(), "max_points")
        .filter(I::Status.eq(InspectionStatus::Submitted))
        .filter(I::RecheckOf.is_null())
        .filter(I::ShiftDate.between(filter.from, filter.to))
        .filter(R::Outcome.is_in([Outcome::Passed, Outcome::Failed]));
    let query = narrow(query, scope, filter, versions, Narrowing::inspections());
    let rows: Vec<ItemTuple> = query
        .group_by(I::SiteId)
        .group_by(I::ChecklistVersionId)
        .group_by(R::ItemKey)
        .into_tuple()
        .all(db)
        .await?;
    Ok(item_rows(rows))
}

/// The checklist versions with these ids (repeats are read once), parsed.
pub async fn versions_of(
    db: &DatabaseConnection,
    ids: Vec<i32>,
) -> StoreResult<BTreeMap<i32, StoredChecklist>> {
    let mut out = BTreeMap::new();
    for id in ids {
        if let std::collections::btree_map::Entry::Vacant(slot) = out.entry(id) {
            slot.insert(library::checklist_version(db, id).await?);
        }
    }
    Ok(out)
}

/// One site and checklist version over half of the filter's range, from the site
/// roll-up: its spot-check figures (as a sample dated in its half, with no staff member
/// or inspector) and its item points.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRow {
    pub sample: Sample,
    pub version: i32,
    pub points: f64,
    pub max_points: f64,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct SiteTotals {
    period: NaiveDate,
    site_id: i32,
    checklist_version_id: i32,
    inspections: i64,
    passed: i64,
    critical: i64,
    percent_sum: f64,
    points: f64,
    max_points: f64,
}

impl SiteTotals {
    fn into_row(self) -> SiteRow {
        SiteRow {
            sample: Sample {
                date: self.period,
                site: self.site_id,
                subject: 0,
                inspector: 0,
                inspections: self.inspections as usize,
                passed: self.passed as usize,
                critical: self.critical as usize,
                percent_sum: self.percent_sum,
            },
            version: self.checklist_version_id,
            points: self.points,
            max_points: self.max_points,
        }
    }
}

/// The filter's site roll-up rows with their sums, narrowed, not yet grouped.
async fn site_totals(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
) -> StoreResult<Select<stat_site::Entity>> {
    use stat_site::Column as C;
    let query = stat_site::Entity::find()
        .select_only()
        .column_as(C::Inspections.sum(), "inspections")
        .column_as(C::Passed.sum(), "passed")
        .column_as(C::Critical.sum(), "critical")
        .column_as(C::PercentSum.sum(), "percent_sum")
        .column_as(C::Points.sum(), "points")
        .column_as(C::MaxPoints.sum(), "max_points")
        .filter(C::Grain.eq(grain_name(g)))
        .filter(C::Period.between(g.start(filter.from), filter.to));
    Ok(narrow(
        query,
        scope,
        filter,
        versions_filter(db, filter).await?,
        Narrowing {
            site: C::SiteId,
            version: C::ChecklistVersionId,
            position: C::PositionId,
            person: None,
        },
    ))
}

/// The filter's spot-checks per site and checklist version in each half of the range
/// (before `split`, and from it on), from the site roll-up: what the sites table, the
/// heat map and the headline figures need, in a few hundred rows for 200 sites. It
/// cannot narrow to a staff member or an inspector; use [`samples`] for those filters.
pub async fn site_rows(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    split: NaiveDate,
) -> StoreResult<Vec<SiteRow>> {
    use stat_site::Column as C;
    let half: Expr = Expr::col(C::Period).lt(split);
    let rows = site_totals(db, scope, filter, g)
        .await?
        // Dated by the half's first period, which falls on its side of the split.
        .column_as(C::Period.min(), "period")
        .columns([C::SiteId, C::ChecklistVersionId])
        .group_by(C::SiteId)
        .group_by(C::ChecklistVersionId)
        .group_by(half)
        .into_model::<SiteTotals>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.inspections > 0)
        .map(SiteTotals::into_row)
        .collect())
}

/// The filter's spot-checks per period over all its sites together, from the site
/// roll-up: the trend and the p-chart, one row per period.
pub async fn period_samples(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
) -> StoreResult<Vec<Sample>> {
    use stat_site::Column as C;
    let rows = site_totals(db, scope, filter, g)
        .await?
        .column(C::Period)
        .column_as(Expr::val(0), "site_id")
        .column_as(Expr::val(0), "checklist_version_id")
        .group_by(C::Period)
        .into_model::<SiteTotals>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.inspections > 0)
        .map(|r| r.into_row().sample)
        .collect())
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct HalvedTotals {
    subject_id: i32,
    inspections: i64,
    passed: i64,
    critical: i64,
    percent_sum: f64,
    earlier_inspections: i64,
    earlier_passed: i64,
    earlier_critical: i64,
    earlier_percent_sum: f64,
    staff: i64,
}

/// The `limit` staff members with the lowest mean score in the filter, as at most two
/// samples each (before `split` and from it on, what [`stats::by_group`] compares), and
/// how many staff members the filter holds in all. Any range reads the running totals
/// at two or three periods (see [`running_lowest_staff`]). Over a kept window's rows the
/// database ranks by two sums only (each summed column costs the sort that groups them),
/// then adds up the few ranked people's rows in full (on PostgreSQL: one pass, see
/// below).
///
/// [`stats::by_group`]: crate::domain::stats::by_group
pub async fn lowest_staff(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    rows: PersonRows,
    split: NaiveDate,
    limit: u64,
) -> StoreResult<(Vec<Sample>, usize)> {
    use sea_orm::sea_query::{Alias, CommonTableExpression, Query, WithClause};
    use stat_inspection::Column as C;
    if let PersonRows::Periods(g) = rows {
        return running_lowest_staff(db, scope, filter, g, split, limit).await;
    }
    let backend = db.get_database_backend();
    // A kept window has two rows per person: PostgreSQL ranks them with every sum in one
    // pass faster (12–15 ms at 1M) than it finds the ranked people's rows again (27–41
    // ms, an index scan each through the window). SQLite is the other way round.
    let one_pass = backend == sea_orm::DbBackend::Postgres && matches!(rows, PersonRows::Window(_));
    let rows = person_rows(db, scope, filter, rows).await?;
    // The zero is of the column's type: SQLite adds up integer zeros to an integer.
    let earlier = |column: C, zero: Expr| -> Expr {
        let case: Expr = Expr::case(Expr::col(C::Period).lt(split), Expr::col(column))
            .finally(zero)
            .into();
        sea_orm::sea_query::Func::sum(case).into()
    };
    let totals = rows
        .clone()
        .select_only()
        .column(C::SubjectId)
        .column_as(C::Inspections.sum(), "inspections")
        .column_as(C::Passed.sum(), "passed")
        .column_as(C::Critical.sum(), "critical")
        .column_as(C::PercentSum.sum(), "percent_sum")
        .column_as(earlier(C::Inspections, Expr::val(0)), "earlier_inspections")
        .column_as(earlier(C::Passed, Expr::val(0)), "earlier_passed")
        .column_as(earlier(C::Critical, Expr::val(0)), "earlier_critical")
        .column_as(
            earlier(C::PercentSum, Expr::val(0.0)),
            "earlier_percent_sum",
        )
        .group_by(C::SubjectId);
    let mean = || Expr::cust("sum(percent_sum) / sum(inspections)");
    let query = if one_pass {
        backend.build(
            &totals
                // Counted over the groups before the limit applies.
                .column_as(Expr::cust("count(*) OVER ()"), "staff")
                .order_by_asc(mean())
                .order_by_asc(C::SubjectId)
                .limit(limit)
                .into_query(),
        )
    } else {
        let lowest = rows
            .select_only()
            .column(C::SubjectId)
            .column_as(Expr::cust("count(*) OVER ()"), "staff")
            .group_by(C::SubjectId)
            .order_by_asc(mean())
            .order_by_asc(C::SubjectId)
            .limit(limit)
            .into_query();
        let ranked = Query::select()
            .column(Alias::new("subject_id"))
            .from(Alias::new("lowest"))
            .to_owned();
        let totals = totals
            .column_as(Expr::cust("(SELECT min(staff) FROM lowest)"), "staff")
            .filter(C::SubjectId.in_subquery(ranked))
            .into_query();
        // Named by the select's own column names (`from_select` would prefix the table's).
        backend.build(
            &WithClause::from(
                CommonTableExpression::new()
                    .query(lowest)
                    .table_name(Alias::new("lowest"))
                    .to_owned(),
            )
            .query(totals),
        )
    };
    let rows = HalvedTotals::find_by_statement(query).all(db).await?;
    Ok(halved_samples(rows, split))
}

/// The lowest-ranked staff from the running totals: one grouped pass over each person
/// key's rows at the range's end, before its start and before the split, whatever the
/// range's length.
async fn running_lowest_staff(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    split: NaiveDate,
    limit: u64,
) -> StoreResult<(Vec<Sample>, usize)> {
    use stat_running::Column as C;
    let Some((totals, mean)) = running_staff_totals(db, scope, filter, g, split).await? else {
        return Ok((Vec::new(), 0));
    };
    let rows = totals
        // Counted over the groups before the limit applies.
        .column_as(Expr::cust("count(*) OVER ()"), "staff")
        .order_by_asc(mean)
        .order_by_asc(C::SubjectId)
        .limit(limit)
        .into_model::<HalvedTotals>()
        .all(db)
        .await?;
    Ok(halved_samples(rows, split))
}

/// Each staff member's totals over the filter's range and before `split`, from the
/// running totals (the columns of [`HalvedTotals`] but `staff`, grouped by person), and
/// the expression of their mean; `None` when the range holds nothing yet.
async fn running_staff_totals(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    split: NaiveDate,
) -> StoreResult<Option<(Select<stat_running::Entity>, Expr)>> {
    use stat_running::Column as C;
    let frontier = running::frontier(db, g).await?;
    let terms = running_terms(g, filter.from, filter.to, Some(split), frontier);
    if terms.is_empty() {
        return Ok(None);
    }
    let total = |c, zero| running::weighted(&terms, c, |t| t.total, zero);
    let earlier = |c, zero| running::weighted(&terms, c, |t| t.earlier, zero);
    let (zero, zero_f) = (|| Expr::val(0), || Expr::val(0.0));
    let inspections = total(C::Inspections, zero());
    let mean = total(C::PercentSum, zero_f()).div(inspections.clone());
    let totals = running::running_rows(db, scope, filter, g, &terms)
        .await?
        .select_only()
        .column(C::SubjectId)
        .column_as(inspections.clone(), "inspections")
        .column_as(total(C::Passed, zero()), "passed")
        .column_as(total(C::Critical, zero()), "critical")
        .column_as(total(C::PercentSum, zero_f()), "percent_sum")
        .column_as(earlier(C::Inspections, zero()), "earlier_inspections")
        .column_as(earlier(C::Passed, zero()), "earlier_passed")
        .column_as(earlier(C::Critical, zero()), "earlier_critical")
        .column_as(earlier(C::PercentSum, zero_f()), "earlier_percent_sum")
        .group_by(C::SubjectId)
        .having(inspections.gt(0));
    Ok(Some((totals, mean)))
}

/// The staff of a report: each one's totals ([`Standing`]) and two samples (before the
/// split and from it on, what [`stats::by_group`] compares), and how many staff the
/// filter holds. Without a cut, everyone; with one, only those who may be printed
/// ([`stats::printed_staff`] decides among them): each ranked by mean (ties sharing a
/// rank) within the cut's `lowest`, or within its `most` among those needing attention.
/// The database ranks them, so thousands of staff come back as a hundred or so rows.
///
/// [`stats::by_group`]: crate::domain::stats::by_group
/// [`stats::printed_staff`]: crate::domain::stats::printed_staff
pub async fn report_staff(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    split: NaiveDate,
    cut: Option<StaffCut>,
) -> StoreResult<ReportStaff> {
    use sea_orm::sea_query::{Alias, Query};
    let Some((totals, _)) = running_staff_totals(db, scope, filter, g, split).await? else {
        return Ok(ReportStaff::default());
    };
    let counted = Query::select()
        .expr(Expr::cust("*"))
        // Counted over every group, before the cut.
        .expr_as(Expr::cust("count(*) OVER ()"), Alias::new("staff"))
        .from_subquery(totals.into_query(), Alias::new("totals"))
        .to_owned();
    let query = match cut {
        None => counted,
        Some(cut) => {
            // As `Standing::needs_attention` counts it, in whole numbers.
            let attention = format!(
                "CASE WHEN passed * 100 < {ATTENTION_PASS_PERCENT} * inspections \
                 OR critical > 0 THEN 1 ELSE 0 END"
            );
            let mean = "percent_sum / inspections";
            let ranked = Query::select()
                .expr(Expr::cust("*"))
                .expr_as(
                    Expr::cust(format!("rank() OVER (ORDER BY {mean})")),
                    Alias::new("place"),
                )
                .expr_as(Expr::cust(attention.clone()), Alias::new("attention"))
                .expr_as(
                    Expr::cust(format!(
                        "rank() OVER (PARTITION BY {attention} ORDER BY {mean})"
                    )),
                    Alias::new("attention_place"),
                )
                .from_subquery(counted, Alias::new("counted"))
                .to_owned();
            Query::select()
                .expr(Expr::cust("*"))
                .from_subquery(ranked, Alias::new("ranked"))
                .and_where(Expr::cust(format!(
                    "place <= {} OR (attention = 1 AND attention_place <= {})",
                    cut.lowest, cut.most
                )))
                .to_owned()
        }
    };
    let rows = HalvedTotals::find_by_statement(db.get_database_backend().build(&query))
        .all(db)
        .await?;
    let standings = rows
        .iter()
        .map(|r| Standing {
            subject: r.subject_id,
            inspections: r.inspections as usize,
            passed: r.passed as usize,
            critical: r.critical as usize,
            percent_sum: r.percent_sum,
        })
        .collect();
    let (samples, total) = halved_samples(rows, split);
    Ok(ReportStaff {
        samples,
        standings,
        total,
    })
}

/// What [`report_staff`] read.
#[derive(Debug, Clone, Default)]
pub struct ReportStaff {
    pub samples: Vec<Sample>,
    pub standings: Vec<Standing>,
    /// Staff in the filter, printed or not.
    pub total: usize,
}

/// The sites where each of `people` was spot-checked in the filter's range, as
/// (person, site) pairs, from the running totals at the range's ends.
pub async fn sites_checked(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    people: &[i32],
) -> StoreResult<Vec<(i32, i32)>> {
    use stat_running::Column as C;
    let frontier = running::frontier(db, g).await?;
    let terms = running_terms(g, filter.from, filter.to, None, frontier);
    if terms.is_empty() || people.is_empty() {
        return Ok(Vec::new());
    }
    let inspections = running::weighted(&terms, C::Inspections, |t| t.total, Expr::val(0));
    let mut out = Vec::new();
    for chunk in people.chunks(500) {
        let pairs: Vec<(i32, i32)> = running::running_rows(db, scope, filter, g, &terms)
            .await?
            .select_only()
            .columns([C::SubjectId, C::SiteId])
            .filter(C::SubjectId.is_in(chunk.iter().copied()))
            .group_by(C::SubjectId)
            .group_by(C::SiteId)
            .having(inspections.clone().gt(0))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(pairs);
    }
    Ok(out)
}

/// Each ranked person's totals as a sample before `split` and one from it on (those
/// with spot-checks), and how many staff the filter holds.
fn halved_samples(rows: Vec<HalvedTotals>, split: NaiveDate) -> (Vec<Sample>, usize) {
    let staff = rows.first().map_or(0, |r| r.staff as usize);
    let mut out = Vec::with_capacity(rows.len() * 2);
    for r in rows {
        let before = Sample {
            date: split - chrono::Duration::days(1),
            site: 0,
            subject: r.subject_id,
            inspector: 0,
            inspections: r.earlier_inspections as usize,
            passed: r.earlier_passed as usize,
            critical: r.earlier_critical as usize,
            percent_sum: r.earlier_percent_sum,
        };
        let after = Sample {
            date: split,
            inspections: (r.inspections - r.earlier_inspections) as usize,
            passed: (r.passed - r.earlier_passed) as usize,
            critical: (r.critical - r.earlier_critical) as usize,
            percent_sum: r.percent_sum - r.earlier_percent_sum,
            ..before.clone()
        };
        out.extend([before, after].into_iter().filter(|s| s.inspections > 0));
    }
    (out, staff)
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct PairTotals {
    inspector_id: i32,
    subject: i32,
    inspections: i64,
    percent_sum: f64,
}

/// Samples that give [`stats::calibration`] the same answer as every person row of the
/// filter, in far fewer rows: staff members checked by more than one inspector keep a
/// row per inspector; everyone else, who offers no comparison, is added up per inspector
/// under a stand-in subject (the inspector's id, negated) that no other inspector shares.
/// One pass over the person rows: pairs, then how many inspectors each person had. Only
/// the two sums calibration compares are carried (each summed column costs the sort that
/// groups the rows); the samples' pass and critical counts are zero.
///
/// [`stats::calibration`]: crate::domain::stats::calibration
pub async fn calibration_samples(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    rows: PersonRows,
) -> StoreResult<Vec<Sample>> {
    use sea_orm::sea_query::{Alias, Query};
    use stat_inspection::Column as C;
    let pairs = match rows {
        PersonRows::Window(_) => person_rows(db, scope, filter, rows)
            .await?
            .select_only()
            .columns([C::SubjectId, C::InspectorId])
            .column_as(C::Inspections.sum(), "inspections")
            .column_as(C::PercentSum.sum(), "percent_sum")
            .group_by(C::SubjectId)
            .group_by(C::InspectorId)
            .into_query(),
        // The pairs' totals from the running totals at the range's ends.
        PersonRows::Periods(g) => {
            use stat_running::Column as R;
            let frontier = running::frontier(db, g).await?;
            let terms = running_terms(g, filter.from, filter.to, None, frontier);
            if terms.is_empty() {
                return Ok(Vec::new());
            }
            let total = |c, zero| running::weighted(&terms, c, |t| t.total, zero);
            let inspections = total(R::Inspections, Expr::val(0));
            running::running_rows(db, scope, filter, g, &terms)
                .await?
                .select_only()
                .columns([R::SubjectId, R::InspectorId])
                .column_as(inspections.clone(), "inspections")
                .column_as(total(R::PercentSum, Expr::val(0.0)), "percent_sum")
                .group_by(R::SubjectId)
                .group_by(R::InspectorId)
                .having(inspections.gt(0))
                .into_query()
        }
    };
    let marked = Query::select()
        .expr(Expr::cust("*"))
        .expr_as(
            Expr::cust("count(*) OVER (PARTITION BY subject_id)"),
            Alias::new("inspectors"),
        )
        .from_subquery(pairs, Alias::new("pairs"))
        .to_owned();
    // PostgreSQL adds up bigints to numeric: cast back.
    let reduced = Query::select()
        .column(Alias::new("inspector_id"))
        .expr_as(
            Expr::cust("CASE WHEN inspectors > 1 THEN subject_id ELSE -inspector_id END"),
            Alias::new("subject"),
        )
        .expr_as(
            Expr::cust("CAST(sum(inspections) AS BIGINT)"),
            Alias::new("inspections"),
        )
        .expr_as(Expr::cust("sum(percent_sum)"), Alias::new("percent_sum"))
        .from_subquery(marked, Alias::new("marked"))
        .group_by_columns([Alias::new("inspector_id"), Alias::new("subject")])
        .to_owned();
    let rows = PairTotals::find_by_statement(db.get_database_backend().build(&reduced))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Sample {
            date: filter.from,
            site: 0,
            subject: r.subject,
            inspector: r.inspector_id,
            inspections: r.inspections as usize,
            passed: 0,
            critical: 0,
            percent_sum: r.percent_sum,
        })
        .collect())
}

/// Staff among `roster` (a subquery of user ids) not spot-checked in the four weeks to
/// the filter's end ([`COVERAGE_DAYS`], ending on it), by id: the database compares the
/// roster with the keys last checked within them. A key last checked after the end (a
/// range in the past) may have been checked within them too: its whole weeks are read
/// from the running totals, and the few days at either end outside a whole week from
/// the spot-checks themselves.
pub async fn not_checked_recently(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    roster: sea_orm::sea_query::SelectStatement,
) -> StoreResult<Vec<i32>> {
    use entity::user;
    use stat_last_check::Column as L;
    let since = filter.to - chrono::Duration::days(COVERAGE_DAYS - 1);
    let versions = versions_filter(db, filter).await?;
    let last_checks = || {
        narrow(
            stat_last_check::Entity::find(),
            scope,
            filter,
            versions.clone(),
            Narrowing::last_checks(),
        )
    };
    let checked = last_checks()
        .filter(L::LastDate.between(since, filter.to))
        .select_only()
        .column(L::SubjectId)
        .into_query();
    let mut query = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.in_subquery(roster))
        .filter(user::Column::Id.not_in_subquery(checked));
    let later = last_checks()
        .filter(L::LastDate.gt(filter.to))
        .one(db)
        .await?
        .is_some();
    if later {
        let spans = coverage_spans(filter.to);
        if let Some((first, last)) = spans.weeks {
            use stat_running::Column as R;
            let g = Granularity::Week;
            let frontier = running::frontier(db, g).await?;
            let terms = running_terms(g, first, last, None, frontier);
            if !terms.is_empty() {
                let inspections =
                    running::weighted(&terms, R::Inspections, |t| t.total, Expr::val(0));
                let checked = running::running_rows(db, scope, filter, g, &terms)
                    .await?
                    .select_only()
                    .column(R::SubjectId)
                    .group_by(R::SubjectId)
                    .having(inspections.gt(0))
                    .into_query();
                query = query.filter(user::Column::Id.not_in_subquery(checked));
            }
        }
        if !spans.edges.is_empty() {
            use inspection::Column as I;
            let days = spans
                .edges
                .iter()
                .fold(sea_orm::Condition::any(), |any, (a, b)| {
                    any.add(I::ShiftDate.between(*a, *b))
                });
            let counted = inspection::Entity::find()
                .filter(I::Status.eq(InspectionStatus::Submitted))
                .filter(I::RecheckOf.is_null())
                .filter(days);
            let checked = narrow(counted, scope, filter, versions, Narrowing::inspections())
                .select_only()
                .column(I::SubjectId)
                .into_query();
            query = query.filter(user::Column::Id.not_in_subquery(checked));
        }
    }
    Ok(query
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// When each of `people` was last spot-checked up to the filter's end, counting what
/// [`not_checked_recently`] counts (submitted, not a re-check, in the viewer's scope and
/// the filter): so a person it lists is never shown a check inside the four weeks, nor
/// one at a site the viewer cannot open. From the kept last checks (one row per person
/// and key); a person with a key last checked after the end (a range in the past) may
/// have an earlier check up to it that the kept row no longer shows: for them the
/// database takes the latest from the spot-checks.
pub async fn last_counted_checks(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    people: &[i32],
) -> StoreResult<HashMap<i32, NaiveDate>> {
    use inspection::Column as C;
    use stat_last_check::Column as L;
    let versions = versions_filter(db, filter).await?;
    let kept = |chunk: &[i32]| {
        narrow(
            stat_last_check::Entity::find().filter(L::SubjectId.is_in(chunk.iter().copied())),
            scope,
            filter,
            versions.clone(),
            Narrowing::last_checks(),
        )
        .select_only()
        .column(L::SubjectId)
        .group_by(L::SubjectId)
    };
    let mut out = HashMap::new();
    for chunk in people.chunks(500) {
        let latest: Vec<(i32, Option<NaiveDate>)> = kept(chunk)
            .filter(L::LastDate.lte(filter.to))
            .column_as(L::LastDate.max(), "last_date")
            .into_tuple()
            .all(db)
            .await?;
        out.extend(latest.into_iter().filter_map(|(p, d)| Some((p, d?))));
        let later: Vec<i32> = kept(chunk)
            .filter(L::LastDate.gt(filter.to))
            .into_tuple()
            .all(db)
            .await?;
        if later.is_empty() {
            continue;
        }
        let query = inspection::Entity::find()
            .filter(C::Status.eq(InspectionStatus::Submitted))
            .filter(C::RecheckOf.is_null())
            .filter(C::ShiftDate.lte(filter.to))
            .filter(C::SubjectId.is_in(later.iter().copied()));
        let latest: Vec<(i32, Option<NaiveDate>)> = narrow(
            query,
            scope,
            filter,
            versions.clone(),
            Narrowing::inspections(),
        )
        .select_only()
        .column(C::SubjectId)
        .column_as(C::ShiftDate.max(), "last_date")
        .group_by(C::SubjectId)
        .into_tuple()
        .all(db)
        .await?;
        out.extend(latest.into_iter().filter_map(|(p, d)| Some((p, d?))));
    }
    Ok(out)
}

/// Which person rows a panel adds up: the periods of a grain (for the staff and
/// calibration panels, read from the running totals at the range's ends), or, when the
/// filter's range is a kept window, that window's two per person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonRows {
    Periods(Granularity),
    Window(Window),
}

impl PersonRows {
    fn grain(self) -> (&'static str, Granularity) {
        match self {
            PersonRows::Periods(g) => (grain_name(g), g),
            PersonRows::Window(w) => (w.name, w.granularity),
        }
    }
}

/// The person rows of the filter, narrowed, with spot-checks in them (a void can leave
/// a row at zero).
async fn person_rows(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    rows: PersonRows,
) -> StoreResult<Select<stat_inspection::Entity>> {
    use stat_inspection::Column as C;
    let (grain, g) = rows.grain();
    let query = stat_inspection::Entity::find()
        .filter(C::Grain.eq(grain))
        .filter(C::Period.between(g.start(filter.from), filter.to))
        .filter(C::Inspections.gt(0));
    Ok(narrow(
        query,
        scope,
        filter,
        versions_filter(db, filter).await?,
        Narrowing {
            site: C::SiteId,
            version: C::ChecklistVersionId,
            position: C::PositionId,
            person: Some((C::SubjectId, C::InspectorId)),
        },
    ))
}
