// The live view: renders /api/state, then follows /api/events (server-sent events, one state a second).
'use strict';

const colours = ['#58a6ff', '#f778ba', '#3fb950', '#d29922'];
const traces = new Map();   // stream id -> array per level of recent surprises
const traceLength = 120;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const num = v => (v === null || v === undefined) ? '-' : Number(v).toFixed(1);

function statusClass(s) {
  if (s.warmingUp || s.status.startsWith('warming')) return 'status warm';
  if (['failed', 'frozen', 'reconnecting'].includes(s.status)) return 'status bad';
  return 'status';
}

function record(s) {
  let t = traces.get(s.id);
  if (!t) { t = []; traces.set(s.id, t); }
  s.surprises.forEach((v, i) => {
    t[i] = t[i] || [];
    t[i].push(v === null ? NaN : v);
    if (t[i].length > traceLength) t[i].shift();
  });
  return t;
}

function draw(canvas, t) {
  const w = canvas.width = canvas.clientWidth || 280, h = canvas.height = 70;
  const g = canvas.getContext('2d');
  const lo = -2, hi = 12, y = v => h - (Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo) * h;
  g.strokeStyle = '#30363d'; g.setLineDash([3, 3]); g.beginPath(); g.moveTo(0, y(4)); g.lineTo(w, y(4)); g.stroke(); g.setLineDash([]);
  t.forEach((series, level) => {
    g.strokeStyle = colours[level % colours.length]; g.beginPath();
    series.forEach((v, i) => { if (!Number.isNaN(v)) { const x = w - (series.length - 1 - i) * (w / traceLength); i ? g.lineTo(x, y(v)) : g.moveTo(x, y(v)); } });
    g.stroke();
  });
}

function renderStreams(state) {
  const box = document.getElementById('streams');
  const seen = new Set();
  for (const s of state.streams) {
    seen.add(s.id);
    let card = box.querySelector(`.stream[data-stream="${CSS.escape(s.id)}"]`);
    if (!card) {
      card = el('div', { class: 'stream', 'data-stream': s.id },
        s.pictureFrame === null ? el('div', { class: 'noimg' }, 'no pictures kept') : el('img', { alt: `latest picture of ${s.id}` }),
        el('div', { class: 'title' }, el('span', { class: 'name' }, s.id), el('span', { class: 'status' })),
        el('div', { class: 'facts' }),
        el('canvas'),
        el('div', { class: 'legend' }));
      box.append(card);
    }
    const alerting = s.anomaly && !['ended', 'stopped', 'failed'].includes(s.status);
    card.classList.toggle('anomaly', alerting);
    const status = card.querySelector('.status');
    status.className = statusClass(s);
    status.textContent = alerting ? `${s.status} — ANOMALY` : s.status;
    card.querySelector('.facts').textContent = `${s.fps} fps · ${s.frames} frames · ${s.dropped} dropped · surprise ${s.surprises.map(num).join(' / ')}` + (s.source ? ` · ${s.source}` : '');
    const img = card.querySelector('img');
    if (img && s.pictureFrame !== null && img.dataset.frame !== String(s.pictureFrame)) {
      img.dataset.frame = s.pictureFrame;
      img.src = `/api/frames/${encodeURIComponent(s.id)}?frame=${s.pictureFrame}`;
    }
    const t = record(s);
    draw(card.querySelector('canvas'), t);
    const legend = card.querySelector('.legend');
    legend.replaceChildren(...t.map((_, i) => {
      const label = el('span', {}, `level ${i + 1}`);
      label.style.color = colours[i % colours.length];   // through the CSSOM: the page's policy allows no inline style
      return label;
    }));
  }
  for (const card of [...box.children]) if (!seen.has(card.dataset.stream)) card.remove();
}

