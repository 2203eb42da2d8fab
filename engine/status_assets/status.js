// Volley status page: polls GET /v1/status (every 2 s, or ?refresh= milliseconds) and renders the
// header facts, last-hour tiles, throughput chart (inline SVG), campaigns with progress bars,
// destination sites and recent bounces. Plain JavaScript, no libraries. Data only ever reaches the
// DOM through textContent and attribute values, never parsed as HTML markup.
'use strict';

(function() {
const SVG = 'http://www.w3.org/2000/svg';
const numbers = new Intl.NumberFormat('en-US');
const decimals = new Intl.NumberFormat('en-US', {maximumFractionDigits : 1});
const refreshMs = (() => {
  const asked = parseInt(new URLSearchParams(location.search).get('refresh') || '', 10);
  return Number.isFinite(asked) ? Math.min(60000, Math.max(250, asked)) : 2000;
})();
let lastSuccess = 0;
let lastBounces = '';

// ---- small DOM helpers ----
function $(id) { return document.getElementById(id); }
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className)
    node.className = className;
  if (text !== undefined && text !== null)
    node.textContent = String(text);
  return node;
}
function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {}))
    node.setAttribute(name, value);
  return node;
}
function setText(node, text) {
  const value = String(text);
  if (node.textContent !== value)
    node.textContent = value;
}
function count(n) { return numbers.format(n || 0); }
function setCount(node, n) {
  setText(node, count(n));
  node.classList.toggle('zero', !n);
}
function bytes(n) {
  const units = [ 'B', 'KiB', 'MiB', 'GiB', 'TiB' ];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return decimals.format(n) + ' ' + units[i];
}
function duration(seconds) {
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24;
  const m = Math.floor(seconds / 60) % 60;
  if (d > 0)
    return d + ' d ' + h + ' h';
  if (h > 0)
    return h + ' h ' + m + ' min';
  if (m > 0)
    return m + ' min ' + (seconds % 60) + ' s';
  return seconds + ' s';
}
function clock(ms, withSeconds) {
  return new Date(ms).toLocaleTimeString('en-GB',
                                         withSeconds ? {} : {hour : '2-digit', minute : '2-digit'});
}
// A time of day today, with the date otherwise.
function when(ms) {
  const date = new Date(ms);
  const time = date.toLocaleTimeString('en-GB');
  if (date.toDateString() === new Date().toDateString())
    return time;
  return date.toLocaleDateString('en-GB', {day : 'numeric', month : 'short', year : 'numeric'}) +
         ' ' + time;
}
function pill(node, text, kind) {
  setText(node, text);
  node.className = 'pill pill-' + kind;
}

// ---- header and tiles ----
function renderDaemon(d, now) {
  pill($('daemon-state'), d.status === 'ok' ? 'running' : d.status,
       d.status === 'ok' ? 'ok' : 'warn');
  setText($('fact-delivery'), d.delivery);
  setText($('fact-uptime'), duration(d.uptime_seconds || 0));
  setText($('fact-connections'),
          d.connections_open === undefined ? '–' : count(d.connections_open));
  setText($('fact-jobs'), d.jobs_in_memory === undefined ? '–' : count(d.jobs_in_memory));
  setText($('fact-spool'), bytes(d.spool_used_bytes) + ' of ' + bytes(d.spool_map_bytes));
  setText($('updated'), clock(now, true));
}

function sum(list, from) {
  let total = 0;
  for (let i = Math.max(0, from || 0); i < list.length; i++)
    total += list[i];
  return total;
}

function renderTiles(t) {
  setText($('tile-delivered'), count(sum(t.delivered)));
  setText($('tile-deferred'), count(sum(t.deferred)));
  setText($('tile-bounced'), count(sum(t.bounced)));
  const buckets = Math.round(300 / t.bucket_seconds);
  setText($('tile-rate'), count(Math.round(sum(t.delivered, t.delivered.length - buckets) / 5)));
}

// ---- throughput chart ----
function niceMax(value) {
  if (value <= 5)
    return 5;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10])
    if (step * power >= value)
      return step * power;
  return 10 * power;
}

