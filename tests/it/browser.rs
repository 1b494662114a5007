//! The search page in a real headless Chromium (Debian's `chromium`; `.ci/run` installs it),
//! driven over the DevTools protocol by `headless_chrome`: search, narrow by a facet, the URL
//! and the back button, the article view, the export, the keyboard, markup in articles, and a
//! phone-width screen. Screenshots of the main states go to `target/e2e/*.png`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::util::server::{enc, Server};
use headless_chrome::browser::tab::point::Point;
use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

const ANDONG: &str = "000_54a935124cac60ad.txt";
const WAIT: Duration = Duration::from_secs(30);

fn browser(width: u32, height: u32) -> Browser {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    let options = LaunchOptions::default_builder()
        .path(chromium)
        .headless(true)
        .sandbox(false)
        .window_size(Some((width, height)))
        .idle_browser_timeout(Duration::from_secs(300))
        .build()
        .expect("launch options");
    Browser::new(options).expect("start chromium (install it: apt-get install chromium)")
}

fn eval(tab: &Tab, js: &str) -> Value {
    tab.evaluate(js, true)
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .value
        .unwrap_or(Value::Null)
}

/// Waits until the JavaScript expression is true.
fn until(tab: &Tab, what: &str, js: &str) {
    let start = Instant::now();
    while eval(tab, js) != Value::Bool(true) {
        assert!(
            start.elapsed() < WAIT,
            "{what}: `{js}` never became true; url {}",
            url(tab)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The page's own address (pushState changes it without a navigation).
fn url(tab: &Tab) -> String {
    eval(tab, "location.href")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn shot(tab: &Tab, name: &str) {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("e2e");
    std::fs::create_dir_all(&dir).expect("mkdir target/e2e");
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// Taps a 시·도 on the map at a point inside its outline (the middle of its bounding box may
/// be sea or a neighbour).
fn tap_region(tab: &Tab, path: &str) {
    let js = format!(
        "(() => {{ const p = document.querySelector(\"#map path[data-region='{path}']\"); p.scrollIntoView({{block: 'center'}}); \
         const svg = p.ownerSVGElement, b = p.getBBox(), m = p.getScreenCTM(); \
         for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {{ \
           const pt = svg.createSVGPoint(); pt.x = b.x + b.width * i / 20; pt.y = b.y + b.height * j / 20; \
           if (!p.isPointInFill(pt)) continue; const s = pt.matrixTransform(m); \
           if (document.elementFromPoint(s.x, s.y) === p) return JSON.stringify([s.x, s.y]); }} \
         return null; }})()"
    );
    let at: Vec<f64> =
        serde_json::from_str(eval(tab, &js).as_str().expect("a point inside")).expect("point");
    tab.click_point(Point { x: at[0], y: at[1] }).expect("tap");
}

fn hit_ids(tab: &Tab) -> Value {
    eval(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('#hits .hit')).map(h => h.dataset.id))",
    )
}

/// Opens the page searching `q` and waits until its `n` hits are shown.
fn search_page(tab: &Tab, base: &str, q: &str, n: usize) {
    tab.navigate_to(&format!("{base}/?q={}", enc(q)))
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
    until(tab, &format!("{n} hits for {q}"), &hits_shown(n));
}

/// Results are rendered (not loading) and show `n` hits.
fn hits_shown(n: usize) -> String {
    format!("!document.querySelector('#hits').classList.contains('loading') && document.querySelectorAll('#hits .hit').length === {n}")
}

#[test]
fn search_narrow_open_and_export_in_a_real_browser() {
    let s = Server::start(&[]);
    let b = browser(1280, 1000);
    let tab = b.new_tab().expect("tab");
    tab.set_default_timeout(WAIT);
    search_page(&tab, &s.base, "바이오·백신", 3);
    let ids: Vec<String> = serde_json::from_str(hit_ids(&tab).as_str().unwrap()).unwrap();
    assert_eq!(ids[0], ANDONG, "{ids:?}");
    let summary = eval(&tab, "document.querySelector('#summary').textContent");
    assert!(summary.as_str().unwrap_or("").contains("3건"), "{summary}");
    // The highlighted passage, the map and the year chart are drawn.
    until(
        &tab,
        "marks",
        "document.querySelectorAll('#hits mark').length > 0",
    );
    until(
        &tab,
        "map",
        "document.querySelectorAll('#map path').length === 17",
    );
    let shade = eval(
        &tab,
        "document.querySelector('#map path[data-region=\"/경상북도\"]').getAttribute('class')",
    );
    assert!(
        shade.as_str().unwrap_or("s0") != "s0",
        "경상북도 shaded: {shade}"
    );
    until(
        &tab,
        "year bars",
        "document.querySelectorAll('#years-chart rect').length === 2",
    );
    shot(&tab, "1-results");

    // Click the 경상북도 facet: the URL and the hits change.
    tab.find_element_by_xpath(
        "//ul[@id='facet-region']//button[contains(@class,'fv')][span[1]='경상북도']",
    )
    .expect("경상북도 facet")
    .click()
    .expect("click");
    until(&tab, "narrowed", &hits_shown(1));
    let here = url(&tab);
    assert!(
        here.contains(&format!("region={}", enc("/경상북도"))),
        "{here}"
    );
    assert_eq!(hit_ids(&tab), Value::String(format!("[\"{ANDONG}\"]")));
    let chip = eval(&tab, "document.querySelector('#chips .chip').textContent");
    assert!(chip.as_str().unwrap_or("").contains("경상북도"), "{chip}");
    // The other 시·도 stay on offer with their counts, to add a second one.
    until(&tab, "other regions offered", "Array.from(document.querySelectorAll('#facet-region .fv')).some(b => b.textContent.startsWith('인천광역시'))");
    let selected = eval(&tab, "Array.from(document.querySelectorAll('#facet-region .fv.on')).map(b => b.textContent).join()");
    assert_eq!(selected, "경상북도1");
    shot(&tab, "2-facet");

    // Back: the three hits again; forward: narrowed again.
    eval(&tab, "history.back(), true");
    until(&tab, "back", &hits_shown(3));
    assert!(!url(&tab).contains("region="));
    eval(&tab, "history.forward(), true");
    until(&tab, "forward", &hits_shown(1));

    // Export: the CSV link carries the search, and gives every match.
    let href = eval(&tab, "document.querySelector('#export-csv').href");
    let href = href.as_str().unwrap_or("");
    assert!(
        href.contains("format=csv") && href.contains("region="),
        "{href}"
    );
    let csv = eval(
        &tab,
        "fetch(document.querySelector('#export-csv').href).then(r => r.text())",
    );
    let csv = csv.as_str().unwrap_or("");
    assert_eq!(csv.trim_end().lines().count(), 2, "{csv}");
    assert!(csv.contains(ANDONG));

    // Open the article: its whole text with the query's words marked, and the evidence.
    tab.find_element("#hits .hit h3 a")
        .expect("title link")
        .click()
        .expect("click");
    until(
        &tab,
        "article",
        "!document.querySelector('#article').hidden && !!document.querySelector('#article h1')",
    );
    assert!(url(&tab).contains("article="));
    until(
        &tab,
        "article marks",
        "document.querySelectorAll('#article .body mark').length >= 1",
    );
    let text = eval(
        &tab,
        "document.querySelector('#article .body').textContent.length",
    );
    assert!(text.as_u64().unwrap_or(0) > 1000, "whole text: {text}");
    assert_eq!(
        eval(
            &tab,
            "!!document.querySelector('#article details.evidence')"
        ),
        Value::Bool(true)
    );
    shot(&tab, "3-article");
    // Escape goes back to the list.
    tab.press_key("Escape").expect("Escape");
    until(&tab, "list again", &hits_shown(1));
    assert!(!url(&tab).contains("article="));

    // Keyboard: `/` focuses the box, typing searches (debounced), arrows move through hits.
    tab.find_element("#summary")
        .expect("summary")
        .click()
        .expect("click");
    tab.press_key("/").expect("/");
    until(&tab, "focused", "document.activeElement.id === 'q'");
    eval(&tab, "document.querySelector('#q').select(), true");
    tab.type_str("인공지능").expect("type");
    until(
        &tab,
        "typed search",
        &format!("location.search.includes('q={}')", enc("인공지능")),
    );
    until(&tab, "new hits", "!document.querySelector('#hits').classList.contains('loading') && document.querySelector('#summary').textContent.includes('건')");
    tab.press_key("ArrowDown").expect("down");
    until(
        &tab,
        "first hit selected",
        "document.activeElement.classList.contains('hit')",
    );
    tab.press_key("Enter").expect("enter");
    until(
        &tab,
        "opened by keyboard",
        "location.search.includes('article=')",
    );
}

#[test]
fn markup_in_an_article_shows_as_text() {
    let s = Server::start(&[]);
    let b = browser(1280, 900);
    let tab = b.new_tab().expect("tab");
    tab.set_default_timeout(WAIT);
    search_page(&tab, &s.base, "수소 토론회", 1);
    let title = eval(&tab, "document.querySelector('#hits .hit h3').textContent");
    assert!(title.as_str().unwrap_or("").contains("<script>"), "{title}");
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('#hits script, #hits img').length"
        ),
        0
    );
    tab.find_element("#hits .hit h3 a")
        .expect("link")
        .click()
        .expect("click");
    until(
        &tab,
        "article",
        "!!document.querySelector('#article .body')",
    );
    let body = eval(&tab, "document.querySelector('#article .body').textContent");
    assert!(body.as_str().unwrap_or("").contains("onerror="), "{body}");
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('#article script, #article img').length"
        ),
        0
    );
    assert_eq!(eval(&tab, "typeof window.__xss"), "undefined");
    shot(&tab, "4-markup-as-text");
}

