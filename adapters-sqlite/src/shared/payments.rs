//! `PaymentMethodRepository` and `PaymentIntentRepository`. A confirmation
//! checks the order and the user's budget and records the payment in one
//! write transaction; on PostgreSQL the intent, the order and the user's row
//! are locked first (on SQLite `BEGIN IMMEDIATE` already holds the write lock).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::order::{OrderId, OrderStatus};
use ttokjang_domain::payment::{
    Completion, ConfirmOutcome, DeclineCode, IntentId, IntentStatus, PaymentIntent, PaymentMethod,
    PaymentMethodId, SandboxCard,
};
use ttokjang_domain::ports::{PaymentIntentRepository, PaymentMethodRepository};
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;

use crate::dialect::{
    from_db_id, from_db_time, lock_user, locked, to_db_id, to_db_time, write_tx, Conn, DbStore, Id,
    Instant,
};
use crate::error::corrupt;
use crate::schema::{orders, payment_intents, payment_methods};

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = payment_methods, check_for_backend(crate::dialect::Db))]
struct MethodRow {
    id: Id,
    user_id: Id,
    token: String,
    label: String,
    created_at: Instant,
}

impl MethodRow {
    fn from_domain(m: &PaymentMethod) -> Self {
        Self {
            id: to_db_id(m.id.0),
            user_id: to_db_id(m.user_id.0),
            token: m.card.token().to_owned(),
            label: m.label.clone(),
            created_at: to_db_time(m.created_at),
        }
    }

