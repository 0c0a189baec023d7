//! `ReservationRepository` and `RunQueue`. Claiming and finishing runs are
//! one write transaction each; how claimers keep out of each other's way is
//! the dialect's (`claimable_runs`, `due_reservations`): SQLite takes its
//! write lock up front (`BEGIN IMMEDIATE`), PostgreSQL locks the rows it
//! takes with `FOR UPDATE SKIP LOCKED`. The unique
//! `(reservation_id, scheduled_for)` key backs that up.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
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

use crate::dialect::{
    claimable_runs, due_reservations, from_db_id, from_db_time, lock_user, read_tx, to_db_id,
    to_db_time, write_tx, Conn, DbStore, Id, Instant,
};
use crate::error::{corrupt, Failure};
use crate::rows::opt_time;
use crate::schema::{reservation_runs, reservations};
use crate::shared::reservation_items::{load_items, with_items, write_items};

fn count(column: &str, v: i32) -> Result<u32, RepoError> {
    u32::try_from(v).map_err(|_| corrupt(column))
}

fn small(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reservations, check_for_backend(crate::dialect::Db))]
pub(crate) struct ReservationRow {
    pub(crate) id: Id,
    pub(crate) user_id: Id,
    pub(crate) title: String,
    pub(crate) mode: String,
    pub(crate) schedule_type: String,
    pub(crate) schedule_rule: String,
    pub(crate) timezone: String,
    pub(crate) channel: String,
    pub(crate) webhook_url: Option<String>,
    pub(crate) status: String,
    pub(crate) next_run_at: Option<Instant>,
    pub(crate) last_run_at: Option<Instant>,
    pub(crate) last_result_status: Option<String>,
    pub(crate) retry_count: i32,
    pub(crate) created_at: Instant,
    pub(crate) updated_at: Instant,
}

impl ReservationRow {
    fn from_domain(r: &Reservation) -> Self {
        let s = ScheduleInput::from_schedule(&r.schedule);
        Self {
            id: to_db_id(r.id.0),
            user_id: to_db_id(r.user_id.0),
            title: r.title.as_str().to_owned(),
            mode: r.mode.as_str().to_owned(),
            schedule_rule: s.rule(),
            schedule_type: s.schedule_type,
            timezone: r.schedule.timezone().to_owned(),
            channel: r.channel.kind().to_owned(),
            webhook_url: r.channel.webhook_url().map(|u| u.as_str().to_owned()),
            status: r.status.as_str().to_owned(),
            next_run_at: r.next_run_at.map(to_db_time),
            last_run_at: r.last_run_at.map(to_db_time),
            last_result_status: r.last_result_status.map(|s| s.as_str().to_owned()),
            retry_count: small(r.retry_count),
            created_at: to_db_time(r.created_at),
            updated_at: to_db_time(r.updated_at),
        }
    }

