//! The insight view: forecast, funnel, time in stage, rates, lost reasons, deals needing
//! attention and the probability check, computed by `domain::metrics`.

use leptos::prelude::*;

#[component]
pub fn Insights() -> impl IntoView {
    view! { <section class="insights"></section> }
}