#[test]
fn phone_width_screen() {
    let s = Server::start(&[]);
    let b = browser(390, 844);
    let tab = b.new_tab().expect("tab");
    tab.set_default_timeout(WAIT);
    // Headless windows are at least 500 px wide: the phone's viewport is emulated.
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width: 390,
        height: 844,
        device_scale_factor: 2.0,
        mobile: true,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("phone viewport");
    search_page(&tab, &s.base, "바이오·백신", 3);
    assert_eq!(
        eval(
            &tab,
            "document.documentElement.scrollWidth <= window.innerWidth"
        ),
        Value::Bool(true),
        "no sideways scrolling at 390 px"
    );
    shot(&tab, "5-phone");
    tab.find_element("#toggle-filters")
        .expect("filters button")
        .click()
        .expect("click");
    until(
        &tab,
        "filters open",
        "getComputedStyle(document.querySelector('#sidebar')).display !== 'none'",
    );
    until(
        &tab,
        "map",
        "document.querySelectorAll('#map path').length === 17",
    );
    shot(&tab, "6-phone-filters");
    assert_eq!(eval(&tab, "window.innerWidth"), 390);
    // The map is a filter too: tap 충청북도.
    tap_region(&tab, "/충청북도");
    until(&tab, "narrowed by the map", &hits_shown(1));
    let here = url(&tab);
    assert!(
        here.contains(&format!("region={}", enc("/충청북도"))),
        "{here}"
    );
    assert_eq!(
        hit_ids(&tab),
        Value::String("[\"101_chungbuk_osong.txt\"]".into())
    );
}

