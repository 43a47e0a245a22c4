// The admin layout's menu: on a narrow screen the sidebar folds behind a
// "Menu" button. Without this script the menu simply stays open.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".admin-menu-toggle");
  var nav = document.getElementById("admin-nav");
  if (!button || !nav) return;
  document.documentElement.classList.add("admin-js");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
});
