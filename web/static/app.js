// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-all").forEach(function (all) {
    all.addEventListener("change", function () {
      var form = all.closest("form");
      form.querySelectorAll('input[type=checkbox][name=hit]').forEach(function (cb) { cb.checked = all.checked; });
    });
  });
  document.querySelectorAll("form.state-form button[value=dismissed], fieldset.bulk button[value=dismissed]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm("确定排除所选线索吗？")) { e.preventDefault(); }
    });
  });
});