#[test]
fn an_open_page_shows_new_articles_for_its_search() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::util::server::corpus(&dir.path().join("docs"));
    let s = Server::start_in(
        dir,
        &["--index", "idx", "--watch", "docs", "--debounce", "100"],
    );
    let b = browser(1280, 900);
    let tab = b.new_tab().expect("tab");
    tab.set_default_timeout(WAIT);
    search_page(&tab, &s.base, "바이오·백신", 3);
    // The page has seen the index's generation once (its first poll).
    until(&tab, "first poll", "last.generation !== null");
    std::fs::write(
        s.path("docs/300_new.txt"),
        "경남도, 바이오·백신 기업 유치 협약\n입력 2024-06-03\n\n경상남도는 3일 바이오 기업 두 곳과 백신 공장 유치 협약을 맺었다.\n",
    )
    .expect("write");
    until(&tab, "banner", "!document.querySelector('#banner').hidden && document.querySelector('#banner').textContent.includes('새 기사 1건')");
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#hits .hit').length"),
        3,
        "the list stays until asked"
    );
    shot(&tab, "7-new-articles");
    tab.find_element("#banner button")
        .expect("보기")
        .click()
        .expect("click");
    until(&tab, "four hits", &hits_shown(4));
    // The article that arrived is marked "새 기사", the others are not.
    until(
        &tab,
        "a new mark",
        "document.querySelectorAll('#hits .hit.new').length === 1",
    );
    assert_eq!(
        eval(&tab, "document.querySelector('#hits .hit.new').dataset.id + ' ' + document.querySelector('#hits .hit.new .badge').textContent"),
        "300_new.txt 새 기사"
    );
    // The next visit to the search has seen it: no marks.
    search_page(&tab, &s.base, "바이오·백신", 4);
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#hits .hit.new').length"),
        0
    );
}

