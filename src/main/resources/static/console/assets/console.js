// orderhub console: htmx does the work; this file adds the CSRF token to every htmx request,
// shows the API's error shape {"error","detail"} of a refused action in the flash line, and
// uploads a CSV stock file as text/csv, then follows its progress bar.
(function () {
  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : null;
  }
  function flash(text, error) {
    var el = document.getElementById('flash');
    if (!el) { return; }
    el.textContent = text;
    el.classList.remove('hidden');
    el.classList.toggle('error', !!error);
  }
  document.addEventListener('htmx:configRequest', function (e) {
    var t = token();
    if (t) { e.detail.headers['X-CSRF-TOKEN'] = t; }
  });
  document.addEventListener('htmx:responseError', function (e) {
    var xhr = e.detail.xhr;
    var text = 'The hub answered ' + xhr.status;
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.detail) { text = body.detail + ' (' + xhr.status + ' ' + body.error + ')'; }
    } catch (ignored) { /* not JSON */ }
    flash(text, true);
  });
  document.addEventListener('htmx:sendError', function () {
    flash('The hub did not answer: is it running?', true);
  });
  document.addEventListener('click', function (e) {
    var all = e.target.closest('[data-select-all]');
    if (all) {
      document.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = all.checked; });
    }
  });
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.matches('#import-form')) { return; }
    e.preventDefault();
    var file = form.querySelector('input[type="file"]').files[0];
    if (!file) { flash('Choose a CSV file first', true); return; }
    var headers = {'Content-Type': 'text/csv'};
    var t = token();
    if (t) { headers['X-CSRF-TOKEN'] = t; }
    flash('Uploading ' + file.name + ' …', false);
    fetch('/console/stock/imports', {method: 'POST', headers: headers, body: file, credentials: 'same-origin'})
      .then(function (response) {
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      })
      .then(function (answer) {
        if (answer.status !== 202) {
          flash((answer.body && answer.body.detail ? answer.body.detail : 'refused') + ' (' + answer.status + ')', true);
          return;
        }
        flash('Import ' + answer.body.importId + ' started', false);
        htmx.ajax('GET', '/console/stock/imports/' + answer.body.importId, {target: '#import-progress', swap: 'innerHTML'});
      })
      .catch(function () { flash('The upload failed: is the hub running?', true); });
  });
})();
