// The book theme leaves the colour mode empty until a reader picks one, and its own script then
// logs "Got invalid theme mode" as a console error. Start from "auto" (follow the system) instead.
if (!document.documentElement.dataset.mode) {
  document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";
}
