// The sadump HMC console. Plain JS, no build step. Every text that comes from a machine (console lines,
// reasons, file names) is put on the page with textContent only: it is never parsed as HTML.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  let session = null;      // {user, role, tasks, csrf}; the CSRF token lives only in this closure
  let current = null;      // the machine shown
  let events = null;       // the EventSource of the machine shown
  let lastSeq = 0;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  class HttpError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      if (session) headers['X-CSRF-Token'] = session.csrf;
    }
    const r = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    const type = r.headers.get('Content-Type') || '';
    if (type.startsWith('application/json')) data = await r.json();
    if (r.status === 401 && path !== '/ui/login' && path !== '/ui/session') {
      session = null;
      showLogin('Your session ended: log on again.');
      throw new HttpError(401, 'session ended');
    }
    if (!r.ok) throw new HttpError(r.status, (data && data.message) || r.statusText);
    return data;
  }

  function show(pageId) {
    for (const p of document.querySelectorAll('.page')) p.hidden = p.id !== pageId;
  }

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) { n /= 1024; i++; }
    return n + ' ' + units[i];
  }

  // 2026-12-02T12:10:41.694525144Z -> 2026-12-02 12:10:41 UTC
  function when(t) {
    const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(String(t));
    return m ? m[1] + ' ' + m[2] + ' UTC' : String(t);
  }

  function hex(n) { return '0x' + Number(n).toString(16).toUpperCase(); }

  // ---------------------------------------------------------------- log on / off

  function showLogin(message) {
    stopEvents();
    $('who').textContent = '';
    $('logout').hidden = true;
    $('login-error').textContent = message || '';
    show('login-page');
    $('login-user').focus();
  }

  async function logon(ev) {
    ev.preventDefault();
    $('login-submit').disabled = true;
    $('login-error').textContent = '';
    try {
      session = await api('POST', '/ui/login', { user: $('login-user').value, password: $('login-password').value });
      $('login-password').value = '';
      started();
    } catch (e) {
      $('login-error').textContent = e.message;
    } finally {
      $('login-submit').disabled = false;
    }
  }

  async function logoff() {
    try { await api('POST', '/ui/logout', {}); } catch (e) { /* the session is gone either way */ }
    session = null;
    showLogin('Logged off.');
  }

  function started() {
    $('who').textContent = session.user + ' (' + session.role + ')';
    $('logout').hidden = false;
    $('reports-link').hidden = !session.reports;
    route();
  }

  // ---------------------------------------------------------------- systems list

  async function systems() {
    stopEvents();
    current = null;
    const data = await api('GET', '/ui/machines');
    const body = $('systems').tBodies[0];
    clear(body);
    for (const m of data.machines) {
      const tr = el('tr');
      tr.dataset.machine = m.name;
      const name = el('td');
      const a = el('a', m.name);
      a.href = '#/m/' + encodeURIComponent(m.name);
      name.appendChild(a);
      tr.appendChild(name);
      tr.appendChild(el('td', bytes(m.storageBytes)));
      tr.appendChild(el('td', m.cpuCount));
      tr.appendChild(el('td', m.runState + (m.busy ? ' \u2014 busy: ' + m.busy.task + ' by ' + m.busy.user : ''),
        'state-' + m.runWord));
      tr.appendChild(el('td', m.psws.map((p) => p.psw).join(' '), 'mono'));
      tr.appendChild(el('td', m.kdumpLoaded ? 'loaded' : 'not loaded'));
      tr.appendChild(el('td', m.verdict.passed ? 'PASS' : m.verdict.hex + ' ' + m.verdict.reason,
        m.verdict.passed ? 'pass' : 'fail'));
      tr.appendChild(el('td', m.devices.map((d) => d.devno + ' ' + d.type).join(', ')));
      tr.appendChild(el('td', m.lastDump ? m.lastDump.kind + ' ' + when(m.lastDump.time)
        + (m.lastDump.complete ? '' : ' (incomplete)') : 'none'));
      const mapCell = el('td');
      const mini = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      mini.setAttribute('viewBox', '0 10 600 110');
      mini.setAttribute('preserveAspectRatio', 'none');
      mini.setAttribute('class', 'minimap');
      mini.setAttribute('role', 'img');
      mini.setAttribute('aria-label', 'storage map of ' + m.name);
      drawMap(m.storageMap, mini, null);
      mapCell.appendChild(mini);
      tr.appendChild(mapCell);
      body.appendChild(tr);
    }
    show('systems-page');
  }

  // ---------------------------------------------------------------- one machine

  async function machine(name) {
    if (current !== name) {
      stopEvents();
      current = name;
      lastSeq = 0;
      clear($('messages'));
      $('outcome').hidden = true;
      $('display').hidden = true;
      $('task-error').hidden = true;
      $('progress').hidden = true;
      $('progress-text').textContent = '';
    }
    $('m-name').textContent = name;
    show('machine-page');
    await refresh();
    await dumps();
    startEvents();
  }

  async function refresh() {
    const m = await api('GET', '/ui/machines/' + encodeURIComponent(current));
    const facts = $('m-facts');
    clear(facts);
    const add = (k, v, cls) => { facts.appendChild(el('dt', k)); facts.appendChild(el('dd', v, cls)); };
    add('Storage', bytes(m.storageBytes));
    add('CPUs', m.cpuCount);
    add('Run state', m.runState, 'state-' + m.runWord);
    for (const p of m.psws) add('PSW CPU ' + p.cpu, p.psw, 'mono' + (p.disabledWait ? ' fail' : ''));
    add('kdump', m.kdumpLoaded ? 'loaded' : 'not loaded');
    add('Verdict now', m.verdict.summary, m.verdict.passed ? 'pass' : 'fail');
    add('Devices', m.devices.map((d) => d.devno + ' ' + d.type + ' (' + d.image + ')').join(', ') || 'none');
    add('Last dump', m.lastDump ? m.lastDump.kind + ' ' + m.lastDump.path + ' ' + when(m.lastDump.time)
      + (m.lastDump.complete ? '' : ' (incomplete)') : 'none');
    showBusy(m.busy);
    drawMap(m.storageMap, $('m-map'), $('m-map-legend'));
    for (const b of document.querySelectorAll('#tasks button')) {
      const task = b.dataset.task ? b.dataset.task : 'display';
      b.disabled = !session.tasks.includes(task);
    }
  }

  function showBusy(busy) {
    const p = $('busy');
    if (busy) {
      p.textContent = 'busy: ' + busy.task + ' by ' + busy.user + ' since ' + when(busy.since);
      p.hidden = false;
    } else {
      p.hidden = true;
    }
  }

  // The storage map: one bar for storage, regions as rectangles on it (nested ones on lower rows).
  function drawMap(map, svg, legend) {
    clear(svg);
    const ns = 'http://www.w3.org/2000/svg';
    const width = 580;
    const x0 = 10;
    const scale = (a) => x0 + width * (a / map.size);
    const rect = (x, y, w, h, cls, title) => {
      const r = document.createElementNS(ns, 'rect');
      r.setAttribute('x', x); r.setAttribute('y', y);
      r.setAttribute('width', Math.max(1.5, w)); r.setAttribute('height', h);
      r.setAttribute('class', cls);
      const t = document.createElementNS(ns, 'title');
      t.textContent = title;
      r.appendChild(t);
      svg.appendChild(r);
    };
    const text = (x, y, s, cls) => {
      const t = document.createElementNS(ns, 'text');
      t.setAttribute('x', x); t.setAttribute('y', y);
      t.setAttribute('class', cls || 'label');
      t.textContent = s;
      svg.appendChild(t);
    };
    rect(x0, 20, width, 24, 'storage', 'storage 0 .. ' + hex(map.size));
    if (legend) {
      text(x0, 14, '0');
      text(x0 + width - 60, 14, bytes(map.size));
      clear(legend);
    }
    const rows = [];
    for (const r of map.regions) {
      // a region inside an earlier one goes one row lower
      let row = 0;
      while (rows[row] !== undefined && rows[row] > r.start) row++;
      rows[row] = r.end;
      const y = 20 + row * 30;
      const kind = String(r.kind).replace(/[^a-z0-9-]/gi, '');
      rect(scale(r.start), y, scale(r.end) - scale(r.start), 24, 'region region-' + kind,
        r.name + ' [' + hex(r.start) + ', ' + hex(r.end) + ')');
      if (legend) {
        legend.appendChild(el('span', r.mark + ' ' + r.name + ' [' + hex(r.start) + ', ' + hex(r.end) + ')',
          'legend region-' + kind));
        if (scale(r.end) - scale(r.start) > 12) text(scale(r.start) + 2, y + 16, r.mark, 'mark');
      }
    }
  }

  // ---------------------------------------------------------------- messages (server-sent events)

  function startEvents() {
    stopEvents();
    const src = new EventSource('/ui/machines/' + encodeURIComponent(current) + '/events?since=' + lastSeq);
    events = src;
    src.addEventListener('line', (e) => {
      const line = JSON.parse(e.data);
      if (line.seq <= lastSeq) return;
      lastSeq = line.seq;
      const pre = $('messages');
      pre.appendChild(document.createTextNode(line.text + '\n'));
      pre.scrollTop = pre.scrollHeight;
    });
    src.addEventListener('progress', (e) => {
      const p = JSON.parse(e.data);
      const bar = $('progress');
      bar.hidden = false;
      bar.max = p.total;
      bar.value = p.done;
      $('progress-text').textContent = Math.floor(p.done / 1048576) + ' / ' + Math.floor(p.total / 1048576) + ' MiB';
    });
    src.addEventListener('busy', (e) => showBusy(JSON.parse(e.data)));
    src.addEventListener('idle', () => { showBusy(null); });
    src.addEventListener('archive', (e) => {
      const p = JSON.parse(e.data);
      const bar = $('archive-progress');
      bar.hidden = false;
      bar.max = p.total;
      bar.value = p.done;
    });
    src.onerror = () => {
      // the browser reconnects by itself; a lost session shows the log-on page
      if (src.readyState === EventSource.CLOSED) {
        api('GET', '/ui/session').catch(() => { session = null; showLogin('Your session ended: log on again.'); });
      }
    };
  }

  function stopEvents() {
    if (events) { events.close(); events = null; }
  }

  // ---------------------------------------------------------------- tasks

  function dialog(id) {
    const d = $(id);
    return new Promise((resolve) => {
      d.addEventListener('close', () => resolve(d.returnValue), { once: true });
      d.returnValue = '';
      d.showModal();
    });
  }

  async function confirm(title, text, askPassword) {
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-password-label').hidden = !askPassword;
    $('confirm-password').required = askPassword;
    $('confirm-password').value = '';
    const answer = await dialog('confirm-dialog');
    const password = $('confirm-password').value;
    $('confirm-password').value = '';
    return answer === 'ok' ? { password } : null;
  }

  function taskError(message) {
    const p = $('task-error');
    p.textContent = message;
    p.hidden = !message;
  }

  const TASK_NAMES = {
    restart: 'PSW Restart', stop: 'Stop All', start: 'Start All',
    'reset-normal': 'Reset Normal', 'reset-clear': 'Reset Clear',
  };
  const DISRUPTIVE = new Set(['load', 'restart', 'stop', 'reset-normal', 'reset-clear']);

  async function task(name) {
    taskError('');
    let body;
    if (name === 'load') {
      $('load-password').value = '';
      if (await dialog('load-dialog') !== 'ok') return;
      body = {
        address: $('load-address').value,
        clear: $('load-clear').checked,
        storeStatus: $('load-store-status').checked,
        loadparm: $('load-parm').value,
        password: $('load-password').value,
      };
      $('load-password').value = '';
      if (body.clear) {
        const again = await confirm('Load clear', 'Load clear zeroes all storage of ' + current
          + ': nothing will be left to dump. Load clear?', false);
        if (!again) return;
      }
    } else if (name === 'mount') {
      body = await mountDialog();
      if (!body) return;
    } else {
      const title = TASK_NAMES[name];
      const c = await confirm(title, title + ' ' + current + '?'
        + (DISRUPTIVE.has(name) ? ' This is disruptive: type your password to confirm.' : ''), DISRUPTIVE.has(name));
      if (!c) return;
      body = { password: c.password };
      if (name === 'reset-clear') {
        // Reset Clear asks twice: it destroys the memory a dump would save
        const again = await confirm('Reset Clear, second confirmation', 'Reset Clear zeroes all storage of ' + current
          + '. Nothing of it can be dumped afterwards. Really reset clear?', false);
        if (!again) return;
        body.confirmations = 2;
      }
    }
    $('outcome').hidden = true;
    $('progress').hidden = true;
    $('progress-text').textContent = '';
    try {
      const result = await api('POST', '/ui/machines/' + encodeURIComponent(current) + '/tasks/' + name, body);
      showOutcome(result);
    } catch (e) {
      if (e.status !== 401) taskError(e.message);
    }
    await refresh().catch(() => {});
    await dumps().catch(() => {});
  }

  function showOutcome(r) {
    const box = $('outcome');
    clear(box);
    if (r.verdict !== undefined) {
      box.appendChild(el('p', 'Verdict: ' + (r.verdict === 'pass' ? 'PASS: kdump can start'
        : r.verdict === 'none' ? 'none' : r.code + ' ' + r.reason), r.verdict === 'fail' ? 'fail' : 'pass'));
      if (r.dump) {
        box.appendChild(el('p', 'Dump: ' + r.dump.kind + ' ' + r.dump.paths.join(', ')
          + (r.dump.complete ? ' (complete)' : ' (INCOMPLETE ' + r.dump.code + ')'), 'dump-location'));
      }
      box.appendChild(el('p', 'After: ' + r.after));
    } else {
      box.appendChild(el('p', r.message));
    }
    box.hidden = false;
  }

  async function mountDialog() {
    const data = await api('GET', '/ui/machines/' + encodeURIComponent(current) + '/mountable');
    const dev = $('mount-device');
    const img = $('mount-image');
    clear(dev);
    for (const d of data.devices) {
      const o = el('option', d.devno + ' (' + d.type + ')');
      o.value = d.devno;
      dev.appendChild(o);
    }
    const fill = () => {
      clear(img);
      const d = data.devices.find((x) => x.devno === dev.value);
      for (const name of d ? d.images : []) {
        const o = el('option', name);
        o.value = name;
        img.appendChild(o);
      }
    };
    dev.onchange = fill;
    fill();
    if (data.devices.length === 0) {
      taskError(current + ' has no devices to mount a volume on.');
      return null;
    }
    if (await dialog('mount-dialog') !== 'ok') return null;
    if (!img.value) {
      taskError('No volume to mount on ' + dev.value + ': put one in the machine directory or the library.');
      return null;
    }
    return { device: dev.value, image: img.value };
  }

  async function display(what) {
    taskError('');
    let query = '';
    if (what === 'storage') {
      if (await dialog('storage-dialog') !== 'ok') return;
      query = '?address=' + encodeURIComponent($('storage-address').value)
        + '&length=' + encodeURIComponent($('storage-length').value);
    }
    try {
      const d = await api('GET', '/ui/machines/' + encodeURIComponent(current) + '/display/' + what + query);
      $('display-title').textContent = d.title;
      $('display-text').textContent = d.lines.join('\n');
      $('display').hidden = false;
    } catch (e) {
      if (e.status !== 401) taskError(e.message);
    }
  }

  // ---------------------------------------------------------------- dumps

  async function dumps() {
    const data = await api('GET', '/ui/machines/' + encodeURIComponent(current) + '/dumps');
    const body = $('dumps-table').tBodies[0];
    clear(body);
    for (const d of data.dumps) {
      const tr = el('tr');
      tr.dataset.dump = d.id;
      tr.appendChild(el('td', d.name, 'mono'));
      tr.appendChild(el('td', d.kind));
      tr.appendChild(el('td', when(d.time)));
      tr.appendChild(el('td', d.complete ? 'yes' : 'NO', d.complete ? 'pass' : 'fail'));
      const facts = el('td');
      const dl = el('dl', null, 'dump-facts');
      for (const [k, v] of d.facts) { dl.appendChild(el('dt', k)); dl.appendChild(el('dd', v)); }
      facts.appendChild(dl);
      tr.appendChild(facts);
      const actions = el('td');
      if (session.tasks.includes('download')) {
        const a = el('a', 'Download');
        a.href = '/ui/machines/' + encodeURIComponent(current) + '/dumps/' + encodeURIComponent(d.id) + '/download';
        a.setAttribute('download', '');
        actions.appendChild(a);
      }
      if (session.tasks.includes('archive')) {
        const b = el('button', 'Archive');
        b.type = 'button';
        b.addEventListener('click', () => archive(d));
        actions.appendChild(b);
      }
      tr.appendChild(actions);
      body.appendChild(tr);
    }
    if (data.dumps.length === 0) {
      const tr = el('tr');
      const td = el('td', 'No dumps yet.');
      td.colSpan = 6;
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  async function archive(d) {
    $('archive-status').textContent = 'Archiving ' + d.name + '\u2026';
    try {
      const r = await api('POST', '/ui/machines/' + encodeURIComponent(current) + '/dumps/'
        + encodeURIComponent(d.id) + '/archive', {});
      $('archive-status').textContent = 'Archive: ' + r.archive + ' (' + r.bytes + ' bytes)';
    } catch (e) {
      if (e.status !== 401) $('archive-status').textContent = e.message;
    }
    $('archive-progress').hidden = true;
    await dumps().catch(() => {});
  }

  // ---------------------------------------------------------------- routing

  function route() {
    if (!session) return;
    const h = location.hash;
    const m = /^#\/m\/([^/]+)$/.exec(h);
    const done = m ? machine(decodeURIComponent(m[1])) : systems();
    done.catch((e) => { if (e.status !== 401) { taskError(e.message); } });
  }

  document.addEventListener('DOMContentLoaded', async () => {
    $('login-form').addEventListener('submit', logon);
    $('logout').addEventListener('click', logoff);
    for (const b of document.querySelectorAll('#tasks button[data-task]')) {
      b.addEventListener('click', () => task(b.dataset.task));
    }
    for (const b of document.querySelectorAll('#tasks button[data-display]')) {
      b.addEventListener('click', () => display(b.dataset.display));
    }
    window.addEventListener('hashchange', route);
    try {
      session = await api('GET', '/ui/session');
      started();
    } catch (e) {
      if (!session) showLogin('');
    }
  });
}());