// Evidence is written once an episode's post-roll has passed: a file asked for just before that is asked for again.
function retrying(node, tries = 10) {
  const src = node.getAttribute('src');
  let n = 0;
  node.addEventListener('error', () => { if (++n <= tries) setTimeout(() => { node.src = `${src}?try=${n}`; }, 2000); });
  return node;
}

function evidence(e) {
  const media = el('div', { class: 'media' });
  if (!e.evidence) { media.append(el('div', { class: 'noimg' }, 'no evidence kept')); return media; }
  const url = p => `/evidence/${p.split('/').map(encodeURIComponent).join('/')}`;
  const closed = e.state === 'closed';
  if (closed) media.append(el('a', { href: url(e.evidence.annotated) }, retrying(el('img', { src: url(e.evidence.annotated), alt: `energy map of episode ${e.number} on ${e.stream}` }))));
  else media.append(el('div', { class: 'noimg' }, 'evidence is written when it closes'));
  if (closed && e.evidence.clip.endsWith('.mp4')) media.append(retrying(el('video', { src: url(e.evidence.clip), controls: '', preload: 'metadata', muted: '' })));
  if (closed) media.append(el('a', { href: url(e.evidence.snapshot) }, 'snapshot'), el('a', { href: url(e.evidence.annotated) }, 'annotated'), el('a', { href: url(e.evidence.clip) }, 'clip'));
  return media;
}

function renderEpisodes(state) {
  const box = document.getElementById('episodes');
  const nodes = state.episodes.map(e => {
    const key = `${e.id}/${e.state}/${e.frames}`;
    const old = box.querySelector(`.episode[data-episode="${CSS.escape(e.id)}"]`);
    if (old && old.dataset.key === key) return old;
    const levels = e.levels.map(l => `L${l.level} ${num(l.peakSurprise)}`).join(', ') || '-';
    const box2 = e.box ? `${e.box.x},${e.box.y} ${e.box.width}×${e.box.height} of ${e.sourceWidth}×${e.sourceHeight}` : '-';
    return el('article', { class: `episode ${e.state === 'closed' ? 'closed' : 'open'}`, 'data-episode': e.id, 'data-key': key },
      evidence(e),
      el('dl', {},
        el('dt', {}, 'stream'), el('dd', {}, `${e.stream} #${e.number} (${e.kind})`),
        el('dt', {}, 'state'), el('dd', {}, e.state),
        el('dt', {}, 'frames'), el('dd', {}, `${e.startFrame}–${e.endFrame ?? '…'} (${e.frames}), peak at ${e.peakFrame}`),
        el('dt', {}, 'time (UTC)'), el('dd', {}, `${e.startUtc}${e.endUtc ? ' → ' + e.endUtc : ''}`),
        el('dt', {}, 'peak surprise'), el('dd', {}, `${num(e.peakScore)}; levels fired ${e.firedLevels.join(',') || '-'}; ${levels}`),
        el('dt', {}, 'where'), el('dd', {}, box2),
        el('dt', {}, 'model'), el('dd', {}, `v${e.modelVersion}`),
        el('dt', {}, 'id'), el('dd', {}, e.id)));
  });
  box.replaceChildren(...nodes);
  if (nodes.length === 0) box.append(el('p', { class: 'hint' }, 'none yet'));
}

function render(state) {
  document.getElementById('headline').textContent = state.headline;
  document.getElementById('model').textContent = `model v${state.modelVersion}` + (state.checkpointSha256 ? ` · checkpoint ${state.checkpointSha256.slice(0, 12)}…` : ' · fresh weights');
  document.getElementById('learning').textContent = state.learning ?? 'online learning off';
  renderStreams(state);
  renderEpisodes(state);
  document.body.dataset.updated = state.time;
}

fetch('/api/state').then(r => r.json()).then(render).catch(() => { document.getElementById('headline').textContent = 'the run is not answering'; });
const events = new EventSource('/api/events');
events.onmessage = m => render(JSON.parse(m.data));
events.onerror = () => { document.getElementById('headline').textContent = 'reconnecting to the run…'; };
