//! `ReservationRepository` and `RunQueue` on PostgreSQL. Claimers lock the
//! rows they take with `FOR UPDATE SKIP LOCKED`, so concurrent schedulers
//! split the due set instead of queueing on it or sharing it; the unique
//! `(reservation_id, scheduled_for)` key backs that up.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use ttokjang_domain::page::{Cursor, Page, PageRequest};
use ttokjang_domain::planner::PlanMode;
use ttokjang_domain::ports::{
    ClaimedRun, CreateReservationError, ReservationRepository, RunFinish, RunQueue,
};
use ttokjang_domain::reservation::{
    Channel, Reservation, ReservationId, ReservationRun, ReservationStatus, ResultStatus,
    RunStatus, RunTrigger, ScheduleInput, Title,
};
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::error::Failure;
use crate::store::PgStore;

diesel::table! {
    reservations (id) {
        id -> Uuid,
        user_id -> Uuid,
        title -> Text,
        mode -> Text,
        schedule_type -> Text,
        schedule_rule -> Text,
        timezone -> Text,
        channel -> Text,
        webhook_url -> Nullable<Text>,
        status -> Text,
        next_run_at -> Nullable<Timestamptz>,
        last_run_at -> Nullable<Timestamptz>,
        last_result_status -> Nullable<Text>,
        retry_count -> Integer,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    reservation_runs (id) {
        id -> Uuid,
        reservation_id -> Uuid,
        scheduled_for -> Timestamptz,
        run_trigger -> Text,
        attempt -> Integer,
        status -> Text,
        summary -> Text,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamptz>,
        plan_request_id -> Nullable<Text>,
    }
}

diesel::joinable!(reservation_runs -> reservations (reservation_id));
diesel::allow_tables_to_appear_in_same_query!(reservations, reservation_runs);

fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("reservations.{column} is not valid"))
}

fn count(column: &str, v: i32) -> Result<u32, RepoError> {
    u32::try_from(v).map_err(|_| corrupt(column))
}

