'use strict';
// The console page. Everything from the registry reaches the DOM through textContent and
// dataset only, never parsed as markup: metadata and check output can hold anything.
(function () {
  var state = null;
  var receivedAt = 0;

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      if (arguments[i]) { parent.appendChild(arguments[i]); }
    }
    return parent;
  }

  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }

  function formatAge(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) { return s + ' s'; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + ' min ' + (s % 60) + ' s'; }
    var h = Math.floor(m / 60);
    if (h < 48) { return h + ' h ' + (m % 60) + ' min'; }
    return Math.floor(h / 24) + ' d';
  }

  function badge(text, kind, title) {
    var b = el('span', 'badge badge-' + kind, text);
    if (title) { b.title = title; }
    return b;
  }

  function ageSpan(ageMillis) {
    var span = el('span', 'age', formatAge(ageMillis));
    span.dataset.ageBase = String(ageMillis);
    return span;
  }

  function metadataCell(metadata) {
    var cell = el('td');
    var box = add(cell, el('div', 'metadata')).lastChild;
    var keys = Object.keys(metadata);
    if (keys.length === 0) { add(box, el('span', 'none', '—')); }
    keys.forEach(function (key) {
      var chip = el('span', 'chip');
      chip.dataset.key = key;
      add(chip, el('span', 'chip-key', key), el('span', 'chip-value', metadata[key]));
      add(box, chip);
    });
    return cell;
  }

  function instanceRow(instance, health) {
    var row = el('tr');
    row.dataset.instance = instance.id;
    add(row, add(el('td'), el('code', 'id', instance.id)));
    var address = add(el('td', 'address'), el('code', null, instance.hostPort));
    if (instance.secure) { add(address, badge('TLS', 'tls', 'callers should use TLS')); }
    add(row, address);
    add(row, el('td', instance.zone ? 'zone' : 'zone none', instance.zone || '—'));
    add(row, el('td', 'weight', instance.weight));
    add(row, metadataCell(instance.metadata));
    if (health) { add(row, add(el('td'), badge('passing', 'live'))); }
    return row;
  }

  function instancesTable(service) {
    var table = el('table', 'instances');
    var head = add(el('tr'), el('th', null, 'Instance'), el('th', null, 'Address'), el('th', null, 'Zone'),
      el('th', null, 'Weight'), el('th', null, 'Metadata'), service.health ? el('th', null, 'Health') : null);
    add(table, add(el('thead'), head));
    var body = el('tbody');
    service.instances.forEach(function (i) { add(body, instanceRow(i, service.health)); });
    if (service.instances.length === 0) {
      var cell = el('td', 'none', service.health ? 'no passing instance' : (service.loaded ? 'no instance' : 'loading…'));
      cell.colSpan = service.health ? 6 : 5;
      add(body, add(el('tr'), cell));
    }
    return add(table, body);
  }

  function checksTable(checks, title) {
    var box = el('div', 'checks');
    add(box, el('h3', null, title));
    var table = el('table', 'critical');
    add(table, add(el('thead'), add(el('tr'), el('th', null, 'Instance'), el('th', null, 'Node'), el('th', null, 'Check'),
      el('th', null, 'Output'))));
    var body = el('tbody');
    checks.forEach(function (c) {
      var row = el('tr');
      row.dataset.check = c.checkId;
      add(row, add(el('td'), el('code', null, c.serviceId || '(node)')), el('td', null, c.node),
        el('td', null, c.name || c.checkId), add(el('td'), el('pre', 'output', c.output)));
      add(body, row);
    });
    return add(box, add(table, body));
  }

  function serviceCard(service) {
    var card = el('section', 'service');
    card.dataset.service = service.name;
    if (service.stale) { card.classList.add('is-stale'); }
    var title = add(el('div', 'service-title'), el('h2', null, service.name),
      el('span', 'count', plural(service.instances.length, service.health ? 'passing instance' : 'instance')));
    var flags = el('div', 'flags');
    if (!service.loaded) {
      add(flags, badge('loading', 'muted', 'the registry has not answered for this service yet'));
    } else if (service.stale) {
      add(flags, badge('stale', 'stale', 'the registry may hold something else now: it is unreachable, or the list is held'));
    } else {
      add(flags, badge('live', 'live', 'kept current by a watch on the registry'));
    }
    if (service.held) { add(flags, badge('held', 'stale', 'an answer would have removed too many instances at once')); }
    if (service.restored) { add(flags, badge('restored', 'stale', 'from the snapshot on disk')); }
    if (service.partial) { add(flags, badge('partial', 'stale', 'the registry left out instances this token may not read')); }
    if (service.health && service.health.critical.length > 0) {
      add(flags, badge(plural(service.health.critical.length, 'critical check'), 'critical'));
    }
    var meta = add(el('div', 'meta'), document.createTextNode('updated '), ageSpan(service.ageMillis),
      document.createTextNode(' ago · revision ' + service.revision));
    add(card, add(el('header'), add(el('div'), title, meta), flags), instancesTable(service));
    if (service.health && service.health.critical.length > 0) {
      add(card, checksTable(service.health.critical, 'Critical checks'));
    }
    return card;
  }

  function alert(kind, text) { return el('div', 'alert alert-' + kind, text); }

  function render() {
    $('registry').textContent = state.registry;
    var alerts = $('alerts');
    alerts.replaceChildren();
    if (state.listingError) {
      add(alerts, alert('error', 'Cannot list the services: ' + state.listingError + ' — showing the last known views.'));
    }
    if (state.checksError) {
      add(alerts, alert('error', 'Cannot read the critical checks: ' + state.checksError));
    }
    if (state.nodeChecks.length > 0) {
      add(alerts, checksTable(state.nodeChecks, 'Critical node checks (every instance on these nodes is out)'));
    }
    var instances = 0;
    var stale = 0;
    state.services.forEach(function (s) { instances += s.instances.length; if (s.stale) { stale++; } });
    var summary = $('summary');
    summary.replaceChildren(el('span', null, plural(state.services.length, 'service')),
      el('span', null, plural(instances, 'instance')));
    if (stale > 0) { add(summary, el('span', 'summary-stale', stale + ' stale')); }
    if (state.checksKnown) { add(summary, el('span', null, 'health from Consul checks')); }
    $('services').replaceChildren.apply($('services'), state.services.map(serviceCard));
    $('empty').hidden = state.services.length > 0;
  }

  function tick() {
    if (!state) { return; }
    var elapsed = Date.now() - receivedAt;
    document.querySelectorAll('[data-age-base]').forEach(function (span) {
      span.textContent = formatAge(Number(span.dataset.ageBase) + elapsed);
    });
  }

  function connection(kind, text) {
    var c = $('connection');
    c.dataset.state = kind;
    c.textContent = text;
  }

  function connect() {
    var events = new EventSource('api/events');
    events.addEventListener('open', function () { connection('live', 'live'); });
    events.addEventListener('error', function () { connection('lost', 'reconnecting…'); });
    events.addEventListener('state', function (e) {
      state = JSON.parse(e.data);
      receivedAt = Date.now();
      connection('live', 'live');
      render();
    });
  }

  setInterval(tick, 1000);
  connect();
})();
