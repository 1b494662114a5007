// kpolicy serve: the search page. Plain JavaScript, no dependencies, no requests to anything
// but this server. All state lives in the URL (/?q=…&region=…&page=2&article=…), so a search
// can be bookmarked and shared and the back button works. Article text and titles come as
// JSON and are only ever inserted as text nodes (never innerHTML).
'use strict';

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 250;
const POLL_MS = 3000;
const INDUSTRIES_SHOWN = 10;

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

// --- state <-> URL ----------------------------------------------------------------------

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get('q') || '',
    region: p.getAll('region'),
    industry: p.getAll('industry'),
    year: p.getAll('year'),
    since: p.get('since') || '',
    until: p.get('until') || '',
    from: p.get('from') || '',
    to: p.get('to') || '',
    mentioned: p.get('mentioned') === '1',
    any: p.get('any') === '1',
    all: p.get('collapse') === '0',
    sort: p.get('sort') === 'newest' ? 'newest' : 'relevance',
    page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
    article: p.get('article') || '',
  };
}

// The search parameters of a state (what the API takes), without paging.
function searchParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  s.region.forEach((v) => p.append('region', v));
  s.industry.forEach((v) => p.append('industry', v));
  s.year.forEach((v) => p.append('year', v));
  if (s.since) p.set('since', s.since);
  if (s.until) p.set('until', s.until);
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  if (s.mentioned) p.set('mentioned', '1');
  if (s.any) p.set('any', '1');
  if (s.all) p.set('collapse', '0');
  if (s.sort === 'newest') p.set('sort', 'newest');
  return p;
}

function pageUrl(s) {
  const p = searchParams(s);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.article) p.set('article', s.article);
  const qs = p.toString();
  return qs ? '/?' + qs : '/';
}

// push: a new history entry (a click); otherwise the current one is replaced (typing).
// `entry`: what history.state records (an article opened from the list: `fromList`).
function go(s, push, entry = null) {
  const url = pageUrl(s);
  if (url !== location.pathname + location.search) {
    if (push) history.pushState(entry, '', url);
    else history.replaceState(history.state, '', url);
  }
  render();
}

function change(fn, push = true) {
  const s = readState();
  fn(s);
  go(s, push);
}

function openArticle(id) {
  go({ ...readState(), article: id }, true, { fromList: true });
}

function toggle(list, value) {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
  else list.push(value);
}

// --- small DOM helpers --------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

// Text with `[start, end)` highlight ranges in Unicode code points (as the API gives them).
function highlighted(text, ranges) {
  const chars = Array.from(text || '');
  const out = [];
  let at = 0;
  for (const [a, b] of ranges || []) {
    if (a < at || b > chars.length) continue;
    out.push(chars.slice(at, a).join(''));
    out.push(el('mark', {}, chars.slice(a, b).join('')));
    at = b;
  }
  out.push(chars.slice(at).join(''));
  return out;
}

