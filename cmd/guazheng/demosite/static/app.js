// 工程英才网 front end: renders the list or one post from the JSON API.
(function () {
  'use strict';
  var app = document.getElementById('app');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function get(url) {
    return fetch(url).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  function list(page) {
    get('/api/list?page=' + page).then(function (res) {
      app.textContent = '';
      res.body.items.forEach(function (it) {
        var row = el('div', 'item');
        var a = el('a', '', it.title);
        a.href = '/post/' + it.id;
        row.appendChild(a);
        row.appendChild(el('small', '', it.city + ' · ' + it.time));
        row.appendChild(el('div', '', it.summary));
        app.appendChild(row);
      });
      var nav = el('p');
      if (page > 1) {
        var prev = el('a', '', '上一页');
        prev.href = '#';
        prev.onclick = function () { list(page - 1); return false; };
        nav.appendChild(prev);
        nav.appendChild(document.createTextNode(' '));
      }
      if (res.body.has_more) {
        var next = el('a', '', '下一页');
        next.href = '#';
        next.onclick = function () { list(page + 1); return false; };
        nav.appendChild(next);
      }
      app.appendChild(nav);
    });
  }

  function post(id) {
    get('/api/post/' + id).then(function (res) {
      app.textContent = '';
      var p = res.body;
      if (res.status !== 200 || p.deleted) {
        app.appendChild(el('h2', '', p.message || '信息不存在'));
        return;
      }
      app.appendChild(el('h1', '', p.title));
      app.appendChild(el('p', '', p.company + ' · ' + p.city + ' · 发布于 ' + p.published));
      app.appendChild(el('div', 'content', p.content));
      var c = el('div', 'contact');
      [['电话', p.contact.phone], ['微信', p.contact.wechat], ['QQ', p.contact.qq]].forEach(function (kv) {
        if (kv[1]) c.appendChild(el('div', '', kv[0] + '：' + kv[1]));
      });
      if (!c.firstChild) c.appendChild(el('div', '', '联系方式见正文'));
      app.appendChild(c);
    });
  }

  var id = app.getAttribute('data-post-id');
  if (id) post(id); else list(1);
})();
