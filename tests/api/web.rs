//! Static serving of the built web app: hashed assets cached for a year,
//! the HTML shell never cached, source maps never served. The storage backend
//! plays no part here, so these run on SQLite only.

use ttokjang_tests::http::{Db, TestApp};
use ttokjang_tests::TempDirGuard;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHELL: &str = "<!doctype html><html><body><div id=\"root\"></div></body></html>";

/// A `dist` as Vite lays it out, with a stray source map next to the bundle.
fn dist() -> TempDirGuard {
    let dir = TempDirGuard::new();
    let assets = dir.path().join("assets");
    std::fs::create_dir_all(&assets).expect("assets dir");
    std::fs::write(dir.path().join("index.html"), SHELL).expect("index");
    std::fs::write(dir.path().join("favicon.svg"), "<svg/>").expect("favicon");
    std::fs::write(assets.join("index-3f9a1c2b.js"), "console.log(1)").expect("js");
    std::fs::write(assets.join("index-3f9a1c2b.js.map"), "{\"version\":3}").expect("map");
    dir
}

async fn get(app: &TestApp, path: &str) -> (u16, Option<String>, String) {
    let res = app.client.get(app.url(path)).send().await.expect("request");
    let status = res.status().as_u16();
    let cache = res
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = res.text().await.unwrap_or_default();
    (status, cache, body)
}

async fn start(dist: &TempDirGuard) -> TestApp {
    let path = dist.path().display().to_string();
    TestApp::start(Db::Sqlite, &[("WEB_DIST", path.as_str())])
        .await
        .expect("sqlite test server")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_assets_are_immutable_and_the_shell_is_not_cached() {
    let dist = dist();
    let app = start(&dist).await;

    let (status, cache, body) = get(&app, "/assets/index-3f9a1c2b.js").await;
    assert_eq!(status, 200);
    assert_eq!(body, "console.log(1)");
    assert_eq!(cache.as_deref(), Some(IMMUTABLE));

    for path in ["/", "/index.html", "/basket", "/plans/offline/abc"] {
        let (status, cache, body) = get(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, SHELL, "{path}");
        assert_eq!(cache.as_deref(), Some("no-cache"), "{path}");
    }
    let (status, cache, _) = get(&app, "/favicon.svg").await;
    assert_eq!(status, 200);
    assert_eq!(cache.as_deref(), Some("no-cache"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_maps_and_missing_assets_are_404_not_the_shell() {
    let dist = dist();
    let app = start(&dist).await;

    for path in [
        "/assets/index-3f9a1c2b.js.map",
        "/assets/INDEX-3f9a1c2b.JS.MAP",
        "/assets/gone-00000000.js",
        "/index.js.map",
    ] {
        let (status, cache, body) = get(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("version"), "{path} leaked the map: {body}");
        assert_ne!(cache.as_deref(), Some(IMMUTABLE), "{path}");
    }
    // the API keeps its own answers
    let (status, _, body) = get(&app, "/api/v1/nope").await;
    assert_eq!(status, 404);
    assert!(body.contains("NOT_FOUND"));
}