#[test]
fn dates_month_chart_feed_and_new_since_last_visit_in_a_real_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::util::server::corpus(&dir.path().join("docs"));
    let s = Server::start_in(
        dir,
        &["--index", "idx", "--watch", "docs", "--debounce", "100"],
    );
    let b = browser(1280, 1000);
    let tab = b.new_tab().expect("tab");
    tab.set_default_timeout(WAIT);
    search_page(&tab, &s.base, "바이오·백신", 3);
    // The feed of the search: the 구독 link and the page's alternate link, an Atom feed.
    let q = enc("바이오·백신");
    assert_eq!(
        eval(&tab, "document.querySelector('#feed').getAttribute('href')"),
        format!("/feed?q={q}")
    );
    assert_eq!(
        eval(&tab, "document.querySelector('link[rel=alternate][type=\"application/atom+xml\"]').getAttribute('href')"),
        format!("/feed?q={q}")
    );
    eval(&tab, "window.feedCheck = null; fetch(document.querySelector('#feed').href).then(async r => { const x = new DOMParser().parseFromString(await r.text(), 'application/xml'); window.feedCheck = r.headers.get('content-type') + ' ' + x.documentElement.namespaceURI + ' ' + x.querySelectorAll('entry').length; })");
    until(&tab, "the feed fetched", "window.feedCheck !== null");
    assert_eq!(
        eval(&tab, "window.feedCheck"),
        "application/atom+xml; charset=utf-8 http://www.w3.org/2005/Atom 3"
    );

    // A custom range: the dated articles in it, what it left out, a month chart.
    eval(&tab, "document.querySelector('#from').value = '2021-05-01'; document.querySelector('#to').value = '2022-09-30'; document.querySelector('#date-form').requestSubmit()");
    until(&tab, "two dated hits", &hits_shown(2));
    assert!(
        url(&tab).contains("from=2021-05-01&to=2022-09-30"),
        "{}",
        url(&tab)
    );
    until(
        &tab,
        "undated note",
        "!document.querySelector('#undated').hidden",
    );
    assert!(eval(&tab, "document.querySelector('#undated').textContent")
        .as_str()
        .unwrap_or("")
        .contains("1건"));
    until(
        &tab,
        "month chart",
        "document.querySelector('#chart-title').textContent === '월별 기사'",
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('#years-chart rect[data-month]').length"
        ),
        17
    );
    assert_eq!(
        eval(&tab, "document.querySelector('#years-chart rect[data-month=\"2021-05\"]').getAttribute('aria-label')"),
        "2021년 5월 1건"
    );
    assert!(
        eval(&tab, "document.querySelector('#feed').getAttribute('href')")
            .as_str()
            .unwrap_or("")
            .contains("from=2021-05-01&to=2022-09-30")
    );
    shot(&tab, "8-date-range");
    // A month's bar narrows the range to it.
    eval(&tab, "document.querySelector('#years-chart rect[data-month=\"2022-09\"]').dispatchEvent(new MouseEvent('click', {bubbles: true}))");
    until(&tab, "one month", &hits_shown(1));
    assert!(
        url(&tab).contains("from=2022-09-01&to=2022-09-30"),
        "{}",
        url(&tab)
    );
    // A quick range: from a day before today, open-ended; its chip names it.
    tab.find_element("#quick-ranges button[data-range='year']")
        .expect("1년")
        .click()
        .expect("click");
    until(&tab, "quick range chip", "Array.from(document.querySelectorAll('#chips .chip')).some(c => c.textContent.startsWith('1년'))");
    assert!(!url(&tab).contains("to="), "{}", url(&tab));
    // Back to all dates: the year chart.
    search_page(&tab, &s.base, "바이오·백신", 3);
    until(
        &tab,
        "year chart",
        "document.querySelector('#chart-title').textContent === '연도별 기사'",
    );

    // New since the last visit: an article indexed after it is marked on the next visit.
    std::thread::sleep(Duration::from_millis(1100)); // indexing times are whole seconds
    std::fs::write(
        s.path("docs/301_new.txt"),
        "전남도, 바이오·백신 실증센터 개소\n입력 2025-03-04\n\n전라남도는 4일 화순에서 바이오 백신 실증센터를 열었다.\n",
    )
    .expect("write");
    let start = Instant::now();
    while s.json(&format!("/api/search?q={q}"))["total"] != 4 {
        assert!(start.elapsed() < WAIT, "never indexed; log:\n{}", s.log());
        std::thread::sleep(Duration::from_millis(100));
    }
    search_page(&tab, &s.base, "바이오·백신", 4);
    until(
        &tab,
        "a new mark",
        "document.querySelectorAll('#hits .hit.new').length === 1",
    );
    assert_eq!(
        eval(&tab, "document.querySelector('#hits .hit.new').dataset.id"),
        "301_new.txt"
    );
    shot(&tab, "9-new-since");
    search_page(&tab, &s.base, "바이오·백신", 4);
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#hits .hit.new').length"),
        0
    );
}

