// Drag an item of the organisers' timetable onto a free slot to move it there: the drop posts
// the same Move form the page offers without JavaScript, so both paths share one rule set.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector('#move-template input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function postMove(table, itemId, slot) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = table.dataset.moveUrlTemplate.replace(/\/items\/0\/move$/, "/items/" + itemId + "/move");
    var fields = {
      csrf_token: csrfToken(),
      day: table.dataset.day,
      start: slot.dataset.start,
      room_id: slot.dataset.roomId
    };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  document.querySelectorAll("table.timetable").forEach(function (table) {
    table.addEventListener("dragstart", function (event) {
      var item = event.target.closest("[data-item-id]");
      if (!item) { return; }
      event.dataTransfer.setData("text/plain", item.dataset.itemId);
      event.dataTransfer.effectAllowed = "move";
      item.classList.add("is-dragging");
    });
    table.addEventListener("dragend", function (event) {
      var item = event.target.closest("[data-item-id]");
      if (item) { item.classList.remove("is-dragging"); }
    });
    table.addEventListener("dragover", function (event) {
      if (event.target.closest("td.tt-free")) { event.preventDefault(); }
    });
    table.addEventListener("dragenter", function (event) {
      var slot = event.target.closest("td.tt-free");
      if (slot) { slot.classList.add("is-target"); }
    });
    table.addEventListener("dragleave", function (event) {
      var slot = event.target.closest("td.tt-free");
      if (slot) { slot.classList.remove("is-target"); }
    });
    table.addEventListener("drop", function (event) {
      var slot = event.target.closest("td.tt-free");
      var itemId = event.dataTransfer.getData("text/plain");
      if (!slot || !itemId) { return; }
      event.preventDefault();
      postMove(table, itemId, slot);
    });
  });
})();
