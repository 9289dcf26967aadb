//! The apps' Lambda (#19, docs/apps-api.md): the React apps' routes,
//! translated (`shared::apps`) to every area's, which it serves in
//! process. The areas' routes are merged once, here: the dev server
//! serves the same router.

shared::apps_area!();