function renderChart(t) {
  const box = $('throughput-chart');
  const width = Math.max(300, box.clientWidth), height = Math.max(120, box.clientHeight);
  const left = 46, right = 10, top = 10, bottom = 24;
  const n = t.delivered.length, plotW = width - left - right, plotH = height - top - bottom;
  let peak = 0;
  for (let i = 0; i < n; i++)
    peak = Math.max(peak, t.delivered[i] + t.deferred[i] + t.bounced[i]);
  const max = niceMax(peak), barW = plotW / n;
  const root = svg('svg', {
    viewBox : '0 0 ' + width + ' ' + height,
    width : width,
    height : height,
    'aria-hidden' : 'true'
  });
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const y = top + plotH - fraction * plotH;
    root.appendChild(svg('line', {class : 'grid', x1 : left, x2 : width - right, y1 : y, y2 : y}));
    const label =
        svg('text', {class : 'axis-label', x : left - 6, y : y + 4, 'text-anchor' : 'end'});
    label.textContent = count(Math.round(max * fraction));
    root.appendChild(label);
  }
  const bucketMs = t.bucket_seconds * 1000;
  for (let minutes = 60; minutes >= 0; minutes -= 10) {
    const x = left + plotW - (minutes * 60000 / bucketMs) * barW;
    const label = svg('text', {
      class : 'axis-label',
      x : x,
      y : height - 6,
      'text-anchor' : minutes === 60 ? 'start' : (minutes === 0 ? 'end' : 'middle')
    });
    label.textContent = minutes === 0 ? 'now' : clock(t.end_ms - minutes * 60000, false);
    root.appendChild(label);
  }
  for (let i = 0; i < n; i++) {
    const total = t.delivered[i] + t.deferred[i] + t.bounced[i];
    if (total === 0)
      continue;
    const x = left + i * barW;
    const group = svg('g', {});
    let y = top + plotH;
    for (const [name, value] of [[ 'delivered', t.delivered[i] ], [ 'deferred', t.deferred[i] ],
                                 [ 'bounced', t.bounced[i] ]]) {
      if (!value)
        continue;
      const h = value / max * plotH;
      y -= h;
      group.appendChild(
          svg('rect',
              {class : 'bar-' + name, x : x, y : y, width : Math.max(1, barW - 0.6), height : h}));
    }
    const start = t.end_ms - (n - i) * bucketMs;
    const title = svg('title', {});
    title.textContent = clock(start, true) + ': ' + count(t.delivered[i]) + ' delivered, ' +
                        count(t.deferred[i]) + ' deferred, ' + count(t.bounced[i]) + ' bounced';
    const target =
        svg('rect',
            {class : 'hover-target', x : x, y : top, width : Math.max(1, barW), height : plotH});
    target.appendChild(title);
    group.appendChild(target);
    root.appendChild(group);
  }
  box.replaceChildren(root);
  box.setAttribute('aria-label', 'Throughput chart of the last hour: ' + count(sum(t.delivered)) +
                                     ' delivered, ' + count(sum(t.deferred)) + ' deferred, ' +
                                     count(sum(t.bounced)) + ' bounced');
}

// ---- keyed table rows ----
// Keeps one <tr> per key, creates missing ones with make(), updates them with update(), drops
// rows whose key is gone and puts the rest in the server's order.
function syncRows(tbody, items, keyOf, make, update) {
  const existing = new Map();
  for (const row of Array.from(tbody.rows))
    existing.set(row.dataset.key, row);
  const wanted = [];
  for (const item of items) {
    const key = keyOf(item);
    let row = existing.get(key);
    if (!row) {
      row = make(item);
      row.dataset.key = key;
    }
    existing.delete(key);
    update(row, item);
    wanted.push(row);
  }
  for (const row of existing.values())
    row.remove();
  wanted.forEach((row, i) => {
    if (tbody.rows[i] !== row)
      tbody.insertBefore(row, tbody.rows[i] || null);
  });
}

function cells(row, n, numericFrom) {
  for (let i = 0; i < n; i++)
    row.appendChild(el('td', i >= numericFrom ? 'num' : ''));
  return row.cells;
}