/// Copies of one story (issue 23): one hit with "같은 기사 2건 (…)" that opens to the copies,
/// each a link to the article; the toggle shows every article.
#[test]
fn copies_of_one_story_fold_into_one_hit_and_open_to_the_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("documents");
    std::fs::create_dir_all(&docs).expect("documents");
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/duplicates");
    for entry in std::fs::read_dir(&fixtures).expect("fixtures") {
        let p = entry.expect("entry").path();
        std::fs::copy(&p, docs.join(p.file_name().expect("name"))).expect("copy");
    }
    let s = Server::start_in(dir, &[]);
    let b = browser(1280, 900);
    let tab = b.new_tab().expect("tab");
    tab.set_default_timeout(WAIT);
    search_page(&tab, &s.base, "백신", 1);
    let summary = eval(&tab, "document.querySelector('#summary').textContent");
    assert!(
        summary
            .as_str()
            .unwrap_or("")
            .contains("3건의 기사가 일치합니다 (같은 기사를 묶어 1건)"),
        "{summary}"
    );
    let label = eval(
        &tab,
        "document.querySelector('#hits .copies summary').textContent",
    );
    let label = label.as_str().unwrap_or("");
    assert!(label.starts_with("같은 기사 2건 ("), "{label}");
    assert!(
        label.contains("뉴시스") || label.contains("뉴스1") || label.contains("연합뉴스"),
        "{label}"
    );
    // Opening the list does not open the hit's article.
    eval(
        &tab,
        "document.querySelector('#hits .copies summary').click(), true",
    );
    until(&tab, "the copies listed", "document.querySelector('#hits .copies').open && document.querySelectorAll('#hits .copies li a').length === 2");
    assert!(!url(&tab).contains("article="), "{}", url(&tab));
    shot(&tab, "copies-open");
    // A copy opens as an article.
    let copy = eval(
        &tab,
        "document.querySelector('#hits .copies li a').textContent",
    );
    eval(
        &tab,
        "document.querySelector('#hits .copies li a').click(), true",
    );
    until(
        &tab,
        "the copy's article",
        "!document.querySelector('#article').hidden",
    );
    let heading = eval(
        &tab,
        "document.querySelector('#article h1, #article h2').textContent",
    );
    assert_eq!(heading, copy);
    eval(&tab, "history.back(), true");
    until(&tab, "back to the list", &hits_shown(1));
    // The toggle shows every article, in the URL too.
    eval(&tab, "document.querySelector('#all-copies').click(), true");
    until(&tab, "every article", &hits_shown(3));
    assert!(url(&tab).contains("collapse=0"), "{}", url(&tab));
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#hits .copies').length"),
        Value::from(0)
    );
}