    /// The reservation without its item list (see `reservation_items::with_items`).
    pub(crate) fn into_domain(self) -> Result<Reservation, RepoError> {
        let schedule =
            ScheduleInput::from_rule(&self.schedule_type, &self.schedule_rule, &self.timezone)
                .parse()
                .map_err(|_| corrupt("reservations.schedule"))?;
        Ok(Reservation {
            id: ReservationId(from_db_id("reservations.id", &self.id)?),
            user_id: UserId(from_db_id("reservations.user_id", &self.user_id)?),
            title: Title::parse(&self.title).map_err(|_| corrupt("reservations.title"))?,
            mode: PlanMode::parse(&self.mode).ok_or_else(|| corrupt("reservations.mode"))?,
            schedule,
            channel: Channel::parse(&self.channel, self.webhook_url.as_deref())
                .map_err(|_| corrupt("reservations.channel"))?,
            planned_items: None,
            status: ReservationStatus::parse(&self.status)
                .ok_or_else(|| corrupt("reservations.status"))?,
            next_run_at: opt_time("reservations.next_run_at", self.next_run_at)?,
            last_run_at: opt_time("reservations.last_run_at", self.last_run_at)?,
            last_result_status: self
                .last_result_status
                .map(|s| {
                    ResultStatus::parse(&s)
                        .ok_or_else(|| corrupt("reservations.last_result_status"))
                })
                .transpose()?,
            retry_count: count("reservations.retry_count", self.retry_count)?,
            created_at: from_db_time("reservations.created_at", self.created_at)?,
            updated_at: from_db_time("reservations.updated_at", self.updated_at)?,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reservation_runs, check_for_backend(crate::dialect::Db))]
pub(crate) struct RunRow {
    pub(crate) id: Id,
    pub(crate) reservation_id: Id,
    pub(crate) scheduled_for: Instant,
    pub(crate) run_trigger: String,
    pub(crate) attempt: i32,
    pub(crate) status: String,
    pub(crate) summary: String,
    pub(crate) started_at: Option<Instant>,
    pub(crate) finished_at: Option<Instant>,
    pub(crate) lease_owner: Option<String>,
    pub(crate) lease_expires_at: Option<Instant>,
    pub(crate) plan_request_id: Option<String>,
}

impl RunRow {
    fn from_domain(r: &ReservationRun) -> Self {
        Self {
            id: to_db_id(r.id),
            reservation_id: to_db_id(r.reservation_id.0),
            scheduled_for: to_db_time(r.scheduled_for),
            run_trigger: r.trigger.as_str().to_owned(),
            attempt: small(r.attempt),
            status: r.status.as_str().to_owned(),
            summary: r.summary.clone(),
            started_at: r.started_at.map(to_db_time),
            finished_at: r.finished_at.map(to_db_time),
            lease_owner: r.lease_owner.clone(),
            lease_expires_at: r.lease_expires_at.map(to_db_time),
            plan_request_id: r.plan_request_id.clone(),
        }
    }

    fn into_domain(self) -> Result<ReservationRun, RepoError> {
        let bad = |c: &str| corrupt(&format!("reservation_runs.{c}"));
        Ok(ReservationRun {
            id: from_db_id("reservation_runs.id", &self.id)?,
            reservation_id: ReservationId(from_db_id(
                "reservation_runs.reservation_id",
                &self.reservation_id,
            )?),
            scheduled_for: from_db_time("reservation_runs.scheduled_for", self.scheduled_for)?,
            trigger: RunTrigger::parse(&self.run_trigger).ok_or_else(|| bad("run_trigger"))?,
            attempt: count("reservations.attempt", self.attempt)?,
            status: RunStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            summary: self.summary,
            started_at: opt_time("reservation_runs.started_at", self.started_at)?,
            finished_at: opt_time("reservation_runs.finished_at", self.finished_at)?,
            lease_owner: self.lease_owner,
            lease_expires_at: opt_time("reservation_runs.lease_expires_at", self.lease_expires_at)?,
            plan_request_id: self.plan_request_id,
        })
    }
}

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
    conn: &mut Conn,
    now: Instant,
    limit: i64,
    owner: &str,
    lease_until: Instant,
    out: &mut Vec<ClaimedRun>,
) -> Result<(), Failure> {
    use reservation_runs::dsl as r;
    let rows = claimable_runs(conn, now, limit)?;
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
        let reservation = with_items(conn, vec![reservation])?
            .pop()
            .ok_or_else(|| corrupt("reservations"))?;
        let mut run = run.into_domain()?;
        run.status = RunStatus::Running;
        run.started_at = from_db_time("started_at", now).ok();
        run.lease_owner = Some(owner.to_owned());
        run.lease_expires_at = from_db_time("lease_expires_at", lease_until).ok();
        out.push(ClaimedRun {
            run,
            reservation,
            missed: 0,
        });
    }
    Ok(())
}