const num = (n) => Number(n).toLocaleString('ko-KR');
const regionLabel = (path) => (path === '/unknown' ? '지역 미상' : path.replace(/^\//, '').replace('/', ' '));
const yearLabel = (y) => (y === 'unknown' ? '연도 미상' : y + '년');

// --- talking to the server ------------------------------------------------------------------

let inflight = null;

async function api(path, params) {
  if (inflight) inflight.abort();
  const ctl = new AbortController();
  inflight = ctl;
  const url = path + (params && params.toString() ? '?' + params : '');
  const r = await fetch(url, { signal: ctl.signal, headers: { Accept: 'application/json' } });
  if (r.status === 401) toLogin();
  const body = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw Object.assign(new Error(body.error || r.statusText), { status: r.status });
  return body;
}

// A server shared with a token: the login page, coming back here afterwards.
function toLogin() {
  location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
}

// --- dates: quick ranges, the month chart -------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');
const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
function daysAgo(n) {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return isoDay(d);
}
function monthsAgo(n) {
  const d = new Date();
  d.setMonth(d.getMonth() - n);
  return isoDay(d);
}
// Quick ranges: from a day up to now, with no end, so a bookmarked search keeps its newest
// articles as they arrive.
const QUICK = [
  ['today', '오늘', () => daysAgo(0)],
  ['week', '최근 1주', () => daysAgo(6)],
  ['month', '1개월', () => monthsAgo(1)],
  ['year', '1년', () => monthsAgo(12)],
];
const lastDay = (y, m) => new Date(y, m, 0).getDate();

// Months of the range the filters ask for, when it is shorter than two years (the chart is
// then one of months); otherwise null.
function monthRange(s) {
  let from = null;
  let to = null;
  if (s.from || s.to) {
    if (!s.from) return null;
    from = s.from.slice(0, 7);
    to = (s.to || isoDay(new Date())).slice(0, 7);
  } else if (s.year.length && s.year.every((y) => /^\d{4}$/.test(y))) {
    const ys = s.year.map(Number);
    from = Math.min(...ys) + '-01';
    to = Math.max(...ys) + '-12';
  } else if (s.since && s.until) {
    from = s.since + '-01';
    to = s.until + '-12';
  } else return null;
  const n = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  if (n < 1 || n >= 24) return null;
  const months = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (let i = 0; i < n; i++) {
    months.push(`${y}-${pad(m)}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return months;
}

function renderDates(s) {
  const active = QUICK.find(([, , f]) => !s.to && s.from === f());
  const quick = QUICK.map(([key, label, f]) => el('button', {
    type: 'button', class: 'fv' + (active && active[0] === key ? ' on' : ''), 'data-range': key,
    'aria-pressed': active && active[0] === key ? 'true' : 'false',
    onclick: () => change((t) => { t.from = f(); t.to = ''; t.year = []; t.since = ''; t.until = ''; t.page = 1; }),
  }, label));
  $('quick-ranges').replaceChildren(...quick);
  if (document.activeElement !== $('from')) $('from').value = s.from && s.from.length === 10 ? s.from : '';
  if (document.activeElement !== $('to')) $('to').value = s.to && s.to.length === 10 ? s.to : '';
}

// --- rendering --------------------------------------------------------------------------------

let last = { total: null, key: null, generation: null, hits: [] };
let selected = -1;

async function render() {
  const s = readState();
  const box = $('q');
  if (document.activeElement !== box && box.value !== s.q) box.value = s.q;
  $('sort').value = s.sort;
  $('mentioned').checked = s.mentioned;
  $('any').checked = s.any;
  $('all-copies').checked = s.all;
  document.title = (s.q ? s.q + ' — ' : '') + 'kpolicy 지역정책 기사 검색';
  renderChips(s);
  renderDates(s);
  const feed = searchParams(s);
  feed.delete('sort');
  const feedUrl = '/feed' + (feed.toString() ? '?' + feed : '');
  $('feed').href = feedUrl;
  $('feed-link').href = feedUrl;
  const exp = searchParams(s);
  exp.set('format', 'csv');
  $('export-csv').href = '/api/export?' + exp;
  exp.set('format', 'json');
  $('export-json').href = '/api/export?' + exp;
  if (s.article) return renderArticle(s);
  $('article').hidden = true;
  $('results').hidden = false;
  return renderResults(s);
}

async function renderResults(s) {
  const params = searchParams(s);
  params.set('limit', String(PAGE_SIZE));
  params.set('offset', String((s.page - 1) * PAGE_SIZE));
  $('hits').classList.add('loading');
  let resp;
  try {
    resp = await api('/api/search', params);
  } catch (e) {
    if (e.name === 'AbortError') return;
    $('hits').classList.remove('loading');
    $('hits').replaceChildren(el('li', { class: 'empty' }, e.status === 503 ? '색인을 만드는 중입니다. 잠시 후 다시 시도하세요. ' : '', e.message));
    $('summary').textContent = e.status === 400 ? '검색 조건을 확인하세요' : '오류';
    $('pager').replaceChildren();
    if (e.status === 503) setTimeout(render, 1000);
    return;
  }
  $('hits').classList.remove('loading');
  last = { total: resp.total, key: searchParams(s).toString(), generation: last.generation, hits: resp.hits };
  $('banner').hidden = true;
  const first = resp.hits.length ? resp.offset + 1 : 0;
  const end = resp.offset + resp.hits.length;
  // Pages are pages of stories when copies of one story are folded into one hit.
  const folded = resp.collapsed && resp.stories < resp.total;
  $('summary').textContent = resp.total
    ? `${num(resp.total)}건의 기사가 일치합니다${folded ? ` (같은 기사를 묶어 ${num(resp.stories)}건)` : ''} · ${num(first)}–${num(end)}`
    : '일치하는 기사가 없습니다';
  $('notice').hidden = !resp.notice;
  $('notice').textContent = resp.notice || '';
  $('undated').hidden = !resp.undated_excluded;
  $('undated').textContent = resp.undated_excluded ? `날짜가 없는 기사 ${num(resp.undated_excluded)}건은 기간을 정하면 빠집니다.` : '';
  selected = -1;
  const seen = await lastSeen(last.key);
  $('hits').replaceChildren(...resp.hits.map((h, i) => hitItem(h, i, s, seen)));
  if (!resp.hits.length) {
    $('hits').append(el('li', { class: 'empty' }, s.q ? `‘${s.q}’에 맞는 기사가 없습니다. 필터를 줄이거나 다른 낱말로 찾아보세요.` : '기사가 없습니다.'));
  }
  renderPager(s, resp.collapsed ? resp.stories : resp.total);
  renderFacets(s, resp.facets);
  const key = last.key;
  const facets = await othersFacets(s, resp.facets);
  if (facets !== resp.facets && searchParams(readState()).toString() === key && !readState().article) renderFacets(s, facets);
}

// Counts of a filtered field as if that field were not filtered (the other filters and the
// query still apply), as search UIs do: choosing 경상북도 keeps 인천광역시 and its count on
// offer, so a second region can be added instead of only removed.
async function othersFacets(s, facets) {
  const jobs = [];
  if (s.region.length) jobs.push(['region', { ...s, region: [] }]);
  if (s.year.length || s.since || s.until || s.from || s.to) jobs.push(['year', { ...s, year: [], since: '', until: '', from: '', to: '' }]);
  if (s.industry.length) jobs.push(['industry', { ...s, industry: [] }]);
  if (!jobs.length) return facets;
  const out = { ...facets };
  await Promise.all(jobs.map(async ([field, t]) => {
    try {
      const r = await fetch('/api/facets?' + searchParams(t));
      if (!r.ok) return;
      const f = (await r.json()).facets;
      if (field === 'region') { out.region = f.region; out.mentioned = f.mentioned; } else if (field === 'year') { out.year = f.year; } else out[field] = f[field];
    } catch (_) { /* keep the narrowed counts */ }
  }));
  return out;
}

// "새 기사": when this search was last viewed in this browser, as the index's commit time
// then (the server's clock, so a wrong clock here does not matter). Remembered per search
// (its parameters without the page) in localStorage; within one visit the time of the
// previous visit stays, so paging on keeps the marks.
const SEEN_PREFIX = 'kpolicy:seen:';
const seenThisVisit = new Map();
const viewedAt = new Map();

async function lastSeen(key) {
  if (seenThisVisit.has(key)) return seenThisVisit.get(key);
  let before = null;
  try {
    const v = localStorage.getItem(SEEN_PREFIX + key);
    before = v === null ? null : Number(v);
  } catch (_) { /* storage disabled: no marks */ }
  seenThisVisit.set(key, before);
  await markViewed(key);
  return before;
}

// Records that the search `key` is seen as of the index's last commit; returns that time.
async function markViewed(key) {
  let now = null;
  try {
    const r = await fetch('/healthz');
    if (r.ok) now = (await r.json()).updated;
  } catch (_) { /* no mark without the server's time */ }
  if (now !== null) {
    viewedAt.set(key, now);
    try { localStorage.setItem(SEEN_PREFIX + key, String(now)); } catch (_) { /* no storage */ }
  }
  return now;
}

function hitItem(h, i, s, seen) {
  const fresh = seen !== null && seen !== undefined && h.indexed_at !== null && h.indexed_at > seen;
  const link = pageUrl({ ...s, article: h.id });
  const open = (ev) => {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    ev.preventDefault();
    openArticle(h.id);
  };
  return el('li', { class: 'hit' + (fresh ? ' new' : ''), tabindex: '-1', 'data-id': h.id, onclick: (ev) => { if (ev.target.tagName !== 'A') open(ev); } },
    el('h3', {}, fresh ? el('span', { class: 'badge' }, '새 기사') : null, el('a', { href: link, onclick: open }, h.title || h.id)),
    el('div', { class: 'meta' },
      el('span', {}, h.date || (h.year ? h.year + '년' : '날짜 미상')),
      el('span', {}, h.region ? regionLabel(h.region) : '지역 미상'),
      h.source ? el('span', {}, h.source) : null,
      h.industry.map((x) => el('span', { class: 'tag' }, x))),
    el('p', { class: 'snippet' }, highlighted(h.snippet, h.highlights)),
    copiesList(h.duplicates || [], h.copies || 0, s));
}

// `같은 기사 N건 (연합뉴스, 뉴시스 …)`: the copies of the hit's story folded into it, opened
// into a list of links to each copy.
function copiesList(copies, count, s) {
  if (!copies.length) return null;
  const sources = [];
  copies.forEach((d) => { const n = d.source || '출처 미상'; if (!sources.includes(n)) sources.push(n); });
  const all = Math.max(count, copies.length);
  const label = `같은 기사 ${num(all)}건 (${sources.slice(0, 4).join(', ')}${sources.length > 4 || all > copies.length ? ' …' : ''})`;
  // A click inside the list opens the copy, not the hit it is folded into.
  return el('details', { class: 'copies', onclick: (ev) => ev.stopPropagation() },
    el('summary', {}, label),
    el('ul', {}, copies.map((d) => el('li', {},
      el('a', { href: pageUrl({ ...s, article: d.id }), onclick: (ev) => {
        if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
        ev.preventDefault();
        openArticle(d.id);
      } }, d.title || d.id),
      el('span', { class: 'copy-meta' }, [d.source || '출처 미상', d.date || '날짜 미상'].join(' · '))))));
}

function renderPager(s, total) {
  const pages = Math.ceil(total / PAGE_SIZE);
  const nav = $('pager');
  nav.replaceChildren();
  if (pages <= 1) return;
  const link = (p, label, cur) => (cur
    ? el('span', { class: 'cur', 'aria-current': 'page' }, label)
    : el('a', { href: pageUrl({ ...s, page: p }), onclick: (ev) => { ev.preventDefault(); change((t) => { t.page = p; }); scrollTo(0, 0); } }, label));
  if (s.page > 1) nav.append(link(s.page - 1, '‹ 이전'));
  const from = Math.max(1, s.page - 4);
  const to = Math.min(pages, from + 8);
  for (let p = from; p <= to; p++) nav.append(link(p, String(p), p === s.page));
  if (s.page < pages) nav.append(link(s.page + 1, '다음 ›'));
}

function renderChips(s) {
  const chips = [];
  const chip = (label, remove) => el('button', {
    type: 'button', class: 'chip', title: '필터 지우기', 'aria-label': label + ' 필터 지우기',
    onclick: () => change((t) => { remove(t); t.page = 1; }),
  }, label, el('span', { 'aria-hidden': 'true' }, '×'));
  s.region.forEach((r) => chips.push(chip((s.mentioned ? '언급: ' : '') + regionLabel(r.startsWith('/') ? r : '/' + r), (t) => toggle(t.region, r))));
  s.year.forEach((y) => chips.push(chip(yearLabel(y), (t) => toggle(t.year, y))));
  s.industry.forEach((x) => chips.push(chip(x, (t) => toggle(t.industry, x))));
  if (s.since) chips.push(chip(s.since + '년부터', (t) => { t.since = ''; }));
  if (s.until) chips.push(chip(s.until + '년까지', (t) => { t.until = ''; }));
  if (s.from || s.to) {
    const quick = QUICK.find(([, , f]) => !s.to && s.from === f());
    const label = quick ? quick[1] : `${s.from || '…'} ~ ${s.to || '…'}`;
    chips.push(chip(label, (t) => { t.from = ''; t.to = ''; }));
  }
  if (chips.length > 1) {
    chips.push(el('button', { type: 'button', class: 'clear', onclick: () => change((t) => { t.region = []; t.year = []; t.industry = []; t.since = ''; t.until = ''; t.from = ''; t.to = ''; t.page = 1; }) }, '모두 지우기'));
  }
  $('chips').replaceChildren(...chips);
}

function facetButton(label, count, on, onclick) {
  return el('button', { type: 'button', class: 'fv' + (on ? ' on' : ''), 'aria-pressed': on ? 'true' : 'false', onclick },
    el('span', {}, label), el('span', { class: 'n' }, num(count)));
}

const expanded = new Set();

function renderFacets(s, facets) {
  const regions = s.mentioned ? facets.mentioned : facets.region;
  const selectedRegion = (p) => s.region.includes(p);
  const filterRegion = (p) => () => change((t) => { toggle(t.region, p); t.page = 1; });
  // Region tree: 시·도 → 시·군·구.
  const top = Object.entries(regions).filter(([k]) => k.split('/').length === 2).sort((a, b) => b[1] - a[1]);
  const tree = top.map(([path, n]) => {
    const kids = Object.entries(regions).filter(([k]) => k.startsWith(path + '/')).sort((a, b) => b[1] - a[1]);
    const open = expanded.has(path) || selectedRegion(path) || kids.some(([k]) => selectedRegion(k));
    const caret = kids.length
      ? el('button', { type: 'button', class: 'caret', 'aria-expanded': open ? 'true' : 'false', 'aria-label': regionLabel(path) + ' 시·군·구 펼치기', onclick: () => { if (expanded.has(path)) expanded.delete(path); else expanded.add(path); renderFacets(readState(), facets); } }, open ? '▾' : '▸')
      : el('span', { class: 'caret' });
    return el('li', {},
      el('div', { class: 'row' }, caret, facetButton(regionLabel(path), n, selectedRegion(path), filterRegion(path))),
      open && kids.length ? el('ul', {}, kids.map(([k, m]) => el('li', {}, facetButton(k.split('/')[2], m, selectedRegion(k), filterRegion(k))))) : null);
  });
  $('facet-region').replaceChildren(...tree);
  if (!tree.length) $('facet-region').append(el('li', { class: 'empty' }, '—'));

  const years = Object.entries(facets.year).sort((a, b) => (a[0] === 'unknown') - (b[0] === 'unknown') || b[0].localeCompare(a[0]));
  $('facet-year').replaceChildren(...years.map(([y, n]) => el('li', {}, facetButton(yearLabel(y), n, s.year.includes(y), () => change((t) => { toggle(t.year, y); t.since = ''; t.until = ''; t.from = ''; t.to = ''; t.page = 1; })))));

  const inds = Object.entries(facets.industry).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const all = expanded.has('#industry');
  const shown = all ? inds : inds.slice(0, INDUSTRIES_SHOWN);
  $('facet-industry').replaceChildren(...shown.map(([x, n]) => el('li', {}, facetButton(x, n, s.industry.includes(x), () => change((t) => { toggle(t.industry, x); t.page = 1; })))));
  if (inds.length > INDUSTRIES_SHOWN) {
    $('facet-industry').append(el('li', {}, el('button', { type: 'button', class: 'more', onclick: () => { if (all) expanded.delete('#industry'); else expanded.add('#industry'); renderFacets(readState(), facets); } }, all ? '접기' : `더 보기 (${inds.length - INDUSTRIES_SHOWN})`)));
  }
  renderMap(s, regions);
  const months = monthRange(s);
  if (months) renderMonths(s, months, facets.month || {}, facets.year);
  else renderYears(s, facets.year);
}

// --- pictures: the map of the 17 시·도 and hits per year ----------------------------------------

let mapData = null;
fetch('/assets/map.json').then((r) => r.json()).then((m) => { mapData = m; $('map-credit').textContent = m.credit; render(); }).catch(() => {});

function renderMap(s, regions) {
  if (!mapData) return;
  const counts = mapData.regions.map((r) => regions[r.path] || 0);
  const max = Math.max(1, ...counts);
  const shade = (n) => (n === 0 ? 0 : Math.min(5, 1 + Math.round(4 * Math.sqrt(n / max))));
  const paths = mapData.regions.map((r, i) => {
    const n = counts[i];
    const on = s.region.includes(r.path);
    const act = () => change((t) => { toggle(t.region, r.path); t.page = 1; });
    return svg('path', {
      d: r.d, class: 's' + shade(n) + (on ? ' on' : ''), tabindex: '0', role: 'button',
      'aria-label': `${r.name} ${num(n)}건`, 'aria-pressed': on ? 'true' : 'false', 'data-region': r.path,
      onclick: act, onkeydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); act(); } },
    }, svg('title', {}, `${r.name}: ${num(n)}건`));
  });
  const picture = svg('svg', { viewBox: mapData.view_box, role: 'group', 'aria-label': '시·도별 일치 기사 수 지도' }, ...paths);
  const legend = el('div', { class: 'legend' }, '0', [0, 1, 2, 3, 4, 5].map((k) => el('i', { class: 's' + k })), num(max) + '건');
  $('map').replaceChildren(picture, legend);
}

// Hits per month over the months of a range shorter than two years; clicking a month
// narrows the range to it.
function renderMonths(s, months, monthCounts, yearCounts) {
  $('chart-title').textContent = '월별 기사';
  const box = $('years-chart');
  const W = 260, H = 90, base = 75;
  const max = Math.max(1, ...months.map((m) => monthCounts[m] || 0));
  const bw = W / months.length;
  let labelled = '';
  const bars = months.map((m, i) => {
    const n = monthCounts[m] || 0;
    const h = n ? Math.max(2, (base - 10) * n / max) : 0;
    const x = i * bw;
    const [y, mm] = m.split('-');
    const on = s.from === `${m}-01` && s.to === `${m}-${pad(lastDay(Number(y), Number(mm)))}`;
    const act = () => change((t) => { t.from = `${m}-01`; t.to = `${m}-${pad(lastDay(Number(y), Number(mm)))}`; t.year = []; t.since = ''; t.until = ''; t.page = 1; });
    const label = `${y}년 ${Number(mm)}월`;
    const every = Math.ceil(months.length / 8);
    // Every few months a label; the first label of each year says the year (`22.1`).
    let tick = svg('g', {});
    if (i % every === 0) {
      tick = svg('text', { x: x + bw / 2, y: H - 4, 'text-anchor': 'middle' }, labelled !== y ? `${y.slice(2)}.${Number(mm)}` : `${Number(mm)}월`);
      labelled = y;
    }
    return svg('g', {},
      svg('rect', { x: x + 1, y: base - Math.max(h, 1), width: Math.max(2, bw - 2), height: Math.max(h, 1), class: (on ? 'on' : '') + (n ? '' : ' zero'), tabindex: '0', role: 'button', 'data-month': m, 'aria-label': `${label} ${num(n)}건`, onclick: act, onkeydown: (ev) => { if (ev.key === 'Enter') act(); } }, svg('title', {}, `${label}: ${num(n)}건`)),
      tick);
  });
  const undated = yearCounts.unknown ? el('p', { class: 'credit' }, `연도 미상 ${num(yearCounts.unknown)}건`) : null;
  box.replaceChildren(svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-label': '월별 일치 기사 수' }, ...bars), ...(undated ? [undated] : []));
}

function renderYears(s, yearCounts) {
  $('chart-title').textContent = '연도별 기사';
  const years = Object.entries(yearCounts).filter(([y]) => y !== 'unknown').sort((a, b) => a[0].localeCompare(b[0]));
  const box = $('years-chart');
  if (!years.length) {
    box.replaceChildren(el('p', { class: 'credit' }, yearCounts.unknown ? `연도 미상 ${num(yearCounts.unknown)}건` : '—'));
    return;
  }
  const W = 260, H = 90, base = 75;
  const max = Math.max(...years.map(([, n]) => n));
  const bw = Math.min(28, W / years.length);
  const bars = years.map(([y, n], i) => {
    const h = Math.max(2, (base - 10) * n / max);
    const x = i * bw;
    const act = () => change((t) => { toggle(t.year, y); t.since = ''; t.until = ''; t.from = ''; t.to = ''; t.page = 1; });
    return svg('g', {},
      svg('rect', { x: x + 1, y: base - h, width: Math.max(2, bw - 2), height: h, class: s.year.includes(y) ? 'on' : '', tabindex: '0', role: 'button', 'aria-label': `${y}년 ${num(n)}건`, onclick: act, onkeydown: (ev) => { if (ev.key === 'Enter') act(); } }, svg('title', {}, `${y}년: ${num(n)}건`)),
      (years.length <= 12 || i % Math.ceil(years.length / 8) === 0) ? svg('text', { x: x + bw / 2, y: H - 4, 'text-anchor': 'middle' }, y) : svg('g', {}));
  });
  const extra = yearCounts.unknown ? el('p', { class: 'credit' }, `연도 미상 ${num(yearCounts.unknown)}건`) : null;
  box.replaceChildren(svg('svg', { viewBox: `0 0 ${Math.max(W, bw * years.length)} ${H}`, role: 'group', 'aria-label': '연도별 일치 기사 수' }, ...bars), ...(extra ? [extra] : []));
}

// --- the article view -------------------------------------------------------------------------------

async function renderArticle(s) {
  const view = $('article');
  $('results').hidden = true;
  view.hidden = false;
  const params = new URLSearchParams();
  if (s.q) params.set('q', s.q);
  let a;
  try {
    a = await api('/api/articles/' + encodeURIComponent(s.article), params);
  } catch (e) {
    if (e.name === 'AbortError') return;
    view.replaceChildren(backButton(), el('p', { class: 'empty' }, e.message));
    return;
  }
  const row = (k, v) => (v ? [el('dt', {}, k), el('dd', {}, v)] : []);
  const evidence = a.evidence
    ? el('details', { class: 'evidence' }, el('summary', {}, '메타데이터를 찾은 근거 (inspect)'),
      el('dl', {}, Object.entries(a.evidence).map(([k, v]) => row(k, v))))
    : el('p', { class: 'credit' }, '원본 파일이 색인 이후 바뀌었거나 없어서 근거를 보여줄 수 없습니다.');
  // "왜?": why this article matches the search (fetched when opened: /api/articles/ID?…&explain=1).
  const why = s.q ? el('details', { class: 'why', id: 'why' }, el('summary', {}, '왜? 이 기사가 이 검색에 나온 이유')) : null;
  if (why) {
    why.addEventListener('toggle', async () => {
      if (!why.open || why.dataset.loaded) return;
      why.dataset.loaded = '1';
      const p = searchParams(s);
      p.set('explain', '1');
      const out = el('ul', { class: 'why-lines' }, el('li', {}, '…'));
      why.append(out);
      try {
        const r = await fetch('/api/articles/' + encodeURIComponent(s.article) + '?' + p, { headers: { Accept: 'application/json' } });
        const body = await r.json();
        if (!r.ok) throw new Error(body.error || r.statusText);
        const lines = body.explain ? whyLines(body.explain) : ['이 기사는 지금의 검색어와 맞지 않습니다.'];
        out.replaceChildren(...lines.map((t) => el('li', {}, t)));
      } catch (e) {
        out.replaceChildren(el('li', {}, e.message));
      }
    });
  }
  const links = [backButton()];
  if (a.original) links.push(el('a', { class: 'button', href: '/api/original/' + encodeURIComponent(a.id), target: '_blank', rel: 'noopener' }, '원본 파일'));
  if (a.url && /^https?:\/\//i.test(a.url)) links.push(el('a', { class: 'button', href: a.url, target: '_blank', rel: 'noopener noreferrer' }, '원문 링크'));
  view.replaceChildren(
    el('div', { class: 'actions' }, links),
    el('h1', {}, a.title || a.id),
    el('dl', {},
      row('날짜', a.date || (a.year ? a.year + '년' : '미상')),
      row('발행 지역', a.region ? regionLabel(a.region) : '미상'),
      row('언급 지역', a.mentioned_regions.map(regionLabel).join(', ')),
      row('산업', a.industry.join(', ')),
      row('출처', a.source),
      row('파일', a.path),
      row('id', a.id)),
    evidence,
    why,
    el('div', { class: 'body' }, highlighted(a.text, a.highlights)));
  document.title = a.title + ' — kpolicy';
  const firstMark = view.querySelector('mark');
  if (firstMark) firstMark.scrollIntoView({ block: 'center' });
  else scrollTo(0, 0);
}

// The explanation of /api/articles/ID?explain=1 in Korean: the score's parts, then each word.
function whyLines(e) {
  const f = (x) => x.toFixed(2);
  const field = { title: '제목', body: '본문', words: '원문 낱말' };
  let head = `점수 ${f(e.score)} = BM25 ${f(e.bm25)}`;
  if (e.proximity) {
    head += ` + 근접도 ${f(e.proximity.window + e.proximity.pair)}`;
    const at = e.together_at;
    if (e.proximity.together === 'lead') head += ` · 검색어가 ${at && at[0] === 'title' ? '제목' : '첫머리'}에 붙어 있음: 앞 순위`;
    else if (e.proximity.together === 'body') head += ' · 검색어가 본문에 붙어 있음';
    else if (e.words.length > 1) head += ' · 검색어가 떨어져 있음: 붙어 있는 기사 다음 순위';
  }
  if (!e.all_words) head += ' · 검색어 일부만 있음';
  const how = (m) => ({
    term: m.terms.join('+'),
    parts: `${m.terms.join('+')} (붙어서)`,
    whole: `${m.terms.join('')} (합성어 통째로)`,
    synonym: `동의어 ${m.terms.join(' ')}`,
    surface: `쓰인 그대로 ${m.terms.join(' ')}`,
    phrase: `구절 ${m.terms.join(' ')}`,
  }[m.how] || m.terms.join(' '));
  const words = e.words.map((w) => {
    if (!w.matched) return `${w.word}: 이 기사에 없음`;
    const parts = w.matches.filter((m) => m.how !== 'whole' || !w.matches.some((o) => o.how === 'parts' && o.field === m.field));
    return `${w.word}: ` + parts.map((m) => `${field[m.field] || m.field} ${how(m)}${m.positions.length ? ' @' + m.positions.join(', ') : ''} (${f(m.score)})`).join(' · ');
  });
  return [head, ...words];
}

function backButton() {
  return el('a', { class: 'button', id: 'back', href: pageUrl({ ...readState(), article: '' }), onclick: (ev) => { ev.preventDefault(); closeArticle(); } }, '← 목록');
}

function closeArticle() {
  // Back to the list the article was opened from (one history step), or to its search.
  if (history.state && history.state.fromList) history.back();
  else change((t) => { t.article = ''; });
}

// --- live updates: "N new articles" ----------------------------------------------------------

async function poll() {
  try {
    const r = await fetch('/healthz');
    if (r.status === 401) { toLogin(); return; }
    if (!r.ok) return;
    const h = await r.json();
    if (last.generation === null) { last.generation = h.generation; return; }
    if (h.generation === last.generation || last.total === null) return;
    last.generation = h.generation;
    const s = readState();
    if (s.article || searchParams(s).toString() !== last.key) return;
    const p = searchParams(s);
    p.set('limit', '1');
    const resp = await (await fetch('/api/search?' + p)).json();
    const added = resp.total - last.total;
    if (added > 0) {
      $('banner').replaceChildren(`이 검색에 새 기사 ${num(added)}건이 있습니다.`,
        el('button', { type: 'button', onclick: async () => {
          // The articles that arrived while the page was open are the new ones now.
          const key = last.key;
          if (viewedAt.has(key)) seenThisVisit.set(key, viewedAt.get(key));
          await markViewed(key);
          $('banner').hidden = true;
          render();
        } }, '보기'));
      $('banner').hidden = false;
    }
  } catch (_) { /* the server went away; try again later */ }
}

// --- wiring -----------------------------------------------------------------------------------------

let typing = null;

function init() {
  const box = $('q');
  box.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => change((t) => { t.q = box.value.trim(); t.page = 1; t.article = ''; }, false), DEBOUNCE_MS);
  });
  $('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(typing);
    change((t) => { t.q = box.value.trim(); t.page = 1; t.article = ''; });
  });
  $('sort').addEventListener('change', () => change((t) => { t.sort = $('sort').value; t.page = 1; }));
  $('mentioned').addEventListener('change', () => change((t) => { t.mentioned = $('mentioned').checked; t.page = 1; }));
  $('any').addEventListener('change', () => change((t) => { t.any = $('any').checked; t.page = 1; }));
  $('all-copies').addEventListener('change', () => change((t) => { t.all = $('all-copies').checked; t.page = 1; }));
  $('date-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    change((t) => { t.from = $('from').value; t.to = $('to').value; t.year = []; t.since = ''; t.until = ''; t.page = 1; });
  });
  $('toggle-filters').addEventListener('click', () => {
    const open = $('sidebar').classList.toggle('open');
    $('toggle-filters').setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  $('home').addEventListener('click', (ev) => {
    ev.preventDefault();
    box.value = '';
    go({ ...readState(), q: '', region: [], industry: [], year: [], since: '', until: '', from: '', to: '', page: 1, article: '' }, true);
  });
  window.addEventListener('popstate', render);
  document.addEventListener('keydown', onKey);
  setInterval(poll, POLL_MS);
  render();
}

function onKey(ev) {
  const inField = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
  if (ev.key === '/' && !inField) {
    ev.preventDefault();
    $('q').focus();
    $('q').select();
    return;
  }
  if (ev.key === 'Escape') {
    if (readState().article) { ev.preventDefault(); closeArticle(); } else if (inField) document.activeElement.blur();
    return;
  }
  if (readState().article) return;
  const items = Array.from(document.querySelectorAll('#hits .hit'));
  if (!items.length) return;
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    if (inField && document.activeElement !== $('q')) return;
    ev.preventDefault();
    selected = ev.key === 'ArrowDown' ? Math.min(items.length - 1, selected + 1) : Math.max(0, selected - 1);
    items.forEach((it, i) => it.classList.toggle('sel', i === selected));
    items[selected].focus();
  } else if (ev.key === 'Enter' && selected >= 0 && document.activeElement === items[selected]) {
    ev.preventDefault();
    openArticle(items[selected].dataset.id);
  }
}

document.addEventListener('DOMContentLoaded', init);