fn small(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reservations, check_for_backend(Pg))]
struct ReservationRow {
    id: Uuid,
    user_id: Uuid,
    title: String,
    mode: String,
    schedule_type: String,
    schedule_rule: String,
    timezone: String,
    channel: String,
    webhook_url: Option<String>,
    status: String,
    next_run_at: Option<DateTime<Utc>>,
    last_run_at: Option<DateTime<Utc>>,
    last_result_status: Option<String>,
    retry_count: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl ReservationRow {
    fn from_domain(r: &Reservation) -> Self {
        let s = ScheduleInput::from_schedule(&r.schedule);
        Self {
            id: r.id.0,
            user_id: r.user_id.0,
            title: r.title.as_str().to_owned(),
            mode: r.mode.as_str().to_owned(),
            schedule_rule: s.rule(),
            schedule_type: s.schedule_type,
            timezone: r.schedule.timezone().to_owned(),
            channel: r.channel.kind().to_owned(),
            webhook_url: r.channel.webhook_url().map(|u| u.as_str().to_owned()),
            status: r.status.as_str().to_owned(),
            next_run_at: r.next_run_at,
            last_run_at: r.last_run_at,
            last_result_status: r.last_result_status.map(|s| s.as_str().to_owned()),
            retry_count: small(r.retry_count),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }

    fn into_domain(self) -> Result<Reservation, RepoError> {
        let schedule =
            ScheduleInput::from_rule(&self.schedule_type, &self.schedule_rule, &self.timezone)
                .parse()
                .map_err(|_| corrupt("schedule"))?;
        Ok(Reservation {
            id: ReservationId(self.id),
            user_id: UserId(self.user_id),
            title: Title::parse(&self.title).map_err(|_| corrupt("title"))?,
            mode: PlanMode::parse(&self.mode).ok_or_else(|| corrupt("mode"))?,
            schedule,
            channel: Channel::parse(&self.channel, self.webhook_url.as_deref())
                .map_err(|_| corrupt("channel"))?,
            status: ReservationStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            next_run_at: self.next_run_at,
            last_run_at: self.last_run_at,
            last_result_status: self
                .last_result_status
                .map(|s| ResultStatus::parse(&s).ok_or_else(|| corrupt("last_result_status")))
                .transpose()?,
            retry_count: count("retry_count", self.retry_count)?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reservation_runs, check_for_backend(Pg))]
struct RunRow {
    id: Uuid,
    reservation_id: Uuid,
    scheduled_for: DateTime<Utc>,
    run_trigger: String,
    attempt: i32,
    status: String,
    summary: String,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    lease_owner: Option<String>,
    lease_expires_at: Option<DateTime<Utc>>,
    plan_request_id: Option<String>,
}

impl RunRow {
    fn from_domain(r: &ReservationRun) -> Self {
        Self {
            id: r.id,
            reservation_id: r.reservation_id.0,
            scheduled_for: r.scheduled_for,
            run_trigger: r.trigger.as_str().to_owned(),
            attempt: small(r.attempt),
            status: r.status.as_str().to_owned(),
            summary: r.summary.clone(),
            started_at: r.started_at,
            finished_at: r.finished_at,
            lease_owner: r.lease_owner.clone(),
            lease_expires_at: r.lease_expires_at,
            plan_request_id: r.plan_request_id.clone(),
        }
    }

    fn into_domain(self) -> Result<ReservationRun, RepoError> {
        let bad = |c: &str| RepoError::Corrupt(format!("reservation_runs.{c} is not valid"));
        Ok(ReservationRun {
            id: self.id,
            reservation_id: ReservationId(self.reservation_id),
            scheduled_for: self.scheduled_for,
            trigger: RunTrigger::parse(&self.run_trigger).ok_or_else(|| bad("run_trigger"))?,
            attempt: count("attempt", self.attempt)?,
            status: RunStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            summary: self.summary,
            started_at: self.started_at,
            finished_at: self.finished_at,
            lease_owner: self.lease_owner,
            lease_expires_at: self.lease_expires_at,
            plan_request_id: self.plan_request_id,
        })
    }
}

type Id = Uuid;

const LIVE: [&str; 3] = ["active", "paused", "failed"];

/// What `create` did.
enum Created {
    New,
    Full,
    Duplicate(Id),
}
const OPEN: [&str; 2] = ["queued", "running"];

/// Step 1 of a claim: queued runs and runs whose lease expired get a new lease.
fn reclaim_open_runs(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
    owner: &str,
    lease_until: DateTime<Utc>,
    out: &mut Vec<ClaimedRun>,
) -> Result<(), Failure> {
    use reservation_runs::dsl as r;
    let claimable = r::status
        .eq("queued")
        .or(r::status.eq("running").and(r::lease_expires_at.le(now)));
    let runs: Vec<RunRow> = reservation_runs::table
        .filter(claimable)
        .order(r::scheduled_for.asc())
        .limit(limit)
        .select(RunRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)?;
    let mut rows = Vec::with_capacity(runs.len());
    for run in runs {
        let reservation = reservations::table
            .find(run.reservation_id)
            .select(ReservationRow::as_select())
            .first(conn)?;
        rows.push((run, reservation));
    }
    for (run, reservation) in rows {
        if !LIVE.contains(&reservation.status.as_str()) {
            diesel::update(reservation_runs::table.find(&run.id))
                .set((
                    r::status.eq("failed"),
                    r::summary.eq("the reservation ended before the run could start"),
                    r::finished_at.eq(now),
                ))
                .execute(conn)?;
            continue;
        }
        diesel::update(reservation_runs::table.find(&run.id))
            .set((
                r::status.eq("running"),
                r::started_at.eq(now),
                r::lease_owner.eq(owner),
                r::lease_expires_at.eq(lease_until),
            ))
            .execute(conn)?;
        let mut run = run.into_domain()?;
        run.status = RunStatus::Running;
        run.started_at = Some(now);
        run.lease_owner = Some(owner.to_owned());
        run.lease_expires_at = Some(lease_until);
        out.push(ClaimedRun {
            run,
            reservation: reservation.into_domain()?,
            missed: 0,
        });
    }
    Ok(())
}

/// Step 2 of a claim: due active reservations get a run row for the
/// occurrence the catch-up policy picks; older ones are stored as missed.
fn claim_due_reservations(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
    owner: &str,
    lease_for: Duration,
    out: &mut Vec<ClaimedRun>,
) -> Result<(), Failure> {
    use reservations::dsl as s;
    let rows: Vec<ReservationRow> = reservations::table
        .filter(s::status.eq("active"))
        .filter(s::next_run_at.le(now))
        .order(s::next_run_at.asc())
        .limit(limit)
        .select(ReservationRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)?;
    for row in rows {
        let reservation = row.into_domain()?;
        let Some(due) = reservation.due(now) else {
            continue;
        };
        for at in &due.missed {
            let row = RunRow::from_domain(&ReservationRun::missed(
                Uuid::new_v4(),
                reservation.id,
                *at,
                now,
            ));
            diesel::insert_into(reservation_runs::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(conn)?;
        }
        let run = ReservationRun::leased(
            Uuid::new_v4(),
            &reservation,
            due.run_for,
            owner,
            now,
            lease_for,
        );
        let inserted = diesel::insert_into(reservation_runs::table)
            .values(&RunRow::from_domain(&run))
            .on_conflict_do_nothing()
            .execute(conn)?;
        let id = reservation.id.0;
        if inserted == 1 {
            diesel::update(reservations::table.find(&id))
                .set(s::next_run_at.eq(None::<DateTime<Utc>>))
                .execute(conn)?;
            out.push(ClaimedRun {
                run,
                reservation,
                missed: due.missed_total,
            });
            continue;
        }
        // Not inserted: a run is open (a "run now"; this occurrence waits for
        // it), or this occurrence already ran — then move past it.
        let open: i64 = reservation_runs::table
            .filter(reservation_runs::reservation_id.eq(&id))
            .filter(reservation_runs::status.eq_any(OPEN))
            .count()
            .get_result(conn)?;
        if open == 0 {
            let next = reservation.schedule.next_after(due.run_for);
            let status = if next.is_some() {
                "active"
            } else {
                "completed"
            };
            diesel::update(reservations::table.find(&id))
                .set((s::next_run_at.eq(next), s::status.eq(status)))
                .execute(conn)?;
        }
    }
    Ok(())
}

#[async_trait]
impl ReservationRepository for PgStore {
    async fn create(
        &self,
        reservation: &Reservation,
        max_live: u32,
    ) -> Result<(), CreateReservationError> {
        let row = ReservationRow::from_domain(reservation);
        let full = self
            .run(move |conn| {
                conn.transaction::<_, Failure, _>(|conn| {
                    // Serialises creations per user so the count below stays true.
                    crate::schema::users::table
                        .find(row.user_id)
                        .select(crate::schema::users::id)
                        .for_update()
                        .first::<Uuid>(conn)
                        .optional()?;
                    let live: i64 = reservations::table
                        .filter(reservations::user_id.eq(&row.user_id))
                        .filter(reservations::status.eq_any(LIVE))
                        .count()
                        .get_result(conn)?;
                    if live >= i64::from(max_live) {
                        return Ok(Created::Full);
                    }
                    let same: Vec<(Id, Option<String>)> = reservations::table
                        .filter(reservations::user_id.eq(&row.user_id))
                        .filter(reservations::status.eq_any(["active", "paused"]))
                        .filter(reservations::title.eq(&row.title))
                        .filter(reservations::mode.eq(&row.mode))
                        .filter(reservations::schedule_type.eq(&row.schedule_type))
                        .filter(reservations::schedule_rule.eq(&row.schedule_rule))
                        .filter(reservations::timezone.eq(&row.timezone))
                        .filter(reservations::channel.eq(&row.channel))
                        .select((reservations::id, reservations::webhook_url))
                        .load(conn)?;
                    if let Some((id, _)) = same.into_iter().find(|(_, w)| *w == row.webhook_url) {
                        return Ok(Created::Duplicate(id));
                    }
                    diesel::insert_into(reservations::table)
                        .values(&row)
                        .execute(conn)?;
                    Ok(Created::New)
                })
            })
            .await
            .map_err(RepoError::from)?;
        match full {
            Created::New => Ok(()),
            Created::Full => Err(CreateReservationError::LimitReached { max: max_live }),
            Created::Duplicate(id) => Err(CreateReservationError::Duplicate {
                existing: ReservationId(id),
            }),
        }
    }

    async fn find(
        &self,
        user: UserId,
        id: ReservationId,
    ) -> Result<Option<Reservation>, RepoError> {
        let (user, id) = (user.0, id.0);
        let row = self
            .run(move |conn| {
                Ok(reservations::table
                    .filter(reservations::id.eq(id))
                    .filter(reservations::user_id.eq(user))
                    .select(ReservationRow::as_select())
                    .first(conn)
                    .optional()?)
            })
            .await?;
        row.map(ReservationRow::into_domain).transpose()
    }

    async fn list(&self, user: UserId, page: &PageRequest) -> Result<Page<Reservation>, RepoError> {
        use reservations::dsl as s;
        let user = user.0;
        let (after, fetch) = (page.after, page.fetch());
        let rows = self
            .run(move |conn| {
                let mut q = reservations::table
                    .filter(s::user_id.eq(user))
                    .select(ReservationRow::as_select())
                    .order((s::created_at.desc(), s::id.desc()))
                    .limit(fetch)
                    .into_boxed();
                if let Some(c) = after {
                    let (at, id) = (c.at, c.id);
                    q = q.filter(
                        s::created_at
                            .lt(at)
                            .or(s::created_at.eq(at).and(s::id.lt(id))),
                    );
                }
                Ok(q.load(conn)?)
            })
            .await?;
        let items = rows
            .into_iter()
            .map(ReservationRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(items, page, |r| Cursor {
            at: r.created_at,
            id: r.id.0,
        }))
    }

    async fn update(&self, reservation: &Reservation) -> Result<bool, RepoError> {
        use reservations::dsl as s;
        let row = ReservationRow::from_domain(reservation);
        let n = self
            .run(move |conn| {
                Ok(diesel::update(
                    reservations::table
                        .filter(s::id.eq(&row.id))
                        .filter(s::user_id.eq(&row.user_id)),
                )
                .set((
                    s::title.eq(&row.title),
                    s::mode.eq(&row.mode),
                    s::schedule_type.eq(&row.schedule_type),
                    s::schedule_rule.eq(&row.schedule_rule),
                    s::timezone.eq(&row.timezone),
                    s::channel.eq(&row.channel),
                    s::webhook_url.eq(&row.webhook_url),
                    s::status.eq(&row.status),
                    s::next_run_at.eq(row.next_run_at),
                    s::retry_count.eq(row.retry_count),
                    s::updated_at.eq(row.updated_at),
                ))
                .execute(conn)?)
            })
            .await?;
        Ok(n == 1)
    }

    async fn runs(
        &self,
        user: UserId,
        id: ReservationId,
        page: &PageRequest,
    ) -> Result<Page<ReservationRun>, RepoError> {
        use reservation_runs::dsl as r;
        let (user, id) = (user.0, id.0);
        let (after, fetch) = (page.after, page.fetch());
        let rows = self
            .run(move |conn| {
                let mut q = reservation_runs::table
                    .inner_join(reservations::table)
                    .filter(r::reservation_id.eq(id))
                    .filter(reservations::user_id.eq(user))
                    .select(RunRow::as_select())
                    .order((r::scheduled_for.desc(), r::id.desc()))
                    .limit(fetch)
                    .into_boxed();
                if let Some(c) = after {
                    let (at, cid) = (c.at, c.id);
                    q = q.filter(
                        r::scheduled_for
                            .lt(at)
                            .or(r::scheduled_for.eq(at).and(r::id.lt(cid))),
                    );
                }
                Ok(q.load(conn)?)
            })
            .await?;
        let items = rows
            .into_iter()
            .map(RunRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(items, page, |r| Cursor {
            at: r.scheduled_for,
            id: r.id,
        }))
    }

    async fn enqueue(&self, run: &ReservationRun) -> Result<bool, RepoError> {
        let row = RunRow::from_domain(run);
        let n = self
            .run(move |conn| {
                Ok(diesel::insert_into(reservation_runs::table)
                    .values(&row)
                    .on_conflict_do_nothing()
                    .execute(conn)?)
            })
            .await?;
        Ok(n == 1)
    }
}

#[async_trait]
impl RunQueue for PgStore {
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        lease_owner: &str,
        lease_for: Duration,
    ) -> Result<Vec<ClaimedRun>, RepoError> {
        let owner = lease_owner.to_owned();
        let claimed = self
            .run(move |conn| {
                conn.transaction::<_, Failure, _>(|conn| {
                    let mut out = Vec::new();
                    let limit = i64::from(limit);
                    reclaim_open_runs(conn, now, limit, &owner, now + lease_for, &mut out)?;
                    let left = limit - i64::try_from(out.len()).unwrap_or(limit);
                    if left > 0 {
                        claim_due_reservations(conn, now, left, &owner, lease_for, &mut out)?;
                    }
                    Ok(out)
                })
            })
            .await?;
        Ok(claimed)
    }

    async fn finish_run(
        &self,
        run_id: Uuid,
        lease_owner: &str,
        finish: &RunFinish,
    ) -> Result<bool, RepoError> {
        use reservation_runs::dsl as r;
        use reservations::dsl as s;
        let (id, owner, finish) = (run_id, lease_owner.to_owned(), finish.clone());
        let done = self
            .run(move |conn| {
                conn.transaction::<_, Failure, _>(|conn| {
                    let reservation: Option<Uuid> = diesel::update(
                        reservation_runs::table
                            .filter(r::id.eq(&id))
                            .filter(r::status.eq("running"))
                            .filter(r::lease_owner.eq(&owner)),
                    )
                    .set((
                        r::status.eq(finish.status.as_str()),
                        r::summary.eq(&finish.summary),
                        r::plan_request_id.eq(&finish.plan_request_id),
                        r::finished_at.eq(finish.finished_at),
                    ))
                    .returning(r::reservation_id)
                    .get_result(conn)
                    .optional()?;
                    let Some(reservation) = reservation else {
                        return Ok(false);
                    };
                    let p = &finish.progress;
                    diesel::update(reservations::table.find(&reservation))
                        .set((
                            s::last_run_at.eq(p.last_run_at),
                            s::last_result_status.eq(p.last_result_status.as_str()),
                            s::updated_at.eq(finish.finished_at),
                        ))
                        .execute(conn)?;
                    if let Some(next) = p.next {
                        diesel::update(
                            reservations::table
                                .filter(s::id.eq(&reservation))
                                .filter(s::status.eq("active"))
                                .filter(s::next_run_at.is_null()),
                        )
                        .set((
                            s::status.eq(next.status.as_str()),
                            s::next_run_at.eq(next.next_run_at),
                            s::retry_count.eq(small(next.retry_count)),
                        ))
                        .execute(conn)?;
                    }
                    Ok(true)
                })
            })
            .await?;
        Ok(done)
    }
}