// ---- campaigns ----
const SEGMENTS = [
  [ 'b-delivered', c => c.delivered ],
  [ 'b-bounced', c => c.bounced_hard + c.bounced_soft ],
  [ 'b-suppressed', c => c.suppressed ],
  [ 'b-expired', c => c.expired + c.cancelled ],
  [ 'b-deferred', c => c.deferred ],
  [ 'b-in-flight', c => c.in_flight ],
];

function makeCampaignRow(c) {
  const row = el('tr');
  row.dataset.campaign = c.id;
  const td = cells(row, 11, 3);
  td[0].appendChild(el('div', 'ident'));
  td[0].appendChild(el('div', 'subtle'));
  td[1].appendChild(el('span', 'pill'));
  const progress = el('div', 'progress');
  const bar = el('div', 'bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  for (const [name] of SEGMENTS)
    bar.appendChild(el('span', name));
  progress.appendChild(bar);
  progress.appendChild(el('span', 'percent'));
  td[2].appendChild(progress);
  td[6].classList.add('c-delivered');
  td[7].classList.add('c-deferred');
  td[8].classList.add('c-bounced');
  return row;
}

function campaignState(c) {
  const pending = c.counts.queued + c.counts.in_flight + c.counts.deferred;
  if (c.state === 'active' && pending === 0 && c.total > 0)
    return [ 'complete', 'info' ];
  if (c.state === 'active')
    return [ 'sending', 'ok' ];
  if (c.state === 'paused')
    return [ 'paused', 'warn' ];
  return [ c.state, 'idle' ];
}

function updateCampaignRow(row, c) {
  const td = row.cells, k = c.counts;
  setText(td[0].firstChild, c.id);
  setText(td[0].lastChild, c.created_at ? 'created ' + when(Date.parse(c.created_at)) : '');
  const [stateText, stateKind] = campaignState(c);
  pill(td[1].firstChild, stateText, stateKind);
  const percent = c.total ? Math.floor(c.progress * 1000) / 10 : 0;
  const bar = td[2].querySelector('.bar');
  bar.setAttribute('aria-label', 'Progress of ' + c.id);
  bar.setAttribute('aria-valuenow', String(percent));
  bar.setAttribute('aria-valuetext',
                   percent + '% done, ' + count(c.done) + ' of ' + count(c.total));
  SEGMENTS.forEach(
      ([, pick ],
       i) => { bar.children[i].style.width = (c.total ? pick(k) / c.total * 100 : 0) + '%'; });
  setText(td[2].querySelector('.percent'), decimals.format(percent) + '%');
  const values = [
    c.total, k.queued, k.in_flight, k.delivered, k.deferred, k.bounced_hard + k.bounced_soft,
    k.suppressed, k.expired
  ];
  values.forEach((v, i) => setCount(td[3 + i], v));
}

function renderCampaigns(data) {
  const rows = data.shown.slice();
  const t = data.transactional;
  if (t && t.messages > 0) {
    rows.push({
      id : 'Transactional messages (' + count(t.messages) + ')',
      state : 'active',
      total : t.total,
      done : t.done,
      progress : t.total ? t.done / t.total : 0,
      counts : t.counts,
      created_at : null,
      transactional : true
    });
  }
  syncRows($('campaigns').tBodies[0], rows, c => (c.transactional ? 'transactional' : 'c:' + c.id),
           makeCampaignRow, updateCampaignRow);
  $('campaigns-empty').hidden = rows.length > 0;
  setText($('campaigns-note'), data.total > data.shown.length
                                   ? 'showing ' + count(data.shown.length) + ' of ' +
                                         count(data.total) + ' (those with work left first)'
                                   : '');
}

// ---- sites ----
function makeSiteRow() {
  const row = el('tr');
  const td = cells(row, 9, 1);
  td[0].className = 'ident';
  td[3].className = '';
  td[4].className = '';
  td[4].appendChild(el('span', 'pill'));
  td[5].classList.add('c-delivered');
  td[6].classList.add('c-deferred');
  td[7].classList.add('c-bounced');
  td[8].className = 'error-text';
  return row;
}

function updateSiteRow(row, s) {
  const td = row.cells;
  setText(td[0], s.site);
  if (s.domains && s.domains.length)
    td[0].title = s.domains.join(', ');
  setCount(td[1], s.queued);
  setText(td[2], count(s.connections) +
                     (s.idle_connections ? ' (' + count(s.idle_connections) + ' idle)' : ''));
  let rate = s.rate === null ? 'unlimited' : s.rate;
  if (s.rate_factor < 1)
    rate += ' × ' + decimals.format(s.rate_factor);
  setText(td[3], rate + (s.group ? ' · ' + s.group : ''));
  if (s.suspended)
    pill(td[4].firstChild, 'suspended until ' + clock(s.suspended_until_ms, true), 'bad');
  else if (s.throttle)
    pill(td[4].firstChild, s.throttle, 'warn');
  else if (s.rate_factor < 1)
    pill(td[4].firstChild, 'slowed down', 'warn');
  else
    pill(td[4].firstChild, s.connections > 0 ? 'sending' : 'idle',
         s.connections > 0 ? 'ok' : 'idle');
  setCount(td[5], s.delivered);
  setCount(td[6], s.deferred);
  setCount(td[7], s.bounced);
  setText(td[8], s.last_error || '');
  td[8].title = s.last_error || '';
}

function renderSites(data) {
  syncRows($('sites').tBodies[0], data.shown, s => s.site, makeSiteRow, updateSiteRow);
  $('sites-empty').hidden = data.shown.length > 0;
  setText($('sites-note'), data.total > data.shown.length
                               ? 'top ' + count(data.shown.length) + ' of ' + count(data.total)
                               : '');
}

// ---- bounces ----
function renderBounces(records) {
  const signature = JSON.stringify(records);
  if (signature === lastBounces)
    return;
  lastBounces = signature;
  const tbody = $('bounces').tBodies[0];
  const rows = records.map(b => {
    const row = el('tr');
    row.appendChild(el('td', 'subtle nowrap', b.at ? when(Date.parse(b.at)) : ''));
    row.appendChild(el('td', 'ident', b.recipient));
    row.appendChild(el('td', 'nowrap', b.campaign));
    const kind = el('td');
    const badge = el('span', '', b.kind);
    badge.className =
        'pill pill-' + (b.kind === 'hard' ? 'bad' : (b.kind === 'complaint' ? 'warn' : 'idle'));
    kind.appendChild(badge);
    row.appendChild(kind);
    row.appendChild(el('td', 'nowrap', [ b.smtp_code || '', b.status || '' ].join(' ').trim()));
    row.appendChild(el('td', '', b.reason));
    const diagnostic = el('td', 'error-text', b.diagnostic);
    diagnostic.title = b.diagnostic || '';
    row.appendChild(diagnostic);
    return row;
  });
  tbody.replaceChildren(...rows);
  $('bounces-empty').hidden = records.length > 0;
}

// ---- polling ----
function render(data) {
  renderDaemon(data.daemon, data.now_ms);
  renderTiles(data.throughput);
  renderChart(data.throughput);
  renderCampaigns(data.campaigns);
  renderSites(data.sites);
  renderBounces(data.bounces);
}

function showUnreachable(reason) {
  const since = lastSuccess ? ' since ' + clock(lastSuccess, true) : '';
  pill($('daemon-state'), 'unreachable' + since, 'bad');
  $('daemon-state').title = reason;
}

// Network and HTTP failures show as "unreachable"; an exception while rendering is a bug and
// reaches the console (the browser test fails on it). Polling goes on either way.
async function refresh() {
  let data;
  try {
    const response = await fetch(
        '/v1/status',
        {credentials : 'same-origin', cache : 'no-store', headers : {Accept : 'application/json'}});
    if (response.status === 401) { // the session expired or the token changed: sign in again
      location.assign('/' + location.search);
      return;
    }
    if (!response.ok)
      throw new Error('GET /v1/status answered ' + response.status);
    data = await response.json();
  } catch (error) {
    showUnreachable(String(error && error.message ? error.message : error));
    return;
  }
  render(data);
  lastSuccess = Date.now();
  $('daemon-state').title = '';
}

async function poll() {
  try {
    await refresh();
  } finally {
    setTimeout(poll, refreshMs);
  }
}

poll();
})();
