/*
 * TraitTrace console: the few things a server-rendered page cannot do by itself. Loaded from 'self' only (the
 * console's Content-Security-Policy allows no inline script); every page works without it.
 */
(function () {
  'use strict';

  /* The lineage graph: Cytoscape draws the elements the page carries in its JSON data block. */
  function drawGraph() {
    var container = document.getElementById('lineage-graph');
    var data = document.getElementById('lineage-graph-data');
    if (!container || !data || typeof window.cytoscape !== 'function') {
      return;
    }
    var elements;
    try {
      elements = JSON.parse(data.textContent);
    } catch (e) {
      return;
    }
    container.classList.add('drawn');
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      style: [
        { selector: 'node', style: {
          'label': 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4,
          'background-color': '#5b7083', 'width': 22, 'height': 22, 'color': '#1f2933',
          'text-wrap': 'ellipsis', 'text-max-width': 160 } },
        { selector: 'node[kind = "dataset"]', style: { 'shape': 'round-rectangle', 'background-color': '#c58b16' } },
        { selector: 'node[role = "focus"]', style: { 'background-color': '#1d4ed8', 'width': 30, 'height': 30, 'font-weight': 'bold' } },
        { selector: 'node[level = "SAME_INIT"]', style: { 'border-width': 3, 'border-color': '#b42318' } },
        { selector: 'edge', style: {
          'width': 1.5, 'line-color': '#9aa5b1', 'target-arrow-color': '#9aa5b1', 'target-arrow-shape': 'triangle',
          'curve-style': 'bezier', 'label': 'data(label)', 'font-size': 9, 'color': '#52606d',
          'text-rotation': 'autorotate', 'text-background-color': '#ffffff', 'text-background-opacity': 0.8 } },
        { selector: 'edge[kind = "data"]', style: { 'line-style': 'dashed', 'line-color': '#c58b16', 'target-arrow-color': '#c58b16' } }
      ],
      layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.2, padding: 16 }
    });
    cy.on('tap', 'node', function (event) {
      var href = event.target.data('href');
      if (href) {
        window.location.assign(href);
      }
    });
  }

  /* Live audit progress: the runner's server-sent events, through the gateway with the console session. */
  var FINISHED = { SUCCEEDED: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled' };

  function recount(live) {
    var counts = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    document.querySelectorAll('#runs-table .run-row').forEach(function (row) {
      var state = (row.getAttribute('data-state') || '').toLowerCase();
      counts.total++;
      if (counts.hasOwnProperty(state)) {
        counts[state]++;
      }
    });
    var finished = counts.succeeded + counts.failed + counts.cancelled;
    var progress = document.getElementById('audit-progress');
    if (progress && counts.total > 0) {
      progress.max = counts.total;
      progress.value = finished;
      progress.textContent = Math.round(100 * finished / counts.total) + ' %';
    }
    setText('progress-finished', finished);
    ['total', 'pending', 'running', 'succeeded', 'failed', 'cancelled'].forEach(function (key) {
      if (counts.total > 0) {
        setText('progress-' + key, counts[key]);
      }
    });
    live.setAttribute('data-finished', String(finished));
  }

  function setText(id, value) {
    var element = document.getElementById(id);
    if (element) {
      element.textContent = String(value);
    }
  }

  function applyRun(event) {
    var row = document.querySelector('#runs-table .run-row[data-run-id="' + cssEscape(event.runId) + '"]');
    if (!row || !event.runState) {
      return;
    }
    row.setAttribute('data-state', event.runState);
    var badge = row.querySelector('.run-state .badge');
    if (badge) {
      badge.textContent = event.runState;
      badge.className = 'badge state-' + event.runState.toLowerCase();
    }
    if (event.reason) {
      var reason = row.querySelector('.run-reason');
      if (reason) {
        reason.textContent = event.reason;
      }
    }
  }

  function cssEscape(value) {
    return window.CSS && window.CSS.escape ? window.CSS.escape(String(value)) : String(value).replace(/["\\]/g, '\\$&');
  }

  function followAudit() {
    var live = document.getElementById('audit-live');
    var url = live && live.getAttribute('data-events-url');
    var status = document.getElementById('audit-live-status');
    if (!url || typeof window.EventSource !== 'function') {
      return;
    }
    var source = new EventSource(url);
    var ended = false;
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    function onEvent(message) {
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (event.kind === 'run') {
        applyRun(event);
        recount(live);
        say('Live: run ' + (event.runState || '').toLowerCase() + '.');
      } else if (event.kind === 'audit' && event.auditState) {
        var state = document.getElementById('audit-state');
        if (state) {
          state.textContent = event.auditState;
          state.className = 'badge state-' + event.auditState.toLowerCase();
        }
        live.setAttribute('data-state', event.auditState);
        if (event.auditState !== 'RUNNING') {
          ended = true;
          source.close();
          say('The audit has ended (' + event.auditState + (event.outcome ? ', ' + event.outcome : '') + '). Reloading for the results…');
          window.setTimeout(function () { window.location.reload(); }, 1500);
        } else {
          say('Live: following the audit.');
        }
      }
    }
    source.onmessage = onEvent;
    source.addEventListener('audit-progress', onEvent);
    source.onopen = function () { say('Live: following the audit.'); };
    source.onerror = function () {
      if (!ended && source.readyState === EventSource.CLOSED) {
        say('Live updates stopped; reload the page to see the latest state.');
      } else if (!ended) {
        say('Live updates interrupted; reconnecting…');
      }
    };
  }

  /* Copy buttons: shown only where the clipboard can be written. */
  function enableCopy() {
    document.querySelectorAll('button[data-copy-target]').forEach(function (button) {
      if (!navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener('click', function () {
        var target = document.getElementById(button.getAttribute('data-copy-target'));
        var status = document.getElementById('copy-status');
        navigator.clipboard.writeText(target ? target.value || target.textContent : '').then(function () {
          if (status) { status.textContent = 'Copied.'; }
        }, function () {
          if (status) { status.textContent = 'Could not copy; select the text instead.'; }
        });
      });
    });
  }

  /* The organisation switcher goes as soon as another organisation is picked; its button stays for pages without script. */
  function autoSwitch() {
    var select = document.getElementById('org-select');
    if (select && select.form) {
      select.addEventListener('change', function () { select.form.submit(); });
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    drawGraph();
    followAudit();
    enableCopy();
    autoSwitch();
  });
}());
