//! Selecting a stored plan: the request as it was answered, one of its plans,
//! and the checkout links an online plan hands out (checked against the
//! redirect allowlist).

use uuid::Uuid;

use super::service::{CheckoutLink, PlanService, SelectError, Selection};
use super::view::{PlanAnswer, PlanView};
use super::{PlanMode, StoredPlanRequest};
use crate::redirect::RedirectRefused;
use crate::user::UserId;
use crate::RepoError;

impl PlanService {
    /// One of the user's stored plan requests, whose `payload` is the answer
    /// exactly as it was sent: `NotFound` for another user's id or an unknown
    /// one; `Expired` once `expires_at` has passed (until the request is
    /// pruned, then `NotFound`).
    pub async fn stored(&self, user: UserId, id: Uuid) -> Result<StoredPlanRequest, SelectError> {
        let request = self
            .requests
            .find(user, id)
            .await?
            .ok_or(SelectError::NotFound)?;
        if request.is_expired_at(self.clock.now()) {
            return Err(SelectError::Expired);
        }
        Ok(request)
    }

    /// Finds a stored plan of the user's for selection.
    pub async fn find(
        &self,
        user: UserId,
        mode: PlanMode,
        id: Uuid,
        plan_id: &str,
    ) -> Result<Selection, SelectError> {
        let request = self
            .requests
            .find(user, id)
            .await?
            .ok_or(SelectError::NotFound)?;
        if request.mode != mode {
            return Err(SelectError::WrongMode(request.mode.as_str()));
        }
        if request.is_expired_at(self.clock.now()) {
            return Err(SelectError::Expired);
        }
        let answer: PlanAnswer = serde_json::from_str(&request.payload)
            .map_err(|_| RepoError::Corrupt("stored plan answer".into()))?;
        let plan = answer
            .plans
            .iter()
            .find(|p| p.plan_id == plan_id)
            .cloned()
            .ok_or_else(|| SelectError::UnknownPlan(plan_id.to_owned()))?;
        Ok(Selection {
            request,
            answer,
            plan,
        })
    }

    /// Checks `return_url` (when given) against the allowlist. Done before
    /// anything is stored, so a refused URL leaves no trace.
    pub fn check_return_url(
        &self,
        return_url: Option<&str>,
    ) -> Result<Option<String>, RedirectRefused> {
        return_url
            .map(|u| self.allowlist.check(u).map(|s| s.into_string()))
            .transpose()
    }

    /// The checkout links of an online plan: each mall's checkout URL (with the
    /// shopper's `return_url`, if any, as a query parameter), every one checked
    /// against the allowlist and handed out normalised.
    pub fn checkout_links(
        &self,
        plan: &PlanView,
        return_url: Option<&str>,
    ) -> Result<Vec<CheckoutLink>, RedirectRefused> {
        let mut links = Vec::new();
        for stop in &plan.stops {
            let Some(checkout) = &stop.store.checkout_url else {
                continue;
            };
            let base = self.allowlist.check(checkout)?;
            let full = match return_url {
                Some(r) => {
                    let mut u = url::Url::parse(base.as_str())
                        .map_err(|_| RedirectRefused("the checkout URL is not valid"))?;
                    u.query_pairs_mut().append_pair("return_url", r);
                    self.allowlist.check(u.as_str())?.into_string()
                }
                None => base.into_string(),
            };
            links.push(CheckoutLink {
                store_id: stop.store.id.clone(),
                redirect_url: full,
            });
        }
        Ok(links)
    }
}