    fn into_domain(self) -> Result<PaymentMethod, RepoError> {
        Ok(PaymentMethod {
            id: PaymentMethodId(from_db_id("payment_methods.id", &self.id)?),
            user_id: UserId(from_db_id("payment_methods.user_id", &self.user_id)?),
            card: SandboxCard::parse(&self.token)
                .ok_or_else(|| corrupt("payment_methods.token"))?,
            label: self.label,
            created_at: from_db_time("payment_methods.created_at", self.created_at)?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = payment_intents, check_for_backend(crate::dialect::Db))]
struct IntentRow {
    id: Id,
    user_id: Id,
    order_id: Id,
    amount_krw: i64,
    status: String,
    token: Option<String>,
    payment_method_id: Option<Id>,
    decline_code: Option<String>,
    created_at: Instant,
    updated_at: Instant,
}

impl IntentRow {
    fn from_domain(i: &PaymentIntent) -> Self {
        Self {
            id: to_db_id(i.id.0),
            user_id: to_db_id(i.user_id.0),
            order_id: to_db_id(i.order_id.0),
            amount_krw: i.amount_krw,
            status: i.status.as_str().to_owned(),
            token: i.card.map(|c| c.token().to_owned()),
            payment_method_id: i.payment_method_id.map(|m| to_db_id(m.0)),
            decline_code: i.decline_code.map(|d| d.as_str().to_owned()),
            created_at: to_db_time(i.created_at),
            updated_at: to_db_time(i.updated_at),
        }
    }

    fn into_domain(self) -> Result<PaymentIntent, RepoError> {
        let c = "payment_intents";
        Ok(PaymentIntent {
            id: IntentId(from_db_id(c, &self.id)?),
            user_id: UserId(from_db_id(c, &self.user_id)?),
            order_id: OrderId(from_db_id(c, &self.order_id)?),
            amount_krw: self.amount_krw,
            status: IntentStatus::parse(&self.status)
                .ok_or_else(|| corrupt("payment_intents.status"))?,
            card: self
                .token
                .map(|t| SandboxCard::parse(&t).ok_or_else(|| corrupt("payment_intents.token")))
                .transpose()?,
            payment_method_id: self
                .payment_method_id
                .map(|m| from_db_id(c, &m).map(PaymentMethodId))
                .transpose()?,
            decline_code: self
                .decline_code
                .map(|d| {
                    DeclineCode::parse(&d).ok_or_else(|| corrupt("payment_intents.decline_code"))
                })
                .transpose()?,
            created_at: from_db_time(c, self.created_at)?,
            updated_at: from_db_time(c, self.updated_at)?,
        })
    }
}

fn find_intent(conn: &mut Conn, user: &Id, intent: &Id) -> QueryResult<Option<IntentRow>> {
    payment_intents::table
        .find(intent)
        .filter(payment_intents::user_id.eq(user))
        .select(IntentRow::as_select())
        .get_result(conn)
        .optional()
}

#[async_trait]
impl PaymentMethodRepository for DbStore {
    async fn add(&self, method: &PaymentMethod) -> Result<(), RepoError> {
        let row = MethodRow::from_domain(method);
        self.run(move |conn| {
            diesel::insert_into(payment_methods::table)
                .values(&row)
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn list(&self, user: UserId) -> Result<Vec<PaymentMethod>, RepoError> {
        let uid = to_db_id(user.0);
        let rows = self
            .run(move |conn| {
                Ok(payment_methods::table
                    .filter(payment_methods::user_id.eq(uid))
                    .order((payment_methods::created_at, payment_methods::id))
                    .select(MethodRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter().map(MethodRow::into_domain).collect()
    }

    async fn find(
        &self,
        user: UserId,
        method: PaymentMethodId,
    ) -> Result<Option<PaymentMethod>, RepoError> {
        let (uid, mid) = (to_db_id(user.0), to_db_id(method.0));
        let row = self
            .run(move |conn| {
                Ok(payment_methods::table
                    .find(mid)
                    .filter(payment_methods::user_id.eq(uid))
                    .select(MethodRow::as_select())
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        row.map(MethodRow::into_domain).transpose()
    }

    async fn delete(&self, user: UserId, method: PaymentMethodId) -> Result<bool, RepoError> {
        let (uid, mid) = (to_db_id(user.0), to_db_id(method.0));
        let n = self
            .run(move |conn| {
                Ok(diesel::delete(
                    payment_methods::table
                        .find(mid)
                        .filter(payment_methods::user_id.eq(uid)),
                )
                .execute(conn)?)
            })
            .await?;
        Ok(n > 0)
    }
}

#[async_trait]
impl PaymentIntentRepository for DbStore {
    async fn create(&self, intent: &PaymentIntent) -> Result<(), RepoError> {
        let row = IntentRow::from_domain(intent);
        self.run(move |conn| {
            diesel::insert_into(payment_intents::table)
                .values(&row)
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn find(
        &self,
        user: UserId,
        intent: IntentId,
    ) -> Result<Option<PaymentIntent>, RepoError> {
        let (uid, iid) = (to_db_id(user.0), to_db_id(intent.0));
        let row = self
            .run(move |conn| Ok(find_intent(conn, &uid, &iid)?))
            .await?;
        row.map(IntentRow::into_domain).transpose()
    }

    async fn list_for_order(
        &self,
        user: UserId,
        order: OrderId,
    ) -> Result<Vec<PaymentIntent>, RepoError> {
        let (uid, oid) = (to_db_id(user.0), to_db_id(order.0));
        let rows = self
            .run(move |conn| {
                Ok(payment_intents::table
                    .filter(payment_intents::user_id.eq(uid))
                    .filter(payment_intents::order_id.eq(oid))
                    .order((payment_intents::created_at, payment_intents::id))
                    .select(IntentRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter().map(IntentRow::into_domain).collect()
    }

    async fn succeeded_total_since(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<i64, RepoError> {
        let (uid, since) = (to_db_id(user.0), to_db_time(since));
        let amounts: Vec<i64> = self
            .run(move |conn| {
                Ok(payment_intents::table
                    .filter(payment_intents::user_id.eq(uid))
                    .filter(payment_intents::status.eq(IntentStatus::Succeeded.as_str()))
                    .filter(payment_intents::updated_at.ge(since))
                    .select(payment_intents::amount_krw)
                    .load(conn)?)
            })
            .await?;
        Ok(amounts.into_iter().fold(0i64, i64::saturating_add))
    }

    async fn complete(
        &self,
        user: UserId,
        intent: IntentId,
        outcome: &ConfirmOutcome,
        now: DateTime<Utc>,
    ) -> Result<Completion, RepoError> {
        let (uid, iid) = (to_db_id(user.0), to_db_id(intent.0));
        let outcome = *outcome;
        let succeeded = outcome.status() == IntentStatus::Succeeded;
        let (found, done) = self
            .run(move |conn| {
                // One unit: the order check, the budget check and both writes.
                write_tx(conn, |conn| {
                    // The intent row is locked first: a concurrent confirmation
                    // waits here and then sees it is no longer pending.
                    let locked: Option<IntentRow> = locked!(payment_intents::table
                        .find(&iid)
                        .filter(payment_intents::user_id.eq(&uid))
                        .select(IntentRow::as_select()))
                    .get_result(conn)
                    .optional()?;
                    let Some(row) = locked else {
                        return Ok((None, Step::NotFound));
                    };
                    if row.status != IntentStatus::RequiresConfirmation.as_str() {
                        return Ok((Some(row), Step::NotPending));
                    }
                    if succeeded {
                        let status: Option<String> = locked!(orders::table
                            .find(&row.order_id)
                            .filter(orders::user_id.eq(&uid))
                            .select(orders::status))
                        .get_result(conn)
                        .optional()?;
                        let payable =
                            status
                                .as_deref()
                                .and_then(OrderStatus::parse)
                                .is_some_and(|s| {
                                    !matches!(s, OrderStatus::Paid | OrderStatus::Cancelled)
                                });
                        if !payable {
                            return Ok((Some(row), Step::OrderNotPayable));
                        }
                        if let Some(budget) = outcome.budget {
                            // One user's confirmations queue here, so the budget
                            // below sees every payment recorded before this one.
                            lock_user(conn, &uid)?;
                            let paid: Vec<i64> = payment_intents::table
                                .filter(payment_intents::user_id.eq(&uid))
                                .filter(
                                    payment_intents::status.eq(IntentStatus::Succeeded.as_str()),
                                )
                                .filter(payment_intents::updated_at.ge(to_db_time(budget.since)))
                                .select(payment_intents::amount_krw)
                                .load(conn)?;
                            let spent_krw = paid.into_iter().fold(0i64, i64::saturating_add);
                            if !budget.allows(spent_krw, row.amount_krw) {
                                return Ok((Some(row), Step::OverBudget(spent_krw)));
                            }
                        }
                    }
                    // Conditional: only a pending intent moves, exactly once.
                    let moved = diesel::update(payment_intents::table.find(&iid).filter(
                        payment_intents::status.eq(IntentStatus::RequiresConfirmation.as_str()),
                    ))
                    .set((
                        payment_intents::status.eq(outcome.status().as_str()),
                        payment_intents::token.eq(Some(outcome.card.token())),
                        payment_intents::payment_method_id
                            .eq(outcome.payment_method_id.map(|m| to_db_id(m.0))),
                        payment_intents::decline_code
                            .eq(outcome.result.err().map(DeclineCode::as_str)),
                        payment_intents::updated_at.eq(to_db_time(now)),
                    ))
                    .execute(conn)?;
                    if moved == 0 {
                        return Ok((find_intent(conn, &uid, &iid)?, Step::NotPending));
                    }
                    if succeeded {
                        diesel::update(orders::table.find(&row.order_id))
                            .set(orders::status.eq(OrderStatus::Paid.as_str()))
                            .execute(conn)?;
                    }
                    Ok((Some(row), Step::Completed))
                })
            })
            .await?;
        let found = found.map(IntentRow::into_domain).transpose()?;
        Ok(match (done, found) {
            (Step::Completed, Some(i)) => Completion::Completed(outcome.apply(&i, now)),
            (Step::NotPending, Some(i)) => Completion::NotPending(i),
            (Step::OrderNotPayable, _) => Completion::OrderNotPayable,
            (Step::OverBudget(spent_krw), _) => Completion::OverBudget { spent_krw },
            _ => Completion::NotFound,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Completed,
    NotPending,
    OrderNotPayable,
    OverBudget(i64),
    NotFound,
}