/// Step 2 of a claim: due active reservations get a run row for the
/// occurrence the catch-up policy picks; older ones are stored as missed.
fn claim_due_reservations(
    conn: &mut Conn,
    now: DateTime<Utc>,
    limit: i64,
    owner: &str,
    lease_for: Duration,
    out: &mut Vec<ClaimedRun>,
) -> Result<(), Failure> {
    use reservations::dsl as s;
    let rows = due_reservations(conn, to_db_time(now), limit)?;
    for reservation in with_items(conn, rows)? {
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
        let id = to_db_id(reservation.id.0);
        if inserted == 1 {
            diesel::update(reservations::table.find(&id))
                .set(s::next_run_at.eq(None::<Instant>))
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
                .set((
                    s::next_run_at.eq(next.map(to_db_time)),
                    s::status.eq(status),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

#[async_trait]
impl ReservationRepository for DbStore {
    async fn create(
        &self,
        reservation: &Reservation,
        max_live: u32,
    ) -> Result<(), CreateReservationError> {
        let row = ReservationRow::from_domain(reservation);
        let items = reservation.planned_items.clone();
        let full = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    // Serialises creations per user so the count below stays true.
                    lock_user(conn, &row.user_id)?;
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
                    let same: Vec<Id> = same
                        .into_iter()
                        .filter(|(_, w)| *w == row.webhook_url)
                        .map(|(id, _)| id)
                        .collect();
                    // Identical includes the item list (none: the live basket).
                    let mut their_items = load_items(conn, &same)?;
                    if let Some(id) = same.into_iter().find(|id| their_items.remove(id) == items) {
                        return Ok(Created::Duplicate(id));
                    }
                    diesel::insert_into(reservations::table)
                        .values(&row)
                        .execute(conn)?;
                    write_items(conn, &row.id, items.as_deref())?;
                    Ok(Created::New)
                })
            })
            .await
            .map_err(RepoError::from)?;
        match full {
            Created::New => Ok(()),
            Created::Full => Err(CreateReservationError::LimitReached { max: max_live }),
            Created::Duplicate(id) => Err(CreateReservationError::Duplicate {
                existing: ReservationId(from_db_id("reservations.id", &id)?),
            }),
        }
    }

    async fn find(
        &self,
        user: UserId,
        id: ReservationId,
    ) -> Result<Option<Reservation>, RepoError> {
        let (user, id) = (to_db_id(user.0), to_db_id(id.0));
        let found = self
            .run(move |conn| {
                read_tx(conn, |conn| {
                    let row = reservations::table
                        .filter(reservations::id.eq(id))
                        .filter(reservations::user_id.eq(user))
                        .select(ReservationRow::as_select())
                        .get_result(conn)
                        .optional()?;
                    Ok(with_items(conn, row.into_iter().collect())?.pop())
                })
            })
            .await?;
        Ok(found)
    }

    async fn list(&self, user: UserId, page: &PageRequest) -> Result<Page<Reservation>, RepoError> {
        use reservations::dsl as s;
        let user = to_db_id(user.0);
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
                    let (at, id) = (to_db_time(c.at), to_db_id(c.id));
                    q = q.filter(
                        s::created_at
                            .lt(at)
                            .or(s::created_at.eq(at).and(s::id.lt(id))),
                    );
                }
                read_tx(conn, |conn| {
                    let rows = q.load(conn)?;
                    with_items(conn, rows)
                })
            })
            .await?;
        let items = rows;
        Ok(Page::from_rows(items, page, |r| Cursor {
            at: r.created_at,
            id: r.id.0,
        }))
    }

    async fn update(&self, reservation: &Reservation) -> Result<bool, RepoError> {
        use reservations::dsl as s;
        let row = ReservationRow::from_domain(reservation);
        let items = reservation.planned_items.clone();
        let n = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let n = diesel::update(
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
                    .execute(conn)?;
                    if n == 1 {
                        write_items(conn, &row.id, items.as_deref())?;
                    }
                    Ok(n)
                })
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
        let (user, id) = (to_db_id(user.0), to_db_id(id.0));
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
                    let (at, cid) = (to_db_time(c.at), to_db_id(c.id));
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
impl RunQueue for DbStore {
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
                write_tx(conn, |conn| {
                    let mut out = Vec::new();
                    let limit = i64::from(limit);
                    reclaim_open_runs(
                        conn,
                        to_db_time(now),
                        limit,
                        &owner,
                        to_db_time(now + lease_for),
                        &mut out,
                    )?;
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
        let (id, owner, finish) = (to_db_id(run_id), lease_owner.to_owned(), finish.clone());
        let done = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let reservation: Option<Id> = diesel::update(
                        reservation_runs::table
                            .filter(r::id.eq(&id))
                            .filter(r::status.eq("running"))
                            .filter(r::lease_owner.eq(&owner)),
                    )
                    .set((
                        r::status.eq(finish.status.as_str()),
                        r::summary.eq(&finish.summary),
                        r::plan_request_id.eq(&finish.plan_request_id),
                        r::finished_at.eq(to_db_time(finish.finished_at)),
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
                            s::last_run_at.eq(to_db_time(p.last_run_at)),
                            s::last_result_status.eq(p.last_result_status.as_str()),
                            s::updated_at.eq(to_db_time(finish.finished_at)),
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
                            s::next_run_at.eq(next.next_run_at.map(to_db_time)),
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
