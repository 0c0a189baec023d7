use ttokjang_domain::RepoError;

use crate::fixtures::{code, invite, minutes, t0};
use crate::Backend;

pub async fn invite_round_trips_and_duplicate_code_conflicts(b: &Backend) {
    let open = invite("beta-open", t0(), None);
    let dated = invite("beta-dated", t0(), Some(t0() + minutes(60)));
    b.invites.create(&open).await.expect("create");
    b.invites.create(&dated).await.expect("create");

    assert_eq!(
        b.invites.find(&code("BETA-OPEN")).await,
        Ok(Some(open.clone()))
    );
    assert_eq!(b.invites.find(&code("beta-dated")).await, Ok(Some(dated)));
    assert_eq!(b.invites.find(&code("no-such-code")).await, Ok(None));

    let again = invite("beta-open", t0() + minutes(1), None);
    assert!(matches!(
        b.invites.create(&again).await,
        Err(RepoError::Conflict(_))
    ));
    // The first one is untouched.
    assert_eq!(b.invites.find(&code("beta-open")).await, Ok(Some(open)));
}
